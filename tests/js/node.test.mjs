// The packed npm package in Node 20 as plain ESM: `make test-js` installs
// `npm pack` of pkg/ into a scratch project and runs this file there.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { render, Renderer, Preview } from "mdx-preview";

// The seed post, from the repository (the consumer lives in target/js-consumer).
const seed = await readFile(new URL("../../tests/fixtures/seed/review-2025-11-11/input.mdx", import.meta.url), "utf8");

test("the seed renders, with its diagnostics", () => {
  const out = render(seed);
  assert.deepEqual(Object.keys(out).sort(), ["diagnostics", "frontmatter", "html", "title", "toc"]);
  assert.equal(out.title, "2025-11-11 papers review");
  assert.equal(out.frontmatter, null);
  assert.match(out.html, /^<h1 data-line="6"/);
  assert.ok(out.toc.length >= 8);
  assert.deepEqual(Object.keys(out.toc[0]).sort(), ["id", "level", "line", "text", "value"]);
  const duplicate = out.diagnostics.filter((d) => d.ruleId === "duplicate-import");
  assert.deepEqual(duplicate.map((d) => [d.line, d.column]), [[3, 8], [4, 8]]);
  assert.equal(duplicate[1].suggestion, "blog_20251110_img3");
  const undefinedNames = out.diagnostics.filter((d) => d.ruleId === "undefined-identifier");
  assert.equal(undefinedNames.length, 4);
  undefinedNames.forEach((d, n) => {
    const name = `blog_20251111_img${n}`;
    // Offsets and columns are JavaScript string indexes (UTF-16).
    assert.equal(d.offset, seed.indexOf(name));
    assert.equal(seed.slice(d.offset, d.endOffset), name);
    assert.equal(d.column, d.offset - (seed.lastIndexOf("\n", d.offset - 1) + 1) + 1);
    assert.equal(d.suggestion, `blog_20251110_img${n}`);
  });
  assert.ok(!("suggestion" in out.diagnostics.find((d) => d.ruleId === "unused-import")));
});

test("diagnostic positions count UTF-16 code units", () => {
  const source = "# 제목\n\n한국어 😀 문장 {blog_missing} 끝\n";
  const [d] = render(source).diagnostics.filter((d) => d.ruleId === "undefined-identifier");
  const offset = source.indexOf("blog_missing");
  assert.equal(d.offset, offset);
  assert.equal(d.endOffset, offset + "blog_missing".length);
  assert.equal(d.line, 3);
  assert.equal(d.column, offset - source.indexOf("한") + 1);
  assert.equal(source.slice(d.offset, d.endOffset), "blog_missing");
});

test("invalid options throw an Error naming the option", () => {
  const cases = [
    [{ toc: { minLevel: 0 } }, "toc.minLevel"],
    [{ toc: { maxLevel: "3" } }, "toc.maxLevel"],
    [{ toc: { minLevel: 4, maxLevel: 2 } }, "toc"],
    [{ format: "rst" }, "format"],
    [{ sourceline: false }, "sourceline"],
    [{ idPrefix: "a b" }, "idPrefix"],
    [{ sanitize: { allowClasses: "x" } }, "sanitize.allowClasses"],
    [{ sanitize: { allowScripts: true } }, "sanitize.allowScripts"],
    [{ assets: { "./a.png": 1 } }, 'assets["./a.png"]'],
  ];
  for (const [options, name] of cases) {
    assert.throws(() => render("# x", options), (e) => e instanceof Error && e.message.includes(`\`${name}\``),
      JSON.stringify(options));
    assert.throws(() => new Renderer(options), Error);
  }
  assert.throws(() => render("# x", "md"), /invalid options/);
  // undefined and null are the defaults, and so are fields set to them.
  assert.deepEqual(render("## a", undefined), render("## a"));
  assert.deepEqual(render("## a", null), render("## a"));
  assert.deepEqual(render("## a", { toc: undefined, math: null }), render("## a"));
});

test("Renderer parses options once and renders like render()", () => {
  const options = { format: "md", idPrefix: "p-", toc: { minLevel: 1, maxLevel: 2 }, sourceLines: false };
  const renderer = new Renderer(options);
  const a = renderer.render("# One\n\n## Two <b>x</b>");
  assert.deepEqual(a, render("# One\n\n## Two <b>x</b>", options));
  assert.deepEqual(a.toc.map((t) => t.id), ["p-one", "p-two-x"]);
  assert.ok(!a.html.includes("data-line"));
  renderer.free();
});

test("a document never throws", () => {
  for (const source of ["", "{", "<div>", "import x from", "---\na: [\n---\n", "> ".repeat(5000), "\u0000\ud800"]) {
    assert.equal(typeof render(source).html, "string");
  }
});

test("Preview is exported (it needs a DOM element, see tests/wasm.rs)", () => {
  assert.equal(typeof Preview, "function");
});
