// End-to-end tests of the live-preview page (www/, built into www/dist by
// `make www`): the real page, served on 127.0.0.1 with an ephemeral port,
// driven in headless Chromium through playwright-core. Each test gets a
// fresh browser context (empty localStorage, so the sample post loads) and
// waits for conditions, never for fixed times.
//
// Writes tests/e2e/screenshot.png (shown in the README).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../www/serve.mjs";
import { CHROMIUM, CHROMIUM_ARGS, chart, freshPage, png } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url);
const DIST = fileURLToPath(new URL("www/dist/", ROOT));
// The page built on the panic-trigger package (make www-trigger).
const TRIGGER_DIST = fileURLToPath(new URL("target/www-trigger/", ROOT));
const SAMPLE = readFileSync(new URL("www/sample/review-2025-11-11.mdx", ROOT), "utf8");
const SCREENSHOT = fileURLToPath(new URL("tests/e2e/screenshot.png", ROOT));
// Generous: the machine may be busy compiling.
const WAIT = { timeout: 60_000 };

let server;
let triggerServer;
let browser;
let base;
let triggerBase;

before(async () => {
  server = await serve({ dir: DIST, port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${server.address().port}/`;
  triggerServer = await serve({ dir: TRIGGER_DIST, port: 0, host: "127.0.0.1" });
  triggerBase = `http://127.0.0.1:${triggerServer.address().port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await new Promise((resolve) => triggerServer?.close(resolve));
});

/** A fresh page on the sample post, its first render shown (`trigger`:
 * the page built on the panic-trigger package). */
async function openPage(t, { query = "", viewport = { width: 1500, height: 900 }, trigger = false } = {}) {
  const { page, events } = await freshPage(browser, t, { viewport, acceptDownloads: true });
  await page.goto((trigger ? triggerBase : base) + query);
  await page.waitForFunction(() => window.mdxPreview?.shownSeq > 0, null, WAIT);
  return { page, events };
}

/** Wait until the page shows a render of the editor's current document. */
async function settled(page) {
  await page.waitForFunction(
    () => !window.mdxPreview.busy && document.querySelector("#status").dataset.kind !== "busy",
    null,
    WAIT,
  );
}

const editorText = (page) => page.evaluate(() => window.mdxPreview.view.state.doc.toString());
const h2Texts = (page) => page.$$eval("#preview > h2", (hs) => hs.map((h) => h.textContent.trim()));

test("the sample post shows its 12 sections, their TOC and its problems", async (t) => {
  const { page, events } = await openPage(t);
  await settled(page);
  assert.equal(await editorText(page), SAMPLE);
  const sections = await h2Texts(page);
  assert.equal(sections.length, 12, `sections: ${JSON.stringify(sections)}`);
  assert.match(sections[0], /^1\. Llama-Embed-Nemotron-8B/);
  assert.match(sections[11], /^12\. IterResearch/);

  // The TOC lists every section (h2 at the top level, h3 nested under it).
  const toc = await page.$$eval("#toc > ul > li > a", (as) => as.map((a) => a.textContent.trim()));
  assert.deepEqual(toc, sections);
  const nested = await page.$$eval("#toc > ul > li > ul > li > a", (as) => as.length);
  assert.ok(nested >= 10, `nested h3 entries: ${nested}`);

  // Every top-level block carries its source line.
  const unlined = await page.$$eval("#preview > *", (nodes) => nodes.filter((n) => !n.dataset.line).length);
  assert.equal(unlined, 0);

  // The known bugs of the sample are listed, and marked in the editor.
  const rules = await page.$$eval(".problem", (items) => items.map((i) => i.dataset.rule));
  assert.ok(rules.includes("duplicate-import"), rules.join());
  assert.equal(rules.filter((r) => r === "undefined-identifier").length, 4, rules.join());
  // (CodeMirror draws only the lines in view: the duplicate import of line 4.)
  assert.ok((await page.$$(".cm-lintRange-error")).length >= 1);
  assert.ok((await page.$$(".cm-lint-marker-error")).length >= 1);
  // Missing assets are clear placeholders.
  assert.ok((await page.$$("#preview img.mdx-missing-asset")).length >= 4);
  assert.deepEqual(events.errors, []);
});

test("typing changes the preview and keeps the unchanged blocks", async (t) => {
  const { page } = await openPage(t);
  await settled(page);
  await page.evaluate(() => {
    document.querySelector("#preview > h2").dataset.marker = "kept";
  });
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n\n## 13. Typed by hand\n\nA *new* paragraph.\n");
  await page.waitForFunction(
    () => [...document.querySelectorAll("#preview > h2")].some((h) => h.textContent === "13. Typed by hand"),
    null,
    WAIT,
  );
  await page.waitForSelector("#toc a[title='13. Typed by hand']", WAIT);
  assert.equal((await h2Texts(page)).length, 13);
  // Block patching: the first section's heading is the same DOM node.
  assert.equal(await page.$eval("#preview > h2", (h) => h.dataset.marker ?? null), "kept");
  assert.match(await page.$eval("#preview > p:last-child", (p) => p.innerHTML), /A <em>new<\/em> paragraph\./);
});

test("a keystroke in a long post renders incrementally and replaces one block", async (t) => {
  const { page, events } = await openPage(t, { query: "?budget=120000" });
  await settled(page);
  // About 100 KB: the sample's body repeated under numbered headings.
  const body = SAMPLE.split("\n").slice(5).join("\n");
  let text = SAMPLE;
  for (let i = 0; text.length < 100_000; i++) text += `\n\n# Copy ${i}\n\n${body}`;
  await page.evaluate((text) => {
    const { view } = window.mdxPreview;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  }, text);
  await page.waitForFunction(
    () => [...document.querySelectorAll("#preview > h1")].some((h) => h.textContent.startsWith("Copy 3")),
    null,
    WAIT,
  );
  await settled(page);
  const marked = await page.evaluate(() => {
    const headings = document.querySelectorAll("#preview > h2");
    headings[0].dataset.marker = "first";
    headings[headings.length - 1].dataset.marker = "last";
    return headings.length;
  });
  // Type at the end of the last paragraph of the first copy's body.
  const at = text.indexOf("\n\n# Copy 1") - 1;
  const seen = await page.evaluate(async (at) => {
    const { view } = window.mdxPreview;
    const line = view.state.doc.lineAt(at);
    view.dispatch({ changes: { from: line.to, insert: " TYPED" } });
    return line.text.slice(-20);
  }, at);
  await page.waitForFunction(
    () => [...document.querySelectorAll("#preview > *")].some((n) => n.textContent.trim().endsWith(" TYPED")),
    null,
    WAIT,
  );
  await settled(page);
  const timings = await page.evaluate(() => window.mdxPreview.timings);
  assert.equal(timings.incremental, true, "the worker sent a splice");
  assert.equal(timings.replaced, 1, `one block replaced (typed after ${JSON.stringify(seen)})`);
  const kept = await page.evaluate(() => {
    const headings = document.querySelectorAll("#preview > h2");
    return [headings[0].dataset.marker, headings[headings.length - 1].dataset.marker, headings.length];
  });
  assert.deepEqual(kept, ["first", "last", marked], "blocks before and after keep their nodes");
  assert.deepEqual(events.errors, []);
  t.diagnostic(
    `~100 KB: keystroke ${timings.renderMs.toFixed(2)} ms in the worker, ` +
      `page update ${timings.showMs.toFixed(2)} ms, ${timings.replaced} of ${timings.blocks} blocks replaced`,
  );
});

test("cheap keystrokes are rendered on the page's thread; a large paste goes back to the worker", async (t) => {
  const { page, events } = await openPage(t);
  await settled(page);
  const caughtUp = () =>
    page.waitForFunction(() => window.mdxPreview.painted.version === window.mdxPreview.docVersion, null, WAIT);
  const local = () => page.evaluate(() => window.mdxPreview.timings.local);
  /** Type characters until a keystroke is rendered on the page's thread. */
  async function typeUntilLocal() {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.type(i % 6 === 5 ? " " : "x");
      await caughtUp();
      if (await local()) return i + 1;
      await page.waitForTimeout(30);
    }
    return null;
  }
  await page.evaluate(() => {
    const { view } = window.mdxPreview;
    // The end of the paragraph before the first section.
    const at = view.state.doc.toString().indexOf("\n\n## ");
    view.dispatch({ selection: { anchor: at } });
    view.focus();
  });
  const keys = await typeUntilLocal();
  assert.notEqual(keys, null, "keystrokes come to be rendered on the page's thread");
  // A paste of 10 KB: the worker renders it, from the text.
  const pasted = "\n\nPasted paragraph with some words in it.".repeat(250);
  await page.evaluate((pasted) => {
    const { view } = window.mdxPreview;
    view.dispatch(view.state.replaceSelection(pasted));
  }, pasted);
  await caughtUp();
  assert.equal(await local(), false, "the paste was rendered by the worker");
  assert.equal(
    await page.$$eval("#preview > p", (ps) => ps.filter((p) => p.textContent === "Pasted paragraph with some words in it.").length),
    250,
  );
  assert.notEqual(await typeUntilLocal(), null, "then the page's thread again");
  assert.deepEqual(events.errors, []);
  t.diagnostic(`rendered on the page's thread from keystroke ${keys} on`);
});

test("math is typeset when the Math toggle is on, and code is coloured", async (t) => {
  const { page } = await openPage(t);
  await settled(page);
  await page.evaluate(() => {
    const { view } = window.mdxPreview;
    const text = "Inline $a^2$.\n\n$$\n\\int_0^1 x\\,dx\n$$\n\n```js title=\"a.js\" {2} showLineNumbers\nconst a = 1;\nconst b = 'x';\n```\n";
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  });
  // Off by default: the renderer leaves $…$ as text.
  await page.waitForSelector("#preview .code-block", WAIT);
  assert.equal(await page.$$eval("#preview math", (l) => l.length), 0);
  await page.check("#math");
  await page.waitForFunction(() => document.querySelectorAll("#preview math").length === 2, null, WAIT);
  assert.equal(await page.$$eval("#preview math[display=block]", (l) => l.length), 1);
  // The display block keeps its data-line.
  assert.ok(await page.$eval("#preview math[display=block]", (m) => m.closest("#preview > [data-line]") !== null));
  // highlight.js colours each line, inside the renderer's line spans.
  const lines = await page.$$eval("#preview .code-line", (l) =>
    l.map((s) => ({ highlighted: s.classList.contains("code-line-highlighted"), tokens: s.querySelectorAll("[class^=hljs-]").length })),
  );
  assert.deepEqual(lines.map((l) => l.highlighted), [false, true]);
  assert.ok(lines.every((l) => l.tokens >= 2), JSON.stringify(lines));
  assert.equal(await page.$eval("#preview .code-block-title", (e) => e.textContent), "a.js");
});

test("a pasted XSS payload runs nothing", async (t) => {
  const { page, events } = await openPage(t);
  await settled(page);
  const payload = [
    "<script>window.__pwned = 1; alert(1)</script>",
    "<img src=x onerror=\"window.__pwned = 1; alert(1)\" />",
    "<img src=\"x\" onError={() => { window.__pwned = 1 }} />",
    "<a href=\"javascript:window.__pwned=1;alert(1)\">js link</a>",
    "[md link](javascript:window.__pwned=1)",
    "<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>",
    "<svg><script>window.__pwned=1</script></svg>",
    "<div dangerouslySetInnerHTML={{__html: '<img src=x onerror=alert(1)>'}} />",
    "{alert(1)}",
    "<details open onToggle=\"alert(1)\"><summary>s</summary>x</details>",
    "<a href=\"#\" onClick={() => alert(1)}>click me</a>",
    "export const x = alert(1)",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "",
  ].join("\n\n");
  // A real paste: CodeMirror reads the event's clipboard data.
  await page.evaluate((text) => {
    const { view } = window.mdxPreview;
    view.dispatch({ selection: { anchor: view.state.doc.length } });
    const data = new DataTransfer();
    data.setData("text/plain", `\n\n${text}`);
    view.contentDOM.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, payload);
  assert.ok((await editorText(page)).includes("window.__pwned"), "the paste reached the editor");
  await page.waitForFunction(
    () => [...document.querySelectorAll("#preview a")].some((a) => a.textContent === "click me"),
    null,
    WAIT,
  );
  await settled(page);
  // Poke everything the payload produced.
  // Everything the payload produced: the blocks after the sample's lines.
  const lines = SAMPLE.split("\n").length;
  const links = await page.$$("#preview a, #preview summary, #preview img").then(async (all) => {
    const mine = [];
    for (const handle of all) {
      const line = await handle.evaluate((e) => Number(e.closest("#preview > *").dataset.line));
      if (line > lines) mine.push(handle);
    }
    return mine;
  });
  assert.ok(links.length >= 3, `payload elements to click: ${links.length}`);
  for (const link of links) await link.click({ timeout: 5_000 }).catch(() => {});
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200))); // let handlers fire
  const dom = await page.$eval("#preview", (p) => ({
    scripts: p.querySelectorAll("script, iframe, svg, style, form, object, embed").length,
    handlers: [...p.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    jsUrls: [...p.querySelectorAll("[href], [src]")].filter((e) => /javascript:/i.test(e.getAttribute("href") ?? e.getAttribute("src"))).length,
  }));
  assert.deepEqual(dom, { scripts: 0, handlers: 0, jsUrls: 0 });
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(events.dialogs, []);
  assert.equal(new URL(page.url()).pathname, "/");
  // The rest of the post still renders.
  assert.equal((await h2Texts(page)).length, 12);
});

