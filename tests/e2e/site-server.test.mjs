// The preview server in site mode (www/site-server.mjs), over raw HTTP:
// what it lists, reads and serves, every way out of the site it refuses,
// what a write needs, how a write is done, and the change events it
// pushes. Requests go through node:http with the path exactly as written
// (a browser would normalize `..` away before sending).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import {
  mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../../www/serve.mjs";
import { sitePath, versionOf } from "../../www/site-server.mjs";
import { png } from "./support.mjs";

const DIST = fileURLToPath(new URL("../../www/dist/", import.meta.url));
const SECRET = "top secret, outside the site";
const POST = "blog/2025-11-11-review/index.mdx";

let scratch;
let site;
let server;
let port;
let token;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "mdx-preview-site-server-"));
  site = join(scratch, "site");
  const file = (path, contents) => {
    mkdirSync(join(site, path, ".."), { recursive: true });
    writeFileSync(join(site, path), contents);
  };
  file(POST, "import a from './asset/a.png';\n\n# Review\n\n<img src={a} />\n");
  file("blog/2025-11-11-review/asset/a.png", png(8, 8, [200, 40, 40]));
  file("docs/intro.md", "# Intro\n");
  file("static/img/logo.png", png(4, 4, [0, 0, 255]));
  file("static/img/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  file("docusaurus.config.js", "export default {};\n");
  file(".env", "TOKEN=hidden\n");
  file("node_modules/pkg/README.md", "# not the site's\n");
  file("build/blog/index.md", "# build output\n");
  writeFileSync(join(scratch, "outside.md"), SECRET);
  mkdirSync(join(scratch, "outside-dir"));
  writeFileSync(join(scratch, "outside-dir", "x.png"), SECRET);
  symlinkSync(join(scratch, "outside.md"), join(site, "blog", "link-out.md"));
  symlinkSync(join(scratch, "outside-dir"), join(site, "docs", "dir-out"));
  symlinkSync(join(site, "docs", "intro.md"), join(site, "docs", "link-in.md"));

  server = await serve({ dir: DIST, port: 0, host: "127.0.0.1", site });
  port = server.address().port;
  token = server.site.token;
});

