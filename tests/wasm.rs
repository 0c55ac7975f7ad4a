//! The JavaScript binding (`src/wasm/`), run by wasm-bindgen-test:
//! `wasm-pack test --node -- --test wasm` and
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --test wasm`.
//! `Preview` is the package's JavaScript (src/js/preview.mjs): its tests
//! are in tests/js (tests/js/pages/preview.mjs, in headless Chromium).
#![cfg(target_arch = "wasm32")]

use js_sys::{JSON, JsString, Reflect};
use mdx_preview::wasm::{RenderOptionsArg, Renderer, render};
use mdx_preview::{Diagnostic, Rendered};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

const SEED: &str = include_str!("fixtures/seed/review-2025-11-11/input.mdx");

/// Options from a JSON text, as JavaScript would pass them.
fn options(json: &str) -> Option<RenderOptionsArg> {
    Some(JSON::parse(json).unwrap().unchecked_into())
}

/// The result object back as the Rust type (this also checks its shape).
fn rendered(value: impl Into<JsValue>) -> Rendered {
    serde_wasm_bindgen::from_value(value.into()).expect("result has the documented shape")
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap()
}

/// A string argument, as JavaScript passes it.
fn js(text: &str) -> JsValue {
    JsValue::from_str(text)
}

/// The message of the `TypeError` a call threw.
fn error_message<T>(result: Result<T, JsValue>) -> String {
    let Err(value) = result else {
        panic!("expected an error")
    };
    let error: &js_sys::TypeError = value.dyn_ref().expect("a JavaScript TypeError");
    error.message().into()
}

/// 1-based UTF-16 column of `needle` in `source`, the way JavaScript sees it.
fn js_position(source: &str, needle: &str) -> (u32, u32) {
    let text = JsString::from(source);
    let index = text.index_of(needle, 0);
    assert!(index >= 0, "{needle} not in source");
    let line_start = text.last_index_of("\n", index - 1) + 1;
    (index as u32, (index - line_start) as u32 + 1)
}

#[wasm_bindgen_test]
fn seed_renders_with_its_diagnostics() {
    let value: JsValue = render(js(SEED), None).unwrap().into();
    // A plain object with the documented fields.
    for key in ["html", "toc", "diagnostics", "frontmatter", "title"] {
        assert!(Reflect::has(&value, &key.into()).unwrap(), "missing {key}");
    }
    assert!(get(&value, "frontmatter").is_null());
    assert_eq!(
        get(&value, "title").as_string().as_deref(),
        Some("2025-11-11 papers review")
    );
    let out = rendered(value);
    assert!(
        out.html.contains(r#"<h1 data-line="6""#),
        "{}",
        &out.html[..200]
    );
    assert!(out.toc.len() >= 8, "toc: {:?}", out.toc);

    let rule = |id: &str| -> Vec<&Diagnostic> {
        out.diagnostics.iter().filter(|d| d.rule_id == id).collect()
    };
    let duplicate = rule("duplicate-import");
    assert_eq!(duplicate.len(), 2, "{duplicate:?}");
    assert_eq!((duplicate[0].line, duplicate[1].line), (3, 4));
    assert_eq!(
        duplicate[1].suggestion.as_deref(),
        Some("blog_20251110_img3")
    );

    let undefined = rule("undefined-identifier");
    assert_eq!(undefined.len(), 4, "{undefined:?}");
    for (n, d) in undefined.iter().enumerate() {
        let name = format!("blog_20251111_img{n}");
        let (offset, column) = js_position(SEED, &name);
        assert_eq!(d.offset, offset as usize, "{d:?}");
        assert_eq!(d.column, column as usize, "{d:?}");
        assert_eq!(d.end_offset - d.offset, name.len());
        assert_eq!(
            d.suggestion.as_deref(),
            Some(format!("blog_20251110_img{n}").as_str())
        );
    }
    // The suggestion field is absent (not null) when there is none.
    let value: JsValue = render(js(SEED), None).unwrap().into();
    let first = get(&get(&value, "diagnostics"), "0");
    assert_eq!(
        get(&first, "ruleId").as_string().as_deref(),
        Some("unused-import")
    );
    assert!(!Reflect::has(&first, &"suggestion".into()).unwrap());
}

#[wasm_bindgen_test]
fn columns_on_a_korean_line_are_javascript_string_indexes() {
    // Hangul is 3 bytes and 1 UTF-16 unit; the emoji is 4 bytes and 2 units.
    let source = "# 제목\n\n한국어 문장 😀 {blog_missing_img} 끝\n";
    let out = rendered(render(js(source), None).unwrap());
    let d = out
        .diagnostics
        .iter()
        .find(|d| d.rule_id == "undefined-identifier")
        .unwrap_or_else(|| panic!("no undefined-identifier in {:?}", out.diagnostics));
    let (offset, column) = js_position(source, "blog_missing_img");
    assert_eq!(d.line, 3);
    assert_eq!(d.column, column as usize);
    assert_eq!(d.offset, offset as usize);
    assert_eq!(d.end_column, column as usize + "blog_missing_img".len());
    // Not the byte or char column.
    assert_ne!(
        d.column,
        source.split('\n').nth(2).unwrap().find('{').unwrap() + 2
    );
}

#[wasm_bindgen_test]
fn options_undefined_null_and_defaults() {
    let a = rendered(render(js("# T\n\n## S"), None).unwrap());
    let b = rendered(render(js("# T\n\n## S"), Some(JsValue::NULL.unchecked_into())).unwrap());
    let c = rendered(render(js("# T\n\n## S"), options(r#"{"toc": null, "math": null}"#)).unwrap());
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert_eq!(a.toc.len(), 1);
    let custom = rendered(
        render(
            js("# T\n\n## S"),
            options(r#"{"idPrefix": "x-", "sourceLines": false, "toc": {"minLevel": 1}}"#),
        )
        .unwrap(),
    );
    assert_eq!(custom.toc.len(), 2);
    assert_eq!(custom.toc[0].id, "x-t");
    assert!(!custom.html.contains("data-line"));
}

#[wasm_bindgen_test]
fn invalid_options_throw_errors_naming_the_option() {
    for (json, option) in [
        (r#"{"toc": {"minLevel": 9}}"#, "toc.minLevel"),
        (r#"{"toc": {"minLevel": "2"}}"#, "toc.minLevel"),
        (r#"{"toc": {"minLevel": 3, "maxLevel": 2}}"#, "toc"),
        (r#"{"toc": {"depth": 2}}"#, "toc.depth"),
        (r#"{"format": "rst"}"#, "format"),
        (r#"{"sourceLine": false}"#, "sourceLine"),
        (r#"{"math": "yes"}"#, "math"),
        (r#"{"idPrefix": "a b"}"#, "idPrefix"),
        (
            r#"{"sanitize": {"allowClasses": ["ok", 3]}}"#,
            "sanitize.allowClasses",
        ),
        (
            r#"{"sanitize": {"allowStyles": true}}"#,
            "sanitize.allowStyles",
        ),
        (r#"{"assets": {"./a.png": 5}}"#, r#"assets["./a.png"]"#),
    ] {
        let message = error_message(render(js("# x"), options(json)));
        assert!(
            message.contains(&format!("`{option}`")),
            "{json}: {message}"
        );
        let message = error_message(Renderer::new(options(json)));
        assert!(
            message.contains(&format!("`{option}`")),
            "{json}: {message}"
        );
    }
    let message = error_message(render(js("# x"), options("\"md\"")));
    assert!(message.contains("`options` must be an object"), "{message}");
}

#[wasm_bindgen_test]
fn renderer_class_matches_render() {
    let renderer = Renderer::new(options(r#"{"format": "md"}"#)).unwrap();
    let once = rendered(renderer.render(js("<b>hi</b> *x*")).unwrap());
    let again = rendered(render(js("<b>hi</b> *x*"), options(r#"{"format": "md"}"#)).unwrap());
    assert_eq!(once, again);
    assert!(once.html.contains("<b>hi</b>"), "{}", once.html);
}

#[wasm_bindgen_test]
fn documents_never_throw() {
    for source in [
        "",
        "{",
        "<div>",
        "import x from",
        "---\na: [\n---\n",
        "> ".repeat(5000).as_str(),
    ] {
        assert!(render(js(source), None).is_ok(), "{source:?}");
    }
    // A front matter integer JavaScript cannot hold exactly still renders.
    let out = render(js("---\nid: 12345678901234567890123\n---\n# x"), None).unwrap();
    assert!(get(&out, "frontmatter").is_object());
}

#[wasm_bindgen_test]
fn renderer_updates_incrementally_as_render_does() {
    let mut renderer = Renderer::new(None).unwrap();
    let first = renderer.update(js(SEED)).unwrap();
    let first: JsValue = first.into();
    let change = get(&first, "change");
    assert_eq!(
        get(&change, "full").as_bool(),
        Some(true),
        "should rebuild at first"
    );
    // Type into the middle of the seed, through `edit` (UTF-16 offsets).
    let middle = SEED.len() / 2;
    let middle = SEED[..middle].rfind("\n\n").unwrap() + 2;
    let at = SEED[..middle].encode_utf16().count() as u32;
    let out = renderer.edit(at.into(), at.into(), js("Typed ")).unwrap();
    let out: JsValue = out.into();
    let source = format!("{}Typed {}", &SEED[..middle], &SEED[middle..]);
    assert_eq!(renderer.source(), source);
    let full = rendered(render(js(&source), None).unwrap());
    assert_eq!(rendered(out.clone()), full, "should equal a full render");
    let change = get(&out, "change");
    assert_eq!(get(&change, "full").as_bool(), Some(false));
    let blocks: js_sys::Array = get(&change, "blocks").unchecked_into();
    assert_eq!(blocks.length(), 1, "should change one block");
    let block = blocks.get(0).as_string().unwrap();
    assert!(full.html.contains(&block) && block.contains("Typed "));
    // `update` with a whole source gives the same.
    let back = renderer.update(js(SEED)).unwrap();
    let expected = rendered(render(js(SEED), None).unwrap());
    assert_eq!(rendered(back), expected);
}

/// Edits of every kind through `edit`, each compared with a full render:
/// the JavaScript side keeps block strings, TOC and diagnostics from one
/// update to the next, and must never hand out a stale one.
#[wasm_bindgen_test]
fn many_edits_stay_equal_to_full_renders() {
    let mut renderer = Renderer::new(None).unwrap();
    let mut source = SEED.to_string();
    renderer.update(js(&source)).unwrap();
    let pieces = [
        "x",
        " ",
        "\n",
        "\n\n",
        "## New heading\n\n",
        "한국어 ",
        "😀",
        "<div>",
        "</div>",
        "{",
        "}",
        "`",
        ":::note\n",
        ":::\n",
        "- item\n",
        "![a](./b.png)",
        "",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |bound: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % bound.max(1)
    };
    for step in 0..120 {
        let chars: Vec<(usize, char)> = source.char_indices().collect();
        let from = next(chars.len() + 1);
        let to = (from + next(4)).min(chars.len());
        let byte = |i: usize| chars.get(i).map_or(source.len(), |c| c.0);
        let (from_byte, to_byte) = (byte(from), byte(to));
        let text = pieces[next(pieces.len())];
        let utf16 = |b: usize| source[..b].encode_utf16().count() as u32;
        let out = renderer
            .edit(utf16(from_byte).into(), utf16(to_byte).into(), js(text))
            .unwrap();
        source = format!("{}{}{}", &source[..from_byte], text, &source[to_byte..]);
        let expected = rendered(render(js(&source), None).unwrap());
        assert_eq!(rendered(out), expected, "step {step}: {text:?} at {from}");
    }
}