test("a TOC click scrolls the preview to the section and marks it", async (t) => {
  const { page } = await openPage(t);
  await settled(page);
  assert.equal(await page.$eval("#preview-pane", (s) => s.scrollTop), 0);
  await page.click("#toc > ul > li:nth-child(10) > a");
  await page.waitForFunction(
    () => {
      const pane = document.querySelector("#preview-pane");
      const heading = document.querySelectorAll("#preview > h2")[9];
      const offset = heading.getBoundingClientRect().top - pane.getBoundingClientRect().top;
      return pane.scrollTop > 0 && Math.abs(offset) < 40;
    },
    null,
    WAIT,
  );
  await page.waitForFunction(
    () => document.querySelector("#toc a.active")?.textContent.startsWith("10. Robot Learning"),
    null,
    WAIT,
  );
  // The editor follows the preview (scroll sync through data-line).
  await page.waitForFunction(() => window.mdxPreview.view.scrollDOM.scrollTop > 0, null, WAIT);
});

test("scrolling the editor scrolls the preview to the same block", async (t) => {
  const { page } = await openPage(t);
  await settled(page);
  // Bring line 136 (section 9's image) to the top of the editor.
  await page.evaluate(() => {
    const { view } = window.mdxPreview;
    const block = view.lineBlockAt(view.state.doc.line(136).from);
    view.scrollDOM.scrollTop = block.top;
  });
  await page.waitForFunction(
    () => {
      const pane = document.querySelector("#preview-pane");
      const top = pane.getBoundingClientRect().top;
      // The first block whose bottom is below the pane's top.
      const first = [...document.querySelectorAll("#preview > [data-line]")].find(
        (b) => b.getBoundingClientRect().bottom > top + 20,
      );
      const line = Number(first?.dataset.line);
      return pane.scrollTop > 0 && line >= 128 && line <= 140;
    },
    null,
    WAIT,
  );
});

