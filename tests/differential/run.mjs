// The differential test: every document of tests/data/corpus rendered by
// mdx-preview (the built package, pkg/) and by the reference (reference.mjs:
// @mdx-js/mdx 3 + react-dom with Docusaurus emulated), compared as
// normalized HTML (normalize.mjs) after the deliberate differences listed
// in differences.mjs. `.mdx` files are read as MDX; `.md` files both ways,
// as Docusaurus 3 reads them by default (MDX) and with
// `markdown.format: 'detect'` (Markdown).
//
// Prints the equal rate and fails when a document differs without a
// listed reason, or a listed document no longer differs.
//
//   node tests/differential/run.mjs            # everything
//   node tests/differential/run.mjs --show X   # print both renderings of documents matching X
//   node tests/differential/run.mjs --verbose  # every difference in full

import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { render } from "../../pkg/node.mjs";
import { deliberate, documents as listed, referencePlugins } from "./differences.mjs";
import { canonical, firstDifference, parse } from "./normalize.mjs";
import { buildCheck, judge, MUTATIONS_PER_DOCUMENT } from "./errors.mjs";
import { mutate } from "./mutations.mjs";
import { assetsOf, renderReference } from "./reference.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, "..", "data", "corpus");

const args = process.argv.slice(2);

// The reference is slow (about 0.2 s a document): its results are kept in
// target/ (not committed), keyed by the document, the format and the code
// and packages that made them, so a warm run only renders our side.
const cacheFile = join(here, "..", "..", "target", "differential", "reference-cache.json");
const cacheVersion = createHash("sha256")
  .update(readFileSync(join(here, "reference.mjs")))
  .update(readFileSync(join(here, "package-lock.json")))
  .update(readFileSync(join(here, "differences.mjs")))
  .update(readFileSync(join(here, "errors.mjs")))
  .update(readFileSync(join(here, "normalize.mjs")))
  .digest("hex");
let cache = { version: cacheVersion, entries: {} };
try {
  const stored = JSON.parse(readFileSync(cacheFile, "utf8"));
  if (stored.version === cacheVersion) cache = stored;
} catch {
  // No cache yet.
}
const used = new Set();

/** A reference result, from the cache when it has it. */
export async function cached(kind, source, format, make) {
  const key = createHash("sha256").update(`${kind}\0${format}\0${source}`).digest("hex");
  used.add(key);
  if (!(key in cache.entries)) cache.entries[key] = await make();
  return cache.entries[key];
}

/** Keep what this run used. */
export function saveCache() {
  const entries = {};
  for (const key of used) entries[key] = cache.entries[key];
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify({ version: cacheVersion, entries }));
}
const show = args.includes("--show") ? args[args.indexOf("--show") + 1] : undefined;
const verbose = args.includes("--verbose");

/** Every document of the corpus, with the formats it is read in. */
export function corpusCases() {
  const cases = [];
  for (const folder of readdirSync(corpus, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(join(corpus, folder.name)).sort()) {
      if (!/\.mdx?$/.test(file)) continue;
      const path = join(corpus, folder.name, file);
      const formats = file.endsWith(".md") ? ["mdx", "md"] : ["mdx"];
      for (const format of formats) {
        cases.push({ name: `${relative(corpus, path)} (${format})`, path, format });
      }
    }
  }
  return cases;
}

/** Both renderings of a document, normalized; `reference` is null when the
 * reference fails (then `error` says why). */
export async function compare(source, format) {
  // The reference normalized (what is compared), cached: it depends only
  // on the document and on the code keyed into the cache.
  const reference = await cached("render", source, format, async () => {
    const plugins = referencePlugins.map((entry) => entry.plugin);
    const { html, error } = await renderReference(source, format, plugins);
    if (html === undefined) return { error };
    const tree = parse(html);
    for (const difference of deliberate) difference.apply(tree, "reference");
    return { lines: canonical(tree) };
  });
  const ours = render(source, { format, assets: assetsOf(source) });
  const tree = parse(ours.html);
  for (const difference of deliberate) difference.apply(tree, "ours");
  const a = canonical(tree);
  const b = reference.lines ?? null;
  return {
    ours,
    oursLines: a,
    referenceLines: b,
    error: reference.error,
    difference: b ? firstDifference(a, b) : null,
  };
}

