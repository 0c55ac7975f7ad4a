//! The pipeline: a source (or a window of one) to its top-level blocks, and
//! blocks to the document's result.
//!
//! [`blocks`] runs the stages (pre-pass, parse, HTML tree, sanitize) and
//! cuts the result where the parser says top-level blocks begin: each
//! [`Block`] is a segment of the source with its HTML, headings and
//! diagnostics, all relative to where the segment starts, and holes
//! ([`crate::hast::Slot`]) where document-wide values go (`data-line`
//! numbers, slugged heading ids). [`assemble`] puts blocks together into
//! what [`crate::render`] returns; the incremental engine keeps blocks and
//! renders again only the ones an edit touches, through the same two
//! functions, so both give the same result by construction.

use crate::diagnostic::{Diagnostic, LineIndex, Report};
use crate::hast::{self, Element, Node, Slot, Slotted};
use crate::name_map::NameSet;
use crate::options::Options;
use crate::order::Intervals;
use crate::prepass::Prepared;
use crate::sanitize::Schema;
use crate::slug::Slugger;
use crate::to_hast::Converted;
use crate::{Rendered, TocEntry};
use markdown::mdast;

/// What the rest of a document tells a window of it: its ESM and link
/// definitions, as text parsed around the window (each piece followed by a
/// blank line), so names resolve and references link as in the whole; or,
/// for the ESM, the names it binds, already read.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Parsed before the window: ESM and definitions that come before it.
    pub before: String,
    /// Parsed after it: ESM and definitions that come after it.
    pub after: String,
    /// The document's names, when its ESM is not in `before` and `after`.
    pub scope: Option<std::rc::Rc<crate::scope::Scope>>,
    /// Definitions in `before` and `after` given to the parser as their
    /// stand-ins ([`Definition::stand_in`]): their real destination and
    /// title, by identifier, the first of each identifier in document order.
    pub defined: crate::to_hast::Defined,
}

impl PartialEq for Context {
    fn eq(&self, other: &Self) -> bool {
        let same_scope = match (&self.scope, &other.scope) {
            (Some(a), Some(b)) => std::rc::Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        self.before == other.before
            && self.after == other.after
            && same_scope
            && self.defined == other.defined
    }
}

/// A markdown heading of a block, as the sanitized tree shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadingInfo {
    /// 1 to 6.
    pub level: u8,
    /// Plain text (its id is slugged from this).
    pub text: String,
    /// The writer's own id (`{#custom-id}`), without the id prefix.
    pub explicit: Option<String>,
    /// The TOC value: inline HTML as Docusaurus shows it.
    pub value: String,
    /// Lines after the block's first line.
    pub line: usize,
}

/// A link reference definition in a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    /// Its label, coarsely normalized ([`crate::parse::label_key`]).
    pub key: String,
    /// Its source text.
    pub text: String,
    /// The same definition for the parser in a few bytes, when its label
    /// is on one line: the label as written and an empty destination
    /// (`[Label]: <>`). It defines the same identifier, which is all a
    /// window parsed with it needs from it (whether `[x][label]` is a
    /// link); the destination and title travel beside it
    /// ([`Context::defined`]). A window's context is parsed at every
    /// keystroke, so this is text the parser does not read again.
    pub stand_in: Option<StandIn>,
}

/// A definition's stand-in ([`Definition::stand_in`]) and what it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StandIn {
    /// `[label]: <>`.
    pub text: String,
    /// The identifier the parser gives the label.
    pub identifier: String,
    pub url: String,
    pub title: Option<String>,
}

impl StandIn {
    /// The stand-in of a definition the parser read as `definition` from
    /// `text`, or None when its label spans lines (inside a container the
    /// next line's prefix would be part of it) or is not where expected.
    fn of(definition: &mdast::Definition, text: &str) -> Option<StandIn> {
        let label = text.trim_start().strip_prefix('[')?;
        let bytes = label.as_bytes();
        let mut end = 0;
        while end < bytes.len() && bytes[end] != b']' {
            match bytes[end] {
                b'\\' => end += 2,
                b'\n' | b'\r' | b'[' => return None,
                _ => end += 1,
            }
        }
        let raw = label.get(..end)?;
        // The label as written is what the parser derived the identifier
        // from, so the stand-in defines the same one; a check that this is
        // that label (compared as CommonMark compares labels).
        let fold = crate::guard::label_key;
        (fold(raw) == fold(&definition.identifier)).then(|| StandIn {
            text: format!("[{raw}]: <>"),
            identifier: definition.identifier.clone(),
            url: definition.url.clone(),
            title: definition.title.clone(),
        })
    }
}

