// The reference: a document as a Docusaurus 3 site would render it,
// emulated with @mdx-js/mdx 3 and react-dom.
//
// What is Docusaurus's own (its mdx-loader, read from its source) is
// reproduced here in small pieces written for this test:
//
// - the string pre-processing before MDX: front matter taken out,
//   ```` ```mdx-code-block ```` fences unwrapped, `{#id}` heading ids
//   escaped, `:::note Title` turned into `:::note[Title]`;
// - the remark plugins it adds: remark-directive and its admonitions,
//   heading ids (legacy `{#id}`, MDX comment `{/* #id */}`, else
//   github-slugger), the `toc` export, remark-gfm, HTML comments
//   (@slorber/remark-comment, the package Docusaurus uses), unused text
//   directives given back as text, code meta passed on as `metastring`;
// - `.md` files in the `md` format get rehype-raw, as Docusaurus does.
//
// Docusaurus's theme (Admonition, CodeBlock, Tabs, TabItem, Details,
// TOCInline) is emulated with React components that render the markup
// mdx-preview uses for the same things (its class vocabulary), so that the
// comparison is about what the writer wrote, not about theme internals.
// Imports are not loaded: `@theme/…` gives those components, an asset
// gives its specifier as URL (mdx-preview is given the same in `assets`),
// and any other module a component that shows its children in a
// `.mdx-component` container (what mdx-preview does for components it does
// not know). `require('./x.png').default` gives the specifier too.

import { compile, evaluate } from "@mdx-js/mdx";
import remarkComment from "@slorber/remark-comment";
import { parse as parseJs } from "acorn";
import GithubSlugger from "github-slugger";
import { toString } from "mdast-util-to-string";
import { Children, createElement, Fragment, isValidElement } from "react";
import * as runtime from "react/jsx-runtime";
import { renderToStaticMarkup } from "react-dom/server";
import rehypeRaw from "rehype-raw";
import remarkDirective from "remark-directive";
import remarkGfm from "remark-gfm";
import { visit } from "unist-util-visit";

/** Docusaurus's admonition keywords. */
export const ADMONITIONS = [
  "secondary",
  "info",
  "success",
  "danger",
  "note",
  "tip",
  "warning",
  "important",
  "caution",
];

