//! Hostile shapes: inputs that make naive parsers overflow the stack or go
//! quadratic. Each renders on a thread with a 1 MiB stack (what a wasm
//! module gets by default), answers, and degrades the block with an
//! `input-too-complex` diagnostic instead of parsing it where a cap is
//! passed. No timing here: the benchmarks measure time.

use mdx_preview::{Format, Options, Rendered, render};

/// Render on a small stack; a stack overflow aborts the test binary.
fn render_small_stack(source: String, format: Format) -> Rendered {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let options = Options {
                format,
                ..Options::default()
            };
            render(&source, &options).expect("default options are valid")
        })
        .expect("should spawn a thread")
        .join()
        .expect("should not panic")
}

fn assert_degraded(name: &str, source: String, format: Format) {
    let length = source.len();
    let rendered = render_small_stack(source, format);
    assert!(
        rendered
            .diagnostics
            .iter()
            .any(|d| d.rule_id == "input-too-complex"),
        "{name}: should report `input-too-complex`, got {:?}",
        rendered.diagnostics
    );
    assert!(
        rendered.html.contains("class=\"mdx-error\""),
        "{name}: should show the block as escaped text"
    );
    assert!(
        rendered.html.len() < length * 6 + 1000,
        "{name}: should give a bounded answer ({} bytes for {length})",
        rendered.html.len()
    );
}

#[test]
fn deep_block_quotes() {
    for format in [Format::Md, Format::Mdx] {
        assert_degraded("quotes", "> ".repeat(25_000), format);
    }
}

#[test]
fn deep_lists() {
    for format in [Format::Md, Format::Mdx] {
        // `- - - …` alone is a thematic break…
        let rendered = render_small_stack("- ".repeat(4_000), format);
        assert!(
            rendered.html.starts_with("<hr"),
            "should be a thematic break"
        );
        // …with text after it, 4 000 nested lists.
        assert_degraded("lists", format!("{}a", "- ".repeat(4_000)), format);
    }
}

#[test]
fn nested_emphasis() {
    let source = format!("{}a{}", "*".repeat(20_000), "*".repeat(20_000));
    for format in [Format::Md, Format::Mdx] {
        assert_degraded("emphasis", source.clone(), format);
    }
}

#[test]
fn open_brackets() {
    for format in [Format::Md, Format::Mdx] {
        assert_degraded("brackets", "[ ".repeat(50_000), format);
    }
}

#[test]
fn blocks_of_many_lines() {
    for format in [Format::Md, Format::Mdx] {
        // One paragraph, one tight list: over the cap, shown as text.
        assert_degraded("paragraph", "a\n".repeat(5_001), format);
        assert_degraded("list", "- a\n".repeat(5_001), format);
        // At the cap, parsed.
        let rendered = render_small_stack("a\n".repeat(5_000), format);
        assert!(
            rendered.diagnostics.is_empty(),
            "{:?}",
            rendered.diagnostics
        );
        assert!(rendered.html.starts_with("<p"), "should be a paragraph");
        // Many lines with blank lines between them are no block of many lines.
        let rendered = render_small_stack("a\n\n".repeat(6_000), format);
        assert!(
            rendered.diagnostics.is_empty(),
            "{:?}",
            rendered.diagnostics
        );
        assert_eq!(rendered.html.matches("<p").count(), 6_000);
    }
}

#[test]
fn unterminated_tags() {
    // Each `<a` without `>` makes the parser scan the rest of the block.
    assert_degraded("tags", "<a ".repeat(10_000), Format::Mdx);
}

#[test]
fn deep_jsx_is_cut_to_text() {
    let source = format!("{}x{}", "<b>".repeat(10_000), "</b>".repeat(10_000));
    let rendered = render_small_stack(source, Format::Mdx);
    assert!(
        rendered
            .diagnostics
            .iter()
            .any(|d| d.rule_id == "input-too-complex"),
        "should report deep nesting, got {:?}",
        rendered.diagnostics
    );
    assert!(rendered.html.contains('x'), "should keep the text");
}

#[test]
fn runs_of_open_braces_and_tags() {
    for source in [
        "{".repeat(10_000),
        "<a ".repeat(10_000),
        "<a\n\n".repeat(2_000),
        "<b>\n\n".repeat(500),
    ] {
        let rendered = render_small_stack(source, Format::Mdx);
        assert!(!rendered.diagnostics.is_empty(), "should report something");
    }
}

fn rep(text: &str, n: usize) -> String {
    text.repeat(n)
}

/// The largest `make(n)` that fits in `bytes` (as `sized` in
/// tests/bench/pathological.mjs).
fn sized(make: &dyn Fn(usize) -> String, bytes: usize) -> String {
    let (mut low, mut high) = (1, 1);
    while make(high).len() <= bytes {
        high *= 2;
    }
    while low < high - 1 {
        let middle = (low + high) / 2;
        if make(middle).len() <= bytes {
            low = middle;
        } else {
            high = middle;
        }
    }
    make(low)
}

/// A pattern of the bench (tests/bench/pathological.mjs, same ids and
/// shapes): (id, shape, formats, whether it is degraded at 100 KB).
type Pattern = (&'static str, fn(usize) -> String, &'static [Format], bool);

const BOTH: &[Format] = &[Format::Md, Format::Mdx];
const MD: &[Format] = &[Format::Md];
const MDX: &[Format] = &[Format::Mdx];

