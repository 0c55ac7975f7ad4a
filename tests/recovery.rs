//! Error recovery: every broken document in `tests/fixtures/recovery` still
//! renders its other blocks, shows the faulty block as escaped source in an
//! element with class `mdx-error`, and reports an error whose line and
//! column (1-based, UTF-16) point at the fault (a warning, for what a
//! site build accepts: a fence or an admonition never closed).
//!
//! The fixture runner checks the exact output; this file states, per case,
//! what must hold, so a blessed fixture cannot hide a regression.

use mdx_preview::{Format, Options, Rendered, Severity, render};
use std::path::Path;

/// Case, (line, column) of the first error, its rule, text of a block that
/// must still render outside the error, and source shown in `mdx-error`
/// (escaped as HTML).
type Case = (
    &'static str,
    (usize, usize),
    &'static str,
    &'static str,
    &'static str,
);

/// Rules of what a site build accepts: reported as warnings.
const WARNINGS: &[&str] = &["unclosed-admonition", "unclosed-code-fence"];

const CASES: &[Case] = &[
    (
        "attribute-without-value",
        (3, 9),
        "unexpected-character",
        "<p>After.</p>",
        "&lt;a href=&gt;link&lt;/a&gt;",
    ),
    (
        "bad-yaml",
        (2, 8),
        "invalid-frontmatter",
        "<p>Body.</p>",
        "title: [unclosed",
    ),
    (
        "bad-yaml-tab",
        (3, 1),
        "invalid-frontmatter",
        "<p>Body.</p>",
        "\tauthor: tab",
    ),
    (
        "closing-slash-wrong",
        (3, 8),
        "mdx-syntax",
        "<p>End.</p>",
        "&lt;b&gt;x&lt;/b/&gt;",
    ),
    (
        "expression-syntax-error",
        (3, 17),
        "invalid-expression",
        "<p>After.</p>",
        "The value is {b c} here.",
    ),
    (
        "import-missing-from",
        (1, 10),
        "invalid-esm",
        ">Post</h1>",
        "import a './a.png'",
    ),
    (
        "import-unquoted",
        (1, 15),
        "invalid-esm",
        ">Post</h1>",
        "import a from ./a.png",
    ),
    (
        "invalid-attribute-name",
        (3, 4),
        "unexpected-character",
        "<p>More.</p>",
        "&lt;a 1x=&quot;y&quot;&gt;",
    ),
    (
        "jsx-in-attribute-unclosed",
        (3, 11),
        "end-tag-mismatch",
        "<p>After.</p>",
        "&lt;X light={&lt;a href=&quot;/s&quot;&gt;x} /&gt;",
    ),
    (
        "jsx-in-list",
        (2, 8),
        "end-tag-mismatch",
        "<p>After list.</p>",
        "- item &lt;span&gt;two",
    ),
    (
        "jsx-in-quote",
        (1, 10),
        "end-tag-mismatch",
        "<p>Outside.</p>",
        "&gt; quoted &lt;em&gt;never closed",
    ),
    (
        "korean-error",
        (3, 8),
        "end-tag-mismatch",
        "<p>다음 문단.</p>",
        "한국어 문장 &lt;b&gt;닫히지 않음",
    ),
    (
        "lazy-jsx",
        (1, 3),
        "end-tag-mismatch",
        "<p>After.</p>",
        "&gt; &lt;div&gt;",
    ),
    (
        "malformed-import",
        (1, 8),
        "invalid-esm",
        "<p>Body.</p>",
        "import from './a.png';",
    ),
    (
        "mismatched-across-blocks",
        (7, 1),
        "end-tag-mismatch",
        "<p>content</p>",
        "&lt;/aside&gt;",
    ),
    (
        "mismatched-tags",
        (3, 10),
        "end-tag-mismatch",
        "<p>Next paragraph.</p>",
        "&lt;div&gt;text&lt;/span&gt;",
    ),
    (
        "nested-blank-line",
        (5, 3),
        "end-tag-mismatch",
        "<p>After.</p>",
        "    &lt;a&gt;\n  &lt;/div&gt;",
    ),
    (
        "stray-brace",
        (1, 5),
        "unexpected-eof",
        ">Later</h2>",
        "Use { in text.",
    ),
    (
        "stray-lt",
        (3, 7),
        "unexpected-character",
        "<p>fine.</p>",
        "If a &lt;3 b then c.",
    ),
    (
        "stray-lt-letter",
        (1, 10),
        "end-tag-mismatch",
        "<p>Then more.</p>",
        "Compare x&lt;y and y&gt;z here.",
    ),
    (
        "two-errors",
        (3, 1),
        "end-tag-mismatch",
        "<p>Middle.</p>",
        "{oops",
    ),
    (
        "unclosed-admonition",
        (3, 1),
        "unclosed-admonition",
        ">B</h2>",
        ":::tip",
    ),
    (
        "unclosed-attribute-expression",
        (1, 12),
        "unexpected-eof",
        "<p>Text after.</p>",
        "&lt;div style={{color: 'red'}&gt;",
    ),
    (
        "unclosed-attribute-string",
        (3, 10),
        "unexpected-eof",
        ">Next</h2>",
        "&lt;img src=&quot;a.png",
    ),
    (
        "unclosed-comment",
        (3, 1),
        "unclosed-comment",
        "<p>Body.</p>",
        "&lt;!-- never closed\nstill comment",
    ),
    (
        "unclosed-component",
        (3, 1),
        "end-tag-mismatch",
        "<p>Content.</p>",
        "&lt;Tabs&gt;",
    ),
    (
        "unclosed-div",
        (5, 1),
        "end-tag-mismatch",
        "<p>Still here.</p>",
        "&lt;div&gt;",
    ),
    (
        "unclosed-fence",
        (3, 1),
        "unclosed-code-fence",
        ">After the fence</h2>",
        "```js\nconst a = 1;",
    ),
    (
        "unclosed-tab-item",
        (19, 1),
        "end-tag-mismatch",
        "<p>After.</p>",
        "&lt;/Tabs&gt;",
    ),
    (
        "unfinished-tag-in-heading",
        (1, 4),
        "unexpected-eof",
        "<p>Still here.</p>",
        "## &lt;Highlights",
    ),
    (
        "unfinished-tag-in-list",
        (4, 13),
        "unexpected-eof",
        "<p>Still here.</p>",
        "1. Generate &lt;the project",
    ),
    (
        "unterminated-expression",
        (3, 1),
        "unexpected-eof",
        ">B</h1>",
        "{unterminated",
    ),
    (
        "unterminated-text-expression",
        (1, 6),
        "unexpected-eof",
        ">Next</h2>",
        "Some {text here",
    ),
];