/// One top-level block: a segment of the source (from where a top-level
/// node starts to where the next one does) and what it renders to.
/// Positions are relative to the segment's start.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Bytes of source.
    pub len: usize,
    /// Line breaks in its source.
    pub line_breaks: usize,
    /// UTF-16 length of its source.
    pub utf16: usize,
    /// Whether it holds any top-level node (before sanitizing).
    pub has_items: bool,
    /// Its HTML: each top-level node followed by a line ending.
    pub html: Slotted,
    /// Its markdown headings, in order.
    pub headings: Vec<HeadingInfo>,
    /// Its diagnostics: lines counted from its first line (1-based),
    /// offsets from its start; sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Bound names it uses (sorted, once each).
    pub used: Vec<String>,
    /// The assets it imports, each with the diagnostic given when nothing
    /// in the document uses it.
    pub imports: Vec<(String, Diagnostic)>,
    /// What is wrong in the values of the constants it declares, each with
    /// the constant's name: shown when something in the document uses it.
    pub constants: Vec<(String, Diagnostic)>,
    /// The text of its ESM, each piece followed by a blank line.
    pub esm: String,
    /// Its link reference definitions.
    pub definitions: Vec<Definition>,
    /// The front matter, in the block that holds it.
    pub frontmatter: Option<serde_json::Value>,
    /// It holds something never closed: later text may change it.
    pub open: bool,
    /// Its first line is hidden from the parser (a comment, a fault): the
    /// block before it may run on over it.
    pub masked_start: bool,
    /// What follows it after a blank line may still belong to it: its last
    /// top-level node is a list, a footnote definition or indented code.
    pub continues: bool,
    /// Its last top-level node is a container (a list or a footnote
    /// definition), which the next block's first line closes: markdown-rs
    /// carries state over into that block
    /// ([`crate::guard::after_container`]).
    pub container: bool,
    /// Its first top-level node is a list, whose items a list of the same
    /// kind just before it would take in.
    pub starts_list: bool,
    /// Its last top-level node runs on into the blank lines after it (code,
    /// raw HTML or math never closed): it would take in what follows.
    pub reaches_end: bool,
    /// It holds footnote calls or definitions (numbered document-wide).
    pub footnotes: bool,
    /// It holds an excerpt marker (only the document's first one counts).
    pub truncate: bool,
    /// It holds content nested too deep (reported once per render).
    pub too_deep: bool,
    /// Error recovery gave up in the render it came from.
    pub gave_up: bool,
}

impl Block {
    /// Whether the document's ESM or definitions are in it, so that other
    /// blocks depend on it.
    pub fn is_context(&self) -> bool {
        !self.esm.is_empty() || !self.definitions.is_empty()
    }
}

/// Render `source` (a document, or a window of one with `context` around
/// it) to its top-level blocks. There is always at least one block, and
/// their lengths add up to `source.len()`.
pub fn blocks(
    source: &str,
    options: &Options,
    schema: &Schema,
    context: &Context,
    min_chunked: usize,
) -> Vec<Block> {
    let skip = context.before.len();
    let end = skip + source.len();
    let full = with_context(source, context);
    let full = full.as_ref();

    let mut prepared = crate::contain::prepare(full, options);
    let tree = crate::parse::parse(&mut prepared, options, min_chunked);
    let syntax = Syntax::of(&tree, full, &prepared.masked);
    let mut reports = std::mem::take(&mut prepared.reports);
    let index = LineIndex::new(full);
    let mut converted = crate::to_hast::to_hast(
        tree,
        &index,
        &prepared,
        options,
        context.scope.as_deref(),
        (&context.defined, skip..end),
        &mut reports,
    );
    crate::order::sort_by_key(&mut reports, |r| (r.start, r.end));
    let cuts = cuts(full, &index, &converted, &prepared, skip..end);

    let items = std::mem::take(&mut converted.items);
    let marks = BlockMarks::new(&mut converted, &prepared);
    let whole = Whole {
        full,
        options,
        schema,
        index: &index,
        prepared: &prepared,
        syntax: &syntax,
        converted: &converted,
        marks: &marks,
    };
    let mut items = items.into_iter().peekable();
    let mut reports = reports.into_iter().peekable();
    let mut blocks = Vec::with_capacity(cuts.len() - 1);
    for (number, pair) in cuts.windows(2).enumerate() {
        let piece = Piece {
            start: pair[0],
            stop: pair[1],
            last: number + 2 == cuts.len(),
        };
        // Top-level nodes (nothing of the context), each followed by a line
        // ending.
        let mut nodes = Vec::new();
        while let Some((node, at, _)) = items.next_if(|(_, s, _)| *s < piece.stop || piece.last) {
            if at < skip || at > end {
                hast::dispose(vec![node]);
            } else {
                nodes.push(node);
                nodes.push(Node::text("\n"));
            }
        }
        let mut block_reports = Vec::new();
        while let Some(report) = reports.next_if(|r| r.start < piece.stop || piece.last) {
            if piece.inside(report.start) {
                block_reports.push(report);
            }
        }
        blocks.push(whole.block(&piece, nodes, block_reports));
    }
    blocks
}

