//! Parse: the masked source to mdast with markdown-rs, recovering from
//! syntax errors.
//!
//! markdown-rs stops at the first MDX syntax error. We find the block that
//! holds the fault, mask it (its bytes become spaces, so offsets stay put),
//! remember it as a [`Fault`] to be shown as escaped source, and parse
//! again, until the document parses. The number of attempts is bounded so a
//! document full of errors still answers quickly.

use crate::diagnostic::{LineIndex, Report, Severity};
use crate::options::{Format, Options};
use crate::prepass::{Fault, Prepared, block_around, closes_fence_at, container_prefix, mask};
use markdown::mdast::{AttributeContent, AttributeValue, Node};
use markdown::message::{Message, Place};
use markdown::{Constructs, MdxSignal, ParseOptions};
use std::collections::HashMap;

/// Documents from this size on are parsed in chunks.
pub const MIN_CHUNKED: usize = 16 * 1024;

/// Total bytes we are willing to re-parse while recovering, as a multiple
/// of nothing: attempts = this / document length, clamped.
const RECOVERY_BYTES: usize = 4_000_000;
/// Fewest and most parse attempts.
const MIN_ATTEMPTS: usize = 4;
const MAX_ATTEMPTS: usize = 64;

/// markdown-rs options for a format.
pub fn parse_options(options: &Options) -> ParseOptions {
    let math = options.math;
    match options.format {
        Format::Md => ParseOptions {
            constructs: Constructs {
                frontmatter: true,
                math_flow: math,
                math_text: math,
                ..Constructs::gfm()
            },
            ..ParseOptions::gfm()
        },
        Format::Mdx => ParseOptions {
            constructs: Constructs {
                frontmatter: true,
                gfm_autolink_literal: true,
                gfm_footnote_definition: true,
                gfm_label_start_footnote: true,
                gfm_strikethrough: true,
                gfm_table: true,
                gfm_task_list_item: true,
                math_flow: math,
                math_text: math,
                ..Constructs::mdx()
            },
            // ESM is checked by our own static evaluator later; here any
            // block starting with `import`/`export` is accepted as ESM.
            mdx_esm_parse: Some(Box::new(|_: &str| MdxSignal::Ok)),
            ..ParseOptions::mdx()
        },
    }
}

/// Parse `prepared.masked`, masking faulty blocks until it parses. Faults and
/// reports are added to `prepared`.
///
/// Long documents are parsed in chunks (see [`chunks`]): markdown-rs grows
/// faster than linearly with document size, and an error then costs a
/// re-parse of its chunk only. The result is the same tree as a parse of the
/// whole document; `tests/chunks.rs` checks that.
pub fn parse(prepared: &mut Prepared, options: &Options, min_chunked: usize) -> Node {
    let parse_options = parse_options(options);
    let chunks = chunks(&prepared.masked, options, min_chunked);
    if chunks.len() <= 1 {
        let text = prepared.masked.clone();
        return recover(text, &parse_options, prepared);
    }
    parse_chunks(prepared, &parse_options, &chunks)
}