after(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

/** One HTTP request with `path` sent as written; resolves to { status, headers, body }. */
function request(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: "127.0.0.1", port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** A write as the page makes it (token, Origin, base version), with `change` applied to the headers. */
function write(path, text, base, change = {}) {
  const headers = {
    origin: `http://127.0.0.1:${port}`,
    "sec-fetch-site": "same-origin",
    "x-mdx-preview-token": token,
    "x-mdx-base": base,
    "content-type": "text/plain; charset=utf-8",
    ...change,
  };
  for (const [name, value] of Object.entries(headers)) if (value === undefined) delete headers[name];
  return request("PUT", `/_site/file/${path}`, { headers, body: text });
}

const disk = (path) => readFileSync(join(site, path), "utf8");

test("sitePath refuses every way out of the site and decodes the rest", () => {
  assert.equal(sitePath("blog/a%20b/index.mdx"), "blog/a b/index.mdx");
  assert.equal(sitePath("static/img/x.png"), "static/img/x.png");
  for (const bad of [
    "", "..", "../etc/passwd", "blog/../../x", "%2e%2e/x", "%2E%2E%2Fx", "blog/%2e%2e/%2e%2e/x", "/etc/passwd",
    "%2Fetc%2Fpasswd", "blog//x", "./x", "blog/./x", ".env", ".git/config", "a%5C..%5Cb", "a\\b", "a%00b",
    "%E0%A4%A", "x%0a.md",
  ]) {
    assert.equal(sitePath(bad), null, `should refuse ${JSON.stringify(bad)}`);
  }
});

test("the list holds the site's documents and assets, not dependencies, build output or hidden files", async () => {
  const { status, body } = await request("GET", "/_site/files");
  assert.equal(status, 200);
  const { name, detect, documents, assets } = JSON.parse(body);
  assert.equal(name, "site");
  assert.equal(detect, false, "every file is MDX, as Docusaurus reads them by default");
  assert.deepEqual(documents.map((d) => d.path).sort(), [POST, "docs/intro.md", "docs/link-in.md"]);
  assert.deepEqual(assets.map((a) => a.path).sort(), [
    "blog/2025-11-11-review/asset/a.png", "static/img/logo.png", "static/img/logo.svg",
  ]);
  assert.ok(documents.every((d) => typeof d.mtime === "number" && d.size > 0));
});

test("documents are read with their version; assets with their content type, inert", async () => {
  const doc = await request("GET", `/_site/file/${POST}`);
  assert.equal(doc.status, 200);
  assert.equal(doc.headers["content-type"], "text/plain; charset=utf-8");
  assert.equal(doc.body.toString(), disk(POST));
  assert.equal(doc.headers["x-mdx-version"], versionOf(readFileSync(join(site, POST))));

  const image = await request("GET", "/_site/raw/blog/2025-11-11-review/asset/a.png");
  assert.equal(image.status, 200);
  assert.equal(image.headers["content-type"], "image/png");
  assert.equal(image.headers["x-content-type-options"], "nosniff");
  assert.match(image.headers["content-security-policy"], /sandbox/);
  assert.deepEqual(image.body.subarray(1, 4).toString(), "PNG");

  // /img/… is static/img/…, as Docusaurus serves it.
  const logo = await request("GET", "/img/logo.png");
  assert.equal(logo.status, 200);
  assert.equal(logo.headers["content-type"], "image/png");
  const svg = await request("GET", "/img/logo.svg");
  assert.equal(svg.headers["content-type"], "image/svg+xml");
  assert.match(svg.headers["content-security-policy"], /default-src 'none'.*sandbox/);

  // The page itself is still the page, told which site it is bound to.
  const page = await request("GET", "/?file=docs%2Fintro.md");
  assert.equal(page.status, 200);
  assert.match(page.body.toString(), /<meta name="mdx-preview-site" content="\{&quot;name&quot;:&quot;site&quot;/);
  assert.match(page.headers["content-security-policy"], /script-src 'self' 'wasm-unsafe-eval'/);
});

test("reads outside the site are refused: .., encoded .., absolute paths, symlinks out, hidden files", async () => {
  const attempts = [
    ["/_site/file/../../outside.md", [403, 404]],
    ["/_site/file/blog/../../outside.md", [403]],
    ["/_site/file/%2e%2e/outside.md", [403]],
    ["/_site/file/%2E%2E%2Foutside.md", [403]],
    ["/_site/file/blog%2F..%2F..%2Foutside.md", [403]],
    ["/_site/file/%252e%252e/outside.md", [404]], // a folder literally named %2e%2e: not there
    ["/_site/file//etc/passwd", [403]],
    ["/_site/file/%2Fetc%2Fpasswd", [403]],
    ["/_site/file/..%5C..%5Coutside.md", [403]],
    ["/_site/raw/..%2F..%2Foutside-dir%2Fx.png", [403]],
    ["/_site/file/blog/link-out.md", [403]],
    ["/_site/raw/docs/dir-out/x.png", [403]],
    ["/_site/raw/.env", [403]],
    ["/_site/file/docusaurus.config.js", [403]],
    ["/_site/raw/docusaurus.config.js", [403]],
    ["/../outside.md", [404]],
    ["/%2e%2e/%2e%2e/outside-dir/x.png", [404]],
    ["/img/..%2F..%2F..%2Foutside-dir%2Fx.png", [404]],
  ];
  for (const [path, statuses] of attempts) {
    const { status, body } = await request("GET", path);
    assert.ok(statuses.includes(status), `${path}: status ${status}, wanted ${statuses}`);
    assert.ok(!body.toString().includes(SECRET), `${path} leaked the file`);
  }
  // A symbolic link that stays inside the site is fine.
  assert.equal((await request("GET", "/_site/file/docs/link-in.md")).status, 200);
});

test("a request naming another host is refused, reads included (DNS rebinding)", async () => {
  for (const path of ["/_site/files", `/_site/file/${POST}`, "/"]) {
    const { status, body } = await request("GET", path, { headers: { host: `attacker.example:${port}` } });
    assert.equal(status, 421, path);
    assert.ok(!body.toString().includes("Review"));
  }
  const wrongPort = await request("GET", "/_site/files", { headers: { host: `127.0.0.1:${port + 1}` } });
  assert.equal(wrongPort.status, 421);
  assert.equal((await request("GET", "/_site/files", { headers: { host: `localhost:${port}` } })).status, 200);
});

test("a write needs the token, this origin and a same-origin fetch", async () => {
  const before = disk(POST);
  const version = versionOf(readFileSync(join(site, POST)));
  const attempts = [
    [{ "x-mdx-preview-token": undefined }, "no token"],
    [{ "x-mdx-preview-token": "0".repeat(token.length) }, "a wrong token"],
    [{ origin: undefined }, "no Origin"],
    [{ origin: "http://attacker.example" }, "another Origin"],
    [{ origin: `http://localhost:${port + 1}` }, "another port"],
    [{ "sec-fetch-site": "cross-site" }, "a cross-site fetch"],
    [{ "sec-fetch-site": "same-site" }, "a same-site fetch"],
  ];
  for (const [change, what] of attempts) {
    const { status } = await write(POST, "# overwritten\n", version, change);
    assert.equal(status, 403, `should refuse a write with ${what}`);
  }
  // Only .md/.mdx files, only inside the site.
  assert.equal((await write("docusaurus.config.js", "evil()", version)).status, 403);
  assert.equal((await write("static/img/logo.png", "x", version)).status, 403);
  assert.equal((await write("blog/link-out.md", "# overwritten\n", versionOf(SECRET))).status, 403);
  assert.equal((await write("%2e%2e/outside.md", "# overwritten\n", versionOf(SECRET))).status, 403);
  assert.equal((await write("docs/dir-out/new.md", "# new\n", "absent")).status, 403);
  assert.equal((await request("POST", `/_site/file/${POST}`, { body: "x" })).status, 405);
  assert.equal(disk(POST), before);
  assert.equal(readFileSync(join(scratch, "outside.md"), "utf8"), SECRET);
  assert.deepEqual(readdirSync(join(scratch, "outside-dir")), ["x.png"]);
});

test("a write replaces the file through a temporary file, only over the version it names", async () => {
  const path = "docs/intro.md";
  const first = versionOf(readFileSync(join(site, path)));
  const saved = await write(path, "# Intro\n\nSaved from the page.\n", first);
  assert.equal(saved.status, 200);
  const { version } = JSON.parse(saved.body);
  assert.equal(disk(path), "# Intro\n\nSaved from the page.\n");
  assert.equal(version, versionOf(readFileSync(join(site, path))));
  assert.deepEqual(readdirSync(join(site, "docs")).sort(), ["dir-out", "intro.md", "link-in.md"], "no temporary file left");

  // Changed on disk since: the write is refused with what is there now.
  writeFileSync(join(site, path), "# Intro\n\nChanged by another editor.\n");
  const stale = await write(path, "# Intro\n\nMine.\n", version);
  assert.equal(stale.status, 409);
  const conflict = JSON.parse(stale.body);
  assert.equal(conflict.text, "# Intro\n\nChanged by another editor.\n");
  assert.equal(disk(path), "# Intro\n\nChanged by another editor.\n");
  // Naming the version on disk (the writer chose to overwrite) goes through.
  assert.equal((await write(path, "# Intro\n\nMine.\n", conflict.version)).status, 200);
  assert.equal(disk(path), "# Intro\n\nMine.\n");

  // Deleted on disk: refused unless the write says it expects no file.
  unlinkSync(join(site, path));
  const gone = await write(path, "# Intro again\n", versionOf("# Intro\n\nMine.\n"));
  assert.equal(gone.status, 409);
  assert.equal(JSON.parse(gone.body).text, null);
  assert.equal((await write(path, "# Intro again\n", "absent")).status, 200);
  assert.equal(disk(path), "# Intro again\n");
  // Through a symbolic link inside the site, the link stays a link.
  const link = await write("docs/link-in.md", "# Through the link\n", versionOf("# Intro again\n"));
  assert.equal(link.status, 200);
  assert.equal(disk(path), "# Through the link\n");
});

/** Read Server-Sent Events from the site until `until(events)` holds. */
function collectEvents(until, timeout = 10_000) {
  return new Promise((resolve, reject) => {
    const events = [];
    const outgoing = httpRequest({ host: "127.0.0.1", port, path: "/_site/events", headers: { host: `127.0.0.1:${port}` } });
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new Error(`events so far: ${JSON.stringify(events)}`));
    }, timeout);
    outgoing.on("response", (response) => {
      assert.equal(response.headers["content-type"], "text/event-stream; charset=utf-8");
      let buffer = "";
      response.on("data", (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const data = buffer.slice(0, end).split("\n").find((line) => line.startsWith("data: "));
          buffer = buffer.slice(end + 2);
          if (data) events.push({ at: performance.now(), ...JSON.parse(data.slice(6)) });
        }
        if (until(events)) {
          clearTimeout(timer);
          outgoing.destroy();
          resolve(events);
        }
      });
    });
    outgoing.on("error", () => {});
    outgoing.end();
  });
}

