//! Fuzz findings, kept: every input under `tests/fuzz/regressions/` (a
//! crash or invariant failure `cargo fuzz` found, minimized) and every seed
//! under `tests/fuzz/seeds/` renders without panicking and satisfies the
//! fuzz target's invariants, with the options its header bytes choose.
//!
//! The decoding of inputs and the invariants live in `tests/fuzz/check.rs`,
//! shared with the fuzz target (`tests/fuzz/fuzz_targets/render.rs`), so a
//! finding replays exactly as it was found. To add one: minimize it with
//! `RUSTC_BOOTSTRAP=1 cargo fuzz tmin --fuzz-dir tests/fuzz -s none render
//! ARTIFACT` and copy the result to `tests/fuzz/regressions/NAME`.

#[path = "fuzz/check.rs"]
mod check;

use std::path::{Path, PathBuf};

/// The files of a folder under `tests/fuzz/`, sorted (none if it is absent:
/// git keeps no empty folders).
fn inputs(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(folder);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("should list a folder").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Run every input of a folder; report all failures together.
fn run_folder(folder: &str) -> usize {
    let files = inputs(folder);
    let mut failures = Vec::new();
    for path in &files {
        let data = std::fs::read(path).expect("should read a fuzz input");
        let outcome = std::panic::catch_unwind(|| {
            check::run(&data, Some(mdx_preview::raw_html::sanitize_html));
        });
        if outcome.is_err() {
            failures.push(path.display().to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "fuzz inputs failing (messages above):\n{}",
        failures.join("\n")
    );
    files.len()
}

#[test]
fn regressions() {
    run_folder("regressions");
}

#[test]
fn seeds() {
    assert!(run_folder("seeds") >= 40, "the seed corpus is missing");
}

/// The header decoding the findings depend on.
#[test]
fn header_bytes_choose_options() {
    use mdx_preview::Format;
    let (options, document) = check::decode(b"\x01\x21# Hi");
    assert_eq!(options.format, Format::Md);
    assert!(!options.math && options.source_lines);
    assert_eq!(options.id_prefix, "user-content-");
    assert_eq!((options.toc.min_level, options.toc.max_level), (2, 3));
    assert_eq!(document, "# Hi");

    // Bit 7: levels raw, so reversed and out-of-range ones reach `render`.
    let (options, _) = check::decode(b"\x92\x70");
    assert!(options.math && options.base_url.is_none() && options.assets.is_empty());
    assert_eq!(options.id_prefix, "p-");
    assert_eq!((options.toc.min_level, options.toc.max_level), (0, 7));
    assert_eq!(check::expected_error(&options), Some("toc.minLevel"));
    check::run(b"\x80\x25# a", None); // minLevel 5 > maxLevel 2: an error

    // No header at all: the defaults, with the TOC at level 1 only.
    let (options, document) = check::decode(b"");
    let mut expected = mdx_preview::Options::default();
    expected.toc.min_level = 1;
    expected.toc.max_level = 1;
    assert_eq!(options, expected);
    assert_eq!(document, "");
}

/// The invariants are not vacuous: forged outputs that break the policy fail.
#[test]
fn invariants_catch_forged_output() {
    use mdx_preview::{Diagnostic, Options, Rendered, Severity};
    let options = Options::default();
    let rendered = |html: &str| Rendered {
        html: html.to_string(),
        toc: Vec::new(),
        diagnostics: Vec::new(),
        frontmatter: None,
        title: None,
    };
    let fails = |source: &str, out: Rendered| {
        std::panic::catch_unwind(|| check::check(source, &options, &out, None)).is_err()
    };
    assert!(!fails("a", rendered("<p data-line=\"1\">a &amp; b</p>")));
    for html in [
        "<script>x</script>",
        "<p onclick=\"x\">a</p>",
        "<a href=\"java&#13;script:x\">a</a>",
        "<a href=\" JavaScript:x\">a</a>",
        "<a href=\"data:text/html,x\">a</a>",
        "<img src=\"vbscript:x\" />",
        "<iframe></iframe>",
        "<p id=\"x\">a</p>",
        "<p class=\"evil\">a</p>",
        "<p style=\"background:url(x)\">a</p>",
        "<p title=\"a\"b\">a</p>",
        "<p>&#60;</p>",
    ] {
        assert!(fails("a", rendered(html)), "not caught: {html}");
    }
    let diagnostic = |offset, end_offset, line| Diagnostic {
        severity: Severity::Error,
        rule_id: "x".into(),
        message: "x".into(),
        line,
        column: 1,
        end_line: line,
        end_column: 1,
        offset,
        end_offset,
        suggestion: None,
    };
    for diagnostics in [
        vec![diagnostic(0, 3, 1)],
        vec![diagnostic(1, 0, 1)],
        vec![diagnostic(0, 0, 3)],
        vec![diagnostic(1, 1, 1), diagnostic(0, 0, 1)],
    ] {
        let out = Rendered {
            diagnostics,
            ..rendered("")
        };
        assert!(fails("한\n", out));
    }
}
