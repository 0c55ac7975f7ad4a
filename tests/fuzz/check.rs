//! What a fuzz input means and what every render must satisfy.
//!
//! Shared (through `#[path]`) by the fuzz target
//! `tests/fuzz/fuzz_targets/render.rs` and the regression tests
//! `tests/panics_fuzz_regressions.rs`, so a finding replays with exactly the
//! options and checks it was found with.
//!
//! Input layout: a [`HEADER_LEN`]-byte header choosing the options (missing
//! bytes count as 0), then the document, decoded with
//! `String::from_utf8_lossy`.
//!
//! Header byte 0 (flags):
//!
//! | bit | meaning when set |
//! | --- | --- |
//! | 0 | `format: "md"` (else `"mdx"`) |
//! | 1 | `math: true` |
//! | 2 | `sourceLines: false` |
//! | 3–4 | `idPrefix`: index into [`ID_PREFIXES`] |
//! | 5 | `baseUrl` set |
//! | 6 | `assets` set (two entries) |
//! | 7 | TOC levels taken raw (0..=7, either order: may be invalid) |
//!
//! Header byte 1: TOC levels, low nibble → `minLevel`, high nibble →
//! `maxLevel`. Without bit 7 each is `1 + nibble % 6` and the two are put in
//! order (always valid); with bit 7 each is `nibble % 8`, kept as is, and
//! `render` must return `Err` exactly when they are out of `1..=6` or
//! reversed.

use mdx_preview::sanitize::Schema;
use mdx_preview::{Format, Options, Rendered, render};

/// Bytes of the header before the document.
pub const HEADER_LEN: usize = 2;

/// `idPrefix` values the header chooses from.
pub const ID_PREFIXES: [&str; 4] = ["user-content-", "", "p-", "ü_"];

/// `baseUrl` when header bit 5 is set.
pub const BASE_URL: &str = "https://example.com/blog/post/";

/// Options and document of a fuzz input.
pub fn decode(data: &[u8]) -> (Options, String) {
    let flags = data.first().copied().unwrap_or(0);
    let toc = data.get(1).copied().unwrap_or(0);
    let document = String::from_utf8_lossy(data.get(HEADER_LEN..).unwrap_or(&[])).into_owned();
    let mut options = Options {
        format: if flags & 1 != 0 {
            Format::Md
        } else {
            Format::Mdx
        },
        math: flags & 2 != 0,
        source_lines: flags & 4 == 0,
        id_prefix: ID_PREFIXES[usize::from((flags >> 3) & 3)].to_string(),
        ..Options::default()
    };
    if flags & 32 != 0 {
        options.base_url = Some(BASE_URL.to_string());
    }
    if flags & 64 != 0 {
        options
            .assets
            .insert("./img/a.png".into(), "blob:https://app.example/1".into());
        options.assets.insert(
            "./b.png".into(),
            "data:image/png;base64,iVBORw0KGgo=".into(),
        );
    }
    let (low, high) = (toc & 15, toc >> 4);
    if flags & 128 != 0 {
        options.toc.min_level = low % 8;
        options.toc.max_level = high % 8;
    } else {
        let (a, b) = (1 + low % 6, 1 + high % 6);
        options.toc.min_level = a.min(b);
        options.toc.max_level = a.max(b);
    }
    (options, document)
}

/// Which option `render` must reject, if any.
pub fn expected_error(options: &Options) -> Option<&'static str> {
    let (min, max) = (options.toc.min_level, options.toc.max_level);
    if !(1..=6).contains(&min) {
        Some("toc.minLevel")
    } else if !(1..=6).contains(&max) {
        Some("toc.maxLevel")
    } else if min > max {
        Some("toc")
    } else {
        None
    }
}

