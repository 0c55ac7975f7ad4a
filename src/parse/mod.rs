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
use crate::prepass::{Fault, Prepared, block_around, mask};
use crate::rules::Rule;
use markdown::mdast::{AttributeContent, AttributeValue, Node};
use markdown::message::{Message, Place};
use messages::Unclosed;

pub mod messages;
use crate::name_map::NameMap;
use markdown::{Constructs, MdxSignal, ParseOptions};

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
            // Expressions are JavaScript, as @mdx-js/mdx reads them: `}` in
            // a string does not end one, a syntax error is an error.
            mdx_expression_parse: Some(Box::new(crate::js_syntax::signal)),
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
    let mut chunks = chunks(prepared, &parse_options, min_chunked);
    if chunks.len() <= 1 {
        if let Some(Chunk { tree, local, .. }) = chunks.pop() {
            absorb(prepared, local, 0);
            return tree;
        }
        let text = prepared.masked.clone();
        return recover(text, &parse_options, prepared);
    }
    parse_chunks(prepared, &parse_options, chunks)
}

/// Where the chunks of `source` start (for tests of the chunker).
#[doc(hidden)]
pub fn chunk_starts(source: &str, options: &Options, min_chunked: usize) -> Vec<usize> {
    let prepared = crate::prepass::prepare(source, options.format);
    chunks(&prepared, &parse_options(options), min_chunked)
        .into_iter()
        .map(|chunk| {
            crate::hast::dispose_mdast(chunk.tree);
            chunk.start
        })
        .collect()
}

/// A piece of the document parsed alone: its byte range, its tree and
/// what recovering from its errors found.
struct Chunk {
    start: usize,
    end: usize,
    tree: Node,
    local: Prepared,
}

/// A link or footnote definition found in a chunk.
struct Definition {
    /// Byte range in the document.
    range: (usize, usize),
    /// `[^label]: …` rather than `[label]: …`.
    footnote: bool,
    /// The label's key ([`label_key`]).
    key: String,
}

/// Parse chunk by chunk and join the trees.
fn parse_chunks(prepared: &mut Prepared, parse_options: &ParseOptions, chunks: Vec<Chunk>) -> Node {
    // Link and footnote definitions apply to the whole document: find them
    // first; a chunk that may refer to some is parsed again with those
    // definitions in front of it.
    let mut definitions = Vec::new();
    for chunk in &chunks {
        definitions_in(chunk, &mut definitions);
    }
    crate::order::sort_by_key(&mut definitions, |d| (d.range.0, d.range.1));
    let by_key = ByKey::new(&definitions);
    let mut children = Vec::new();
    let mut lines_before = 0;
    let mut previous_end = 0;
    for Chunk {
        start,
        end,
        tree: first_tree,
        local: first_local,
    } in chunks
    {
        lines_before += prepared.masked[previous_end..start].matches('\n').count();
        previous_end = start;
        let preamble = preamble(&prepared.masked, (start, end), &definitions, &by_key);
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
        let line_shift = lines_before as isize - preamble_lines as isize;
        append_children(&mut children, tree, preamble.len(), shift, line_shift);
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

/// Add the definitions in `chunk`'s tree to `found` (offsets in the
/// document).
fn definitions_in(chunk: &Chunk, found: &mut Vec<Definition>) {
    let mut stack = vec![&chunk.tree];
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
            found.push(Definition {
                range: (
                    chunk.start + position.start.offset,
                    chunk.start + position.end.offset,
                ),
                footnote: matches!(node, Node::FootnoteDefinition(_)),
                key: label_key(label.unwrap_or_default()),
            });
        }
    }
}

/// The indexes of the definitions of each label, footnotes apart from
/// links (a footnote's key starts with `^`, a link's with `[`).
struct ByKey(NameMap<Vec<usize>>);

impl ByKey {
    fn new(definitions: &[Definition]) -> ByKey {
        let mut by_key = NameMap::default();
        for (index, definition) in definitions.iter().enumerate() {
            let key = ByKey::key(definition.footnote, &definition.key);
            by_key.first(key, Vec::new()).push(index);
        }
        ByKey(by_key)
    }