/// Parse chunk by chunk and join the trees.
fn parse_chunks(
    prepared: &mut Prepared,
    parse_options: &ParseOptions,
    chunks: &[(usize, usize)],
) -> Node {
    // Link and footnote definitions apply to the whole document: find them
    // first; a chunk that may refer to some is parsed again with those
    // definitions in front of it.
    let mut definitions = Vec::new();
    let mut first_pass = Vec::with_capacity(chunks.len());
    for &(start, end) in chunks {
        let text = prepared.masked[start..end].to_string();
        let mut local = Prepared::default();
        let tree = recover(text, parse_options, &mut local);
        let mut stack = vec![&tree];
        while let Some(node) = stack.pop() {
            let label = match node {
                Node::Definition(definition) => definition.label.as_deref(),
                Node::FootnoteDefinition(definition) => definition.label.as_deref(),
                _ => {
                    if let Some(children) = node.children() {
                        stack.extend(children.iter());
                    }
                    continue;
                }
            };
            if let Some(position) = node.position() {
                let key = label_key(label.unwrap_or_default());
                let footnote = matches!(node, Node::FootnoteDefinition(_));
                let range = (start + position.start.offset, start + position.end.offset);
                definitions.push((range, footnote, key));
            }
        }
        first_pass.push((tree, local));
    }
    crate::order::sort_by_key(&mut definitions, |(range, _, _)| (range.0, range.1));
    let mut by_key: HashMap<(bool, &str), Vec<usize>> = HashMap::new();
    for (index, (_, footnote, key)) in definitions.iter().enumerate() {
        by_key
            .entry((*footnote, key.as_str()))
            .or_default()
            .push(index);
    }
    let mut children = Vec::new();
    let mut lines_before = 0;
    let mut previous_end = 0;
    for (&(start, end), (first_tree, first_local)) in chunks.iter().zip(first_pass) {
        lines_before += prepared.masked[previous_end..start].matches('\n').count();
        previous_end = start;
        // The definitions this chunk may refer to, in document order (the
        // first definition of a label wins).
        let mut wanted: Vec<usize> = Vec::new();
        if !definitions.is_empty() {
            for reference in references(&prepared.masked[start..end]) {
                match reference {
                    Reference::Label { footnote, key } => {
                        if let Some(found) = by_key.get(&(footnote, key.as_str())) {
                            wanted.extend(found);
                        }
                    }
                    Reference::Unknown => {
                        wanted = (0..definitions.len()).collect();
                        break;
                    }
                }
            }
            crate::order::sort_dedup(&mut wanted);
        }
        let mut preamble = String::new();
        for &index in &wanted {
            let ((from, to), _, _) = definitions[index];
            preamble.push_str(&prepared.masked[from..to]);
            preamble.push_str("\n\n");
        }
        let preamble_lines = preamble.matches('\n').count();
        // Without definitions to add the first pass is final; with them,
        // parse again with the definitions in front.
        let (tree, local) = if preamble.is_empty() {
            (first_tree, first_local)
        } else {
            crate::hast::dispose_mdast(first_tree);
            let text = format!("{preamble}{}", &prepared.masked[start..end]);
            let mut local = Prepared::default();
            (recover(text, parse_options, &mut local), local)
        };
        let shift = start as isize - preamble.len() as isize;
        absorb(prepared, local, shift);
        let Node::Root(root) = tree else { continue };
        let line_shift = lines_before as isize - preamble_lines as isize;
        for mut child in root.children {
            let in_preamble = child
                .position()
                .is_some_and(|p| p.end.offset <= preamble.len());
            if in_preamble && !preamble.is_empty() {
                crate::hast::dispose_mdast(child);
                continue;
            }
            shift_positions(&mut child, shift, line_shift);
            children.push(child);
        }
    }
    Node::Root(markdown::mdast::Root {
        children,
        position: Some(markdown::unist::Position::new(
            1,
            1,
            0,
            prepared.masked.lines().count().max(1),
            1,
            prepared.masked.len(),
        )),
    })
}

/// What a chunk may refer to by label.
enum Reference {
    /// `[label]` or `[^label]`, by [`label_key`].
    Label { footnote: bool, key: String },
    /// A bracket we cannot read safely (it spans lines): the chunk gets
    /// every definition.
    Unknown,
}

/// A key for matching labels, coarser than CommonMark's label matching
/// (whitespace and `>` dropped, case folded), so two labels that match
/// always have the same key. Extra matches only cost a definition too many
/// in front of a chunk.
fn label_key(label: &str) -> String {
    let kept: String = label
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '>')
        .collect();
    kept.to_lowercase().to_uppercase()
}

/// Every `[…]` in `text` that could be a reference to a definition: from
/// each `[` to the next unescaped `]`, unless another `[` or more than 999
/// characters (CommonMark's longest label) come first. Linear in `text`.
fn references(text: &str) -> Vec<Reference> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut index = 0;
    while let Some(at) = memchr(b'[', &bytes[index..]) {
        let open = index + at;
        index = open + 1;
        let mut end = None;
        let mut cursor = open + 1;
        let mut newline = false;
        while cursor < bytes.len() && cursor - open <= 1000 {
            match bytes[cursor] {
                b'\\' => cursor += 1,
                b']' => {
                    end = Some(cursor);
                    break;
                }
                b'[' => break,
                b'\n' | b'\r' => newline = true,
                _ => {}
            }
            cursor += 1;
        }
        let Some(end) = end else { continue };
        if newline {
            found.push(Reference::Unknown);
            continue;
        }
        let inside = &text[open + 1..end];
        let (footnote, label) = match inside.strip_prefix('^') {
            Some(rest) => (true, rest),
            None => (false, inside),
        };
        found.push(Reference::Label {
            footnote,
            key: label_key(label),
        });
        // `[^label]` is also read as a link label `^label`.
        if footnote {
            found.push(Reference::Label {
                footnote: false,
                key: label_key(inside),
            });
        }
    }
    found
}