test("clicking a problem puts the editor cursor on it", async (t) => {
  const { page } = await openPage(t);
  await settled(page);
  const target = await page.evaluate(
    () => window.mdxPreview.diagnostics.filter((d) => d.ruleId === "undefined-identifier")[2],
  );
  assert.ok(target, "an undefined-identifier diagnostic");
  await page.click(`.problem[data-rule="undefined-identifier"] >> nth=2`);
  await page.waitForFunction(
    (offset) => window.mdxPreview.view.state.selection.main.from === offset,
    target.offset,
    WAIT,
  );
  const state = await page.evaluate(() => {
    const { view } = window.mdxPreview;
    const { from, to } = view.state.selection.main;
    return { line: view.state.doc.lineAt(from).number, text: view.state.sliceDoc(from, to), focused: view.hasFocus };
  });
  assert.equal(state.line, target.line);
  assert.equal(state.text, "blog_20251111_img2");
  assert.equal(state.focused, true);
});

test("a fix applies the suggestion, and the problem goes away", async (t) => {
  const { page } = await openPage(t);
  await settled(page);
  const before = await page.$$eval('.problem[data-rule="undefined-identifier"]', (l) => l.length);
  await page.click('.problem[data-rule="undefined-identifier"] >> nth=0 >> .problem-fix');
  await page.waitForFunction(
    (count) => document.querySelectorAll('.problem[data-rule="undefined-identifier"]').length === count - 1,
    before,
    WAIT,
  );
  const line51 = (await editorText(page)).split("\n")[50];
  assert.equal(line51, " <img src={blog_20251110_img0} style={{width: 500}} />");

  // The same fix from the editor's own lint tooltip (hover the underline).
  const second = await page.evaluate(
    () => window.mdxPreview.diagnostics.find((d) => d.ruleId === "undefined-identifier").offset,
  );
  await page.evaluate((offset) => {
    const { view } = window.mdxPreview;
    view.dispatch({ effects: window.mdxPreview.scrollEffect(offset) });
  }, second);
  const mark = page.locator(".cm-lintRange-error", { hasText: "blog_20251111_img1" });
  await mark.waitFor(WAIT);
  await mark.hover();
  const action = page.locator(".cm-tooltip-lint .cm-diagnosticAction", { hasText: "blog_20251110_img1" });
  await action.click(WAIT);
  await page.waitForFunction(
    (count) => document.querySelectorAll('.problem[data-rule="undefined-identifier"]').length === count - 2,
    before,
    WAIT,
  );
  assert.ok((await editorText(page)).includes("<img src={blog_20251110_img1} style"));
});

