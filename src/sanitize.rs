//! Sanitize: the HTML tree through a schema, before it is serialized.
//!
//! The schema is data ([`Schema`]): which elements are kept, which are
//! dropped with their content, which attributes each element may carry,
//! which URL schemes each URL attribute accepts, which `style` properties
//! are allowed, and the id prefix. A small engine ([`sanitize`]) applies it.
//! Anything not allowed is removed; elements not known are unwrapped (their
//! content stays). Removals that change what the writer sees are reported.

use crate::diagnostic::{Report, Severity};
use crate::hast::{Element, Node};

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
                ("img", &["src", "alt", "width", "height", "loading"]),
                ("source", &["srcset", "media", "type"]),
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
        }
    }
}

/// Sanitize nodes in place by `schema`, reporting removals.
pub fn sanitize(nodes: Vec<Node>, schema: &Schema, reports: &mut Vec<Report>) -> Vec<Node> {
    let mut out = Vec::with_capacity(nodes.len());
    for node in nodes {
        one(node, schema, reports, &mut out, 0);
    }
    out
}

/// Deepest tree walked; deeper content is kept as text.
const MAX_DEPTH: usize = 512;

fn one(node: Node, schema: &Schema, reports: &mut Vec<Report>, out: &mut Vec<Node>, depth: usize) {
    let mut element = match node {
        Node::Text(text) => {
            out.push(Node::Text(text));
            return;
        }
        Node::Element(element) => element,
    };
    if depth > MAX_DEPTH {
        out.push(Node::text(crate::hast::text_content(&element.children)));
        return;
    }
    let tag = element.tag.to_ascii_lowercase();
    let at = element.source.unwrap_or((0, 0));
    if schema.dropped.contains(&tag.as_str()) {
        if element.source.is_some() {
            reports.push(Report::new(
                Severity::Warning,
                "unsafe-element",
                format!("`<{tag}>` is not allowed in the preview and is removed with its content"),
                at.0,
                at.1,
            ));
        }
        return;
    }
    let children = std::mem::take(&mut element.children);
    let mut kept_children = Vec::with_capacity(children.len());
    for child in children {
        one(child, schema, reports, &mut kept_children, depth + 1);
    }
    if tag == "input" && !is_disabled_checkbox(&element) {
        if element.source.is_some() {
            reports.push(Report::new(
                Severity::Warning,
                "unsafe-element",
                "Only disabled checkboxes are allowed as `<input>`; this one is removed",
                at.0,
                at.1,
            ));
        }
        return;
    }
    if !schema.elements.contains(&tag.as_str()) {
        // Unknown: keep the content, lose the element.
        out.extend(kept_children);
        return;
    }
    element.tag = tag;
    element.children = kept_children;
    let attributes = std::mem::take(&mut element.attributes);
    for (name, value) in attributes {
        if let Some(value) = attribute(&element.tag, &name, value, schema, at, reports) {
            element.attributes.retain(|(n, _)| *n != name);
            element.attributes.push((name, value));
        }
    }
    if element.tag == "a" {
        let external = element
            .get("href")
            .is_some_and(|href| href.contains(':') && !href.starts_with('#'));
        element.remove("rel");
        if external {
            element.set("rel", "noopener noreferrer");
        }
    }
    out.push(Node::Element(element));
}

fn is_disabled_checkbox(element: &Element) -> bool {
    element
        .get("type")
        .is_some_and(|t| t.eq_ignore_ascii_case("checkbox"))
        && element.get("disabled").is_some()
}

/// Check one attribute; the value to keep, if any.
fn attribute(
    tag: &str,
    name: &str,
    value: String,
    schema: &Schema,
    at: (usize, usize),
    reports: &mut Vec<Report>,
) -> Option<String> {
    let name_lower = name.to_ascii_lowercase();
    let allowed = schema.global_attributes.contains(&name_lower.as_str())
        || schema
            .attributes
            .iter()
            .any(|(t, names)| *t == tag && names.contains(&name_lower.as_str()));
    let report = |reports: &mut Vec<Report>, message: String| {
        if at != (0, 0) {
            reports.push(Report::new(
                Severity::Warning,
                "unsafe-attribute",
                message,
                at.0,
                at.1,
            ));
        }
    };
    if !allowed {
        if name_lower.starts_with("on")
            || matches!(
                name_lower.as_str(),
                "srcdoc" | "formaction" | "dangerouslysetinnerhtml"
            )
        {
            report(
                reports,
                format!("`{name}` on `<{tag}>` is not allowed in the preview and is removed"),
            );
        }
        return None;
    }
    match name_lower.as_str() {
        "id" | "name" => {
            let value = value.trim();
            (!value.is_empty()).then(|| format!("{}{}", schema.id_prefix, value))
        }
        "class" => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|c| schema.classes.contains(c) || is_language_class(c))
                .collect();
            (!kept.is_empty()).then(|| kept.join(" "))
        }
        "href" => match safe_url(&value, schema.href_schemes, &[]) {
            Some(url) if url.starts_with('#') && !url[1..].starts_with(&schema.id_prefix) => {
                Some(format!("#{}{}", schema.id_prefix, &url[1..]))
            }
            Some(url) => Some(url),
            None => {
                report(
                    reports,
                    format!(
                        "The link `{}` uses a scheme that is not allowed; it is removed",
                        truncate(&value)
                    ),
                );
                None
            }
        },
        "src" | "cite" => match safe_url(&value, schema.src_schemes, schema.src_data_types) {
            Some(url) => Some(url),
            None => {
                report(
                    reports,
                    format!(
                        "The source `{}` uses a scheme that is not allowed; it is removed",
                        truncate(&value)
                    ),
                );
                None
            }
        },
        "srcset" => None,
        "style" => {
            let css = style(&value, schema);
            (!css.is_empty()).then_some(css)
        }
        _ => Some(value),
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
pub fn style(css: &str, schema: &Schema) -> String {
    let mut kept = Vec::new();
    for declaration in css.split(';') {
        let Some((property, value)) = declaration.split_once(':') else {
            continue;
        };
        let property = property.trim().to_ascii_lowercase();
        let value = value.trim();
        if schema.style_properties.contains(&property.as_str()) && is_literal_css(value) {
            kept.push(format!("{property}:{value}"));
        }
    }
    kept.join(";")
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