const PATTERNS: &[Pattern] = &[
    (
        "nested-strong-emph",
        |n| rep("*a **a ", n) + "b" + &rep(" a** a*", n),
        BOTH,
        true,
    ),
    ("emph-closers", |n| rep("a_ ", n), BOTH, true),
    ("emph-openers", |n| rep("_a ", n), BOTH, true),
    ("link-closers", |n| rep("a]", n), BOTH, false),
    ("link-openers", |n| rep("[a", n), BOTH, true),
    ("mismatched-emph", |n| rep("*a_ ", n), BOTH, true),
    (
        "emph-multiple-of-3",
        |n| "a**b".to_string() + &rep("c* ", n),
        BOTH,
        true,
    ),
    ("link-emph", |n| rep("[ a_", n), BOTH, true),
    ("paren-bracket", |n| rep("[ (](", n), BOTH, true),
    (
        "nested-brackets",
        |n| rep("[", n) + "a" + &rep("]", n),
        BOTH,
        true,
    ),
    ("image-brackets", |n| rep("![[]()", n), BOTH, true),
    ("unclosed-links-a", |n| rep("[a](<b", n), BOTH, true),
    ("unclosed-links-b", |n| rep("[a](b", n), BOTH, true),
    ("nested-block-quotes", |n| rep("> ", n) + "a\n", BOTH, true),
    (
        "nested-lists",
        |n| (0..n).map(|i| rep("  ", i) + "* a\n").collect(),
        BOTH,
        true,
    ),
    (
        "empty-lines-nested-lists",
        |n| rep("- ", n) + "x" + &rep("\n", n),
        BOTH,
        true,
    ),
    (
        "empty-lines-lists-quote",
        |n| "> ".to_string() + &rep("- ", n) + "x" + &rep("\n", n),
        BOTH,
        true,
    ),
    (
        "emph-deep-quote",
        |n| rep(">", n) + &rep(" a*", n),
        BOTH,
        true,
    ),
    (
        "backticks",
        |n| (0..n).map(|i| "e".to_string() + &rep("`", i + 1)).collect(),
        BOTH,
        true,
    ),
    (
        "many-references",
        |n| (0..n).map(|i| format!("[{i}]: u\n")).collect::<String>() + &rep("[0] ", n),
        BOTH,
        true,
    ),
    (
        "unclosed-html-comment",
        |n| "</".to_string() + &rep("<!--", n),
        MD,
        true,
    ),
    ("nul-bytes", |n| rep("abc\u{0}de\u{0}", n), BOTH, false),
    (
        "deep-jsx",
        |n| rep("<div>", n) + "x" + &rep("</div>", n) + "\n",
        MDX,
        true,
    ),
    (
        "deep-jsx-lines",
        |n| rep("<div>\n", n) + "x\n" + &rep("</div>\n", n),
        MDX,
        true,
    ),
    ("brace-runs", |n| rep("{", n) + "\n", MDX, false),
    ("unclosed-a-lines", |n| rep("<a\n", n), MDX, true),
    ("expression-runs", |n| rep("{1} ", n) + "\n", MDX, false),
    ("star-markers", |n| rep("* ", n), BOTH, false),
    ("dash-markers", |n| rep("- ", n), BOTH, false),
    ("list-markers", |n| rep("- ", n) + "x", BOTH, true),
    ("ordered-markers", |n| rep("1. ", n) + "x", BOTH, true),
    (
        "unclosed-comment-lines",
        |n| "<!--\n".to_string() + &rep("a\n", n),
        BOTH,
        false,
    ),
    ("a-tags", |n| rep("<a>", n), BOTH, false),
    ("b-tags", |n| rep("<b>", n), BOTH, false),
];

/// Every pattern of the bench's pathological set at 100 KB renders on a
/// 1 MiB stack in both formats, and the ones that have to be degraded are
/// (a cap in src/guard.rs): no timing here, `make bench` times them. The
/// bench's `blank-lines` and `short-lines` (markdown-rs takes time
/// quadratic in the number of lines) are left out: seconds each.
#[test]
fn every_bench_pattern_renders_on_a_small_stack() {
    let mut failures = Vec::new();
    for &(id, make, formats, degraded) in PATTERNS {
        let source = sized(&make, 100 * 1024);
        for &format in formats {
            let rendered = render_small_stack(source.clone(), format);
            let complex = rendered
                .diagnostics
                .iter()
                .any(|d| d.rule_id == "input-too-complex");
            if degraded && !complex {
                failures.push(format!("{id} ({format:?}): not degraded"));
            }
            if rendered
                .diagnostics
                .iter()
                .any(|d| d.rule_id == "internal-error")
            {
                failures.push(format!("{id} ({format:?}): a contained panic"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A ~1 MB post made of realistic sections (the sample review's body).
fn big_document() -> String {
    let sample = include_str!("fixtures/seed/review-2025-11-11/input.mdx");
    let body: String = sample
        .lines()
        .filter(|line| !line.starts_with("import "))
        .map(|line| {
            line.replace("{blog_20251111_img", "\"/img/")
                .replace("} style", ".png\" style")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut document = String::from("---\ntitle: A long review\n---\n\n");
    let mut part = 0;
    while document.len() < 1_000_000 {
        part += 1;
        document.push_str(&format!("\n\n# Part {part}\n\n"));
        document.push_str(&body);
    }
    document
}

#[test]
fn one_megabyte_document() {
    let source = big_document();
    let sections = source.matches("\n## ").count();
    let rendered = render_small_stack(source, Format::Mdx);
    assert_eq!(rendered.title.as_deref(), Some("A long review"));
    assert_eq!(
        rendered.toc.iter().filter(|e| e.level == 2).count(),
        sections,
        "should list every section"
    );
    assert!(
        rendered.toc.windows(2).all(|w| w[0].id != w[1].id),
        "should keep ids unique"
    );
    assert!(rendered.html.len() > 1_000_000, "should render all of it");
}