/** Drop files ({ name, bytes }) onto `selector` with a synthesized DataTransfer. */
async function drop(page, selector, files) {
  const data = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const { name, bytes } of list) {
      transfer.items.add(new File([new Uint8Array(bytes)], name, { type: "image/png" }));
    }
    return transfer;
  }, files.map(({ name, bytes }) => ({ name, bytes: [...bytes] })));
  for (const type of ["dragenter", "dragover", "drop"]) {
    await page.dispatchEvent(selector, type, { dataTransfer: data });
  }
}

test("dropped images replace the placeholders of the imports they match", async (t) => {
  const { page } = await openPage(t);
  await settled(page);
  // Fix the first undefined name: it now uses the import of ./asset/blog_20251110_img0.png.
  await page.click('.problem[data-rule="undefined-identifier"] >> nth=0 >> .problem-fix');
  await page.waitForFunction(
    () => document.querySelectorAll('.problem[data-rule="undefined-identifier"]').length === 3,
    null,
    WAIT,
  );
  const placeholders = await page.$$eval("#preview img.mdx-missing-asset", (l) => l.length);
  await drop(page, "#preview-pane", [{ name: "blog_20251110_img0.png", bytes: png(120, 60, [46, 133, 85]) }]);
  await page.waitForFunction(
    () => {
      const img = document.querySelector('#preview img[src^="blob:"]');
      return img?.complete && img.naturalWidth === 120;
    },
    null,
    WAIT,
  );
  assert.equal(await page.$$eval("#preview img.mdx-missing-asset", (l) => l.length), placeholders - 1);
  assert.equal(await page.$eval("#asset-list", (l) => l.textContent), "blog_20251110_img0.png");
  // The editor did not get the file's name inserted.
  assert.ok(!(await editorText(page)).includes("blog_20251110_img0.png\n"));
  // No more missing-asset warning for that file.
  const missing = await page.evaluate(() =>
    window.mdxPreview.diagnostics.filter((d) => d.ruleId === "missing-asset").map((d) => d.message).join("\n"),
  );
  assert.ok(!missing.includes("blog_20251110_img0.png"), missing);
});

