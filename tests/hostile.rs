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
