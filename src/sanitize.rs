//! Sanitize: the HTML tree through a schema, before it is serialized.
//!
//! The schema is data ([`Schema`]): which elements are kept, which are
//! dropped with their content, which attributes each element may carry,
//! which URL schemes each URL attribute accepts, which `style` properties
//! are allowed, and the id prefix. A small engine ([`sanitize`]) applies it.
//! Anything not allowed is removed; elements not known are unwrapped (their
//! content stays). Removals that change what the writer sees are reported.

use crate::diagnostic::Report;
use crate::hast::{Element, Node};
use crate::rules::Rule;

/// What is allowed. The default is the policy of DESIGN §5.
#[derive(Clone, Debug)]
pub struct Schema {
    /// Elements kept.
    pub elements: &'static [&'static str],
    /// Elements dropped together with their content.
    pub dropped: &'static [&'static str],
    /// Attributes allowed on every element.
    pub global_attributes: &'static [&'static str],
    /// Attributes allowed per element.
    pub attributes: &'static [(&'static str, &'static [&'static str])],
    /// Schemes allowed in `href`.
    pub href_schemes: &'static [&'static str],
    /// Schemes allowed in `src`.
    pub src_schemes: &'static [&'static str],
    /// `data:` media types allowed in `src`.
    pub src_data_types: &'static [&'static str],
    /// Exact classes allowed (besides `language-*`).
    pub classes: &'static [&'static str],
    /// CSS properties allowed in `style`.
    pub style_properties: &'static [&'static str],
    /// Prefix for `id` and `name`, and for in-document links.
    pub id_prefix: String,
    /// Keep `style` attributes (their declarations are still checked).
    pub allow_style: bool,
    /// Class names allowed on top of [`Schema::classes`] (an opt-in).
    pub extra_classes: Vec<String>,
}