test("an asset folder chosen with Add folder maps by path", async (t) => {
  const { page } = await openPage(t);
  await settled(page);
  const dir = mkdtempSync(join(tmpdir(), "mdx-preview-assets-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "asset"));
  for (let i = 0; i < 4; i++) {
    writeFileSync(join(dir, "asset", `blog_20251110_img${i}.png`), png(40 + i, 20, [46, 133, 85]));
  }
  writeFileSync(join(dir, "asset", "notes.txt"), "not an image");
  // Fix the duplicate import (line 4 binds blog_20251110_img3 then) and the
  // four undefined names, so that the post uses all four imports.
  await page.click('.problem[data-rule="duplicate-import"] .problem-fix');
  await page.waitForFunction(() => !document.querySelector('.problem[data-rule="duplicate-import"]'), null, WAIT);
  for (let i = 0; i < 4; i++) {
    await page.click('.problem[data-rule="undefined-identifier"] >> nth=0 >> .problem-fix');
    await page.waitForFunction(
      (left) => document.querySelectorAll('.problem[data-rule="undefined-identifier"]').length === left,
      3 - i,
      WAIT,
    );
  }
  await page.setInputFiles("#asset-folder", join(dir, "asset"));
  await page.waitForFunction(
    () => [...document.querySelectorAll('#preview img[src^="blob:"]')].filter((i) => i.naturalWidth > 0).length === 4,
    null,
    WAIT,
  );
  const widths = await page.$$eval('#preview img[src^="blob:"]', (l) => l.map((i) => i.naturalWidth));
  assert.deepEqual(widths, [40, 41, 42, 43]);
  assert.equal(await page.$$eval("#preview img.mdx-missing-asset", (l) => l.length), 0);
  assert.equal(await page.$$eval("#asset-list li", (l) => l.length), 4, "only the images are taken");
});

/** About 1 MB of post: the sample's sections, over and over. */
function bigDocument() {
  const body = SAMPLE.split("\n").slice(5).join("\n");
  const parts = [SAMPLE.split("\n").slice(0, 5).join("\n")];
  let size = parts[0].length;
  for (let i = 0; size < 1_000_000; i++) {
    const part = `\n\n# Copy ${i}\n\n${body}`;
    parts.push(part);
    size += part.length;
  }
  return parts.join("");
}

test("a 1 MB document keeps the editor responsive while it renders", async (t) => {
  const { page } = await openPage(t, { query: "?budget=120000" });
  await settled(page);
  const big = bigDocument();
  assert.ok(big.length >= 1_000_000);
  await page.evaluate((text) => {
    const { view } = window.mdxPreview;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 } });
    view.focus();
  }, big);
  // Type while the 1 MB render is in flight in the worker.
  assert.equal(await page.evaluate(() => window.mdxPreview.busy), true, "a render is in flight");
  await page.keyboard.type("Typed while rendering. ");
  const handled = await page.evaluate(() => ({
    inputs: window.mdxPreview.inputsWhileRendering,
    head: window.mdxPreview.view.state.sliceDoc(0, 23),
  }));
  assert.equal(handled.head, "Typed while rendering. ");
  assert.ok(handled.inputs >= 1, `keystrokes handled during a render: ${handled.inputs}`);
  // And the preview catches up with what was typed.
  await page.waitForFunction(
    () => document.querySelector("#preview > p")?.textContent.startsWith("Typed while rendering."),
    null,
    WAIT,
  );
  const sections = await page.$$eval("#preview > h2", (l) => l.length);
  assert.ok(sections > 12 * 100, `sections: ${sections}`);
  // Numbers for the reader (not asserted): worker render and main-thread update.
  const timings = await page.evaluate(() => window.mdxPreview.timings);
  t.diagnostic(
    `1 MB (${big.length} chars): render ${timings.renderMs.toFixed(0)} ms in the worker, ` +
      `page update ${timings.showMs.toFixed(0)} ms on the main thread, ${timings.replaced} of ${timings.blocks} blocks replaced`,
  );
});

