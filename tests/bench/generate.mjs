// Deterministic documents for `make bench`.
//
// `documents()` gives the bench inputs: the seed as it is (with its bugs),
// the seed with its bugs fixed (tests/bench/seed-fixed.mdx, for renderers
// that refuse the original), a ~100 KB and a ~1 MB post, and the CommonMark
// spec text. The long posts are built from the fixed seed's sections and
// from generated paper reviews in the same style: Korean/English prose,
// nested lists, code fences with titles and line highlights, GFM tables,
// admonitions, block quotes, footnotes and JSX images bound by imports.
// Every generated post is valid MDX that @mdx-js/mdx compiles and runs.
//
// The generator uses its own seeded PRNG, so a given size gives the same
// bytes on every machine. `node tests/bench/generate.mjs --check` (part of
// `make test`) checks sizes, determinism and the seed copy;
// `node tests/bench/generate.mjs DIR` writes the documents into DIR for the
// native benchmark (tests/bench/native.rs).

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
export const SEED_PATH = join(root, "tests/fixtures/seed/review-2025-11-11/input.mdx");
export const SEED_FIXED_PATH = join(here, "seed-fixed.mdx");

/** mulberry32: a tiny 32-bit PRNG, good enough to vary text. */
function prng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const KO = [
  "모델", "데이터셋", "학습", "추론", "성능", "향상", "제안", "방법", "실험", "결과",
  "구조", "기반", "평가", "벤치마크", "비교", "분석", "효율", "합성", "검증", "품질",
  "이미지", "텍스트", "비디오", "에이전트", "보상", "정책", "토큰", "문맥", "가설", "한계",
];
const KO_ENDINGS = ["을 제안.", "이 향상됨.", "를 사용.", "에 집중.", "이 부족함.", "을 개선.", "로 변환.", "을 검증."];
const EN = [
  "attention", "embedding", "retrieval", "reasoning", "alignment", "distillation",
  "benchmark", "policy", "reward", "agent", "context", "latency", "throughput",
  "checkpoint", "fine-tuning", "tokenizer", "contrastive loss", "curriculum",
  "multimodal", "world model", "verifier", "long-horizon", "sampling", "pre-training",
];
const ORGS = ["nvidia", "meta", "google", "deepmind", "tencent", "alibaba", "naver", "kakao", "openai"];
const TITLES = [
  "Scaling", "Rethinking", "Towards", "Learning", "Efficient", "Grounded", "Universal",
  "Robust", "Sparse", "Recursive", "Structured", "Adaptive", "Self-Rewarding", "Hierarchical",
];
const LANGS = [
  ["python", ["import torch", "def loss(q, d, t=0.05):", "    s = q @ d.T / t", "    return s.log_softmax(-1).diag().mean()", "print(loss)"]],
  ["js", ["const cache = new Map();", "export function score(items) {", "  return items.map((x) => x.weight * 2);", "}", "console.log(score([]));"]],
  ["bash", ["pip install -U transformers", "python train.py --lr 2e-5 --epochs 3", "tail -f logs/train.log"]],
  ["json", ["{", '  "model": "llama-3.1-8b",', '  "batch_size": 64,', '  "warmup": 0.03', "}"]],
];
const ADMONITIONS = ["note", "tip", "info", "warning", "caution", "important"];

function words(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    if (r.chance(0.55)) out.push(r.pick(KO));
    else out.push(r.pick(EN));
  }
  return out.join(" ");
}

function sentence(r) {
  let s = words(r, 3 + r.int(8));
  if (r.chance(0.25)) s += ` **${r.pick(EN)}**`;
  if (r.chance(0.2)) s += ` \`${r.pick(EN).replace(/ /g, "_")}\``;
  if (r.chance(0.12)) s += ` [${r.pick(EN)}](https://example.com/${r.int(1000)})`;
  if (r.chance(0.1)) s += ` *${r.pick(KO)}*`;
  return s + r.pick(KO_ENDINGS);
}

function paragraph(r) {
  const n = 1 + r.int(3);
  const out = [];
  for (let i = 0; i < n; i++) out.push(sentence(r));
  return out.join(" ");
}

function list(r) {
  const lines = [];
  const n = 2 + r.int(5);
  for (let i = 0; i < n; i++) {
    lines.push(`- ${sentence(r)}`);
    if (r.chance(0.25)) lines.push(`  - ${sentence(r)}`);
  }
  return lines.join("\n");
}

function code(r) {
  const [lang, lines] = r.pick(LANGS);
  const meta = r.chance(0.5) ? ` title="example.${lang === "python" ? "py" : lang}" {1,3}` : "";
  return "```" + lang + meta + "\n" + lines.join("\n") + "\n```";
}

