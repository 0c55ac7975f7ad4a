// Normalized HTML: both renderings are parsed as HTML5 fragments and
// written back in one canonical form, so that only what a reader would see
// differently is a difference.
//
// Always normalized (not a difference at all): whitespace (runs of it are
// one space, and none at the edges of blocks; `<pre>` kept as it is),
// comments, `data-line`, the `user-content-` id prefix (ids, names and `#`
// links), attribute order, and the attributes each side adds for its own
// page: `rel`/`target` on links, `loading`/`decoding` on images. The
// deliberate differences (sanitizing, components the preview does not
// know, …) are in differences.mjs, each with its reason.

import { fromHtml } from "hast-util-from-html";

const PREFIX = "user-content-";

/** Elements around which whitespace does not show. */
const BLOCK = new Set([
  "address", "article", "aside", "blockquote", "body", "caption", "col", "colgroup",
  "dd", "details", "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2",
  "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p",
  "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
  "ul",
]);

const DROPPED_ATTRIBUTES = new Set(["dataLine", "rel", "target", "loading", "decoding"]);

/** Parse an HTML fragment into a hast root. */
export function parse(html) {
  return fromHtml(html, { fragment: true });
}

function unprefix(value) {
  if (typeof value !== "string") return value;
  if (value.startsWith(PREFIX)) return value.slice(PREFIX.length);
  if (value.startsWith(`#${PREFIX}`)) return `#${value.slice(PREFIX.length + 1)}`;
  return value;
}

/** Canonical attributes: sorted, prefixes and page-only ones dropped. */
function attributes(element) {
  const out = [];
  for (const [key, raw] of Object.entries(element.properties ?? {})) {
    if (DROPPED_ATTRIBUTES.has(key) || raw === false || raw === null || raw === undefined) {
      continue;
    }
    let value = Array.isArray(raw) ? raw.join(" ") : raw === true ? "" : String(raw);
    if (key === "id" || key === "name" || key === "href") value = unprefix(value);
    if (key === "className") value = value.split(/\s+/).filter(Boolean).sort().join(" ");
    if (key === "style") value = value.replace(/\s+/g, "").replace(/;$/, "");
    if (key === "className" && value === "") continue;
    out.push(`${key}="${value}"`);
  }
  return out.sort().join(" ");
}

/**
 * The canonical text of a hast tree: one line per block element, inline
 * content with collapsed whitespace. Returns an array of lines.
 */
export function canonical(root) {
  const lines = [];
  let line = "";
  const flush = (depth) => {
    const trimmed = line.replace(/\s+/g, " ").trim();
    if (trimmed) lines.push(`${"  ".repeat(depth)}${trimmed}`);
    line = "";
  };
  const walk = (node, depth, inPre) => {
    if (node.type === "comment" || node.type === "doctype") return;
    if (node.type === "text") {
      line += inPre ? node.value.replace(/\n/g, "⏎") : node.value;
      return;
    }
    if (node.type === "root") {
      for (const child of node.children) walk(child, depth, inPre);
      return;
    }
    if (node.type !== "element") return;
    const tag = node.tagName;
    const attrs = attributes(node);
    const open = `<${tag}${attrs ? ` ${attrs}` : ""}>`;
    const children = node.tagName === "template" ? node.content?.children ?? [] : node.children;
    if (BLOCK.has(tag)) {
      flush(depth);
      lines.push(`${"  ".repeat(depth)}${open}`);
      for (const child of children) walk(child, depth + 1, inPre || tag === "pre");
      flush(depth + 1);
      lines.push(`${"  ".repeat(depth)}</${tag}>`);
    } else {
      line += open;
      for (const child of children) walk(child, depth, inPre);
      line += `</${tag}>`;
    }
  };
  walk(root, 0, false);
  flush(0);
  return lines;
}

/** The first difference between two canonical forms, as text, or null. */
export function firstDifference(ours, theirs, context = 2) {
  const length = Math.max(ours.length, theirs.length);
  for (let index = 0; index < length; index++) {
    if (ours[index] !== theirs[index]) {
      const from = Math.max(0, index - context);
      const show = (lines) =>
        lines
          .slice(from, index + context + 1)
          .map((l, i) => `${from + i === index ? ">" : " "} ${l ?? "(end)"}`)
          .join("\n");
      return `ours:\n${show(ours)}\nreference:\n${show(theirs)}`;
    }
  }
  return null;
}