/** File extensions an import or `require()` of which gives a URL. */
const ASSET = /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp|mp4|webm|mp3|wav|ogg|pdf|zip)([?#].*)?$/i;

// ---------------------------------------------------------------------------
// String pre-processing (Docusaurus's loader does these before MDX).

/** The document without its YAML front matter (gray-matter's rule: a first
 * line `---`, closed by a line `---`). */
export function stripFrontMatter(source) {
  const match = /^---[ \t]*\r?\n(?:[\s\S]*?\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(source);
  return match ? source.slice(match[0].length) : source;
}

/** ```` ```mdx-code-block ```` (three or four backticks at the start of a
 * line, closed by the first line that is the same backticks alone) is
 * replaced by its content, in both formats. */
export function unwrapMdxCodeBlocks(source) {
  let out = source;
  for (const ticks of ["```", "````"]) {
    const fence = new RegExp(
      `(^|\\n)${ticks} *mdx-code-block\\n([\\s\\S]*?)\\n${ticks}(\\n|$)`,
      "g",
    );
    out = out.replace(fence, (_, begin, content, end) => `${begin}${content}${end}`);
  }
  return out;
}

/** `{#id}` in an ATX heading line is escaped (`\{#id}`) so that MDX reads
 * it as text; the heading plugin takes it out again. */
export function escapeHeadingIds(source) {
  return source.replace(/(^|\n)#{1,6}(?!#).*/g, (line) =>
    line.includes("\\{#") ? line : line.replace("{#", "\\{#"),
  );
}

/** The legacy `:::note Title` becomes `:::note[Title]` (every line,
 * code included, as Docusaurus does it). */
export function admonitionTitles(source) {
  const line = new RegExp(
    `^((?:> ?)*)( +|\\t+)?(:{3,}(?:${ADMONITIONS.join("|")})) +(.*)$`,
    "gm",
  );
  return source.replace(line, (_, quote, indent, fence, title) =>
    `${quote}${indent ?? ""}${fence}[${title}]`,
  );
}

/** What the loader gives MDX. */
export function preprocess(source) {
  return admonitionTitles(escapeHeadingIds(unwrapMdxCodeBlocks(stripFrontMatter(source))));
}

// ---------------------------------------------------------------------------
// Remark plugins.

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A heading's TOC value: its content as HTML, `code`, `em`, `strong` and
 * `del` kept, everything else unwrapped (links) or left out (JSX tags keep
 * their text). */
function tocValue(node) {
  switch (node.type) {
    case "text":
      return escapeHtml(node.value);
    case "inlineCode":
      return `<code>${escapeHtml(node.value)}</code>`;
    case "emphasis":
    case "strong":
    case "delete": {
      const tag = { emphasis: "em", strong: "strong", delete: "del" }[node.type];
      return `<${tag}>${node.children.map(tocValue).join("")}</${tag}>`;
    }
    case "image":
      return escapeHtml(node.alt ?? "");
    case "html":
    case "mdxTextExpression":
    case "mdxFlowExpression":
      return "";
    default:
      return node.children ? node.children.map(tocValue).join("") : "";
  }
}

/** The id an MDX comment (`{/* #id * /}`) or, in Markdown, an HTML comment
 * (`<!-- #id -->`) at the end of a heading gives: its first word, if it
 * starts with `#`. */
function commentId(heading) {
  const last = heading.children.at(-1);
  let comment;
  if (last?.type === "mdxTextExpression" && last.data?.estree) {
    const program = last.data.estree;
    if (program.body.length === 0 && program.comments?.length === 1) {
      comment = program.comments[0].value;
    }
  } else if (last?.type === "html") {
    comment = /^<!--([\s\S]*)-->$/.exec(last.value)?.[1];
  }
  const word = comment?.trim().split(" ")[0];
  if (!word?.startsWith("#") || word.length === 1) return undefined;
  heading.children.pop();
  const before = heading.children.at(-1);
  if (before?.type === "text") before.value = before.value.trimEnd();
  return word.slice(1);
}

/** `{#id}` at the end of the heading's text (escaped by the loader). */
function legacyId(heading, text) {
  const pattern = /\s*\{#((?:.(?!\{#|\}))*.)\}$/;
  const match = pattern.exec(text);
  if (!match) return undefined;
  const last = heading.children.at(-1);
  if (last?.type === "text") {
    const rest = last.value.replace(pattern, "");
    if (rest || heading.children.length === 1) last.value = rest;
    else heading.children.pop();
  }
  return match[1].trim();
}

/** Docusaurus's heading ids, then its `toc` export (every heading of level
 * 2 and more with some text, in order: `{value, id, level}`). */
function remarkHeadingsAndToc() {
  return (tree) => {
    const slugger = new GithubSlugger();
    const toc = [];
    visit(tree, "heading", (heading) => {
      const text = toString(heading.children.filter((c) => c.type !== "html"));
      const id = commentId(heading) ?? legacyId(heading, text) ?? slugger.slug(text);
      heading.data = { ...heading.data, hProperties: { ...heading.data?.hProperties, id } };
      if (heading.depth >= 2 && toString(heading)) {
        toc.push({ value: tocValue(heading), id, level: heading.depth });
      }
    });
    const exists = tree.children.some(
      (child) => child.type === "mdxjsEsm" && /^export\s+const\s+toc\b/.test(child.value),
    );
    if (exists) return;
    const program = parseJs(`export const toc = ${JSON.stringify(toc)};`, {
      ecmaVersion: "latest",
      sourceType: "module",
    });
    const lastImport = tree.children.findLastIndex(
      (child) => child.type === "mdxjsEsm" && child.value.startsWith("import"),
    );
    tree.children.splice(lastImport + 1, 0, {
      type: "mdxjsEsm",
      value: "",
      data: { estree: program },
    });
  };
}

/** Docusaurus's admonitions: a container directive named after a type
 * becomes the theme's Admonition (emulated in mdx-preview's markup). The
 * directive's label is the title; attributes are not used. */
function remarkAdmonitions() {
  return (tree) => {
    visit(tree, "containerDirective", (node) => {
      if (!ADMONITIONS.includes(node.name)) return;
      const first = node.children[0];
      const label = first?.data?.directiveLabel ? node.children.shift().children : [];
      const title = label.length > 0 ? label : [{ type: "text", value: node.name }];
      const content = node.children;
      node.data = {
        hName: "aside",
        hProperties: { className: ["admonition", `admonition-${node.name}`] },
      };
      node.children = [
        {
          type: "paragraph",
          data: { hProperties: { className: ["admonition-title"] } },
          children: title,
        },
        {
          type: "admonitionContent",
          data: { hName: "div", hProperties: { className: ["admonition-content"] } },
          children: content,
        },
      ];
    });
  };
}

/** Directives nothing used: a bare `:name` is text again (others stay, as
 * in Docusaurus, which warns about them). */
function remarkUnusedDirectives() {
  return (tree) => {
    visit(tree, "textDirective", (node, index, parent) => {
      if (node.data) return;
      const bare = node.children.length === 0 && Object.keys(node.attributes ?? {}).length === 0;
      if (bare && parent && index !== undefined) {
        parent.children[index] = { type: "text", value: `:${node.name}` };
      }
    });
  };
}

/** Code meta passed to the code component (Docusaurus's MDX 1 compat). */
function remarkCodeMeta() {
  return (tree) => {
    visit(tree, "code", (node) => {
      if (!node.meta) return;
      node.data = {
        ...node.data,
        hProperties: { ...node.data?.hProperties, metastring: node.meta },
      };
    });
  };
}

/** Imports are not loaded: each becomes a constant from `__reference`
 * (theme components, asset URLs, stub components). */
function remarkStubImports() {
  return (tree) => {
    for (const child of tree.children) {
      const program = child.type === "mdxjsEsm" ? child.data?.estree : undefined;
      if (!program) continue;
      program.body = program.body.map((statement) => {
        const source = statement.source?.value;
        const load = (name) =>
          `globalThis.__reference.load(${JSON.stringify(source)}, ${JSON.stringify(name)})`;
        const nameOf = (node) => node.name ?? node.value;
        let code;
        if (statement.type === "ImportDeclaration") {
          const bindings = statement.specifiers.map((specifier) => {
            const imported =
              specifier.type === "ImportDefaultSpecifier"
                ? "default"
                : specifier.type === "ImportNamespaceSpecifier"
                  ? "*"
                  : nameOf(specifier.imported);
            return `${specifier.local.name} = ${load(imported)}`;
          });
          code = bindings.length > 0 ? `const ${bindings.join(", ")};` : ";";
        } else if (statement.type === "ExportNamedDeclaration" && source) {
          // `export {a as b} from 'x'`: a constant, exported under its name.
          code = statement.specifiers
            .map((specifier, index) => {
              const local = `__reexport${index}`;
              const exported = nameOf(specifier.exported);
              const binding = `const ${local} = ${load(nameOf(specifier.local))};`;
              // A default export is the layout (MDX reads it as such).
              return exported === "default"
                ? `${binding} export default ${local};`
                : `${binding} export {${local} as ${exported}};`;
            })
            .join("\n");
        } else if (statement.type === "ExportAllDeclaration") {
          code = ";";
        } else {
          return [statement];
        }
        return parseJs(code, { ecmaVersion: "latest", sourceType: "module" }).body;
      }).flat();
    }
  };
}

// ---------------------------------------------------------------------------
// The theme, in mdx-preview's markup.

const h = createElement;

/** A component the reference does not know: its children in a container. */
function Unknown({ children }) {
  return h("div", { className: "mdx-component" }, children);
}

function text(node) {
  if (node === null || node === undefined || typeof node === "boolean") return "";
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(text).join("");
  if (isValidElement(node)) return text(node.props.children);
  return "";
}

/** Docusaurus's code meta: `title="…"`, `{1,3-4}`, `showLineNumbers[=N]`. */
export function codeMeta(meta = "") {
  const title = /title=(["'])(.*?)\1/.exec(meta)?.[2];
  const ranges = /\{([\d,-]+)\}/.exec(meta)?.[1];
  const highlighted = new Set();
  for (const part of ranges?.split(",") ?? []) {
    const [a, b = a] = part.split("-").map(Number);
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    for (let line = Math.min(a, b); line <= Math.max(a, b) && line < 10000; line++) {
      highlighted.add(line);
    }
  }
  const numbers = /\bshowLineNumbers(?:=(\d+))?\b/.exec(meta);
  return {
    title,
    highlighted,
    lineNumbers: numbers ? Number(numbers[1] ?? 1) : undefined,
  };
}

/** A fenced code block (Docusaurus's CodeBlock). */
function Pre(props) {
  const code = props.children;
  if (!isValidElement(code)) return h("pre", props);
  const { className, metastring, children } = code.props;
  const value = text(children);
  const meta = codeMeta(metastring);
  const plain = !meta.title && meta.highlighted.size === 0 && meta.lineNumbers === undefined;
  if (plain) return h("pre", null, h("code", { className }, value));
  const lines = value.replace(/\n$/, "").split("\n");
  const spans = lines.map((line, index) =>
    h(
      "span",
      {
        key: index,
        className: meta.highlighted.has(index + 1) ? "code-line code-line-highlighted" : "code-line",
      },
      `${line}\n`,
    ),
  );
  const style =
    meta.lineNumbers !== undefined && meta.lineNumbers !== 1
      ? { counterReset: `line ${meta.lineNumbers - 1}` }
      : undefined;
  return h(
    "div",
    { className: "code-block" },
    meta.title ? h("div", { className: "code-block-title" }, meta.title) : null,
    h(
      "pre",
      { className: meta.lineNumbers !== undefined ? "code-line-numbers" : undefined },
      h("code", { className, style }, spans),
    ),
  );
}

function Admonition({ type = "note", title, children }) {
  const kind = ADMONITIONS.includes(type) ? type : "note";
  return h(
    "aside",
    { className: `admonition admonition-${kind}` },
    h("p", { className: "admonition-title" }, title || kind),
    h("div", { className: "admonition-content" }, children),
  );
}

function TabItem({ children }) {
  return h("div", { role: "tabpanel", className: "tab-panel" }, children);
}

function Tabs({ children, values, defaultValue }) {
  const items = Children.toArray(children).filter(
    (child) => isValidElement(child) && child.type === TabItem,
  );
  const tabs = items.map((item, index) => {
    const value = item.props.value ?? String(index);
    const fromValues = values?.find((entry) => entry.value === value)?.label;
    return {
      value,
      label: fromValues ?? item.props.label ?? value,
      default: item.props.default === true,
      content: item.props.children,
    };
  });
  let selected = tabs.findIndex((tab) => tab.value === defaultValue);
  if (selected < 0) selected = tabs.findIndex((tab) => tab.default);
  if (selected < 0) selected = 0;
  return h(
    "div",
    { className: "tabs-container" },
    h(
      "ul",
      { role: "tablist", className: "tabs" },
      tabs.map((tab, index) =>
        h(
          "li",
          {
            key: index,
            role: "tab",
            className: index === selected ? "tabs-item tabs-item-active" : "tabs-item",
            "aria-selected": index === selected ? "true" : "false",
          },
          tab.label,
        ),
      ),
    ),
    h(
      "div",
      { className: "tabs-panels" },
      tabs.map((tab, index) =>
        h(
          "div",
          { key: index, role: "tabpanel", className: "tab-panel", hidden: index !== selected },
          tab.content,
        ),
      ),
    ),
  );
}

function Details({ summary, children }) {
  const all = Children.toArray(children);
  const hasSummary = all.some((child) => isValidElement(child) && child.type === "summary");
  return h(
    "details",
    { className: "details" },
    hasSummary ? null : h("summary", null, summary ?? "Details"),
    children,
  );
}

/** TOCInline: the `toc` it is given, filtered to the levels and nested
 * (Docusaurus's filterTOC and treeifyTOC). */
function TOCInline({ toc = [], minHeadingLevel = 2, maxHeadingLevel = 3 }) {
  const nodes = toc.map((item) => ({ ...item, children: [] }));
  const roots = [];
  const lastOfLevel = Array(7).fill(-1);
  nodes.forEach((node, index) => {
    const parent = Math.max(...lastOfLevel.slice(2, node.level));
    lastOfLevel[node.level] = index;
    (parent >= 0 ? nodes[parent].children : roots).push(node);
  });
  const filter = (items) =>
    items.flatMap((item) => {
      const children = filter(item.children);
      const inside = item.level >= minHeadingLevel && item.level <= maxHeadingLevel;
      return inside ? [{ ...item, children }] : children;
    });
  const tree = (items) =>
    items.length === 0
      ? null
      : h(
          "ul",
          null,
          items.map((item) =>
            h(
              "li",
              { key: item.id },
              h("a", { href: `#${item.id}`, dangerouslySetInnerHTML: { __html: item.value } }),
              tree(item.children),
            ),
          ),
        );
  return h("div", { className: "toc-inline" }, tree(filter(roots)));
}

const THEME = {
  "@theme/Admonition": Admonition,
  "@theme/Tabs": Tabs,
  "@theme/TabItem": TabItem,
  "@theme/Details": Details,
  "@theme/TOCInline": TOCInline,
};

/** An SVG import: Docusaurus (SVGR) makes it a component; the preview
 * shows it as an image, and so does the reference. */
function svgComponent(source) {
  return (props) => h("img", { ...props, src: source });
}

/** What an import gives in the reference. */
function load(source, name) {
  if (name === "default" && THEME[source]) return THEME[source];
  if (/\.svg$/i.test(source) && name === "default") return svgComponent(source);
  if (ASSET.test(source)) return name === "default" ? source : Unknown;
  if (name === "*") return new Proxy({}, { get: () => Unknown });
  return Unknown;
}

// ---------------------------------------------------------------------------
// Running MDX.

function processorOptions(format, extra = []) {
  return {
    format,
    remarkPlugins: [
      ...extra,
      remarkDirective,
      remarkAdmonitions,
      remarkHeadingsAndToc,
      remarkGfm,
      remarkComment,
      remarkUnusedDirectives,
      remarkCodeMeta,
      remarkStubImports,
    ],
    rehypePlugins:
      format === "md"
        ? [
            [
              rehypeRaw,
              {
                passThrough: [
                  "mdxFlowExpression",
                  "mdxJsxFlowElement",
                  "mdxJsxTextElement",
                  "mdxTextExpression",
                  "mdxjsEsm",
                ],
              },
            ],
          ]
        : [],
  };
}

/** Capitalized JSX names used in a text: each gets a stub unless an import
 * binds it (MDX looks free names up in `components`). */
function componentNames(text) {
  return new Set([...text.matchAll(/<([A-Z][\w$]*)/g)].map((m) => m[1]));
}

/**
 * Compile only (what a site build does first): `{ ok: true }`, or the
 * error with its 1-based line (null when it has none) in the original
 * source (front matter lines counted).
 */
export async function compileCheck(source, format) {
  const body = stripFrontMatter(source);
  const offset = source.slice(0, source.length - body.length).split("\n").length - 1;
  try {
    await compile(preprocess(source), processorOptions(format));
    return { ok: true };
  } catch (error) {
    const line = error.line ?? error.place?.line ?? error.place?.start?.line ?? null;
    return {
      ok: false,
      line: line === null ? null : line + offset,
      // Lines named in the message count from the front matter's end.
      offset,
      message: error.reason ?? String(error),
    };
  }
}

/**
 * Whether a site build fails on the document: it does not compile, or
 * rendering it throws a `ReferenceError` (a name nothing defines; other
 * run-time errors come from the stubs standing in for the site's modules
 * and data, and are not counted). `{ ok: true }` or `{ ok: false, line,
 * message }` (line 1-based in the original source, null when unknown).
 */
export async function buildCheck(source, format) {
  const compiled = await compileCheck(source, format);
  if (!compiled.ok) return compiled;
  const rendered = await renderReference(source, format);
  if (rendered.error && /is not defined$/.test(rendered.error)) {
    return { ok: false, line: null, message: rendered.error };
  }
  return { ok: true };
}

/** Render as the site would: `{ html }`, or `{ error }` when it fails to
 * compile or to render. `extra`: remark plugins to run first (the
 * deliberate differences about the source). */
export async function renderReference(source, format, extra = []) {
  const text = preprocess(source);
  globalThis.__reference = { load };
  const previousRequire = globalThis.require;
  globalThis.require = (specifier) => ({ default: specifier });
  try {
    const { default: Content } = await evaluate(text, {
      ...runtime,
      ...processorOptions(format, extra),
      development: false,
    });
    const components = { pre: Pre, details: Details, TabItem, Tabs, Admonition, TOCInline };
    for (const name of componentNames(text)) {
      if (!(name in components)) components[name] = Unknown;
    }
    return { html: renderToStaticMarkup(h(Content, { components })) };
  } catch (error) {
    return { error: error.reason ?? error.message ?? String(error) };
  } finally {
    globalThis.require = previousRequire;
  }
}

/** Every specifier an import or `require()` of the document names, mapped
 * to itself: what the reference gives them, for mdx-preview's `assets`. */
export function assetsOf(source) {
  const assets = {};
  for (const match of source.matchAll(/(?:\bfrom\s*|\brequire\(\s*)(["'])([^"'\n]+)\1/g)) {
    if (ASSET.test(match[2])) assets[match[2]] = match[2];
  }
  return assets;
}

export { Fragment };