function table(r) {
  const rows = ["| model | score | note |", "|:--|--:|:-:|"];
  const n = 2 + r.int(4);
  for (let i = 0; i < n; i++) {
    rows.push(`| ${r.pick(EN)}-${r.int(70)}B | ${(50 + r.next() * 50).toFixed(1)} | ${r.pick(KO)} |`);
  }
  return rows.join("\n");
}

function admonition(r) {
  const type = r.pick(ADMONITIONS);
  const title = r.chance(0.5) ? `[${r.pick(TITLES)} ${r.pick(EN)}]` : "";
  return `:::${type}${title}\n${paragraph(r)}\n:::`;
}

function image(name) {
  return `<div style={{textAlign: 'center'}}>\n <img src={${name}} style={{width: 500}} />\n</div>`;
}

/** One generated paper review (a `##` section), using image `name`. */
function review(r, number, name) {
  const id = `2511.${String(r.int(100000)).padStart(5, "0")}`;
  const title = `${r.pick(TITLES)} ${r.pick(EN)} for ${r.pick(EN)}`;
  const org = r.chance(0.7) ? ` \`${r.pick(ORGS)}\`` : "";
  const blocks = [`## ${number}. [${title}](https://huggingface.co/papers/${id})${org}`];
  if (r.chance(0.7)) blocks[0] += `\n### ${r.pick(TITLES)} ${words(r, 4)}`;
  blocks.push(paragraph(r));
  const kinds = 3 + r.int(4);
  let footnote = false;
  for (let i = 0; i < kinds; i++) {
    const roll = r.next();
    if (roll < 0.35) blocks.push(`${r.pick(["Result", "Method", "Experiment", "Limitation"])}:\n${list(r)}`);
    else if (roll < 0.45) blocks.push(code(r));
    else if (roll < 0.55) blocks.push(table(r));
    else if (roll < 0.63) blocks.push(admonition(r));
    else if (roll < 0.7 && name) {
      blocks.push(image(name));
      name = null;
    } else if (roll < 0.76) blocks.push(`> ${sentence(r)}\n> ${sentence(r)}`);
    else if (roll < 0.8) blocks.push(`https://github.com/example/${r.pick(EN).replace(/ /g, "-")}`);
    else if (roll < 0.85 && !footnote) {
      blocks.push(`${sentence(r)}[^r${number}]\n\n[^r${number}]: ${sentence(r)}`);
      footnote = true;
    } else blocks.push(paragraph(r));
  }
  return blocks.join("\n\n");
}

