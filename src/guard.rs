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
//!   by `tests/hostile_input_limits.rs`): such a block is shown as text with an
//!   `input-too-complex` warning.
//!
//! One is used after parsing, by the HTML stage: [`label_key`] matches
//! references to definitions as CommonMark does, where markdown-rs drops a
//! space of the label.
//!
//! The known panics that no guard handles any more (setext underlines
//! after setext underlines, wooorm/markdown-rs#22/#31/#193; tables followed
//! by an unfinished tag; lazy block quotes around tables; an unclosed fence
//! ending a list item before a list of the other kind, #23) are contained;
//! `tests/panics.rs` lists every reported input and how it renders.

use crate::diagnostic::{Report, Severity};
use crate::lines::{Line, container_prefix, is_blank, is_thematic_break};
use crate::options::Format;
use crate::prepass::{
    Braces, Prepared, TagScan, backtick_runs, fault, jsx_tag_spans, open_jsx_tags, tag_end,
};
use crate::rules::Rule;

/// Most container markers (`>`, list items) allowed in front of one line.
pub(crate) const MAX_CONTAINER_DEPTH: usize = 48;
/// Longest run of emphasis delimiters (`*`, `_`, `~`) allowed in a block.
pub(crate) const MAX_DELIMITER_RUN: usize = 64;
/// Most unterminated `<name` allowed in one MDX block (quadratic past this).
pub(crate) const MAX_UNTERMINATED_TAGS: usize = 256;
/// Most `[` allowed in one block: links and images are quadratic (`[ (](`
/// × 4000 took 1.2-1.5 s in wasm; × 2000, about 0.35 s).
pub(crate) const MAX_BRACKETS: usize = 2000;
/// Most runs of emphasis markers (`*`, `_`, `~`) in one block: markdown-rs
/// matches openers and closers in quadratic time (cmark's pathological
/// `*a **a …`, `a_ a_ …`, `*a_ …` shapes take seconds at 100 KB).
pub(crate) const MAX_DELIMITER_RUNS: usize = 2000;
/// Most backtick runs in one block that no later run of the same length
/// closes: markdown-rs looks for the closing run to the end of the block
/// from each of them.
pub(crate) const MAX_UNCLOSED_CODE_RUNS: usize = 64;
/// Most lines in one block (lines without a blank one between them, fenced
/// code aside): markdown-rs spends time quadratic in a construct's lines (a
/// paragraph of 51,200 one-character lines took it 3.6 s, a tight list of
/// 25,600 items 2.2 s; 5,000 lines take it about 30 ms).
pub(crate) const MAX_BLOCK_LINES: usize = 5000;
/// Deepest JSX nesting in one MDX block (the HTML tree keeps 96 levels;
/// markdown-rs is slow on thousands).
pub(crate) const MAX_JSX_DEPTH: usize = 128;

/// markdown-rs 1.0.0 carries state out of a container into the block after
/// it: when a list or a footnote definition is closed by the first line of
/// the next block (after a blank line), the parser forgets, at the end of
/// that line, that a paragraph is open (`exit_containers` in
/// `construct/document.rs` resets the flow's `interrupt` flag after the
/// line was fed). So the block's second line may start what cannot
/// interrupt a paragraph: `2. b`, an empty `-` item, a definition. Text
/// after `- a` and a blank line, `para` then `2. b`, is a paragraph and a
/// list; without the list before it, one paragraph. Not reported upstream.
///
/// The incremental engine renders a block that follows such a container
/// without re-parsing the container: this small list, put before it,
/// closes the same way on the block's first line and leaves the parser in
/// the same state, whatever the real container held. Valid when the
/// block's first line is not indented (so no list takes it in as
/// continuation) and the block does not start with a list (which the real
/// list could take in as its next item): the engine checks both
/// ([`crate::incremental`]). Regression tests: `tests/incremental.rs`,
/// `after_a_list_*`.
pub(crate) fn after_container(first_line: &str) -> &'static str {
    // A bullet of another kind than the block's first character, which
    // would otherwise continue this list.
    match first_line.as_bytes().first() {
        Some(b'-') => "* x\n\n",
        _ => "- x\n\n",
    }
}