/// Index of the first `needle` in `haystack`.
fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

fn empty_root() -> Node {
    Node::Root(markdown::mdast::Root {
        children: Vec::new(),
        position: None,
    })
}

/// Move a chunk's faults and reports into the document's, shifted.
fn absorb(prepared: &mut Prepared, local: Prepared, shift: isize) {
    let move_by = |offset: usize| offset.saturating_add_signed(shift);
    for fault in local.faults {
        prepared.faults.push(Fault {
            start: move_by(fault.start),
            end: move_by(fault.end),
        });
    }
    for mut report in local.reports {
        report.start = move_by(report.start);
        report.end = move_by(report.end);
        prepared.reports.push(report);
    }
}

/// Shift every position and expression stop in a tree (iterative).
fn shift_positions(node: &mut Node, shift: isize, line_shift: isize) {
    let by = |offset: &mut usize| *offset = offset.saturating_add_signed(shift);
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if let Some(position) = node.position_mut() {
            by(&mut position.start.offset);
            by(&mut position.end.offset);
            position.start.line = position.start.line.saturating_add_signed(line_shift);
            position.end.line = position.end.line.saturating_add_signed(line_shift);
        }
        let stops = match node {
            Node::MdxjsEsm(n) => Some(&mut n.stops),
            Node::MdxFlowExpression(n) => Some(&mut n.stops),
            Node::MdxTextExpression(n) => Some(&mut n.stops),
            _ => None,
        };
        for stop in stops.into_iter().flatten() {
            by(&mut stop.1);
        }
        let attributes = match node {
            Node::MdxJsxFlowElement(n) => Some(&mut n.attributes),
            Node::MdxJsxTextElement(n) => Some(&mut n.attributes),
            _ => None,
        };
        for attribute in attributes.into_iter().flatten() {
            let stops = match attribute {
                AttributeContent::Expression(e) => Some(&mut e.stops),
                AttributeContent::Property(p) => match &mut p.value {
                    Some(AttributeValue::Expression(e)) => Some(&mut e.stops),
                    _ => None,
                },
            };
            for stop in stops.into_iter().flatten() {
                by(&mut stop.1);
            }
        }
        if let Some(children) = node.children_mut() {
            stack.extend(children.iter_mut());
        }
    }
}

