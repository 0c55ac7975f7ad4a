// What tests/js/pages/contain.html checks in the browser with the
// panic-trigger build: a block holding the marker panics in the wasm; the
// package's layer isolates it and the Preview keeps working. Returns plain
// data; tests/js/browser.test.mjs asserts on it.
const MARKER = "MDX_PREVIEW_PANIC_TRIGGER";

export function runContainment(mod) {
  const host = document.createElement("div");
  document.body.append(host);
  const tags = () => [...host.children].map((e) => e.tagName);
  const codes = (out) => out.diagnostics.map((d) => [d.ruleId, d.line]);
  const preview = new mod.Preview(host);
  preview.update("# Title\n\nfirst\n\nsecond\n");
  const first = tags();

  const source = `# Title\n\nfirst\n\n${MARKER} here\n\nsecond\n`;
  const out = preview.update(source);
  // (With the block isolated, so as not to panic again: a panic anywhere
  // gives the module a fresh instance, and every Preview then rebuilds.)
  const template = document.createElement("template");
  template.innerHTML = mod.render(source, { isolate: [`${MARKER} here`] }).html;
  const panicked = {
    tags: tags(),
    pre: host.querySelector("pre.mdx-error")?.textContent ?? null,
    diagnostics: codes(out),
    sameAsRender: host.innerHTML === template.innerHTML,
  };

  const [heading, , , last] = host.children;
  preview.update(source.replace("first", "first, edited"));
  const edited = {
    tags: tags(),
    text: host.children[1].textContent,
    kept: host.children[0] === heading && host.children[3] === last,
  };

  const removed = preview.update("# Title\n\nfirst\n\nsecond\n");
  preview.free();
  const renderer = new mod.Renderer();
  return {
    first,
    panicked,
    edited,
    removed: { tags: tags(), diagnostics: codes(removed) },
    renderer: codes(renderer.update(`${MARKER}\n`)),
  };
}
