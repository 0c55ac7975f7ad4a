// The live preview bound to a site folder (`make preview ROOT=…`), driven
// in headless Chromium as a writer uses it: a temporary Docusaurus-shaped
// site with the sample post and real PNG files made here; the post opens
// with its images, edits are saved to disk, other programs' writes show
// up, a conflicting save asks, drafts survive a reload, and paths out of
// the site and writes from other origins are refused.
//
// Writes tests/e2e/screenshot-site.png (shown in the README).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:http";
import { chromium } from "playwright-core";
import { serve } from "../../www/serve.mjs";
import { CHROMIUM, CHROMIUM_ARGS, chart, freshPage, png } from "./support.mjs";

const ROOT = new URL("../../", import.meta.url);
const DIST = fileURLToPath(new URL("www/dist/", ROOT));
const SAMPLE = readFileSync(new URL("www/sample/review-2025-11-11.mdx", ROOT), "utf8");
const CORPUS = fileURLToPath(new URL("tests/data/corpus/", ROOT));
const SCREENSHOT = fileURLToPath(new URL("tests/e2e/screenshot-site.png", ROOT));
const WAIT = { timeout: 60_000 };
const SECRET = "outside the site: never shown";

const REVIEW = "blog/2025-11-11-review/index.mdx";
const OLDER = "blog/2025-11-04-review/index.md";
const GUIDE = "docs/guide.mdx";
const INTRO = "docs/intro.md"; // written with \r\n line ends

/**
 * The sample post with its bugs fixed (the duplicate import binds img3,
 * the images use the imported names), and a section that refers to files
 * in every way a Docusaurus post can.
 */
const POST = `import logo from '@site/static/img/logo.png';
${SAMPLE.replace("import blog_20251110_img2 from './asset/blog_20251110_img3.png'", "import blog_20251110_img3 from './asset/blog_20251110_img3.png'").replaceAll("blog_20251111_img", "blog_20251110_img")}

## 13. Files of the site

![A chart next to the post](./asset/chart.png)

![The logo from static](/img/logo.png)

<img src={logo} alt="the logo through @site" />

<img src={require('./asset/required.png').default} alt="required" />

![Not drawn yet](./asset/gone.png)
`;

let scratch;
let site;
let server;
let base;
let browser;

/** A site folder: the review with its assets, an older post, docs, static files. */
function makeSite(dir, { corpus = false } = {}) {
  const file = (path, contents) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), contents);
  };
  file("docusaurus.config.js", "export default { title: 'Reviews' };\n");
  file(REVIEW, POST);
  const colours = [[46, 133, 85], [26, 111, 181], [180, 55, 75], [154, 103, 0]];
  for (let i = 0; i < 4; i++) {
    file(`blog/2025-11-11-review/asset/blog_20251110_img${i}.png`, png(500, 220, i === 1 ? chart : colours[i]));
  }
  file("blog/2025-11-11-review/asset/chart.png", png(500, 220, chart));
  file("blog/2025-11-11-review/asset/required.png", png(60, 30, [120, 20, 160]));
  file("static/img/logo.png", png(64, 64, [37, 194, 160]));
  file(OLDER, "# 2025-11-04 papers review\n\nLast week's papers.\n");
  file(GUIDE, "# Writing guide\n\n:::tip\nKeep sentences short.\n:::\n");
  file(INTRO, "# Introduction\r\n\r\nWelcome to the site.\r\n");
  file("node_modules/some-package/README.md", "# not part of the site\n");
  writeFileSync(join(dir, "..", "outside.md"), SECRET);
  if (corpus) {
    // Real posts and docs (the Jest blog and docs, MIT; see tests/data/corpus).
    for (const [from, to] of [["jest-blog", "blog"], ["jest-docs", "docs"]]) {
      for (const name of readdirSync(join(CORPUS, from)).filter((n) => n.endsWith(".md"))) {
        cpSync(join(CORPUS, from, name), join(dir, to, name));
      }
    }
  }
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "mdx-preview-site-"));
  site = join(scratch, "site");
  makeSite(site);
  server = await serve({ dir: DIST, port: 0, host: "127.0.0.1", site });
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

const disk = (path) => readFileSync(join(site, path), "utf8");

