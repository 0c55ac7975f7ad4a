// Keystroke replay: type a sentence character by character in the middle of
// the seed, a ~100 KB and a ~1 MB document, through the incremental
// `Renderer.edit` (as an editor with change events calls it) and through
// `Renderer.update(source)` (as the live preview's worker calls it, with the
// whole text), and compare with full renders of the same document measured
// in the same run: ours, markdown-wasm's (md4c in wasm, markdown only), and
// for the seed @mdx-js/mdx evaluate + renderToStaticMarkup (on the fixed
// seed, which it can compile). Prints median and p95 ms per keystroke, the
// ratios, and the DESIGN §6 budgets; every 10th keystroke's result is
// checked against a full render. Writes target/bench/keystroke.json.
//
//   make pkg && node tests/bench/keystroke.mjs [path/to/pkg/node.mjs]
//
// The peers come from tests/bench/node_modules (`make bench` installs them);
// without them only our numbers are printed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { document, middle, seed } from "./keystroke-docs.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const entry = process.argv[2] ?? join(root, "pkg/node.mjs");
const { render, Renderer } = await import(entry);

const sentence = "The quick brown fox jumps over the lazy dog, twice. ";
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), runs: times.length };
};

/** Median time of `fn(source)` (warm), fewer runs for slow documents. */
async function full(fn, source) {
  const first = performance.now();
  await fn(source);
  const slow = performance.now() - first > 300;
  for (let i = 0; i < (slow ? 1 : 3); i++) await fn(source);
  const times = [];
  const rounds = slow ? 5 : 20;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn(source);
    times.push(performance.now() - t);
  }
  return stats(times);
}

let peers = {};
if (existsSync(join(here, "node_modules/markdown-wasm"))) {
  const { byId } = await import("./renderers.mjs");
  peers.markdownWasm = await byId("markdown-wasm").load();
  peers.mdx = await byId("mdx-js").load();
} else {
  console.log("(tests/bench/node_modules is missing: peers not measured; `make bench` installs them)");
}

/** Type `sentence` at the middle of `source`; `how` is "edit" or "update". */
function replay(name, source, how) {
  const renderer = new Renderer();
  renderer.update(source);
  let at = middle(source);
  let text = source;
  const times = [];
  let fullRenders = 0;
  for (const [i, char] of [...sentence].entries()) {
    const next = text.slice(0, at) + char + text.slice(at);
    const t = performance.now();
    const out = how === "edit" ? renderer.edit(at, at, char) : renderer.update(next);
    times.push(performance.now() - t);
    text = next;
    at += char.length;
    if (out.change.full) fullRenders += 1;
    if (i % 10 === 0) {
      const expected = render(text);
      const { change, ...got } = out;
      if (!isDeepStrictEqual(got, { ...expected })) {
        throw new Error(`${name}: keystroke ${i} (${how}) differs from a full render`);
      }
    }
  }
  renderer.free();
  return { ...stats(times), fullRenders };
}

const rows = [];
async function bench(name, source) {
  const ours = await full((s) => render(s), source);
  const md = peers.markdownWasm ? await full((s) => peers.markdownWasm(s), source) : null;
  const edit = replay(name, source, "edit");
  const update = replay(name, source, "update");
  const row = {
    name,
    bytes: Buffer.byteLength(source),
    fullMs: ours.median,
    markdownWasmMs: md?.median ?? null,
    edit,
    update,
  };
  rows.push(row);
  const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(0)}x` : "-");
  console.log(
    `${name.padEnd(10)} ${(row.bytes / 1024).toFixed(0).padStart(5)} KB  ` +
      `edit ${edit.median.toFixed(2)} ms (p95 ${edit.p95.toFixed(2)})  ` +
      `update ${update.median.toFixed(2)} ms (p95 ${update.p95.toFixed(2)})  ` +
      `full render ${ours.median.toFixed(1)} ms (${ratio(ours.median, edit.median)} the edit)` +
      (md ? `  markdown-wasm full ${md.median.toFixed(2)} ms (${ratio(md.median, edit.median)} the edit)` : "") +
      (edit.fullRenders + update.fullRenders
        ? `  (${edit.fullRenders + update.fullRenders} keystrokes fell back to a full render)`
        : ""),
  );
  return row;
}

console.log("keystroke replay: typing a sentence in the middle of each document, wasm in Node");
const sizes = (process.env.KEYSTROKE_SIZES ?? "seed,100KB,1MB").split(",");
if (sizes.includes("seed")) await bench("seed", seed);
let mdxRow = null;
if (sizes.includes("seed") && peers.mdx) {
  // @mdx-js/mdx cannot compile the seed as it is (duplicate import): the
  // fixed seed for both sides.
  const fixed = readFileSync(join(here, "seed-fixed.mdx"), "utf8");
  const row = await bench("seed-fixed", fixed);
  const mdx = await full((s) => peers.mdx(s, { format: "mdx" }), fixed);
  mdxRow = { mdxMs: mdx.median, keystrokeMs: row.edit.median };
  console.log(
    `@mdx-js/mdx evaluate + renderToStaticMarkup of the fixed seed: ${mdx.median.toFixed(1)} ms, ` +
      `${(mdx.median / row.edit.median).toFixed(0)}x our keystroke`,
  );
}
const big = sizes.includes("100KB") ? await bench("100KB", document(100 * 1024)) : null;
const huge = sizes.includes("1MB") ? await bench("1MB", document(1024 * 1024)) : null;

console.log("\nbudgets (DESIGN §6), medians of this run:");
const verdict = (ok) => (ok ? "met" : "NOT met");
if (big) {
  const worst = Math.max(big.edit.median, big.update.median);
  console.log(`  keystroke on 100 KB ≤ 2 ms: edit ${big.edit.median.toFixed(2)} ms, update ${big.update.median.toFixed(2)} ms — ${verdict(worst <= 2)}`);
}
if (huge) {
  const worst = Math.max(huge.edit.median, huge.update.median);
  console.log(`  keystroke on 1 MB ≤ 10 ms: edit ${huge.edit.median.toFixed(2)} ms, update ${huge.update.median.toFixed(2)} ms — ${verdict(worst <= 10)}`);
}
if (mdxRow) {
  const ratio = mdxRow.mdxMs / mdxRow.keystrokeMs;
  console.log(`  seed keystroke ≥ 100 × faster than @mdx-js/mdx: ${ratio.toFixed(0)}x — ${verdict(ratio >= 100)}`);
}

const out = join(root, "target/bench/keystroke.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ sentence, documents: rows, mdx: mdxRow }, null, 2) + "\n");
console.log(`written to ${out}`);