/// Byte ranges of chunks of `text` that parse independently: a chunk ends
/// before an ATX heading at column 0 that follows a blank line, when nothing
/// that can span blank lines (a code fence, math, raw HTML that runs to its
/// closing tag, JSX, an expression) is open. Only documents of at least
/// `min_chunked` bytes are split ([`MIN_CHUNKED`] is where it pays).
pub fn chunks(text: &str, options: &Options, min_chunked: usize) -> Vec<(usize, usize)> {
    if text.len() < min_chunked {
        return vec![(0, text.len())];
    }
    let mut result = Vec::new();
    let mut chunk_start = 0;
    let mut previous_blank = false;
    // An open code fence: marker, length, container depth (as the
    // incremental renderer's scan tracks it). Code is code: its `<` and
    // `{` open nothing, so its lines are left out of the checks below.
    let mut fence: Option<(u8, usize, usize)> = None;
    let mut code_lines: Vec<(usize, usize)> = Vec::new();
    let mut math = false;
    // Brace depth of the chunk's lines outside code, kept line by line: a
    // chunk with an unclosed `{` is not rescanned at every later heading.
    let mut depth: isize = 0;
    // After a failed `self_contained` check the next one waits until the
    // chunk has doubled, so a tag left open near the top does not make
    // every later heading rescan the whole chunk (quadratic).
    let mut next_check = 0;
    // Front matter may hold blank lines and `#` lines: never split it.
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n');
    if text
        .lines()
        .next()
        .is_some_and(|first| first.trim_end() == "---")
    {
        let mut probe = text.split_inclusive('\n');
        let mut length = probe.next().map_or(0, str::len);
        for line in probe {
            length += line.len();
            if line.trim_end() == "---" {
                // The front matter is a chunk of its own, so that the
                // definitions put in front of a chunk never come before it.
                offset = length;
                lines = text[offset..].split_inclusive('\n');
                if offset < text.len() {
                    result.push((0, offset));
                    chunk_start = offset;
                }
                break;
            }
        }
    }
    for line in lines {
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start_matches([' ', '\t']);
        let indent = content.len() - trimmed.len();
        let blank = trimmed.is_empty();
        let was_blank = std::mem::replace(&mut previous_blank, blank);
        if let Some((marker, length, containers)) = fence {
            if containers > 0 && !blank && container_prefix(content).1 < containers {
                // The container ends, and the code with it; this line is
                // handled like any other.
                fence = None;
            } else {
                if closes_fence_at(content, marker, length, containers) {
                    fence = None;
                }
                code_lines.push((line_start, offset));
                continue;
            }
        }
        if math {
            if trimmed.starts_with("$$") {
                math = false;
            }
            continue;
        }
        if let Some((marker, length, _)) = crate::prepass::fence(content) {
            fence = Some((marker, length, container_prefix(content).1));
            code_lines.push((line_start, offset));
            continue;
        }
        if options.math && trimmed.starts_with("$$") && !trimmed[2..].contains("$$") {
            math = true;
        } else if was_blank
            && indent == 0
            && is_atx_heading(trimmed)
            && line_start > chunk_start
            && depth == 0
            && line_start - chunk_start >= next_check
        {
            let chunk = without_ranges(text, chunk_start, line_start, &code_lines);
            if self_contained(&chunk, options) {
                result.push((chunk_start, line_start));
                chunk_start = line_start;
                code_lines.clear();
                next_check = 0;
            } else {
                next_check = 2 * (line_start - chunk_start);
            }
        }
        if options.format == Format::Mdx {
            depth += brace_depth(line);
        }
    }
    result.push((chunk_start, text.len()));
    result
}

/// `text[start..end]` without the byte ranges `holes` (in order, within it).
fn without_ranges(text: &str, start: usize, end: usize, holes: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(end - start);
    let mut from = start;
    for &(hole_start, hole_end) in holes {
        out.push_str(&text[from..hole_start.max(from)]);
        from = hole_end.max(from);
    }
    out.push_str(&text[from..end]);
    out
}

fn is_atx_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes)
        && line[hashes..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '\t')
}