/// Panics markdown-rs 1.0.0 is known to have, by file and message:
/// `render` contains them (the block is shown as source with an
/// `internal-error` diagnostic) and `tests/panics.rs` names their upstream
/// issues. Any other panic, even contained, is a finding: a bug of ours or
/// a new markdown-rs panic to guard (src/guard.rs) and report.
pub const KNOWN_PANICS: &[(&str, &str)] = &[
    // wooorm/markdown-rs#22, #31: setext underlines after setext underlines.
    (
        "markdown-1.0.0/src/to_mdast.rs",
        "Cannot push to non-parent",
    ),
    (
        "markdown-1.0.0/src/to_mdast.rs",
        "expected stack (nodes in tree) to be drained",
    ),
    // wooorm/markdown-rs#139, #193: no heading on the stack at an underline.
    (
        "markdown-1.0.0/src/to_mdast.rs",
        "expected heading on stack",
    ),
    // Exits that match no enter: a table followed by a list item or block
    // quote (not reported yet), #193, and an unclosed fence ending a list
    // item before a list of the other kind (#23).
    ("markdown-1.0.0/src/to_mdast.rs", "mismatched (non-jsx)"),
    // wooorm/markdown-rs#206: `<![C&#;` (a debug assertion first, in
    // builds that have them).
    (
        "markdown-1.0.0/src/tokenizer.rs",
        "expected non-empty event",
    ),
    (
        "markdown-1.0.0/src/util/character_reference.rs",
        "ParseIntError",
    ),
    // parcel-bundler/parcel#10130: an open reference ends an attribute value.
    (
        "markdown-1.0.0/src/util/character_reference.rs",
        "index out of bounds",
    ),
    // wooorm/markdown-rs#213: a list after a `---` line.
    (
        "markdown-1.0.0/src/construct/list_item.rs",
        "attempt to subtract with overflow",
    ),
];

std::thread_local! {
    /// Panics seen on this thread since [`take_panics`]: (place, message).
    static PANICS: std::cell::RefCell<Vec<(String, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Record every panic on the thread that raised it (from the first call on;
/// replaces the panic hook, libFuzzer's too: a contained panic must not
/// abort the fuzzer, the check after the render judges it).
pub fn record_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let place = info
                .location()
                .map_or_else(String::new, |l| format!("{}:{}", l.file(), l.line()));
            let message = mdx_preview::contain::panic_message(info.payload());
            if !is_known_panic(&place, &message) {
                default(info);
            }
            PANICS.with(|panics| panics.borrow_mut().push((place, message)));
        }));
    });
}

/// Whether a panic at `place` with `message` is one of [`KNOWN_PANICS`].
pub fn is_known_panic(place: &str, message: &str) -> bool {
    KNOWN_PANICS
        .iter()
        .any(|(file, text)| place.contains(file) && message.contains(text))
}

/// The panics recorded on this thread since the last call.
pub fn take_panics() -> Vec<(String, String)> {
    PANICS.with(|panics| std::mem::take(&mut *panics.borrow_mut()))
}

/// Render with panics recorded; fail on a contained panic that is not one
/// of [`KNOWN_PANICS`].
pub fn render_checked(
    document: &str,
    options: &Options,
) -> Result<Rendered, mdx_preview::OptionsError> {
    record_panics();
    take_panics();
    let result = render(document, options);
    for (place, message) in take_panics() {
        assert!(
            is_known_panic(&place, &message),
            "render contained an unknown panic at {place}: {message}\n(document: {document:?})"
        );
    }
    result
}

/// Render a fuzz input and check everything. `fixpoint`, when given, is a
/// sanitizer of HTML strings (`mdx_preview::raw_html::sanitize_html`) that
/// must leave the output unchanged.
pub fn run(data: &[u8], fixpoint: Option<fn(&str) -> String>) {
    let (options, document) = decode(data);
    let result = render_checked(&document, &options);
    match (expected_error(&options), result) {
        (None, Ok(rendered)) => check(&document, &options, &rendered, fixpoint),
        (Some(option), Err(error)) => {
            assert_eq!(error.option, option, "wrong option blamed: {error}")
        }
        (None, Err(error)) => panic!("valid options {options:?} rejected: {error}"),
        (Some(option), Ok(_)) => panic!("invalid `{option}` accepted: {options:?}"),
    }
}

/// Number of lines as editors count them (`\n`, `\r\n` and `\r` end one).
pub fn line_count(source: &str) -> usize {
    let bytes = source.as_bytes();
    let mut count = 1;
    for (index, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n')) {
            count += 1;
        }
    }
    count
}

