// Keystroke replay on real posts: every document of tests/data/corpus of at
// least 3 KB (the MDX docs, the Jest blog and docs), a sentence typed
// character by character at 10 %, 50 % and 90 % of it through
// `Renderer.edit`, each keystroke timed and compared with full renders of
// the same document measured in the same run; and the same on a ~100 KB
// concatenation of the corpus. Every 10th keystroke is checked against a
// full render. Prints each (document, position) pair, the distribution and
// the DESIGN §6 budgets, and writes target/bench/corpus.json (run.mjs puts
// its numbers in the budget table).
//
//   make pkg && node tests/bench/corpus.mjs [path/to/pkg/node.mjs]
//
// Documents are rendered as MDX, as Docusaurus compiles `.md` files by
// default. `CORPUS_QUICK=1` takes every fifth document and one position
// (the smoke run in `make test`).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const entry = process.argv[2] ?? join(root, "pkg/node.mjs");
const { render, Renderer } = await import(entry);
const quick = process.env.CORPUS_QUICK === "1";

const sentence = "The quick brown fox jumps over the lazy dog. ";
const positions = quick ? [0.5] : [0.1, 0.5, 0.9];
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (times) => quantile([...times].sort((a, b) => a - b), 0.5);

/** The documents of the corpus, sorted by path. */
function corpus() {
  const dir = join(root, "tests/data/corpus");
  const found = [];
  for (const folder of readdirSync(dir).sort()) {
    const path = join(dir, folder);
    if (!statSync(path).isDirectory()) continue;
    for (const name of readdirSync(path).sort()) {
      if (/\.mdx?$/.test(name)) found.push({ name: `${folder}/${name}`, text: readFileSync(join(path, name), "utf8") });
    }
  }
  return found;
}

