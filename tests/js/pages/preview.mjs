// What tests/js/pages/preview.html checks in the browser: `Preview` and the
// `BlockPatcher` under it keep the element equal to a fresh render, keep
// the nodes of the blocks that did not change, and recover when someone
// else touched the element. Returns `{ checks: [[name, ok, detail]] }`;
// tests/js/browser.test.mjs asserts that every check holds.

/** A deterministic pseudo-random sequence (xorshift32). */
function random(seed) {
  let state = seed;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

export function runPreviewChecks(mod, seed) {
  const checks = [];
  const check = (name, ok, detail = "") => checks.push([name, Boolean(ok), String(detail)]);
  const host = document.createElement("div");
  document.body.append(host);
  // The element shows exactly what a full render gives.
  const asRendered = (source, options) => {
    const template = document.createElement("template");
    template.innerHTML = mod.render(source, options).html;
    return template.innerHTML;
  };
  const block = (i) => host.children[i];

  const preview = new mod.Preview(host);
  let source = "# Title\n\nfirst\n\nsecond\n\nthird\n";
  preview.update(source);
  check("first update as render", host.innerHTML === asRendered(source));
  const [h1, first, second, third] = [0, 1, 2, 3].map(block);

  source = "# Title\n\nfirst\n\nsecond, edited\n\nthird\n";
  preview.update(source);
  check("edit: as render", host.innerHTML === asRendered(source));
  check("edit: other blocks kept", block(0) === h1 && block(1) === first && block(3) === third);
  check("edit: edited block new", block(2) !== second && block(2).textContent === "second, edited");

  source = `\n\n${source}`;
  preview.update(source);
  check("lines above: as render", host.innerHTML === asRendered(source));
  check("lines above: nodes kept, lines moved", block(0) === h1 && block(3) === third && h1.dataset.line === "3" && third.dataset.line === "9");

  source = "\n\n# Title\n\nsecond, edited\n\nthird\n\nfourth\n";
  preview.update(source);
  check("remove and add: as render", host.innerHTML === asRendered(source));
  check("remove and add: kept", block(0) === h1 && block(2) === third && !first.isConnected);

  // Through edit(): typing character by character.
  let at = source.indexOf("third") + "third".length;
  for (const c of " and more") {
    preview.edit(at, at, c);
    source = source.slice(0, at) + c + source.slice(at);
    at += 1;
  }
  check("typing: as render", host.innerHTML === asRendered(source), host.innerHTML);
  check("typing: heading kept", block(0) === h1 && preview.source() === source);

  // Someone else touched the element: rebuilt, still as a render.
  host.append(document.createElement("hr"));
  source = "# Title\n\nagain\n";
  preview.update(source);
  check("touched: as render", host.innerHTML === asRendered(source), host.innerHTML);

  // A data-line="…" in the text is text, not a line to move.
  source = 'x\n\ntext data-line="4" here\n';
  preview.update(source);
  source = `\n${source}`;
  preview.update(source);
  check("data-line in text: as render", host.innerHTML === asRendered(source), host.innerHTML);
  preview.free();

  randomEdits(mod, seed, asRendered, check);
  sourceLinesOff(mod, asRendered, check);
  patcherAlone(mod, check);
  host.remove();
  return { checks };
}

/** How many nodes each block's HTML parses to. */
function nodeCounts(blocks) {
  return blocks.map((html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content.childNodes.length;
  });
}

const sum = (list) => list.reduce((a, b) => a + b, 0);

/** 300 random edits of the seed, through edit() and update() in turn:
 * after each, the element is what a render gives, and the nodes of the
 * blocks the engine did not change (before and after its change) are the
 * same objects as before. */
function randomEdits(mod, seed, asRendered, check) {
  const host = document.createElement("div");
  document.body.append(host);
  const preview = new mod.Preview(host);
  const next = random(12345);
  const pieces = ["a", " ", "\n", "\n\n", "## Heading\n\n", "*", "`", "```\n", "- item\n", ":::note\n", "<div>", "{", "|a|b|\n|-|-|\n"];
  let source = seed;
  preview.update(source);
  let differs = null;
  let lost = null;
  let keptNodes = 0;
  for (let step = 0; step < 300 && differs === null && lost === null; step++) {
    const from = next(source.length + 1);
    const to = Math.min(source.length, from + (next(4) === 0 ? next(40) : 0));
    const text = pieces[next(pieces.length)];
    const edited = source.slice(0, from) + text + source.slice(to);
    const counts = nodeCounts(preview.renderer.blocks());
    const nodes = [...host.childNodes];
    const { change } = step % 2 === 0 ? preview.edit(from, to, text) : preview.update(edited);
    source = edited;
    if (host.innerHTML !== asRendered(source)) differs = `step ${step}: ${JSON.stringify(text)} at ${from}..${to}`;
    if (change.full) continue;
    const before = sum(counts.slice(0, change.start));
    const after = sum(counts.slice(change.start + change.removed));
    const now = host.childNodes;
    for (let i = 0; i < before; i++) if (now[i] !== nodes[i]) lost = `step ${step}: node ${i} before the change`;
    for (let i = 1; i <= after; i++) if (now[now.length - i] !== nodes[nodes.length - i]) lost = `step ${step}: node ${i} from the end`;
    keptNodes += before + after;
  }
  check("random edits: as render at every step", differs === null, differs);
  check("random edits: blocks outside each change keep their nodes", lost === null && keptNodes > 1000, lost ?? keptNodes);
  preview.free();
  host.remove();
}

/** Without data-line: still patched block by block. */
function sourceLinesOff(mod, asRendered, check) {
  const host = document.createElement("div");
  const options = { sourceLines: false };
  const preview = new mod.Preview(host, options);
  let source = "# A\n\nb\n\nc\n";
  preview.update(source);
  const heading = host.firstElementChild;
  source = "# A\n\nb, edited\n\nc\n";
  preview.update(source);
  check("sourceLines off: as render", host.innerHTML === asRendered(source, options), host.innerHTML);
  check("sourceLines off: heading kept", host.firstElementChild === heading);
  preview.free();
}

/** The patcher on its own: a change that does not fit is refused. */
function patcherAlone(mod, check) {
  const host = document.createElement("div");
  const prepared = [];
  const patcher = new mod.BlockPatcher(host, { prepare: (node) => prepared.push(node.nodeName) });
  const full = patcher.apply({ start: 0, removed: 0, blocks: ['<p data-line="1">a</p>\n', '<p data-line="3">b</p>\n'], lineShift: 0, full: true });
  check("patcher: full", full?.blocks === 2 && host.children.length === 2 && prepared.join() === "P,#text,P,#text", prepared.join());
  const b = host.children[1];
  const spliced = patcher.apply({ start: 0, removed: 1, blocks: ['<p data-line="1">a</p>\n\n', '<p data-line="2">new</p>\n'], lineShift: 1, full: false });
  check("patcher: splice", spliced?.replaced === 2 && host.children[2] === b && b.dataset.line === "4", host.innerHTML);
  check("patcher: past the end refused", patcher.apply({ start: 3, removed: 1, blocks: [], lineShift: 0, full: false }) === null);
  host.firstChild.remove();
  check("patcher: touched element refused", patcher.apply({ start: 0, removed: 1, blocks: [], lineShift: 0, full: false }) === null);
  patcher.disconnect();
}