    fn key(footnote: bool, key: &str) -> String {
        let mut text = String::with_capacity(key.len() + 1);
        text.push(if footnote { '^' } else { '[' });
        text.push_str(key);
        text
    }

    fn get(&self, footnote: bool, key: &str) -> &[usize] {
        self.0
            .get(&ByKey::key(footnote, key))
            .map_or(&[], Vec::as_slice)
    }
}

/// The definitions the chunk at `range` of `masked` may refer to, in
/// document order (the first definition of a label wins), each followed
/// by a blank line: the text to parse in front of it. Empty when none.
fn preamble(
    masked: &str,
    range: (usize, usize),
    definitions: &[Definition],
    by_key: &ByKey,
) -> String {
    let mut wanted: Vec<usize> = Vec::new();
    if !definitions.is_empty() {
        for Reference { footnote, key } in references(&masked[range.0..range.1]) {
            wanted.extend(by_key.get(footnote, &key));
        }
        crate::order::sort_dedup(&mut wanted);
    }
    let mut preamble = String::new();
    for &index in &wanted {
        let (from, to) = definitions[index].range;
        preamble.push_str(&masked[from..to]);
        preamble.push_str("\n\n");
    }
    preamble
}

/// The top-level nodes of a chunk's `tree` moved into the document's
/// `children` (shifted by `shift` bytes and `line_shift` lines), but for
/// those of the preamble (its first `preamble` bytes).
fn append_children(
    children: &mut Vec<Node>,
    tree: Node,
    preamble: usize,
    shift: isize,
    line_shift: isize,
) {
    let Node::Root(root) = tree else { return };
    for mut child in root.children {
        let in_preamble = child.position().is_some_and(|p| p.end.offset <= preamble);
        if in_preamble && preamble > 0 {
            crate::hast::dispose_mdast(child);
            continue;
        }
        shift_positions(&mut child, shift, line_shift);
        children.push(child);
    }
}

/// What a text may refer to by label: `[label]` or `[^label]`, by
/// [`label_key`] (which ignores line breaks and container markers, so a
/// label across lines matches too).
pub(crate) struct Reference {
    /// `[^label]`.
    pub footnote: bool,
    /// The label's key.
    pub key: String,
}

/// A key for matching labels, coarser than CommonMark's label matching
/// (whitespace, `>`, backslashes and HTML comments dropped, case folded),
/// so two labels that match always have the same key, however they are
/// written (across lines, in a block quote, escaped, with a comment the
/// pre-pass masks with spaces in MDX, read before or after masking).
/// Extra matches only cost a definition too many in front of a chunk.
pub(crate) fn label_key(label: &str) -> String {
    let mut kept = String::with_capacity(label.len());
    let mut keep = |text: &str| {
        kept.extend(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '>' && *c != '\\'),
        );
    };
    let mut rest = label;
    while let Some(open) = rest.find("<!--") {
        let Some(close) = rest[open + 4..].find("-->") else {
            break;
        };
        keep(&rest[..open]);
        rest = &rest[open + 4 + close + 3..];
    }
    keep(rest);
    kept.to_lowercase().to_uppercase()
}

