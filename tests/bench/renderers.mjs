// The renderers `make bench` compares, each loaded on demand so a cold-start
// child process loads only the one it measures.
//
// `load()` resolves to `render(text, doc)`, which returns the HTML (or, for
// markdown-rs alone, a number) and may return a promise (@mdx-js/mdx).
// `doc.format` is "mdx" or "md"; markdown-only peers get MDX documents as
// they are and read their JSX as raw HTML (and `import` lines as text).

import { createRequire, register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const require = createRequire(join(here, "package.json"));

/** Where our renderer resolves `import x from './asset/x.png'`. */
export const BASE_URL = "https://example.com/blog/";

/** Our options for a document: its format, and image URLs resolved. */
const ours = (doc) => ({ format: doc.format, baseUrl: BASE_URL });

/** The bench build (`--features bench`), CommonJS from wasm-pack's nodejs target. */
function benchPackage() {
  return createRequire(import.meta.url)(join(root, "target/bench-pkg/mdx_preview.js"));
}

export const RENDERERS = [
  {
    id: "ours",
    label: "mdx-preview render (pkg/)",
    note: "our npm package as shipped (make pkg), full render: HTML, TOC, diagnostics, sanitized",
    mdx: true,
    ours: true,
    async load() {
      const pkg = await import(pathToFileURL(join(root, "pkg/node.mjs")).href);
      return (text, doc) => pkg.render(text, ours(doc)).html;
    },
  },
  {
    id: "ours-bench",
    label: "mdx-preview render (bench build)",
    note: "the same render from target/bench-pkg (nodejs target, --features bench)",
    mdx: true,
    ours: true,
    async load() {
      const pkg = benchPackage();
      return (text, doc) => pkg.render(text, ours(doc)).html;
    },
  },
  {
    id: "markdown-rs",
    label: "markdown-rs to_mdast alone (bench build)",
    note: "markdown::to_mdast with our parse options, whole document, nothing else (bench build)",
    mdx: true,
    ours: false,
    async load() {
      const pkg = benchPackage();
      return (text, doc) => pkg.parseOnly(text, doc.format);
    },
  },
  {
    id: "mdx-js",
    label: "@mdx-js/mdx evaluate + renderToStaticMarkup",
    note: "@mdx-js/mdx 3 evaluate (with remark-gfm, as Docusaurus) + react-dom/server renderToStaticMarkup; nothing sanitized",
    mdx: true,
    ours: false,
    async load() {
      // Image imports resolve to their URL, as a bundler would do.
      register(pathToFileURL(join(here, "asset-hooks.mjs")).href);
      const [{ evaluate }, runtime, { createElement }, { renderToStaticMarkup }, gfm] = await Promise.all([
        import(pathToFileURL(require.resolve("@mdx-js/mdx")).href),
        import(pathToFileURL(require.resolve("react/jsx-runtime")).href),
        import(pathToFileURL(require.resolve("react")).href),
        import(pathToFileURL(require.resolve("react-dom/server")).href),
        import(pathToFileURL(require.resolve("remark-gfm")).href),
      ]);
      const baseUrl = "file:///bench-assets/";
      return async (text, doc) => {
        const mod = await evaluate(text, {
          ...runtime,
          baseUrl,
          format: doc.format,
          remarkPlugins: [gfm.default],
        });
        return renderToStaticMarkup(createElement(mod.default));
      };
    },
  },
  {
    id: "marked",
    label: "marked + DOMPurify (jsdom)",
    note: "marked (GFM on) then DOMPurify.sanitize on a jsdom window; JSX read as HTML",
    mdx: false,
    ours: false,
    async load() {
      const { marked } = require("marked");
      const createDOMPurify = require("dompurify");
      const { JSDOM } = require("jsdom");
      const purify = createDOMPurify(new JSDOM("").window);
      return (text) => purify.sanitize(marked.parse(text));
    },
  },
  {
    id: "markdown-it",
    label: "markdown-it",
    note: "markdown-it defaults (html: false, so raw HTML/JSX is escaped and nothing needs sanitizing)",
    mdx: false,
    ours: false,
    async load() {
      const MarkdownIt = require("markdown-it");
      const md = new MarkdownIt();
      return (text) => md.render(text);
    },
  },
  {
    id: "markdown-wasm",
    label: "markdown-wasm",
    note: "markdown-wasm (md4c in wasm) defaults; raw HTML/JSX passed through unsanitized",
    mdx: false,
    ours: false,
    async load() {
      const md = require("markdown-wasm");
      await md.ready;
      return (text) => md.parse(text);
    },
  },
];

export const byId = (id) => RENDERERS.find((r) => r.id === id);
