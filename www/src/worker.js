// The render worker: loads the wasm package once and keeps one incremental
// `Renderer` in step with the page's editor. It never touches a DOM
// (workers have none): it posts each update's `change` (which engine
// blocks to replace, their HTML, how far later blocks' lines moved) and
// the page's BlockPatcher (pkg/patch.mjs) applies it.
//
// Messages in:
//   { type: "open", seq, source, options }  render `source` from scratch
//     (first render, options changed, out of step, a fresh worker);
//   { type: "edits", seq, edits: [[from, to, text], …], length }  CodeMirror's
//     changes since the last message, in order, each in the positions of
//     the document the ones before it made; `length`: the page's document
//     length after them (the cheap check that both sides hold the same
//     text).
// Messages out: { type: "ready" } once, then per message in
//   { type: "result", seq, ms, length, result, change } where `result` is
//     the render result without `html` and `change`, and with `toc`,
//     `diagnostics` and `frontmatter` null when they are the same as in the
//     previous message; `change` is the engine's, for all the edits of the
//     message together;
//   { type: "resync", seq } when the edits do not fit the worker's text
//     (the page then sends "open");
//   { type: "error", seq, message } (invalid options; a document never
//     throws).
import init, { Renderer } from "../../pkg/mdx_preview.js";
import { composeChanges } from "./changes.js";

let renderer = null;
let rendererKey = "";
/** Length of the renderer's source, and how many blocks it has. */
let length = 0;
let blockCount = 0;
/** What the page was last sent (unchanged values are sent as null). */
let sent = { toc: null, diagnostics: null, frontmatter: undefined };

const ready = init({ module_or_path: new URL("./mdx_preview_bg.wasm", import.meta.url) }).then(
  () => postMessage({ type: "ready" }),
  (error) => postMessage({ type: "fatal", message: String(error?.message ?? error) }),
);

/** Render `source` anew (a new Renderer when the options changed): every block. */
function open({ source, options }) {
  const key = JSON.stringify(options);
  if (renderer === null || key !== rendererKey) {
    renderer?.free();
    renderer = null;
    renderer = new Renderer(options);
    rendererKey = key;
  }
  const result = renderer.update(source);
  length = source.length;
  sent = { toc: null, diagnostics: null, frontmatter: undefined };
  const blocks = result.change.full ? result.change.blocks : renderer.blocks();
  return { result, change: { start: 0, removed: 0, blocks, lineShift: 0, full: true } };
}

/** Apply the page's edits: the last result and the change of them all,
 * or null when they do not fit the text the worker has. */
function edit({ edits, length: expected }) {
  if (renderer === null) return null;
  const changes = [];
  let result = null;
  for (const [from, to, text] of edits) {
    if (from > to || to > length) return null;
    result = renderer.edit(from, to, text);
    length += text.length - (to - from);
    changes.push(result.change);
  }
  if (result === null || length !== expected) return null;
  const before = blockCount;
  return { result, change: composeChanges(changes, before, () => renderer.blocks()) };
}

/** The result as the page gets it: what did not change is null. */
function message(result) {
  const out = {
    title: result.title,
    toc: result.toc === sent.toc ? null : result.toc,
    diagnostics: result.diagnostics === sent.diagnostics ? null : result.diagnostics,
    frontmatter: result.frontmatter === sent.frontmatter ? null : result.frontmatter,
    frontmatterChanged: result.frontmatter !== sent.frontmatter,
  };
  sent = { toc: result.toc, diagnostics: result.diagnostics, frontmatter: result.frontmatter };
  return out;
}

self.onmessage = async ({ data }) => {
  await ready;
  const { seq } = data;
  try {
    const start = performance.now();
    const done = data.type === "open" ? open(data) : edit(data);
    if (done === null) {
      postMessage({ type: "resync", seq });
      return;
    }
    const ms = performance.now() - start;
    const { change } = done;
    blockCount = change.full ? change.blocks.length : blockCount - change.removed + change.blocks.length;
    postMessage({ type: "result", seq, ms, length, result: message(done.result), change });
  } catch (error) {
    renderer = null;
    postMessage({ type: "error", seq, message: String(error?.message ?? error) });
  }
};