/// Every `[…]` in `text` that could be a reference to a definition: from
/// each `[` to the next unescaped `]`, unless another `[` or more than 999
/// characters (CommonMark's longest label) come first. Linear in `text`.
pub(crate) fn references(text: &str) -> Vec<Reference> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut index = 0;
    while let Some(at) = memchr(b'[', &bytes[index..]) {
        let open = index + at;
        index = open + 1;
        let mut end = None;
        let mut cursor = open + 1;
        while cursor < bytes.len() && cursor - open <= 1000 {
            match bytes[cursor] {
                b'\\' => cursor += 1,
                b']' => {
                    end = Some(cursor);
                    break;
                }
                b'[' => break,
                _ => {}
            }
            cursor += 1;
        }
        let Some(end) = end else { continue };
        let inside = &text[open + 1..end];
        let (footnote, label) = match inside.strip_prefix('^') {
            Some(rest) => (true, rest),
            None => (false, inside),
        };
        found.push(Reference {
            footnote,
            key: label_key(label),
        });
        // `[^label]` is also read as a link label `^label`.
        if footnote {
            found.push(Reference {
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
    prepared.open.extend(local.open.into_iter().map(move_by));
    prepared.spans.extend(
        local
            .spans
            .into_iter()
            .map(|(a, b)| (move_by(a), move_by(b))),
    );
    prepared.gave_up |= local.gave_up;
    prepared.open_at_end |= local.open_at_end;
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

/// The document cut into chunks that parse alone as they do in the whole,
/// each already parsed: only documents of at least `min_chunked` bytes are
/// cut ([`MIN_CHUNKED`] is where it pays), and only after a blank line,
/// outside what the pre-pass read as one piece (code, comments, front
/// matter): before an ATX heading at column 0, and, once a chunk has
/// [`CHUNK_LINES`] lines, before any line (see [`Probe`]). Whether a chunk
/// is whole is the parser's call: parsed with the line after it, that line
/// must come out as a node of its own (a fence, raw HTML, math, a list, a
/// tag or an expression left open would take it in, or fail on it).
/// Otherwise the chunk takes in more and is tried again once it is half as
/// long again.
///
/// The cuts at any line are what keep markdown-rs linear on documents of
/// many lines without headings: it spends time quadratic in a parse's lines
/// (`EditMap::add` in `util/edit_map.rs` looks through every edit so far,
/// and dividing the document's flow makes one per line): 50,000 blank lines
/// took it a second, 100,000 four.
fn chunks(prepared: &Prepared, parse_options: &ParseOptions, min_chunked: usize) -> Vec<Chunk> {
    let text = prepared.masked.as_str();
    if text.len() < min_chunked {
        return Vec::new();
    }
    let mut spans = prepared.spans.clone();
    crate::order::sort_by_key(&mut spans, |&(start, end)| (start, end));
    let mut spans = spans.into_iter().peekable();
    let mut reach = 0;
    let mut result = Vec::new();
    // The front matter is a chunk of its own, so that the definitions put
    // in front of a chunk never come before it.
    let mut chunk_start = prepared.body;
    if chunk_start > 0 {
        result.push(parsed_chunk(text, 0, chunk_start, parse_options));
    }
    let mut next_check = 0;
    let mut previous_blank = false;
    let mut offset = chunk_start;
    let mut lines = 0;
    // Where the run of blank lines the current line is in ends.
    let mut run_end = 0;
    // At the default size, CHUNK_LINES; tests that chunk small documents
    // get cuts before every line.
    let min_lines = CHUNK_LINES.min(min_chunked / 32);
    for line in text[chunk_start..].split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        lines += 1;
        while let Some((_, end)) = spans.next_if(|&(start, _)| start < line_start) {
            reach = reach.max(end);
        }
        let blank = is_blank_line(line);
        let was_blank = std::mem::replace(&mut previous_blank, blank);
        if !(was_blank
            && line_start >= reach
            && line_start > chunk_start
            && line_start - chunk_start >= next_check)
        {
            continue;
        }
        let heading = is_atx_heading(line);
        if !heading && lines < min_lines {
            continue;
        }
        let Some(probe) = probe_for(text, line_start, line, heading, blank, &mut run_end) else {
            continue;
        };
        match cut(text, chunk_start, line_start, &probe, parse_options) {
            Some((tree, local)) => {
                result.push(Chunk {
                    start: chunk_start,
                    end: line_start,
                    tree,
                    local,
                });
                chunk_start = line_start;
                next_check = 0;
                lines = 0;
            }
            // Half as long again before the next try: a chunk left open
            // near the top does not make every later heading parse it.
            None => next_check = 3 * (line_start - chunk_start) / 2,
        }
    }
    result.push(parsed_chunk(text, chunk_start, text.len(), parse_options));
    result
}

/// `text[start..end]` parsed as a chunk.
fn parsed_chunk(text: &str, start: usize, end: usize, parse_options: &ParseOptions) -> Chunk {
    let mut local = Prepared::default();
    let tree = recover(text[start..end].to_string(), parse_options, &mut local);
    Chunk {
        start,
        end,
        tree,
        local,
    }
}

/// What to parse after a chunk that would end before `line` (at
/// `line_start`, after a blank line) to tell whether it is whole, or
/// `None` when the line the chunk would be followed by is indented: it may
/// continue a list item across the blank. `heading` and `blank` say what
/// `line` is; `run_end` keeps where the current run of blank lines ends.
fn probe_for<'t>(
    text: &'t str,
    line_start: usize,
    line: &'t str,
    heading: bool,
    blank: bool,
    run_end: &mut usize,
) -> Option<Probe<'t>> {
    let probe = if heading {
        Probe::Heading(line)
    } else if !blank {
        Probe::Line(line)
    } else {
        if *run_end < line_start {
            *run_end = blank_run_end(text, line_start);
        }
        match text[*run_end..].split_inclusive('\n').next() {
            Some(next) => Probe::AfterBlank(next),
            None => Probe::End,
        }
    };
    match probe {
        Probe::Line(next) | Probe::AfterBlank(next) if next.starts_with([' ', '\t']) => None,
        probe => Some(probe),
    }
}

/// Where the run of blank lines starting at `at` ends: where the next line
/// that is not blank starts, or the end of `text`.
fn blank_run_end(text: &str, at: usize) -> usize {
    let mut end = at;
    for line in text[at..].split_inclusive('\n') {
        if !is_blank_line(line) {
            return end;
        }
        end += line.len();
    }
    text.len()
}

/// `text[start..end]` parsed with `probe` after it, if that shows the text
/// is whole there: the chunk's tree and what its parse found.
fn cut(
    text: &str,
    start: usize,
    end: usize,
    probe: &Probe,
    parse_options: &ParseOptions,
) -> Option<(Node, Prepared)> {
    let mut with_probe = text[start..end].to_string();
    if let Probe::AfterBlank(_) = probe {
        with_probe.push('\n');
    }
    let probe_at = with_probe.len();
    if let Probe::Heading(next) | Probe::Line(next) | Probe::AfterBlank(next) = probe {
        with_probe.push_str(next);
    }
    let mut local = Prepared::default();
    let mut tree = recover(with_probe, parse_options, &mut local);
    if whole(&mut tree, &local, probe_at, probe) {
        Some((tree, local))
    } else {
        crate::hast::dispose_mdast(tree);
        None
    }
}

/// Chunks are cut before any line only once they have this many lines
/// (before a heading, at any length): a parse costs a little of its own, and
/// markdown-rs's time per line grows with the lines of a parse. Documents
/// chunked from a smaller size than [`MIN_CHUNKED`] (tests) use 1/32 of
/// that size.
const CHUNK_LINES: usize = 512;

/// What a chunk is parsed with to tell whether it is whole: the line after
/// it, or, when the chunk ends in a run of blank lines (cut there, so that
/// no chunk holds a long run), one blank line and the line after the run.
enum Probe<'a> {
    /// An ATX heading: one line, after which no paragraph is open.
    Heading(&'a str),
    /// Another line at column 0.
    Line(&'a str),
    /// The first line after the blank run the chunk ends in.
    AfterBlank(&'a str),
    /// The run goes on to the end of the document.
    End,
}

/// Whether a chunk parsed together with its probe (at `at`) left nothing
/// open: no error found only at the end, the probe line is its last node,
/// starting where it should (a heading for a heading), and nothing was
/// reported or masked from there on. Takes the probe's node out of the
/// tree when so.
///
/// A chunk ending in a list, a block quote or a footnote definition is not
/// whole before a line that is not a heading: markdown-rs 1.0.0 carries
/// state out of such a container into the block after it (see
/// [`crate::guard::after_container`]), which that block, parsed at the
/// start of its own chunk, would not have.
fn whole(tree: &mut Node, local: &Prepared, at: usize, probe: &Probe) -> bool {
    let clean = !local.open_at_end
        && !local.gave_up
        && local.faults.iter().all(|fault| fault.end <= at)
        && local.reports.iter().all(|report| report.start < at);
    let Some(children) = tree.children_mut() else {
        return false;
    };
    if let Probe::End = probe {
        return clean;
    }
    let starts_there = |node: &Node| node.position().is_some_and(|p| p.start.offset == at);
    let probe_last = match (probe, children.last()) {
        (Probe::Heading(_), Some(node @ Node::Heading(_))) => starts_there(node),
        (Probe::Heading(_), _) | (_, None) => false,
        (_, Some(node)) => {
            starts_there(node)
                && !matches!(
                    children.iter().rev().nth(1),
                    Some(Node::List(_) | Node::Blockquote(_) | Node::FootnoteDefinition(_))
                )
        }
    };
    if clean && probe_last {
        if let Some(node) = children.pop() {
            crate::hast::dispose_mdast(node);
        }
        true
    } else {
        false
    }
}

/// Whether a line (with its line ending) is blank.
fn is_blank_line(line: &str) -> bool {
    crate::lines::is_blank(line.trim_end_matches(['\n', '\r']))
}

fn is_atx_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes)
        && line[hashes..]
            .chars()
            .next()
            .is_none_or(|c| c.is_ascii_whitespace())
}

/// Parse `text`, masking faulty blocks until it parses; faults and reports
/// go to `prepared`, with offsets into `text`.
fn recover(mut text: String, parse_options: &ParseOptions, prepared: &mut Prepared) -> Node {
    let attempts = (RECOVERY_BYTES / text.len().max(1)).clamp(MIN_ATTEMPTS, MAX_ATTEMPTS);
    // The text as it was and the regions masked so far (from the first
    // error on), to tell an error that masking caused.
    let mut original: Option<String> = None;
    let mut masked_so_far: Vec<(usize, usize)> = Vec::new();
    for attempt in 0.. {
        let message = match markdown::to_mdast(&text, parse_options) {
            Ok(tree) => return tree,
            Err(message) => message,
        };
        let original = original.get_or_insert_with(|| text.clone());
        let (mut report, opened_here, regions) = locate(&text, &message, parse_options);
        if closed_in_masked(original, &masked_so_far, &report, &message.reason) {
            // An element whose closing tag was in a block already shown as
            // an error (`<div>` / blank / `<div><a></div>` / `</div>`):
            // not a mistake of its own.
            report.severity = Severity::Info;
            report.message = format!(
                "{}: its closing tag is in a block shown as an error",
                report.message
            );
        }
        masked_so_far.extend(regions.iter().copied());
        prepared.reports.extend(opened_here);
        error_extent(&text, &message, &regions, parse_options, prepared);
        let give_up = attempt + 1 >= attempts;
        // A closing tag that does not match is found where it is: the
        // text after its block does not change that error. Unless the
        // block also starts a tag it does not finish: where that ends, and
        // whether it fails first, depends on the text after it.
        let decided = messages::mismatched_closing_tag(&message)
            && !give_up
            && !regions.iter().any(|&(start, end)| {
                let none = crate::order::Intervals::new([]);
                crate::pipeline::reads_on(&text, start, end, &none)
            });
        text = mask_error(text, &regions, (report.start, decided), give_up, prepared);
        prepared.reports.push(report);
        if attempt > attempts + 2 {
            break;
        }
    }
    // Unreachable in practice (a blank document always parses); answer with
    // an empty tree rather than loop.
    empty_root()
}

/// What an error (`message`, its blocks `regions`) found in `text` says
/// about the text around it: whether something is open at the very end,
/// and the spans that are one piece with it.
fn error_extent(
    text: &str,
    message: &Message,
    regions: &[(usize, usize)],
    parse_options: &ParseOptions,
    prepared: &mut Prepared,
) {
    // Found at the very end: something is still open there, and text
    // added after it could close it.
    prepared.open_at_end |= match message.place.as_deref() {
        Some(Place::Point(point)) => point.offset >= text.trim_end().len(),
        Some(Place::Position(_)) => false,
        None => true,
    };
    if let (Some(Place::Point(point)), Some(&(start, end))) =
        (message.place.as_deref(), regions.first())
    {
        // An error at one point may come from earlier blocks (a tag
        // never finished reads on across blank lines): they are one
        // piece with it.
        let cause = cause_start(text, start, end, point.offset, message, parse_options);
        if cause < start {
            prepared.spans.push((cause, end));
            // What the block it started in comes out as depends on the
            // blocks it read on into: in a window rendered alone, those
            // are the context after it, not the text that follows it.
            prepared.open.push(cause);
        }
    }
    // One error in two places (a closing tag and the element it does
    // not match): what is between them is one piece.
    if let (Some(low), Some(high)) = (
        regions.iter().map(|r| r.0).min(),
        regions.iter().map(|r| r.1).max(),
    ) {
        if regions.len() > 1 {
            prepared.spans.push((low, high));
        }
    }
}

/// `text` with the blocks of an error (`regions`; the error reported at
/// `report_start`) masked and recorded as faults; when `give_up`,
/// everything from the first block on. `decided`: the error is one the
/// text after its blocks cannot change, so they are not marked open.
fn mask_error(
    text: String,
    regions: &[(usize, usize)],
    (report_start, decided): (usize, bool),
    give_up: bool,
    prepared: &mut Prepared,
) -> String {
    let mut progressed = false;
    let mut bytes = text.into_bytes();
    for &(start, end) in regions {
        let (start, end) = if give_up {
            // Out of attempts: give up on the rest of the document.
            prepared.gave_up = true;
            prepared.reports.push(Report::new(
                Rule::TooManyErrors,
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
            // Where the parser stops can depend on any text after it
            // (a tag or value left unfinished reads on), and the block
            // masked changes how what is before it reads on.
            if !decided {
                prepared.open.push(start);
            }
            progressed = true;
        }
    }
    if !progressed {
        // Masking the block did not remove the error: mask everything
        // from its start on (always ends: a blank document parses).
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(0, |first| report_start.max(first).min(bytes.len()));
        let start = if bytes[start..].iter().all(u8::is_ascii_whitespace) {
            0
        } else {
            start
        };
        let end = bytes.len();
        mask(&mut bytes, start, end);
        prepared.faults.push(Fault { start, end });
        prepared.open.push(start);
    }
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// Whether `report` says an element is never closed while a region
/// masked by an earlier attempt holds its closing tag (in `original`).
fn closed_in_masked(
    original: &str,
    masked: &[(usize, usize)],
    report: &Report,
    reason: &str,
) -> bool {
    let Some(rest) = reason.strip_prefix("Expected a closing tag for `<") else {
        return false;
    };
    let name = rest.split(['>', ' ', '`']).next().unwrap_or("");
    let closing = format!("</{name}>");
    masked.iter().any(|&(start, end)| {
        start >= report.end
            && original
                .get(start..end)
                .is_some_and(|t| t.contains(&closing))
    })
}

/// Most blocks [`cause_start`] steps back over before it takes the start
/// of the text.
const MAX_CAUSE_STEPS: usize = 8;

/// Where the text that makes the parser stop at `point` (in the block
/// `start..end`) starts: the block's start when parsing from there to its
/// end stops at the same point for the same reason, else an earlier
/// block's start, found by stepping back a block at a time.
fn cause_start(
    text: &str,
    start: usize,
    end: usize,
    point: usize,
    message: &Message,
    parse_options: &ParseOptions,
) -> usize {
    let mut from = start;
    for _ in 0..MAX_CAUSE_STEPS {
        let same = match markdown::to_mdast(&text[from..end], parse_options) {
            Ok(tree) => {
                crate::hast::dispose_mdast(tree);
                false
            }
            Err(again) => {
                // The same stop: the same point, or the end of both texts.
                let slice_end = from + text[from..end].trim_end().len();
                let at_end = point >= text.trim_end().len();
                messages::without_places(&again.reason) == messages::without_places(&message.reason)
                    && matches!(again.place.as_deref(), Some(Place::Point(p))
                        if from + p.offset == point || (at_end && from + p.offset >= slice_end))
            }
        };
        if same || from == 0 {
            return from;
        }
        // The block before: skip the blank lines, then its lines.
        from = block_around(text, from.saturating_sub(1)).0;
    }
    0
}

/// Where a markdown-rs error is, as a report (and one where the element it
/// concerns opens), and which blocks to mask.
fn locate(
    text: &str,
    message: &Message,
    parse_options: &ParseOptions,
) -> (Report, Option<Report>, Vec<(usize, usize)>) {
    let (place_start, place_end, is_range) = match message.place.as_deref() {
        Some(Place::Point(point)) => (point.offset, point.offset, false),
        Some(Place::Position(position)) => (position.start.offset, position.end.offset, true),
        None => (text.len(), text.len(), false),
    };
    let place_start = place_start.min(text.len());
    let place_end = place_end.clamp(place_start, text.len());
    let opening = messages::opening(&message.reason).and_then(|(line, column)| {
        let index = LineIndex::new(text);
        (line <= index.line_count())
            .then(|| index.byte_offset(line, column))
            .filter(|&offset| text.is_char_boundary(offset))
    });
    let rule = messages::rule(&message.rule_id);

    // Where the writer has to look: a bad closing tag is its own fault; an
    // element or expression never closed is at its opening.
    let (start, end) = if is_range {
        (place_start, place_end)
    } else if let Some(open) = opening {
        (open, tag_end(text, open))
    } else if let Some(unclosed) = messages::unclosed(message) {
        // An attribute value or expression never closed: point at where it
        // opens.
        let open = match unclosed {
            Unclosed::Quote(quote) => text[..place_start].rfind(quote),
            Unclosed::Brace => {
                let before = &text[..place_start];
                let map = crate::lines::LineMap::read(before, Format::Mdx);
                let alone = |block: &str| match markdown::to_mdast(block, parse_options) {
                    Ok(tree) => {
                        crate::hast::dispose_mdast(tree);
                        true
                    }
                    Err(_) => false,
                };
                unclosed_expression(before, &map, &alone)
                    .or_else(|| unmatched_brace(before, body_start(&map)))
            }
        }
        .unwrap_or(place_start);
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
    // markdown-rs names the opening tag's place (in bytes, and relative to
    // what it parsed): say where it is with a report of its own instead.
    let reason = messages::reason(message);
    let opened_here = match (opening, is_range) {
        (Some(open), true) => Some(
            Report::new(
                rule,
                "The element is opened here",
                open,
                tag_end(text, open),
            )
            .with_severity(Severity::Info),
        ),
        _ => None,
    };
    (
        Report::new(rule, reason, start, end).with_severity(Severity::Error),
        opened_here,
        regions,
    )
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

/// Most `}` tried for each `{` by [`unclosed_expression`].
const MAX_EXPRESSION_TRIES: usize = 256;

/// Byte offset of the first `{` in `text` that starts an expression no
/// later `}` ends, read as markdown-rs reads expressions with
/// [`crate::js_syntax`]: at each `}` the text since the `{` is checked,
/// and the first that is a whole expression (or a syntax error) ends it.
/// `{1 +}` is such a `{`, although its braces balance. Code spans are
/// skipped (within their block: they never cross a blank line), and so is
/// fenced code (its info string too: ```` ```js title{ ```` is no
/// expression); on the error path only, and bounded.
/// `map` is how `text`'s lines read.
///
/// A `{` whose block parses alone (`parses_alone`, asked of markdown-rs)
/// started no expression there (it is in a link's destination, say): the
/// first `{` of a block that does not is taken instead, if there is one.
fn unclosed_expression(
    text: &str,
    map: &crate::lines::LineMap,
    parses_alone: &dyn Fn(&str) -> bool,
) -> Option<usize> {
    let bytes = text.as_bytes();
    // The end of the code line `at` is in, if it is in one.
    let code_line_end = |at: usize| {
        let index = map.lines.partition_point(|line| line.end < at);
        let line = map.lines.get(index)?;
        (map.opaque[index] && line.start <= at).then_some(line.end)
    };
    let kind = markdown::MdxExpressionKind::Expression;
    // Where the text after `at` ends an expression opened at `at`.
    let close = |at: usize| {
        bytes[at + 1..]
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'}')
            .take(MAX_EXPRESSION_TRIES)
            .find_map(|(offset, _)| {
                let end = at + 1 + offset;
                let value = text.get(at + 1..end)?;
                let done = !matches!(
                    crate::js_syntax::check(value, &kind),
                    Err(ref error) if error.eof
                );
                done.then_some(end)
            })
    };
    // The first block: after the blank lines the text may start with
    // (a block of its own would be the one before them, or none).
    let next_block = |from: usize| {
        text[from..]
            .find(|c: char| !c.is_whitespace())
            .map_or(bytes.len(), |i| from + i)
    };
    let mut after = 0;
    let mut unsure = None;
    let mut block_start = next_block(body_start(map));
    'blocks: while block_start < bytes.len() {
        let (start, end) = block_around(text, block_start);
        let start = start.max(block_start);
        if end <= start {
            // Only white space that is not blank to the line reader.
            let width = text[block_start..].chars().next().map_or(1, char::len_utf8);
            block_start = next_block(block_start + width);
            continue;
        }
        if is_esm_block(&text[start..end]) {
            // ESM (`export const a = {…}`): its braces are JavaScript's.
            block_start = next_block(end);
            continue;
        }
        let code = crate::prepass::CodeSpans::new(bytes, start, end);
        let mut at = start.max(after);
        while at < end {
            if let Some(line_end) = code_line_end(at) {
                at = line_end + 1;
                continue;
            }
            match bytes[at] {
                b'`' => at = code.end(bytes, at),
                b'\\' => at += 2,
                b'{' => match close(at) {
                    Some(closed) => {
                        after = closed + 1;
                        at = after;
                    }
                    None if parses_alone(&text[start..end]) => {
                        unsure.get_or_insert(at);
                        block_start = next_block(end);
                        continue 'blocks;
                    }
                    None => return Some(at),
                },
                _ => at += 1,
            }
        }
        // The next block: after this one's line ending and blank lines.
        block_start = next_block(end);
    }
    unsure
}

/// Where the text after the front matter starts (0 without one): front
/// matter is YAML, whose braces are no expressions (a title like
/// `'Jest 29: {Snapshot'` was blamed for an expression left open in the
/// body; found by `tests/incremental.rs` with `INCREMENTAL_SEED=5`).
fn body_start(map: &crate::lines::LineMap) -> usize {
    match map.body {
        0 => 0,
        _ if map.unclosed_front_matter => 0,
        body => map
            .lines
            .get(body)
            .map_or(map.lines.last().map_or(0, |l| l.end), |l| l.start),
    }
}

/// Whether a block is MDX's ESM: it starts with `import` or `export` and
/// a space, `{` or `*`, at the start of its line.
fn is_esm_block(block: &str) -> bool {
    ["import", "export"].iter().any(|word| {
        block
            .strip_prefix(word)
            .is_some_and(|rest| rest.starts_with([' ', '\t', '{', '*']))
    })
}

/// Byte offset of the last `{` in `text` that no `}` closes, outside ESM
/// blocks: their braces are JavaScript's, and an ESM block never reads on
/// (the parser ends it at a blank line whatever its braces), so an error
/// found later is not its doing (found by `make fuzz FUZZ_TARGET=edits`:
/// `export const a = {{` blamed for a tag left open after it).
/// The scan starts at `body`, after the front matter.
fn unmatched_brace(text: &str, body: usize) -> Option<usize> {
    let mut stack = Vec::new();
    let mut offset = body;
    let (mut block_start, mut esm) = (true, false);
    for line in text[offset..].split_inclusive('\n') {
        if crate::lines::is_blank(line.trim_end_matches(['\n', '\r'])) {
            (block_start, esm) = (true, false);
        } else if block_start {
            (block_start, esm) = (false, is_esm_block(line));
        }
        if !esm {
            for (index, byte) in line.bytes().enumerate() {
                match byte {
                    b'{' => stack.push(offset + index),
                    b'}' => {
                        stack.pop();
                    }
                    _ => {}
                }
            }
        }
        offset += line.len();
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
    fn a_label_has_one_key_before_and_after_its_comments_are_masked() {
        let key = label_key("contribute");
        assert_eq!(label_key("Contri\\\nbute"), key);
        assert_eq!(label_key("contribu<!-- c -->te"), key);
        assert_eq!(label_key("contribu          te"), key);
        assert_eq!(label_key("con<!-- a -->tri<!--b-->bute"), key);
        // Never closed: not a comment; kept as text.
        assert_ne!(label_key("contribu<!-- te"), key);
    }

    #[test]
    fn unclosed_tag_masks_its_block_and_points_at_it() {
        let prepared = run("# a\n\n<div>\n\nhello\n\n# b\n");
        assert_eq!(prepared.faults, vec![Fault { start: 5, end: 10 }]);
        assert_eq!(prepared.reports[0].start, 5, "should point at `<div>`");
        assert_eq!(prepared.reports[0].end, 10);
        assert_eq!(prepared.reports[0].rule, Rule::EndTagMismatch);
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