/// `source` with its context around it.
fn with_context<'a>(source: &'a str, context: &Context) -> std::borrow::Cow<'a, str> {
    if context.before.is_empty() && context.after.is_empty() {
        return std::borrow::Cow::Borrowed(source);
    }
    let mut full =
        String::with_capacity(context.before.len() + source.len() + context.after.len() + 1);
    full.push_str(&context.before);
    full.push_str(source);
    if !context.after.is_empty() {
        full.push('\n');
        full.push_str(&context.after);
    }
    std::borrow::Cow::Owned(full)
}

/// Where blocks start in `full[shown]`: where a top-level node starts on a
/// line of its own after a blank line (the pre-pass and error recovery work
/// on blank-line separated blocks), nothing before it reaching past that
/// line's start. The first cut is `shown.start`, the last `shown.end`.
fn cuts(
    full: &str,
    index: &LineIndex,
    converted: &Converted,
    prepared: &Prepared,
    shown: std::ops::Range<usize>,
) -> Vec<usize> {
    let mut things: Vec<(usize, usize)> = converted
        .items
        .iter()
        .map(|(_, start, end)| (*start, *end))
        .chain(converted.children.iter().copied())
        .chain(prepared.spans.iter().copied())
        .collect();
    crate::order::sort_by_key(&mut things, |&(start, end)| (start, end));
    let mut cuts = vec![shown.start];
    let mut reach = shown.start;
    for (start, stop) in things {
        if !shown.contains(&start) {
            reach = reach.max(stop);
            continue;
        }
        let line = index.line(start);
        let line_start = index.line_start(line);
        let after_blank = line > 1 && {
            let previous = &full[index.line_start(line - 1)..line_start];
            previous.bytes().all(|b| b.is_ascii_whitespace())
        };
        if after_blank && line_start > cuts[cuts.len() - 1] && line_start >= reach {
            cuts.push(line_start);
        }
        reach = reach.max(stop);
    }
    cuts.push(shown.end);
    cuts
}

/// One block's range, `start..stop` of the full text.
struct Piece {
    start: usize,
    stop: usize,
    /// The last block: it also holds what is at its very end.
    last: bool,
}

impl Piece {
    fn inside(&self, at: usize) -> bool {
        at >= self.start && (at < self.stop || (self.last && at == self.stop))
    }

    /// End of the positions that belong to the block (exclusive).
    fn upto(&self) -> usize {
        self.stop + usize::from(self.last)
    }

    /// The items of `list` (sorted by `at`) at positions of the block.
    fn part<'l, T>(&self, list: &'l [T], at: impl Fn(&T) -> usize) -> &'l [T] {
        let from = list.partition_point(|item| at(item) < self.start);
        let to = list.partition_point(|item| at(item) < self.upto());
        &list[from..to.max(from)]
    }

    /// Whether one of `marks` is in the block.
    fn holds(&self, marks: &Marks) -> bool {
        !self.part(&marks.0, |&at| at).is_empty()
    }
}

/// Everything asked of each block, sorted by position, so that a block
/// finds its own part by binary search (a long document has thousands of
/// blocks).
struct BlockMarks {
    uses: Vec<(usize, String)>,
    imports: Vec<(String, (usize, usize))>,
    constants: Vec<(String, Report)>,
    open: Marks,
    footnotes: Marks,
    truncates: Marks,
    opaque: Intervals,
    faults: Intervals,
}