impl Default for Schema {
    fn default() -> Self {
        Schema {
            elements: &[
                "a",
                "abbr",
                "b",
                "bdi",
                "bdo",
                "blockquote",
                "br",
                "caption",
                "cite",
                "code",
                "col",
                "colgroup",
                "dd",
                "del",
                "details",
                "dfn",
                "div",
                "dl",
                "dt",
                "em",
                "figcaption",
                "figure",
                "h1",
                "h2",
                "h3",
                "h4",
                "h5",
                "h6",
                "hr",
                "i",
                "img",
                "input",
                "ins",
                "kbd",
                "li",
                "mark",
                "ol",
                "p",
                "picture",
                "pre",
                "q",
                "rp",
                "rt",
                "ruby",
                "s",
                "samp",
                "section",
                "small",
                "source",
                "span",
                "strike",
                "strong",
                "sub",
                "summary",
                "sup",
                "table",
                "tbody",
                "td",
                "tfoot",
                "th",
                "thead",
                "time",
                "tr",
                "tt",
                "u",
                "ul",
                "var",
                "wbr",
                "aside",
            ],
            dropped: &[
                "script",
                "style",
                "iframe",
                "object",
                "embed",
                "svg",
                "math",
                "template",
                "textarea",
                "form",
                "select",
                "option",
                "button",
                "noscript",
                "noembed",
                "noframes",
                "frame",
                "frameset",
                "applet",
                "base",
                "link",
                "meta",
                "title",
                "xmp",
                "plaintext",
                "audio",
                "video",
                "canvas",
                "dialog",
                "portal",
                "slot",
                "head",
                "param",
                "track",
                "area",
                "map",
                "fieldset",
                "label",
                "datalist",
                "output",
                "progress",
                "meter",
                "marquee",
                "listing",
                "image",
            ],
            global_attributes: &[
                "id",
                "class",
                "title",
                "lang",
                "dir",
                "style",
                "hidden",
                "role",
                "aria-label",
                "aria-describedby",
                "aria-hidden",
                "aria-selected",
                "data-line",
            ],
            attributes: &[
                (
                    "a",
                    &[
                        "href",
                        "rel",
                        "data-footnote-ref",
                        "data-footnote-backref",
                        "name",
                    ],
                ),
                (
                    "img",
                    &["src", "alt", "width", "height", "loading", "align"],
                ),
                // `data-toc`: what a `<TOCInline>` asks for (consumed by
                // the serializer, never written out).
                ("div", &["align", "data-toc"]),
                ("p", &["align"]),
                ("h1", &["align"]),
                ("h2", &["align"]),
                ("h3", &["align"]),
                ("h4", &["align"]),
                ("h5", &["align"]),
                ("h6", &["align"]),
                ("table", &["align"]),
                ("source", &["media", "type"]),
                ("input", &["type", "checked", "disabled"]),
                ("ol", &["start", "reversed", "type"]),
                ("li", &["value"]),
                ("td", &["align", "colspan", "rowspan"]),
                ("th", &["align", "colspan", "rowspan", "scope"]),
                ("col", &["span"]),
                ("colgroup", &["span"]),
                ("details", &["open"]),
                ("section", &["data-footnotes"]),
                ("time", &["datetime"]),
                ("abbr", &["title"]),
                ("q", &["cite"]),
                ("blockquote", &["cite"]),
                ("del", &["cite", "datetime"]),
                ("ins", &["cite", "datetime"]),
            ],
            href_schemes: &["http", "https", "mailto"],
            src_schemes: &["http", "https", "blob"],
            src_data_types: &["image/png", "image/gif", "image/jpeg", "image/webp"],
            classes: &[
                "admonition",
                "admonition-note",
                "admonition-tip",
                "admonition-info",
                "admonition-warning",
                "admonition-danger",
                "admonition-caution",
                "admonition-important",
                "admonition-success",
                "admonition-secondary",
                "admonition-title",
                "admonition-content",
                "mdx-error",
                "mdx-truncate",
                "mdx-missing-asset",
                "mdx-component",
                "code-block",
                "code-block-title",
                "code-line",
                "code-line-highlighted",
                "code-line-numbers",
                "contains-task-list",
                "task-list-item",
                "footnotes",
                "sr-only",
                "data-footnote-backref",
                "tabs-container",
                "tabs",
                "tabs-item",
                "tabs-item-active",
                "tabs-panels",
                "tab-panel",
                "details",
                "toc-inline",
                "math-inline",
                "math-display",
            ],
            style_properties: &[
                "text-align",
                "vertical-align",
                "width",
                "height",
                "max-width",
                "max-height",
                "min-width",
                "min-height",
                "margin",
                "margin-top",
                "margin-right",
                "margin-bottom",
                "margin-left",
                "padding",
                "padding-top",
                "padding-right",
                "padding-bottom",
                "padding-left",
                "color",
                "background-color",
                "font-size",
                "font-weight",
                "font-style",
                "font-variant",
                "font-family",
                "line-height",
                "letter-spacing",
                "word-spacing",
                "text-decoration",
                "text-transform",
                "text-indent",
                "white-space",
                "word-break",
                "overflow-wrap",
                "border",
                "border-top",
                "border-right",
                "border-bottom",
                "border-left",
                "border-color",
                "border-style",
                "border-width",
                "border-radius",
                "border-collapse",
                "display",
                "float",
                "clear",
                "list-style-type",
                "object-fit",
                "gap",
                "justify-content",
                "align-items",
                "flex-direction",
                "flex-wrap",
                "flex",
                "opacity",
                "counter-reset",
            ],
            id_prefix: "user-content-".into(),
            allow_style: true,
            extra_classes: Vec::new(),
        }
    }
}

/// Elements whose start tag closes an open `<p>` in an HTML parser.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "section",
    "summary",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "listing",
    "form",
    "li",
    "dd",
    "dt",
    "table",
    "hr",
    "xmp",
    "plaintext",
];