/** Median time of a full render, warm (fewer runs for slow documents). */
function fullRender(source) {
  render(source);
  const first = performance.now();
  render(source);
  const slow = performance.now() - first > 50;
  const times = [];
  for (let i = 0; i < (slow ? 5 : 15); i++) {
    const t = performance.now();
    render(source);
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Where to type at `fraction` of `source`: the end of the next line of
 * running text (a letter first, punctuation last), else of the next line. */
function place(source, fraction) {
  let at = Math.floor(source.length * fraction);
  for (;;) {
    const end = source.indexOf("\n", at);
    if (end < 0) return source.length;
    const line = source.slice(source.lastIndexOf("\n", end - 1) + 1, end);
    if (/^\p{L}/u.test(line) && /[.!?:]$/.test(line)) return end;
    at = end + 1;
  }
}

/** Type the sentence at `at`; times of each keystroke. */
function replay(name, source, at) {
  const renderer = new Renderer();
  renderer.update(source);
  let text = source;
  const times = [];
  for (const [i, char] of [...sentence].entries()) {
    const t = performance.now();
    const out = renderer.edit(at, at, char);
    times.push(performance.now() - t);
    text = text.slice(0, at) + char + text.slice(at);
    at += char.length;
    if (i % 10 === 0) {
      const { change, ...got } = out;
      if (!isDeepStrictEqual(got, { ...render(text) })) {
        throw new Error(`${name}: keystroke ${i} differs from a full render`);
      }
    }
  }
  renderer.free();
  return times;
}

const documents = corpus().filter((d) => Buffer.byteLength(d.text) >= 3 * 1024);
const chosen = quick ? documents.filter((_, i) => i % 5 === 0) : documents;
console.log(
  `corpus keystroke replay: ${chosen.length} real documents of 3 KB or more, a sentence typed at ` +
    `${positions.map((p) => `${p * 100} %`).join(", ")}, wasm in Node (${relative(root, entry)})`,
);
const pairs = [];
for (const { name, text } of chosen) {
  const full = fullRender(text);
  for (const fraction of positions) {
    const times = replay(name, text, place(text, fraction));
    const sorted = [...times].sort((a, b) => a - b);
    const pair = {
      name,
      bytes: Buffer.byteLength(text),
      fraction,
      fullMs: full,
      medianMs: quantile(sorted, 0.5),
      maxMs: sorted[sorted.length - 1],
    };
    pair.ratio = pair.medianMs / full;
    pair.within = pair.medianMs <= Math.max(0.5, 0.15 * full);
    pairs.push(pair);
  }
}

// ~100 KB of real posts in a row: the corpus's documents concatenated, as
// one long post would have them: without the later posts' front matter and
// excerpt markers (a post has one of each; the first marker is the one
// that counts, and with several the engine renders the whole post).
let long = "";
for (const { text } of documents) {
  if (Buffer.byteLength(long) >= 100 * 1024) break;
  let body = text.replace(/^---\n[\s\S]*?\n---\n/, "");
  if (long) body = body.replace(/^(<!--\s*truncate\s*-->|\{\/\*\s*truncate\s*\*\/\})[ \t]*$/gm, "");
  long += (long ? "\n\n" : "") + body;
}
const longFull = fullRender(long);
const longTimes = replay("corpus concatenated", long, place(long, 0.5));
const longRow = {
  bytes: Buffer.byteLength(long),
  fullMs: longFull,
  medianMs: median(longTimes),
  p95Ms: quantile([...longTimes].sort((a, b) => a - b), 0.95),
};

const fmt = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
console.log("\ndocument                                             KB   at   full ms  keystroke ms (max)   ratio");
for (const p of pairs) {
  console.log(
    `${p.name.slice(0, 50).padEnd(50)} ${(p.bytes / 1024).toFixed(0).padStart(4)} ${String(p.fraction * 100).padStart(3)}% ` +
      `${fmt(p.fullMs).padStart(8)}  ${fmt(p.medianMs).padStart(8)} (${fmt(p.maxMs).padStart(6)})  ` +
      `${(p.ratio * 100).toFixed(1).padStart(5)} %${p.within ? "" : "  over budget"}`,
  );
}
const ratios = pairs.map((p) => p.ratio).sort((a, b) => a - b);
const within = pairs.filter((p) => p.within).length;
const worst = pairs.reduce((a, b) => (b.ratio > a.ratio ? b : a), pairs[0]);
const summary = {
  pairs: pairs.length,
  within,
  withinShare: within / pairs.length,
  ratioMedian: quantile(ratios, 0.5),
  ratioP90: quantile(ratios, 0.9),
  ratioMax: worst.ratio,
  worst: `${worst.name} at ${worst.fraction * 100} %`,
  overFull: pairs.filter((p) => p.ratio > 1.1).length,
};
console.log(
  `\nkeystroke / full render over ${pairs.length} pairs: median ${(summary.ratioMedian * 100).toFixed(1)} %, ` +
    `p90 ${(summary.ratioP90 * 100).toFixed(1)} %, max ${(summary.ratioMax * 100).toFixed(1)} % (${summary.worst})`,
);
console.log(
  `~${(longRow.bytes / 1024).toFixed(0)} KB of real posts concatenated: keystroke ${fmt(longRow.medianMs)} ms median ` +
    `(p95 ${fmt(longRow.p95Ms)}), full render ${fmt(longRow.fullMs)} ms`,
);
const verdict = (ok) => (ok ? "met" : "NOT met");
console.log("\nbudgets (DESIGN §6 and issue 12), this run:");
console.log(
  `  ≥ 97 % of pairs ≤ max(0.5 ms, 15 % of that post's full render): ${within}/${pairs.length} ` +
    `(${((100 * within) / pairs.length).toFixed(1)} %) — ${verdict(within / pairs.length >= 0.97)}`,
);
console.log(`  no pair above 1.1 × its full render: ${summary.overFull} above — ${verdict(summary.overFull === 0)}`);
console.log(`  ~100 KB of real posts, keystroke ≤ 2 ms median: ${fmt(longRow.medianMs)} ms — ${verdict(longRow.medianMs <= 2)}`);

const out = join(root, "target/bench/corpus.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ sentence, quick, summary, long: longRow, pairs }, null, 2) + "\n");
console.log(`written to ${relative(root, out)}`);
