//! MDX compatibility pre-pass: the first stage of the pipeline.
//!
//! markdown-rs parses MDX as @mdx-js/mdx does, but Docusaurus posts use a
//! few things on top of it: `:::note` admonitions, `{#custom-id}` heading
//! ids and HTML comments (`<!-- truncate -->`). This pass finds them, records
//! what they mean, and *masks* them in the source: their bytes become spaces
//! (line endings stay), so every byte offset in the masked source is the
//! same as in the original and positions need no mapping.
//!
//! It also guards the parser ([`crate::guard`]): a block whose shape would
//! make markdown-rs slow (quadratic), its tree very deep, or panic where
//! a guard does better than containment, is masked too.

use crate::diagnostic::Report;
use crate::guard;
use crate::lines::{Line, LineMap, container_prefix, is_blank, split as lines};
use crate::options::Format;
use crate::rules::Rule;

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
    /// Whether [`guard::OPEN_REFERENCE`] may stand in for `&` in `masked`
    /// (the source does not hold that byte itself).
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

/// Replace the bytes of `range` with spaces, keeping line endings.
pub fn mask(masked: &mut [u8], start: usize, end: usize) {
    let end = end.min(masked.len());
    for byte in &mut masked[start.min(end)..end] {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
}

/// Mask a whole block shown as source (a fault): its line endings too, so
/// that the parser sees one blank line. markdown-rs takes time quadratic in
/// the number of lines (a 50 000-line block of blank lines costs it
/// seconds), and between the blank lines around a block one blank line or
/// many mean the same. Byte offsets stay; line numbers of the parser's
/// tree, which nothing reads, do not.
pub fn mask_block(masked: &mut [u8], start: usize, end: usize) {
    let end = end.min(masked.len());
    masked[start.min(end)..end].fill(b' ');
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
        substitutes: !masked.contains(&guard::OPEN_REFERENCE),
        ..Prepared::default()
    };
    let map = LineMap::read(source, format);
    let lines = &map.lines;
    let first = map.body;
    front_matter(source, &map, &mut masked, &mut prepared);
    code_block_wrappers(&map, &mut masked, &mut prepared);
    code_fences(&map, &mut masked, &mut prepared);

    let walk = Walk {
        source,
        format,
        lines,
        open_admonitions: Vec::new(),
        block_first: None,
    };
    let open_admonitions = walk.run(&map.opaque, first, &mut masked, &mut prepared);

    if format == Format::Mdx {
        let from = lines.get(first).map_or(source.len(), |line| line.start);
        guard::hide_open_references(source, lines, from, &mut masked, &mut prepared);
    }
    unclosed_admonitions(&open_admonitions, &mut prepared);

    let (body_lines, in_code) = (&lines[first..], &map.opaque[first..]);
    if format == Format::Mdx {
        comments(source, body_lines, in_code, &mut masked, &mut prepared);
    } else {
        guard::unclosed_comment(source, body_lines, in_code, &mut masked, &mut prepared);
    }

    crate::order::sort_by_key(&mut prepared.faults, |f| (f.start, 0));
    // Masking only ever writes ASCII spaces over whole characters' bytes
    // (or over ASCII), so this is valid UTF-8; stay safe regardless.
    prepared.masked = String::from_utf8(masked)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    prepared
}

/// Front matter is left to markdown-rs: only its span is kept. A `---`
/// first line that nothing closes is taken out.
fn front_matter(source: &str, map: &LineMap, masked: &mut [u8], prepared: &mut Prepared) {
    let lines = &map.lines;
    if map.body > 0 && !map.unclosed_front_matter {
        prepared.body = lines.get(map.body).map_or(source.len(), |line| line.start);
        prepared.spans.push((0, prepared.body));
    }
    if !map.unclosed_front_matter {
        return;
    }
    // Not front matter. markdown-rs's failed attempt at it can leave it in
    // a state where what follows makes it panic (wooorm/markdown-rs#213:
    // `---`, a blank line, a list; see tests/panics.rs), so the line is
    // taken out here: a thematic break before a blank line, else front
    // matter the writer has not closed yet. Nothing is lost.
    let line = lines[0];
    mask(masked, line.start, line.end);
    prepared.open.push(line.start);
    if lines
        .get(1)
        .is_none_or(|next| is_blank(&source[next.start..next.end]))
    {
        prepared.thematic_break = Some(line.start);
    } else {
        fault(
            masked,
            prepared,
            line.start,
            line.end,
            Report::new(
                Rule::UnclosedFrontmatter,
                "Front matter is never closed: add a line with `---` after it",
                line.start,
                line.end,
            ),
        );
    }
}

