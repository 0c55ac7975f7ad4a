// `make bench`: our package's render against its peers, in one Node process.
//
//   node tests/bench/run.mjs [--quick] [--readme] [--no-main] [--no-cold] [--no-pathological]
//
// (BENCH_PATTERNS=id,id limits the pathological patterns; --no-main skips
// the side-by-side timings: both are for trying the harness. --from-json
// rewrites the outputs from results.json without measuring.)
//
// Needs pkg/ (make pkg), target/bench-pkg (the `bench` feature build) and
// tests/bench/node_modules (npm ci in tests/bench); `make bench` makes all
// three. Prints the tables, writes tests/bench/results.json,
// tests/bench/results.md and tests/bench/chart.svg, and with --readme puts
// results.md into README.md between the bench markers. --quick takes fewer
// samples (to try the harness, not to quote).
//
// Method: each renderer × document is warmed up (one run, then up to 1 s),
// then timed run by run until at
// least MIN_RUNS runs (3 when one run takes over 1 s) and CAP_MS have
// passed, or MAX_RUNS. No forced GC between runs: a full gc() makes V8
// drop compiled code, which made @mdx-js/mdx three times slower. Cold start is
// measured in fresh child processes (import + init + first render of the
// fixed seed), the pathological patterns in one child each, so that a crash
// is reported and the rest still runs. The overhead budget (our render
// against markdown-rs's `to_mdast` alone in the bench build) is timed apart
// from the tables, first, in a process that holds nothing else yet: the
// two alternate, round by round, on the seed (`paired()`). Timed one
// renderer after the other, as in the tables, the bench build's seed
// render came out 31–45 % slower than the same code from pkg/ (timed
// first) in three of four runs on 2026-12-04 (6 % in the fourth); timed
// at the end of a run, after the peers, it took 7.1 ms against 5.1 ms in
// that run's table. (The peers leave a large JavaScript heap behind, and
// `to_mdast` alone returns a number: a busier collector would slow the
// render only.)

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { documents, sha256 } from "./generate.mjs";
import { PATTERNS, SIZES, formatsOf, sized } from "./pathological.mjs";
import { RENDERERS, byId } from "./renderers.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const args = new Set(process.argv.slice(2));
const quick = args.has("--quick");

const MIN_RUNS = quick ? 3 : 7;
const MAX_RUNS = quick ? 20 : 300;
const CAP_MS = quick ? 500 : 3000;
const COLD_RUNS = quick ? 2 : 3;
const PATHOLOGICAL_CAP_MS = quick ? 300 : 1500;
// A pattern's child is stopped after this long (the budget is 1 s at 100 KB).
const PATHOLOGICAL_TIMEOUT_MS = quick ? 10_000 : 20_000;

// Cold start child: print how long import + init + first render take.
if (process.argv[2] === "--cold") {
  const t0 = performance.now();
  const renderer = byId(process.argv[3]);
  const render = await renderer.load();
  const t1 = performance.now();
  const doc = documents({ spec: false }).find((d) => d.id === "seed-fixed");
  const out = render(doc.text, doc);
  if (out && typeof out.then === "function") await out;
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ loadMs: t1 - t0, firstMs: t2 - t1, totalMs: t2 - t0 }) + "\n");
  process.exit(0);
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const quantile = (xs, q) => {
  const s = sorted(xs);
  return s[Math.min(s.length, Math.max(1, Math.ceil(s.length * q))) - 1];
};
const median = (xs) => quantile(xs, 0.5);

async function call(render, text, doc) {
  const out = render(text, doc);
  return out && typeof out.then === "function" ? await out : out;
}

/** Time one renderer on one document (see the header). */
async function measure(render, doc) {
  const t0 = performance.now();
  const first = await call(render, doc.text, doc);
  // A render over 1 s is warm after one run, and gets fewer samples, so
  // that the whole bench stays within minutes.
  const slow = performance.now() - t0 > 1000;
  const warmStart = performance.now();
  for (let i = 0; i < 5 && !slow && performance.now() - warmStart < 1000; i++) await call(render, doc.text, doc);
  const minRuns = slow ? Math.min(3, MIN_RUNS) : MIN_RUNS;
  const times = [];
  const start = performance.now();
  while (times.length < MAX_RUNS && (times.length < minRuns || performance.now() - start < CAP_MS)) {
    const t0 = performance.now();
    await call(render, doc.text, doc);
    times.push(performance.now() - t0);
  }
  const bytes = Buffer.byteLength(doc.text);
  const med = median(times);
  return {
    medianMs: med,
    p95Ms: quantile(times, 0.95),
    minMs: sorted(times)[0],
    runs: times.length,
    mbPerS: bytes / 1e6 / (med / 1000),
    output: typeof first === "string" ? first.length : first,
  };
}

