// What a browser consumer of the package checks, shared by the no-bundler
// page and the Vite build (tests/js/browser.test.mjs loads both). It returns
// plain data; the Node side asserts on it, so a failure shows the values.
export async function runChecks(mod, seed) {
  const out = mod.render(seed);
  const undefinedNames = out.diagnostics.filter((d) => d.ruleId === "undefined-identifier");

  // Preview in a real DOM: an unchanged block keeps its node, a changed one
  // is replaced.
  const host = document.createElement("div");
  document.body.append(host);
  const preview = new mod.Preview(host);
  preview.update("# Title\n\nfirst paragraph\n\nsecond paragraph\n");
  const before = [...host.children];
  preview.update("# Title\n\nfirst paragraph, edited\n\nsecond paragraph\n");
  const after = [...host.children];

  let optionError = null;
  try {
    mod.render("x", { toc: { minLevel: 9 } });
  } catch (error) {
    optionError = { isError: error instanceof Error, message: String(error.message) };
  }
  let sourceError = null;
  try {
    mod.render(123);
  } catch (error) {
    sourceError = { isTypeError: error instanceof TypeError, message: String(error.message) };
  }

  // markdown-rs 1.0.0 panics on this block (upstream issue 31): the
  // package contains it to the block.
  const panicked = mod.render("# A\n\n=\n=\n=\na\n=\n\nB *b*\n");

  return {
    keys: Object.keys(out).sort(),
    title: out.title,
    h2: (out.html.match(/<h2[ >]/g) || []).length,
    toc: out.toc,
    undefinedNames: undefinedNames.map((d) => [d.line, d.column, d.suggestion]),
    undefinedSlices: undefinedNames.map((d) => seed.slice(d.offset, d.endOffset)),
    blocks: [before.length, after.length],
    headingKept: before[0] === after[0],
    lastKept: before[2] === after[2],
    editedReplaced: before[1] !== after[1],
    editedText: after[1]?.textContent ?? null,
    optionError,
    sourceError,
    panicked: {
      html: panicked.html,
      diagnostics: panicked.diagnostics.map((d) => [d.ruleId, d.line]),
      after: mod.render("*fine*").html,
    },
  };
}