test("changes made on disk are pushed as events", async () => {
  const path = "blog/2025-11-12-next/index.md";
  const seen = collectEvents((events) => events.some((e) => e.type === "removed" && e.path === path));
  await new Promise((resolve) => setTimeout(resolve, 200)); // the stream is open
  const started = performance.now();
  mkdirSync(join(site, "blog", "2025-11-12-next"));
  writeFileSync(join(site, path), "# Next\n");
  await new Promise((resolve) => setTimeout(resolve, 300));
  const changed = performance.now();
  writeFileSync(join(site, path), "# Next, edited\n");
  await new Promise((resolve) => setTimeout(resolve, 300));
  writeFileSync(join(site, "static", "img", "new.png"), png(2, 2, [0, 0, 0]));
  await new Promise((resolve) => setTimeout(resolve, 300));
  unlinkSync(join(site, path));
  const events = await seen;
  const of = (type) => events.find((e) => e.path === path && e.type === type);
  assert.ok(of("added"), JSON.stringify(events));
  assert.equal(of("changed").version, versionOf("# Next, edited\n"));
  assert.ok(events.some((e) => e.type === "added" && e.path === "static/img/new.png" && e.kind === "asset"));
  const latency = of("changed").at - changed;
  // Printed, not asserted (nothing here is timed): the issue asks for under a second.
  console.log(`# site events: a new folder's file after ${Math.round(of("added").at - started)} ms, a change after ${Math.round(latency)} ms`);
  const list = JSON.parse((await request("GET", "/_site/files")).body);
  assert.ok(!list.documents.some((d) => d.path === path));
  assert.ok(list.assets.some((a) => a.path === "static/img/new.png"));
});

test("without a site the server has no site endpoints (the page works as before)", async () => {
  const plain = await serve({ dir: DIST, port: 0, host: "127.0.0.1" });
  try {
    const response = await fetch(`http://127.0.0.1:${plain.address().port}/_site/files`);
    assert.equal(response.status, 404);
    const page = await (await fetch(`http://127.0.0.1:${plain.address().port}/`)).text();
    assert.ok(!page.includes("mdx-preview-site"));
  } finally {
    await new Promise((resolve) => plain.close(resolve));
  }
});

test("a site whose config says format: 'detect' has its .md files read as Markdown", async () => {
  const detecting = join(scratch, "detecting");
  mkdirSync(join(detecting, "docs"), { recursive: true });
  writeFileSync(join(detecting, "docusaurus.config.ts"), "export default { markdown: { format: \"detect\" } };\n");
  writeFileSync(join(detecting, "docs", "a.md"), "# A\n");
  const other = await serve({ dir: DIST, port: 0, host: "127.0.0.1", site: detecting });
  try {
    const list = await (await fetch(`http://127.0.0.1:${other.address().port}/_site/files`)).json();
    assert.equal(list.detect, true);
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});
