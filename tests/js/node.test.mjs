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

test("invalid options throw a TypeError naming the option", () => {
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
    assert.throws(() => render("# x", options), (e) => e instanceof TypeError && e.message.includes(`\`${name}\``),
      JSON.stringify(options));
    assert.throws(() => new Renderer(options), Error);
  }
  assert.throws(() => render("# x", "md"), (e) => e instanceof TypeError && /`options` must be an object/.test(e.message));
  // undefined and null are the defaults, and so are fields set to them.
  assert.deepEqual(render("## a", undefined), render("## a"));
  assert.deepEqual(render("## a", null), render("## a"));
  assert.deepEqual(render("## a", { toc: undefined, math: null }), render("## a"));
});

test("options JSON cannot hold are a TypeError worded as before (serde's words)", () => {
  // The binding reads options into JSON itself (src/wasm/args.rs); these
  // are the messages serde-wasm-bindgen gave when it did that.
  const cases = [
    [{ assets: new Map([[1, "x"]]) }, "invalid type: floating point `1.0`, expected a string key"],
    [{ assets: new Map([["a", "x"], [1e21, "y"]]) }, "invalid type: floating point `1000000000000000000000.0`, expected a string"],
    [{ assets: new Map([[-1.5e-7, "x"]]) }, "invalid type: floating point `-0.00000015`, expected a string key"],
    [{ assets: new Map([[null, "x"]]) }, "invalid type: unit value, expected a string key"],
    [{ toc: { minLevel: 2n ** 70n } }, "Couldn't deserialize i64 or u64 from a BigInt outside i64::MIN..u64::MAX bounds"],
    [{ toc: new Uint8Array(2) }, "invalid type: byte array, expected any valid JSON value"],
    [{ isolate: new Set(["a"]) }, "invalid type: JsValue(Set), expected any valid JSON value"],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => render("# x", options), (e) => e instanceof TypeError && e.message === `invalid options: Error: ${message}`,
      message);
  }
  // A Map is read as an object.
  const options = { assets: new Map([["./a.png", "/a.png"]]) };
  assert.deepEqual(render("![a](./a.png)", options), render("![a](./a.png)", { assets: { "./a.png": "/a.png" } }));
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

test("update renders any new source as render() does, whatever changed, around surrogate pairs", () => {
  // The package turns update(source) into the edit that makes it from the
  // current source: changed starts and ends of every length, pairs split.
  let seed = 11;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pieces = ["a", "😀", "\ud83d", "\ude00", "\n\n", "한글", "# H\n", "- i\n", "`", "{x}", ""];
  const renderer = new Renderer({ format: "md" });
  let source = "# Start 😀\n\n" + "Text 😀 more 😁.\n\n".repeat(40);
  renderer.update(source);
  for (let round = 0; round < 200; round++) {
    const from = random(source.length + 1);
    const to = Math.min(source.length, from + random(random(4) === 0 ? 200 : 4));
    const insert = pieces[random(pieces.length)].repeat(1 + random(3));
    source = source.slice(0, from) + insert + source.slice(to);
    const out = renderer.update(source);
    const expected = render(source, { format: "md" });
    assert.equal(out.html, expected.html, `round ${round}`);
    assert.deepEqual(out.diagnostics, expected.diagnostics, `round ${round}`);
    assert.deepEqual(out.toc, expected.toc, `round ${round}`);
  }
  // Lone surrogates are read as U+FFFD, by the engine as by render().
  assert.equal(renderer.source(), source.toWellFormed());
});

test("a document never throws", () => {
  for (const source of ["", "{", "<div>", "import x from", "---\na: [\n---\n", "> ".repeat(5000), "\u0000\ud800"]) {
    assert.equal(typeof render(source).html, "string");
  }
});

test("Preview is exported (it needs a DOM element, see tests/wasm.rs)", () => {
  assert.equal(typeof Preview, "function");
});

test("bad arguments throw a TypeError naming the argument and what was given", () => {
  const cases = [
    [() => render(123), "render: `source` must be a string, got a number (123)"],
    [() => render({}), "render: `source` must be a string, got an object"],
    [() => render(null), "render: `source` must be a string, got null"],
    [() => render(), "render: `source` must be a string, got undefined"],
    [() => new Renderer(5), "Renderer: `options` must be an object, undefined or null, got a number (5)"],
    [() => new Renderer([]), "Renderer: `options` must be an object, undefined or null, got an array"],
    [() => new Renderer().edit("a", 1, 2), 'Renderer.edit: `from` must be a non-negative integer (a UTF-16 offset), got a string ("a")'],
    [() => new Renderer().edit(0, 1.5, "x"), "Renderer.edit: `to` must be a non-negative integer (a UTF-16 offset), got a number (1.5)"],
    [() => new Renderer().edit(0, 0, 2), "Renderer.edit: `text` must be a string, got a number (2)"],
    [() => new Renderer().update(["a"]), "Renderer.update: `source` must be a string, got an array"],
    [() => new Renderer().render(Symbol("s")), "Renderer.render: `source` must be a string, got a symbol"],
    [() => new Preview(null), "Preview: `element` must be a DOM Element, got null"],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, (e) => e instanceof TypeError && e.message === message, message);
  }
  // The module works afterwards.
  assert.match(render("# Fine *here*").html, /<em>here<\/em>/);
  assert.match(new Renderer().update("*x*").html, /<em>x<\/em>/);
});