/// The invariants of one successful render.
pub fn check(
    source: &str,
    options: &Options,
    rendered: &Rendered,
    fixpoint: Option<fn(&str) -> String>,
) {
    let utf16_len = source.encode_utf16().count();
    let lines = line_count(source);
    let mut previous = 0;
    for d in &rendered.diagnostics {
        assert!(
            d.offset <= d.end_offset && d.end_offset <= utf16_len,
            "diagnostic offsets {}..{} outside the document (UTF-16 length {utf16_len}): {d:?}",
            d.offset,
            d.end_offset
        );
        assert!(
            (1..=lines).contains(&d.line) && (d.line..=lines).contains(&d.end_line),
            "diagnostic lines {}..{} outside 1..={lines}: {d:?}",
            d.line,
            d.end_line
        );
        assert!(
            d.column >= 1 && d.end_column >= 1,
            "diagnostic column is 0: {d:?}"
        );
        assert!(
            d.offset >= previous,
            "diagnostics not sorted by offset: {d:?}"
        );
        previous = d.offset;
    }

    let schema = Schema {
        id_prefix: options.id_prefix.clone(),
        ..Schema::default()
    };
    check_html(&rendered.html, &schema, "html");
    for entry in &rendered.toc {
        assert!(
            (options.toc.min_level..=options.toc.max_level).contains(&entry.level),
            "TOC entry outside the levels asked for: {entry:?}"
        );
        assert!(
            entry.id.starts_with(&options.id_prefix),
            "TOC id without the prefix: {entry:?}"
        );
        assert!(
            (1..=lines).contains(&entry.line),
            "TOC line outside the document: {entry:?}"
        );
        check_html(&entry.value, &schema, "toc value");
    }

    // `sanitize_html` uses the default schema, whose prefix it adds to every
    // `id` and `name` (and to `#fragment` links without it): compare only
    // with that prefix, taking the second copy off ids and names.
    let default_prefix = Schema::default().id_prefix;
    if let Some(sanitize_html) = fixpoint.filter(|_| options.id_prefix == default_prefix) {
        let p = &default_prefix;
        let again = sanitize_html(&rendered.html)
            .replace(&format!(" id=\"{p}{p}"), &format!(" id=\"{p}"))
            .replace(&format!(" name=\"{p}{p}"), &format!(" name=\"{p}"));
        assert!(
            again == rendered.html,
            "sanitizing the output again changed it:\n  html:  {:?}\n  again: {again:?}",
            rendered.html
        );
    }
}

/// One serialized start or end tag.
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    /// Attribute names and raw (still escaped) values.
    attributes: Vec<(&'a str, &'a str)>,
}

