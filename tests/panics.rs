//! Every input reported to make markdown-rs 1.0.0 panic — its issues and
//! pull requests, reports against projects that use it, and our own fuzzer's
//! findings — and how each renders now, in both formats:
//!
//! - `Fine`: no panic (fixed upstream, or not reached with our options);
//! - `Reported(rule)`: no panic, and the block is reported as `rule`: a
//!   workaround in `src/guard.rs` (or the pre-pass) does better than
//!   containment and reports the writer's own mistake, or markdown-rs stops
//!   at a syntax error before the panic;
//! - `Contained`: the block is shown as source with an `internal-error`
//!   diagnostic (`src/contain.rs`), the rest renders.
//!
//! Each input ends a document after a paragraph (several panic only at the
//! end of the document); front matter shapes start one, before a
//! paragraph. That paragraph must render whatever happens: as little as
//! possible is lost. A contained panic must be one of the known ones
//! (`KNOWN_PANICS` in `tests/fuzz/check.rs`).

#[path = "fuzz/check.rs"]
#[allow(dead_code)]
mod check;

use mdx_preview::{Format, Options, Rendered};

/// How an input renders.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Fine,
    Reported(&'static str),
    Contained,
}
use Outcome::{Contained, Fine, Reported};

/// (where it was reported, input, outcome in `md`, outcome in `mdx`).
const CASES: &[(&str, &str, Outcome, Outcome)] = &[
    // wooorm/markdown-rs issues and pull requests.
    (
        "markdown-rs#31, #208",
        "=\n=\n=\na\n=",
        Contained,
        Contained,
    ),
    (
        "markdown-rs#22, #210",
        "[:]:a\n-\na\n-",
        Contained,
        Contained,
    ),
    (
        "markdown-rs#22, #210",
        "a\n-\n--\na\n-",
        Contained,
        Contained,
    ),
    ("markdown-rs#210", "x\n=\n=\nx\n=", Contained, Contained),
    (
        "markdown-rs#210",
        "Foo *bar*\n=========\n---------\nr*\n=========\n--------",
        Contained,
        Contained,
    ),
    ("markdown-rs#193", "t\n=\n=\n\\=\n=", Contained, Contained),
    (
        "markdown-rs#139, #219",
        "Hi <>\n=====",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    ("markdown-rs#136", "{1}<x/>", Fine, Fine),
    ("markdown-rs#50", "[![]()]()", Fine, Fine),
    ("markdown-rs#50", "![![]()]()", Fine, Fine),
    // The first line is taken out before markdown-rs tries front matter
    // (src/prepass.rs): a thematic break.
    ("markdown-rs#213", "---\n\n- 111\n- 222\n- 333", Fine, Fine),
    (
        "markdown-rs#121",
        "---\ntitle: Some frontmatter\n--\n\nSome other content",
        Reported("unclosed-frontmatter"),
        Reported("unclosed-frontmatter"),
    ),
    (
        "markdown-rs#206",
        "<![C&#;",
        Contained,
        Reported("unexpected-character"),
    ),
    // markdown-rs's own fuzz regressions (tests/fuzz.rs there: GH-13 to
    // GH-26), fixed before 1.0.0.
    ("markdown-rs fuzz 1", "[\n~\na\n-", Fine, Fine),
    ("markdown-rs fuzz 2", "a@b.c+d@e.f", Fine, Fine),
    ("markdown-rs fuzz 3", "    x\n*    ", Fine, Fine),
    ("markdown-rs fuzz 3", "    a\n*     b", Fine, Fine),
    ("markdown-rs#13", "_  ", Fine, Fine),
    ("markdown-rs#14", "a ~ ", Fine, Fine),
    ("markdown-rs#16", "> ```", Fine, Fine),
    ("markdown-rs#16", "- ```", Fine, Fine),
    ("markdown-rs#17", "123456789. ok", Fine, Fine),
    ("markdown-rs#18", "a\tb@c.d", Fine, Fine),
    ("markdown-rs#19", "> x\n``", Fine, Fine),
    ("markdown-rs#20", "| a |\n| - |\n| www.a|", Fine, Fine),
    ("markdown-rs#21", "[*]() [*]()", Fine, Fine),
    // An unclosed fence ends a list item and a list of the other kind
    // follows: the shape of #23 (a pull request adding it as a failing
    // test). These inputs are ours, minimized from a corpus post mutated
    // in the differential of 2026-12-04's wasm-opt change.
    ("markdown-rs#23", "- ```\n1.", Contained, Contained),
    ("markdown-rs#23", "1. ```\n*", Contained, Contained),
    ("markdown-rs#24", "* [ ]\na", Fine, Fine),
    ("markdown-rs#26", "<", Fine, Fine),
    ("markdown-rs#42, #141", "* ", Fine, Fine),
    ("markdown-rs#42, #141", "- ", Fine, Fine),
    // Reported against projects that use markdown-rs.
    (
        "rvben/rumdl#872",
        "[<span>text](/x)",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "parcel-bundler/parcel#10130",
        "<a href=\"?q=1&r\">x</a>",
        Fine,
        Fine,
    ),
    // Our fuzzer and mutation tests (tests/fuzz/regressions).
    (
        "fuzz: table, list item",
        "| a |\n| - |\n- <",
        Contained,
        Contained,
    ),
    (
        "fuzz: table, list item",
        "| a |\n| - |\n1. <v",
        Contained,
        Contained,
    ),
    (
        "fuzz: table, list item",
        "| a |\n| - |\n  - <v",
        Contained,
        Contained,
    ),
    (
        "fuzz: table, list item",
        "| a |\n| - |\n| x |\n- <",
        Contained,
        Contained,
    ),
    (
        "fuzz: table, quote",
        "| a |\n| - |\n> <v",
        Contained,
        Contained,
    ),
    (
        "fuzz: table, admonition",
        "| a | b |\n| - | - |\n:::\n1. <v.",
        Fine,
        Contained,
    ),
    (
        "fuzz: lazy quote, table",
        "> <div>\nlazy \n|-|\nline\n> </d",
        Contained,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: lazy quote, table",
        "> <div>\na\n|-|\nb\n> <",
        Contained,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: doubled underline",
        "o\n-\n--\nx\n-",
        Contained,
        Contained,
    ),
    (
        "fuzz: doubled underline",
        "o\n=\n==\nx\n=",
        Contained,
        Contained,
    ),
    (
        "fuzz: doubled underline",
        "o\n-\n---\nx\ny\n--",
        Contained,
        Contained,
    ),
    (
        "fuzz: tag at underline",
        "a <b>\n---",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag at underline",
        "a <b c='d'>\n===",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag at underline",
        "a <>\n---",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag at underline",
        "<b>a\n---",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag at underline",
        "a <b>\nc\n---",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag at underline",
        "> a <b>\n> ---",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag at underline",
        "- a <b>\n  -",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag at underline",
        "a <b>[^1]\n---",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag at underline",
        "a <b>\n=\n</b>",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag at underline",
        "\u{FFFD}<>\n=\n</>",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag at underline",
        "<b>x\n- \n</b/>$$",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: code span at underline",
        "`<>\n-\n`",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: code span at underline",
        "a `b <c>\n---\nd` e",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: code span at underline",
        "`<>``\n-",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: code span at underline",
        "``<>`\n===",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: code span at underline",
        "a ```<b>`` c\n---",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: expression at underline",
        "<>{</>'}e\n-",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag in a link label",
        "![a<b>c](d)",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag in a link label",
        "[a<b>c](d)",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: tag in a link label",
        "[![a<b>](x)](y)",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: front matter",
        "---\nt\n\t1. b",
        Reported("unclosed-frontmatter"),
        Reported("unclosed-frontmatter"),
    ),
    (
        "fuzz: front matter",
        "---\ntitle\n[^1]: : ok\n\t1. au&#",
        Reported("unclosed-frontmatter"),
        Reported("unclosed-frontmatter"),
    ),
    ("fuzz: front matter", "---\n\n[^1]: a\n\t1. b", Fine, Fine),
    (
        "fuzz: open reference",
        "<d a=\"x&r\">",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    ("fuzz: open reference", "<d a=\"&#x1F\" />", Fine, Fine),
    (
        "fuzz: open reference",
        "<d a='&#12'>\n\ntext",
        Fine,
        Reported("end-tag-mismatch"),
    ),
    (
        "fuzz: open reference",
        "<d a=\"&r\">\u{1a}</d>",
        Fine,
        Reported("input-too-complex"),
    ),
];

fn render(source: &str, format: Format) -> Rendered {
    let options = Options {
        format,
        ..Options::default()
    };
    let rendered = check::render_checked(source, &options).expect("valid options");
    check::check(source, &options, &rendered, None);
    rendered
}

#[test]
fn every_reported_panic_renders_with_as_little_lost_as_possible() {
    let mut failures = Vec::new();
    for &(report, input, md, mdx) in CASES {
        for (format, expected) in [(Format::Md, md), (Format::Mdx, mdx)] {
            let front_matter = input.starts_with("---");
            let (source, line) = if front_matter {
                (format!("{input}\n\nOther *text*.\n"), 1)
            } else {
                (format!("Other *text*.\n\n{input}"), 3)
            };
            let out = render(&source, format);
            let rules: Vec<&str> = out.diagnostics.iter().map(|d| d.rule_id.as_str()).collect();
            let internal = rules.iter().filter(|r| **r == "internal-error").count();
            let ok = match expected {
                Fine => internal == 0,
                Reported(rule) => internal == 0 && rules.contains(&rule),
                // The block (the input: it has no blank line) as source.
                Contained => {
                    let escaped =
                        mdx_preview::hast::to_html(&[mdx_preview::hast::Node::text(input)]);
                    internal == 1
                        && out.html.contains(&format!(
                            "<pre class=\"mdx-error\" data-line=\"{line}\">{escaped}</pre>"
                        ))
                }
            };
            if !ok || !out.html.contains("Other <em>text</em>.</p>") {
                failures.push(format!(
                    "{report} {input:?} ({format:?}): expected {expected:?}, got {rules:?}\n{}",
                    out.html
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The writer's fix for a contained block works: with a blank line after
/// the first heading both headings render.
#[test]
fn a_doubled_underline_is_contained_and_a_blank_line_fixes_it() {
    let out = render("p\n\no\n-\n--\nx\n-\n\nafter\n", Format::Mdx);
    assert!(
        out.html
            .contains("<pre class=\"mdx-error\" data-line=\"3\">o\n-\n--\nx\n-</pre>"),
        "{}",
        out.html
    );
    assert!(out.html.contains("<p data-line=\"1\">p</p>"));
    assert!(out.html.contains("<p data-line=\"9\">after</p>"));
    let error = &out.diagnostics[0];
    assert_eq!(
        (error.rule_id.as_str(), error.line, error.column),
        ("internal-error", 3, 1)
    );
    let fixed = render("o\n-\n\n--\nx\n-\n", Format::Mdx);
    assert_eq!(fixed.html.matches("<h2").count(), 2, "{}", fixed.html);
    assert!(fixed.diagnostics.is_empty(), "{:?}", fixed.diagnostics);
}

/// `guard::OPEN_REFERENCE`: the `&` of an attribute value that ends in
/// what looks like a character reference is kept (hidden from the parser,
/// which would panic on it, and given back).
#[test]
fn open_reference_at_the_end_of_an_attribute_value_is_kept() {
    let source = "<a href=\"https://example.com/?q=1&r\">link</a> and `x=\"&amp\"`\n";
    let out = render(source, Format::Mdx);
    assert!(
        out.html.contains("href=\"https://example.com/?q=1&amp;r\""),
        "should keep the & in the href: {}",
        out.html
    );
    assert!(
        out.html.contains("<code>x=&quot;&amp;amp&quot;</code>"),
        "should keep the & in code: {}",
        out.html
    );
    assert!(
        !out.html.contains('\u{1a}'),
        "no stand-in left: {}",
        out.html
    );
    // Where the parser does not take it as a tag, the text keeps its `&`.
    let out = render("<d a=\"\n\n&r\">\n", Format::Mdx);
    assert!(out.html.contains("&amp;r&quot;"), "{}", out.html);
}

/// `guard::unclosed_text_tag`: the writer's mistake, with its position.
#[test]
fn unclosed_jsx_in_a_setext_heading_or_link_label_is_the_writers_error() {
    for (source, tag) in [("Hi <b>\n=====\n", "<b>"), ("[<span>text](/x)\n", "<span>")] {
        let out = render(source, Format::Mdx);
        let error = &out.diagnostics[0];
        assert_eq!(error.rule_id, "end-tag-mismatch", "{source:?}");
        assert_eq!(
            error.message,
            format!("Expected a closing tag for `{tag}` before the end of this block")
        );
        assert_eq!(&source[error.offset..error.end_offset], tag);
    }
}

/// The native incremental engine contains a panic as `render` does: the
/// keystroke that makes a block panic shows that block as source, and the
/// engine goes on matching a full render, through edits elsewhere and the
/// writer's fix.
#[test]
fn the_incremental_engine_contains_a_panic_and_goes_on() {
    use mdx_preview::incremental::Incremental;
    for format in [Format::Md, Format::Mdx] {
        let options = Options {
            format,
            ..Options::default()
        };
        let mut engine = Incremental::new(options.clone()).expect("valid options");
        let mut source = String::from("Intro *text*.\n\n=\n=\n=\na\n\nOutro.\n");
        engine.update(&source);
        // Each step: (from, to, text) in UTF-16 offsets = bytes here.
        let steps: &[(usize, usize, &str)] = &[
            (23, 23, "="),    // the underline that panics markdown-rs
            (0, 0, "More. "), // an edit elsewhere, the block still there
            (25, 25, "\n"),   // the writer's fix: a blank line in it
        ];
        let mut contained = 0;
        for &(from, to, text) in steps {
            source.replace_range(from..to, text);
            let update = engine.edit(from, to, text);
            let got = update.rendered();
            let want = mdx_preview::render(&source, &options).expect("valid options");
            assert_eq!(
                got.html, want.html,
                "{format:?} after {text:?} in {source:?}"
            );
            assert_eq!(got.diagnostics, want.diagnostics, "{format:?} {source:?}");
            let internal = want
                .diagnostics
                .iter()
                .filter(|d| d.rule_id == "internal-error")
                .count();
            contained += internal;
            assert!(want.html.contains("<em>text</em>"), "{}", want.html);
        }
        assert_eq!(
            contained, 2,
            "the first two steps are contained ({format:?})"
        );
    }
}