/** Our render and markdown-rs's `to_mdast` alone, both from the bench
 * build (one wasm instance), timed on the seed in alternating rounds, the
 * one that goes first swapped each round. */
async function paired() {
  const doc = docs.find((d) => d.id === "seed");
  const render = await byId("ours-bench").load();
  const parse = await byId("markdown-rs").load();
  const rounds = quick ? 4 : 40;
  const perRound = 10;
  const times = { render: [], parse: [] };
  const timeOne = async (name, fn) => {
    for (let i = 0; i < perRound; i++) {
      const t0 = performance.now();
      await call(fn, doc.text, doc);
      times[name].push(performance.now() - t0);
    }
  };
  for (let i = 0; i < perRound; i++) await call(render, doc.text, doc), await call(parse, doc.text, doc);
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) await timeOne("render", render), await timeOne("parse", parse);
    else await timeOne("parse", parse), await timeOne("render", render);
  }
  const result = { doc: doc.id, rounds, perRound, renderMs: median(times.render), parseMs: median(times.parse) };
  console.log(`\npaired (seed, bench build, ${rounds} alternating rounds of ${perRound}): render ${fmt(result.renderMs)} ms, to_mdast alone ${fmt(result.parseMs)} ms`);
  return result;
}

/** Which renderers get which document. */
function applies(renderer, doc) {
  if (doc.peers === "ours") return renderer.ours || renderer.id === "markdown-rs";
  return true;
}

function machine() {
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model ?? "unknown";
  const nproc = spawnSync("nproc", { encoding: "utf8" }).stdout.trim() || String(cpus().length);
  const load = existsSync("/proc/loadavg") ? readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") : "?";
  const mem = cpuinfo ? Math.round(Number(readFileSync("/proc/meminfo", "utf8").match(/MemTotal:\s*(\d+)/)?.[1] ?? 0) / 1048576) : 0;
  return { cpu: model, nproc: Number(nproc), memoryGiB: mem, node: process.version, loadAverageAtStart: load };
}

function packageVersions() {
  const versions = {};
  for (const name of ["@mdx-js/mdx", "remark-gfm", "react", "react-dom", "marked", "dompurify", "jsdom", "markdown-it", "markdown-wasm", "commonmark-spec"]) {
    try {
      versions[name] = JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      versions[name] = null;
    }
  }
  return versions;
}

/** The files `make size` counts (wasm, JS glue, Node entry, inline JS
 * snippets), gzipped the same way (`gzip -9`; zlib's level 9 gives a few
 * percent more on the wasm). */
function pkgSize() {
  const dir = join(root, "pkg");
  let raw = 0;
  let gz = 0;
  const files = [];
  const walk = (at) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(wasm|js|mjs)$/.test(name)) files.push(path);
    }
  };
  walk(dir);
  for (const path of files) {
    const bytes = readFileSync(path);
    raw += bytes.length;
    const gzip = spawnSync("gzip", ["-9c"], { input: bytes, maxBuffer: 1 << 28 });
    gz += gzip.status === 0 ? gzip.stdout.length : gzipSync(bytes, { level: 9 }).length;
  }
  return { rawBytes: raw, gzipBytes: gz };
}

function cold(renderer) {
  const runs = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--cold", renderer.id], { encoding: "utf8", timeout: 120_000 });
    if (child.status !== 0) return { error: (child.stderr || `exit ${child.status}`).trim().split("\n").slice(-3).join(" ") };
    runs.push(JSON.parse(child.stdout.trim().split("\n").at(-1)));
  }
  return {
    loadMs: median(runs.map((r) => r.loadMs)),
    firstMs: median(runs.map((r) => r.firstMs)),
    totalMs: median(runs.map((r) => r.totalMs)),
    runs: runs.length,
  };
}