/// "Special" elements that stop the search for an open `li`/`dd`/`dt`.
const LIST_SCOPE: &[&str] = &[
    "ul",
    "ol",
    "dl",
    "table",
    "td",
    "th",
    "caption",
    "blockquote",
    "section",
    "aside",
    "details",
    "summary",
    "figure",
    "figcaption",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

/// Table parts and the parents a parser accepts them in.
const TABLE_PARENTS: &[(&str, &[&str])] = &[
    ("caption", &["table"]),
    ("colgroup", &["table"]),
    ("col", &["colgroup", "table"]),
    ("thead", &["table"]),
    ("tbody", &["table"]),
    ("tfoot", &["table"]),
    ("tr", &["table", "thead", "tbody", "tfoot"]),
    ("td", &["tr"]),
    ("th", &["tr"]),
];

/// Sanitize nodes by `schema`, reporting what the writer loses.
///
/// Besides removing what the schema does not allow, the tree is put in the
/// shape an HTML parser would give it (no block inside `<p>`, no nested
/// links, table parts only in tables), so that the serialized HTML parses
/// back to exactly this tree.
pub fn sanitize(nodes: Vec<Node>, schema: &Schema, reports: &mut Vec<Report>) -> Vec<Node> {
    let mut out = Vec::with_capacity(nodes.len());
    for node in nodes {
        one(node, "", schema, reports, &mut out, 0);
    }
    out
}

/// Deepest tree walked; deeper content is kept as text.
const MAX_DEPTH: usize = 512;

fn warn(reports: &mut Vec<Report>, element: &Element, rule: Rule, message: String) {
    if let Some((start, end)) = element.source {
        reports.push(Report::new(rule, message, start, end));
    }
}

fn one(
    node: Node,
    parent: &str,
    schema: &Schema,
    reports: &mut Vec<Report>,
    out: &mut Vec<Node>,
    depth: usize,
) {
    let mut element = match node {
        Node::Text(text) => {
            out.push(Node::Text(text));
            return;
        }
        Node::Raw(raw) => {
            out.push(Node::Text(raw.html));
            return;
        }
        Node::Element(element) => element,
    };
    if depth > MAX_DEPTH {
        out.push(Node::text(crate::hast::text_content(&element.children)));
        return;
    }
    let tag = element.tag.to_ascii_lowercase();
    if schema.dropped.contains(&tag.as_str()) {
        warn(
            reports,
            &element,
            Rule::UnsafeElement,
            format!("`<{tag}>` is not allowed in the preview and is removed with its content"),
        );
        return;
    }
    if tag == "input" && !is_disabled_checkbox(&element) {
        warn(
            reports,
            &element,
            Rule::UnsafeElement,
            "Only disabled checkboxes are allowed as `<input>`; this one is removed".into(),
        );
        return;
    }
    let known = schema.elements.contains(&tag.as_str());
    // Table parts outside their parent are ignored by HTML parsers.
    let misplaced = TABLE_PARENTS
        .iter()
        .any(|(part, parents)| *part == tag && !parents.contains(&parent));
    let keep = known && !misplaced;
    let children = std::mem::take(&mut element.children);
    let mut kept = Vec::with_capacity(children.len());
    let child_parent = if keep { tag.as_str() } else { parent };
    for child in children {
        one(child, child_parent, schema, reports, &mut kept, depth + 1);
    }
    if !keep {
        if !known && element.jsx {
            warn(
                reports,
                &element,
                Rule::UnknownElement,
                format!("`<{tag}>` is not allowed in the preview: its content is shown without it"),
            );
        }
        out.extend(kept);
        return;
    }
    element.tag = tag;
    element.children = kept;
    attributes(&mut element, schema, reports);
    fix_structure(&mut element, out);
    out.push(Node::Element(element));
}

fn is_disabled_checkbox(element: &Element) -> bool {
    element
        .get("type")
        .is_some_and(|t| t.eq_ignore_ascii_case("checkbox"))
        && element.get("disabled").is_some()
}

/// Put an element's content in the shape an HTML parser would build, so the
/// serialized HTML parses back to the same tree. Content a parser would move
/// in front of a table is pushed to `before`.
fn fix_structure(element: &mut Element, before: &mut Vec<Node>) {
    match element.tag.as_str() {
        // A block inside a paragraph would end it: make it a `<div>`.
        "p" if has_descendant(&element.children, CLOSES_P, &[]) => element.tag = "div".into(),
        // A link inside a link ends the outer one: keep the inner's text.
        "a" => unwrap_descendants(&mut element.children, &["a"], &[], 0),
        // A heading directly in a heading ends the outer one.
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let children = std::mem::take(&mut element.children);
            for child in children {
                match child {
                    Node::Element(inner)
                        if matches!(
                            inner.tag.as_str(),
                            "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                        ) =>
                    {
                        element.children.extend(inner.children);
                    }
                    other => element.children.push(other),
                }
            }
        }
        // An item inside an item (with no list between) ends the outer one.
        "li" => unwrap_descendants(&mut element.children, &["li"], LIST_SCOPE, 0),
        "dd" | "dt" => unwrap_descendants(&mut element.children, &["dd", "dt"], LIST_SCOPE, 0),
        // In a ruby, `rt`/`rp` end an open `rt`/`rp`.
        "rt" | "rp" => unwrap_descendants(&mut element.children, &["rt", "rp"], &[], 0),
        "table" => fix_table(element, before),
        "thead" | "tbody" | "tfoot" | "tr" | "colgroup" => {
            // Anything but whitespace and the right parts would be moved out
            // by a parser; move it out of the table here (see `fix_table`).
        }
        _ => {}
    }
}

/// Whether any descendant is one of `tags`, not looking inside `stop`.
fn has_descendant(nodes: &[Node], tags: &[&str], stop: &[&str]) -> bool {
    let mut stack: Vec<&Node> = nodes.iter().collect();
    while let Some(node) = stack.pop() {
        if let Node::Element(element) = node {
            if tags.contains(&element.tag.as_str()) {
                return true;
            }
            if !stop.contains(&element.tag.as_str()) {
                stack.extend(element.children.iter());
            }
        }
    }
    false
}

/// Replace descendants that are one of `tags` by their children, not
/// looking inside `stop`, down to [`MAX_DEPTH`] levels (as [`one`]).
fn unwrap_descendants(nodes: &mut Vec<Node>, tags: &[&str], stop: &[&str], depth: usize) {
    if depth > MAX_DEPTH || !has_descendant(nodes, tags, stop) {
        return;
    }
    let old = std::mem::take(nodes);
    for node in old {
        match node {
            Node::Element(mut element) if tags.contains(&element.tag.as_str()) => {
                unwrap_descendants(&mut element.children, tags, stop, depth + 1);
                nodes.extend(element.children);
            }
            Node::Element(mut element) if !stop.contains(&element.tag.as_str()) => {
                unwrap_descendants(&mut element.children, tags, stop, depth + 1);
                nodes.push(Node::Element(element));
            }
            other => nodes.push(other),
        }
    }
}

fn is_whitespace(node: &Node) -> bool {
    matches!(node, Node::Text(text) if text.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')))
}

/// Tables as a parser builds them: rows in a section, cells in rows,
/// anything else moved in front of the table (foster parenting).
fn fix_table(table: &mut Element, before: &mut Vec<Node>) {
    let children = std::mem::take(&mut table.children);
    let mut implied_body: Option<Element> = None;
    let mut result = Vec::new();
    let flush = |implied: &mut Option<Element>, result: &mut Vec<Node>| {
        if let Some(body) = implied.take() {
            result.push(Node::Element(body));
        }
    };
    for child in children {
        match child {
            Node::Element(mut part) => match part.tag.as_str() {
                "caption" | "colgroup" => {
                    flush(&mut implied_body, &mut result);
                    if part.tag == "colgroup" {
                        keep_parts(&mut part, &["col"], before);
                    }
                    result.push(Node::Element(part));
                }
                "thead" | "tbody" | "tfoot" => {
                    flush(&mut implied_body, &mut result);
                    keep_rows(&mut part, before);
                    result.push(Node::Element(part));
                }
                "tr" => {
                    keep_parts(&mut part, &["td", "th"], before);
                    implied_body
                        .get_or_insert_with(|| Element::new("tbody"))
                        .children
                        .push(Node::Element(part));
                }
                "col" => {
                    flush(&mut implied_body, &mut result);
                    result.push(Node::Element(
                        Element::new("colgroup").with(vec![Node::Element(part)]),
                    ));
                }
                _ => before.push(Node::Element(part)),
            },
            node if is_whitespace(&node) => match implied_body.as_mut() {
                Some(body) => body.children.push(node),
                None => result.push(node),
            },
            node => before.push(node),
        }
    }
    flush(&mut implied_body, &mut result);
    table.children = result;
}

/// Keep rows (and whitespace) in a table section; cells straight in the
/// section get their implied row.
fn keep_rows(section: &mut Element, before: &mut Vec<Node>) {
    let children = std::mem::take(&mut section.children);
    let mut implied_row: Option<Element> = None;
    for child in children {
        match child {
            Node::Element(mut row) if row.tag == "tr" => {
                if let Some(implied) = implied_row.take() {
                    section.children.push(Node::Element(implied));
                }
                keep_parts(&mut row, &["td", "th"], before);
                section.children.push(Node::Element(row));
            }
            Node::Element(cell) if cell.tag == "td" || cell.tag == "th" => {
                implied_row
                    .get_or_insert_with(|| Element::new("tr"))
                    .children
                    .push(Node::Element(cell));
            }
            node if is_whitespace(&node) => section.children.push(node),
            node => before.push(node),
        }
    }
    if let Some(implied) = implied_row {
        section.children.push(Node::Element(implied));
    }
}

/// Keep only `parts` (and whitespace) as children; move the rest out.
fn keep_parts(element: &mut Element, parts: &[&str], before: &mut Vec<Node>) {
    let children = std::mem::take(&mut element.children);
    for child in children {
        match child {
            Node::Element(part) if parts.contains(&part.tag.as_str()) => {
                element.children.push(Node::Element(part));
            }
            node if is_whitespace(&node) => element.children.push(node),
            node => before.push(node),
        }
    }
}

/// Check an element's attributes against the schema, in place.
fn attributes(element: &mut Element, schema: &Schema, reports: &mut Vec<Report>) {
    let list = std::mem::take(&mut element.attributes);
    let mut removed = Vec::new();
    for (name, value) in list {
        let name = name.to_ascii_lowercase();
        match attribute(&element.tag, &name, value, schema) {
            Verdict::Keep(value) => {
                element.attributes.retain(|(n, _)| *n != name);
                element.attributes.push((name, value));
            }
            Verdict::Drop => {}
            Verdict::Report(value, message) => {
                if let Some(value) = value {
                    element.attributes.retain(|(n, _)| *n != name);
                    element.attributes.push((name.clone(), value));
                }
                removed.push(message);
            }
        }
    }
    for message in removed {
        warn(reports, element, Rule::UnsafeAttribute, message);
    }
    if element.tag == "a" {
        // External: the link has a scheme (a colon before any `/`, `?`, `#`).
        let external = element.get("href").is_some_and(|href| {
            let end = href.find(['/', '?', '#']).unwrap_or(href.len());
            href[..end].contains(':')
        });
        element.remove("rel");
        if external {
            element.set("rel", "noopener noreferrer");
        }
    }
}

/// What happens to one attribute.
enum Verdict {
    /// Kept, with this value.
    Keep(String),
    /// Removed without a word (the writer sees no difference).
    Drop,
    /// Removed or changed (to the value, if any), with a message.
    Report(Option<String>, String),
}

/// Ids and names get the prefix (once: sanitizing twice changes nothing);
/// so do the ids `aria-describedby` refers to.
fn prefixed_ids(name: &str, value: &str, prefix: &str) -> Verdict {
    let prefixed: Vec<String> = value
        .split_ascii_whitespace()
        .map(|id| {
            if id.starts_with(prefix) {
                id.to_string()
            } else {
                format!("{prefix}{id}")
            }
        })
        .collect();
    if prefixed.is_empty() {
        Verdict::Drop
    } else if name == "aria-describedby" {
        Verdict::Keep(prefixed.join(" "))
    } else {
        // An id is one token; keep spaces as written after the first.
        let value = value.trim();
        if value.starts_with(prefix) {
            Verdict::Keep(value.to_string())
        } else {
            Verdict::Keep(format!("{prefix}{value}"))
        }
    }
}

/// The classes the schema allows; the others are reported.
fn classes(value: &str, schema: &Schema) -> Verdict {
    let (kept, dropped): (Vec<&str>, Vec<&str>) = value
        .split_ascii_whitespace()
        .partition(|c| schema.allows_class(c));
    let kept = (!kept.is_empty()).then(|| kept.join(" "));
    if dropped.is_empty() {
        kept.map_or(Verdict::Drop, Verdict::Keep)
    } else {
        Verdict::Report(
            kept,
            format!(
                "Class `{}` is not allowed in the preview and is removed",
                dropped.join(" ")
            ),
        )
    }
}

fn attribute(tag: &str, name: &str, value: String, schema: &Schema) -> Verdict {
    let allowed = schema.global_attributes.contains(&name)
        || schema
            .attributes
            .iter()
            .any(|(t, names)| *t == tag && names.contains(&name));
    if !allowed {
        return if name.starts_with("on")
            || matches!(
                name,
                "srcdoc" | "formaction" | "dangerouslysetinnerhtml" | "xlink:href" | "action"
            ) {
            Verdict::Report(
                None,
                format!("`{name}` on `<{tag}>` is not allowed in the preview and is removed"),
            )
        } else {
            Verdict::Report(
                None,
                format!(
                    "The `{name}` attribute on `<{tag}>` is not allowed in the preview and is removed"
                ),
            )
        };
    }
    match name {
        "id" | "name" | "aria-describedby" => prefixed_ids(name, &value, &schema.id_prefix),
        "class" => classes(&value, schema),
        "href" => match safe_url(&value, schema.href_schemes, &[]) {
            Some(url) if url.starts_with('#') && !url[1..].starts_with(&schema.id_prefix) => {
                Verdict::Keep(format!("#{}{}", schema.id_prefix, &url[1..]))
            }
            Some(url) => Verdict::Keep(url),
            None => Verdict::Report(
                None,
                format!(
                    "The link `{}` uses a scheme that is not allowed; it is removed",
                    truncate(&value)
                ),
            ),
        },
        "src" | "cite" => match safe_url(&value, schema.src_schemes, schema.src_data_types) {
            Some(url) => Verdict::Keep(url),
            None => Verdict::Report(
                None,
                format!(
                    "The source `{}` is not allowed in the preview; it is removed",
                    truncate(&value)
                ),
            ),
        },
        "style" if !schema.allow_style => {
            Verdict::Report(None, "Inline styles are turned off".into())
        }
        "style" => {
            let (css, dropped) = style_parts(&value, schema);
            let css = (!css.is_empty()).then_some(css);
            if dropped.is_empty() {
                css.map_or(Verdict::Drop, Verdict::Keep)
            } else {
                Verdict::Report(
                    css,
                    format!(
                        "Style `{}` is not allowed in the preview and is removed",
                        dropped.join("; ")
                    ),
                )
            }
        }
        _ => Verdict::Keep(value),
    }
}

impl Schema {
    /// The default schema, adjusted by the caller's options.
    pub fn from_options(options: &crate::Options) -> Self {
        let default = Schema::default();
        Schema {
            id_prefix: options.id_prefix.clone(),
            allow_style: options.sanitize.allow_style,
            extra_classes: options.sanitize.allow_classes.clone(),
            src_schemes: if options.sanitize.allow_remote_images {
                default.src_schemes
            } else {
                &["blob"]
            },
            ..default
        }
    }

    /// Whether a class name may stay.
    pub fn allows_class(&self, class: &str) -> bool {
        self.classes.contains(&class)
            || is_language_class(class)
            || self.extra_classes.iter().any(|c| c == class)
    }
}

fn truncate(value: &str) -> String {
    value.chars().take(40).collect()
}

/// `language-x` with a safe language name.
fn is_language_class(class: &str) -> bool {
    class.strip_prefix("language-").is_some_and(|lang| {
        !lang.is_empty()
            && !lang.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(c, '"' | '\'' | '<' | '>' | '`' | '&')
            })
    })
}

