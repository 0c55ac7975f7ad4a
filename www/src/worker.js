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
//   { type: "result", seq, ms, length, result, change, receivedAt, sentAt }
//     (`receivedAt`, `sentAt`: when the worker got the message and posted
//     its answer, as `performance.timeOrigin + performance.now()`, for the
//     page's timings) where `result` is
//     the render result without `html` and `change`, and with `toc`,
//     `diagnostics` and `frontmatter` null when they are the same as in the
//     previous message; `change` is the engine's, for all the edits of the
//     message together;
//   { type: "resync", seq } when the edits do not fit the worker's text
//     (the page then sends "open");
//   { type: "error", seq, message } (invalid options; a document never
//     throws).
import init, { Renderer } from "../../pkg/mdx_preview.js";
import { Session } from "./session.js";

let session = null;

const ready = init({ module_or_path: new URL("./mdx_preview_bg.wasm", import.meta.url) }).then(
  () => {
    session = new Session(Renderer);
    postMessage({ type: "ready" });
  },
  (error) => postMessage({ type: "fatal", message: String(error?.message ?? error) }),
);

/** Now, on the clock the page reads too (a worker's `performance.now()`
 * counts from its own start). */
const epoch = () => performance.timeOrigin + performance.now();

self.onmessage = async ({ data }) => {
  const receivedAt = epoch();
  await ready;
  const { seq } = data;
  try {
    const start = performance.now();
    const done = data.type === "open" ? session.open(data) : session.edit(data);
    if (done === null) {
      postMessage({ type: "resync", seq });
      return;
    }
    const ms = performance.now() - start;
    const { change } = done;
    const result = session.message(done.result);
    const length = session.length;
    postMessage({ type: "result", seq, ms, length, result, change, receivedAt, sentAt: epoch() });
  } catch (error) {
    session.free();
    postMessage({ type: "error", seq, message: String(error?.message ?? error) });
  }
};