fn render_case(name: &str) -> (String, Rendered) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/recovery")
        .join(name)
        .join("input.mdx");
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("should read {}: {error}", path.display()));
    let options = Options {
        format: Format::Mdx,
        source_lines: false,
        ..Options::default()
    };
    let rendered = render(&source, &options).expect("default options are valid");
    (source, rendered)
}

/// The HTML with every `mdx-error` element cut out, and the error
/// elements' contents.
fn split_errors(html: &str) -> (String, Vec<String>) {
    let mut rest = String::new();
    let mut errors = Vec::new();
    let mut at = 0;
    let open = "<pre class=\"mdx-error\">";
    while let Some(start) = html[at..].find(open) {
        let start = at + start;
        rest.push_str(&html[at..start]);
        let content_start = start + open.len();
        let end = html[content_start..]
            .find("</pre>")
            .map_or(html.len(), |e| content_start + e);
        errors.push(html[content_start..end].to_string());
        at = (end + "</pre>".len()).min(html.len());
    }
    rest.push_str(&html[at..]);
    (rest, errors)
}

#[test]
fn every_recovery_fixture_is_listed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/recovery");
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .expect("should list the recovery fixtures")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    folders.sort();
    let listed: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    assert_eq!(
        folders, listed,
        "should list every recovery fixture, in order"
    );
    assert!(
        CASES.len() >= 25,
        "should have at least 25 broken documents"
    );
}

