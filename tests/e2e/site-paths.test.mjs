// How the page resolves a post's images in a site (www/src/site-paths.js)
// and orders its file list; plain functions, run in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assetReferences } from "../../www/src/assets.js";
import {
  assetUrl, isSitePath, labelOf, matchesQuery, orderDocuments, resolveSitePath, siteAssets,
} from "../../www/src/site-paths.js";

const POST = "blog/2025-11-11-review/index.mdx";

test("specifiers resolve as Docusaurus resolves them", () => {
  const cases = [
    ["./asset/a.png", "blog/2025-11-11-review/asset/a.png"],
    ["asset/a.png", "blog/2025-11-11-review/asset/a.png"],
    ["../shared/b.png", "blog/shared/b.png"],
    ["./asset/a.png?raw#x", "blog/2025-11-11-review/asset/a.png"],
    ["./my%20chart.png", "blog/2025-11-11-review/my chart.png"],
    ["@site/static/img/logo.png", "static/img/logo.png"],
    ["@site/src/data/x.png", "src/data/x.png"],
    ["/img/logo.png", "static/img/logo.png"],
    ["https://example.com/a.png", null],
    ["data:image/png;base64,AAAA", null],
    ["//cdn.example/a.png", null],
    ["../../../etc/passwd", null],
    ["@site/../x.png", null],
  ];
  for (const [specifier, expected] of cases) {
    assert.equal(resolveSitePath(POST, specifier), expected, specifier);
  }
  assert.equal(resolveSitePath("intro.md", "./a.png"), "a.png", "a document at the root");
});

test("references are found with their kind, outside code only", () => {
  const source = [
    "import a from './asset/a.png';",
    "import logo from '@site/static/img/logo.png';",
    "",
    "![chart](./asset/chart.png) and ![remote](https://example.com/r.png)",
    "",
    "<img src={require('./asset/req.png').default} /> <img src=\"/img/static.png\" />",
    "",
    "```js",
    "import b from './in-code.png';",
    "```",
    "",
    "Inline `![x](./inline.png)` code.",
  ].join("\n");
  assert.deepEqual(assetReferences(source), [
    { specifier: "./asset/a.png", kind: "import" },
    { specifier: "@site/static/img/logo.png", kind: "import" },
    { specifier: "./asset/chart.png", kind: "image" },
    { specifier: "./asset/req.png", kind: "require" },
    { specifier: "/img/static.png", kind: "src" },
  ]);
});

test("siteAssets maps the files that exist and lists the missing ones", () => {
  const files = new Map([
    ["blog/2025-11-11-review/asset/a.png", 1000.4],
    ["static/img/logo.png", 2000],
  ]);
  const source = [
    "import a from './asset/a.png';",
    "import gone from './asset/gone.png';",
    "import logo from '@site/static/img/logo.png';",
    "import Tabs from '@theme/Tabs'; import Chart from '@site/src/components/Chart';",
    "![missing](./asset/missing.png) ![static](/img/nope.png) <img src=\"./relative.png\" />",
  ].join("\n");
  const { assets, missing, paths } = siteAssets(POST, source, files);
  assert.deepEqual(assets, {
    "./asset/a.png": "/_site/raw/blog/2025-11-11-review/asset/a.png?v=1000",
    "@site/static/img/logo.png": "/_site/raw/static/img/logo.png?v=2000",
  });
  assert.deepEqual(missing, [
    { specifier: "./asset/gone.png", path: "blog/2025-11-11-review/asset/gone.png" },
    { specifier: "./asset/missing.png", path: "blog/2025-11-11-review/asset/missing.png" },
    { specifier: "/img/nope.png", path: "static/img/nope.png" },
  ]);
  assert.equal(paths.size, 5);
  assert.equal(assetUrl("blog/a b/c#d.png"), "/_site/raw/blog/a%20b/c%23d.png");
});

test("the file list: blog newest first, then docs, then the rest; searched by words", () => {
  const ordered = orderDocuments([
    "src/pages/index.md", "docs/b.md", "blog/2024-01-01-old.md", "docs/a/intro.mdx",
    "blog/2025-11-11-review/index.mdx", "README.md",
  ]);
  assert.deepEqual(ordered, [
    "blog/2025-11-11-review/index.mdx", "blog/2024-01-01-old.md", "docs/a/intro.mdx", "docs/b.md",
    "README.md", "src/pages/index.md",
  ]);
  assert.ok(matchesQuery("blog/2025-11-11-review/index.mdx", "REVIEW 2025"));
  assert.ok(!matchesQuery("blog/2025-11-11-review/index.mdx", "review docs"));
  assert.deepEqual(labelOf("blog/2025-11-11-review/index.mdx"), { title: "2025-11-11-review", where: "blog" });
  assert.deepEqual(labelOf("docs/guides/setup.md"), { title: "setup", where: "docs/guides" });
});

test("isSitePath accepts plain relative paths only", () => {
  assert.ok(isSitePath("blog/a b/index.mdx"));
  for (const bad of ["", "/etc/passwd", "../x", "blog/../x", "./x", ".git/config", "a//b", "a\\b", "a\u0000b"]) {
    assert.ok(!isSitePath(bad), JSON.stringify(bad));
  }
});