/// A source that is not a string, options of the wrong type or a bad
/// offset throw a `TypeError` naming the argument and what was given (not
/// a wasm memory error), and the module works afterwards.
#[wasm_bindgen_test]
fn bad_arguments_throw_type_errors_naming_them() {
    let object = js_sys::Object::new();
    for (value, given) in [
        (JsValue::from(123), "a number (123)"),
        (object.clone().into(), "an object"),
        (JsValue::NULL, "null"),
        (JsValue::UNDEFINED, "undefined"),
        (js_sys::Array::new().into(), "an array"),
    ] {
        let message = error_message(render(value.clone(), None));
        assert_eq!(
            message,
            format!("render: `source` must be a string, got {given}")
        );
    }
    let message = error_message(Renderer::new(Some(JsValue::from(5).unchecked_into())));
    assert!(
        message.contains("`options` must be an object") && message.ends_with("got a number (5)"),
        "{message}"
    );
    let message = error_message(render(js("x"), Some(js("md").unchecked_into())));
    assert!(
        message.contains("`options`") && message.contains("a string (\"md\")"),
        "{message}"
    );
    let mut renderer = Renderer::new(None).unwrap();
    let message = error_message(renderer.edit(js("a"), 1.into(), 2.into()));
    assert!(
        message.contains("`from` must be a non-negative integer")
            && message.contains("a string (\"a\")"),
        "{message}"
    );
    let message = error_message(renderer.edit(1.into(), (-1).into(), js("x")));
    assert!(
        message.contains("`to`") && message.contains("a number (-1)"),
        "{message}"
    );
    let message = error_message(renderer.edit(1.into(), 1.into(), 2.into()));
    assert_eq!(
        message,
        "Renderer.edit: `text` must be a string, got a number (2)"
    );
    let message = error_message(renderer.update(JsValue::TRUE));
    assert_eq!(
        message,
        "Renderer.update: `source` must be a string, got a boolean (true)"
    );
    // Nothing broke.
    let out = rendered(renderer.update(js("# Still *fine*")).unwrap());
    assert!(out.html.contains("<em>fine</em>"), "{}", out.html);
    assert!(render(js("ok"), None).is_ok());
}

