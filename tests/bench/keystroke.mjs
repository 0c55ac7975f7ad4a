// Keystroke replay: type a sentence character by character in the middle of
// the seed, a ~100 KB and a ~1 MB document, through the incremental
// `Renderer.edit`, and compare with a full `render` of the same document.
// Prints median and p95 ms per keystroke and the ratio to a full render.
// Every 10th keystroke's result is checked against a full render.
//
//   make pkg && node tests/bench/keystroke.mjs [path/to/pkg/node.mjs]
import { performance } from "node:perf_hooks";
import { isDeepStrictEqual } from "node:util";
import { document, middle, seed } from "./keystroke-docs.mjs";

const entry = process.argv[2] ?? new URL("../../pkg/node.mjs", import.meta.url).pathname;
const { render, Renderer } = await import(entry);

const sentence = "The quick brown fox jumps over the lazy dog, twice. ";
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
};

function bench(name, source) {
  // Full render: warm up, then time.
  const full = [];
  for (let i = 0; i < 3; i++) render(source);
  const rounds = source.length > 500_000 ? 5 : 20;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    render(source);
    full.push(performance.now() - t);
  }
  const renderer = new Renderer();
  renderer.update(source);
  let at = middle(source);
  // UTF-16 offset: JavaScript strings are UTF-16 already.
  let text = source;
  const times = [];
  let fullRenders = 0;
  for (const [i, char] of [...sentence].entries()) {
    const t = performance.now();
    const out = renderer.edit(at, at, char);
    times.push(performance.now() - t);
    text = text.slice(0, at) + char + text.slice(at);
    at += char.length;
    if (out.change.full) fullRenders += 1;
    if (i % 10 === 0) {
      const expected = render(text);
      const { change, ...got } = out;
      if (!isDeepStrictEqual(got, { ...expected })) {
        throw new Error(`${name}: keystroke ${i} differs from a full render`);
      }
    }
  }
  const k = stats(times);
  const f = stats(full);
  console.log(
    `${name.padEnd(8)} ${(Buffer.byteLength(source) / 1024).toFixed(0).padStart(5)} KB  ` +
      `keystroke median ${k.median.toFixed(2)} ms, p95 ${k.p95.toFixed(2)} ms  ` +
      `full render median ${f.median.toFixed(1)} ms  ratio ${(f.median / k.median).toFixed(0)}x` +
      (fullRenders ? `  (${fullRenders} keystrokes fell back to a full render)` : ""),
  );
}

// KEYSTROKE_SIZES=seed,100KB picks documents (default: all three).
const sizes = (process.env.KEYSTROKE_SIZES ?? "seed,100KB,1MB").split(",");
if (sizes.includes("seed")) bench("seed", seed);
if (sizes.includes("100KB")) bench("100KB", document(100 * 1024));
if (sizes.includes("1MB")) bench("1MB", document(1024 * 1024));