/// ```` ```mdx-code-block ```` wrappers: their fence lines are nothing
/// (Docusaurus takes them out), their content is the document's. One span
/// each, so a wrapper is never cut apart: whether its closing line closes
/// it depends on everything between.
fn code_block_wrappers(map: &LineMap, masked: &mut [u8], prepared: &mut Prepared) {
    let lines = &map.lines;
    for &(open, close) in &map.wrappers {
        mask(masked, lines[open].start, lines[open].end);
        mask(masked, lines[close].start, lines[close].end);
        prepared.spans.push((lines[open].start, lines[close].end));
    }
}

/// Fenced code: each fence is one span. What is never closed (front
/// matter, a fence, an admonition) is a warning: a site build takes it (the
/// rest of the document is code, or in the admonition), but that is rarely
/// what the writer meant.
fn code_fences(map: &LineMap, masked: &mut [u8], prepared: &mut Prepared) {
    let lines = &map.lines;
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
            masked,
            prepared,
            start,
            stop,
            Report::new(
                Rule::UnclosedCodeFence,
                format!(
                    "This code fence is never closed: add a line with `{}` after the code",
                    String::from_utf8_lossy(&vec![fence.marker; fence.length])
                ),
                start,
                lines[fence.first].end,
            ),
        );
    }
}

/// The walk over the body's lines outside code: admonition fences,
/// heading ids, truncate markers, and the blocks the guard's caps check.
struct Walk<'a> {
    source: &'a str,
    format: Format,
    lines: &'a [Line],
    /// Admonitions open: (index into `Prepared::admonitions`, colons).
    open_admonitions: Vec<(usize, usize)>,
    /// Index of the first line of the current block, for the caps.
    block_first: Option<usize>,
}

impl Walk<'_> {
    /// Walk the lines from index `first` (`opaque`: per line, whether it is
    /// code); gives the admonitions left open.
    fn run(
        mut self,
        opaque: &[bool],
        first: usize,
        masked: &mut [u8],
        prepared: &mut Prepared,
    ) -> Vec<(usize, usize)> {
        // `opaque` has one entry per line.
        for (index, &code) in opaque.iter().enumerate().skip(first) {
            if code {
                // Code: finish the block before it, then skip it.
                self.end_block(index, masked, prepared);
            } else if !self.admonition_fence(index, masked, prepared) {
                self.text_line(index, masked, prepared);
            }
        }
        self.end_block(self.lines.len(), masked, prepared);
        self.open_admonitions
    }

    /// The current block, if any, ends before line `index`: the caps check it.
    fn end_block(&mut self, index: usize, masked: &mut [u8], prepared: &mut Prepared) {
        if let Some(first) = self.block_first.take() {
            guard::check_block(
                self.format,
                self.source,
                &self.lines[first..index],
                masked,
                prepared,
            );
        }
    }

    /// An admonition's opening or closing fence at line `index`: recorded
    /// and masked. Whether the line is one.
    fn admonition_fence(
        &mut self,
        index: usize,
        masked: &mut [u8],
        prepared: &mut Prepared,
    ) -> bool {
        let line = self.lines[index];
        let source = self.source;
        let text = &source[line.start..line.end];
        // A closing fence that closes nothing is text (markdown-rs sees it),
        // so it stays in its block.
        let open = &self.open_admonitions;
        let fence = admonition_fence(text)
            .filter(|(colons, name, _)| !name.is_empty() || open.iter().any(|(_, c)| c <= colons));
        let Some((colons, name, rest)) = fence else {
            return false;
        };
        self.end_block(index, masked, prepared);
        if name.is_empty() {
            // Closing fence: closes the innermost admonition opened with
            // at most as many colons.
            if let Some(position) = self
                .open_admonitions
                .iter()
                .rposition(|(_, c)| *c <= colons)
            {
                let (at, _) = self.open_admonitions[position];
                self.open_admonitions.truncate(position);
                prepared.admonitions[at].close = Some((line.start, line.end));
                mask(masked, line.start, line.end);
            }
        } else {
            let (admonition, report) = opening_fence(line, text, name, rest);
            prepared.reports.extend(report);
            prepared.admonitions.push(admonition);
            self.open_admonitions
                .push((prepared.admonitions.len() - 1, colons));
            mask(masked, line.start, line.end);
        }
        true
    }

    /// Line `index`, neither code nor an admonition fence: it ends or
    /// extends the current block, and may hold a heading's `{#id}` or be
    /// the truncate marker.
    fn text_line(&mut self, index: usize, masked: &mut [u8], prepared: &mut Prepared) {
        let line = self.lines[index];
        let text = &self.source[line.start..line.end];
        if is_blank(text) {
            self.end_block(index, masked, prepared);
        } else if self.block_first.is_none() {
            self.block_first = Some(index);
        }
        heading_id(self.source, line, self.format, masked, prepared);
        if is_truncate_marker(text, self.format) {
            prepared.truncate_markers.push(line.start);
            if prepared.truncate.is_none_or(|at| at > line.start) {
                prepared.truncate = Some(line.start);
            }
        }
    }
}