impl BlockMarks {
    fn new(converted: &mut Converted, prepared: &Prepared) -> BlockMarks {
        let mut uses = std::mem::take(&mut converted.uses);
        crate::order::sort_by_key(&mut uses, |(at, _)| (*at, 0));
        let mut imports = std::mem::take(&mut converted.imports);
        crate::order::sort_by_key(&mut imports, |(_, span)| (span.0, 0));
        let mut constants = std::mem::take(&mut converted.constants);
        crate::order::sort_by_key(&mut constants, |(_, report)| (report.start, report.end));
        BlockMarks {
            uses,
            imports,
            constants,
            open: Marks::new(
                prepared
                    .open
                    .iter()
                    .chain(&converted.open_elements)
                    .copied(),
            ),
            footnotes: Marks::new(converted.footnote_nodes.iter().map(|f| f.0)),
            truncates: Marks::new(prepared.truncate_markers.iter().copied()),
            opaque: Intervals::new(prepared.spans.iter().copied()),
            faults: Intervals::new(prepared.faults.iter().map(|f| (f.start, f.end))),
        }
    }
}

/// What every block of one render reads from.
struct Whole<'a> {
    full: &'a str,
    options: &'a Options,
    schema: &'a Schema,
    index: &'a LineIndex<'a>,
    prepared: &'a Prepared,
    syntax: &'a Syntax,
    converted: &'a Converted,
    marks: &'a BlockMarks,
}

/// The `data-line` of each top-level element, made relative to the line
/// before its block's first (`base_line`), as a block's HTML keeps it.
fn relative_lines(nodes: &mut [Node], base_line: usize) {
    for node in nodes {
        if let Node::Element(element) = node {
            let line = element
                .get("data-line")
                .and_then(|l| l.parse::<usize>().ok());
            if let Some(line) = line {
                let relative = line.saturating_sub(1 + base_line);
                element.set("data-line", relative.to_string());
            }
        }
    }
}

impl Whole<'_> {
    /// The block `piece`, from its top-level `nodes` and its `reports`.
    fn block(&self, piece: &Piece, mut nodes: Vec<Node>, mut reports: Vec<Report>) -> Block {
        let (start, stop) = (piece.start, piece.stop);
        let index = self.index;
        let base_line = index.line(start) - 1;
        let base_utf16 = index.point(start).2;
        let relative = |report: &Report| {
            let mut diagnostic = index.diagnostic(report);
            diagnostic.line -= base_line;
            diagnostic.end_line -= base_line;
            diagnostic.offset -= base_utf16;
            diagnostic.end_offset -= base_utf16;
            diagnostic
        };
        relative_lines(&mut nodes, base_line);
        let has_items = !nodes.is_empty();
        let footnote_section = self.converted.footnotes.as_ref().filter(|_| piece.last);
        if let Some(section) = footnote_section {
            nodes.push(section.clone());
            nodes.push(Node::text("\n"));
        }
        let nodes = crate::sanitize::sanitize(nodes, self.schema, &mut reports);
        crate::order::sort_by_key(&mut reports, |r| (r.start, r.end));
        let headings = headings(&nodes, self.options, index, base_line);
        let html = hast::to_html_slotted(&nodes, needs_id);
        hast::dispose(nodes);

        let marks = self.marks;
        // The names used, each once, in the order of their first use (a
        // hash set's own order differs from one set to the next).
        let mut seen = NameSet::default();
        let used: Vec<String> = piece
            .part(&marks.uses, |(at, _)| *at)
            .iter()
            .filter(|(_, name)| seen.insert(name))
            .map(|(_, name)| name.clone())
            .collect();
        let text = &self.full[start..stop];
        let tops = piece.part(&self.syntax.tops, |(at, _)| *at);
        Block {
            len: stop - start,
            line_breaks: line_breaks(text),
            utf16: text.encode_utf16().count(),
            has_items,
            html,
            headings,
            diagnostics: reports.iter().map(relative).collect(),
            used,
            imports: piece
                .part(&marks.imports, |(_, span)| span.0)
                .iter()
                .map(|(name, span)| {
                    let report = crate::scope::unused_import(name, *span);
                    (name.clone(), relative(&report))
                })
                .collect(),
            constants: piece
                .part(&marks.constants, |(_, report)| report.start)
                .iter()
                .map(|(name, report)| (name.clone(), relative(report)))
                .collect(),
            esm: piece
                .part(&self.syntax.esm, |(at, _)| *at)
                .iter()
                .map(|(_, text)| format!("{text}\n\n"))
                .collect(),
            definitions: piece
                .part(&self.syntax.definitions, |(at, _)| *at)
                .iter()
                .map(|(_, definition)| definition.clone())
                .collect(),
            frontmatter: if self.syntax.yaml.is_some_and(|at| piece.inside(at)) {
                self.converted.frontmatter.clone()
            } else {
                None
            },
            open: piece.holds(&marks.open)
                || (self.options.format == crate::options::Format::Mdx
                    && reads_on(self.full, start, stop, &marks.opaque)),
            continues: tops.last().is_some_and(|(_, top)| *top != Top::Other),
            container: tops
                .last()
                .is_some_and(|(_, top)| matches!(top, Top::List | Top::Container)),
            starts_list: tops.first().is_some_and(|(_, top)| *top == Top::List),
            reaches_end: self.reaches_end(piece, text),
            masked_start: self.masked_start(piece, text),
            footnotes: piece.holds(&marks.footnotes) || footnote_section.is_some(),
            truncate: piece.holds(&marks.truncates),
            too_deep: self.converted.too_deep.is_some_and(|at| piece.inside(at)),
            gave_up: self.prepared.gave_up,
        }
    }

    /// Whether the block's last node runs on past its text's last line
    /// ending (into the blank lines after it).
    fn reaches_end(&self, piece: &Piece, text: &str) -> bool {
        piece
            .part(&self.converted.children, |(at, _)| *at)
            .last()
            .is_some_and(|&(_, end)| {
                let content = text.trim_end_matches([' ', '\t', '\n', '\r']).len();
                let ending = match text.as_bytes().get(content..content + 2) {
                    Some(b"\r\n") => 2,
                    _ => 1,
                };
                end > piece.start + (content + ending).min(text.len())
            })
    }

    /// Whether the block's first line is hidden from the parser (masked or
    /// in a fault) though it is not blank.
    fn masked_start(&self, piece: &Piece, text: &str) -> bool {
        let start = piece.start;
        let line_end = text.find(['\n', '\r']).map_or(piece.stop, |i| start + i);
        let blank = |t: &str| t.bytes().all(|b| b == b' ' || b == b'\t');
        !blank(&self.full[start..line_end])
            && (blank(&self.prepared.masked[start..line_end]) || self.marks.faults.contains(start))
    }
}