/// Check serialized HTML against the sanitization policy. Our serializer
/// escapes `&`, `<`, `>`, `"` and CR in text and attribute values, so every
/// `<` starts a tag and every `&` starts one of five entities.
fn check_html(html: &str, schema: &Schema, what: &str) {
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "{what} has a <script: {html:?}"
    );
    check_entities(html, what);
    for tag in tags(html, what) {
        let name = tag.name.to_ascii_lowercase();
        assert!(
            schema.elements.contains(&name.as_str()),
            "{what} has a `<{name}>` outside the allowlist: {html:?}"
        );
        if tag.closing {
            continue;
        }
        for (attribute, raw) in tag.attributes {
            let attribute = attribute.to_ascii_lowercase();
            let value = unescape(raw);
            assert!(
                !attribute.starts_with("on"),
                "{what} has an event handler `{attribute}` on `<{name}>`: {html:?}"
            );
            let allowed = schema.global_attributes.contains(&attribute.as_str())
                || schema
                    .attributes
                    .iter()
                    .any(|(t, names)| *t == name && names.contains(&attribute.as_str()));
            assert!(
                allowed,
                "{what} has `{attribute}` on `<{name}>`, outside the allowlist: {html:?}"
            );
            match attribute.as_str() {
                "href" => check_url(&value, schema.href_schemes, &[], what, html),
                "src" | "cite" => check_url(
                    &value,
                    schema.src_schemes,
                    schema.src_data_types,
                    what,
                    html,
                ),
                "srcset" => assert!(
                    !squeeze(&value).contains("javascript:"),
                    "{what} has `javascript:` in a srcset: {html:?}"
                ),
                "id" | "name" => assert!(
                    value.starts_with(&schema.id_prefix),
                    "{what} has `{attribute}=\"{value}\"` without the prefix {:?}: {html:?}",
                    schema.id_prefix
                ),
                "style" => {
                    let css = squeeze(&value);
                    for bad in [
                        "url(",
                        "expression(",
                        "javascript:",
                        "@import",
                        "image-set(",
                    ] {
                        assert!(
                            !css.contains(bad),
                            "{what} has `{bad}` in a style: {html:?}"
                        );
                    }
                }
                "class" => {
                    for class in value.split_ascii_whitespace() {
                        assert!(
                            schema.classes.contains(&class) || class.starts_with("language-"),
                            "{what} has the class `{class}` outside the allowlist: {html:?}"
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

/// Lowercased, without whitespace and control characters.
fn squeeze(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect()
}

fn check_url(value: &str, schemes: &[&str], data_types: &[&str], what: &str, html: &str) {
    let url = squeeze(value);
    assert!(
        !url.starts_with("javascript:") && !url.starts_with("vbscript:"),
        "{what} has a script URL {value:?}: {html:?}"
    );
    let end = url.find(['/', '?', '#']).unwrap_or(url.len());
    let Some(colon) = url[..end].find(':') else {
        return; // relative
    };
    let scheme = &url[..colon];
    let allowed = schemes.contains(&scheme)
        || (scheme == "data"
            && data_types.iter().any(|t| {
                url[colon + 1..].starts_with(&format!("{t};"))
                    || url[colon + 1..].starts_with(&format!("{t},"))
            }));
    assert!(
        allowed,
        "{what} has a URL with the scheme `{scheme}:` outside the allowlist: {value:?} in {html:?}"
    );
}

/// Every `&` starts `&amp;`, `&lt;`, `&gt;`, `&quot;` or `&#13;` (a CR,
/// which a parser would otherwise fold).
fn check_entities(html: &str, what: &str) {
    for (index, _) in html.match_indices('&') {
        let rest = &html[index..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#13;"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "{what} has an unexpected entity at byte {index}: {:?}",
            &rest[..rest.len().min(12)]
        );
    }
}

fn unescape(raw: &str) -> String {
    raw.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

/// The tags of serialized HTML: `<name a="v" b="w">`, `<name />`, `</name>`.
fn tags<'a>(html: &'a str, what: &str) -> Vec<Tag<'a>> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            panic!("{what} has an unterminated tag: {html:?}");
        };
        let inner = &after[..close];
        rest = &after[close + 1..];
        assert!(
            !inner.contains('<'),
            "{what} has a `<` inside a tag: {html:?}"
        );
        if let Some(name) = inner.strip_prefix('/') {
            assert!(
                is_name(name),
                "{what} has a bad end tag `</{name}>`: {html:?}"
            );
            out.push(Tag {
                name,
                closing: true,
                attributes: Vec::new(),
            });
            continue;
        }
        let inner = inner.strip_suffix(" /").unwrap_or(inner);
        let name_end = inner.find(' ').unwrap_or(inner.len());
        let name = &inner[..name_end];
        assert!(is_name(name), "{what} has a bad tag `<{inner}>`: {html:?}");
        let mut attributes = Vec::new();
        let mut attrs = &inner[name_end..];
        while !attrs.is_empty() {
            // Serialized as ` name="value"`, the value without `"`.
            let parsed = attrs.strip_prefix(' ').and_then(|a| {
                let (attribute, after) = a.split_once("=\"")?;
                let (value, after) = after.split_once('"')?;
                Some((attribute, value, after))
            });
            let Some((attribute, value, after)) = parsed else {
                panic!("{what} has malformed attributes in `<{inner}>`: {html:?}");
            };
            assert!(
                !attribute.is_empty()
                    && !attribute
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || "\"'<>/=".contains(c)),
                "{what} has a bad attribute name {attribute:?}: {html:?}"
            );
            attributes.push((attribute, value));
            attrs = after;
        }
        out.push(Tag {
            name,
            closing: false,
            attributes,
        });
    }
    out
}

fn is_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}