#[test]
fn broken_documents_recover() {
    let mut failures = Vec::new();
    for &(name, (line, column), rule, kept, shown) in CASES {
        let (_, rendered) = render_case(name);
        let (rest, errors) = split_errors(&rendered.html);
        // What a site build takes (a fence or admonition never closed) is
        // a warning; anything else an error.
        let severity = if WARNINGS.contains(&rule) {
            Severity::Warning
        } else {
            Severity::Error
        };
        let first_error = rendered.diagnostics.iter().find(|d| d.severity == severity);
        let mut problems = Vec::new();
        match first_error {
            Some(d) if (d.line, d.column) == (line, column) && d.rule_id == rule => {}
            Some(d) => problems.push(format!(
                "first error should be {rule} at {line}:{column}, got {} at {}:{} ({})",
                d.rule_id, d.line, d.column, d.message
            )),
            None => problems.push("should report an error".into()),
        }
        if errors.is_empty() {
            problems.push("should show the faulty block in an `mdx-error` element".into());
        }
        if !errors.iter().any(|e| e.contains(shown)) {
            problems.push(format!(
                "should show {shown:?} escaped in `mdx-error`, got {errors:?}"
            ));
        }
        if !rest.contains(kept) {
            problems.push(format!(
                "should still render {kept:?} outside the error, got {rest:?}"
            ));
        }
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_source_line_survives() {
    // Nothing the writer wrote is lost: each non-blank line of a broken
    // document appears in the HTML, rendered or as escaped source.
    for &(name, ..) in CASES {
        let (source, rendered) = render_case(name);
        let text = rendered
            .html
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        // Valid ESM is code, not content: it is not shown.
        let shown_lines = source
            .lines()
            .filter(|line| name.contains("import") || !line.starts_with("import "));
        for word in shown_lines.flat_map(str::split_whitespace) {
            let word = word.trim_matches(|c: char| "#-:*`>[]{}<>/'\";=!".contains(c));
            if word.len() < 3 || ["import", "from", "title", "tags", "author"].contains(&word) {
                continue;
            }
            assert!(
                text.contains(word),
                "{name}: should keep {word:?} somewhere in {text:?}"
            );
        }
    }
}

/// markdown-rs stretches a list item over the blank lines after it, and a
/// faulty block is blank lines once masked: the block must still come
/// after the list, not inside its last item.
#[test]
fn a_faulty_block_after_a_list_stays_after_it() {
    for (source, options) in [
        ("- a\n- b\n\n<!--\n\nAfter\n", Options::default()),
        (
            "1. a\n\n   b\n\nBAD\n",
            Options {
                isolate: vec!["BAD".into()],
                ..Options::default()
            },
        ),
    ] {
        let out = render(source, &options).expect("valid options");
        let list_end = out.html.find("</li>\n</").expect("a list");
        let pre = out.html.find("<pre class=\"mdx-error\"").expect("a fault");
        assert!(list_end < pre, "{source:?}: {}", out.html);
        assert!(
            out.html[pre..].starts_with("<pre class=\"mdx-error\" data-line="),
            "a top-level block: {}",
            out.html
        );
    }
}

/// In markdown an HTML comment opened at a line start and never closed
/// would hide everything after it (CommonMark): as in MDX, its block is
/// shown as source with an error and the rest renders. Closed comments and
/// comments in code stay as they were.
#[test]
fn an_unclosed_comment_in_markdown_hides_nothing_else() {
    let md = Options {
        format: Format::Md,
        ..Options::default()
    };
    let out = render("a\n\n<!--\nnot closed\n\nvisible *too*\n", &md).expect("valid");
    assert!(
        out.html
            .contains("<pre class=\"mdx-error\" data-line=\"3\">&lt;!--\nnot closed</pre>"),
        "{}",
        out.html
    );
    assert!(out.html.contains("<em>too</em>"), "{}", out.html);
    let error = &out.diagnostics[0];
    assert_eq!(
        (error.rule_id.as_str(), error.line, error.column),
        ("unclosed-comment", 3, 1)
    );
    for fine in ["a\n\n<!--\nclosed\n-->\n\nb\n", "```\n<!--\n```\n\nb\n"] {
        let out = render(fine, &md).expect("valid");
        assert!(
            out.diagnostics.is_empty(),
            "{fine:?}: {:?}",
            out.diagnostics
        );
    }
}

/// A block that error recovery masked, right after a nested list, is shown
/// after the list and not in its last item, where markdown-rs's stretched
/// item range (over what it saw as blank lines) would put it (found by
/// tests/chunks.rs: parsed in chunks, it was already right).
#[test]
fn a_broken_block_after_a_nested_list_is_shown_after_the_list() {
    let source = "**P**\n- a\n- b\n  - c\n\n\n## 11. x\n### y {z\n\nAfter.\n";
    let rendered = render(source, &Options::default()).expect("valid options");
    assert!(
        rendered
            .html
            .contains("</ul>\n<pre class=\"mdx-error\" data-line=\"7\">## 11. x"),
        "the broken heading should follow the list: {}",
        rendered.html
    );
}

/// An expression left open at the end of the document (here an attribute
/// expression of a tag that never ends) is not blamed on an ESM block
/// before it whose braces do not balance: the parser ends ESM at a blank
/// line, so the ESM is fine and stays out of the HTML (found by
/// `make fuzz FUZZ_TARGET=edits`: the ESM block was shown as the error).
#[test]
fn an_error_at_the_end_is_not_blamed_on_esm_before_it() {
    let source = "export const meta = {{tags: 1}\n\n<img\n\n{/* a comment */}\n";
    let rendered = render(source, &Options::default()).expect("valid options");
    assert!(
        !rendered.html.contains("export const"),
        "the ESM should not be shown as an error: {}",
        rendered.html
    );
    let errors: Vec<_> = rendered
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(
        !errors.is_empty() && errors.iter().all(|d| d.line > 1),
        "the error should be after the ESM: {errors:?}"
    );
}

/// A `{` in a link's destination is part of the URL, not an expression:
/// an expression left open in a later paragraph is that paragraph's
/// error alone. (The search for the unclosed `{` took the first one that
/// no `}` follows; it now asks markdown-rs whether that `{`'s block parses
/// alone. Found by the incremental engine's random edits on a Jest doc.)
#[test]
fn a_brace_in_a_link_destination_is_not_blamed_for_a_later_open_expression() {
    let source = "Read [the post](https://example.com/web{storm/) to learn more.\n\n\
                  As our user{s have found.\n";
    let rendered = render(source, &Options::default()).expect("valid options");
    assert!(
        rendered
            .html
            .contains(r#"<a href="https://example.com/web%7Bstorm/""#),
        "the link should stay a link: {}",
        rendered.html
    );
    let lines: Vec<_> = rendered.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, [3], "{:?}", rendered.diagnostics);
    // Two expressions left open: each paragraph is its own error.
    let source = "Read web{storm more.\n\nAs our user{s have found.\n";
    let rendered = render(source, &Options::default()).expect("valid options");
    let lines: Vec<_> = rendered.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, [1, 3], "{:?}", rendered.diagnostics);
}
