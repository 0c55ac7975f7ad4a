//! The hand-written JSON of `mdx_preview::json` against serde_json: the
//! text the wasm binding hands to `JSON.parse` must be what serde_json
//! writes for the same TOC entries and diagnostics (so the result objects
//! are exactly the documented shape), and front matter must come back as
//! the same value.

use mdx_preview::json::{to_json, write_string};
use mdx_preview::{Format, Options, render};

mod common;

/// Every fixture input, and a document with front matter of every kind.
fn documents() -> Vec<(String, String, Format)> {
    let mut out = common::fixture_inputs();
    // Front matter of every kind a value can take.
    out.push((
        "inline front matter".into(),
        "---\ntitle: \"제목 \\\"q\\\"\"\nauthors:\n  - name: Ada\n    url: https://example.com\n\
         tags: [a, b]\nweight: 2.5\ncount: -3\ndraft: false\nempty:\ndescription: |\n  two\n  lines\n---\n\n# Hi\n"
            .into(),
        Format::Mdx,
    ));
    out
}

#[test]
fn results_match_serde_json() {
    let documents = documents();
    assert!(
        documents.len() > 40,
        "should find the fixtures, got {}",
        documents.len()
    );
    let mut diagnostics = 0;
    let mut frontmatters = 0;
    for (name, text, format) in &documents {
        let options = Options {
            format: *format,
            ..Options::default()
        };
        let rendered = render(text, &options).expect("default options are valid");
        assert_eq!(
            to_json(&rendered.toc),
            serde_json::to_string(&rendered.toc).unwrap(),
            "{name}: TOC"
        );
        assert_eq!(
            to_json(&rendered.diagnostics),
            serde_json::to_string(&rendered.diagnostics).unwrap(),
            "{name}: diagnostics"
        );
        diagnostics += rendered.diagnostics.len();
        if let Some(value) = &rendered.frontmatter {
            frontmatters += 1;
            let back: serde_json::Value =
                serde_json::from_str(&to_json(value)).expect("should be valid JSON");
            assert_eq!(&back, value, "{name}: front matter");
        }
    }
    assert!(
        diagnostics > 50,
        "should have compared diagnostics, got {diagnostics}"
    );
    assert!(
        frontmatters >= 2,
        "should have compared front matter, got {frontmatters}"
    );
}

#[test]
fn strings_escape_as_serde_json() {
    let mut every_byte = String::new();
    for code in 0u32..0x80 {
        every_byte.push(char::from_u32(code).unwrap());
    }
    for text in [
        "",
        "plain",
        "quote \" backslash \\ slash /",
        "line\nfeed\r\ttab\u{8}\u{c}",
        "한국어 ✓ 🎉 \u{2028}\u{2029}\u{7f}\u{fffd}",
        &every_byte,
    ] {
        let mut ours = String::new();
        write_string(&mut ours, text);
        assert_eq!(ours, serde_json::to_string(text).unwrap(), "{text:?}");
    }
}

#[test]
fn values_round_trip() {
    let value = serde_json::json!({
        "title": "제목 \"quoted\"",
        "n": [0, -1, 9007199254740993_i64, 18446744073709551615_u64, 2.5, -0.125, 1e20, 1e-7],
        "nested": {"empty": {}, "list": [], "flag": false, "none": null},
    });
    let back: serde_json::Value = serde_json::from_str(&to_json(&value)).unwrap();
    assert_eq!(back, value);
}