function pathological() {
  const results = [];
  const only = process.env.BENCH_PATTERNS?.split(",");
  for (const pattern of PATTERNS.filter((p) => !only || only.includes(p.id))) {
    for (const format of formatsOf(pattern)) {
      const child = spawnSync(
        process.execPath,
        [join(here, "pathological.mjs"), "--child", pattern.id, format, String(PATHOLOGICAL_CAP_MS)],
        { encoding: "utf8", timeout: PATHOLOGICAL_TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 1 << 24 },
      );
      const rows = [];
      for (const line of (child.stdout ?? "").split("\n")) {
        try {
          rows.push(JSON.parse(line));
        } catch {
          // not a result line
        }
      }
      const timedOut = child.error?.code === "ETIMEDOUT" || child.signal === "SIGKILL";
      const crashed = !timedOut && (child.status !== 0 || rows.length < SIZES.length);
      const result = { id: pattern.id, label: pattern.label, format, crashed, timedOut, rows };
      if (crashed) {
        result.error = (child.stderr || "").trim().split("\n").slice(-3).join(" ") || `exit ${child.status} ${child.signal ?? ""}`;
      }
      if (timedOut) {
        // The size that did not finish took longer than the whole time-out.
        result.timeoutAtBytes = Buffer.byteLength(sized(pattern, SIZES[rows.length]));
      }
      const [, mid, big] = rows;
      if (mid && big) {
        // Growth of the time per doubling of the input, from 10 KB to 100 KB.
        result.growthPerDoubling = Math.pow(big.medianMs / mid.medianMs, 1 / Math.log2(big.bytes / mid.bytes));
      }
      // DESIGN §6: ≤ 1 s, degraded with a diagnostic where needed.
      result.withinBudget = !crashed && !timedOut && big.medianMs <= 1000;
      results.push(result);
      const cells = rows.map((r) => `${(r.bytes / 1024).toFixed(0)}K ${fmt(r.medianMs)}ms${r.degraded ? "*" : ""}`).join("  ");
      const tail = crashed
        ? `  CRASHED: ${result.error}`
        : timedOut
          ? `  ${(result.timeoutAtBytes / 1024).toFixed(0)}K over ${PATHOLOGICAL_TIMEOUT_MS / 1000} s (stopped)`
          : `  x${fmt(result.growthPerDoubling)}/doubling`;
      console.log(`  ${pattern.id.padEnd(26)} ${format.padEnd(4)} ${cells}${tail}`);
    }
  }
  return results;
}

const fmt = (x, digits = 2) =>
  x === undefined || x === null || Number.isNaN(x) ? "–" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(digits) : x.toPrecision(2);
const mib = (bytes) => (bytes === undefined ? "–" : (bytes / 1048576).toFixed(1));

// ---------------------------------------------------------------- main run

const docs = documents();
if (args.has("--from-json")) {
  // Rewrite results.md, chart.svg (and README with --readme) from the
  // committed results.json, without measuring anything.
  const saved = JSON.parse(readFileSync(join(here, "results.json"), "utf8"));
  saved.budgets = budgets(saved);
  writeOutputs(saved, false);
  process.exit(0);
}
const results = {
  generatedAt: new Date().toISOString(),
  quick,
  machine: machine(),
  packages: packageVersions(),
  method: { minRuns: MIN_RUNS, maxRuns: MAX_RUNS, capMs: CAP_MS, coldRuns: COLD_RUNS, pathologicalTimeoutMs: PATHOLOGICAL_TIMEOUT_MS },
  renderers: RENDERERS.map(({ id, label, note, mdx }) => ({ id, label, note, readsMdx: mdx })),
  documents: docs.map((d) => ({ id: d.id, name: d.name, format: d.format, bytes: Buffer.byteLength(d.text), sha256: sha256(d.text) })),
  timings: {},
};

console.log(`machine: ${results.machine.cpu}, ${results.machine.nproc} cores, Node ${results.machine.node}, load ${results.machine.loadAverageAtStart}`);
console.log("markdown-only peers (marked, markdown-it, markdown-wasm) get the MDX documents as they are: they read JSX as raw HTML and `import` lines as text.\n");

const pkgMemory = {};
const wasmMemory = async () => (await import(pathToFileURL(join(root, "pkg/mdx_preview.js")).href)).initSync().memory.buffer.byteLength;

// First, while the process holds nothing else (see the header).
if (!args.has("--no-main")) results.paired = await paired();
for (const renderer of args.has("--no-main") ? [] : RENDERERS) {
  let render;
  try {
    render = await renderer.load();
  } catch (error) {
    console.log(`${renderer.label}: could not load (${error.message})`);
    continue;
  }
  if (renderer.id === "ours") pkgMemory.afterInitBytes = await wasmMemory();
  for (const doc of docs) {
    if (!applies(renderer, doc)) continue;
    let timing;
    try {
      timing = await measure(render, doc);
    } catch (error) {
      timing = { error: String(error.message || error).split("\n")[0].slice(0, 200) };
    }
    (results.timings[doc.id] ??= {})[renderer.id] = timing;
    if (renderer.id === "ours" && doc.id === "post-1m") pkgMemory.after1MBBytes = await wasmMemory();
    const line = timing.error
      ? `error: ${timing.error}`
      : `median ${fmt(timing.medianMs).padStart(7)} ms  p95 ${fmt(timing.p95Ms).padStart(7)} ms  ${fmt(timing.mbPerS).padStart(6)} MB/s  (${timing.runs} runs)`;
    console.log(`${renderer.id.padEnd(14)} ${doc.id.padEnd(16)} ${line}`);
  }
}
results.wasmMemory = pkgMemory;
results.pkgSize = pkgSize();