/// Whether a line of `full[start..stop]` outside `spans` (code, comments)
/// starts a JSX tag the text up to `stop` does not finish: the parser reads
/// such a tag on across blank lines, and what it makes of it (an element,
/// an error, or text after all) depends on the text after. Its `{…}`
/// values are read as the parser reads them ([`crate::prepass::Braces`]):
/// `title={'a } b'}` ends where the parser ends it.
pub(crate) fn reads_on(full: &str, start: usize, stop: usize, spans: &Intervals) -> bool {
    let bytes = &full.as_bytes()[..stop];
    let mut braces = None;
    let mut offset = start;
    full[start..stop].split_inclusive('\n').any(|line| {
        let line_start = offset;
        offset += line.len();
        if !line.contains('<') || spans.contains(line_start) {
            return false;
        }
        let at = line_start + crate::lines::container_prefix(line).0;
        let tag = bytes.get(at) == Some(&b'<')
            && bytes.get(at + 1).is_some_and(|&b| {
                b.is_ascii_alphabetic() || matches!(b, b'/' | b'>' | b'$' | b'_') || b >= 0x80
            });
        tag && {
            let braces =
                braces.get_or_insert_with(|| crate::prepass::Braces::new(bytes, start, stop));
            crate::prepass::tag_end(bytes, at + 1, braces).is_none()
        }
    })
}

/// Positions, sorted.
struct Marks(Vec<usize>);

impl Marks {
    fn new(positions: impl Iterator<Item = usize>) -> Marks {
        let mut list: Vec<usize> = positions.collect();
        crate::order::sort_dedup(&mut list);
        Marks(list)
    }
}

/// What kind of top-level node a block starts or ends with, as far as the
/// blocks around it care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Top {
    /// A list: a container, which may take in the items of a list of its
    /// kind after it.
    List,
    /// Another container (a footnote definition).
    Container,
    /// Indented code, which may take in indented lines after it.
    IndentedCode,
    /// Anything else.
    Other,
}

/// What the syntax tree says about the document beyond its HTML.
struct Syntax {
    /// ESM blocks: start and text.
    esm: Vec<(usize, String)>,
    /// Link reference definitions, anywhere: start and definition.
    definitions: Vec<(usize, Definition)>,
    /// Where the front matter starts.
    yaml: Option<usize>,
    /// Each top-level node's start and kind.
    tops: Vec<(usize, Top)>,
}

