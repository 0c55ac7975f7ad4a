// Pathological inputs for `make bench`: the shapes of cmark's pathological
// tests, plus MDX ones and other hostile ones, each sized to about 1 KB,
// 10 KB and 100 KB. tests/hostile_input_limits.rs renders the same shapes natively
// (no timing there).
//
// Each pattern is a function of a repeat count `n`; `sized(pattern, bytes)`
// finds the largest `n` whose text fits in `bytes`. Run as
// `node pathological.mjs --child ID FORMAT [CAP_MS]`, it renders that
// pattern at the three sizes with our package (pkg/) and prints one JSON
// line per size; run.mjs starts one child per pattern, so a crash (a wasm
// trap, a stack overflow) is reported for that pattern and the others still
// run, and stops a child that runs too long (a time-out is not a crash).

import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const rep = (s, n) => s.repeat(Math.max(0, n));

/** cmark's pathological shapes (test/pathological_tests.py), by idea. */
export const CMARK = [
  { id: "nested-strong-emph", label: "nested strong emphasis", make: (n) => rep("*a **a ", n) + "b" + rep(" a** a*", n) },
  { id: "emph-closers", label: "many emph closers with no openers", make: (n) => rep("a_ ", n) },
  { id: "emph-openers", label: "many emph openers with no closers", make: (n) => rep("_a ", n) },
  { id: "link-closers", label: "many link closers with no openers", make: (n) => rep("a]", n) },
  { id: "link-openers", label: "many link openers with no closers (`[` runs)", make: (n) => rep("[a", n) },
  { id: "mismatched-emph", label: "mismatched openers and closers", make: (n) => rep("*a_ ", n) },
  { id: "emph-multiple-of-3", label: "openers and closers multiple of 3", make: (n) => "a**b" + rep("c* ", n) },
  { id: "link-emph", label: "link openers and emph closers", make: (n) => rep("[ a_", n) },
  { id: "paren-bracket", label: "pattern `[ (](` repeated", make: (n) => rep("[ (](", n) },
  { id: "nested-brackets", label: "nested brackets", make: (n) => rep("[", n) + "a" + rep("]", n) },
  { id: "image-brackets", label: "`![[]()` runs", make: (n) => rep("![[]()", n) },
  { id: "unclosed-links-a", label: "unclosed links `[a](<b`", make: (n) => rep("[a](<b", n) },
  { id: "unclosed-links-b", label: "unclosed links `[a](b`", make: (n) => rep("[a](b", n) },
  { id: "nested-block-quotes", label: "deep block quotes", make: (n) => rep("> ", n) + "a\n" },
  { id: "nested-lists", label: "deep lists", make: (n) => Array.from({ length: n }, (_, i) => rep("  ", i) + "* a\n").join("") },
  { id: "empty-lines-nested-lists", label: "empty lines in deep lists", make: (n) => rep("- ", n) + "x" + rep("\n", n) },
  { id: "empty-lines-lists-quote", label: "empty lines in deep lists in a block quote", make: (n) => "> " + rep("- ", n) + "x" + rep("\n", n) },
  { id: "emph-deep-quote", label: "emphasis in a deep block quote", make: (n) => rep(">", n) + rep(" a*", n) },
  { id: "backticks", label: "backtick runs of growing length", make: (n) => Array.from({ length: n }, (_, i) => "e" + rep("`", i + 1)).join("") },
  { id: "many-references", label: "many references", make: (n) => Array.from({ length: n }, (_, i) => `[${i}]: u\n`).join("") + rep("[0] ", n) },
  { id: "unclosed-html-comment", label: "unclosed `<!--` (md only)", make: (n) => "</" + rep("<!--", n), only: "md" },
  { id: "nul-bytes", label: "U+0000 in input", make: (n) => rep("abc\u0000de\u0000", n) },
];

/** Shapes from issue 13 (hostile input at 100 KB in wasm) and others that
 * take markdown-rs long. */
export const HOSTILE = [
  { id: "star-markers", label: "`* ` runs (one thematic break)", make: (n) => rep("* ", n) },
  { id: "dash-markers", label: "`- ` runs (one thematic break)", make: (n) => rep("- ", n) },
  { id: "list-markers", label: "nested list markers `- - … x`", make: (n) => rep("- ", n) + "x" },
  { id: "ordered-markers", label: "nested list markers `1. 1. … x`", make: (n) => rep("1. ", n) + "x" },
  { id: "unclosed-comment-lines", label: "unclosed `<!--` over many lines", make: (n) => "<!--\n" + rep("a\n", n) },
  { id: "a-tags", label: "`<a>` runs", make: (n) => rep("<a>", n) },
  { id: "b-tags", label: "`<b>` runs (nesting)", make: (n) => rep("<b>", n) },
  { id: "blank-lines", label: "blank lines only", make: (n) => rep("\n", n) },
  { id: "short-lines", label: "one-character lines", make: (n) => rep("a\n", n) },
];

/** MDX shapes. */
export const MDX = [
  { id: "deep-jsx", label: "deep JSX nesting", make: (n) => rep("<div>", n) + "x" + rep("</div>", n) + "\n", only: "mdx" },
  { id: "deep-jsx-lines", label: "deep JSX, one tag a line", make: (n) => rep("<div>\n", n) + "x\n" + rep("</div>\n", n), only: "mdx" },
  { id: "brace-runs", label: "`{` runs", make: (n) => rep("{", n) + "\n", only: "mdx" },
  { id: "unclosed-a-lines", label: "unclosed `<a` lines", make: (n) => rep("<a\n", n), only: "mdx" },
  { id: "expression-runs", label: "many expressions", make: (n) => rep("{1} ", n) + "\n", only: "mdx" },
];

export const PATTERNS = [...CMARK, ...MDX, ...HOSTILE];
export const SIZES = [1024, 10 * 1024, 100 * 1024];

/** The pattern's text for the largest `n` that fits in `bytes`. */
export function sized(pattern, bytes) {
  const len = (n) => Buffer.byteLength(pattern.make(n));
  let lo = 1;
  let hi = 1;
  while (len(hi) <= bytes) hi *= 2;
  while (lo < hi - 1) {
    const mid = (lo + hi) >> 1;
    if (len(mid) <= bytes) lo = mid;
    else hi = mid;
  }
  return pattern.make(lo);
}

/** Which formats a pattern runs in. */
export const formatsOf = (pattern) => (pattern.only ? [pattern.only] : ["md", "mdx"]);

async function child(id, format, capMs) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const { render } = await import(pathToFileURL(join(root, "pkg/node.mjs")).href);
  const pattern = PATTERNS.find((p) => p.id === id);
  for (const size of SIZES) {
    const text = sized(pattern, size);
    const times = [];
    let degraded = false;
    let diagnostics = 0;
    const start = performance.now();
    // At least one run; more while under the cap (at most 15).
    do {
      const t0 = performance.now();
      const out = render(text, { format });
      times.push(performance.now() - t0);
      degraded = out.diagnostics.some((d) => d.ruleId === "input-too-complex");
      diagnostics = out.diagnostics.length;
    } while (times.length < 15 && performance.now() - start + times.at(-1) < capMs);
    times.sort((a, b) => a - b);
    // One line per size, so the parent keeps the smaller sizes when it
    // stops a child that takes too long on the largest.
    const row = { bytes: Buffer.byteLength(text), runs: times.length, medianMs: times[times.length >> 1], degraded, diagnostics };
    process.stdout.write(JSON.stringify(row) + "\n");
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--child") {
  await child(process.argv[3], process.argv[4], Number(process.argv[5] || 1500));
}
