// The render worker: loads the wasm package once, then renders each source it
// is sent and posts the result back with the request's sequence number.
// It never touches a DOM (workers have none): the page patches the preview.
//
// Messages in:  { seq, source, options }
// Messages out: { type: "ready" } once, then { type: "result", seq, result,
//               blocks, ms } (blocks: the html split by blocks.js, or null)
//               or { type: "error", seq, message } (invalid options; a
//               document never throws).
import init, { Renderer } from "../../pkg/mdx_preview.js";
import { splitBlocks } from "./blocks.js";

let renderer = null;
let rendererKey = "";

const ready = init({ module_or_path: new URL("./mdx_preview_bg.wasm", import.meta.url) }).then(
  () => postMessage({ type: "ready" }),
  (error) => postMessage({ type: "fatal", message: String(error?.message ?? error) }),
);

self.onmessage = async ({ data }) => {
  await ready;
  const { seq, source, options } = data;
  try {
    // Options are parsed once per distinct set (the Renderer checks them).
    const key = JSON.stringify(options);
    if (renderer === null || key !== rendererKey) {
      renderer?.free();
      renderer = new Renderer(options);
      rendererKey = key;
    }
    const start = performance.now();
    const result = renderer.render(source);
    const ms = performance.now() - start;
    // The page parses only the blocks whose HTML changed.
    const blocks = splitBlocks(result.html);
    postMessage({ type: "result", seq, result, blocks, ms });
  } catch (error) {
    renderer = null;
    postMessage({ type: "error", seq, message: String(error?.message ?? error) });
  }
};