/** The fixed seed split into its imports and its `##` sections. */
function seedParts() {
  const text = readFileSync(SEED_FIXED_PATH, "utf8");
  const lines = text.split("\n");
  const imports = lines.filter((l) => l.startsWith("import "));
  const body = lines.filter((l) => !l.startsWith("import ")).join("\n");
  const sections = body.split(/\n(?=## )/).slice(1).map((s) => s.trim());
  return { imports, sections };
}

/**
 * A realistic post of about `target` bytes (UTF-8), always the same for the
 * same `target` and `seed`: front matter, the image imports, a title and
 * intro, then sections
 * (every fourth one a section of the fixed seed, the others generated).
 */
export function post(target, seed = 0x5eed) {
  const r = prng(seed ^ target);
  const { imports, sections } = seedParts();
  const parts = [];
  const names = [];
  let size = 0;
  let number = 0;
  const front = [
    "---",
    `title: Papers review, ${Math.round(target / 1024)} KB edition`,
    "authors: [reviewer]",
    "tags: [papers, review, bench]",
    "date: 2025-11-11",
    "---",
  ].join("\n");
  const header = [
    "# Papers review",
    "",
    paragraph(r),
    "",
    "{/* truncate */}",
  ].join("\n");
  size += Buffer.byteLength(front) + Buffer.byteLength(header) + 4096; // room for the imports
  while (size < target) {
    number++;
    let text;
    if (number % 4 === 1) {
      const section = sections[Math.floor(number / 4) % sections.length];
      // Renumber the seed's heading so numbers keep increasing.
      text = section.replace(/^## \d+\./, `## ${number}.`);
    } else {
      const name = `img_${String(number).padStart(5, "0")}`;
      text = review(r, number, r.chance(0.3) ? name : null);
      if (text.includes(`{${name}}`)) names.push(name);
    }
    parts.push(text);
    size += Buffer.byteLength(text) + 2;
  }
  const ownImports = names.map((n) => `import ${n} from './asset/${n}.png';`);
  return [front, "", ...imports, ...ownImports, "", header, "", parts.join("\n\n"), ""].join("\n");
}

/** The CommonMark 0.31.2 spec text (front matter, prose and examples). */
export function commonmarkSpec() {
  const require = createRequire(join(here, "package.json"));
  return readFileSync(require.resolve("commonmark-spec/spec.txt"), "utf8");
}

/**
 * The bench documents: `{ name, text, format, peers }`; `format` is what
 * our renderer is given, `peers` says which peer renderers get the
 * document ("mdx": every renderer; "ours": only ours, the original seed
 * that @mdx-js/mdx refuses).
 */
export function documents({ spec = true } = {}) {
  const docs = [
    { name: "seed (original, with its bugs)", id: "seed", text: readFileSync(SEED_PATH, "utf8"), format: "mdx", peers: "ours" },
    { name: "seed (bugs fixed)", id: "seed-fixed", text: readFileSync(SEED_FIXED_PATH, "utf8"), format: "mdx", peers: "all" },
    { name: "post ~100 KB", id: "post-100k", text: post(100 * 1024), format: "mdx", peers: "all" },
    { name: "post ~1 MB", id: "post-1m", text: post(1024 * 1024), format: "mdx", peers: "all" },
  ];
  if (spec) {
    docs.push({ name: "CommonMark spec text", id: "commonmark-spec", text: commonmarkSpec(), format: "md", peers: "all" });
  }
  return docs;
}

export function sha256(text) {
  return createHash("sha256").update(text).digest("hex");
}

/** The checks `make test` runs: sizes, determinism, the fixed seed. */
function check() {
  const failures = [];
  const expect = (ok, what) => {
    if (!ok) failures.push(what);
  };
  for (const [target, low, high] of [
    [100 * 1024, 95 * 1024, 110 * 1024],
    [1024 * 1024, 1000 * 1024, 1100 * 1024],
  ]) {
    const a = post(target);
    const b = post(target);
    const bytes = Buffer.byteLength(a);
    expect(a === b, `post(${target}) is not deterministic`);
    expect(bytes >= low && bytes <= high, `post(${target}) is ${bytes} bytes, outside ${low}..${high}`);
    expect(post(target, 1) !== a, `post(${target}) ignores its seed`);
    // Every image used is imported exactly once, and every import is used.
    const imported = [...a.matchAll(/^import (\w+) from/gm)].map((m) => m[1]);
    const used = new Set([...a.matchAll(/src=\{(\w+)\}/g)].map((m) => m[1]));
    expect(new Set(imported).size === imported.length, `post(${target}) imports a name twice`);
    for (const name of used) expect(imported.includes(name), `post(${target}) uses ${name} without importing it`);
    for (const name of imported) expect(used.has(name), `post(${target}) imports ${name} but never uses it`);
    for (const feature of ["```", "| --", ":::", "<img", "> ", "[^r", "- ", "가"]) {
      expect(a.includes(feature.replace("| --", "|:--")), `post(${target}) has no ${JSON.stringify(feature)}`);
    }
  }
  // The fixed seed is the seed with exactly its five bugs fixed.
  const seed = readFileSync(SEED_PATH, "utf8").split("\n");
  const fixed = readFileSync(SEED_FIXED_PATH, "utf8").split("\n");
  expect(seed.length === fixed.length, "seed-fixed.mdx and the seed differ in line count");
  const changed = seed.map((line, i) => i).filter((i) => seed[i] !== fixed[i]);
  expect(changed.length === 5, `seed-fixed.mdx changes ${changed.length} lines, expected 5`);
  expect(
    fixed[3] === "import blog_20251110_img3 from './asset/blog_20251110_img3.png';",
    "seed-fixed.mdx: line 4 must bind blog_20251110_img3",
  );
  expect(!fixed.join("\n").includes("blog_20251111_"), "seed-fixed.mdx still uses blog_20251111_* names");
  if (failures.length) {
    for (const f of failures) console.error(`bench generator: ${f}`);
    process.exit(1);
  }
  console.log("bench generator: sizes, determinism and seed copy ok");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2];
  if (arg === "--check") {
    check();
  } else if (arg) {
    mkdirSync(arg, { recursive: true });
    const withSpec = existsSync(join(here, "node_modules", "commonmark-spec"));
    for (const doc of documents({ spec: withSpec })) {
      writeFileSync(join(arg, `${doc.id}.${doc.format}`), doc.text);
    }
    console.log(`bench documents written to ${arg}`);
  } else {
    console.error("usage: node tests/bench/generate.mjs --check | DIR");
    process.exit(2);
  }
}
