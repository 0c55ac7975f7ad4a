// Finish the package wasm-pack wrote: `node src/js/finish-pkg.mjs pkg`.
// Copies the Node entry next to the web glue and rewrites package.json so
// Node gets `node.mjs` (wasm loaded at import) and browsers and bundlers get
// the web entry (`await init()` first), both with the same types.
//
// The entry every environment imports, mdx_preview.js, is the containment
// layer (src/js/contain.mjs): it imports wasm-bindgen's glue, moved here to
// mdx_preview_glue.js, and re-exports it with every render contained.
import { copyFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "pkg";
const file = join(dir, "package.json");
const built = JSON.parse(readFileSync(file, "utf8"));
copyFileSync(new URL("./node.mjs", import.meta.url), join(dir, "node.mjs"));

const name = built.name.replace(/_/g, "-");
const stem = name.replace(/-/g, "_");
const wasm = `${stem}_bg.wasm`;
const entry = `${stem}.js`;
const glue = `${stem}_glue.js`;
const types = `${stem}.d.ts`;
// wasm-pack wrote the glue as the entry; a second run finds it moved.
if (readFileSync(join(dir, entry), "utf8").includes("__wbg_get_imports")) {
  renameSync(join(dir, entry), join(dir, glue));
}
copyFileSync(new URL("./contain.mjs", import.meta.url), join(dir, entry));
const pkg = {
  name,
  version: built.version,
  description: built.description,
  license: built.license ?? "MIT",
  repository: built.repository,
  keywords: built.keywords,
  type: "module",
  exports: {
    ".": {
      types: `./${types}`,
      node: "./node.mjs",
      default: `./${entry}`,
    },
    [`./${wasm}`]: `./${wasm}`,
    "./package.json": "./package.json",
  },
  main: `./${entry}`,
  types: `./${types}`,
  files: [wasm, entry, glue, types, "node.mjs", "snippets/", "README.md"],
  // Only node.mjs does something at import (it loads the wasm); the web
  // glue is free of side effects, so bundlers may drop it when unused.
  sideEffects: ["./node.mjs"],
  engines: { node: ">=20" },
};
writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
console.log(`${file}: ${pkg.name}@${pkg.version}, entries node.mjs (node) and ${entry} (default), glue ${glue}`);
