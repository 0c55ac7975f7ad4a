//! MDX compatibility pre-pass: the first stage of the pipeline.
//!
//! markdown-rs parses MDX as @mdx-js/mdx does, but Docusaurus posts use a
//! few things on top of it: `:::note` admonitions, `{#custom-id}` heading
//! ids and HTML comments (`<!-- truncate -->`). This pass finds them, records
//! what they mean, and *masks* them in the source: their bytes become spaces
//! (line endings stay), so every byte offset in the masked source is the
//! same as in the original and positions need no mapping.
//!
//! It also guards the parser: a block whose shape would make markdown-rs
//! slow (quadratic) or its tree very deep is masked too and reported as
//! `input-too-complex`, to be shown as escaped text.

use crate::diagnostic::{Report, Severity};
use crate::lines::{Line, LineMap, container_prefix, is_blank, is_thematic_break, split as lines};
use crate::options::Format;
use std::collections::HashMap;

/// Admonition types Docusaurus knows.
pub const ADMONITION_TYPES: [&str; 9] = [
    "note",
    "tip",
    "info",
    "warning",
    "danger",
    "caution",
    "important",
    "success",
    "secondary",
];

/// Most container markers (`>`, list items) allowed in front of one line.
const MAX_CONTAINER_DEPTH: usize = 48;
/// Longest run of emphasis delimiters (`*`, `_`, `~`) allowed in a block.
const MAX_DELIMITER_RUN: usize = 64;
/// Most unterminated `<name` allowed in one MDX block (quadratic past this).
const MAX_UNTERMINATED_TAGS: usize = 256;
/// Most `[` allowed in one block (links and images are quadratic past this).
const MAX_BRACKETS: usize = 4000;

/// An admonition found in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Admonition {
    /// Type, lowercase (`note`); may be unknown (reported).
    pub kind: String,
    /// Title as written (markdown), and the byte offset where it starts.
    pub title: Option<(String, usize)>,
    /// Byte range of the opening fence line (without line ending).
    pub open: (usize, usize),
    /// Byte range of the closing fence line, if it is closed.
    pub close: Option<(usize, usize)>,
}

impl Admonition {
    /// Byte offset where the content starts.
    pub fn content_start(&self) -> usize {
        self.open.1
    }
}

/// A block that cannot be rendered: shown as escaped source.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// Byte range of the block in the source.
    pub start: usize,
    /// End of the block (exclusive).
    pub end: usize,
}

/// What the pre-pass found.
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    /// The source with everything handled here replaced by spaces.
    pub masked: String,
    /// Admonitions, in source order of their opening fence.
    pub admonitions: Vec<Admonition>,
    /// `{#id}` of ATX headings: (byte offset of the heading line start, id).
    pub heading_ids: Vec<(usize, String)>,
    /// Byte offset of the truncate marker (`<!-- truncate -->`), if any.
    pub truncate: Option<usize>,
    /// Byte offsets of every truncate marker (the first one marks the
    /// excerpt; the others are dropped).
    pub truncate_markers: Vec<usize>,
    /// A `---` first line taken out of the source that is a thematic break.
    pub thematic_break: Option<usize>,
    /// Blocks shown as escaped source.
    pub faults: Vec<Fault>,
    /// Problems found.
    pub reports: Vec<Report>,
    /// Whether [`OPEN_REFERENCE`] may stand in for `&` in `masked` (the
    /// source does not hold that byte itself).
    pub substitutes: bool,
    /// Byte offsets of constructs whose rendering depends on everything
    /// after them: something never closed (a fence, comment, admonition or
    /// front matter; an element or expression the parser found open at the
    /// end). Text added anywhere later may close it.
    pub open: Vec<usize>,
    /// Error recovery ran out of attempts: the rest of the input is text.
    pub gave_up: bool,
    /// The parser found something still open at the very end of the input.
    pub open_at_end: bool,
    /// Byte ranges of what this pass read as one thing across lines
    /// (comments, code, front matter): no top-level block starts inside one.
    pub spans: Vec<(usize, usize)>,
    /// Where the document's body starts: after the front matter's line
    /// ending (0 when there is none).
    pub body: usize,
}

/// Stands in, in the parser's copy of the source, for the `&` of a
/// character reference left open at the very end of a JSX attribute value
/// (`<a href="?q=1&r">`): markdown-rs 1.0.0 reads past the end of the value
/// there and panics. The attribute's value is given back its `&` after
/// parsing ([`restore_references`]). Used only when the source does not
/// hold this byte (a control character no document has).
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

