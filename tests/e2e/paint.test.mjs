// Keystroke-to-paint in the live-preview page, as a writer feels it: real
// key presses in the editor (headless Chromium through playwright-core),
// from the keydown event to the moment the page has patched the preview
// for the document that keystroke made (the page records which editor
// version the preview shows, and when it was patched). A sentence is
// typed at 10 %, 50 % and 90 % of the seed post and of ~100 KB of real
// posts (tests/data/corpus concatenated, as the corpus bench does).
// Typing starts once the page has taken in the post (the editor has
// parsed it, the page's renderer is loaded), and, after the cursor jumps
// to the next place, once the editor has drawn it: as a writer types in
// a post that is open, not in the same moment as opening it or jumping.
// (Keys sent by the test are not seen by the browser's isInputPending,
// which the editor's background parse uses to give way to typing.)
//
// Prints p50/p95 per document and writes target/bench/paint.json, which
// tests/bench/run.mjs shows (`make bench`). Timings never fail the test
// (the machine is shared); the preview does: after typing it must be what
// a fresh full render of the editor's text gives.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../www/serve.mjs";
import { SENTENCE, concatenated, corpus, place } from "../bench/corpus-docs.mjs";
import { CHROMIUM, CHROMIUM_ARGS, freshPage } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url);
const DIST = fileURLToPath(new URL("www/dist/", ROOT));
const SAMPLE = readFileSync(new URL("www/sample/review-2025-11-11.mdx", ROOT), "utf8");
const OUT = fileURLToPath(new URL("target/bench/paint.json", ROOT));
const WAIT = { timeout: 60_000 };
const FRACTIONS = [0.1, 0.5, 0.9];
const { render } = await import(new URL("pkg/node.mjs", ROOT));

let server;
let browser;
let base;
const rows = [];

