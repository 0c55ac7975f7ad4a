//! CommonMark conformance: every example of the CommonMark spec, rendered as
//! Markdown (`format: md`, no `data-line`), compared with the spec's HTML.
//!
//! Examples without raw HTML must match exactly, after a normalization that
//! only undoes two deliberate differences of ours:
//!
//! * headings carry an `id` (for the table of contents): `<h2 id="…">` is
//!   compared as `<h2>`;
//! * links get `rel="noopener noreferrer"`: it is removed.
//!
//! Examples with raw HTML are sanitized by design, so they can only be
//! rendered (which must not panic) and counted.
//!
//! A few examples without raw HTML cannot match because our dialect differs
//! from plain CommonMark on purpose (GFM autolinks, front matter, the URL
//! allowlist, prefixed in-document links). They are listed, with the reason,
//! in [`DELIBERATE_DIFFERENCES`]; a listed example that starts to match is a
//! failure too, so the list stays exact.
//!
//! `tests/data/commonmark-spec.json` is generated from the npm package
//! `commonmark-spec` (licence in `tests/data/commonmark-spec-LICENSE`). To
//! regenerate it, install the package in a scratch folder and write
//! `{ generated, license, examples: tests.map(({number, section, markdown,
//! html}) => …) }` as pretty JSON, replacing every `→` with a tab in
//! `markdown` and `html` (the spec writes tabs as `→`; its own runner does
//! the same replacement).

use markdown::mdast::Node;
use mdx_preview::{Format, Options, render};
use serde::Deserialize;

/// Examples without raw HTML whose output differs from the spec by design
/// (DESIGN.md §3 and §5), and why.
const DELIBERATE_DIFFERENCES: &[(usize, &str)] = &[
    (96, "a `---` block at the start is YAML front matter"),
    (
        98,
        "`---` + `---` at the start is an empty YAML front matter block",
    ),
    (
        127,
        "code starting with a blank line loses one line ending, as Docusaurus's Markdown (rehype-raw) shows it",
    ),
    (
        129,
        "code starting with a blank line loses one line ending, as Docusaurus's Markdown (rehype-raw) shows it",
    ),
    (
        500,
        "`foo):` looks like a URL scheme outside the href allowlist",
    ),
    (501, "in-document links `#x` point at the prefixed id"),
    (596, "`irc:` is outside the href allowlist"),
    (598, "`a+b+c:` is outside the href allowlist"),
    (599, "`made-up-scheme:` is outside the href allowlist"),
    (601, "`localhost:` is outside the href allowlist"),
    (602, "GFM autolinks a bare URL"),
    (608, "GFM autolinks a bare URL"),
    (611, "GFM autolinks a bare URL"),
    (612, "GFM autolinks a bare email address"),
];

#[derive(Deserialize)]
struct Spec {
    examples: Vec<Example>,
}

#[derive(Deserialize)]
struct Example {
    number: usize,
    section: String,
    markdown: String,
    html: String,
}

fn load_spec() -> Spec {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/commonmark-spec.json"
    );
    let text = std::fs::read_to_string(path).expect("should read the CommonMark examples");
    serde_json::from_str(&text).expect("should parse the CommonMark examples")
}

/// Whether markdown-rs (with GFM, as our `md` format) finds raw HTML in
/// `source`. Walks the tree with an explicit stack, so deep nesting cannot
/// overflow the call stack.
fn has_raw_html(source: &str) -> bool {
    let tree = markdown::to_mdast(source, &markdown::ParseOptions::gfm())
        .expect("markdown (not MDX) should always parse");
    let mut stack = vec![&tree];
    while let Some(node) = stack.pop() {
        if matches!(node, Node::Html(_)) {
            return true;
        }
        if let Some(children) = node.children() {
            stack.extend(children);
        }
    }
    false
}