// Containment. markdown-rs 1.0.0 panics on `=\n=\n=\na\n=` (upstream
// issue 31): the package catches the trap, gets a fresh instance and shows
// that block as source with an internal-error diagnostic.
test("a markdown-rs panic costs only its block", () => {
  for (const format of ["md", "mdx"]) {
    const out = render("# Before\n\n=\n=\n=\na\n=\n\nAfter *this*.\n", { format });
    assert.match(out.html, /^<h1 data-line="1" id="user-content-before">Before<\/h1>/);
    assert.match(out.html, /<pre class="mdx-error" data-line="3">=\n=\n=\na\n=<\/pre>/);
    assert.match(out.html, /<p data-line="9">After <em>this<\/em>.<\/p>/);
    assert.deepEqual(
      out.diagnostics.map((d) => [d.ruleId, d.severity, d.line, d.column]),
      [["internal-error", "error", 3, 1]],
    );
    assert.match(out.diagnostics[0].message, /parser failed on this block/);
  }
  assert.equal(render("## after").toc[0].text, "after", "the module works afterwards");
});

// The build with the panic-trigger feature (make trigger-pkg), next to this
// scratch project: a block holding the marker panics in the wasm.
const trigger = await import(new URL("../trigger-pkg/node.mjs", import.meta.url));
const MARKER = "MDX_PREVIEW_PANIC_TRIGGER";

test("the published package has no panic trigger; the trigger build has", async () => {
  const wasm = (url) => readFile(new URL(url, import.meta.url));
  const published = await wasm("./node_modules/mdx-preview/mdx_preview_bg.wasm");
  assert.equal(published.includes(MARKER), false, "pkg/ must not have the trigger");
  assert.equal((await wasm("../trigger-pkg/mdx_preview_bg.wasm")).includes(MARKER), true);
  assert.doesNotThrow(() => render(`${MARKER}\n`));
});

test("render: the blocks that panic are isolated, the rest renders", () => {
  const source = `# Title\n\n${MARKER} one\n\nKept.\n\n- a\n- ${MARKER} two\n\n## End\n`;
  const out = trigger.render(source);
  assert.deepEqual(
    out.diagnostics.map((d) => [d.ruleId, d.line, d.column, d.endColumn]),
    [["internal-error", 3, 1, MARKER.length + 5], ["internal-error", 7, 1, 4]],
  );
  assert.match(out.html, new RegExp(`<pre class="mdx-error" data-line="3">${MARKER} one</pre>`));
  assert.match(out.html, new RegExp(`<pre class="mdx-error" data-line="7">- a\n- ${MARKER} two</pre>`));
  assert.match(out.html, /<p data-line="5">Kept.<\/p>/);
  assert.deepEqual(out.toc.map((t) => t.text), ["End"]);
  assert.equal(out.title, "Title");
  // What the package does is what a render with those blocks isolated gives.
  assert.deepEqual(out, trigger.render(source, { isolate: [`${MARKER} one`, `- a\n- ${MARKER} two`] }));
  assert.equal(trigger.render("# Fine").title, "Fine", "the module works afterwards");
});

test("a document that fails whatever is isolated is shown as source", () => {
  const source = "# A\n\nMDX_PREVIEW_PANIC_ALWAYS <b>\n";
  const out = trigger.render(source, { sourceLines: false });
  assert.equal(out.html, '<pre class="mdx-error"># A\n\nMDX_PREVIEW_PANIC_ALWAYS &#60;b&#62;\n</pre>');
  assert.deepEqual(out.diagnostics.map((d) => [d.ruleId, d.line, d.endColumn]), [["internal-error", 1, 4]]);
  assert.deepEqual([out.toc, out.title, out.frontmatter], [[], null, null]);
});