before(async () => {
  server = await serve({ dir: DIST, port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (rows.length > 0) {
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify({ sentence: SENTENCE, fractions: FRACTIONS, documents: rows }, null, 2) + "\n");
  }
});

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** The page showing `text`, rendered, with the keydown recorder. */
async function pageWith(t, text) {
  const { page, events } = await freshPage(browser, t, { viewport: { width: 1500, height: 900 } });
  await page.goto(`${base}?budget=120000`);
  await page.waitForFunction(() => window.mdxPreview?.shownSeq > 0, null, WAIT);
  await page.evaluate((text) => {
    const { view } = window.mdxPreview;
    if (view.state.doc.toString() !== text) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    // When each key went down (the event's own time stamp).
    window.__keydowns = [];
    window.__inputs = [];
    view.contentDOM.addEventListener("keydown", (event) => window.__keydowns.push(event.timeStamp), true);
    // When the browser had put the key's text in the editable DOM.
    view.contentDOM.addEventListener("input", (event) => window.__inputs.push(event.timeStamp), true);
    // How often the page gives the editor new lint marks (a transaction
    // whose effect holds diagnostics).
    window.__lintMarks = 0;
    const dispatch = view.dispatch.bind(view);
    view.dispatch = (...specs) => {
      const effects = specs.flatMap((spec) => [spec?.effects ?? []].flat());
      if (effects.some((effect) => Array.isArray(effect?.value) && effect.value.some((mark) => mark?.severity))) {
        window.__lintMarks += 1;
      }
      return dispatch(...specs);
    };
  }, text);
  await caughtUp(page);
  await settled(page);
  return { page, events };
}

/** Wait until the page has taken in its text and drawn two frames. */
async function settled(page) {
  await page.waitForFunction(() => window.mdxPreview.settled, null, WAIT);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Wait until the preview shows the editor's current document. */
async function caughtUp(page) {
  await page.waitForFunction(() => window.mdxPreview.painted.version === window.mdxPreview.docVersion, null, WAIT);
}

/** Type the sentence at `at`, one key at a time, each waited for: the
 * keystroke-to-paint time of each key, in ms. */
async function typeAt(page, at) {
  await page.evaluate((at) => {
    const { view } = window.mdxPreview;
    view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
    view.focus();
    window.__keydowns = [];
    window.__inputs = [];
    window.__lintMarks = 0;
  }, at);
  await settled(page);
  const times = [];
  const stages = [];
  for (const char of SENTENCE) {
    await page.keyboard.type(char);
    await caughtUp(page);
    const { total, stage } = await page.evaluate(() => {
      const { painted, timings } = window.mdxPreview;
      const keydown = window.__keydowns.at(-1);
      const input = window.__inputs.at(-1);
      const stage = { typing: input - keydown, editor: painted.editedAt - input, ...timings };
      return { total: painted.at - keydown, stage };
    });
    times.push(total);
    stages.push(stage);
  }
  return { times, stages, lintMarks: await page.evaluate(() => window.__lintMarks) };
}

/** Where a keystroke's time goes, stage by stage (ms): from the keydown
 * to the input event (the browser editing the DOM), to the editor's
 * update, to posting the request, the hop to the worker, the render, the
 * rest of the worker's work, the hop back, the patch. With the page
 * rendering on its own thread (render-client.js), the hops are nil and
 * `render` is the render there. */
const STAGES = ["typing", "editor", "waitMs", "toWorkerMs", "renderMs", "workerMs", "fromWorkerMs", "showMs"];

function stageSummary(stages) {
  const out = {};
  for (const name of STAGES) {
    const sorted = stages.map((s) => s[name]).sort((a, b) => a - b);
    out[name.replace(/Ms$/, "")] = { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
  }
  return out;
}

/** The preview's HTML without what the page adds to the renderer's
 * (highlight.js colouring, broken-image marks), and that of a fresh
 * render of `html` parsed the same way. */
async function previewAndRender(page, html) {
  return page.evaluate((html) => {
    const preview = document.querySelector("#preview").cloneNode(true);
    const unclass = (element, name) => {
      element.classList.remove(name);
      if (element.classList.length === 0) element.removeAttribute("class");
    };
    // highlight.js's spans (the renderer's own code-line spans stay).
    for (const code of preview.querySelectorAll("code.hljs")) {
      unclass(code, "hljs");
      const spans = [...code.querySelectorAll("span:not(.code-line)")];
      for (const span of spans.reverse()) span.replaceWith(...span.childNodes);
    }
    for (const image of preview.querySelectorAll("img.mdx-broken-image")) unclass(image, "mdx-broken-image");
    const template = document.createElement("template");
    template.innerHTML = html;
    return { shown: preview.innerHTML, rendered: template.innerHTML };
  }, html);
}

async function measure(t, name, text) {
  const { page, events } = await pageWith(t, text);
  const all = [];
  const allStages = [];
  const positions = [];
  for (const fraction of FRACTIONS) {
    const current = await page.evaluate(() => window.mdxPreview.view.state.doc.toString());
    const { times, stages, lintMarks } = await typeAt(page, place(current, fraction));
    // Typing running text only moves the diagnostics: the editor maps its
    // marks itself, so the page must not redo them.
    assert.equal(lintMarks, 0, `${name} at ${fraction * 100} %: lint marks redone while typing text`);
    all.push(...times);
    allStages.push(...stages);
    positions.push({ fraction, medianMs: quantile([...times].sort((a, b) => a - b), 0.5) });
  }
  const final = await page.evaluate(() => window.mdxPreview.view.state.doc.toString());
  const { shown, rendered } = await previewAndRender(page, render(final, { format: "mdx", math: false, assets: {} }).html);
  assert.equal(shown, rendered, `${name}: the preview after typing is a fresh render of the editor's text`);
  assert.equal(final.length, text.length + FRACTIONS.length * SENTENCE.length);
  assert.deepEqual(events.errors, []);
  const sorted = [...all].sort((a, b) => a - b);
  // From the input event (the key's text in the editor's DOM) instead.
  const fromInput = all.map((ms, i) => ms - allStages[i].typing).sort((a, b) => a - b);
  const row = {
    name,
    bytes: Buffer.byteLength(text),
    keystrokes: all.length,
    p50Ms: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    maxMs: sorted.at(-1),
    fromInputP50Ms: quantile(fromInput, 0.5),
    fromInputP95Ms: quantile(fromInput, 0.95),
    positions,
    stages: stageSummary(allStages),
    // Keys rendered on the page's own thread (the rest by the worker).
    localKeys: allStages.filter((s) => s.local).length,
  };
  rows.push(row);
  t.diagnostic(
    `${name} (${(row.bytes / 1024).toFixed(0)} KB): keystroke-to-paint p50 ${row.p50Ms.toFixed(1)} ms, ` +
      `p95 ${row.p95Ms.toFixed(1)} ms, max ${row.maxMs.toFixed(1)} ms over ${all.length} keys ` +
      `(${positions.map((p) => `${p.fraction * 100} %: ${p.medianMs.toFixed(1)}`).join(", ")} ms median); ` +
      `from the input event: p50 ${row.fromInputP50Ms.toFixed(1)} ms, p95 ${row.fromInputP95Ms.toFixed(1)} ms; ` +
      `${row.localKeys} keys rendered on the page's thread`,
  );
  t.diagnostic(
    `${name}: stages p50/p95 ms: ` +
      Object.entries(row.stages)
        .map(([stage, { p50, p95 }]) => `${stage} ${p50.toFixed(1)}/${p95.toFixed(1)}`)
        .join(", "),
  );
}

test("keystroke-to-paint on the seed post", async (t) => {
  await measure(t, "seed", SAMPLE);
});

test("keystroke-to-paint on ~100 KB of real posts", async (t) => {
  const documents = corpus().filter((d) => Buffer.byteLength(d.text) >= 3 * 1024);
  await measure(t, "~100 KB real posts", concatenated(documents));
});
