//! Fuzz the incremental engine: a document, then edits, each rendered with
//! `Incremental::edit` or `Incremental::update` and compared with a full
//! `render` of the same source. The output must be byte-identical (HTML,
//! TOC, diagnostics, front matter, title) and the blocks must make up the
//! HTML; a panic other than markdown-rs's known ones is a finding.
//!
//! Input layout: the two header bytes of `../check.rs` (the options), then
//! the document and the edits, separated by `0xFF` bytes (never part of
//! UTF-8 text). An edit is two bytes of position (big-endian, taken modulo
//! the length plus one), one byte of how much to remove (low 7 bits; the
//! high bit: hand the engine the whole new source with `update` instead of
//! the change with `edit`), then the text to insert.
//!
//! ```sh
//! make fuzz FUZZ_TARGET=edits     # from the repository root
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdx_preview::incremental::{Incremental, Update};
use mdx_preview::{Rendered, render};

#[path = "../check.rs"]
#[allow(dead_code)]
mod check;

/// At most this many edits of an input are replayed.
const MAX_EDITS: usize = 24;

fuzz_target!(|data: &[u8]| {
    let (options, _) = check::decode(data);
    if check::expected_error(&options).is_some() {
        return;
    }
    let body = data.get(check::HEADER_LEN..).unwrap_or(&[]);
    let mut parts = body.split(|&byte| byte == 0xFF);
    let document = String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();

    check::record_panics();
    check::take_panics();
    let Ok(mut engine) = Incremental::new(options.clone()) else {
        panic!("options the check accepts should make an engine");
    };
    let first = engine.update(&document);
    compare(&first, &document, &options, "first update");

    for (step, part) in parts.take(MAX_EDITS).enumerate() {
        let Some((edit, text)) = Edit::read(part) else {
            continue;
        };
        let source = engine.source().to_string();
        let update = if edit.whole {
            let next = edit.applied(&source, &text);
            let update = engine.update(&next);
            assert_eq!(engine.source(), next, "update should hold the new source");
            update
        } else {
            let length = source.encode_utf16().count();
            let from = edit.from % (length + 1);
            engine.edit(from, from + edit.remove, &text)
        };
        let source = engine.source().to_string();
        compare(&update, &source, &options, &format!("edit {step}"));
    }
});

/// One edit of the input.
struct Edit {
    from: usize,
    remove: usize,
    whole: bool,
}

impl Edit {
    fn read(part: &[u8]) -> Option<(Edit, String)> {
        let [high, low, remove, text @ ..] = part else {
            return None;
        };
        let edit = Edit {
            from: usize::from(u16::from_be_bytes([*high, *low])),
            remove: usize::from(remove & 0x7F),
            whole: remove & 0x80 != 0,
        };
        Some((edit, String::from_utf8_lossy(text).into_owned()))
    }

    /// `source` with the edit applied, counting characters (for `update`).
    fn applied(&self, source: &str, text: &str) -> String {
        let chars: Vec<char> = source.chars().collect();
        let from = self.from % (chars.len() + 1);
        let to = (from + self.remove).min(chars.len());
        let mut out: String = chars[..from].iter().collect();
        out.push_str(text);
        out.extend(&chars[to..]);
        out
    }
}

/// The engine's result must be what a full render of `source` gives.
fn compare(update: &Update, source: &str, options: &mdx_preview::Options, what: &str) {
    let got: Rendered = update.rendered();
    let want = render(source, options).expect("options were checked");
    for (place, message) in check::take_panics() {
        assert!(
            check::is_known_panic(&place, &message),
            "{what}: an unknown panic at {place}: {message}\n(source: {source:?})"
        );
    }
    assert_eq!(got.html, want.html, "{what}: html differs (source: {source:?})");
    assert_eq!(got.toc, want.toc, "{what}: toc differs (source: {source:?})");
    assert_eq!(
        got.diagnostics, want.diagnostics,
        "{what}: diagnostics differ (source: {source:?})"
    );
    assert_eq!(
        got.frontmatter, want.frontmatter,
        "{what}: front matter differs (source: {source:?})"
    );
    assert_eq!(got.title, want.title, "{what}: title differs (source: {source:?})");
    let joined: String = update.blocks().iter().map(|block| block.html()).collect();
    assert_eq!(joined, got.html, "{what}: the blocks do not make up the html");
}