// Our ratio to each peer: how many times faster our pkg/ render is.
console.log("\n== per document: median / p95 ms, MB/s, and how many times faster our render (pkg/) is");
for (const doc of docs) {
  const row = results.timings[doc.id] ?? {};
  const ours = row.ours?.medianMs;
  console.log(`\n${doc.name} (${(Buffer.byteLength(doc.text) / 1024).toFixed(1)} KB, ${doc.format})`);
  console.log(`  ${"renderer".padEnd(46)} ${"median".padStart(9)} ${"p95".padStart(9)} ${"MB/s".padStart(7)} ${"ours ×".padStart(8)}`);
  for (const renderer of RENDERERS) {
    const t = row[renderer.id];
    if (!t) continue;
    if (t.error) {
      console.log(`  ${renderer.label.padEnd(46)} error: ${t.error}`);
      continue;
    }
    t.oursTimesFaster = ours ? t.medianMs / ours : null;
    const ratio = renderer.id === "ours" ? "1" : fmt(t.oursTimesFaster);
    console.log(`  ${renderer.label.padEnd(46)} ${fmt(t.medianMs).padStart(9)} ${fmt(t.p95Ms).padStart(9)} ${fmt(t.mbPerS).padStart(7)} ${ratio.padStart(8)}`);
  }
}

console.log(`\nwasm memory (pkg/): ${mib(pkgMemory.afterInitBytes)} MiB after init, ${mib(pkgMemory.after1MBBytes)} MiB after the 1 MB render`);
console.log(`pkg/ wasm + JS glue: ${results.pkgSize.rawBytes} B raw, ${results.pkgSize.gzipBytes} B gzip -9`);

if (!args.has("--no-cold")) {
  console.log(`\n== cold start (fresh process: import + init, then the first render of the fixed seed; median of ${COLD_RUNS})`);
  results.coldStart = {};
  for (const renderer of RENDERERS) {
    const c = cold(renderer);
    results.coldStart[renderer.id] = c;
    console.log(`  ${renderer.label.padEnd(46)} ${c.error ? `error: ${c.error}` : `load ${fmt(c.loadMs).padStart(7)} ms  first render ${fmt(c.firstMs).padStart(7)} ms  total ${fmt(c.totalMs).padStart(7)} ms`}`);
  }
}

if (!args.has("--no-pathological")) {
  console.log("\n== pathological inputs (our pkg/ render; * = degraded with an input-too-complex diagnostic)");
  results.pathological = pathological();
}

const nativePath = join(root, "target/bench/native.json");
if (existsSync(nativePath)) {
  results.native = JSON.parse(readFileSync(nativePath, "utf8"));
  results.native.measuredAt = statSync(nativePath).mtime.toISOString();
}

results.machine.loadAverageAtEnd = existsSync("/proc/loadavg") ? readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") : "?";
results.budgets = budgets(results);
console.log("\n== DESIGN §6 budgets");
for (const b of results.budgets) console.log(`  ${b.status.padEnd(12)} ${b.measure}: ${b.measured} (goal ${b.goal})`);

writeOutputs(results, true);

function writeOutputs(results, withJson) {
  if (withJson) writeFileSync(join(here, "results.json"), JSON.stringify(results, null, 2) + "\n");
  writeFileSync(join(here, "chart.svg"), chart(results));
  const markdown = report(results);
  writeFileSync(join(here, "results.md"), markdown);
  console.log("\nwritten: tests/bench/results.json, tests/bench/results.md, tests/bench/chart.svg");
  if (args.has("--readme")) {
    const readmePath = join(root, "README.md");
    const readme = readFileSync(readmePath, "utf8");
    const begin = "<!-- bench:begin -->";
    const end = "<!-- bench:end -->";
    const a = readme.indexOf(begin);
    const b = readme.indexOf(end);
    if (a < 0 || b < a) {
      console.error(`README.md has no ${begin} … ${end} markers`);
      process.exit(1);
    }
    writeFileSync(readmePath, readme.slice(0, a + begin.length) + "\n" + markdown + readme.slice(b));
    console.log("README.md Performance results updated");
}
}