test("a Renderer keeps working after a panic, incrementally, with the block isolated", () => {
  const renderer = new trigger.Renderer({ format: "mdx" });
  let source = "# Title\n\nFirst.\n\nSecond 😀.\n";
  renderer.update(source);
  // A keystroke that completes the marker: that edit panics.
  const at = source.indexOf("First.");
  let out = renderer.edit(at, at, `${MARKER}\n\n`);
  source = source.slice(0, at) + `${MARKER}\n\n` + source.slice(at);
  assert.equal(renderer.source(), source, "the wasm side was fed the current source");
  assert.equal(out.change.full, true, "rebuilt");
  assert.deepEqual(out.diagnostics.map((d) => [d.ruleId, d.line]), [["internal-error", 3]]);
  const expected = (text) => {
    const { html, toc, diagnostics, frontmatter, title } = trigger.render(text);
    return { html, toc, diagnostics, frontmatter, title };
  };
  const { change, ...rest } = out;
  assert.deepEqual(rest, expected(source));
  // Edits elsewhere stay incremental and keep the block isolated.
  const end = source.length;
  out = renderer.edit(end, end, "\nThird.\n");
  source += "\nThird.\n";
  assert.equal(out.change.full, false, "incremental again");
  assert.ok(out.change.start >= 2, "the blocks before the edit are kept");
  assert.deepEqual({ ...out, change: undefined }, { ...expected(source), change: undefined });
  // Edits inside a surrogate pair, then a panic: the source kept in
  // JavaScript for the new wasm-side object follows the same rules.
  const emoji = source.indexOf("😀") + 1;
  renderer.edit(emoji, emoji, "x");
  source = source.replace("😀", "x");
  renderer.edit(0, 0, `${MARKER} again\n\n`);
  source = `${MARKER} again\n\n${source}`;
  assert.equal(renderer.source(), source);
  out = renderer.update(`${source}\n${MARKER}\n`);
  assert.equal(out.diagnostics.filter((d) => d.ruleId === "internal-error").length, 3);
  // Another renderer made before the panic (its wasm object was lost with
  // the instance) is given a new one and keeps its source.
  const other = new trigger.Renderer();
  other.update("# Other\n");
  trigger.render(`${MARKER}\n`);
  assert.equal(other.edit(8, 8, "More.\n").html, expected("# Other\nMore.\n").html);
  assert.equal(other.source(), "# Other\nMore.\n");
  renderer.free();
  other.free();
  assert.throws(() => other.update("x"), /used after free/);
});

test("after many edits here and there, a panic feeds the new object the source the edits made", () => {
  // The package keeps the source for a new wasm-side object, with typing
  // applied to a window of it (src/js/contain.mjs, KeptSource): random
  // edits, near each other and far apart, inside surrogate pairs and
  // across more than the window's length, must leave it as the engine's.
  let seed = 7;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pieces = ["a", "😀", "\n\n", "한글", "x😀y", "", "# H\n"];
  const renderer = new trigger.Renderer({ format: "md" });
  let source = "# Start\n\n" + "Text 😀 more.\n\n".repeat(300);
  renderer.update(source);
  // The engine's rules: offsets clamped, `to < from` inserts at `from`,
  // an offset inside a surrogate pair takes in the whole character.
  const apply = (text, from, to, insert) => {
    const inPair = (at) => at > 0 && at < text.length && /[\udc00-\udfff]/.test(text[at]) && /[\ud800-\udbff]/.test(text[at - 1]);
    let start = Math.min(from, text.length);
    let end = Math.min(Math.max(to, from), text.length);
    if (inPair(start)) start -= 1;
    if (inPair(end)) end += 1;
    return text.slice(0, start) + insert + text.slice(end);
  };
  let at = 100;
  const edit = (from, to, insert) => {
    renderer.edit(from, to, insert);
    source = apply(source, from, to, insert);
  };
  edit(at, at, "b".repeat(20_000)); // more than the window takes
  edit(at, at, "c");
  edit(at - 2, at + 3, "Z"); // from before the window into it
  edit(at - 5, at + 30, ""); // across the whole window
  for (let round = 0; round < 150; round++) {
    if (random(10) === 0) at = random(source.length + 10); // somewhere else
    const from = Math.max(0, at + random(7) - 3);
    const to = random(3) === 0 ? from + random(20) : from - random(2);
    const insert = random(4) === 0 ? pieces[random(pieces.length)].repeat(1 + random(200)) : pieces[random(pieces.length)];
    edit(from, to, insert);
    at = from + insert.length;
  }
  assert.equal(renderer.source(), source, "the engine applied the edits as the model does");
  // A panic: the new object is fed the source kept in JavaScript.
  renderer.edit(0, 0, `${MARKER}\n\n`);
  source = `${MARKER}\n\n${source}`;
  assert.equal(renderer.source(), source);
  renderer.free();
});