/** A fresh browser context on `query`, with the file it names open and rendered. */
async function openSite(t, query = "") {
  const { page, events } = await freshPage(browser, t, { viewport: { width: 1500, height: 900 } });
  await page.goto(base + query);
  await opened(page);
  return { page, events };
}

/** Wait until a file is open and its render is shown. */
async function opened(page, path = null) {
  await page.waitForFunction(
    (path) => {
      const { site, busy, shownSeq } = window.mdxPreview ?? {};
      return site?.path && (path === null || site.path === path) && shownSeq > 0 && !busy &&
        document.querySelector("#status").dataset.kind !== "busy";
    },
    path,
    WAIT,
  );
}

const editorText = (page) => page.evaluate(() => window.mdxPreview.view.state.doc.toString());
const saveState = (page) => page.$eval("#site-state", (s) => s.dataset.state);
const fileInUrl = (page) => new URL(page.url()).searchParams.get("file");

async function typeAtEnd(page, text) {
  await page.click(".cm-content");
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
}

async function waitForState(page, state) {
  await page.waitForFunction((state) => document.querySelector("#site-state").dataset.state === state, state, WAIT);
}

test("the site's files are listed, and the newest post opens with its images", async (t) => {
  const { page, events } = await openSite(t);
  assert.equal(fileInUrl(page), REVIEW);
  assert.equal(await editorText(page), POST);
  assert.equal(await saveState(page), "saved");

  // Blog (newest first), then docs; nothing from node_modules.
  const groups = await page.$$eval(".file-group", (g) => g.map((x) => x.textContent));
  assert.deepEqual(groups, ["Blog", "Docs"]);
  const listed = await page.$$eval("#file-list a[data-path]", (as) => as.map((a) => a.dataset.path));
  assert.deepEqual(listed, [REVIEW, OLDER, GUIDE, INTRO]);
  assert.equal(await page.$eval("#file-list a.current", (a) => a.dataset.path), REVIEW);

  // The four imports of ./asset/… load from the site, at their real size.
  await page.waitForFunction(
    () => [...document.querySelectorAll("#preview img")].filter((img) => img.complete).length ===
      document.querySelectorAll("#preview img").length,
    null,
    WAIT,
  );
  const images = await page.$$eval("#preview img", (imgs) =>
    imgs.map((img) => ({ src: img.getAttribute("src"), alt: img.alt, width: img.naturalWidth, classes: img.className })),
  );
  const bySrc = (part) => images.find((img) => img.src?.includes(part));
  for (let i = 0; i < 4; i++) {
    const image = bySrc(`/_site/raw/blog/2025-11-11-review/asset/blog_20251110_img${i}.png?v=`);
    assert.equal(image?.width, 500, `import ${i}: ${JSON.stringify(images)}`);
  }
  // A markdown image next to the post, /img/… from static/, an @site/ import.
  assert.equal(bySrc("/_site/raw/blog/2025-11-11-review/asset/chart.png")?.width, 500);
  assert.equal(images.find((img) => img.src === "/img/logo.png")?.width, 64);
  assert.equal(bySrc("/_site/raw/static/img/logo.png")?.width, 64);

  // The missing file is a placeholder naming its path, and listed.
  const gone = images.find((img) => img.src === "./asset/gone.png");
  assert.match(gone.classes, /mdx-broken-image/);
  assert.match(gone.alt, /blog\/2025-11-11-review\/asset\/gone\.png/);
  assert.deepEqual(await page.$$eval("#site-missing li", (li) => li.map((l) => l.textContent)), [
    "blog/2025-11-11-review/asset/gone.png",
  ]);
  // The post's own imports are all found: no missing-asset warning.
  const rules = await page.$$eval(".problem", (items) => items.map((i) => i.dataset.rule));
  assert.ok(!rules.includes("missing-asset"), rules.join());
  assert.deepEqual(events.errors, []);
});

test("require('./x.png').default resolves like an import", async (t) => {
  const { page } = await openSite(t, `?file=${encodeURIComponent(REVIEW)}`);
  await page.waitForFunction(
    () => document.querySelector('#preview img[src*="/asset/required.png"]')?.naturalWidth === 60,
    null,
    { timeout: 5000 },
  );
});