// ---------------------------------------------------------------- budgets

function budgets(r) {
  const t = (doc, id) => r.timings[doc]?.[id];
  const out = [];
  const add = (measure, goal, ok, measured) => out.push({ measure, goal, status: ok === null ? "not measured" : ok ? "met" : "NOT met", measured });

  const seed = t("seed", "ours");
  add("seed, full render, wasm in Node (pkg/)", "≤ 3 ms median", seed ? seed.medianMs <= 3 : null, seed ? `${fmt(seed.medianMs)} ms median (p95 ${fmt(seed.p95Ms)} ms)` : "–");

  // Alternated when this run has the paired timing; else the tables' own.
  const pair = r.paired;
  const benchRender = pair ? pair.renderMs : t("seed", "ours-bench")?.medianMs;
  const alone = pair ? pair.parseMs : t("seed", "markdown-rs")?.medianMs;
  const overhead = benchRender && alone ? benchRender / alone : null;
  add(
    "seed, render vs markdown-rs to_mdast alone in the same wasm (bench build)",
    "≤ 1.25 ×",
    overhead === null ? null : overhead <= 1.25,
    overhead === null
      ? "–"
      : `${fmt(overhead)} × (${fmt(benchRender)} ms vs ${fmt(alone)} ms${pair ? `, alternated in ${pair.rounds} rounds of ${pair.perRound}` : ""})`,
  );

  const mdx = t("seed-fixed", "mdx-js");
  const oursFixed = t("seed-fixed", "ours");
  const speedup = mdx && oursFixed && !mdx.error ? mdx.medianMs / oursFixed.medianMs : null;
  add(
    "seed (fixed) vs @mdx-js/mdx evaluate + renderToStaticMarkup, full render",
    "≥ 10 × faster",
    speedup === null ? null : speedup >= 10,
    speedup === null ? "–" : `${fmt(speedup)} × faster (${fmt(oursFixed.medianMs)} ms vs ${fmt(mdx.medianMs)} ms)`,
  );
  // The keystroke replay (tests/bench/keystroke.mjs) runs first in `make
  // bench` and leaves its numbers in target/bench/keystroke.json.
  const replayFile = join(here, "..", "..", "target/bench/keystroke.json");
  const replay = existsSync(replayFile) ? JSON.parse(readFileSync(replayFile, "utf8")) : null;
  const typed = (name) => replay?.documents.find((d) => d.name === name);
  const worst = (row) => Math.max(row.edit.median, row.update.median);
  const keyText = (row) =>
    `edit ${fmt(row.edit.median)} ms, update ${fmt(row.update.median)} ms median (p95 ${fmt(row.edit.p95)} / ${fmt(row.update.p95)} ms; full render ${fmt(row.fullMs)} ms), keystroke replay`;
  const mdxKey = replay?.mdx;
  add(
    "seed vs @mdx-js/mdx, a keystroke",
    "≥ 100 × faster",
    mdxKey ? mdxKey.mdxMs / mdxKey.keystrokeMs >= 100 : null,
    mdxKey ? `${fmt(mdxKey.mdxMs / mdxKey.keystrokeMs)} × faster (${fmt(mdxKey.keystrokeMs)} ms vs ${fmt(mdxKey.mdxMs)} ms), keystroke replay` : "–",
  );
  const key100 = typed("100KB");
  add("one keystroke on a 100 KB document (incremental)", "≤ 2 ms median, identical output", key100 ? worst(key100) <= 2 : null, key100 ? keyText(key100) : "–");
  // The replay on real posts (tests/bench/corpus.mjs), from
  // target/bench/corpus.json.
  const corpusFile = join(here, "..", "..", "target/bench/corpus.json");
  const corpus = existsSync(corpusFile) ? JSON.parse(readFileSync(corpusFile, "utf8")) : null;
  const real = corpus && !corpus.quick ? corpus : null;
  const share = real ? real.summary.within / real.summary.pairs : null;
  add(
    "keystroke on real posts (corpus replay: sentence typed at 10/50/90 %)",
    "≥ 97 % of pairs ≤ max(0.5 ms, 15 % of the post's full render)",
    real ? share >= 0.97 : null,
    real
      ? `${real.summary.within}/${real.summary.pairs} pairs (${fmt(100 * share)} %); keystroke/full median ${fmt(100 * real.summary.ratioMedian)} %, p90 ${fmt(100 * real.summary.ratioP90)} %`
      : "–",
  );
  add(
    "keystroke on real posts, worst pair",
    "none > 1.1 × the full render",
    real ? real.summary.overFull === 0 : null,
    real ? `max ${fmt(100 * real.summary.ratioMax)} % of the full render (${real.summary.worst})` : "–",
  );
  add(
    "one keystroke on ~100 KB of real posts (corpus concatenated)",
    "≤ 2 ms median",
    real ? real.long.medianMs <= 2 : null,
    real ? `${fmt(real.long.medianMs)} ms median (p95 ${fmt(real.long.p95Ms)} ms; full render ${fmt(real.long.fullMs)} ms)` : "–",
  );

  // Keystroke-to-paint in the live-preview page (tests/e2e/paint.test.mjs,
  // run by `make bench` before this script), from target/bench/paint.json.
  const paintFile = join(here, "..", "..", "target/bench/paint.json");
  const paint = existsSync(paintFile) ? JSON.parse(readFileSync(paintFile, "utf8")) : null;
  for (const [name, goal, limit] of [
    ["seed", "p95 ≤ 16 ms (one frame)", 16],
    ["~100 KB real posts", "p95 ≤ 16 ms (one frame)", 16],
  ]) {
    const row = paint?.documents.find((d) => d.name === name);
    add(
      `keystroke-to-paint in the page (headless Chromium), ${name}`,
      goal,
      row ? row.p95Ms <= limit : null,
      row
        ? `from keydown p50 ${fmt(row.p50Ms)} ms, p95 ${fmt(row.p95Ms)} ms, max ${fmt(row.maxMs)} ms over ${row.keystrokes} keys` +
            (row.fromInputP95Ms === undefined ? "" : `; from the input event p50 ${fmt(row.fromInputP50Ms)} ms, p95 ${fmt(row.fromInputP95Ms)} ms`)
        : "–",
    );
  }

  const big = t("post-1m", "ours");
  add("1 MB document, full render (pkg/)", "≤ 700 ms", big ? big.medianMs <= 700 : null, big ? `${fmt(big.medianMs)} ms median` : "–");
  const key1m = typed("1MB");
  add("1 MB document, keystroke", "≤ 10 ms", key1m ? worst(key1m) <= 10 : null, key1m ? keyText(key1m) : "–");

  if (r.pathological) {
    const crashed = r.pathological.filter((p) => p.crashed);
    const slow = r.pathological.filter((p) => !p.crashed && !p.withinBudget);
    const names = (list) => list.map((p) => `${p.id}/${p.format}`).join(", ");
    add(
      "pathological and hostile patterns at 100 KB",
      "no crash; ≤ 1 s (degraded with a diagnostic where needed)",
      crashed.length === 0 && slow.length === 0,
      `${r.pathological.length} pattern × format runs: ${crashed.length} crashed; ${slow.length} over 1 s (or stopped after ${r.method.pathologicalTimeoutMs / 1000} s)` +
        (slow.length ? ` (${names(slow)})` : ""),
    );
  } else {
    add("pathological and hostile patterns at 100 KB", "no crash; ≤ 1 s (degraded with a diagnostic where needed)", null, "skipped (--no-pathological)");
  }
  const size = r.pkgSize;
  add("pkg/ wasm + JS glue", "≤ 300 KB gzip", size.gzipBytes <= 300_000, `${(size.gzipBytes / 1000).toFixed(1)} KB gzip -9 (${(size.rawBytes / 1000).toFixed(0)} KB raw)`);
  return out;
}