/// Replace the bytes of `range` with spaces, keeping line endings.
pub fn mask(masked: &mut [u8], start: usize, end: usize) {
    let end = end.min(masked.len());
    for byte in &mut masked[start.min(end)..end] {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
}

/// An admonition fence: (colons, type, rest after the type). A closing fence
/// has an empty type and an empty rest.
pub(crate) fn admonition_fence(text: &str) -> Option<(usize, &str, &str)> {
    let trimmed = text.trim_start_matches([' ', '\t']);
    if text.len() - trimmed.len() > 3 {
        return None;
    }
    let colons = trimmed.bytes().take_while(|&b| b == b':').count();
    if colons < 3 {
        return None;
    }
    let rest = &trimmed[colons..];
    let name_length = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        .count();
    let (name, after) = rest.split_at(name_length);
    if name.is_empty() && !is_blank(after) {
        return None;
    }
    Some((colons, name, after))
}

/// Run the pre-pass over `source`.
pub fn prepare(source: &str, format: Format) -> Prepared {
    let mut masked = source.as_bytes().to_vec();
    let mut prepared = Prepared {
        substitutes: !masked.contains(&OPEN_REFERENCE),
        ..Prepared::default()
    };
    let map = LineMap::read(source, format);
    let lines = &map.lines;
    let line_text = |line: &Line| &source[line.start..line.end];

    // Front matter is left to markdown-rs; skip it here.
    let first = map.body;
    if first > 0 && !map.unclosed_front_matter {
        prepared.body = lines.get(first).map_or(source.len(), |line| line.start);
        prepared.spans.push((0, prepared.body));
    }
    if map.unclosed_front_matter {
        // Not front matter. markdown-rs's failed attempt at it can leave
        // it in a state where what follows makes it panic, so the line
        // is taken out here: a thematic break before a blank line,
        // else front matter the writer has not closed yet.
        let line = lines[0];
        mask(&mut masked, line.start, line.end);
        prepared.open.push(line.start);
        if lines.get(1).is_none_or(|next| is_blank(line_text(next))) {
            prepared.thematic_break = Some(line.start);
        } else {
            fault(
                &mut masked,
                &mut prepared,
                line.start,
                line.end,
                Report::new(
                    Severity::Warning,
                    "unclosed-frontmatter",
                    "Front matter is never closed: add a line with `---` after it",
                    line.start,
                    line.end,
                ),
            );
        }
    }
    // ```` ```mdx-code-block ```` wrappers: their fence lines are nothing
    // (Docusaurus takes them out), their content is the document's. One
    // span each, so a wrapper is never cut apart: whether its closing line
    // closes it depends on everything between.
    for &(open, close) in &map.wrappers {
        mask(&mut masked, lines[open].start, lines[open].end);
        mask(&mut masked, lines[close].start, lines[close].end);
        prepared.spans.push((lines[open].start, lines[close].end));
    }
    // What is never closed (front matter, a fence, an admonition) is a
    // warning: a site build takes it (the rest of the document is code, or
    // in the admonition), but that is rarely what the writer meant.
    for fence in &map.fences {
        let (start, stop) = (lines[fence.first].start, lines[fence.last].end);
        if !fence.unclosed {
            prepared.spans.push((start, stop));
            continue;
        }
        // A fence never closed would swallow the rest of the document:
        // its first block is a fault instead.
        prepared.open.push(start);
        fault(
            &mut masked,
            &mut prepared,
            start,
            stop,
            Report::new(
                Severity::Warning,
                "unclosed-code-fence",
                format!(
                    "This code fence is never closed: add a line with `{}` after the code",
                    String::from_utf8_lossy(&vec![fence.marker; fence.length])
                ),
                start,
                lines[fence.first].end,
            ),
        );
    }

    // Open admonitions: (index into prepared.admonitions, colons).
    let mut open_admonitions: Vec<(usize, usize)> = Vec::new();
    // Start of the current block (index of its first line) for the caps.
    let mut block_first: Option<usize> = None;

    let mut index = first;
    while index < lines.len() {
        let line = lines[index];
        let text = line_text(&line);

        if map.opaque[index] {
            // Code: finish the block before it, then skip it.
            if let Some(first_line) = block_first.take() {
                check_block(
                    format,
                    source,
                    &lines[first_line..index],
                    &mut masked,
                    &mut prepared,
                );
            }
            index += 1;
            continue;
        }

        // A closing fence that closes nothing is text (markdown-rs sees it),
        // so it stays in its block.
        let fence = admonition_fence(text).filter(|(colons, name, _)| {
            !name.is_empty() || open_admonitions.iter().any(|(_, c)| c <= colons)
        });
        if let Some((colons, name, rest)) = fence {
            if let Some(block) = block_first.take() {
                check_block(
                    format,
                    source,
                    &lines[block..index],
                    &mut masked,
                    &mut prepared,
                );
            }
            if name.is_empty() {
                // Closing fence: closes the innermost admonition opened with
                // at most as many colons.
                if let Some(position) = open_admonitions.iter().rposition(|(_, c)| *c <= colons) {
                    let (at, _) = open_admonitions[position];
                    open_admonitions.truncate(position);
                    prepared.admonitions[at].close = Some((line.start, line.end));
                    mask(&mut masked, line.start, line.end);
                }
            } else {
                let kind = name.to_ascii_lowercase();
                let name_start = line.start + text.find(name).unwrap_or(0);
                let title_text = rest.trim();
                let title_start = line.end - rest.trim_start().len();
                let title = if let Some(inner) = title_text.strip_prefix('[') {
                    // `[label]`, maybe followed by `{attributes}` (unused).
                    let inner_end = inner
                        .rfind("]{")
                        .filter(|_| inner.ends_with('}'))
                        .or_else(|| inner.rfind(']'))
                        .unwrap_or(inner.len());
                    Some((inner[..inner_end].trim().to_string(), title_start + 1))
                } else if title_text.is_empty()
                    || (title_text.starts_with('{') && title_text.ends_with('}'))
                {
                    // No title, or only `{attributes}` (`:::info{#my-id}`):
                    // the type is the title, as in Docusaurus.
                    None
                } else {
                    Some((title_text.to_string(), title_start))
                };
                if !ADMONITION_TYPES.contains(&kind.as_str()) {
                    let mut report = Report::new(
                        Severity::Warning,
                        "unknown-admonition",
                        format!(
                            "Unknown admonition type `{name}`: Docusaurus knows {}",
                            ADMONITION_TYPES.join(", ")
                        ),
                        name_start,
                        name_start + name.len(),
                    );
                    if let Some(best) =
                        crate::suggest::closest(&kind, ADMONITION_TYPES.iter().copied())
                    {
                        report = report.with_suggestion(best);
                    }
                    prepared.reports.push(report);
                }
                prepared.admonitions.push(Admonition {
                    kind,
                    title,
                    open: (line.start, line.end),
                    close: None,
                });
                open_admonitions.push((prepared.admonitions.len() - 1, colons));
                mask(&mut masked, line.start, line.end);
            }
            index += 1;
            continue;
        }

        if is_blank(text) {
            if let Some(block) = block_first.take() {
                check_block(
                    format,
                    source,
                    &lines[block..index],
                    &mut masked,
                    &mut prepared,
                );
            }
        } else if block_first.is_none() {
            block_first = Some(index);
        }

        heading_id(source, line, format, &mut masked, &mut prepared);
        // The truncate marker on a line of its own: `{/* truncate */}` in
        // MDX (left for the parser, which drops comments), or an HTML
        // comment in markdown (left for markdown-rs; MDX masks it below).
        let marker = text.trim();
        let is_truncate = match format {
            Format::Mdx => marker
                .strip_prefix("{/*")
                .and_then(|m| m.strip_suffix("*/}")),
            Format::Md => marker
                .strip_prefix("<!--")
                .and_then(|m| m.strip_suffix("-->")),
        }
        .is_some_and(|inner| inner.trim() == "truncate");
        if is_truncate {
            prepared.truncate_markers.push(line.start);
        }
        if is_truncate && prepared.truncate.is_none_or(|at| at > line.start) {
            prepared.truncate = Some(line.start);
        }
        index += 1;
    }
    if let Some(block) = block_first.take() {
        check_block(format, source, &lines[block..], &mut masked, &mut prepared);
    }

    if format == Format::Mdx && source.contains('&') {
        // Character references left open at the end of attribute values,
        // over the whole document (a tag can run across blank lines).
        let from = lines.get(first).map_or(source.len(), |line| line.start);
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
                &mut masked,
                &mut prepared,
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

    for (at, _) in open_admonitions {
        let admonition = &prepared.admonitions[at];
        prepared.open.push(admonition.open.0);
        prepared.reports.push(Report::new(
            Severity::Warning,
            "unclosed-admonition",
            format!(
                "This `:::{}` admonition is never closed: add a line with `:::` after its content",
                admonition.kind
            ),
            admonition.open.0,
            admonition.open.1,
        ));
    }
    // Unclosed admonitions are shown as their fence line and nothing more.
    let unclosed: Vec<(usize, usize)> = prepared
        .admonitions
        .iter()
        .filter(|a| a.close.is_none())
        .map(|a| a.open)
        .collect();
    prepared.admonitions.retain(|a| a.close.is_some());
    for (start, end) in unclosed {
        prepared.faults.push(Fault { start, end });
    }

    if format == Format::Mdx {
        comments(
            source,
            &lines[first..],
            &map.opaque[first..],
            &mut masked,
            &mut prepared,
        );
    }

    crate::order::sort_by_key(&mut prepared.faults, |f| (f.start, 0));
    // Masking only ever writes ASCII spaces over whole characters' bytes
    // (or over ASCII), so this is valid UTF-8; stay safe regardless.
    prepared.masked = String::from_utf8(masked)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    prepared
}

/// Record a fault: mask its block and keep its report.
fn fault(masked: &mut [u8], prepared: &mut Prepared, start: usize, end: usize, report: Report) {
    mask(masked, start, end);
    prepared.faults.push(Fault { start, end });
    prepared.reports.push(report);
}

/// Mask `{#custom-id}` at the end of an ATX heading and record the id.
/// Docusaurus 3.10's comment form is read too: in MDX a comment alone in
/// an expression at the end, `{/* #custom-id */}` (its first word, after
/// the `#`); in Markdown an HTML comment, `<!-- #custom-id -->`. In MDX a
/// comment there that is not an id (`# Title {/* note */}`) is masked as
/// well, so that it leaves no trailing space in the heading's text.
fn heading_id(
    source: &str,
    line: Line,
    format: Format,
    masked: &mut [u8],
    prepared: &mut Prepared,
) {
    let text = &source[line.start..line.end];
    let (offset, _) = container_prefix(text);
    let rest = &text[offset..];
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) || !matches!(rest.as_bytes().get(hashes), Some(b' ' | b'\t')) {
        return;
    }
    let trimmed = text.trim_end();
    if let Some((open, id)) = comment_heading_id(trimmed, format) {
        if open > offset + hashes {
            mask(masked, line.start + open, line.start + trimmed.len());
            if let Some(id) = id {
                prepared.heading_ids.push((line.start, id));
            }
            return;
        }
    }
    let Some(without_brace) = trimmed.strip_suffix('}') else {
        return;
    };
    let Some(open) = without_brace.rfind("{#") else {
        return;
    };
    let id = &without_brace[open + 2..];
    if id.is_empty()
        || open < offset + hashes
        || !id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
    {
        return;
    }
    let start = line.start + open;
    mask(masked, start, line.start + trimmed.len());
    prepared.heading_ids.push((line.start, id.to_string()));
}

/// A comment at the end of a heading line (`trimmed`): where it starts, and
/// the id it gives, if its first word is `#id`. MDX: `{/* … */}` holding
/// one comment and nothing else; Markdown: `<!-- … -->`, only as an id.
fn comment_heading_id(trimmed: &str, format: Format) -> Option<(usize, Option<String>)> {
    let (open, inner) = match format {
        Format::Mdx => {
            let body = trimmed.strip_suffix('}')?;
            let open = body.rfind('{')?;
            let inner = body[open + 1..].trim();
            let comment = inner.strip_prefix("/*")?.strip_suffix("*/")?;
            if comment.contains("*/") {
                return None;
            }
            (open, comment)
        }
        Format::Md => {
            let body = trimmed.strip_suffix("-->")?;
            let open = body.rfind("<!--")?;
            (open, &body[open + 4..])
        }
    };
    let word = inner.trim().split(' ').next().unwrap_or("");
    let id = word
        .strip_prefix('#')
        .filter(|id| !id.is_empty())
        .map(String::from);
    match (format, id) {
        (Format::Md, None) => None,
        (_, id) => Some((open, id)),
    }
}

/// Check one block (consecutive non-blank lines) against the caps.
fn check_block(
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
    if reason.is_none() && lazy_quote_with_table(source, block) {
        reason = Some(
            "a block quote continued by lines without `>` around a table; add `>` to every line of the quote"
                .into(),
        );
    }
    if reason.is_none() && table_then_open_tag_item(source, block) {
        reason = Some(
            "a table followed directly by a list item or quote that starts with an unfinished `<` tag; put a blank line after the table"
                .into(),
        );
    }
    if reason.is_none() && doubled_setext_underline(source, block) {
        reason = Some(
            "a heading underline followed by another `-`/`=` line and then a second underlined heading; put a blank line after the first heading"
                .into(),
        );
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
    if reason.is_none() && format == Format::Mdx {
        if let Some((tag_start, name_end)) = unfinished_text_tag(source, block) {
            let name = &source[tag_start..name_end];
            fault(
                masked,
                prepared,
                start,
                end,
                Report::new(
                    Severity::Error,
                    "unexpected-eof",
                    format!(
                        "The tag `{name}` is never finished before the end of this block: add `>` (or `/>`), or write `\\<` for a less-than sign"
                    ),
                    tag_start,
                    name_end,
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

/// A GFM table delimiter row, then (in the same block) a list item or block
/// quote line whose content starts with `<` and has no `>` after it
/// (`| a |\n| - |\n- <`): markdown-rs 1.0.0 panics on that ("mismatched
/// (non-jsx): GfmTable / ListItem"), in both formats.
fn table_then_open_tag_item(source: &str, block: &[Line]) -> bool {
    let delimiter_row = |text: &str| {
        let text = text.trim_start_matches([' ', '\t', '>']).trim_end();
        text.contains('|')
            && text.contains('-')
            && text
                .bytes()
                .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
    };
    let Some(row) = block
        .iter()
        .position(|line| delimiter_row(&source[line.start..line.end]))
    else {
        return false;
    };
    block[row + 1..].iter().any(|line| {
        let text = source[line.start..line.end].trim_start_matches([' ', '\t']);
        // Container markers: `>`, `-`/`*`/`+` or `1.`/`1)` and a space.
        let mut rest = text;
        let mut containers = 0;
        loop {
            let trimmed = rest.trim_start_matches([' ', '\t']);
            if let Some(after) = trimmed.strip_prefix('>') {
                rest = after;
            } else if let Some(after) = trimmed
                .strip_prefix(['-', '*', '+'])
                .filter(|after| after.is_empty() || after.starts_with([' ', '\t']))
            {
                rest = after;
            } else {
                let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
                match trimmed[digits..].strip_prefix(['.', ')']) {
                    Some(after)
                        if digits > 0 && (after.is_empty() || after.starts_with([' ', '\t'])) =>
                    {
                        rest = after;
                    }
                    _ => break,
                }
            }
            containers += 1;
        }
        let content = rest.trim_start_matches([' ', '\t']);
        containers > 0 && content.starts_with('<') && !content.contains('>')
    })
}

/// A setext underline directly followed by a second `-`/`=` line of two or
/// more markers, then text, then another underline in the same block
/// (`o\n-\n--\nx\n-`): markdown-rs 1.0.0 panics building that tree
/// ("Cannot push to non-parent"). The check is broader than the failing
/// shape (block quote markers are skipped, any later underline counts).
fn doubled_setext_underline(source: &str, block: &[Line]) -> bool {
    // The line without block quote markers and indentation.
    let rest = |line: &Line| {
        source[line.start..line.end]
            .trim_start_matches([' ', '\t', '>'])
            .trim_end()
    };
    let underline = |line: &Line| {
        let rest = rest(line);
        let marker = rest.bytes().next();
        matches!(marker, Some(b'-' | b'=')) && rest.bytes().all(|b| Some(b) == marker)
    };
    block.windows(3).enumerate().any(|(index, window)| {
        underline(&window[0])
            && underline(&window[1])
            && rest(&window[1]).len() >= 2
            && !underline(&window[2])
            && block[index + 3..].iter().any(underline)
    })
}

/// A JSX tag left open in running text (a paragraph, a heading, a link
/// label) is an error, and in some places (setext headings, link labels)
/// it makes markdown-rs panic. Find the first such tag, as a byte range, so
/// the block is a fault before the parser sees it. Tags alone on their
/// line are flow JSX, which may close in a later block.
fn unclosed_text_tag(source: &str, block: &[Line]) -> Option<(usize, usize)> {
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
    let code = CodeSpans::new(bytes, start, end);
    let mut at = start;
    while at < end {
        match bytes[at] {
            b'`' => at = code.end(bytes, at),
            b'\\' => at += 2,
            b'{' => at = skip_expression(bytes, at, end),
            b'<' if bytes[at..end].starts_with(b"<!--") => {
                at = source[at + 4..end]
                    .find("-->")
                    .map_or(end, |i| at + 4 + i + 3);
            }
            b'<' if angle_destination(bytes, start, at) => {
                at = source[at..end]
                    .find(['>', '\n', '\r'])
                    .map_or(end, |i| at + i + 1);
            }
            b'<' => {
                let name_at = at + 1 + usize::from(bytes.get(at + 1) == Some(&b'/'));
                let starts_name = source[name_at.min(end)..end]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$');
                if !starts_name {
                    at += 1;
                    continue;
                }
                if let Some(tag_end) = tag_end(&bytes[..end], name_at) {
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
                    .find(|c: char| {
                        !(c.is_alphanumeric() || matches!(c, '_' | '$' | '-' | '.' | ':'))
                    })
                    .map_or(end, |i| name_at + i);
                return Some((at, name_end));
            }
            _ => at += 1,
        }
    }
    None
}

/// A block quote continued by lazy lines (without `>`) that also holds a
/// table delimiter row: a shape markdown-rs 1.0.0 can panic on.
fn lazy_quote_with_table(source: &str, block: &[Line]) -> bool {
    let mut quoted = false;
    let mut lazy = false;
    let mut table = false;
    for line in block {
        let text = source[line.start..line.end].trim_start_matches([' ', '\t']);
        if text.starts_with('>') {
            quoted = true;
        } else if quoted {
            lazy = true;
        }
        let row = text.trim_start_matches(['>', ' ', '\t']).trim_end();
        if row.contains('-')
            && row.contains('|')
            && row
                .bytes()
                .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
        {
            table = true;
        }
    }
    quoted && lazy && table
}

/// The end of a JSX tag whose name starts at `from` (just after its `>`),
/// skipping quoted and braced values (`{…}` read as JavaScript, as the
/// parser reads it: see [`crate::js_syntax::expression_end`]); `None` when
/// it does not end in `bytes`.
pub(crate) fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    let mut index = from;
    while index < bytes.len() {
        let byte = bytes[index];
        match (quote, byte) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(byte),
            (None, b'{') => {
                // `a={…}` is a value, a lone `{…}` a spread.
                let before = bytes[from..index]
                    .iter()
                    .rev()
                    .find(|b| !b.is_ascii_whitespace());
                let kind = if before == Some(&b'=') {
                    markdown::MdxExpressionKind::AttributeValueExpression
                } else {
                    markdown::MdxExpressionKind::AttributeExpression
                };
                index = crate::js_syntax::expression_end(bytes, index, bytes.len(), &kind)?;
                continue;
            }
            (None, b'>') => return Some(index + 1),
            _ => {}
        }
        index += 1;
    }
    None
}

/// The backtick runs of a range, by length, so that where a code span
/// ends is found without rescanning the rest of the range for every run
/// (a document of runs that never close would make that quadratic).
pub(crate) struct CodeSpans {
    /// Starts of the runs of each length, in order.
    runs: HashMap<usize, Vec<usize>>,
}

impl CodeSpans {
    /// The runs of `bytes[start..end]`.
    pub(crate) fn new(bytes: &[u8], start: usize, end: usize) -> CodeSpans {
        let mut runs: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut at = start;
        while at < end {
            if bytes[at] == b'`' {
                let run = bytes[at..end].iter().take_while(|&&b| b == b'`').count();
                runs.entry(run).or_default().push(at);
                at += run;
            } else {
                at += 1;
            }
        }
        CodeSpans { runs }
    }

    /// Where the code span opened by the backtick run at `at` ends (after
    /// its closing run, which must be exactly as long: `` `<>`` `` has
    /// none, so the backtick is text and `<>` a tag), or the end of the run
    /// when it is not closed in the range.
    pub(crate) fn end(&self, bytes: &[u8], at: usize) -> usize {
        let run = bytes[at..].iter().take_while(|&&b| b == b'`').count();
        let closing = self.runs.get(&run).and_then(|starts| {
            let next = starts.partition_point(|&start| start <= at);
            starts.get(next).copied()
        });
        closing.map_or(at + run, |start| start + run)
    }
}

/// JSX tags opened in `source[start..end]` and not closed there (a rough
/// scan: code spans and expressions skipped, attributes with quotes and
/// braces). `strict`: malformed closing tags close nothing.
pub fn open_jsx_tags(source: &str, start: usize, end: usize, strict: bool) -> Vec<(usize, usize)> {
    jsx_tag_spans(source, start, end, strict)
        .into_iter()
        .filter(|span| span.2.is_none())
        .map(|(open, open_end, _)| (open, open_end))
        .collect()
}

/// Every JSX tag opened in `source[start..end]`: where it opens, where its
/// opening tag ends, and where it is closed (if it is).
fn jsx_tag_spans(
    source: &str,
    start: usize,
    end: usize,
    strict: bool,
) -> Vec<(usize, usize, Option<usize>)> {
    let bytes = source.as_bytes();
    let mut spans: Vec<(usize, usize, Option<usize>)> = Vec::new();
    // Indexes into `spans` of the tags still open.
    let mut open: Vec<usize> = Vec::new();
    let code = CodeSpans::new(bytes, start, end);
    let mut at = start;
    while at < end {
        match bytes[at] {
            b'`' => at = code.end(bytes, at),
            b'\\' => at += 2,
            // An expression: tags in its strings are not JSX. Skip to the
            // matching brace (quotes respected); unbalanced: skip the brace.
            b'{' => at = skip_expression(bytes, at, end),
            // An HTML comment (masked by the comment pass, which runs after
            // the blocks are checked): its tags are not JSX.
            b'<' if bytes[at..end].starts_with(b"<!--") => {
                at = source[at + 4..end]
                    .find("-->")
                    .map_or(end, |i| at + 4 + i + 3);
            }
            // A link destination in angle brackets (`[a](<https://x.com>)`,
            // `[a]: <url>`) is not a tag.
            b'<' if angle_destination(bytes, start, at) => {
                at = source[at..end]
                    .find(['>', '\n', '\r'])
                    .map_or(end, |i| at + i + 1);
            }
            b'<' => {
                let closing = bytes.get(at + 1) == Some(&b'/');
                let name_at = at + 1 + usize::from(closing);
                let starts_name = match source[name_at.min(end)..end].chars().next() {
                    Some(c) => c.is_alphabetic() || c == '_' || c == '$' || c == '>',
                    None => false,
                };
                if !starts_name {
                    at += 1;
                    continue;
                }
                let Some(tag_end) = tag_end(&bytes[..end], name_at) else {
                    at += 1;
                    continue;
                };
                if closing {
                    // `strict`: only a well-formed closing tag closes
                    // (`</b/>` does not: markdown-rs rejects it, but only
                    // after the point where a setext heading makes it panic).
                    let inner = &source[name_at..tag_end - 1];
                    let name_length = inner
                        .find(|c: char| c.is_whitespace())
                        .unwrap_or(inner.len());
                    let well_formed = inner[name_length..].trim().is_empty()
                        && !inner.contains(['/', '=', '"', '\'']);
                    if well_formed || !strict {
                        if let Some(index) = open.pop() {
                            spans[index].2 = Some(at);
                        }
                    }
                } else if bytes[tag_end - 2] != b'/' {
                    open.push(spans.len());
                    spans.push((at, tag_end, None));
                }
                at = tag_end;
            }
            _ => at += 1,
        }
    }
    spans
}

/// Whether the `<` at `at` opens a link destination: it follows `](` or
/// `]:` (spaces or tabs between).
fn angle_destination(bytes: &[u8], start: usize, at: usize) -> bool {
    let mut before = at;
    while before > start && matches!(bytes[before - 1], b' ' | b'\t') {
        before -= 1;
    }
    before >= start + 2 && matches!(bytes[before - 1], b'(' | b':') && bytes[before - 2] == b']'
}

/// The end of a `{…}` expression starting at `start` (after its `}`), or
/// just after the `{` when it does not close before `end`. Read as the
/// parser reads it, as JavaScript ([`crate::js_syntax::expression_end`]):
/// `{'}'}` is one expression.
fn skip_expression(bytes: &[u8], start: usize, end: usize) -> usize {
    crate::js_syntax::expression_end(bytes, start, end, &markdown::MdxExpressionKind::Expression)
        .unwrap_or(start + 1)
}

/// Mask HTML comments (MDX only: markdown handles its own). `in_code`
/// says which lines are code, to be left alone.
fn comments(
    source: &str,
    lines: &[Line],
    in_code: &[bool],
    masked: &mut [u8],
    prepared: &mut Prepared,
) {
    let bytes = source.as_bytes();
    let mut index = 0;
    let mut at = 0;
    while index < lines.len() {
        let line = lines[index];
        at = at.max(line.start);
        if in_code[index] || at >= line.end {
            index += 1;
            continue;
        }
        match bytes[at] {
            b'`' => {
                // Skip a code span on this line.
                let run = bytes[at..line.end]
                    .iter()
                    .take_while(|&&b| b == b'`')
                    .count();
                let after = at + run;
                let mut probe = after;
                at = after;
                while probe < line.end {
                    let length = bytes[probe..line.end]
                        .iter()
                        .take_while(|&&b| b == b'`')
                        .count();
                    if length == run {
                        at = probe + length;
                        break;
                    }
                    probe += length.max(1);
                }
            }
            b'\\' => at += 2,
            b'<' if bytes[at..].starts_with(b"<!--") => match source[at + 4..].find("-->") {
                Some(close) => {
                    let end = at + 4 + close + 3;
                    let is_truncate = source[at + 4..end - 3].trim() == "truncate";
                    if is_truncate {
                        prepared.truncate_markers.push(at);
                    }
                    if is_truncate && prepared.truncate.is_none_or(|first| first > at) {
                        prepared.truncate = Some(at);
                    }
                    mask(masked, at, end);
                    prepared.spans.push((at, end));
                    at = end;
                    while index + 1 < lines.len() && lines[index].end < end {
                        index += 1;
                    }
                }
                None => {
                    // Unterminated: the block holding it is a fault.
                    prepared.open.push(at);
                    let mut last = index;
                    while last + 1 < lines.len()
                        && !is_blank(&source[lines[last + 1].start..lines[last + 1].end])
                    {
                        last += 1;
                    }
                    fault(
                        masked,
                        prepared,
                        block_start_of(source, lines, index),
                        lines[last].end,
                        Report::new(
                            Severity::Error,
                            "unclosed-comment",
                            "This HTML comment is never closed: add `-->` where it ends",
                            at,
                            (at + 4).min(line.end),
                        ),
                    );
                    index = last + 1;
                }
            },
            _ => at += 1,
        }
    }
}

/// Byte offset of the first line of the block that holds line `index`.
fn block_start_of(source: &str, lines: &[Line], index: usize) -> usize {
    let mut first = index;
    while first > 0 && !is_blank(&source[lines[first - 1].start..lines[first - 1].end]) {
        first -= 1;
    }
    lines[first].start
}

/// Byte range of the block (consecutive non-blank lines of `text`) around
/// `offset`; if that line is blank, the nearest block before it.
pub fn block_around(text: &str, offset: usize) -> (usize, usize) {
    let lines = lines(text);
    let offset = offset.min(text.len());
    let mut at = lines
        .iter()
        .position(|l| offset <= l.end)
        .unwrap_or(lines.len() - 1);
    let blank = |l: &Line| is_blank(&text[l.start..l.end]);
    while at > 0 && blank(&lines[at]) {
        at -= 1;
    }
    let mut first = at;
    while first > 0 && !blank(&lines[first - 1]) {
        first -= 1;
    }
    let mut last = at;
    while last + 1 < lines.len() && !blank(&lines[last + 1]) {
        last += 1;
    }
    (lines[first].start, lines[last].end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_admonitions_and_keeps_offsets() {
        let source = "a\n\n:::note[Hi *there*]\nbody\n:::\n";
        let prepared = prepare(source, Format::Mdx);
        assert_eq!(
            prepared.masked.len(),
            source.len(),
            "should keep the length"
        );
        assert_eq!(
            prepared.masked,
            format!(
                "a\n\n{}\nbody\n   \n",
                " ".repeat(":::note[Hi *there*]".len())
            )
        );
        let admonition = &prepared.admonitions[0];
        assert_eq!(admonition.kind, "note");
        assert_eq!(admonition.title, Some(("Hi *there*".into(), 11)));
        assert_eq!(&source[11..21], "Hi *there*", "should point at the title");
    }

    #[test]
    fn nests_admonitions_by_colons() {
        let source = "::::tip Outer\n:::note\nx\n:::\n::::\n";
        let prepared = prepare(source, Format::Mdx);
        assert_eq!(prepared.admonitions.len(), 2);
        assert_eq!(
            prepared.admonitions[0].close,
            Some((28, 32)),
            "should close the outer last"
        );
        assert_eq!(prepared.admonitions[1].close, Some((24, 27)));
    }

    #[test]
    fn ignores_markers_in_code() {
        let source = "```\n:::note\n<!-- x -->\n```\n";
        let prepared = prepare(source, Format::Mdx);
        assert_eq!(prepared.masked, source, "should not touch code");
        assert!(prepared.admonitions.is_empty());
    }

    #[test]
    fn masks_comments_and_finds_truncate() {
        let source = "a `<!-- no -->` <!-- yes -->\n\n<!-- truncate -->\n<!--\nmulti\n--> b\n";
        let prepared = prepare(source, Format::Mdx);
        assert_eq!(
            prepared.masked,
            format!(
                "a `<!-- no -->`{}\n\n{}\n    \n     \n    b\n",
                " ".repeat(" <!-- yes -->".len()),
                " ".repeat("<!-- truncate -->".len())
            )
        );
        assert_eq!(
            prepared.truncate,
            Some(30),
            "should find the truncate marker"
        );
    }

    #[test]
    fn heading_ids_are_masked() {
        let source = "## Hello {#greeting}\n";
        let prepared = prepare(source, Format::Mdx);
        assert_eq!(
            prepared.masked,
            format!("## Hello{}\n", " ".repeat(" {#greeting}".len()))
        );
        assert_eq!(prepared.heading_ids, vec![(0, "greeting".to_string())]);
    }

    #[test]
    fn deep_quotes_are_too_complex() {
        let source = "> ".repeat(25_000);
        let prepared = prepare(&source, Format::Md);
        assert_eq!(prepared.faults.len(), 1, "should degrade the block");
        assert_eq!(prepared.reports[0].rule_id, "input-too-complex");
        assert!(prepared.masked.trim().is_empty());
    }

    #[test]
    fn block_around_finds_the_previous_block_from_a_blank_line() {
        let text = "a\nb\n\n\nc\n";
        assert_eq!(block_around(text, 1), (0, 3));
        assert_eq!(
            block_around(text, 5),
            (0, 3),
            "should step back over blank lines"
        );
        assert_eq!(block_around(text, 6), (6, 7));
    }
}