impl Syntax {
    /// `masked` is the source as the parser read it: the names ESM binds
    /// are read from that (comments in it blanked), as a full render does.
    fn of(tree: &mdast::Node, source: &str, masked: &str) -> Syntax {
        let mut syntax = Syntax {
            esm: Vec::new(),
            definitions: Vec::new(),
            yaml: None,
            tops: Vec::new(),
        };
        for node in tree.children().map_or(&[][..], Vec::as_slice) {
            let start = node.position().map_or(0, |p| p.start.offset);
            let top = match node {
                mdast::Node::List(_) => Top::List,
                mdast::Node::FootnoteDefinition(_) => Top::Container,
                mdast::Node::Code(_) => {
                    let rest = source.get(start..).unwrap_or("").trim_start();
                    match rest.starts_with("```") || rest.starts_with("~~~") {
                        true => Top::Other,
                        false => Top::IndentedCode,
                    }
                }
                _ => Top::Other,
            };
            syntax.tops.push((start, top));
        }
        let mut stack: Vec<&mdast::Node> =
            tree.children().map_or(Vec::new(), |c| c.iter().collect());
        while let Some(node) = stack.pop() {
            let (start, end) = node
                .position()
                .map_or((0, 0), |p| (p.start.offset, p.end.offset));
            let text = source.get(start..end).unwrap_or("");
            match node {
                mdast::Node::MdxjsEsm(_) => syntax
                    .esm
                    .push((start, masked.get(start..end).unwrap_or("").to_string())),
                mdast::Node::Yaml(_) => syntax.yaml = Some(start),
                mdast::Node::Definition(definition) => syntax.definitions.push((
                    start,
                    Definition {
                        key: crate::parse::label_key(
                            definition
                                .label
                                .as_deref()
                                .unwrap_or(&definition.identifier),
                        ),
                        text: text.to_string(),
                        stand_in: StandIn::of(definition, text),
                    },
                )),
                _ => {}
            }
            if let Some(children) = node.children() {
                stack.extend(children.iter());
            }
        }
        crate::order::sort_by_key(&mut syntax.esm, |(at, _)| (*at, 0));
        crate::order::sort_by_key(&mut syntax.definitions, |(at, _)| (*at, 0));
        syntax
    }
}

/// Whether an element is a markdown heading (the ones that get ids and go
/// in the TOC: not written as JSX, not generated).
pub fn heading_level(element: &Element) -> Option<u8> {
    if element.jsx || element.source.is_none() {
        return None;
    }
    match element.tag.as_str() {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Whether the serializer leaves a heading-id slot on an element.
fn needs_id(element: &Element) -> bool {
    heading_level(element).is_some() && element.get("id").is_none()
}

/// The markdown headings of sanitized nodes, in the serializer's order
/// (iterative; headings hold no headings).
fn headings(
    nodes: &[Node],
    options: &Options,
    index: &LineIndex,
    base_line: usize,
) -> Vec<HeadingInfo> {
    let mut found = Vec::new();
    let mut stack: Vec<std::slice::Iter<Node>> = vec![nodes.iter()];
    while let Some(iter) = stack.last_mut() {
        match iter.next() {
            Some(Node::Element(element)) => match heading_level(element) {
                Some(level) => {
                    let explicit = element.get("id").map(|id| {
                        id.strip_prefix(options.id_prefix.as_str())
                            .unwrap_or(id)
                            .to_string()
                    });
                    let start = element.source.map_or(0, |s| s.0);
                    found.push(HeadingInfo {
                        level,
                        text: hast::text_content(&element.children),
                        explicit,
                        value: crate::toc::value(&element.children),
                        line: index.line(start).saturating_sub(1 + base_line),
                    });
                }
                None => stack.push(element.children.iter()),
            },
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    found
}

/// Count line breaks as [`LineIndex`] does (`\n`, `\r\n`, lone `\r`).
pub fn line_breaks(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n')) {
            count += 1;
        }
    }
    count
}

/// Heading ids for every heading of `blocks`, in order (unprefixed): the
/// writer's own, else github-slugger over the document's headings.
pub fn heading_ids<'b>(headings: impl Iterator<Item = &'b HeadingInfo>) -> Vec<String> {
    let mut slugger = Slugger::new();
    headings
        .map(|heading| match &heading.explicit {
            Some(id) => id.clone(),
            None => slugger.slug(&heading.text),
        })
        .collect()
}

/// A heading of the document's TOC as Docusaurus's `toc` has it (level 2
/// and more, with some text), for `<TOCInline>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocItem {
    /// 2 to 6.
    pub level: u8,
    /// Its id, without the id prefix.
    pub id: String,
    /// Its HTML (as [`HeadingInfo::value`]).
    pub value: String,
}

