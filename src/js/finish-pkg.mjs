// Finish the package wasm-pack wrote: `node src/js/finish-pkg.mjs pkg`.
// Copies the Node entry next to the web glue and rewrites package.json so
// Node gets `node.mjs` (wasm loaded at import) and browsers and bundlers get
// the web entry (`await init()` first), both with the same types.
//
// The entry every environment imports, mdx_preview.js (src/js/entry.mjs),
// re-exports the containment layer (contain.mjs: wasm-bindgen's glue, moved
// here to mdx_preview_glue.js, with every render contained) and the DOM
// classes (preview.mjs, patch.mjs), whose types (dom.d.ts) are appended to
// the glue's .d.ts.
import { appendFileSync, copyFileSync, existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";

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
const modules = ["contain.mjs", "preview.mjs", "patch.mjs"];
for (const module of modules) copyFileSync(new URL(`./${module}`, import.meta.url), join(dir, module));
copyFileSync(new URL("./entry.mjs", import.meta.url), join(dir, entry));
// The DOM classes' types, once (a second run finds them there).
const domTypes = readFileSync(new URL("./dom.d.ts", import.meta.url), "utf8");
if (!readFileSync(join(dir, types), "utf8").includes("export class BlockPatcher")) {
  appendFileSync(join(dir, types), `\n${domTypes}`);
}
// The shipped JavaScript without comments and layout (names kept, so stack
// traces stay readable): 10 KB of the package's 17 KB gzip was comments and
// indentation. The documented sources are src/js/ and wasm-bindgen's output.
// In the glue and contain.mjs, local names are shortened too (0.8 KB
// gzip). What the package exports from the glue goes through contain.mjs,
// which names its `Renderer` itself (`Renderer.name`, and the messages)
// and keeps its functions' names (`keepNames`: stack traces still say
// `render`, `containedCall`). A Renderer method's stack frames do read
// `R.edit` and `l.edit` now: V8 names them by the class's binding.
// patch.mjs and preview.mjs are left as they are: minifying them gains
// little.
for (const module of [glue, ...modules, entry, "node.mjs", ...snippets(dir)]) {
  const path = join(dir, module);
  const { code } = transformSync(readFileSync(path, "utf8"), {
    loader: "js",
    format: "esm",
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: module === glue || module === "contain.mjs",
    keepNames: module === "contain.mjs",
    legalComments: "none",
  });
  // Deno and other TypeScript tools find the entry's types by this pragma.
  writeFileSync(path, module === entry ? `/* @ts-self-types="./${types}" */\n${code}` : code);
}

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
  files: [wasm, entry, glue, ...modules, types, "node.mjs", "snippets/", "README.md"],
  // Only node.mjs does something at import (it loads the wasm); the web
  // glue and the other modules are free of side effects, so bundlers may
  // drop them when unused.
  sideEffects: ["./node.mjs"],
  engines: { node: ">=20" },
};
writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");

/** The inline JavaScript snippets wasm-bindgen wrote (relative paths). */
function snippets(dir) {
  const root = join(dir, "snippets");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true })
    .filter((path) => /\.m?js$/.test(path))
    .map((path) => join("snippets", path));
}
console.log(`${file}: ${pkg.name}@${pkg.version}, entries node.mjs (node) and ${entry} (default), glue ${glue}`);