/// The admonition an opening fence `line` (`text`) starts, its type `name`
/// followed by `rest`; with a report if the type is unknown.
fn opening_fence(line: Line, text: &str, name: &str, rest: &str) -> (Admonition, Option<Report>) {
    let kind = name.to_ascii_lowercase();
    let name_start = line.start + text.find(name).unwrap_or(0);
    let title = admonition_title(rest, line.end - rest.trim_start().len());
    let report = (!ADMONITION_TYPES.contains(&kind.as_str())).then(|| {
        let report = Report::new(
            Rule::UnknownAdmonition,
            format!(
                "Unknown admonition type `{name}`: Docusaurus knows {}",
                ADMONITION_TYPES.join(", ")
            ),
            name_start,
            name_start + name.len(),
        );
        match crate::suggest::closest(&kind, ADMONITION_TYPES.iter().copied()) {
            Some(best) => report.with_suggestion(best),
            None => report,
        }
    });
    let admonition = Admonition {
        kind,
        title,
        open: (line.start, line.end),
        close: None,
    };
    (admonition, report)
}

/// An admonition's title from what follows its type on the opening fence
/// (`rest`, its first non-blank byte at offset `title_start`): the title as
/// written and where it starts, or `None` when the type is the title.
fn admonition_title(rest: &str, title_start: usize) -> Option<(String, usize)> {
    let title_text = rest.trim();
    if let Some(inner) = title_text.strip_prefix('[') {
        // `[label]`, maybe followed by `{attributes}` (unused).
        let inner_end = inner
            .rfind("]{")
            .filter(|_| inner.ends_with('}'))
            .or_else(|| inner.rfind(']'))
            .unwrap_or(inner.len());
        Some((inner[..inner_end].trim().to_string(), title_start + 1))
    } else if title_text.is_empty() || (title_text.starts_with('{') && title_text.ends_with('}')) {
        // No title, or only `{attributes}` (`:::info{#my-id}`): the type is
        // the title, as in Docusaurus.
        None
    } else {
        Some((title_text.to_string(), title_start))
    }
}

/// Whether a line is the truncate marker on a line of its own:
/// `{/* truncate */}` in MDX (left for the parser, which drops comments),
/// or an HTML comment in markdown (left for markdown-rs; MDX masks
/// comments in [`comments`]).
fn is_truncate_marker(text: &str, format: Format) -> bool {
    let marker = text.trim();
    match format {
        Format::Mdx => marker
            .strip_prefix("{/*")
            .and_then(|m| m.strip_suffix("*/}")),
        Format::Md => marker
            .strip_prefix("<!--")
            .and_then(|m| m.strip_suffix("-->")),
    }
    .is_some_and(|inner| inner.trim() == "truncate")
}