/// markdown-rs 1.0.0 matches a reference to a definition by a label
/// normalization that drops the first run of whitespace between words
/// when the label starts with a word (`normalize_identifier` in
/// `util/normalize_identifier.rs` puts a space before a word only when
/// the previous word did not start at byte 0): `[foobar]` links to
/// `[foo bar]: /url`, which CommonMark, and so @mdx-js/mdx and Docusaurus,
/// leave as text. Not reported upstream.
///
/// The HTML stage matches references and definitions by this key instead,
/// made from the label as written ([`reference_label`],
/// [`definition_label`]) as CommonMark says: whitespace runs (space, tab,
/// line endings) collapsed to one space, trimmed, then case folded as
/// markdown-rs and micromark do. A reference the parser linked that no
/// definition matches by it is shown as its source. The opposite case (a
/// label starting with whitespace and holding a space, which the parser
/// fails to link) cannot be mended after parsing. Regression tests:
/// `tests/references.rs`.
pub(crate) fn label_key(label: &str) -> String {
    let mut words = String::with_capacity(label.len());
    let mut space = false;
    for c in label.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            space = !words.is_empty();
        } else {
            if space {
                words.push(' ');
                space = false;
            }
            words.push(c);
        }
    }
    words.to_lowercase().to_uppercase()
}

/// The label of a reference as written, from its source (`[text][label]`,
/// `[label][]`, `[label]`, each maybe an image, `![…]`), for [`label_key`];
/// None if the source is not of that shape.
pub(crate) fn reference_label<'a>(
    source: &'a str,
    kind: &markdown::mdast::ReferenceKind,
) -> Option<&'a str> {
    use markdown::mdast::ReferenceKind;
    let inner = match kind {
        ReferenceKind::Full => {
            let body = source.strip_suffix(']')?;
            // A label holds no unescaped `[`: the last one opens it.
            let bytes = body.as_bytes();
            let mut at = bytes.len();
            loop {
                at = body[..at].rfind('[')?;
                let escapes = bytes[..at]
                    .iter()
                    .rev()
                    .take_while(|b| **b == b'\\')
                    .count();
                if escapes % 2 == 0 {
                    break;
                }
            }
            return Some(&body[at + 1..]);
        }
        ReferenceKind::Collapsed => source.strip_suffix("[]")?,
        ReferenceKind::Shortcut => source,
    };
    let inner = inner.strip_prefix('!').unwrap_or(inner);
    inner.strip_prefix('[')?.strip_suffix(']')
}

/// The label of a definition as written, from its source (`[label]: …`),
/// for [`label_key`]; None if the source is not of that shape.
pub(crate) fn definition_label(source: &str) -> Option<&str> {
    let rest = source.trim_start().strip_prefix('[')?;
    let bytes = rest.as_bytes();
    let mut end = 0;
    while end < bytes.len() && bytes[end] != b']' {
        end += if bytes[end] == b'\\' { 2 } else { 1 };
    }
    rest.get(..end)
}

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
    let braces = Braces::new(bytes, start, end);
    let mut found = Vec::new();
    let mut at = start;
    while at < end {
        match bytes[at] {
            b'{' => at = braces.skip(at),
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
                Rule::InputTooComplex,
                "An attribute value ending in a character reference without `;` cannot be read in a document holding the control character U+001A: add the `;` or remove that character",
                at,
                at + 1,
            ).with_severity(Severity::Error),
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
    let reason = too_complex(format, source, block, start..end);
    if reason.is_none() && format == Format::Mdx {
        let tag_error = unclosed_text_tag(source, block)
            .map(|(tag_start, tag_end)| {
                let tag = &source[tag_start..tag_end];
                Report::new(
                    Rule::EndTagMismatch,
                    format!("Expected a closing tag for `{tag}` before the end of this block"),
                    tag_start,
                    tag_end,
                )
            })
            .or_else(|| {
                let (tag_start, name_end) = unfinished_text_tag(source, block)?;
                let name = &source[tag_start..name_end];
                Some(Report::new(
                    Rule::UnexpectedEof,
                    format!(
                        "The tag `{name}` is never finished before the end of this block: add `>` (or `/>`), or write `\\<` for a less-than sign"
                    ),
                    tag_start,
                    name_end,
                ))
            });
        if let Some(report) = tag_error {
            fault(masked, prepared, start, end, report);
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
                Rule::InputTooComplex,
                format!("This block is too complex to render ({reason}); it is shown as text"),
                start,
                first.end,
            ),
        );
    }
}