test("the writer picks how .md files are read, as Docusaurus's markdown.format", async (t) => {
  const { page } = await openSite(t, `?file=${encodeURIComponent(INTRO)}`);
  const formatOf = (source) => page.evaluate((source) => window.mdxPreview.site.formatFor(source), source);
  // Docusaurus 3 reads .md as MDX unless the config says 'detect'.
  assert.equal(await page.$eval("#site-format", (select) => select.value), "mdx");
  assert.equal(await formatOf("# Intro\n"), "mdx");
  await page.selectOption("#site-format", "detect");
  assert.equal(await formatOf("# Intro\n"), "md", "by extension, .md is Markdown");
  assert.equal(await formatOf("---\nformat: mdx\n---\n# Intro\n"), "mdx", "the front matter comes first");
  // Kept for the site: still chosen after a reload.
  await page.reload();
  await opened(page, INTRO);
  assert.equal(await page.$eval("#site-format", (select) => select.value), "detect");
  assert.equal(await formatOf("# Intro\n"), "md");
});

test("an edit saved with Ctrl+S is written to the file, line ends kept", async (t) => {
  const { page } = await openSite(t);
  await page.click(`#file-list a[data-path="${GUIDE}"]`);
  await opened(page, GUIDE);
  assert.equal(fileInUrl(page), GUIDE);
  await typeAtEnd(page, "\n## Saved from the preview\n");
  await waitForState(page, "unsaved");
  assert.equal(disk(GUIDE), "# Writing guide\n\n:::tip\nKeep sentences short.\n:::\n", "nothing is written before a save");
  await page.keyboard.press("Control+s");
  await waitForState(page, "saved");
  assert.equal(disk(GUIDE), await editorText(page));
  assert.match(disk(GUIDE), /## Saved from the preview\n$/);
  assert.deepEqual(readdirSync(join(site, "docs")).sort(), ["guide.mdx", "intro.md"], "no temporary file left");

  // A file written with \r\n keeps them (the editor itself works in \n).
  await page.click(`#file-list a[data-path="${INTRO}"]`);
  await opened(page, INTRO);
  await typeAtEnd(page, "Second line.\n");
  await page.click("#site-save");
  await waitForState(page, "saved");
  assert.equal(disk(INTRO), "# Introduction\r\n\r\nWelcome to the site.\r\nSecond line.\r\n");
  await page.waitForSelector("#site-save:disabled", WAIT);
});

test("a write by another program shows up; with unsaved edits the page asks instead", async (t) => {
  const { page } = await openSite(t, `?file=${encodeURIComponent(OLDER)}`);
  assert.equal(await editorText(page), disk(OLDER));

  // No unsaved edits: the new text replaces the old, the preview follows.
  const outside = "# 2025-11-04 papers review\n\nLast week's papers.\n\n## Added by another editor\n";
  const written = Date.now();
  writeFileSync(join(site, OLDER), outside);
  await page.waitForFunction((text) => window.mdxPreview.view.state.doc.toString() === text, outside, WAIT);
  const ms = Date.now() - written;
  await page.waitForFunction(
    () => [...document.querySelectorAll("#preview h2")].some((h) => h.textContent === "Added by another editor"),
    null,
    WAIT,
  );
  console.log(`# an outside write reached the editor in ${ms} ms`);
  assert.equal(await saveState(page), "saved");

  // Unsaved edits: kept, and the page says the disk changed.
  await typeAtEnd(page, "\nMy own paragraph.\n");
  await waitForState(page, "unsaved");
  const mine = await editorText(page);
  const theirs = outside + "\nAnother outside change.\n";
  writeFileSync(join(site, OLDER), theirs);
  await page.waitForSelector('#site-banner[data-kind="conflict"]:not([hidden])', WAIT);
  assert.match(await page.$eval("#site-banner", (b) => b.textContent), /changed on disk/);
  assert.equal(await editorText(page), mine, "the writer's text is not replaced");
  assert.equal(await saveState(page), "error");

  // Saving asks; "keep mine" overwrites the file.
  await page.keyboard.press("Control+s");
  await page.waitForSelector("#site-conflict[open]", WAIT);
  const choices = await page.$$eval("#site-conflict button", (b) => b.map((x) => x.dataset.choice));
  assert.deepEqual(choices, ["keep", "take", "cancel"]);
  assert.equal(disk(OLDER), theirs, "nothing is written while the dialog asks");
  await page.click('#site-conflict button[data-choice="keep"]');
  await waitForState(page, "saved");
  assert.equal(disk(OLDER), mine);

  // Again, and this time take the disk's text; Ctrl+Z brings the writer's back.
  await typeAtEnd(page, "More of mine.\n");
  await waitForState(page, "unsaved");
  const mine2 = await editorText(page);
  const theirs2 = "# Rewritten elsewhere\n";
  writeFileSync(join(site, OLDER), theirs2);
  await page.waitForSelector('#site-banner[data-kind="conflict"]:not([hidden])', WAIT);
  await page.keyboard.press("Control+s");
  await page.waitForSelector("#site-conflict[open]", WAIT);
  await page.click('#site-conflict button[data-choice="take"]');
  await waitForState(page, "saved");
  assert.equal(await editorText(page), theirs2);
  assert.equal(disk(OLDER), theirs2);
  await page.click(".cm-content");
  await page.keyboard.press("Control+z");
  assert.equal(await editorText(page), mine2);
  await waitForState(page, "unsaved");
});

test("an unsaved draft survives a reload; back and forward move between files", async (t) => {
  const { page } = await openSite(t, `?file=${encodeURIComponent(GUIDE)}`);
  const before = disk(GUIDE);
  await typeAtEnd(page, "A draft, not saved.\n");
  await waitForState(page, "unsaved");
  const draft = await editorText(page);
  await page.reload();
  await opened(page, GUIDE);
  assert.equal(await editorText(page), draft);
  assert.equal(await saveState(page), "unsaved");
  assert.equal(disk(GUIDE), before);
  assert.ok(await page.$(`#file-list a.has-draft[data-path="${GUIDE}"]`), "the list marks the draft");

  await page.click(`#file-list a[data-path="${OLDER}"]`);
  await opened(page, OLDER);
  assert.equal(await editorText(page), disk(OLDER));
  await page.goBack();
  await opened(page, GUIDE);
  assert.equal(fileInUrl(page), GUIDE);
  assert.equal(await editorText(page), draft, "the draft is still there");
  await page.goForward();
  await opened(page, OLDER);
  assert.equal(fileInUrl(page), OLDER);
});

test("the search narrows the list, Enter opens the first match", async (t) => {
  const { page } = await openSite(t);
  await page.keyboard.press("Control+p");
  assert.equal(await page.evaluate(() => document.activeElement.id), "files-search");
  await page.keyboard.type("docs intro");
  const listed = await page.$$eval("#file-list a[data-path]", (as) => as.map((a) => a.dataset.path));
  assert.deepEqual(listed, [INTRO]);
  assert.equal(await page.$eval(".files-count", (c) => c.textContent), "1 of 4");
  await page.keyboard.press("Enter");
  await opened(page, INTRO);
  assert.equal(fileInUrl(page), INTRO);

  // A site with a thousand posts: how long the list takes to build and to
  // search (printed, not asserted).
  const ms = await page.evaluate(() => {
    const { site } = window.mdxPreview;
    for (let i = 0; i < 1000; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      site.documents.set(`blog/${2000 + Math.floor(i / 28)}-01-${day}-post-${i}/index.mdx`, { size: 1, mtime: 1 });
    }
    const search = document.querySelector("#files-search");
    const time = (query) => {
      search.value = query;
      const start = performance.now();
      site.renderList();
      return performance.now() - start;
    };
    return { all: time(""), narrowed: time("post-99"), none: time("no such file") };
  });
  const shown = await page.$$eval("#file-list a[data-path]", (as) => as.length);
  console.log(
    `# file list of 1,004 files: built in ${ms.all.toFixed(1)} ms (400 shown), ` +
      `searched in ${ms.narrowed.toFixed(1)} ms, ${ms.none.toFixed(1)} ms with no match`,
  );
  assert.equal(shown, 0, "the last search matched nothing");
});

test("paths out of the site and writes from other origins are refused", async (t) => {
  const { page } = await openSite(t, `?file=${encodeURIComponent("../outside.md")}`);
  // The URL's file is refused; nothing of it is shown.
  await page.waitForSelector('#site-banner[data-kind="error"]:not([hidden])', WAIT);
  assert.match(await page.$eval("#site-banner", (b) => b.textContent), /Refused: \.\.\/outside\.md/);
  assert.ok(!(await editorText(page)).includes(SECRET));

  const answers = await page.evaluate(async () => {
    const status = async (url, init) => {
      const response = await fetch(url, init);
      return [response.status, (await response.text()).includes("never shown")];
    };
    return {
      encoded: await status("/_site/raw/..%2Foutside.md"),
      encodedFile: await status("/_site/file/..%2F..%2Foutside.md"),
      absolute: await status("/_site/file/%2Ftmp%2Foutside.md"),
      // Same origin but without the token: refused.
      noToken: await status("/_site/file/docs/guide.mdx", {
        method: "PUT", headers: { "x-mdx-base": "absent" }, body: "# overwritten",
      }),
    };
  });
  assert.deepEqual(answers, {
    encoded: [403, false], encodedFile: [403, false], absolute: [403, false], noToken: [403, false],
  });

  // Another site open in the browser (another origin, no CSP of its own
  // to stop it) can neither read nor write.
  const before = disk(GUIDE);
  const other = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end("<!doctype html><title>another site</title>");
  });
  await new Promise((resolve) => other.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => other.close(resolve)));
  const foreign = await page.context().newPage();
  await foreign.goto(`http://127.0.0.1:${other.address().port}/`);
  const attempts = await foreign.evaluate(async (target) => {
    const outcome = (promise) => promise.then((r) => `answered ${r.status}`, (e) => `blocked: ${e.name}`);
    return {
      read: await outcome(fetch(`${target}_site/files`)),
      put: await outcome(fetch(`${target}_site/file/docs/guide.mdx`, {
        method: "PUT", headers: { "x-mdx-base": "absent", "x-mdx-preview-token": "guess" }, body: "# overwritten",
      })),
      // A "simple" request needs no preflight: it reaches the server, which refuses it.
      post: await outcome(fetch(`${target}_site/file/docs/guide.mdx`, { method: "POST", mode: "no-cors", body: "# overwritten" })),
    };
  }, base);
  assert.deepEqual(attempts, { read: "blocked: TypeError", put: "blocked: TypeError", post: "answered 0" });
  assert.equal(disk(GUIDE), before);
});