/// Admonitions never closed: each open one is reported; every unclosed
/// one is shown as its fence line and nothing more (a fault).
fn unclosed_admonitions(open: &[(usize, usize)], prepared: &mut Prepared) {
    for &(at, _) in open {
        let admonition = &prepared.admonitions[at];
        prepared.open.push(admonition.open.0);
        prepared.reports.push(Report::new(
            Rule::UnclosedAdmonition,
            format!(
                "This `:::{}` admonition is never closed: add a line with `:::` after its content",
                admonition.kind
            ),
            admonition.open.0,
            admonition.open.1,
        ));
    }
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
}

/// Record a fault: mask its block and keep its report.
pub(crate) fn fault(
    masked: &mut [u8],
    prepared: &mut Prepared,
    start: usize,
    end: usize,
    report: Report,
) {
    mask_block(masked, start, end);
    prepared.faults.push(Fault { start, end });
    prepared.reports.push(report);
}

/// Mask `{#custom-id}` at the end of an ATX heading and record the id
/// (identifier characters as markdown-rs reads a JSX name, `-` included,
/// plus `.` and `:`).
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
            .all(|c| markdown::id_cont(c, true) || matches!(c, '.' | ':'))
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

/// The end of a JSX tag whose name starts at `from` (just after its `<`),
/// skipping quoted values and `{…}` ones, read as the parser reads them
/// (see [`Braces`]); `None` when it does not end in `bytes`.
pub(crate) fn tag_end(bytes: &[u8], from: usize, braces: &Braces) -> Option<usize> {
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
                let after = braces.skip_as(index, &kind);
                if after == index + 1 {
                    // Never closed: neither is the tag.
                    return None;
                }
                index = after;
                continue;
            }
            (None, b'>') => return Some(index + 1),
            _ => {}
        }
        index += 1;
    }
    None
}

/// `(length, start)` of each run of backticks in `bytes[start..end]`, in
/// order.
pub(crate) fn backtick_runs(bytes: &[u8], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut at = start;
    while at < end {
        if bytes[at] == b'`' {
            let run = bytes[at..end].iter().take_while(|&&b| b == b'`').count();
            runs.push((run, at));
            at += run;
        } else {
            at += 1;
        }
    }
    runs
}

/// The backtick runs of a range, by length, so that where a code span
/// ends is found without rescanning the rest of the range for every run
/// (a document of runs that never close would make that quadratic).
pub(crate) struct CodeSpans {
    /// `(length, start)` of every run, sorted.
    runs: Vec<(usize, usize)>,
}

impl CodeSpans {
    /// The runs of `bytes[start..end]`.
    pub(crate) fn new(bytes: &[u8], start: usize, end: usize) -> CodeSpans {
        let mut runs = backtick_runs(bytes, start, end);
        crate::order::sort_by_key(&mut runs, |&pair| pair);
        CodeSpans { runs }
    }

