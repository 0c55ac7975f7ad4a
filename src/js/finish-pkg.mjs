// Finish the package wasm-pack wrote: `node src/js/finish-pkg.mjs pkg`.
// Copies the Node entry next to the web glue and rewrites package.json so
// Node gets `node.mjs` (wasm loaded at import) and browsers and bundlers get
// the web entry (`await init()` first), both with the same types.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "pkg";
const file = join(dir, "package.json");
const built = JSON.parse(readFileSync(file, "utf8"));
copyFileSync(new URL("./node.mjs", import.meta.url), join(dir, "node.mjs"));

const name = built.name.replace(/_/g, "-");
const wasm = `${name.replace(/-/g, "_")}_bg.wasm`;
const glue = `${name.replace(/-/g, "_")}.js`;
const types = `${name.replace(/-/g, "_")}.d.ts`;
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
      default: `./${glue}`,
    },
    [`./${wasm}`]: `./${wasm}`,
    "./package.json": "./package.json",
  },
  main: `./${glue}`,
  types: `./${types}`,
  files: [wasm, glue, types, "node.mjs", "snippets/", "README.md"],
  // Only node.mjs does something at import (it loads the wasm); the web
  // glue is free of side effects, so bundlers may drop it when unused.
  sideEffects: ["./node.mjs"],
  engines: { node: ">=20" },
};
writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
console.log(`${file}: ${pkg.name}@${pkg.version}, entries node.mjs (node) and ${glue} (default)`);