/// The URL if its scheme is allowed (relative URLs and fragments are).
///
/// ```
/// use mdx_preview::sanitize::safe_url;
/// assert_eq!(safe_url("java\tscript:alert(1)", &["https"], &[]), None);
/// assert_eq!(safe_url("./a.png", &["https"], &[]).as_deref(), Some("./a.png"));
/// ```
pub fn safe_url(value: &str, schemes: &[&str], data_types: &[&str]) -> Option<String> {
    // What browsers ignore: leading/trailing spaces and controls, and tabs
    // and newlines anywhere.
    let cleaned: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if cleaned.chars().any(char::is_control) {
        return None;
    }
    let end = cleaned.find(['/', '?', '#']).unwrap_or(cleaned.len());
    let Some(colon) = cleaned[..end].find(':') else {
        return Some(cleaned);
    };
    let scheme = cleaned[..colon].to_ascii_lowercase();
    if schemes.contains(&scheme.as_str()) {
        return Some(cleaned);
    }
    if scheme == "data" {
        let media = cleaned[colon + 1..]
            .split([';', ','])
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if data_types.contains(&media.as_str()) {
            return Some(cleaned);
        }
    }
    None
}

/// Keep only allowed declarations with literal values.
///
/// ```
/// use mdx_preview::sanitize::{style, Schema};
/// assert_eq!(style("color: red; position: fixed", &Schema::default()), "color:red");
/// ```
pub fn style(css: &str, schema: &Schema) -> String {
    style_parts(css, schema).0
}