test("a block the parser panics on is shown as source, with a problem; the rest of the page stays (panic-trigger build)", async (t) => {
  const { page, events } = await openPage(t, { trigger: true });
  await settled(page);
  await page.evaluate(() => {
    document.querySelector("#preview > h2").dataset.marker = "kept";
  });
  // A new block holding the marker at the end (inserted, not typed: the
  // editor would continue the list the post ends with): the renderer
  // panics on that block.
  const marker = "MDX_PREVIEW_PANIC_TRIGGER";
  await page.evaluate((text) => {
    const { view } = window.mdxPreview;
    const end = view.state.doc.length;
    view.dispatch({ changes: { from: end, insert: text }, selection: { anchor: end + text.length - 1 } });
    view.focus();
  }, `\n\n${marker} typed here\n\nAfter the panic.\n`);
  await page.waitForFunction(
    (text) => [...document.querySelectorAll("#preview > pre.mdx-error")].some((pre) => pre.textContent === text),
    `${marker} typed here`,
    WAIT,
  );
  await settled(page);
  assert.equal((await h2Texts(page)).length, 12, "every section still shown");
  assert.equal(await page.$eval("#preview > p:last-child", (p) => p.textContent), "After the panic.");
  const problem = await page.$eval('.problem[data-rule="internal-error"]', (p) => p.textContent);
  assert.match(problem, /parser failed on this block/);
  assert.equal(await page.$eval("#notice", (n) => n.hidden), true, "no error notice");
  assert.notEqual(await page.$eval("#status", (s) => s.dataset.kind), "error");
  // The renderer keeps working, incrementally: a keystroke elsewhere
  // replaces one block and keeps the others' nodes.
  await page.keyboard.type(" More.");
  await page.waitForFunction(
    () => document.querySelector("#preview > p:last-child")?.textContent === "After the panic. More.",
    null,
    WAIT,
  );
  assert.equal(await page.$eval("#preview > h2", (h) => h.dataset.marker ?? null), "kept");
  assert.equal(await page.evaluate(() => window.mdxPreview.timings.incremental), true);
  // Without the marker the block renders again and the problem goes.
  await page.evaluate((text) => {
    const { view } = window.mdxPreview;
    const at = view.state.doc.toString().indexOf(text);
    view.dispatch({ changes: { from: at, to: at + text.length, insert: "Fixed" } });
  }, marker);
  await page.waitForFunction(() => !document.querySelector('.problem[data-rule="internal-error"]'), null, WAIT);
  assert.equal(await page.$$eval("#preview > pre.mdx-error", (l) => l.length), 0);
  // The same on the page's own thread, where cheap keystrokes are rendered
  // (render-client.js): type until one is, then bring the marker back.
  let local = false;
  for (let i = 0; i < 40 && !local; i++) {
    await page.keyboard.type("x");
    await page.waitForFunction(() => window.mdxPreview.painted.version === window.mdxPreview.docVersion, null, WAIT);
    local = await page.evaluate(() => window.mdxPreview.timings.local);
    await page.waitForTimeout(30);
  }
  assert.equal(local, true, "keystrokes rendered on the page's thread");
  await page.evaluate((marker) => {
    const { view } = window.mdxPreview;
    const at = view.state.doc.toString().indexOf("Fixed");
    view.dispatch({ changes: { from: at, to: at + 5, insert: marker } });
  }, marker);
  await page.waitForFunction(
    (text) => [...document.querySelectorAll("#preview > pre.mdx-error")].some((pre) => pre.textContent === text),
    `${marker} typed here`,
    WAIT,
  );
  assert.equal((await h2Texts(page)).length, 12, "every section still shown");
  assert.deepEqual(events.errors, []);
});