/// How much `text` changes the brace depth: braces outside code spans
/// (roughly: a backtick toggles, a line end closes).
fn brace_depth(line: &str) -> isize {
    let mut depth = 0;
    let mut in_code = false;
    for byte in line.bytes() {
        match byte {
            b'`' => in_code = !in_code,
            b'\n' => in_code = false,
            b'{' if !in_code => depth += 1,
            b'}' if !in_code => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// Whether `text` holds a tag never ended with `>` (an attribute value
/// never closed, say): markdown-rs reads what follows as its attributes,
/// across blank lines, so nothing after it parses alone.
fn unfinished_tag(text: &str) -> bool {
    let bytes = text.as_bytes();
    let starts_tag = |at: usize| {
        bytes[at] == b'<'
            && bytes.get(at + 1).is_some_and(|&b| {
                b.is_ascii_alphabetic() || matches!(b, b'/' | b'>' | b'$' | b'_') || b >= 0x80
            })
    };
    let code = crate::prepass::CodeSpans::new(bytes, 0, bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'`' => at = code.end(bytes, at),
            b'\\' => at += 2,
            b'<' if starts_tag(at) => match crate::prepass::tag_end(bytes, at + 1) {
                Some(end) => at = end,
                None => return true,
            },
            _ => at += 1,
        }
    }
    false
}

/// Whether a chunk leaves nothing open that a later chunk could close.
pub(crate) fn self_contained(chunk: &str, options: &Options) -> bool {
    match options.format {
        Format::Mdx => {
            // Braces balance (outside code spans, roughly), no JSX tag
            // stays open, and none is left unfinished.
            brace_depth(chunk) == 0
                && crate::prepass::open_jsx_tags(chunk, 0, chunk.len(), false).is_empty()
                && !unfinished_tag(chunk)
        }
        Format::Md => {
            // Raw HTML that runs across blank lines to its closing tag.
            let lower = chunk.to_ascii_lowercase();
            let open = |opener: &str, closer: &str| {
                lower
                    .rfind(opener)
                    .is_some_and(|at| !lower[at..].contains(closer))
            };
            !(open("<script", "</script>")
                || open("<pre", "</pre>")
                || open("<style", "</style>")
                || open("<textarea", "</textarea>")
                || open("<!--", "-->")
                || open("<?", "?>")
                || open("<![cdata[", "]]>"))
        }
    }
}

/// Parse `text`, masking faulty blocks until it parses; faults and reports
/// go to `prepared`, with offsets into `text`.
fn recover(mut text: String, parse_options: &ParseOptions, prepared: &mut Prepared) -> Node {
    let attempts = (RECOVERY_BYTES / text.len().max(1)).clamp(MIN_ATTEMPTS, MAX_ATTEMPTS);
    for attempt in 0.. {
        let message = match markdown::to_mdast(&text, parse_options) {
            Ok(tree) => return tree,
            Err(message) => message,
        };
        let (report, opened_here, regions) = locate(&text, &message);
        prepared.reports.extend(opened_here);
        let mut progressed = false;
        let mut bytes = std::mem::take(&mut text).into_bytes();
        for (start, end) in regions {
            let (start, end) = if attempt + 1 >= attempts {
                // Out of attempts: give up on the rest of the document.
                prepared.reports.push(Report::new(
                    Severity::Warning,
                    "too-many-errors",
                    "Too many syntax errors: the rest of the document is shown as text",
                    start,
                    start,
                ));
                (start, bytes.len())
            } else {
                (start, end)
            };
            if bytes[start..end].iter().any(|b| !b.is_ascii_whitespace()) {
                mask(&mut bytes, start, end);
                prepared.faults.push(Fault { start, end });
                progressed = true;
            }
        }
        if !progressed {
            // Masking the block did not remove the error: mask everything
            // from its start on (always ends: a blank document parses).
            let start = bytes
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .map_or(0, |first| report.start.max(first).min(bytes.len()));
            let start = if bytes[start..].iter().all(u8::is_ascii_whitespace) {
                0
            } else {
                start
            };
            let end = bytes.len();
            mask(&mut bytes, start, end);
            prepared.faults.push(Fault { start, end });
        }
        text = String::from_utf8(bytes)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
        prepared.reports.push(report);
        if attempt > attempts + 2 {
            break;
        }
    }
    // Unreachable in practice (a blank document always parses); answer with
    // an empty tree rather than loop.
    empty_root()
}

/// Where a markdown-rs error is, as a report (and one where the element it
/// concerns opens), and which blocks to mask.
fn locate(text: &str, message: &Message) -> (Report, Option<Report>, Vec<(usize, usize)>) {
    let (place_start, place_end, is_range) = match message.place.as_deref() {
        Some(Place::Point(point)) => (point.offset, point.offset, false),
        Some(Place::Position(position)) => (position.start.offset, position.end.offset, true),
        None => (text.len(), text.len(), false),
    };
    let place_start = place_start.min(text.len());
    let place_end = place_end.clamp(place_start, text.len());
    let opening = opening_point(text, &message.reason);
    let rule_id = rule_id(&message.rule_id);

    // Where the writer has to look: a bad closing tag is its own fault; an
    // element or expression never closed is at its opening.
    let (start, end) = if is_range {
        (place_start, place_end)
    } else if let Some(open) = opening {
        (open, tag_end(text, open))
    } else if rule_id == "unexpected-eof" && message.reason.contains("closing quote") {
        // An attribute value never closed: point at its opening quote.
        let quote = if message.reason.contains("U+0027") {
            '\''
        } else {
            '"'
        };
        let open = text[..place_start].rfind(quote).unwrap_or(place_start);
        (open, open + 1)
    } else if rule_id == "unexpected-eof" && message.reason.contains("brace") {
        let open = unmatched_brace(&text[..place_start]).unwrap_or(place_start);
        (open, open + 1)
    } else {
        (place_start, place_end)
    };

    let mut regions = vec![block_around(text, start)];
    if is_range {
        if let Some(open) = opening {
            let other = block_around(text, open);
            if other != regions[0] {
                regions.push(other);
            }
        }
    }
    let mut reason = message.reason.trim_end_matches('.').to_string();
    // markdown-rs names the opening tag's place (in bytes, and relative to
    // what it parsed): say where it is with a report of its own instead.
    let mut opened_here = None;
    if let (Some(open), Some(at)) = (opening, reason.rfind(" (")) {
        let end = reason[at..].find(')').map_or(reason.len(), |i| at + i + 1);
        reason.replace_range(at..end, "");
        if is_range {
            opened_here = Some(Report::new(
                Severity::Info,
                rule_id,
                "The element is opened here",
                open,
                tag_end(text, open),
            ));
        }
    }
    (
        Report::new(Severity::Error, rule_id, reason, start, end),
        opened_here,
        regions,
    )
}

/// Map markdown-rs rule ids to ours.
fn rule_id(id: &str) -> &'static str {
    match id {
        "end-tag-mismatch" => "end-tag-mismatch",
        "unexpected-eof" => "unexpected-eof",
        "unexpected-character" => "unexpected-character",
        "unexpected-lazy" => "unexpected-lazy",
        "unexpected-closing-slash" => "unexpected-closing-slash",
        "unexpected-attribute" => "unexpected-attribute",
        _ => "mdx-syntax",
    }
}

/// The `(line:column)` of an opening tag that markdown-rs puts in some
/// reasons (`Expected a closing tag for `<div>` (3:1)`), as a byte offset.
fn opening_point(text: &str, reason: &str) -> Option<usize> {
    let open = reason.rfind(" (")?;
    let inner = reason[open + 2..].split(')').next()?;
    let (line, column) = inner.split_once(':')?;
    let line: usize = line.parse().ok()?;
    let column: usize = column.parse().ok()?;
    let index = LineIndex::new(text);
    if line == 0 || line > index.line_count() {
        return None;
    }
    let offset = index.byte_offset(line, column);
    text.is_char_boundary(offset).then_some(offset)
}

/// End of a tag starting at `start`: after its `>` on the same line, else
/// the line end.
fn tag_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    match rest[..line_end].find('>') {
        Some(close) => start + close + 1,
        None => start + line_end,
    }
}