/// Allowed declarations, and the ones removed.
fn style_parts(css: &str, schema: &Schema) -> (String, Vec<String>) {
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for declaration in css.split(';') {
        if declaration.trim().is_empty() {
            continue;
        }
        let Some((property, value)) = declaration.split_once(':') else {
            dropped.push(truncate(declaration.trim()));
            continue;
        };
        let property = property.trim().to_ascii_lowercase();
        let value = value.trim();
        let negative_margin = property.starts_with("margin") && value.contains('-');
        if schema.style_properties.contains(&property.as_str())
            && is_literal_css(value)
            && !negative_margin
        {
            kept.push(format!("{property}:{value}"));
        } else {
            dropped.push(truncate(&format!("{property}: {value}")));
        }
    }
    (kept.join(";"), dropped)
}

/// A CSS value made only of keywords, numbers with units, percentages,
/// hex colours, commas and a few colour functions.
fn is_literal_css(value: &str) -> bool {
    if value.is_empty() || value.len() > 200 {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if lower.contains("url(")
        || lower.contains("expression(")
        || lower.contains("var(")
        || lower.contains("image")
    {
        return false;
    }
    let mut rest = lower.as_str();
    while !rest.is_empty() {
        rest = rest.trim_start_matches([' ', ',', '/']);
        if rest.is_empty() {
            break;
        }
        let token_end = rest.find([' ', ',', '/', '(']).unwrap_or(rest.len());
        let token = &rest[..token_end];
        if rest[token_end..].starts_with('(') {
            if !matches!(token, "rgb" | "rgba" | "hsl" | "hsla") {
                return false;
            }
            let Some(close) = rest.find(')') else {
                return false;
            };
            let inner = &rest[token_end + 1..close];
            if !inner
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '%' | '/' | '-'))
            {
                return false;
            }
            rest = &rest[close + 1..];
            continue;
        }
        let ok = if let Some(hex) = token.strip_prefix('#') {
            matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit())
        } else if token
            .starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
        {
            let number_end = token
                .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+')))
                .unwrap_or(token.len());
            let unit = &token[number_end..];
            unit.is_empty() || unit == "%" || unit.chars().all(|c| c.is_ascii_lowercase())
        } else {
            token.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        };
        if !ok {
            return false;
        }
        rest = &rest[token_end..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let href = Schema::default().href_schemes;
        assert_eq!(
            safe_url("javascript:alert(1)", href, &[]),
            None,
            "should refuse javascript:"
        );
        assert_eq!(
            safe_url(" jav\tascript:alert(1)", href, &[]),
            None,
            "should see through tabs"
        );
        assert_eq!(
            safe_url("JAVASCRIPT:x", href, &[]),
            None,
            "should ignore case"
        );
        assert_eq!(
            safe_url("./a:b", href, &[]).as_deref(),
            Some("./a:b"),
            "should allow relative"
        );
        assert_eq!(
            safe_url("https://x.org", href, &[]).as_deref(),
            Some("https://x.org")
        );
        let schema = Schema::default();
        assert!(
            safe_url(
                "data:image/png;base64,AA",
                schema.src_schemes,
                schema.src_data_types
            )
            .is_some()
        );
        assert!(
            safe_url(
                "data:text/html,<x>",
                schema.src_schemes,
                schema.src_data_types
            )
            .is_none()
        );
    }

    #[test]
    fn styles() {
        let schema = Schema::default();
        assert_eq!(
            style("text-align:center;width:500px", &schema),
            "text-align:center;width:500px"
        );
        assert_eq!(
            style("position:fixed;color:red", &schema),
            "color:red",
            "should drop position"
        );
        assert_eq!(
            style("background-color:url(x)", &schema),
            "",
            "should drop url("
        );
        assert_eq!(style("color:rgb(1, 2, 3)", &schema), "color:rgb(1, 2, 3)");
        assert_eq!(style("color:\\72 ed", &schema), "", "should drop escapes");
    }
}