/// The document's `toc` (see [`TocItem`]) from its headings and their ids.
pub fn toc_items<'b>(
    headings: impl Iterator<Item = &'b HeadingInfo>,
    ids: &[String],
) -> Vec<TocItem> {
    headings
        .zip(ids)
        .filter(|(heading, _)| heading.level >= 2 && !heading.text.is_empty())
        .map(|(heading, id)| TocItem {
            level: heading.level,
            id: id.clone(),
            value: heading.value.clone(),
        })
        .collect()
}

/// Whether a block holds a `<TOCInline>` (its HTML depends on every
/// heading of the document).
pub fn has_toc_inline(block: &Block) -> bool {
    block
        .html
        .slots
        .iter()
        .any(|(_, slot)| matches!(slot, Slot::Toc(_)))
}

/// A `<TOCInline>`'s content, as Docusaurus's TOCInline shows it: the
/// slice of `toc` it was given, nested by level (a heading's parent is the
/// nearest heading before it of a smaller level), then the levels outside
/// `min..=max` left out with their children lifted; a list of links.
fn write_toc_inline(items: &[TocItem], slice: hast::TocSlice, id_prefix: &str, out: &mut String) {
    let items = &items[slice.range(items.len())];
    // Parents by Docusaurus's rule: the last index seen at each smaller
    // level (levels 2 to 6; not reset when a smaller level comes again).
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut roots = Vec::new();
    let mut last_of_level: [Option<usize>; 7] = [None; 7];
    for (index, item) in items.iter().enumerate() {
        let level = usize::from(item.level.clamp(2, 6));
        let parent = last_of_level[2..level].iter().flatten().max().copied();
        match parent {
            Some(parent) => children[parent].push(index),
            None => roots.push(index),
        }
        last_of_level[level] = Some(index);
    }
    // Levels outside the range give their place to their children.
    let shown = |level: u8| (slice.min..=slice.max).contains(&level);
    let kept = |list: &[usize]| -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = list.iter().rev().copied().collect();
        while let Some(index) = stack.pop() {
            if shown(items[index].level) {
                out.push(index);
            } else {
                stack.extend(children[index].iter().rev());
            }
        }
        out
    };
    // Depth is at most five levels: a small explicit stack of lists.
    let mut stack: Vec<std::vec::IntoIter<usize>> = Vec::new();
    let top = kept(&roots);
    if top.is_empty() {
        return;
    }
    out.push_str("<ul>");
    stack.push(top.into_iter());
    while let Some(list) = stack.last_mut() {
        match list.next() {
            Some(index) => {
                let item = &items[index];
                out.push_str("<li><a href=\"#");
                hast::escape_into(out, id_prefix);
                hast::escape_into(out, &item.id);
                out.push_str("\">");
                // Written by the serializer from the sanitized heading.
                out.push_str(&item.value);
                out.push_str("</a>");
                let inner = kept(&children[index]);
                if inner.is_empty() {
                    out.push_str("</li>");
                } else {
                    out.push_str("<ul>");
                    stack.push(inner.into_iter());
                }
            }
            None => {
                stack.pop();
                out.push_str(if stack.is_empty() {
                    "</ul>"
                } else {
                    "</ul></li>"
                });
            }
        }
    }
}

/// A block's HTML with its slots filled, for a block whose first line is
/// `base_line` (0-based), whose headings got `ids`, in a document whose
/// `toc` is `toc` (needed only when the block [`has_toc_inline`]).
pub fn fill(
    block: &Block,
    base_line: usize,
    ids: &[String],
    toc: &[TocItem],
    id_prefix: &str,
    out: &mut String,
) {
    let html = &block.html;
    // Slots number the headings without an id of their own.
    let slugged: Vec<&String> = block
        .headings
        .iter()
        .zip(ids)
        .filter(|(heading, _)| heading.explicit.is_none())
        .map(|(_, id)| id)
        .collect();
    let mut from = 0;
    for &(at, slot) in &html.slots {
        out.push_str(&html.text[from..at]);
        from = at;
        match slot {
            Slot::Line(line) => {
                let _ = std::fmt::Write::write_fmt(out, format_args!("{}", base_line + line + 1));
            }
            Slot::HeadingId(number) => {
                if let Some(id) = slugged.get(number).filter(|id| !id.is_empty()) {
                    out.push_str(" id=\"");
                    hast::escape_into(out, id_prefix);
                    hast::escape_into(out, id);
                    out.push('"');
                }
            }
            Slot::Toc(slice) => write_toc_inline(toc, slice, id_prefix, out),
        }
    }
    out.push_str(&html.text[from..]);
}