/// Why the block `range` (its `block` lines) is too complex for markdown-rs
/// to parse in bounded time and stack, if it is (the caps above).
fn too_complex(
    format: Format,
    source: &str,
    block: &[Line],
    range: std::ops::Range<usize>,
) -> Option<String> {
    let (start, end) = (range.start, range.end);
    let text = &source[start..end];
    if block.len() > MAX_BLOCK_LINES {
        return Some(format!(
            "more than {MAX_BLOCK_LINES} lines without a blank line between them"
        ));
    }
    let mut reason = None;
    for line in block {
        let text = &source[line.start..line.end];
        let (offset, depth) = container_prefix(text);
        // A list item indented that far is nested as deep (each level
        // indents its items by two columns at least).
        let indent: usize = text[..offset]
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .map(|b| if b == b'\t' { 4 } else { 1 })
            .sum();
        if depth > MAX_CONTAINER_DEPTH || (depth > 0 && indent > 2 * MAX_CONTAINER_DEPTH) {
            reason = Some(format!(
                "more than {MAX_CONTAINER_DEPTH} nested block quotes or lists"
            ));
            break;
        }
    }
    if reason.is_none() && !is_thematic_break(text.trim()) {
        let mut run = 0;
        let mut runs = 0;
        let mut previous = 0;
        for byte in text.bytes() {
            if matches!(byte, b'*' | b'_' | b'~') && (run == 0 || byte == previous) {
                run += 1;
            } else if matches!(byte, b'*' | b'_' | b'~') {
                run = 1;
            } else {
                run = 0;
            }
            if run == 1 {
                runs += 1;
            }
            previous = byte;
            if run > MAX_DELIMITER_RUN {
                reason = Some(format!(
                    "a run of more than {MAX_DELIMITER_RUN} emphasis markers"
                ));
                break;
            }
        }
        if reason.is_none() && runs > MAX_DELIMITER_RUNS {
            reason = Some(format!(
                "more than {MAX_DELIMITER_RUNS} runs of emphasis markers"
            ));
        }
    }
    if reason.is_none() {
        // Each `<name` (in markdown also `</`, `<!` and `<?`) without a `>`
        // after it makes markdown-rs scan to the end of the block:
        // quadratic when there are many of them.
        let last_close = text.rfind('>').map_or(0, |at| at + 1);
        let starts_tag = |b: u8| {
            b.is_ascii_alphabetic() || (format == Format::Md && matches!(b, b'/' | b'!' | b'?'))
        };
        let unterminated = text.as_bytes()[last_close..]
            .windows(2)
            .filter(|pair| pair[0] == b'<' && starts_tag(pair[1]))
            .count();
        if unterminated > MAX_UNTERMINATED_TAGS {
            reason = Some(format!(
                "more than {MAX_UNTERMINATED_TAGS} `<` that start a tag or comment never closed with `>`"
            ));
        }
    }
    if reason.is_none() && text.bytes().filter(|&b| b == b'[').count() > MAX_BRACKETS {
        reason = Some(format!("more than {MAX_BRACKETS} `[` in one block"));
    }
    if reason.is_none() && unclosed_code_runs(text) > MAX_UNCLOSED_CODE_RUNS {
        reason = Some(format!(
            "more than {MAX_UNCLOSED_CODE_RUNS} backtick runs that no run of the same length closes"
        ));
    }
    if reason.is_none() && format == Format::Mdx && jsx_depth(source, start, end) > MAX_JSX_DEPTH {
        reason = Some(format!("JSX nested more than {MAX_JSX_DEPTH} levels deep"));
    }
    reason
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

/// A tag started in running text and never finished in its block
/// (`1. Generate <the project`, `## <Highlights`): @mdx-js/mdx fails on
/// it ("Unexpected end of file in name"), markdown-rs 1.0.0 takes it as
/// text. The `<` and the end of its name. Tags at the start of a line
/// (flow JSX, which reads on across blank lines) are the parser's.
fn unfinished_text_tag(source: &str, block: &[Line]) -> Option<(usize, usize)> {
    let (first, last) = (block.first()?, block.last()?);
    let (start, end) = (first.start, last.end);
    let bytes = source.as_bytes();
    if !bytes[start..end].contains(&b'<') {
        return None;
    }
    let scan = TagScan::new(source, start, end);
    let mut at = start;
    while at < end {
        if let Some(next) = scan.step_over(at) {
            at = next;
            continue;
        }
        match bytes[at] {
            b'<' => {
                let name_at = at + 1 + usize::from(bytes.get(at + 1) == Some(&b'/'));
                let starts_name = source[name_at.min(end)..end]
                    .chars()
                    .next()
                    .is_some_and(markdown::id_start);
                if !starts_name {
                    at += 1;
                    continue;
                }
                if let Some(tag_end) = tag_end(&bytes[..end], name_at, &scan.braces) {
                    at = tag_end;
                    continue;
                }
                // Never finished: unless it starts its line (flow).
                let line = block.iter().rfind(|line| line.start <= at)?;
                let (offset, _) = container_prefix(&source[line.start..line.end]);
                if line.start + offset == at {
                    return None;
                }
                let name_end = source[name_at..end]
                    .find(|c: char| !(markdown::id_cont(c, true) || matches!(c, '$' | '.' | ':')))
                    .map_or(end, |i| name_at + i);
                return Some((at, name_end));
            }
            _ => at += 1,
        }
    }
    None
}

/// How many backtick runs of `text` no later run of the same length
/// closes: the last run of each length, so one per length (a rough count:
/// the runs in between do not matter here).
fn unclosed_code_runs(text: &str) -> usize {
    let runs = backtick_runs(text.as_bytes(), 0, text.len());
    // The lengths met, by length (no hash set: each set type adds its own
    // copy of the map code to the wasm).
    let longest = runs.iter().map(|&(length, _)| length).max().unwrap_or(0);
    let mut met = vec![false; longest + 1];
    runs.iter()
        .filter(|&&(length, _)| !std::mem::replace(&mut met[length], true))
        .count()
}

/// The deepest nesting of JSX tags in `source[start..end]` (tags closed or
/// not), by the pre-pass's rough scan.
fn jsx_depth(source: &str, start: usize, end: usize) -> usize {
    if !source[start..end].contains('<') {
        return 0;
    }
    // Opening and closing points, in order: +1 at each opening tag, -1 at
    // each closing one.
    let mut points: Vec<(usize, isize)> = Vec::new();
    for (open, _, close) in jsx_tag_spans(source, start, end, false) {
        points.push((open, 1));
        if let Some(close) = close {
            points.push((close, -1));
        }
    }
    crate::order::sort_by_key(&mut points, |&(at, step)| (at, usize::from(step > 0)));
    let mut depth = 0isize;
    let mut deepest = 0isize;
    for (_, step) in points {
        depth += step;
        deepest = deepest.max(depth);
    }
    deepest.max(0) as usize
}

/// Markdown: an HTML comment opened at the start of a line and never
/// closed runs to the end of the document (CommonMark), hiding all that
/// follows; markdown-rs also takes time quadratic in its lines (seconds
/// for 50 000). As in MDX (where comments are ours to handle), its block is
/// shown as source with an `unclosed-comment` error instead, and the rest
/// renders. Not an upstream bug: a preview's choice.
pub(crate) fn unclosed_comment(
    source: &str,
    lines: &[Line],
    in_code: &[bool],
    masked: &mut [u8],
    prepared: &mut Prepared,
) {
    if !source.contains("<!--") {
        return;
    }
    for (index, line) in lines.iter().enumerate() {
        let text = &source[line.start..line.end];
        let trimmed = text.trim_start_matches(' ');
        if in_code[index] || text.len() - trimmed.len() > 3 || !trimmed.starts_with("<!--") {
            continue;
        }
        let at = line.end - trimmed.len();
        if !source[at + 4..].contains("-->") {
            crate::prepass::unclosed_comment(source, lines, index, at, masked, prepared);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_code_runs_counts_the_last_run_of_each_length() {
        assert_eq!(unclosed_code_runs("no code"), 0);
        assert_eq!(unclosed_code_runs("`a`"), 1, "the closing run itself");
        assert_eq!(unclosed_code_runs("`a` ``b"), 2);
        assert_eq!(unclosed_code_runs("``a`` `b` ```c"), 3);
        assert_eq!(unclosed_code_runs("` ` ` `"), 1);
    }
}
