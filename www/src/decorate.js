// What the page adds to the renderer's sanitized HTML, on each new block:
// syntax colouring of code (highlight.js, on the code's text only) and
// typeset math (KaTeX, as MathML). Neither runs anything from the document:
// both read the text of elements the renderer made and write markup they
// generate themselves (highlight.js escapes the code; KaTeX with `trust:
// false` allows no links, classes, styles or HTML of the writer's choosing).
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

const LANGUAGES = {
  bash, c, cpp, css, diff, go, java, javascript, json, markdown, python, rust,
  shell, sql, typescript, xml, yaml,
};
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);
// Docusaurus (Prism) names that highlight.js spells differently.
hljs.registerAliases(["jsx", "mjs", "cjs"], { languageName: "javascript" });
hljs.registerAliases(["tsx", "mts"], { languageName: "typescript" });
hljs.registerAliases(["html", "svg", "mdx"], { languageName: "xml" });
hljs.registerAliases(["sh", "zsh", "console"], { languageName: "bash" });
hljs.registerAliases(["py"], { languageName: "python" });
hljs.registerAliases(["rs"], { languageName: "rust" });
hljs.registerAliases(["yml"], { languageName: "yaml" });
hljs.registerAliases(["md"], { languageName: "markdown" });

/** Languages of the code elements, from their `language-x` class. */
function languageOf(code) {
  for (const name of code.classList) {
    if (name.startsWith("language-")) return name.slice("language-".length);
  }
  return null;
}

/**
 * Split highlight.js output into lines, closing the spans that are open at
 * each line end and reopening them on the next line, so that each line can
 * go into its own `span.code-line`. highlight.js writes only `<span
 * class="…">`, `</span>` and escaped text.
 */
export function splitHighlightedLines(html) {
  const lines = [];
  const open = [];
  let line = "";
  const pattern = /(<span[^>]*>)|(<\/span>)|(\n)|([^<\n]+)/g;
  for (const [, start, end, newline, text] of html.matchAll(pattern)) {
    if (start) {
      open.push(start);
      line += start;
    } else if (end) {
      open.pop();
      line += end;
    } else if (newline) {
      lines.push(line + "</span>".repeat(open.length));
      line = open.join("");
    } else {
      line += text;
    }
  }
  lines.push(line + "</span>".repeat(open.length));
  return lines;
}

function highlightCode(code) {
  const language = languageOf(code);
  if (!language || !hljs.getLanguage(language)) return;
  const lineSpans = [...code.children].filter((child) => child.classList.contains("code-line"));
  const { value } = hljs.highlight(code.textContent, { language, ignoreIllegals: true });
  code.classList.add("hljs");
  if (lineSpans.length === 0) {
    code.innerHTML = value;
    return;
  }
  // Each span.code-line holds one line and its "\n".
  const lines = splitHighlightedLines(value);
  lineSpans.forEach((span, i) => {
    span.innerHTML = (lines[i] ?? "") + (i < lines.length - 1 ? "\n" : "");
  });
}

// KaTeX is a large module: it is loaded the first time a post has math.
let katex = null;
let katexLoading = null;
function loadKatex() {
  katexLoading ??= import("katex").then((module) => {
    katex = module.default;
  });
  return katexLoading;
}

function typeset(code, displayMode) {
  const tex = code.textContent;
  const holder = document.createElement(displayMode ? "div" : "span");
  holder.className = displayMode ? "math math-display" : "math math-inline";
  try {
    katex.render(tex, holder, {
      displayMode,
      output: "mathml",
      throwOnError: false,
      trust: false,
      strict: "ignore",
    });
  } catch {
    return; // keep the code as it is
  }
  const target = displayMode && code.parentElement?.tagName === "PRE" ? code.parentElement : code;
  // Keep the top-level block itself (it carries data-line): put the
  // typeset math inside it instead of replacing it.
  if (target.parentNode === null || target === code.closest("[data-line]")) {
    target.replaceChildren(holder);
    target.classList.add("math-typeset");
  } else {
    target.replaceWith(holder);
  }
}

/** Decorate one new top-level block (or anything holding code). */
export function decorate(node) {
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  const maths = [...node.querySelectorAll("code.math-display, code.math-inline")];
  const typesetAll = () => maths.forEach((code) => typeset(code, code.classList.contains("math-display")));
  if (maths.length > 0) {
    if (katex) typesetAll();
    else loadKatex().then(typesetAll, () => {}); // without KaTeX, math stays as code
  }
  const codes = node.matches("code") ? [node] : node.querySelectorAll("pre > code");
  for (const code of codes) highlightCode(code);
}