/// Undo our deliberate differences from CommonMark's HTML (see the module
/// docs): drop `id="…"` from `<h1>`–`<h6>` and drop `rel="noopener
/// noreferrer"`.
fn normalize(html: &str) -> String {
    let html = html.replace(" rel=\"noopener noreferrer\"", "");
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<h") {
        let (before, tag) = rest.split_at(start);
        out.push_str(before);
        let is_heading = tag
            .as_bytes()
            .get(2)
            .is_some_and(|b| (b'1'..=b'6').contains(b))
            && tag[3..].starts_with(" id=\"");
        if is_heading {
            let value_start = 3 + " id=\"".len();
            if let Some(value_len) = tag[value_start..].find('"') {
                out.push_str(&tag[..3]);
                rest = &tag[value_start + value_len + 1..];
                continue;
            }
        }
        out.push_str("<h");
        rest = &tag[2..];
    }
    out.push_str(rest);
    out
}

#[test]
fn normalize_only_touches_heading_ids_and_rel() {
    assert_eq!(
        normalize("<h2 id=\"user-content-a-b\">A <em>b</em></h2>\n<hr />"),
        "<h2>A <em>b</em></h2>\n<hr />",
        "should drop a heading id"
    );
    assert_eq!(
        normalize("<p><a href=\"#x\" rel=\"noopener noreferrer\">x</a></p>"),
        "<p><a href=\"#x\">x</a></p>",
        "should drop rel"
    );
    assert_eq!(
        normalize("<hr id=\"a\" /><h7 id=\"b\"><html id=\"c\">"),
        "<hr id=\"a\" /><h7 id=\"b\"><html id=\"c\">",
        "should leave other ids alone"
    );
}

#[test]
fn commonmark_spec() {
    let spec = load_spec();
    let options = Options {
        format: Format::Md,
        source_lines: false,
        ..Options::default()
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut stale_differences = Vec::new();
    let (mut raw_html, mut raw_html_identical) = (0, 0);

    for example in &spec.examples {
        let rendered = render(&example.markdown, &options).expect("options should be valid");
        let got = normalize(&rendered.html);
        if has_raw_html(&example.markdown) {
            raw_html += 1;
            raw_html_identical += usize::from(got == example.html);
            continue;
        }
        if let Some((_, reason)) = DELIBERATE_DIFFERENCES
            .iter()
            .find(|(number, _)| *number == example.number)
        {
            if got == example.html {
                eprintln!(
                    "---- example {} matches but is listed as a deliberate difference ({reason}): \
                     remove it from DELIBERATE_DIFFERENCES\n",
                    example.number
                );
                stale_differences.push(example.number);
            }
            continue;
        }
        checked += 1;
        if got != example.html {
            failures.push(example);
            eprintln!(
                "---- example {} ({})\nmarkdown:\n{}\nexpected:\n{}\ngot:\n{}\n",
                example.number,
                example.section,
                indent(&example.markdown),
                indent(&example.html),
                indent(&got)
            );
        }
    }

    println!(
        "CommonMark examples: {}; without raw HTML: {checked}, passing: {}",
        spec.examples.len(),
        checked - failures.len()
    );
    println!("raw HTML examples: {raw_html}, identical: {raw_html_identical}");
    println!(
        "deliberate differences: {}, now matching: {stale_differences:?}",
        DELIBERATE_DIFFERENCES.len()
    );
    assert!(
        failures.is_empty() && stale_differences.is_empty(),
        "{} of {checked} CommonMark examples without raw HTML fail (details above): {:?}; \
         listed as deliberate differences but matching: {stale_differences:?}",
        failures.len(),
        failures.iter().map(|e| e.number).collect::<Vec<_>>()
    );
}

/// Show text indented, with tabs and line ends visible.
fn indent(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| format!("    {}", line.replace('\t', "→").replace('\n', "⏎\n")))
        .collect::<String>()
}

#[test]
fn raw_html_detection() {
    assert!(has_raw_html("<div>\nx\n</div>\n"), "should find block HTML");
    assert!(
        has_raw_html("> - a <b>c</b>\n"),
        "should find nested inline HTML"
    );
    assert!(
        !has_raw_html("`<b>` and \\<b>\n"),
        "should ignore code and escapes"
    );
}