test("screenshot of a real site open (tests/e2e/screenshot-site.png)", async (t) => {
  // A site with the Jest blog and docs beside the review post.
  const big = join(scratch, "screenshot-site");
  makeSite(big, { corpus: true });
  const bigServer = await serve({ dir: DIST, port: 0, host: "127.0.0.1", site: big });
  t.after(() => new Promise((resolve) => bigServer.close(resolve)));
  const { page, events } = await freshPage(browser, t, { viewport: { width: 1440, height: 860 } });
  await page.goto(`http://127.0.0.1:${bigServer.address().port}/?file=${encodeURIComponent(REVIEW)}`);
  await opened(page, REVIEW);
  const count = await page.$$eval("#file-list a[data-path]", (as) => as.length);
  assert.ok(count > 60, `files listed: ${count}`);
  // An unsaved edit, so the state shows it; then a section with a figure.
  await page.evaluate(() => {
    const { view } = window.mdxPreview;
    const end = view.state.doc.line(1).to;
    view.dispatch({ changes: { from: end, insert: " " }, userEvent: "input.type" });
  });
  await waitForState(page, "unsaved");
  await opened(page, REVIEW);
  await page.waitForFunction(
    () => [...document.querySelectorAll("#preview img")].every((img) => img.complete),
    null,
    WAIT,
  );
  await page.evaluate(() => {
    const figure = document.querySelector('#preview img[src*="blog_20251110_img1.png"]');
    figure.scrollIntoView({ block: "center" });
  });
  await page.waitForSelector("#toc a.active", WAIT);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: SCREENSHOT });
  assert.deepEqual(events.errors, []);
});