/// The `isolate` option the package's JavaScript layer passes after a
/// parser failure: the block is escaped source with an `internal-error`
/// diagnostic, the rest renders, and a `Renderer` keeps it isolated
/// across edits elsewhere, as a full render does.
#[wasm_bindgen_test]
fn isolated_blocks_are_shown_as_source() {
    let block = "=\n=\n=\na\n=";
    let source = format!("# Title\n\n{block}\n\nAfter *this*.\n");
    let isolate = options(r#"{"isolate": ["=\n=\n=\na\n="]}"#);
    for format in ["md", "mdx"] {
        let with_format = options(&format!(
            r#"{{"format": "{format}", "isolate": ["=\n=\n=\na\n="]}}"#
        ));
        let out = rendered(render(js(&source), with_format).unwrap());
        assert!(
            out.html
                .contains("<pre class=\"mdx-error\" data-line=\"3\">=\n=\n=\na\n=</pre>"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<em>this</em>") && out.html.contains("<h1"),
            "{}",
            out.html
        );
        let errors: Vec<_> = out
            .diagnostics
            .iter()
            .filter(|d| d.rule_id == "internal-error")
            .collect();
        assert_eq!(errors.len(), 1, "{:?}", out.diagnostics);
        assert_eq!((errors[0].line, errors[0].column), (3, 1));
    }
    let mut renderer = Renderer::new(isolate).unwrap();
    renderer.update(js(&source)).unwrap();
    let out = renderer.edit(0.into(), 0.into(), js("Intro.\n\n")).unwrap();
    let expected = render(
        js(&format!("Intro.\n\n{source}")),
        options(r#"{"isolate": ["=\n=\n=\na\n="]}"#),
    )
    .unwrap();
    assert_eq!(rendered(out), rendered(expected));
}

/// With the `panic-trigger` feature (the build `make test` makes for the
/// containment tests) a block holding the marker panics; isolated, it is
/// not parsed, so the render goes through. The trap itself is contained
/// by the package's JavaScript layer: tests/js and tests/e2e show that.
#[cfg(feature = "panic-trigger")]
#[wasm_bindgen_test]
fn the_trigger_block_renders_once_isolated() {
    let marker = mdx_preview::contain::PANIC_MARKER;
    let source = format!("Before.\n\n{marker} here\n\nAfter.\n");
    let isolate = JSON::stringify(&js_sys::Array::of1(&js(&format!("{marker} here"))))
        .unwrap()
        .as_string()
        .unwrap();
    let out = rendered(
        render(
            js(&source),
            options(&format!(r#"{{"isolate": {isolate}}}"#)),
        )
        .unwrap(),
    );
    assert!(
        out.html.contains(&format!(
            "<pre class=\"mdx-error\" data-line=\"3\">{marker} here</pre>"
        )),
        "{}",
        out.html
    );
    assert!(
        out.html.contains("<p data-line=\"5\">After.</p>"),
        "{}",
        out.html
    );
}

/// In wasm, numbers are spelled and parsed by the JS engine: check the
/// crate's functions give what Rust's own conversions give natively (the
/// values below are the native doc tests' and the edge cases).
#[wasm_bindgen_test]
fn numbers_go_through_the_engine() {
    use mdx_preview::js::{number_to_string, parse_decimal};
    for (n, text) in [
        (16.0, "16"),
        (1e21, "1e+21"),
        (0.000001, "0.000001"),
        (1.5e-7, "1.5e-7"),
        (-0.25, "-0.25"),
        (0.1 + 0.2, "0.30000000000000004"),
        (f64::NAN, "NaN"),
        (f64::NEG_INFINITY, "-Infinity"),
    ] {
        assert_eq!(number_to_string(n), text);
    }
    for (text, n) in [
        ("1.5e3", Some(1500.0)),
        (".5", Some(0.5)),
        ("1.", Some(1.0)),
        ("-2E-3", Some(-0.002)),
        ("9007199254740993", Some(9007199254740992.0)),
        ("1e999", Some(f64::INFINITY)),
        ("1e", None),
        ("Infinity", None),
        ("1.2.3", None),
        ("", None),
    ] {
        assert_eq!(parse_decimal(text), n, "{text:?}");
    }
}