// ---------------------------------------------------------------- report

function report(r) {
  const lines = [];
  const m = r.machine;
  lines.push(
    `Measured ${r.generatedAt.slice(0, 10)} on ${m.cpu}, ${m.nproc} cores, ${m.memoryGiB} GiB, Node ${m.node} (load average ${m.loadAverageAtStart} at the start, ${m.loadAverageAtEnd} at the end, the bench's own processes included)` +
      (r.quick ? " — **quick run: few samples, not for quoting**" : "") +
      ". Times are per render, warm, in one Node process; MB/s counts UTF-8 input bytes (10⁶). " +
      `"ours ×" is how many times faster our render from \`pkg/\` is than that row (below 1: slower).`,
    "",
    "![Throughput of each renderer on each document (MB/s, log scale)](tests/bench/chart.svg)",
    "",
  );
  for (const doc of docs) {
    const row = r.timings[doc.id] ?? {};
    lines.push(`**${doc.name}** — ${(Buffer.byteLength(doc.text) / 1024).toFixed(1)} KB, our format \`${doc.format}\``, "");
    lines.push("| renderer | median ms | p95 ms | min ms | runs | MB/s | ours × |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const renderer of RENDERERS) {
      const t = row[renderer.id];
      if (!t) continue;
      if (t.error) {
        lines.push(`| ${renderer.label} | error: ${t.error.replace(/\|/g, "\\|")} | | | | | |`);
        continue;
      }
      const ratio = renderer.id === "ours" ? "1" : fmt(t.oursTimesFaster);
      lines.push(`| ${renderer.label} | ${fmt(t.medianMs)} | ${fmt(t.p95Ms)} | ${fmt(t.minMs)} | ${t.runs} | ${fmt(t.mbPerS)} | ${ratio} |`);
    }
    lines.push("");
  }
  lines.push("What each row runs:", "");
  for (const renderer of RENDERERS) lines.push(`- ${renderer.label}: ${renderer.note}.`);
  lines.push(
    "- marked, markdown-it and markdown-wasm do not read MDX: they get the same text and treat JSX as raw HTML and `import` lines as paragraphs; @mdx-js/mdx and markdown-rs get `format: md` for the CommonMark spec.",
    "- The original seed (with its bugs) is rendered by ours and parsed by markdown-rs only; @mdx-js/mdx refuses it, the other peers get the fixed copy.",
    "",
  );

  if (r.coldStart) {
    lines.push("**Cold start** (fresh Node process: import and initialize, then the first render of the fixed seed; median of " + r.method.coldRuns + ")", "");
    lines.push("| renderer | load + init ms | first render ms | total ms |", "| --- | ---: | ---: | ---: |");
    for (const renderer of RENDERERS) {
      const c = r.coldStart[renderer.id];
      if (!c) continue;
      lines.push(c.error ? `| ${renderer.label} | error: ${c.error} | | |` : `| ${renderer.label} | ${fmt(c.loadMs)} | ${fmt(c.firstMs)} | ${fmt(c.totalMs)} |`);
    }
    lines.push("");
  }
  const mem = r.wasmMemory;
  lines.push(
    `**wasm memory** (\`pkg/\`, \`WebAssembly.Memory\` buffer): ${mib(mem.afterInitBytes)} MiB after init, ${mib(mem.after1MBBytes)} MiB after the 1 MB render (wasm memory never shrinks). ` +
      `**Package size**: ${(r.pkgSize.gzipBytes / 1000).toFixed(1)} KB gzip -9 (wasm + JS glue).`,
    "",
  );

  lines.push("**DESIGN §6 budgets**", "", "| measure | goal | status | measured |", "| --- | --- | --- | --- |");
  for (const b of r.budgets) lines.push(`| ${b.measure} | ${b.goal} | ${b.status === "NOT met" ? "**NOT met**" : b.status} | ${b.measured} |`);
  lines.push("");

  if (r.pathological) {
    lines.push(
      "**Pathological inputs** (our `pkg/` render; ms median; * = degraded: shown as text with an `input-too-complex` warning; growth = time factor per doubling of the input from 10 KB to 100 KB, 2 is linear)",
      "",
      "| pattern | format | 1 KB | 10 KB | 100 KB | growth | result |",
      "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    );
    for (const p of r.pathological) {
      const cell = (i) => {
        const row = p.rows[i];
        if (row) return `${fmt(row.medianMs)}${row.degraded ? "*" : ""}`;
        return p.timedOut && i === p.rows.length ? `> ${r.method.pathologicalTimeoutMs / 1000} s` : "";
      };
      let verdict;
      if (p.crashed) verdict = `**crashed**: ${p.error}`;
      else if (p.timedOut) verdict = `**stopped after ${r.method.pathologicalTimeoutMs / 1000} s**`;
      else if (!p.withinBudget) verdict = p.rows[2]?.degraded ? "**degraded, but over 1 s**" : "**over 1 s**";
      else verdict = p.rows[2].degraded ? "ok (degraded)" : "ok";
      lines.push(`| ${p.label} | ${p.format} | ${cell(0)} | ${cell(1)} | ${cell(2)} | ${fmt(p.growthPerDoubling)} | ${verdict} |`);
    }
    lines.push("");
  }

  if (r.native) {
    lines.push(
      `**Native** (\`cargo bench --bench native\`, ${r.native.profile}; measured ${r.native.measuredAt.slice(0, 16).replace("T", " ")} UTC): \`render\` against markdown-rs \`to_mdast\` alone with the same parse options; the ratio is our overhead over parsing alone.`,
      "",
      "| document | KB | render median ms | to_mdast median ms | render ÷ to_mdast |",
      "| --- | ---: | ---: | ---: | ---: |",
    );
    for (const d of r.native.documents) {
      lines.push(`| ${d.id} | ${(d.bytes / 1024).toFixed(1)} | ${fmt(d.render.medianMs)} | ${fmt(d.toMdast.medianMs)} | ${fmt(d.ratio)} |`);
    }
    lines.push("");
  }
  const v = r.packages;
  lines.push(
    `Peers: @mdx-js/mdx ${v["@mdx-js/mdx"]} (remark-gfm ${v["remark-gfm"]}, react/react-dom ${v.react}), marked ${v.marked}, DOMPurify ${v.dompurify} on jsdom ${v.jsdom}, markdown-it ${v["markdown-it"]}, markdown-wasm ${v["markdown-wasm"]}; CommonMark spec text from commonmark-spec ${v["commonmark-spec"]}. ` +
      `Sampling: after warm-up, at least ${r.method.minRuns} runs (3 when a run takes over 1 s) and ${r.method.capMs / 1000} s per cell (at most ${r.method.maxRuns} runs). All numbers: \`tests/bench/results.json\`.`,
    "",
  );
  return lines.join("\n");
}

// ---------------------------------------------------------------- chart

function chart(r) {
  const chartDocs = docs.filter((d) => d.peers === "all");
  const colors = {
    ours: "#2563eb",
    "ours-bench": "#60a5fa",
    "markdown-rs": "#93c5fd",
    "mdx-js": "#f59e0b",
    marked: "#10b981",
    "markdown-it": "#8b5cf6",
    "markdown-wasm": "#ef4444",
  };
  const values = [];
  for (const d of chartDocs) for (const rd of RENDERERS) {
    const t = r.timings[d.id]?.[rd.id];
    if (t && !t.error) values.push(t.mbPerS);
  }
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10))));
  const left = 140;
  const width = 760;
  const plot = width - left - 90;
  const bar = 11;
  const gap = 3;
  const groupGap = 18;
  const top = 40;
  const x = (v) => left + (Math.log10(v / lo) / Math.log10(hi / lo)) * plot;
  const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const parts = [];
  let y = top;
  for (const d of chartDocs) {
    const present = RENDERERS.filter((rd) => r.timings[d.id]?.[rd.id] && !r.timings[d.id][rd.id].error);
    const groupHeight = present.length * (bar + gap);
    parts.push(`<text x="${left - 8}" y="${y + groupHeight / 2 + 4}" text-anchor="end" font-weight="bold">${esc(d.id)}</text>`);
    for (const rd of present) {
      const t = r.timings[d.id][rd.id];
      const w = Math.max(1, x(t.mbPerS) - left);
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${colors[rd.id]}"><title>${esc(rd.label)}: ${fmt(t.mbPerS)} MB/s, ${fmt(t.medianMs)} ms median</title></rect>`);
      parts.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + bar - 2}" font-size="10">${fmt(t.mbPerS)}</text>`);
      y += bar + gap;
    }
    y += groupGap;
  }
  const axisY = y;
  const ticks = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    ticks.push(`<line x1="${x(v).toFixed(1)}" y1="${top - 6}" x2="${x(v).toFixed(1)}" y2="${axisY}" stroke="#ddd"/>`);
    ticks.push(`<text x="${x(v).toFixed(1)}" y="${axisY + 14}" text-anchor="middle" font-size="10">${v >= 1 ? v : v.toPrecision(1)}</text>`);
  }
  let legendY = axisY + 34;
  const legend = [];
  RENDERERS.forEach((rd, i) => {
    const col = i % 2;
    const row = Math.floor(i / 2);
    const lx = left + col * 320;
    const ly = legendY + row * 16;
    legend.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${colors[rd.id]}"/><text x="${lx + 14}" y="${ly}" font-size="11">${esc(rd.label)}</text>`);
  });
  const height = legendY + Math.ceil(RENDERERS.length / 2) * 16 + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="13" font-weight="bold">Throughput, MB/s (log scale; longer is faster) — ${esc(r.machine.cpu)}, ${r.machine.nproc} cores, Node ${esc(r.machine.node)}</text>`,
    ...ticks,
    ...parts,
    `<text x="${left + plot / 2}" y="${axisY + 28}" text-anchor="middle" font-size="11">MB/s of input</text>`,
    ...legend,
    `</svg>`,
    "",
  ].join("\n");
}
