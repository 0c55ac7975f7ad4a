// Node entry of the mdx-preview package (the "node" export condition).
// The web entry (mdx_preview.js) needs `await init()` to fetch the wasm;
// Node has the file at hand, so this entry compiles it synchronously at
// import and re-exports the API ready to use: no init call needed.
import { readFileSync } from "node:fs";
import { initSync } from "./mdx_preview.js";

initSync({ module: readFileSync(new URL("./mdx_preview_bg.wasm", import.meta.url)) });

export * from "./mdx_preview.js";
// Kept so code written for the web entry (`await init()`) also runs here;
// it returns at once because the module is already initialized.
export { default } from "./mdx_preview.js";
