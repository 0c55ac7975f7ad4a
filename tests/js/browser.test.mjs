// The built package in a real browser (headless Chromium from Debian, driven
// by playwright-core), loaded two ways a web developer would load it:
//   * /plain/: a page with a plain <script type="module"> importing pkg/'s
//     web glue, no bundler (tests/js/pages/);
//   * /vite/: the production build of a scratch Vite app that depends on the
//     packed tarball (tests/js/vite/, built by `make test-js` into
//     target/vite-consumer/dist).
// Both run tests/js/pages/checks.mjs and publish its result on
// window.__result. /plain/contain.html runs tests/js/pages/contain.mjs on
// the panic-trigger build (target/trigger-pkg): a Preview in a real DOM
// through a panic. Run from the repository root after `make test-js`.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";

const root = new URL("../../", import.meta.url).pathname;
const seedPath = join(root, "tests/fixtures/seed/review-2025-11-11/input.mdx");
const seed = await readFile(seedPath, "utf8");
const expectedToc = JSON.parse(
  await readFile(join(root, "tests/fixtures/seed/review-2025-11-11/toc.json"), "utf8"),
);
const mounts = {
  "/pkg/": join(root, "pkg"),
  "/vite/": join(root, "target/vite-consumer/dist"),
  "/plain/": join(root, "tests/js/pages"),
  // The panic-trigger build (make trigger-pkg), for the containment page.
  "/trigger-pkg/": join(root, "target/trigger-pkg"),
};
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".mdx": "text/plain; charset=utf-8",
};

/** The file a request path names, or null. */
function mounted(path) {
  const mount = Object.entries(mounts).find(([prefix]) => path.startsWith(prefix));
  if (!mount) return null;
  const rest = normalize(path.slice(mount[0].length));
  if (rest.startsWith("..")) return null;
  return join(mount[1], rest === "." || rest.endsWith("/") ? join(rest, "index.html") : rest);
}

let server;
let browser;
let base;
let profile;

before(async () => {
  server = http.createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = path === "/seed.mdx" ? seedPath : mounted(path);
    try {
      if (!file) throw new Error("not mounted");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  profile = mkdtempSync(join(tmpdir(), "mdx-preview-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function resultOf(path) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
  page.on("response", (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(base + path);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60_000 });
  const result = await page.evaluate(() => window.__result);
  await page.close();
  assert.deepEqual(errors, [], `errors while loading ${path}`);
  assert.equal(result.failed, undefined, result.failed);
  return result;
}

function checkResult(result) {
  assert.deepEqual(result.keys, ["diagnostics", "frontmatter", "html", "title", "toc"]);
  assert.equal(result.title, "2025-11-11 papers review");
  assert.equal(result.h2, 12, "all 12 numbered sections");
  assert.deepEqual(result.toc, expectedToc, "the seed's table of contents (fixture toc.json)");
  assert.deepEqual(
    result.undefinedNames.map(([, , suggestion]) => suggestion),
    [0, 1, 2, 3].map((n) => `blog_20251110_img${n}`),
  );
  assert.deepEqual(
    result.undefinedSlices,
    [0, 1, 2, 3].map((n) => `blog_20251111_img${n}`),
    "offsets index the JavaScript string",
  );
  assert.deepEqual(result.blocks, [3, 3]);
  assert.equal(result.headingKept, true, "unchanged heading keeps its DOM node");
  assert.equal(result.lastKept, true, "unchanged paragraph keeps its DOM node");
  assert.equal(result.editedReplaced, true, "edited paragraph is a new node");
  assert.equal(result.editedText, "first paragraph, edited");
  assert.equal(result.optionError?.isError, true);
  assert.match(result.optionError.message, /toc\.minLevel/);
  assert.deepEqual(result.sourceError, {
    isTypeError: true,
    message: "render: `source` must be a string, got a number (123)",
  });
  assert.equal(
    result.panicked.html,
    '<h1 data-line="1" id="user-content-a">A</h1>\n<pre class="mdx-error" data-line="3">=\n=\n=\na\n=</pre>\n<p data-line="9">B <em>b</em></p>\n',
  );
  assert.deepEqual(result.panicked.diagnostics, [["internal-error", 3]]);
  assert.equal(result.panicked.after, '<p data-line="1"><em>fine</em></p>\n');
}

test("a plain <script type=module> page, no bundler", async () => {
  checkResult(await resultOf("/plain/"));
});

test("a Vite production build of a consumer app", async () => {
  checkResult(await resultOf("/vite/"));
});

test("a panic in a Preview costs only its block, and the Preview keeps working (panic-trigger build)", async () => {
  const result = await resultOf("/plain/contain.html");
  assert.deepEqual(result.first, ["H1", "P", "P"]);
  assert.deepEqual(result.panicked.tags, ["H1", "P", "PRE", "P"]);
  assert.equal(result.panicked.pre, "MDX_PREVIEW_PANIC_TRIGGER here");
  assert.deepEqual(result.panicked.diagnostics, [["internal-error", 5]]);
  assert.equal(result.panicked.sameAsRender, true, "the element shows what render() gives");
  assert.deepEqual(result.edited.tags, ["H1", "P", "PRE", "P"]);
  assert.equal(result.edited.text, "first, edited");
  assert.equal(result.edited.kept, true, "an incremental update again: unchanged blocks keep their nodes");
  assert.deepEqual(result.removed.tags, ["H1", "P", "P"]);
  assert.deepEqual(result.removed.diagnostics, []);
  assert.deepEqual(result.renderer, [["internal-error", 1]]);
});
