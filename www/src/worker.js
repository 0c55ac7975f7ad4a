// The render worker: loads the wasm package once, then renders each source it
// is sent, incrementally (`Renderer.update`: only the blocks an edit touches
// are parsed again), and posts back what the page needs to patch the preview.
// It never touches a DOM (workers have none): the page patches the preview.
//
// Messages in:  { seq, source, options }, or { type: "resync" } when the
//               page needs the whole preview (and every field) next time.
// Messages out: { type: "ready" } once, then
//   { type: "result", seq, ms, result, patch } where `result` is the render
//   result without its html, and with `toc` / `diagnostics` set to null when
//   they are the same as in the previous message; and `patch` is one of
//     { kind: "blocks", blocks }  the whole preview, split by blocks.js;
//     { kind: "html", html }      the whole preview, unsplit;
//     { kind: "splice", start, removed, blocks, lineShift }  top-level
//       blocks (as blocks.js gives them) `start .. start + removed` replaced
//       by `blocks`, and every later block's data-line moved by `lineShift`;
//   or { type: "error", seq, message } (invalid options; a document never
//   throws).
import init, { Renderer } from "../../pkg/mdx_preview.js";
import { splitBlocks } from "./blocks.js";

let renderer = null;
let rendererKey = "";
// Top-level blocks (as blocks.js splits them) of each block of the last
// update; null when the page was last sent something else.
let counts = null;
let lastToc = null;
let lastDiagnostics = null;

const ready = init({ module_or_path: new URL("./mdx_preview_bg.wasm", import.meta.url) }).then(
  () => postMessage({ type: "ready" }),
  (error) => postMessage({ type: "fatal", message: String(error?.message ?? error) }),
);

/** The page's patch for an update, and the new `counts`. */
function patchFor(result) {
  const { change } = result;
  if (!change.full && counts !== null) {
    const pieces = [];
    const inserted = [];
    for (const html of change.blocks) {
      const split = splitBlocks(html);
      if (split === null) return null;
      pieces.push(...split);
      inserted.push(split.length);
    }
    const sum = (list) => list.reduce((total, n) => total + n, 0);
    const start = sum(counts.slice(0, change.start));
    const removed = sum(counts.slice(change.start, change.start + change.removed));
    counts.splice(change.start, change.removed, ...inserted);
    return { kind: "splice", start, removed, blocks: pieces, lineShift: change.lineShift };
  }
  // The whole preview, split block by block (the first update gives every
  // block, a full render one holding everything; after anything else the
  // renderer still has them all).
  const all = change.full ? change.blocks : renderer.blocks();
  const split = all.map((html) => splitBlocks(html));
  if (split.some((blocks) => blocks === null)) return null;
  counts = split.map((blocks) => blocks.length);
  return { kind: "blocks", blocks: split.flat() };
}

self.onmessage = async ({ data }) => {
  await ready;
  if (data.type === "resync") {
    // The page lost track of the preview: send the whole of it next time.
    counts = null;
    lastToc = null;
    lastDiagnostics = null;
    return;
  }
  const { seq, source, options } = data;
  try {
    // Options are parsed once per distinct set (the Renderer checks them).
    const key = JSON.stringify(options);
    if (renderer === null || key !== rendererKey) {
      renderer?.free();
      renderer = new Renderer(options);
      rendererKey = key;
      counts = null;
    }
    const start = performance.now();
    const result = renderer.update(source);
    const ms = performance.now() - start;
    let patch = patchFor(result);
    if (patch === null) {
      counts = null;
      const blocks = splitBlocks(result.html);
      patch = blocks === null ? { kind: "html", html: result.html } : { kind: "blocks", blocks };
    }
    // Unchanged arrays are the same objects as last time: do not copy them
    // to the page again.
    const { html, change, ...rest } = result;
    const message = {
      ...rest,
      toc: result.toc === lastToc ? null : result.toc,
      diagnostics: result.diagnostics === lastDiagnostics ? null : result.diagnostics,
    };
    lastToc = result.toc;
    lastDiagnostics = result.diagnostics;
    postMessage({ type: "result", seq, result: message, patch, ms });
  } catch (error) {
    renderer = null;
    counts = null;
    lastToc = null;
    lastDiagnostics = null;
    postMessage({ type: "error", seq, message: String(error?.message ?? error) });
  }
};
