//! markdown-rs workarounds, each naming its upstream issue and its
//! regression test, to delete when upstream fixes it.
//!
//! Called from the pre-pass ([`crate::prepass::prepare`]): each one masks a
//! block (or a byte) before markdown-rs sees it. A panic anywhere is
//! contained anyway ([`crate::contain`]: the block is shown as source with
//! an `internal-error` diagnostic), so a guard is kept only where it does
//! better than that:
//!
//! - [`OPEN_REFERENCE`] saves the whole block: the panicking byte is hidden
//!   from the parser and given back afterwards;
//! - [`unclosed_text_tag`] reports the writer's actual mistake (an unclosed
//!   tag, with its position) instead of an internal error;
//! - the caps in [`check_block`] bound time and stack on hostile input
//!   (markdown-rs is quadratic or recurses deeply on some shapes; not
//!   reported upstream: measured by `tests/bench/pathological.mjs`, tested
//!   by `tests/hostile.rs`): such a block is shown as text with an
//!   `input-too-complex` warning.
//!
//! The known panics that no guard handles any more (setext underlines
//! after setext underlines, wooorm/markdown-rs#22/#31/#193; tables followed
//! by an unfinished tag; lazy block quotes around tables) are contained;
//! `tests/panics.rs` lists every reported input and how it renders.

use crate::diagnostic::{Report, Severity};
use crate::options::Format;
use crate::prepass::{
    Line, Prepared, container_prefix, fault, is_blank, is_thematic_break, jsx_tag_spans,
    open_jsx_tags, skip_expression,
};

/// Most container markers (`>`, list items) allowed in front of one line.
pub(crate) const MAX_CONTAINER_DEPTH: usize = 48;
/// Longest run of emphasis delimiters (`*`, `_`, `~`) allowed in a block.
pub(crate) const MAX_DELIMITER_RUN: usize = 64;
/// Most unterminated `<name` allowed in one MDX block (quadratic past this).
pub(crate) const MAX_UNTERMINATED_TAGS: usize = 256;
/// Most `[` allowed in one block (links and images are quadratic past this).
pub(crate) const MAX_BRACKETS: usize = 4000;

/// Stands in, in the parser's copy of the source, for the `&` of a
/// character reference left open at the very end of a JSX attribute value
/// (`<a href="?q=1&r">`): markdown-rs 1.0.0 reads past the end of the value
/// there and panics (index out of bounds in `util/character_reference.rs`;
/// reported against a downstream user, parcel-bundler/parcel#10130; no
/// markdown-rs issue yet). The attribute's value is given back its `&` after
/// parsing ([`restore_references`]), so nothing is lost. Used only when
/// the source does not hold this byte (a control character no document
/// has). Regression tests: `tests/panics.rs`, `open_reference_*`.
pub const OPEN_REFERENCE: u8 = 0x1A;

/// `value` with every [`OPEN_REFERENCE`] given back its `&`.
pub fn restore_references(value: &str) -> std::borrow::Cow<'_, str> {
    if value.as_bytes().contains(&OPEN_REFERENCE) {
        value.replace(char::from(OPEN_REFERENCE), "&").into()
    } else {
        value.into()
    }
}

/// Byte offsets of each `&` that starts what could be a character
/// reference running to the end of a quoted attribute value: `&`, then
/// ASCII letters, digits or `#`, then a quote (`<a href="?q=1&r">`). Not
/// only in tags (telling which `<` markdown-rs takes as one is the parser's
/// business): a `&` replaced elsewhere is given back all the same. Skipped:
/// expressions (their strings are evaluated) and a `&` right after an
/// emphasis marker (`&` is punctuation to the emphasis rules, the stand-in
/// is not).
fn open_references(source: &str, start: usize, end: usize) -> Vec<usize> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    let mut at = start;
    while at < end {
        match bytes[at] {
            b'{' => at = skip_expression(bytes, at, end),
            b'&' => {
                let run = bytes[at + 1..end]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'#')
                    .count();
                let quoted = matches!(bytes.get(at + 1 + run), Some(b'"' | b'\''));
                let after_marker = at > 0 && matches!(bytes[at - 1], b'*' | b'_' | b'~');
                if run > 0 && quoted && !after_marker {
                    found.push(at);
                }
                at += 1 + run;
            }
            _ => at += 1,
        }
    }
    found
}

