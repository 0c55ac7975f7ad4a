// The package's entry (pkg/mdx_preview.js; src/js/finish-pkg.mjs puts it
// there): the wasm-bindgen glue with every render contained (contain.mjs),
// and the DOM side, in JavaScript: `Preview` (preview.mjs) and the block
// patcher it and the live-preview page use (patch.mjs).
export * from "./contain.mjs";
export { default, initSync } from "./contain.mjs";
export { Preview } from "./preview.mjs";
export { BlockPatcher } from "./patch.mjs";