async function main() {
  const cases = corpusCases();
  let equal = 0;
  // Equal documents by extension and format (`.md` files are read both ways).
  const groups = {};
  const failures = [];
  const unexplained = [];
  const stale = [];
  for (const entry of cases) {
    const { name, path, format } = entry;
    const source = readFileSync(path, "utf8");
    const result = await compare(source, format);
    entry.diagnostics = result.ours.diagnostics;
    if (show && name.includes(show)) {
      console.log(`==== ${name}\n--- ours\n${result.oursLines.join("\n")}`);
      console.log(`--- reference\n${result.referenceLines?.join("\n") ?? result.error}`);
    }
    const same = result.referenceLines !== null && result.difference === null;
    if (same) equal += 1;
    const group = `${path.endsWith(".md") ? ".md" : ".mdx"} files read as ${format === "md" ? "Markdown" : "MDX"}`;
    groups[group] ??= { equal: 0, total: 0 };
    groups[group].total += 1;
    if (same) groups[group].equal += 1;
    if (result.referenceLines === null) failures.push(`${name}: ${result.error}`);
    if (same && listed[name]) stale.push(name);
    if (!same && !listed[name]) {
      unexplained.push(`${name}\n${result.difference ?? result.error}`);
    }
  }
  const errorResult = await errorAgreement(cases);
  const rate = (100 * equal) / cases.length;
  console.log(
    `differential: ${equal} of ${cases.length} documents equal to the reference (${rate.toFixed(1)} %); ` +
      `${Object.keys(listed).length} listed differences, ${deliberate.length + referencePlugins.length} deliberate differences`,
  );
  for (const [group, { equal, total }] of Object.entries(groups)) {
    console.log(`  ${group}: ${equal} of ${total} equal`);
  }
  for (const failure of failures) console.log(`reference failed: ${failure}`);
  if (stale.length > 0) {
    console.log(`\nListed in differences.mjs but equal now (remove them):\n  ${stale.join("\n  ")}`);
  }
  if (unexplained.length > 0) {
    console.log(`\n${unexplained.length} documents differ without a listed reason:`);
    for (const entry of verbose ? unexplained : unexplained.slice(0, 12)) {
      console.log(`\n== ${entry}`);
    }
  }
  if (stale.length > 0 || unexplained.length > 0) process.exitCode = 1;
  if (!errorResult.passed) process.exitCode = 1;
}

/** The least share of cases where the build and the preview agree. */
const AGREEMENT_TARGET = 97;

/** The error half: corpus documents as they are, and their mutations. */
async function errorAgreement(cases) {
  const tally = { agree: 0, "false-error": [], missed: [], elsewhere: [] };
  let total = 0;
  const check = async (name, source, format, edit, diagnostics) => {
    const reference = await cached("build", source, format, () => buildCheck(source, format));
    const ours = diagnostics ?? render(source, { format, assets: assetsOf(source) }).diagnostics;
    const { verdict, detail } = judge(reference, ours, edit);
    total += 1;
    if (verdict === "agree") tally.agree += 1;
    else tally[verdict].push(`${name}: ${detail}`);
  };
  let mutations = 0;
  for (const { name, path, format, diagnostics } of cases) {
    const source = readFileSync(path, "utf8");
    await check(name, source, format, undefined, diagnostics);
    if (format !== "mdx") continue;
    for (const mutation of mutate(source, name, MUTATIONS_PER_DOCUMENT)) {
      mutations += 1;
      await check(`${name} ${mutation.kind}@${mutation.line}`, mutation.source, format, mutation.line);
    }
  }
  const rate = (100 * tally.agree) / total;
  console.log(
    `errors: the build and the preview agree on ${tally.agree} of ${total} cases ` +
      `(${rate.toFixed(1)} %; ${cases.length} documents, ${mutations} mutations): ` +
      `${tally["false-error"].length} errors the build does not have, ` +
      `${tally.missed.length} build errors missed, ${tally.elsewhere.length} errors elsewhere`,
  );
  for (const kind of ["false-error", "missed", "elsewhere"]) {
    const list = tally[kind];
    for (const entry of verbose ? list : list.slice(0, 10)) console.log(`  ${kind}: ${entry}`);
    if (!verbose && list.length > 10) console.log(`  … ${list.length - 10} more (--verbose)`);
  }
  const passed = tally["false-error"].length === 0 && rate >= AGREEMENT_TARGET;
  if (!passed) {
    console.log(
      `errors: FAILED (needs no error the build does not have, and ${AGREEMENT_TARGET} % agreement)`,
    );
  }
  return { passed, rate };
}

await main();
saveCache();