    /// Where the code span opened by the backtick run at `at` ends (after
    /// its closing run, which must be exactly as long: `` `<>`` `` has
    /// none, so the backtick is text and `<>` a tag), or the end of the run
    /// when it is not closed in the range.
    pub(crate) fn end(&self, bytes: &[u8], at: usize) -> usize {
        let run = bytes[at..].iter().take_while(|&&b| b == b'`').count();
        let next = self.runs.partition_point(|&pair| pair <= (run, at));
        match self.runs.get(next) {
            Some(&(length, start)) if length == run => start + run,
            _ => at + run,
        }
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
pub(crate) fn jsx_tag_spans(
    source: &str,
    start: usize,
    end: usize,
    strict: bool,
) -> Vec<(usize, usize, Option<usize>)> {
    let bytes = source.as_bytes();
    let mut spans: Vec<(usize, usize, Option<usize>)> = Vec::new();
    // Indexes into `spans` of the tags still open.
    let mut open: Vec<usize> = Vec::new();
    let scan = TagScan::new(source, start, end);
    let braces = &scan.braces;
    let mut at = start;
    while at < end {
        if let Some(next) = scan.step_over(at) {
            at = next;
            continue;
        }
        match bytes[at] {
            b'<' => {
                let closing = bytes.get(at + 1) == Some(&b'/');
                let name_at = at + 1 + usize::from(closing);
                let starts_name = match source[name_at.min(end)..end].chars().next() {
                    Some(c) => markdown::id_start(c) || c == '>',
                    None => false,
                };
                if !starts_name {
                    at += 1;
                    continue;
                }
                let Some(tag_end) = tag_end(&bytes[..end], name_at, braces) else {
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

/// What a scan for JSX tags in `source[start..end]` steps over: code
/// spans, escapes, expressions (tags in their strings are not JSX; one
/// that never closes: its brace), HTML comments (masked by the comment
/// pass, which runs after the blocks are checked) and link destinations
/// in angle brackets (`[a](<https://x.com>)`, `[a]: <url>`).
pub(crate) struct TagScan<'a> {
    source: &'a str,
    start: usize,
    end: usize,
    code: CodeSpans,
    /// The range's expressions.
    pub(crate) braces: Braces<'a>,
}

impl<'a> TagScan<'a> {
    pub(crate) fn new(source: &'a str, start: usize, end: usize) -> TagScan<'a> {
        let bytes = source.as_bytes();
        TagScan {
            source,
            start,
            end,
            code: CodeSpans::new(bytes, start, end),
            braces: Braces::new(bytes, start, end),
        }
    }

    /// Where the scan goes on when what is at `at` is stepped over; `None`
    /// when it is not (a `<` there may start a tag).
    pub(crate) fn step_over(&self, at: usize) -> Option<usize> {
        let (source, end) = (self.source, self.end);
        let bytes = source.as_bytes();
        Some(match bytes[at] {
            b'`' => self.code.end(bytes, at),
            b'\\' => at + 2,
            b'{' => self.braces.skip(at),
            b'<' if bytes[at..end].starts_with(b"<!--") => source[at + 4..end]
                .find("-->")
                .map_or(end, |i| at + 4 + i + 3),
            b'<' if angle_destination(bytes, self.start, at) => source[at..end]
                .find(['>', '\n', '\r'])
                .map_or(end, |i| at + i + 1),
            _ => return None,
        })
    }
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

/// How many bytes per byte of its range a [`Braces`] may read as
/// JavaScript (beyond [`JS_BUDGET_BASE`]) before it counts braces instead.
const JS_BUDGET_PER_BYTE: usize = 8;

/// What a [`Braces`] may read as JavaScript whatever its range.
const JS_BUDGET_BASE: usize = 1 << 16;

/// Where the `{…}` expressions of a range end, read as the parser reads
/// them: markdown-rs asks [`crate::js_syntax`] at each `}` whether the text
/// since the `{` is a whole expression, so `{'}'}` is one expression and
/// `{a: '{'}` closes. Braces are counted first, in one pass; an expression
/// whose braces balance and that holds no quote, backtick or slash (which
/// could hide a brace from the count) ends where the count says. Others
/// are read as JavaScript ([`crate::js_syntax::expression_end_within`])
/// within a budget linear in the range, then counted too, so skipping
/// stays linear when many never close (`{{{{…`).
pub(crate) struct Braces<'a> {
    bytes: &'a [u8],
    /// The end of the range.
    end: usize,
    /// Each `{` that closes in the range by the count, by position, with
    /// the position after its `}`; sorted.
    ends: Vec<(usize, usize)>,
    /// Bytes the JavaScript reading may still look at.
    budget: std::cell::Cell<usize>,
}

impl<'a> Braces<'a> {
    /// The expressions of `bytes[start..end]`.
    pub(crate) fn new(bytes: &'a [u8], start: usize, end: usize) -> Braces<'a> {
        let mut open = Vec::new();
        let mut ends = Vec::new();
        for (index, &byte) in bytes.iter().enumerate().take(end).skip(start) {
            match byte {
                b'{' => open.push(index),
                b'}' => {
                    if let Some(at) = open.pop() {
                        ends.push((at, index + 1));
                    }
                }
                _ => {}
            }
        }
        crate::order::sort_by_key(&mut ends, |&(at, _)| (at, 0));
        let budget = JS_BUDGET_BASE + JS_BUDGET_PER_BYTE * end.saturating_sub(start);
        Braces {
            bytes,
            end: end.min(bytes.len()),
            ends,
            budget: std::cell::Cell::new(budget),
        }
    }

    /// The end of the expression (in text) starting at `at` (after its
    /// `}`), or just after the `{` when it does not close in the range.
    pub(crate) fn skip(&self, at: usize) -> usize {
        self.skip_as(at, &markdown::MdxExpressionKind::Expression)
    }

    /// [`Braces::skip`] for an expression of `kind` (in a tag: a value or
    /// a spread).
    pub(crate) fn skip_as(&self, at: usize, kind: &markdown::MdxExpressionKind) -> usize {
        let counted = self
            .ends
            .binary_search_by_key(&at, |&(start, _)| start)
            .ok()
            .map(|found| self.ends[found].1);
        if let Some(counted) = counted {
            let inner = &self.bytes[at + 1..counted - 1];
            if !inner
                .iter()
                .any(|b| matches!(b, b'\'' | b'"' | b'`' | b'/'))
            {
                return counted;
            }
        }
        let mut budget = self.budget.get();
        let found =
            crate::js_syntax::expression_end_within(self.bytes, at, self.end, kind, &mut budget);
        self.budget.set(budget);
        match found {
            Ok(Some(end)) => end,
            Ok(None) => at + 1,
            Err(crate::js_syntax::OutOfBudget) => counted.unwrap_or(at + 1),
        }
    }
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
                    index = unclosed_comment(source, lines, index, at, masked, prepared) + 1;
                }
            },
            _ => at += 1,
        }
    }
}

/// An HTML comment opened at `at` (on line `index`) and never closed: the
/// block holding it is a fault with an `unclosed-comment` error. Returns
/// the index of the block's last line.
pub(crate) fn unclosed_comment(
    source: &str,
    lines: &[Line],
    index: usize,
    at: usize,
    masked: &mut [u8],
    prepared: &mut Prepared,
) -> usize {
    prepared.open.push(at);
    let mut last = index;
    while last + 1 < lines.len() && !is_blank(&source[lines[last + 1].start..lines[last + 1].end]) {
        last += 1;
    }
    fault(
        masked,
        prepared,
        block_start_of(source, lines, index),
        lines[last].end,
        Report::new(
            Rule::UnclosedComment,
            "This HTML comment is never closed: add `-->` where it ends",
            at,
            (at + 4).min(lines[index].end),
        ),
    );
    last
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
    fn reads_admonition_titles() {
        // `rest` is what follows the type; its first non-blank byte is at 10.
        assert_eq!(
            admonition_title(" [Hi]{#id}", 10),
            Some(("Hi".into(), 11)),
            "should take the label and drop the attributes"
        );
        assert_eq!(admonition_title(" [a] b]", 10), Some(("a] b".into(), 11)));
        assert_eq!(admonition_title(" Plain  ", 10), Some(("Plain".into(), 10)));
        assert_eq!(admonition_title("{#id}", 10), None, "attributes only");
        assert_eq!(admonition_title("  ", 10), None);
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

        // Name characters as markdown-rs reads them: a combining accent
        // (decomposed `é`) and Hangul are in, `{a b}` is an expression.
        let source = "## Café {#cafe\u{301}-한국어}\n## Hi {#a b}\n";
        let prepared = prepare(source, Format::Mdx);
        assert_eq!(
            prepared.heading_ids,
            vec![(0, "cafe\u{301}-한국어".to_string())]
        );
    }

    #[test]
    fn deep_quotes_are_too_complex() {
        let source = "> ".repeat(25_000);
        let prepared = prepare(&source, Format::Md);
        assert_eq!(prepared.faults.len(), 1, "should degrade the block");
        assert_eq!(prepared.reports[0].rule, Rule::InputTooComplex);
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
