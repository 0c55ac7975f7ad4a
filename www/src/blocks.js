// Split the renderer's HTML into its top-level blocks, as strings, in the
// worker, so that the page only parses the blocks that changed.
//
// Each top-level block is an element with a data-line attribute; nested
// elements have none. The split is checked: every piece must be balanced
// (each tag it opens is closed in it). If one is not, or the HTML has no
// data-line at all, `splitBlocks` returns null and the page parses the
// whole HTML instead, so a surprise costs time, never a wrong DOM.

const BLOCK_START = /<[a-zA-Z][a-zA-Z0-9-]*(?:\s+[^\s=>/"']+(?:="[^"]*")?)*? data-line="(\d+)"/g;
// Tags of the sanitized HTML: attribute values are quoted (and `"` inside
// them escaped), text has `<` escaped.
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s+[^\s=>/"']+(?:="[^"]*")?)*\s*(\/?)>/g;
const VOID = new Set([
  "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
]);

function balanced(html) {
  const open = [];
  for (const [, closing, rawName, selfClosing] of html.matchAll(TAG)) {
    const name = rawName.toLowerCase();
    if (VOID.has(name) || selfClosing) continue;
    if (!closing) open.push(name);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

/**
 * `[{ key, line, html }]` for each top-level block (key: the HTML without
 * its data-line), or null when the HTML cannot be split safely.
 */
export function splitBlocks(html) {
  const starts = [...html.matchAll(BLOCK_START)];
  if (starts.length === 0) return html.trim() === "" ? [] : null;
  if (html.slice(0, starts[0].index).trim() !== "") return null;
  const blocks = [];
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i].index;
    const to = i + 1 < starts.length ? starts[i + 1].index : html.length;
    const piece = html.slice(from, to).trimEnd();
    if (!balanced(piece)) return null;
    const line = starts[i][1];
    // The first ` data-line="N"` is the attribute: a value holding `"` has
    // it escaped, so the text cannot occur inside a value before it.
    const key = piece.replace(` data-line="${line}"`, "");
    blocks.push({ key, line, html: piece });
  }
  return blocks;
}