test("a render over the time budget is abandoned with a notice; the last preview stays", async (t) => {
  const { page } = await openPage(t);
  await settled(page);
  // 1 MB takes far longer than 20 ms to render, however fast the machine.
  await page.evaluate(() => window.mdxPreview.setBudget(20));
  await page.evaluate((text) => {
    const { view } = window.mdxPreview;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  }, bigDocument());
  await page.waitForSelector("#notice:not([hidden])", WAIT);
  assert.match(await page.textContent("#notice"), /took longer than 20 ms and was stopped/);
  assert.equal(await page.textContent("#status"), "render abandoned");
  assert.equal((await h2Texts(page)).length, 12, "the last good preview stays");
  // A fresh worker takes the next edit.
  await page.evaluate(() => window.mdxPreview.setBudget(120_000));
  await page.evaluate((text) => {
    const { view } = window.mdxPreview;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  }, `${SAMPLE}\n## Back to normal\n`);
  await page.waitForFunction(
    () => [...document.querySelectorAll("#preview > h2")].some((h) => h.textContent === "Back to normal"),
    null,
    WAIT,
  );
  await page.waitForSelector("#notice", { ...WAIT, state: "hidden" });
});

test("the draft survives a reload; Export HTML downloads a standalone page", async (t) => {
  const { page } = await openPage(t);
  await settled(page);
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n\n:::tip[Saved]\nThis draft persists.\n:::\n");
  await page.waitForFunction(
    () => localStorage.getItem("mdx-preview:draft")?.includes("This draft persists."),
    null,
    WAIT,
  );
  await page.reload();
  await page.waitForFunction(() => window.mdxPreview?.shownSeq > 0, null, WAIT);
  assert.ok((await editorText(page)).endsWith(":::tip[Saved]\nThis draft persists.\n:::\n"));
  await page.waitForSelector("#preview aside.admonition-tip", WAIT);

  const [download] = await Promise.all([page.waitForEvent("download", WAIT), page.click("#export")]);
  const html = readFileSync(await download.path(), "utf8");
  assert.match(download.suggestedFilename(), /^2025-11-11-papers-review\.html$/);
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<title>2025-11-11 papers review<\/title>/);
  assert.match(html, /\.markdown \.admonition/);
  assert.match(html, /<aside class="admonition admonition-tip"/);
  assert.equal((html.match(/<h2 /g) ?? []).length, 12);
  assert.doesNotMatch(html, /<script/i);
});

test("screenshot of the page (tests/e2e/screenshot.png)", async (t) => {
  const { page, events } = await openPage(t, { viewport: { width: 1440, height: 860 } });
  await settled(page);
  // Show a section with an image, a fixed name and a dropped asset.
  await page.click('.problem[data-rule="undefined-identifier"] >> nth=1 >> .problem-fix');
  await drop(page, "#preview-pane", [{ name: "blog_20251110_img1.png", bytes: png(500, 220, chart) }]);
  await page.waitForFunction(() => document.querySelector('#preview img[src^="blob:"]')?.naturalWidth === 500, null, WAIT);
  await page.click("#toc > ul > li:nth-child(7) > a");
  await page.waitForSelector("#toc > ul > li:nth-child(7) > a.active", WAIT);
  await settled(page);
  await page.evaluate(() => {
    document.querySelector("#problems-list").scrollTop = 0;
    return document.fonts.ready;
  });
  await page.screenshot({ path: SCREENSHOT });
  assert.deepEqual(events.errors, []);
});