/// Byte offset of the last `{` in `text` that no `}` closes.
fn unmatched_brace(text: &str) -> Option<usize> {
    let mut stack = Vec::new();
    for (index, byte) in text.bytes().enumerate() {
        match byte {
            b'{' => stack.push(index),
            b'}' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepass::prepare;

    fn run(source: &str) -> Prepared {
        let options = Options::default();
        let mut prepared = prepare(source, options.format);
        let _ = parse(&mut prepared, &options, MIN_CHUNKED);
        prepared
    }

    #[test]
    fn unclosed_tag_masks_its_block_and_points_at_it() {
        let prepared = run("# a\n\n<div>\n\nhello\n\n# b\n");
        assert_eq!(prepared.faults, vec![Fault { start: 5, end: 10 }]);
        assert_eq!(prepared.reports[0].start, 5, "should point at `<div>`");
        assert_eq!(prepared.reports[0].end, 10);
        assert_eq!(prepared.reports[0].rule_id, "end-tag-mismatch");
    }

    #[test]
    fn mismatched_tags_in_two_blocks_mask_both() {
        let prepared = run("<a>\n\n</b>\n\nok\n");
        assert_eq!(prepared.faults.len(), 2, "should mask both blocks");
        let errors: Vec<_> = prepared
            .reports
            .iter()
            .filter(|r| r.severity == Severity::Error)
            .collect();
        assert_eq!(errors.len(), 1, "should report one error");
        assert_eq!(errors[0].start, 5, "should point at `</b>`");
        assert!(
            prepared
                .reports
                .iter()
                .any(|r| r.severity == Severity::Info && r.start == 0),
            "should say where the element opens"
        );
    }

    #[test]
    fn unterminated_expression_points_at_its_brace() {
        let prepared = run("# a\n\n{unterminated\n\n# b\n");
        assert_eq!(prepared.reports[0].start, 5);
        assert_eq!(prepared.faults[0], Fault { start: 5, end: 18 });
    }

    #[test]
    fn many_errors_end() {
        let source = "<b>\n\n".repeat(200);
        let prepared = run(&source);
        assert!(
            !prepared.faults.is_empty(),
            "should give up in bounded time"
        );
    }
}