/// A block's TOC entries, for a block whose first line is `base_line`.
pub fn toc(block: &Block, base_line: usize, ids: &[String], options: &Options) -> Vec<TocEntry> {
    block
        .headings
        .iter()
        .zip(ids)
        .filter(|(heading, _)| {
            (options.toc.min_level..=options.toc.max_level).contains(&heading.level)
        })
        .map(|(heading, id)| TocEntry {
            id: format!("{}{id}", options.id_prefix),
            level: heading.level,
            value: heading.value.clone(),
            text: heading.text.trim().to_string(),
            line: base_line + heading.line + 1,
        })
        .collect()
}

/// The names some block uses.
pub fn used_names<'b>(blocks: impl Iterator<Item = &'b Block>) -> NameSet {
    blocks
        .flat_map(|block| block.used.iter().map(String::as_str))
        .collect()
}

/// A block's diagnostics, relative to it, with the unused-import reports
/// of its imports that no block uses and the reports of its constants that
/// some block uses merged in.
pub fn block_diagnostics<'b>(block: &'b Block, used: &dyn Fn(&str) -> bool) -> Vec<&'b Diagnostic> {
    let unused = block.imports.iter().filter(|(name, _)| !used(name));
    let constants = block.constants.iter().filter(|(name, _)| used(name));
    let unused: Vec<&Diagnostic> = unused
        .chain(constants)
        .map(|(_, diagnostic)| diagnostic)
        .collect();
    let mut all: Vec<&Diagnostic> = block.diagnostics.iter().collect();
    if !unused.is_empty() {
        all.extend(unused);
        crate::order::sort_by_key(&mut all, |d| (d.offset, d.end_offset));
    }
    all
}

/// The title: front matter `title`, else the text of the first h1.
pub fn title<'b>(
    frontmatter: Option<&serde_json::Value>,
    mut headings: impl Iterator<Item = &'b HeadingInfo>,
) -> Option<String> {
    frontmatter
        .and_then(|front| front.get("title"))
        .and_then(|title| title.as_str())
        .map(String::from)
        .or_else(|| {
            headings
                .find(|heading| heading.level == 1)
                .map(|heading| heading.text.trim().to_string())
        })
}

/// Put blocks together into the document's result.
pub fn assemble(blocks: &[Block], options: &Options) -> Rendered {
    let ids = heading_ids(blocks.iter().flat_map(|b| &b.headings));
    let document_toc = if blocks.iter().any(has_toc_inline) {
        toc_items(blocks.iter().flat_map(|b| &b.headings), &ids)
    } else {
        Vec::new()
    };
    let used = used_names(blocks.iter());
    let mut html = String::with_capacity(blocks.iter().map(|b| b.html.text.len() + 16).sum());
    let mut toc_entries = Vec::new();
    let mut diagnostics = Vec::new();
    let mut base_line = 0;
    let mut base_utf16 = 0;
    let mut next_heading = 0;
    for block in blocks {
        let block_ids = &ids[next_heading..next_heading + block.headings.len()];
        next_heading += block.headings.len();
        fill(
            block,
            base_line,
            block_ids,
            &document_toc,
            &options.id_prefix,
            &mut html,
        );
        toc_entries.extend(toc(block, base_line, block_ids, options));
        for diagnostic in block_diagnostics(block, &|name| used.contains(name)) {
            diagnostics.push(shift(diagnostic, base_line, base_utf16));
        }
        base_line += block.line_breaks;
        base_utf16 += block.utf16;
    }
    let frontmatter = blocks.iter().find_map(|b| b.frontmatter.clone());
    let title = title(
        frontmatter.as_ref(),
        blocks.iter().flat_map(|b| &b.headings),
    );
    Rendered {
        html,
        toc: toc_entries,
        diagnostics,
        frontmatter,
        title,
    }
}

/// A block's diagnostic where the block now is.
pub fn shift(diagnostic: &Diagnostic, line: usize, utf16: usize) -> Diagnostic {
    let mut diagnostic = diagnostic.clone();
    diagnostic.line += line;
    diagnostic.end_line += line;
    diagnostic.offset += utf16;
    diagnostic.end_offset += utf16;
    diagnostic
}