/// Hide from the parser each `&` of a character reference left open at
/// the very end of an attribute value (see [`OPEN_REFERENCE`]), over the
/// source from `from` on (a tag can run across blank lines); where the
/// stand-in cannot be used, show the block as text.
pub(crate) fn hide_open_references(
    source: &str,
    lines: &[Line],
    from: usize,
    masked: &mut [u8],
    prepared: &mut Prepared,
) {
    if !source.contains('&') {
        return;
    }
    let mut references = open_references(source, from, source.len());
    // Only where the parser still sees the `&` (not in a comment or a
    // faulty block, which are masked).
    references.retain(|&at| masked[at] == b'&');
    if prepared.substitutes {
        for at in references {
            masked[at] = OPEN_REFERENCE;
        }
    } else if let Some(&at) = references.first() {
        // The block is shown as text instead.
        let line = lines
            .iter()
            .rfind(|line| line.start <= at)
            .copied()
            .unwrap_or(lines[0]);
        let block_end = lines
            .iter()
            .find(|l| l.start > at && is_blank(&source[l.start..l.end]))
            .map_or(source.len(), |l| l.start);
        fault(
            masked,
            prepared,
            line.start,
            block_end,
            Report::new(
                Severity::Error,
                "input-too-complex",
                "An attribute value ending in a character reference without `;` cannot be read in a document holding the control character U+001A: add the `;` or remove that character",
                at,
                at + 1,
            ),
        );
    }
}

/// Check one block (consecutive non-blank lines) against the caps and the
/// unclosed-tag guard; a block that fails is masked and reported.
pub(crate) fn check_block(
    format: Format,
    source: &str,
    block: &[Line],
    masked: &mut [u8],
    prepared: &mut Prepared,
) {
    let (Some(first), Some(last)) = (block.first(), block.last()) else {
        return;
    };
    let (start, end) = (first.start, last.end);
    let text = &source[start..end];
    let mut reason = None;
    for line in block {
        let (_, depth) = container_prefix(&source[line.start..line.end]);
        if depth > MAX_CONTAINER_DEPTH {
            reason = Some(format!(
                "more than {MAX_CONTAINER_DEPTH} nested block quotes or lists"
            ));
            break;
        }
    }
    if reason.is_none() {
        let mut run = 0;
        let mut previous = 0;
        for byte in text.bytes() {
            if matches!(byte, b'*' | b'_' | b'~') && (run == 0 || byte == previous) {
                run += 1;
            } else if matches!(byte, b'*' | b'_' | b'~') {
                run = 1;
            } else {
                run = 0;
            }
            previous = byte;
            if run > MAX_DELIMITER_RUN && !is_thematic_break(text.trim()) {
                reason = Some(format!(
                    "a run of more than {MAX_DELIMITER_RUN} emphasis markers"
                ));
                break;
            }
        }
    }
    if reason.is_none() && format == Format::Mdx {
        // Each `<name` without a `>` after it makes markdown-rs scan to the
        // end of the block: quadratic when there are many of them.
        let last_close = text.rfind('>').map_or(0, |at| at + 1);
        let unterminated = text.as_bytes()[last_close..]
            .windows(2)
            .filter(|pair| pair[0] == b'<' && pair[1].is_ascii_alphabetic())
            .count();
        if unterminated > MAX_UNTERMINATED_TAGS {
            reason = Some(format!(
                "more than {MAX_UNTERMINATED_TAGS} `<` that start a tag never closed with `>`"
            ));
        }
    }
    if reason.is_none() && text.bytes().filter(|&b| b == b'[').count() > MAX_BRACKETS {
        reason = Some(format!("more than {MAX_BRACKETS} `[` in one block"));
    }
    if reason.is_none() && format == Format::Mdx {
        if let Some((tag_start, tag_end)) = unclosed_text_tag(source, block) {
            let tag = &source[tag_start..tag_end];
            fault(
                masked,
                prepared,
                start,
                end,
                Report::new(
                    Severity::Error,
                    "end-tag-mismatch",
                    format!("Expected a closing tag for `{tag}` before the end of this block"),
                    tag_start,
                    tag_end,
                ),
            );
            return;
        }
    }
    if let Some(reason) = reason {
        fault(
            masked,
            prepared,
            start,
            end,
            Report::new(
                Severity::Warning,
                "input-too-complex",
                format!("This block is too complex to render ({reason}); it is shown as text"),
                start,
                first.end,
            ),
        );
    }
}

