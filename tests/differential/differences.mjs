// Every accepted difference between mdx-preview and the reference (a
// Docusaurus 3 site, emulated in reference.mjs), with its reason. This is
// the one list: run.mjs fails when a document differs for any reason not
// accounted for here, and when an entry here no longer explains anything.
//
// `deliberate`: differences by design, applied to both renderings (as
// hast trees) before they are compared. Each says what it does and why.
// `documents`: the documents (with the format they are read in) that still
// differ after that, each with the reason.

import { visit, SKIP } from "unist-util-visit";

/** Class names mdx-preview writes (its vocabulary, kept by its sanitizer). */
const VOCABULARY = /^(admonition|admonition-\w+|admonition-title|admonition-content|mdx-error|mdx-truncate|mdx-missing-asset|mdx-component|code-block|code-block-title|code-line|code-line-highlighted|code-line-numbers|contains-task-list|task-list-item|footnotes|sr-only|data-footnote-backref|tabs|tabs-container|tabs-item|tabs-item-active|tabs-panels|tab-panel|details|toc-inline|math-inline|math-display|language-[\w+#.-]+)$/;

// The sanitizer's schema (src/sanitize.rs), as far as the comparison needs it.
const ALLOWED = new Set([
  "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
  "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
  "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark",
  "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small",
  "source", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
  "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr", "aside",
]);
const DROPPED = new Set([
  "script", "style", "iframe", "object", "embed", "svg", "math", "template", "textarea",
  "form", "select", "option", "button", "noscript", "noembed", "noframes", "frame",
  "frameset", "applet", "base", "link", "meta", "title", "xmp", "plaintext", "audio", "video",
  "canvas", "dialog", "portal", "slot", "head", "param", "track", "area", "map", "fieldset",
  "label", "datalist", "output", "progress", "meter", "marquee", "listing", "image",
]);
// hast property names (camelCase, as hast-util-from-html gives them).
const GLOBAL_ATTRIBUTES = new Set([
  "id", "className", "title", "lang", "dir", "style", "hidden", "role", "ariaLabel",
  "ariaDescribedBy", "ariaHidden", "ariaSelected", "dataLine",
]);
const ATTRIBUTES = {
  a: ["href", "rel", "dataFootnoteRef", "dataFootnoteBackref", "name"],
  img: ["src", "alt", "width", "height", "loading", "align"],
  div: ["align"], p: ["align"], h1: ["align"], h2: ["align"], h3: ["align"], h4: ["align"],
  h5: ["align"], h6: ["align"], table: ["align"], source: ["media", "type"],
  input: ["type", "checked", "disabled"], ol: ["start", "reversed", "type"], li: ["value"],
  td: ["align", "colSpan", "rowSpan"], th: ["align", "colSpan", "rowSpan", "scope"],
  col: ["span"], colgroup: ["span"], details: ["open"], section: ["dataFootnotes"],
  time: ["dateTime"], abbr: ["title"], q: ["cite"], blockquote: ["cite"],
  del: ["cite", "dateTime"], ins: ["cite", "dateTime"],
};

function unwrap(tree, test) {
  visit(tree, (node, index, parent) => {
    if (parent && index !== undefined && node.type === "element" && test(node)) {
      parent.children.splice(index, 1, ...node.children);
      return [SKIP, index];
    }
  });
}

function remove(tree, test) {
  visit(tree, (node, index, parent) => {
    if (parent && index !== undefined && node.type === "element" && test(node)) {
      parent.children.splice(index, 1);
      return [SKIP, index];
    }
  });
}

export const deliberate = [
  {
    name: "excerpt-marker",
    reason:
      "The preview shows where the excerpt ends (`<!-- truncate -->`) as " +
      "`<hr class=\"mdx-truncate\">`; the site's post page shows nothing there.",
    apply(tree, side) {
      if (side === "ours") remove(tree, (node) => node.properties?.className?.includes("mdx-truncate"));
    },
  },
  {
    name: "unknown-components",
    reason:
      "Components the preview does not render (anything but Docusaurus's Tabs, TabItem, " +
      "Details, Admonition and TOCInline) show their children in a neutral " +
      "`.mdx-component` container, with a warning; the reference shows them the same way " +
      "(it cannot load the site's components either). The container itself is not compared.",
    apply(tree) {
      unwrap(tree, (node) => node.properties?.className?.includes("mdx-component"));
    },
  },
  {
    name: "sanitizer",
    reason:
      "The preview sanitizes (DESIGN §5): script, style, iframe, svg, forms, media and the " +
      "like are dropped with their content, other elements it does not allow are unwrapped " +
      "(content kept), attributes it does not allow are removed, and only its own class " +
      "names and `language-*` stay. The site shows all of them. Applied to the reference " +
      "as the schema in src/sanitize.rs says (classes on both sides).",
    apply(tree, side) {
      if (side === "reference") {
        remove(tree, (node) => DROPPED.has(node.tagName));
        unwrap(tree, (node) => !ALLOWED.has(node.tagName));
      }
      visit(tree, "element", (node) => {
        const allowed = ATTRIBUTES[node.tagName] ?? [];
        for (const key of Object.keys(node.properties ?? {})) {
          if (side === "reference" && !GLOBAL_ATTRIBUTES.has(key) && !allowed.includes(key)) {
            delete node.properties[key];
          }
        }
        const classes = node.properties?.className;
        if (classes) node.properties.className = classes.filter((c) => VOCABULARY.test(String(c)));
      });
    },
  },
];

/** Documents that differ after the deliberate differences, and why. */
export const documents = {};

/** Whether an expression's value is one the preview evaluates (DESIGN §4):
 * literals, template literals without `${}`, arrays and objects of those,
 * `undefined`, and names bound to such values or to assets. */
function isStatic(node, constants) {
  switch (node?.type) {
    case "Literal":
      return !node.regex && node.bigint === undefined;
    case "TemplateLiteral":
      return node.expressions.length === 0;
    case "ArrayExpression":
      return node.elements.every((e) => e && e.type !== "SpreadElement" && isStatic(e, constants));
    case "ObjectExpression":
      return node.properties.every(
        (p) => p.type === "Property" && !p.computed && !p.method && isStatic(p.value, constants),
      );
    case "UnaryExpression":
      return (node.operator === "-" || node.operator === "+") && node.argument.type === "Literal";
    case "Identifier":
      return node.name === "undefined" || node.name === "toc" || constants.has(node.name);
    case "CallExpression":
      // `toc.slice(2)`.
      return (
        node.callee.type === "MemberExpression" &&
        node.callee.object.type === "Identifier" &&
        node.callee.object.name === "toc" &&
        node.callee.property.name === "slice" &&
        node.arguments.every((a) => isStatic(a, constants) && typeof (a.value ?? a.argument?.value) === "number")
      );
    case "MemberExpression":
      // `require('./a.png').default`.
      return (
        node.property.name === "default" &&
        node.object.type === "CallExpression" &&
        node.object.callee.name === "require" &&
        node.object.arguments.length === 1 &&
        typeof node.object.arguments[0].value === "string"
      );
    default:
      return false;
  }
}

/** Remark plugins the reference runs to render (not to compile), for
 * deliberate differences that are about the source. */
export const referencePlugins = [
  {
    name: "static-expressions",
    reason:
      "No document JavaScript runs in the preview (DESIGN §4): an expression is shown when " +
      "it is a literal (or an array or object of literals, or a name bound to one or to an " +
      "asset, or Docusaurus's `toc`, `toc.slice(n)`, `require('./a.png').default`), and " +
      "otherwise left out with a diagnostic. The site runs it (`{2 * Math.PI}`, " +
      "JSX built in an expression, code reading the site's data). The reference leaves out " +
      "the same expressions and attribute values.",
    plugin() {
      return (tree) => {
        const constants = new Set();
        for (const child of tree.children) {
          for (const statement of child.type === "mdxjsEsm" ? child.data?.estree?.body ?? [] : []) {
            if (statement.type === "ImportDeclaration") {
              const asset = /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp|mp4|webm|mp3|wav|ogg|pdf|zip)$/i;
              if (!asset.test(statement.source.value)) continue;
              for (const specifier of statement.specifiers) {
                if (specifier.type === "ImportDefaultSpecifier") constants.add(specifier.local.name);
              }
            }
            const declaration = statement.type === "ExportNamedDeclaration" ? statement.declaration : null;
            for (const declarator of declaration?.declarations ?? []) {
              if (declarator.id.type === "Identifier" && isStatic(declarator.init, constants)) {
                constants.add(declarator.id.name);
              }
            }
          }
        }
        const expressionIsStatic = (estree) => {
          const statement = estree?.body?.[0];
          return !statement || (statement.type === "ExpressionStatement" && isStatic(statement.expression, constants));
        };
        visit(tree, (node, index, parent) => {
          if (node.type === "mdxFlowExpression" || node.type === "mdxTextExpression") {
            if (!expressionIsStatic(node.data?.estree) && parent && index !== undefined) {
              parent.children.splice(index, 1);
              return [SKIP, index];
            }
          }
          if (node.type === "mdxJsxFlowElement" || node.type === "mdxJsxTextElement") {
            node.attributes = node.attributes.filter(
              (attribute) =>
                attribute.type !== "mdxJsxAttribute" ||
                typeof attribute.value !== "object" ||
                attribute.value === null ||
                expressionIsStatic(attribute.value.data?.estree),
            );
          }
        });
      };
    },
  },
];
