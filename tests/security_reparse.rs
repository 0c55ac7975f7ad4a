//! Structural oracle for DESIGN §5: "Output re-parsed by an HTML5 parser
//! gives back the same tree (no mXSS), and sanitizing the output again
//! changes nothing".
//!
//! Every case of `tests/security/cases.json` (re-rendered, not trusted) and
//! every fixture input (with its `options.json`, and with default options)
//! is rendered, and each output HTML is checked for three properties:
//!
//! 1. **allowed**: parsed by html5ever as a fragment in a `<div>` context
//!    (like `innerHTML`), the DOM has only schema elements (HTML namespace)
//!    and attributes, clean URLs (`href`, `src`, `cite`, and every URL of a
//!    `srcset`), clean styles, allowed classes, prefixed ids, names and
//!    in-document links, and no comments, doctypes or processing
//!    instructions. The schema is `Schema::from_options` of the render's
//!    options, which is `Schema::default()` unless the options change it.
//! 2. **mutation**: the tree our serializer meant (read back by a tiny,
//!    strict parser of exactly its syntax) is node for node the tree the
//!    HTML5 parser builds.
//! 3. **fixed point**: the HTML5 tree serialized again (HTML fragment
//!    serialization algorithm) parses to the same tree, and
//!    `sanitize_html(output) == output` (for outputs made with the default
//!    schema, the one `sanitize_html` applies).
//!
//! All failures are collected and reported together.

use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, QualName, local_name, ns, parse_fragment};
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use mdx_preview::raw_html::sanitize_html;
use mdx_preview::sanitize::{Schema, safe_url, style};
use mdx_preview::{Format, Options, SanitizeOptions, render};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A DOM node, as both parsers give it.
#[derive(Clone, Debug, PartialEq)]
enum Tree {
    Element {
        /// `"html"`, `"svg"`, `"math"` or the namespace URL.
        namespace: String,
        name: String,
        attributes: Vec<(String, String)>,
        children: Vec<Tree>,
    },
    Text(String),
    Comment(String),
    Doctype(String),
    Instruction(String),
}

/// Void elements of the HTML standard (no content, no end tag).
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose text content is serialized without escaping.
const RAW_TEXT: &[&str] = &[
    "style",
    "script",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
    "noscript",
];

// ---------------------------------------------------------------------------
// The HTML5 parser (html5ever), as `innerHTML` on a `<div>` does.

fn parse_html5(html: &str) -> Vec<Tree> {
    let dom = parse_fragment(
        RcDom::default(),
        ParseOpts::default(),
        QualName::new(None, ns!(html), local_name!("div")),
        Vec::new(),
        true,
    )
    .one(html);
    // The fragment parser puts the nodes in an `<html>` root element.
    let document = dom.document.children.borrow();
    let mut nodes = Vec::new();
    for root in document.iter() {
        match &root.data {
            NodeData::Element { name, .. } if name.local == local_name!("html") => {
                nodes.extend(root.children.borrow().iter().map(convert));
            }
            _ => nodes.push(convert(root)),
        }
    }
    nodes
}

