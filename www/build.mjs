// Build the page into www/dist: `node www/build.mjs` (after `make pkg`).
// main.js and worker.js are bundled by esbuild (ES modules, the sample post
// and blog.css inlined as text); index.html, the CSS and the wasm are copied.
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";

const www = dirname(fileURLToPath(import.meta.url));
// `--pkg DIR` builds on another build of the package (make www-trigger:
// target/trigger-pkg) and `--out DIR` writes there instead of www/dist.
const option = (name) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : resolve(process.argv[at + 1]);
};
const pkg = option("--pkg") ?? join(www, "..", "pkg");
const dist = option("--out") ?? join(www, "dist");
const wasm = join(pkg, "mdx_preview_bg.wasm");
if (!existsSync(wasm)) {
  console.error(`${wasm} is missing: run \`make pkg\` first`);
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const result = await build({
  entryPoints: [join(www, "src", "main.js"), join(www, "src", "worker.js")],
  outdir: dist,
  bundle: true,
  format: "esm",
  splitting: true, // KaTeX becomes its own chunk, loaded when a post has math
  chunkNames: "chunks/[name]-[hash]",
  target: "es2022",
  minify: !process.argv.includes("--no-minify"),
  sourcemap: true,
  loader: { ".mdx": "text", ".css": "text" },
  // The worker imports ../../pkg/mdx_preview.js: take it from `pkg`.
  plugins: [
    {
      name: "pkg",
      setup(build) {
        build.onResolve({ filter: /\/pkg\/mdx_preview\.js$/ }, () => ({ path: join(pkg, "mdx_preview.js") }));
      },
    },
  ],
  metafile: true,
  logLevel: "warning",
});
copyFileSync(join(www, "index.html"), join(dist, "index.html"));
copyFileSync(join(www, "src", "page.css"), join(dist, "page.css"));
copyFileSync(join(www, "src", "blog.css"), join(dist, "blog.css"));
copyFileSync(wasm, join(dist, "mdx_preview_bg.wasm"));
for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith(".map")) console.log(`${file.replace(/^.*www\//, "www/")}: ${(bytes / 1024).toFixed(0)} KiB`);
}