/// A JSX tag left open in running text (a paragraph, a heading, a link
/// label) is an error, and in some places it makes markdown-rs 1.0.0 panic:
/// in a setext heading (`Hi <>\n===`: wooorm/markdown-rs#139, fix proposed
/// in wooorm/markdown-rs#219) and in a link label (`[a<b>c](d)`: a
/// `debug_assert!` in `construct/partial_mdx_jsx.rs`, reported downstream
/// in rvben/rumdl#872). Find the first such tag, as a byte range, so the
/// block is reported as the document's error (`end-tag-mismatch`, as
/// markdown-rs reports it elsewhere) rather than as an internal error. Tags
/// alone on their line are flow JSX, which may close in a later block.
/// Regression tests: `tests/panics.rs`, `unclosed_jsx_*`.
pub(crate) fn unclosed_text_tag(source: &str, block: &[Line]) -> Option<(usize, usize)> {
    let (first, last) = (block.first()?, block.last()?);
    // An underline of `=` or `-` (a lone `- ` is one too: an empty list
    // item cannot interrupt a paragraph), inside block quotes or not: any
    // tag open in the text above it (even if closed after it) is fatal.
    let underlines: Vec<usize> = block
        .iter()
        .skip(1)
        .filter(|line| {
            let text = &source[line.start..line.end];
            let rest = text.trim_start_matches([' ', '\t', '>']).trim_end();
            !rest.is_empty() && (rest.bytes().all(|b| b == b'=') || rest.bytes().all(|b| b == b'-'))
        })
        .map(|line| line.start)
        .collect();
    if !underlines.is_empty() {
        // One scan, then a tag is fatal if it is open at some underline.
        let spans = jsx_tag_spans(source, first.start, last.end, true);
        let fatal = spans.iter().find(|&&(_, open_end, closed)| {
            let first_after = underlines.partition_point(|&u| u < open_end);
            underlines
                .get(first_after)
                .is_some_and(|&u| closed.is_none_or(|close| close > u))
        });
        if let Some(&(open, open_end, _)) = fatal {
            return Some((open, open_end));
        }
        // An underline also ends any code span above it (`` `<>\n-\n` ``
        // is a heading holding a fragment, not code): scan each stretch
        // above an underline on its own too.
        let mut from = first.start;
        for &underline in &underlines {
            let spans = jsx_tag_spans(source, from, underline, true);
            if let Some(&(open, open_end, _)) = spans.iter().find(|span| span.2.is_none()) {
                return Some((open, open_end));
            }
            from = underline;
        }
    }
    open_jsx_tags(source, first.start, last.end, false)
        .into_iter()
        .find(|&(start, end)| {
            let line = block
                .iter()
                .rfind(|line| line.start <= start)
                .copied()
                .unwrap_or(*first);
            let text = &source[line.start..line.end];
            let (offset, _) = container_prefix(text);
            let alone = line.start + offset == start
                && source[end..line.end.max(end)]
                    .trim_start()
                    .chars()
                    .next()
                    .is_none_or(|c| c == '<');
            !alone
        })
}