fn convert(handle: &Handle) -> Tree {
    match &handle.data {
        NodeData::Document => Tree::Comment("#document".into()),
        NodeData::Doctype { name, .. } => Tree::Doctype(name.to_string()),
        NodeData::Text { contents } => Tree::Text(contents.borrow().to_string()),
        NodeData::Comment { contents } => Tree::Comment(contents.to_string()),
        NodeData::ProcessingInstruction { target, contents } => {
            Tree::Instruction(format!("{target} {contents}"))
        }
        NodeData::Element {
            name,
            attrs,
            template_contents,
            ..
        } => {
            let namespace = if name.ns == ns!(html) {
                "html".to_string()
            } else if name.ns == ns!(svg) {
                "svg".to_string()
            } else if name.ns == ns!(mathml) {
                "math".to_string()
            } else {
                name.ns.to_string()
            };
            let attributes = attrs
                .borrow()
                .iter()
                .map(|attribute| {
                    let qualified = match &attribute.name.prefix {
                        Some(prefix) => format!("{prefix}:{}", attribute.name.local),
                        None => attribute.name.local.to_string(),
                    };
                    (qualified, attribute.value.to_string())
                })
                .collect();
            let mut children: Vec<Tree> = handle.children.borrow().iter().map(convert).collect();
            if let Some(contents) = template_contents.borrow().as_ref() {
                children.extend(contents.children.borrow().iter().map(convert));
            }
            Tree::Element {
                namespace,
                name: name.local.to_string(),
                attributes,
                children,
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The naive, strict parser of exactly our serializer's syntax: `<tag a="v">`
// start tags with double-quoted attributes, explicit `</tag>` end tags,
// `<tag … />` for elements without content or end tag, `&amp; &lt; &gt;
// &quot; &#13;` and nothing else, and one newline dropped right after `<pre>`.

fn parse_naive(html: &str) -> Result<Vec<Tree>, String> {
    // Open elements: (name, attributes, children).
    type Frame = (String, Vec<(String, String)>, Vec<Tree>);
    let mut stack: Vec<Frame> = vec![(String::new(), Vec::new(), Vec::new())];
    let mut rest = html;
    let position = |rest: &str| html.len() - rest.len();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("</") {
            let end = after
                .find('>')
                .ok_or_else(|| format!("unterminated end tag at byte {}", position(rest)))?;
            let name = &after[..end];
            if stack.len() < 2 {
                return Err(format!(
                    "end tag `</{name}>` with nothing open at byte {}",
                    position(rest)
                ));
            }
            let (open, attributes, children) = stack.pop().expect("an open element");
            if open != name {
                return Err(format!(
                    "end tag `</{name}>` closes `<{open}>` at byte {}",
                    position(rest)
                ));
            }
            stack
                .last_mut()
                .expect("the root frame")
                .2
                .push(element(open, attributes, children));
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let start = position(rest);
            let name_end = after
                .find([' ', '>'])
                .ok_or_else(|| format!("unterminated start tag at byte {start}"))?;
            let name = &after[..name_end];
            if !name.starts_with(|c: char| c.is_ascii_alphabetic()) || name.contains(['/', '"']) {
                return Err(format!("bad tag name `{name}` at byte {start}"));
            }
            rest = &after[name_end..];
            let mut attributes = Vec::new();
            let void = loop {
                if let Some(after) = rest.strip_prefix(" />") {
                    rest = after;
                    break true;
                }
                if let Some(after) = rest.strip_prefix('>') {
                    rest = after;
                    break false;
                }
                let Some(after) = rest.strip_prefix(' ') else {
                    return Err(format!("bad start tag `<{name}` at byte {start}"));
                };
                let equals = after
                    .find("=\"")
                    .ok_or_else(|| format!("attribute without `=\"` in `<{name}` at {start}"))?;
                let attribute = &after[..equals];
                if attribute.is_empty() || attribute.contains([' ', '>', '/', '"', '<', '=']) {
                    return Err(format!(
                        "bad attribute name `{attribute}` in `<{name}` at byte {start}"
                    ));
                }
                let value_start = &after[equals + 2..];
                let quote = value_start
                    .find('"')
                    .ok_or_else(|| format!("unterminated attribute in `<{name}` at {start}"))?;
                let value = decode(&value_start[..quote])
                    .map_err(|error| format!("{error} in `<{name}` at byte {start}"))?;
                attributes.push((attribute.to_string(), value));
                rest = &value_start[quote + 1..];
            };
            if void {
                stack.last_mut().expect("the root frame").2.push(element(
                    name.to_string(),
                    attributes,
                    Vec::new(),
                ));
            } else {
                if name == "pre" {
                    rest = rest.strip_prefix('\n').unwrap_or(rest);
                }
                stack.push((name.to_string(), attributes, Vec::new()));
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = decode(&rest[..end])
                .map_err(|error| format!("{error} in text at byte {}", position(rest)))?;
            let children = &mut stack.last_mut().expect("the root frame").2;
            match children.last_mut() {
                Some(Tree::Text(previous)) => previous.push_str(&text),
                _ => children.push(Tree::Text(text)),
            }
            rest = &rest[end..];
        }
    }
    if stack.len() > 1 {
        let open: Vec<&str> = stack[1..].iter().map(|(name, ..)| name.as_str()).collect();
        return Err(format!("unclosed at the end: {}", open.join(" > ")));
    }
    Ok(stack.pop().expect("the root frame").2)
}

fn element(name: String, attributes: Vec<(String, String)>, children: Vec<Tree>) -> Tree {
    Tree::Element {
        namespace: "html".into(),
        name,
        attributes,
        children,
    }
}

/// Text or attribute value: the 4 entities and `&#13;`; no raw `<`, `>`,
/// `"` or CR, and no other `&`.
fn decode(value: &str) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(index) = rest.find(['&', '<', '>', '"', '\r']) {
        out.push_str(&rest[..index]);
        rest = &rest[index..];
        let (decoded, length) = if rest.starts_with("&amp;") {
            ('&', 5)
        } else if rest.starts_with("&lt;") || rest.starts_with("&gt;") {
            (if rest.as_bytes()[1] == b'l' { '<' } else { '>' }, 4)
        } else if rest.starts_with("&quot;") {
            ('"', 6)
        } else if rest.starts_with("&#13;") {
            ('\r', 5)
        } else {
            let shown: String = rest.chars().take(12).collect();
            return Err(format!("unescaped or unknown reference {shown:?}"));
        };
        out.push(decoded);
        rest = &rest[length..];
    }
    out.push_str(rest);
    Ok(out)
}

// ---------------------------------------------------------------------------
// Serializing a parsed tree again: the HTML fragment serialization
// algorithm, made lossless where the parser would change text without
// changing structure, as our own serializer is: the newline a parser drops
// after `<pre>`, `<listing>` and `<textarea>` is written back (as the
// standard did before whatwg/html#1815), and CR is written `&#13;` (the
// parser turns a raw CR into LF). So a fixed-point failure is about
// structure (mXSS), not these two known text quirks of `innerHTML`.

fn serialize(nodes: &[Tree], parent: Option<&str>, out: &mut String) {
    for node in nodes {
        match node {
            Tree::Text(text) if parent.is_some_and(|p| RAW_TEXT.contains(&p)) => {
                out.push_str(text);
            }
            Tree::Text(text) => escape(text, false, out),
            Tree::Comment(text) => {
                let _ = write!(out, "<!--{text}-->");
            }
            Tree::Doctype(name) => {
                let _ = write!(out, "<!DOCTYPE {name}>");
            }
            Tree::Instruction(text) => {
                let _ = write!(out, "<?{text}>");
            }
            Tree::Element {
                namespace,
                name,
                attributes,
                children,
            } => {
                out.push('<');
                out.push_str(name);
                for (attribute, value) in attributes {
                    let _ = write!(out, " {attribute}=\"");
                    escape(value, true, out);
                    out.push('"');
                }
                out.push('>');
                let html = namespace == "html";
                if html && VOID.contains(&name.as_str()) {
                    continue;
                }
                if html
                    && matches!(name.as_str(), "pre" | "listing" | "textarea")
                    && matches!(children.first(), Some(Tree::Text(t)) if t.starts_with('\n'))
                {
                    out.push('\n');
                }
                serialize(children, html.then_some(name.as_str()), out);
                let _ = write!(out, "</{name}>");
            }
        }
    }
}

fn escape(value: &str, attribute: bool, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\u{A0}' => out.push_str("&nbsp;"),
            '"' if attribute => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------------
// Comparing trees.

fn step(node: &Tree, index: usize) -> String {
    match node {
        Tree::Element {
            namespace, name, ..
        } if namespace == "html" => format!("{name}[{index}]"),
        Tree::Element {
            namespace, name, ..
        } => format!("{namespace}:{name}[{index}]"),
        Tree::Text(_) => format!("#text[{index}]"),
        Tree::Comment(_) => format!("#comment[{index}]"),
        Tree::Doctype(_) => format!("#doctype[{index}]"),
        Tree::Instruction(_) => format!("#pi[{index}]"),
    }
}

fn join(path: &str, step: &str) -> String {
    if path.is_empty() {
        step.to_string()
    } else {
        format!("{path} > {step}")
    }
}

fn shorten(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        value.to_string()
    } else {
        let kept: String = value.chars().take(max).collect();
        format!("{kept}…")
    }
}

/// One node, without its children.
fn describe(node: &Tree) -> String {
    match node {
        Tree::Element {
            namespace,
            name,
            attributes,
            children,
        } => {
            let mut out = String::from("<");
            if namespace != "html" {
                let _ = write!(out, "{namespace}:");
            }
            out.push_str(name);
            for (attribute, value) in attributes {
                let _ = write!(out, " {attribute}={:?}", shorten(value, 60));
            }
            let _ = write!(out, "> ({} children)", children.len());
            out
        }
        Tree::Text(text) => format!("#text {:?}", shorten(text, 80)),
        Tree::Comment(text) => format!("#comment {:?}", shorten(text, 80)),
        Tree::Doctype(text) => format!("#doctype {text:?}"),
        Tree::Instruction(text) => format!("#pi {:?}", shorten(text, 80)),
    }
}

/// The first difference between `expected` and `actual`, with its path.
fn difference(expected: &[Tree], actual: &[Tree], path: &str) -> Option<String> {
    for index in 0..expected.len().max(actual.len()) {
        match (expected.get(index), actual.get(index)) {
            (Some(e), None) => {
                return Some(format!(
                    "{}: meant {}, parser has nothing (parent has {} of {} children)",
                    join(path, &step(e, index)),
                    describe(e),
                    actual.len(),
                    expected.len()
                ));
            }
            (None, Some(a)) => {
                return Some(format!(
                    "{}: meant nothing, parser has {} (parent has {} children, not {})",
                    join(path, &step(a, index)),
                    describe(a),
                    actual.len(),
                    expected.len()
                ));
            }
            (Some(e), Some(a)) => {
                let here = join(path, &step(e, index));
                match (e, a) {
                    (
                        Tree::Element {
                            namespace: en,
                            name: e_name,
                            attributes: ea,
                            children: ec,
                        },
                        Tree::Element {
                            namespace: an,
                            name: a_name,
                            attributes: aa,
                            children: ac,
                        },
                    ) if en == an && e_name == a_name && ea == aa => {
                        if let Some(found) = difference(ec, ac, &here) {
                            return Some(found);
                        }
                    }
                    _ if e == a => {}
                    _ => {
                        return Some(format!(
                            "{here}: meant {}, parser has {}",
                            describe(e),
                            describe(a)
                        ));
                    }
                }
            }
            (None, None) => unreachable!(),
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Property 1: only what the schema allows.

fn check_allowed(nodes: &[Tree], path: &str, schema: &Schema, problems: &mut Vec<String>) {
    for (index, node) in nodes.iter().enumerate() {
        let here = join(path, &step(node, index));
        match node {
            Tree::Text(_) => {}
            Tree::Comment(text) => problems.push(format!("{here}: comment {text:?} in the DOM")),
            Tree::Doctype(name) => problems.push(format!("{here}: doctype {name:?} in the DOM")),
            Tree::Instruction(text) => {
                problems.push(format!("{here}: processing instruction {text:?}"));
            }
            Tree::Element {
                namespace,
                name,
                attributes,
                children,
            } => {
                if namespace != "html" {
                    problems.push(format!("{here}: element in the {namespace} namespace"));
                }
                if !schema.elements.contains(&name.as_str()) {
                    problems.push(format!("{here}: element `{name}` is not in the schema"));
                }
                for (attribute, value) in attributes {
                    check_attribute(name, attribute, value, schema, &here, problems);
                }
                check_allowed(children, &here, schema, problems);
            }
        }
    }
}

fn check_attribute(
    tag: &str,
    name: &str,
    value: &str,
    schema: &Schema,
    here: &str,
    problems: &mut Vec<String>,
) {
    let allowed = schema.global_attributes.contains(&name)
        || schema
            .attributes
            .iter()
            .any(|(t, names)| *t == tag && names.contains(&name));
    if !allowed {
        problems.push(format!(
            "{here}: attribute `{name}={value:?}` is not allowed on `<{tag}>`"
        ));
        return;
    }
    let unchanged = |clean: Option<String>| clean.as_deref() == Some(value);
    match name {
        "href" if !unchanged(safe_url(value, schema.href_schemes, &[])) => {
            problems.push(format!("{here}: href {value:?} is not a clean safe URL"));
        }
        "href"
            if value
                .strip_prefix('#')
                .is_some_and(|fragment| !fragment.starts_with(&schema.id_prefix)) =>
        {
            problems.push(format!(
                "{here}: in-document link {value:?} misses the id prefix"
            ));
        }
        "src" | "cite"
            if !unchanged(safe_url(value, schema.src_schemes, schema.src_data_types)) =>
        {
            problems.push(format!("{here}: {name} {value:?} is not a clean safe URL"));
        }
        "srcset" => {
            for url in srcset_urls(value) {
                if safe_url(url, schema.src_schemes, schema.src_data_types).is_none() {
                    problems.push(format!("{here}: srcset URL {url:?} is not a safe URL"));
                }
            }
        }
        "style" if !schema.allow_style => {
            problems.push(format!("{here}: style {value:?} while styles are off"));
        }
        "style" if style(value, schema) != value => {
            problems.push(format!(
                "{here}: style {value:?} is not clean (clean: {:?})",
                style(value, schema)
            ));
        }
        "class" => {
            for class in value.split_ascii_whitespace() {
                if !schema.allows_class(class) {
                    problems.push(format!("{here}: class `{class}` is not allowed"));
                }
            }
        }
        "id" | "name" if !value.starts_with(&schema.id_prefix) => {
            problems.push(format!(
                "{here}: {name} {value:?} lacks the prefix {:?}",
                schema.id_prefix
            ));
        }
        _ => {}
    }
}

/// The URLs of a `srcset` (the standard's candidate parsing: a URL is a run
/// of non-space characters, commas inside it included; descriptors follow
/// up to a comma outside parentheses).
fn srcset_urls(value: &str) -> Vec<&str> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0C' | '\r');
    let mut urls = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| is_space(c) || c == ',');
        if rest.is_empty() {
            return urls;
        }
        let end = rest.find(is_space).unwrap_or(rest.len());
        let url = &rest[..end];
        rest = &rest[end..];
        let trimmed = url.trim_end_matches(',');
        urls.push(trimmed);
        if trimmed.len() < url.len() {
            continue;
        }
        // Descriptors: up to a comma outside parentheses.
        let mut depth = 0usize;
        let mut stop = rest.len();
        for (index, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    stop = index + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &rest[stop..];
    }
}

// ---------------------------------------------------------------------------
// The documents and the checks.

struct Document {
    name: String,
    input: String,
    options: Options,
}

struct Failure {
    document: String,
    property: &'static str,
    detail: String,
}

/// Check one output, adding every failure found.
fn check(document: &Document, html: &str, failures: &mut Vec<Failure>) {
    let mut fail = |property: &'static str, detail: String| {
        failures.push(Failure {
            document: document.name.clone(),
            property,
            detail,
        });
    };
    let schema = Schema::from_options(&document.options);
    let parsed = parse_html5(html);

    // 1. Allowed only.
    let mut problems = Vec::new();
    check_allowed(&parsed, "", &schema, &mut problems);
    for problem in problems {
        fail("allowed", problem);
    }

    // 2. No mutation: what our serializer meant is what the parser builds.
    match parse_naive(html) {
        Err(error) => fail(
            "mutation",
            format!("output is not in our serializer's syntax: {error}"),
        ),
        Ok(meant) => {
            if let Some(found) = difference(&meant, &parsed, "") {
                fail("mutation", found);
            }
        }
    }

    // 3. Fixed point: serialize the parsed tree, parse again.
    let mut again = String::new();
    serialize(&parsed, None, &mut again);
    let reparsed = parse_html5(&again);
    if let Some(found) = difference(&parsed, &reparsed, "") {
        fail(
            "fixed-point",
            format!(
                "re-serialized {:?} parses differently: {found}",
                shorten(&again, 200)
            ),
        );
    }
    // Sanitizing again changes nothing (`sanitize_html` uses the default
    // schema, so only for outputs made with it).
    if schema_is_default(&document.options) {
        let sanitized = sanitize_html(html);
        if sanitized != html {
            fail(
                "sanitize-idempotent",
                format!(
                    "sanitize_html(output) differs: {}",
                    text_diff(html, &sanitized)
                ),
            );
        }
    }
}

fn schema_is_default(options: &Options) -> bool {
    let default = Options::default();
    options.id_prefix == default.id_prefix && options.sanitize == SanitizeOptions::default()
}

/// Where two strings first differ, with some context.
fn text_diff(expected: &str, actual: &str) -> String {
    let common = expected
        .char_indices()
        .zip(actual.chars())
        .find(|((_, a), b)| a != b)
        .map_or(expected.len().min(actual.len()), |((index, _), _)| index);
    let from = expected[..common]
        .char_indices()
        .rev()
        .nth(40)
        .map_or(0, |(index, _)| index);
    format!(
        "at byte {common}: output …{:?}… became …{:?}…",
        shorten(&expected[from..], 120),
        shorten(&actual[from.min(actual.len())..], 120)
    )
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn security_documents() -> Vec<Document> {
    let path = manifest().join("tests/security/cases.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("should read {}: {error}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("should parse {}: {error}", path.display()));
    let cases = json["cases"]
        .as_array()
        .expect("`cases` should be an array");
    cases
        .iter()
        .map(|case| {
            let name = case["name"].as_str().expect("a case should have a name");
            let format: Format = serde_json::from_value(case["format"].clone())
                .unwrap_or_else(|error| panic!("case {name}: bad format: {error}"));
            let input = case["input"].as_str().expect("a case should have an input");
            Document {
                name: format!("security:{name}"),
                input: input.to_string(),
                options: Options {
                    format,
                    source_lines: false,
                    ..Default::default()
                },
            }
        })
        .collect()
}

fn fixture_inputs(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("should read {}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("should list a folder").path();
        if path.is_dir() {
            fixture_inputs(&path, found);
        } else if matches!(
            path.file_name().and_then(|name| name.to_str()),
            Some("input.md" | "input.mdx")
        ) {
            found.push(path);
        }
    }
}

fn fixture_documents() -> Vec<Document> {
    let root = manifest().join("tests/fixtures");
    let mut inputs = Vec::new();
    fixture_inputs(&root, &mut inputs);
    inputs.sort();
    let mut documents = Vec::new();
    for input_path in inputs {
        let dir = input_path.parent().expect("a fixture folder");
        let name = dir
            .strip_prefix(&root)
            .unwrap_or(dir)
            .to_string_lossy()
            .into_owned();
        let input = std::fs::read_to_string(&input_path)
            .unwrap_or_else(|error| panic!("should read {}: {error}", input_path.display()));
        // The extension picks the format, as in tests/fixtures.rs.
        let format = if input_path.extension().is_some_and(|e| e == "md") {
            Format::Md
        } else {
            Format::Mdx
        };
        let options_path = dir.join("options.json");
        if options_path.exists() {
            let text = std::fs::read_to_string(&options_path)
                .unwrap_or_else(|error| panic!("should read {}: {error}", options_path.display()));
            let options = serde_json::from_str(&text)
                .map_err(|error| error.to_string())
                .and_then(|json| Options::from_json(&json).map_err(|error| error.to_string()))
                .unwrap_or_else(|error| panic!("bad {}: {error}", options_path.display()));
            documents.push(Document {
                name: format!("fixture:{name} (options.json)"),
                input: input.clone(),
                options: Options { format, ..options },
            });
        }
        documents.push(Document {
            name: format!("fixture:{name} (default options)"),
            input,
            options: Options {
                format,
                ..Default::default()
            },
        });
    }
    documents
}

fn run() {
    let security = security_documents();
    let fixtures = fixture_documents();
    assert!(!security.is_empty(), "should have security cases");
    assert!(!fixtures.is_empty(), "should have fixtures");
    let mut failures = Vec::new();
    let mut outputs = std::collections::HashMap::new();
    let mut checked = 0;
    for document in security.iter().chain(&fixtures) {
        match render(&document.input, &document.options) {
            Ok(rendered) => {
                check(document, &rendered.html, &mut failures);
                outputs.insert(document.name.clone(), rendered.html);
                checked += 1;
            }
            Err(error) => failures.push(Failure {
                document: document.name.clone(),
                property: "render",
                detail: error.to_string(),
            }),
        }
    }
    println!(
        "oracle: checked {checked} documents ({} security cases, {} fixture renders)",
        security.len(),
        fixtures.len()
    );
    if failures.is_empty() {
        return;
    }
    let mut report = format!(
        "{} failure(s) in {checked} documents checked:\n",
        failures.len()
    );
    let mut last = "";
    for failure in &failures {
        if failure.document != last {
            last = &failure.document;
            let document = security
                .iter()
                .chain(&fixtures)
                .find(|d| d.name == failure.document)
                .expect("a document");
            let _ = write!(
                report,
                "\n== {} ({:?})\n   input:  {:?}\n   output: {:?}\n",
                failure.document,
                document.options.format,
                shorten(&document.input, 300),
                shorten(
                    outputs.get(&failure.document).map_or("", String::as_str),
                    300
                ),
            );
        }
        let _ = writeln!(report, "   [{}] {}", failure.property, failure.detail);
    }
    panic!("{report}");
}

#[test]
fn outputs_are_allowed_stable_and_fixed_points() {
    // Deeply nested outputs: parse and walk them on a large stack.
    let worker = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(run)
        .expect("should start the oracle thread");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

// ---------------------------------------------------------------------------
// The oracle's own parts, on known inputs.

#[test]
fn naive_parser_reads_our_syntax() {
    let tree = parse_naive("<p a=\"x &quot;y&quot;\">a &amp; b<br />&#13;</p><pre>\n\nx</pre>")
        .expect("should parse");
    assert_eq!(
        tree,
        vec![
            element(
                "p".into(),
                vec![("a".into(), "x \"y\"".into())],
                vec![
                    Tree::Text("a & b".into()),
                    element("br".into(), Vec::new(), Vec::new()),
                    Tree::Text("\r".into()),
                ],
            ),
            element("pre".into(), Vec::new(), vec![Tree::Text("\nx".into())]),
        ]
    );
    assert!(parse_naive("<p>a</b>").is_err(), "should refuse mismatches");
    assert!(
        parse_naive("<p>a &nbsp;</p>").is_err(),
        "should refuse entities"
    );
    assert!(
        parse_naive("<p>a > b</p>").is_err(),
        "should refuse raw `>`"
    );
    assert!(
        parse_naive("<p a='x'>a</p>").is_err(),
        "should refuse quotes"
    );
    assert!(parse_naive("<p>").is_err(), "should refuse unclosed");
}

#[test]
fn oracle_sees_mutations() {
    for (html, what) in [
        ("<p><div>x</div></p>", "a block in a paragraph"),
        ("<a href=\"#\"><a>x</a></a>", "nested links"),
        ("<table>x</table>", "text in a table"),
        ("<table><tr><td>x</td></tr></table>", "a row without tbody"),
        ("<h1><h2>x</h2></h1>", "a heading in a heading"),
        ("<span />x", "a self-closed non-void element"),
        ("<pre>\nx</pre><br></br>", "a `</br>`"),
    ] {
        let meant = parse_naive(html).expect("should parse");
        assert!(
            difference(&meant, &parse_html5(html), "").is_some(),
            "should see {what} in {html:?}"
        );
    }
    let html = "<div><p>a</p><pre>\n\nx</pre><img src=\"a.png\" /></div>";
    let meant = parse_naive(html).expect("should parse");
    assert_eq!(difference(&meant, &parse_html5(html), ""), None);
    let meant = parse_naive("<p><div>x</div></p>").expect("should parse");
    assert_eq!(
        difference(&meant, &parse_html5("<p><div>x</div></p>"), ""),
        Some("p[0] > div[0]: meant <div> (1 children), parser has nothing (parent has 0 of 1 children)".into())
    );
}

#[test]
fn oracle_sees_what_is_not_allowed() {
    let schema = Schema::default();
    for html in [
        "<script>x</script>",
        "<p onclick=\"x\">a</p>",
        "<a href=\"javascript:x\">a</a>",
        "<a href=\" https://x\">a</a>",
        "<a href=\"#x\">a</a>",
        "<img src=\"data:text/html,x\" />",
        "<p style=\"position:fixed\">a</p>",
        "<p class=\"evil\">a</p>",
        "<h2 id=\"x\">a</h2>",
        "<!-- c -->",
        "<svg></svg>",
        "<picture><source srcset=\"a.png 1x, javascript:x 2x\" /></picture>",
    ] {
        let mut problems = Vec::new();
        check_allowed(&parse_html5(html), "", &schema, &mut problems);
        assert!(!problems.is_empty(), "should refuse {html:?}");
    }
    assert_eq!(
        srcset_urls("a.png 2x, data:image/png;base64,A,B 1x,c.png,, d.png (x, y), e.png"),
        vec![
            "a.png",
            "data:image/png;base64,A,B",
            "c.png",
            "d.png",
            "e.png"
        ]
    );
    let mut problems = Vec::new();
    let html = "<h2 id=\"user-content-x\" class=\"language-js\" style=\"color:red\"><a href=\"#user-content-x\">a</a></h2>";
    check_allowed(&parse_html5(html), "", &schema, &mut problems);
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn reserializing_keeps_text() {
    let html = "<pre>\n\nx</pre><p title=\"a&quot;b\">&#13;&lt;&amp;\u{A0}</p>";
    let parsed = parse_html5(html);
    let mut again = String::new();
    serialize(&parsed, None, &mut again);
    assert_eq!(
        again,
        "<pre>\n\nx</pre><p title=\"a&quot;b\">&#13;&lt;&amp;&nbsp;</p>"
    );
    assert_eq!(difference(&parsed, &parse_html5(&again), ""), None);
}
