//! Incremental rendering: a keystroke costs the blocks it touches, not the
//! document.
//!
//! The source is cut into *segments* at top-level boundaries where nothing
//! can be open: the line before is blank, the line itself starts at column
//! 0 with something that cannot continue what came before (not a list
//! marker, not indentation, not `---`, `===`, `:::`…), and no code fence,
//! admonition, JSX tag, expression brace, HTML comment, raw HTML block or
//! math block is open. Such a segment renders alone exactly as it does in
//! the whole document, so each one is rendered once (prepass, parse, HTML
//! tree, sanitizer) and cached by its text. An edit re-scans the segments
//! from the one it touches until a cut lines up again with an old one;
//! only segments whose text is new are rendered.
//!
//! Document-wide state is put back over the cached pieces:
//! - `data-line` numbers and heading ids are holes in each segment's HTML,
//!   filled in on assembly (ids from one github-slugger pass over every
//!   heading of the document, so duplicates get `-1`, `-2` as in a full
//!   render);
//! - diagnostics, TOC entries and lines are stored relative to their
//!   segment and shifted;
//! - the *head* (from the start of the document to its last `import` or
//!   `export`) is one segment, and the document's ESM is put in front of
//!   every other segment that holds an expression, so names resolve (and
//!   unused imports are reported) as in a full render.
//!
//! Whatever cannot be proved local falls back to a full [`crate::render`]:
//! link or footnote definitions anywhere, two truncate markers, more than
//! one segment nested too deep, too many syntax errors, ESM that renders
//! as a fault, or the private-use characters U+E000/U+E001 (used as hole
//! markers). The output is always byte-identical to `render` of the same
//! source; `tests/incremental.rs` checks it over thousands of random edits.
//!
//! ```
//! use mdx_preview::incremental::Incremental;
//! use mdx_preview::{Options, render};
//! let mut engine = Incremental::new(Options::default()).unwrap();
//! engine.update("# Title\n\nFirst.\n\nSecond.\n");
//! let update = engine.edit(23, 23, " paragraph");
//! let source = "# Title\n\nFirst.\n\nSecond paragraph.\n";
//! assert_eq!(update.rendered(), render(source, &Options::default()).unwrap());
//! // Only the third block (the second paragraph) changed.
//! assert_eq!((update.change.start, update.change.removed, update.change.inserted), (2, 1, 1));
//! ```

use crate::diagnostic::{Diagnostic, LineIndex, Report};
use crate::hast::{self, Node};
use crate::options::{Format, Options, OptionsError};
use crate::prepass::{
    admonition_fence, closes_fence, closes_fence_at, container_prefix, fence, is_blank,
};
use crate::sanitize::Schema;
use crate::slug::Slugger;
use crate::{Rendered, TocEntry};
use markdown::mdast;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::rc::Rc;

/// Opens a hole marker in a segment's HTML (`\u{E000}L3\u{E001}`).
const OPEN: char = '\u{E000}';
/// Closes a hole marker.
const CLOSE: char = '\u{E001}';

/// What an update changed, in top-level blocks (segments) of the HTML.
///
/// Blocks `start..start + removed` of the previous update were replaced by
/// blocks `start..start + inserted` of this one. Every block after them has
/// the same HTML as before except that each `data-line` grew by
/// `line_shift`; blocks before them are unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockChange {
    /// Index of the first changed block.
    pub start: usize,
    /// How many blocks of the previous update were removed.
    pub removed: usize,
    /// How many blocks of this update were inserted in their place.
    pub inserted: usize,
    /// Lines added (or, negative, removed) before the blocks after the change.
    pub line_shift: isize,
    /// The previous blocks are not comparable (first update, or a full
    /// render without block information): rebuild everything.
    pub full: bool,
}

/// The result of [`Incremental::update`] or [`Incremental::edit`].
///
/// It holds the document's blocks as the engine keeps them (shared, not
/// copied), so an update costs what changed; [`Update::rendered`] puts
/// together exactly what [`crate::render`] gives for the same source.
#[derive(Clone, Debug)]
pub struct Update {
    /// Which blocks changed since the previous update.
    pub change: BlockChange,
    parts: Parts,
}

#[derive(Clone, Debug)]
enum Parts {
    /// A full render: one block, id 0.
    Full(Rendered),
    Blocks {
        blocks: Vec<Rc<Assembled>>,
        /// The blocks that have diagnostics, in order.
        diagnostics: Vec<Reports>,
        frontmatter: Option<serde_json::Value>,
        title: Option<String>,
    },
}

/// A block's diagnostics in an [`Update`]: its unit's, kept relative to
/// the segment and shifted when asked for.
#[derive(Clone, Debug)]
struct Reports {
    unit: Rc<Unit>,
    line: usize,
    utf16: usize,
    /// Indexes of the unit's unused-import reports left out (another
    /// segment uses the import).
    dropped: Vec<usize>,
}

impl Reports {
    fn relative(&self) -> impl Iterator<Item = &Diagnostic> {
        self.unit
            .diagnostics
            .iter()
            .enumerate()
            .filter(|(index, _)| !self.dropped.contains(index))
            .map(|(_, (diagnostic, _))| diagnostic)
    }
}

/// The diagnostics of one block of an [`Update`], relative to the block:
/// add `line` to their lines and `utf16` to their offsets (columns stay).
#[derive(Clone, Debug)]
pub struct BlockDiagnostics<'u> {
    /// An identity for `relative`: two with the same non-zero id (of this
    /// update or an earlier one of the same engine) hold the same list.
    pub id: u64,
    /// Lines before the block.
    pub line: usize,
    /// UTF-16 offset of the block's start.
    pub utf16: usize,
    /// The block's diagnostics with lines counted from the block's first
    /// line (1-based) and offsets from its start.
    pub relative: Vec<&'u Diagnostic>,
}

/// One top-level block of an [`Update`]: a segment of the source, its
/// top-level nodes and the line ending after them (possibly nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block<'u> {
    /// An identity for the block's HTML: two blocks (of this update or an
    /// earlier one of the same engine) with the same id have the same HTML,
    /// so a caller can keep what it made of a block (a JavaScript string,
    /// DOM nodes) by id. 0 for the single block of a full render.
    pub id: u64,
    /// Its HTML; the blocks' HTML in order is the document's.
    pub html: &'u str,
}

impl Update {
    /// Exactly what [`crate::render`] gives for the same source.
    pub fn rendered(&self) -> Rendered {
        match &self.parts {
            Parts::Full(rendered) => rendered.clone(),
            Parts::Blocks {
                frontmatter, title, ..
            } => Rendered {
                html: self.html(),
                toc: self.toc(),
                diagnostics: self.diagnostics(),
                frontmatter: frontmatter.clone(),
                title: title.clone(),
            },
        }
    }

    /// The document's top-level blocks, in order.
    pub fn blocks(&self) -> Vec<Block<'_>> {
        match &self.parts {
            Parts::Full(rendered) => vec![Block {
                id: 0,
                html: &rendered.html,
            }],
            Parts::Blocks { blocks, .. } => blocks
                .iter()
                .map(|block| Block {
                    id: block.serial,
                    html: &block.html,
                })
                .collect(),
        }
    }

    /// The whole HTML (as [`Rendered::html`]).
    pub fn html(&self) -> String {
        match &self.parts {
            Parts::Full(rendered) => rendered.html.clone(),
            Parts::Blocks { blocks, .. } => {
                let mut html = String::with_capacity(blocks.iter().map(|b| b.html.len()).sum());
                for block in blocks {
                    html.push_str(&block.html);
                }
                html
            }
        }
    }

    /// The table of contents (as [`Rendered::toc`]).
    pub fn toc(&self) -> Vec<TocEntry> {
        match &self.parts {
            Parts::Full(rendered) => rendered.toc.clone(),
            Parts::Blocks { blocks, .. } => blocks
                .iter()
                .flat_map(|block| block.toc.iter().cloned())
                .collect(),
        }
    }

    /// The TOC entries of each block, in order (together: [`Update::toc`]).
    pub fn block_toc(&self) -> Vec<&[TocEntry]> {
        match &self.parts {
            Parts::Full(rendered) => vec![&rendered.toc],
            Parts::Blocks { blocks, .. } => blocks.iter().map(|b| b.toc.as_slice()).collect(),
        }
    }

    /// The diagnostics (as [`Rendered::diagnostics`]).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.block_diagnostics()
            .into_iter()
            .flat_map(|block| {
                block.relative.into_iter().map(move |diagnostic| {
                    let mut diagnostic = diagnostic.clone();
                    diagnostic.line += block.line;
                    diagnostic.end_line += block.line;
                    diagnostic.offset += block.utf16;
                    diagnostic.end_offset += block.utf16;
                    diagnostic
                })
            })
            .collect()
    }

    /// The diagnostics block by block, relative to each block (the blocks
    /// without any are left out); together, shifted: [`Update::diagnostics`].
    pub fn block_diagnostics(&self) -> Vec<BlockDiagnostics<'_>> {
        match &self.parts {
            Parts::Full(rendered) => vec![BlockDiagnostics {
                id: 0,
                line: 0,
                utf16: 0,
                relative: rendered.diagnostics.iter().collect(),
            }],
            Parts::Blocks { diagnostics, .. } => diagnostics
                .iter()
                .map(|reports| BlockDiagnostics {
                    id: if reports.dropped.is_empty() {
                        reports.unit.serial
                    } else {
                        0
                    },
                    line: reports.line,
                    utf16: reports.utf16,
                    relative: reports.relative().collect(),
                })
                .collect(),
        }
    }

    /// The front matter (as [`Rendered::frontmatter`]).
    pub fn frontmatter(&self) -> Option<&serde_json::Value> {
        match &self.parts {
            Parts::Full(rendered) => rendered.frontmatter.as_ref(),
            Parts::Blocks { frontmatter, .. } => frontmatter.as_ref(),
        }
    }

    /// The title (as [`Rendered::title`]).
    pub fn title(&self) -> Option<&str> {
        match &self.parts {
            Parts::Full(rendered) => rendered.title.as_deref(),
            Parts::Blocks { title, .. } => title.as_deref(),
        }
    }
}

/// A segment rendered alone.
#[derive(Debug)]
struct Unit {
    /// Unique within an engine (tells blocks apart; pointers get reused).
    serial: u64,
    /// Its source text.
    text: String,
    /// Rendered after the document's ESM (it holds an expression).
    prefixed: bool,
    /// Its text holds a `{` (so it is rendered after the ESM when there is
    /// any).
    has_brace: bool,
    /// Generation of the ESM it was rendered after.
    group: u64,
    /// Its HTML without the final line ending, holes cut out.
    html: String,
    pieces: Vec<Piece>,
    /// Whether it gave any top-level node (before sanitizing).
    has_items: bool,
    headings: Vec<HeadingInfo>,
    /// Diagnostics, lines and UTF-16 offsets relative to the segment's start;
    /// `true` marks an unused-import report (kept only when no segment uses it).
    diagnostics: Vec<(Diagnostic, bool)>,
    /// Messages of the unused-import reports of a prefixed unit.
    unused: Vec<String>,
    /// The ESM blocks of the head, each followed by a blank line.
    esm: String,
    frontmatter: Option<serde_json::Value>,
    truncate: bool,
    too_deep: bool,
    /// Something a segment cannot know alone: render the whole document.
    global: bool,
    /// Its first line is masked (a comment, a faulty block): to the parser
    /// it is blank, so what comes before may run on over it. Such a segment
    /// is merged into the one before.
    masked_start: bool,
    /// End (relative to the segment) of the last block masked by error
    /// recovery in the parser; 0 when none was.
    parse_fault_end: usize,
    /// Line breaks and UTF-16 length of `text`.
    line_breaks: usize,
    utf16: usize,
}

/// A piece of a unit's HTML.
#[derive(Clone, Debug)]
enum Piece {
    Text(Range<usize>),
    /// A `data-line` value: lines after the segment's first line.
    Line(usize),
    /// The `id` attribute (with its leading space) of the unit's heading
    /// number `n`; nothing when its slug is empty (as the sanitizer drops an
    /// empty id).
    Id(usize),
}

/// A heading of a unit.
#[derive(Clone, Debug)]
struct HeadingInfo {
    level: u8,
    text: String,
    /// `{#custom-id}`: not slugged.
    explicit: Option<String>,
    /// TOC `value`, `text` and line after the segment's first line, when
    /// the heading's level is listed.
    toc: Option<(String, String, usize)>,
}

/// A segment's part of the document's HTML and TOC: its unit with the
/// holes filled for where the segment is. Reused while the unit, its first
/// line and its heading ids stay the same (typing within a line changes
/// none of them for the other segments).
#[derive(Debug)]
struct Assembled {
    /// Unique within an engine: the block's identity in [`Update::block_ids`].
    serial: u64,
    unit: u64,
    base_line: usize,
    ids: Rc<Vec<String>>,
    /// Empty when the unit gave no top-level node.
    html: String,
    toc: Vec<TocEntry>,
}

/// A segment of the current source.
#[derive(Clone, Debug)]
struct Segment {
    len: usize,
    /// Holds a line starting with `import`/`export` (MDX).
    esm: bool,
    /// Its cut depended on text after it (front matter).
    lookahead: bool,
    unit: Option<Rc<Unit>>,
    /// Heading ids given by the last assembly.
    ids: Rc<Vec<String>>,
    /// Its HTML and TOC entries as the last assembly put them together.
    assembled: Option<Rc<Assembled>>,
    /// Where the last segment merged into this one starts (0: none).
    tail: usize,
    /// Carried over from before the edit: its text is its unit's.
    kept: bool,
}

impl Segment {
    /// Take in the segment that follows this one: one text, rendered anew.
    fn absorb(&mut self, next: Segment) {
        self.tail = self.len;
        self.len += next.len;
        self.esm |= next.esm;
        self.lookahead |= next.lookahead;
        self.unit = None;
    }
}

/// The incremental renderer. Keeps the previous source and its segments.
pub struct Incremental {
    options: Options,
    schema: Schema,
    source: String,
    segments: Vec<Segment>,
    cache: HashMap<String, Rc<Unit>>,
    /// The head's ESM, its generation, and whether it renders to nothing.
    group: String,
    group_generation: u64,
    group_clean: bool,
    /// Blocks of the previous update, to tell what changed: (unit serial,
    /// ids); empty after a full render.
    previous: Vec<(u64, Rc<Vec<String>>)>,
    previous_lines: usize,
    /// Every heading of the last assembly in order, `(explicit, text or
    /// explicit id)`, and the ids the slugger gave them: while the list is
    /// the same the ids are too, and the slugger need not run.
    heading_keys: Vec<(bool, String)>,
    heading_ids: Vec<String>,
    /// Serials of the units with headings, in order, at the last assembly.
    heading_units: Vec<u64>,
    started: bool,
    serial: u64,
}

impl Incremental {
    /// An engine for `options` (checked here once).
    pub fn new(options: Options) -> Result<Self, OptionsError> {
        options.validate()?;
        Ok(Incremental {
            schema: Schema::from_options(&options),
            options,
            source: String::new(),
            segments: Vec::new(),
            cache: HashMap::new(),
            group: String::new(),
            group_generation: 0,
            group_clean: true,
            previous: Vec::new(),
            previous_lines: 0,
            heading_keys: Vec::new(),
            heading_ids: Vec::new(),
            heading_units: Vec::new(),
            started: false,
            serial: 0,
        })
    }

    /// The current source.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Render `source`, reusing what the previous source had in common.
    pub fn update(&mut self, source: &str) -> Update {
        if !self.started {
            return self.apply(source.to_string(), 0, 0, source.len());
        }
        let old = self.source.as_bytes();
        let new = source.as_bytes();
        let mut prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        while !source.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let room = old.len().min(new.len()) - prefix;
        let mut suffix = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        while !source.is_char_boundary(new.len() - suffix) {
            suffix -= 1;
        }
        let old_end = old.len() - suffix;
        let new_end = new.len() - suffix;
        self.apply(source.to_string(), prefix, old_end, new_end)
    }

    /// Replace `from..to` of the current source (UTF-16 offsets, as
    /// JavaScript strings and editors count) with `text`, and render.
    ///
    /// Never panics: offsets past the end are clamped to it, `to < from`
    /// is taken as `from..from`, and an offset inside a surrogate pair
    /// (inside one character) widens the range to the whole character
    /// (`from` moves back to its start, `to` forward to its end).
    pub fn edit(&mut self, from: usize, to: usize, text: &str) -> Update {
        let start = self.byte_offset(from, false);
        let end = self.byte_offset(to.max(from), true).max(start);
        let mut source = String::with_capacity(self.source.len() + text.len());
        source.push_str(&self.source[..start]);
        source.push_str(text);
        source.push_str(&self.source[end..]);
        if !self.started {
            return self.apply(source, 0, 0, 0);
        }
        self.apply(source, start, end, start + text.len())
    }

    /// Byte offset of a UTF-16 offset of the current source; inside a
    /// character: its start, or its end when `up`.
    fn byte_offset(&self, utf16: usize, up: bool) -> usize {
        let mut byte = 0;
        let mut units = 0;
        for segment in &self.segments {
            let Some(unit) = &segment.unit else { break };
            if units + unit.utf16 > utf16 {
                break;
            }
            units += unit.utf16;
            byte += segment.len;
        }
        for char in self.source[byte..].chars() {
            if units >= utf16 {
                return byte;
            }
            let width = char.len_utf16();
            if units + width > utf16 {
                return if up { byte + char.len_utf8() } else { byte };
            }
            units += width;
            byte += char.len_utf8();
        }
        byte
    }

    /// Take `source`, which differs from the current one in
    /// `start..old_end` (now `start..new_end`).
    fn apply(&mut self, source: String, start: usize, old_end: usize, new_end: usize) -> Update {
        let first = !self.started;
        self.started = true;
        let segments = if first {
            scan(&source, 0, &self.options, |_| false).0
        } else {
            self.rescan(&source, start, old_end, new_end)
        };
        self.source = source;
        self.segments = merge_head(segments);
        self.render_units();
        self.assemble(first)
    }

    /// New segments for an edit: old ones before it, a scan from the
    /// segment it touches until a cut lines up with an old one, then the
    /// old ones after it.
    fn rescan(
        &mut self,
        source: &str,
        start: usize,
        old_end: usize,
        new_end: usize,
    ) -> Vec<Segment> {
        let mut starts = Vec::with_capacity(self.segments.len());
        let mut at = 0;
        for segment in &self.segments {
            starts.push(at);
            at += segment.len;
        }
        // The segment holding the byte before the edit (an edit at a
        // segment's start may undo the cut before it).
        let probe = start.saturating_sub(1);
        let mut index = starts.partition_point(|&s| s <= probe).saturating_sub(1);
        if let Some(first) = self.segments[..index].iter().position(|s| s.lookahead) {
            index = first;
        }
        let from = starts.get(index).copied().unwrap_or(0);
        let delta = new_end as isize - old_end as isize;
        let mut resume = None;
        let (scanned, _) = scan(source, from, &self.options, |cut| {
            if cut < new_end {
                return false;
            }
            let old = cut as isize - delta;
            match usize::try_from(old).ok().map(|o| starts.binary_search(&o)) {
                Some(Ok(j)) if j > index => {
                    resume = Some(j);
                    true
                }
                _ => false,
            }
        });
        let kept = |segment: &Segment| Segment {
            kept: true,
            ..segment.clone()
        };
        let mut segments: Vec<Segment> = self.segments[..index].iter().map(kept).collect();
        segments.extend(scanned);
        if let Some(j) = resume {
            segments.extend(self.segments[j..].iter().map(kept));
        }
        segments
    }

    /// Give every segment its unit, rendering the ones not cached. A
    /// segment whose first line is masked is merged into the one before; a
    /// segment whose syntax errors reach its last piece takes in the next
    /// one (recovery can mask what follows a fault).
    fn render_units(&mut self) {
        let head_is_esm = self.segments.first().is_some_and(|s| s.esm);
        if !head_is_esm && !self.group.is_empty() {
            self.group.clear();
            self.group_generation += 1;
            self.group_clean = true;
        }
        let mut index = 0;
        let mut offset = 0;
        while index < self.segments.len() {
            let length = self.segments[index].len;
            let is_head = index == 0 && head_is_esm;
            let unit = if is_head {
                self.head_unit(length)
            } else {
                self.unit_for(offset, length, index)
            };
            if unit.masked_start && index > 0 {
                let merged = self.segments.remove(index);
                index -= 1;
                offset -= self.segments[index].len;
                self.segments[index].absorb(merged);
                continue;
            }
            if unit.parse_fault_end > self.segments[index].tail && index + 1 < self.segments.len() {
                let next = self.segments.remove(index + 1);
                self.segments[index].absorb(next);
                continue;
            }
            if is_head && unit.esm != self.group {
                self.group = unit.esm.clone();
                self.group_generation += 1;
                let alone = render_unit(&self.group, "", &self.options, &self.schema, true, 0);
                self.group_clean = !alone.has_items && !alone.global;
            }
            self.segments[index].unit = Some(unit);
            offset += length;
            index += 1;
        }
        // Keep the cache to about what the document holds.
        if self.cache.len() > 2 * self.segments.len() + 256 {
            self.cache.clear();
            for segment in &self.segments {
                if let Some(unit) = &segment.unit {
                    self.cache.insert(unit.text.clone(), unit.clone());
                }
            }
        }
    }

    /// The head's unit (it starts the document).
    fn head_unit(&mut self, length: usize) -> Rc<Unit> {
        let text = &self.source[..length];
        if let Some(unit) = self.segments[0]
            .unit
            .as_ref()
            .filter(|u| u.text == text && !u.prefixed)
        {
            return unit.clone();
        }
        self.serial += 1;
        let mut unit = render_unit(text, "", &self.options, &self.schema, true, 0);
        unit.serial = self.serial;
        Rc::new(unit)
    }

    /// The unit of the segment at `offset..offset + length`: its own, a
    /// cached one, or a new render.
    fn unit_for(&mut self, offset: usize, length: usize, index: usize) -> Rc<Unit> {
        let generation = self.group_generation;
        let segment = &self.segments[index];
        if let Some(unit) = segment
            .unit
            .as_ref()
            .filter(|u| segment.kept && u.text.len() == length)
        {
            // Its text did not change: only the ESM it was rendered after can
            // have (no comparing the document's text at every keystroke).
            let prefixed = !self.group.is_empty() && unit.has_brace;
            if unit.prefixed == prefixed && (!prefixed || unit.group == generation) {
                return unit.clone();
            }
        }
        let text = &self.source[offset..offset + length];
        let prefixed = !self.group.is_empty() && text.contains('{');
        let valid = |u: &Rc<Unit>| {
            u.text == text && u.prefixed == prefixed && (!prefixed || u.group == generation)
        };
        if let Some(unit) = self.segments[index].unit.as_ref().filter(|u| valid(u)) {
            return unit.clone();
        }
        if let Some(unit) = self.cache.get(text).filter(|u| valid(u)) {
            return unit.clone();
        }
        let prefix = if prefixed { self.group.as_str() } else { "" };
        let mut unit = render_unit(text, prefix, &self.options, &self.schema, false, generation);
        self.serial += 1;
        unit.serial = self.serial;
        let unit = Rc::new(unit);
        self.cache.insert(unit.text.clone(), unit.clone());
        unit
    }

    /// Put the units together into the document's result.
    fn assemble(&mut self, first: bool) -> Update {
        let units: Vec<Rc<Unit>> = self
            .segments
            .iter()
            .filter_map(|s| s.unit.clone())
            .collect();
        let global = !self.group_clean
            || units.iter().any(|u| u.global)
            || units.iter().filter(|u| u.truncate).count() > 1
            || units.iter().filter(|u| u.too_deep).count() > 1;
        let total_lines: usize = units.iter().map(|u| u.line_breaks).sum();
        if global {
            let rendered = crate::render(&self.source, &self.options).unwrap_or_else(|_| {
                // Options were checked in `new`.
                empty_rendered()
            });
            let change = BlockChange {
                start: 0,
                removed: self.previous.len(),
                inserted: 1,
                line_shift: 0,
                full: true,
            };
            self.previous.clear();
            self.previous_lines = total_lines;
            // Segments may move among each other before the next assembly:
            // it compares headings by text.
            self.heading_units.clear();
            return Update {
                change,
                parts: Parts::Full(rendered),
            };
        }

        // Heading ids: one slugger over the whole document, run again only
        // when the document's list of headings changed.
        // The same units with headings in the same order: the same headings
        // (checked without comparing text at every keystroke).
        let heading_units: Vec<u64> = units
            .iter()
            .filter(|u| !u.headings.is_empty())
            .map(|u| u.serial)
            .collect();
        let same_units = heading_units == self.heading_units;
        let same_headings = same_units || {
            let mut keys = self.heading_keys.iter();
            let all_same = units.iter().flat_map(|u| &u.headings).all(|h| {
                let key = (h.explicit.is_some(), h.explicit.as_ref().unwrap_or(&h.text));
                keys.next().is_some_and(|(e, k)| (*e, k) == key)
            });
            all_same && keys.next().is_none()
        };
        self.heading_units = heading_units;
        if !same_headings {
            let mut slugger = Slugger::new();
            self.heading_keys.clear();
            self.heading_ids.clear();
            for heading in units.iter().flat_map(|u| &u.headings) {
                let (explicit, key) = match &heading.explicit {
                    Some(id) => (true, id.clone()),
                    None => (false, heading.text.clone()),
                };
                let id = if explicit {
                    key.clone()
                } else {
                    slugger.slug(&key)
                };
                self.heading_keys.push((explicit, key));
                self.heading_ids.push(id);
            }
        }
        let mut next_heading = 0;
        for segment in &mut self.segments {
            let Some(unit) = &segment.unit else { continue };
            let count = unit.headings.len();
            let ids = &self.heading_ids[next_heading..next_heading + count];
            next_heading += count;
            // With the same units in the same places, a segment that had
            // ids keeps them; otherwise compare.
            if same_units && segment.ids.len() == count {
                continue;
            }
            if segment.ids.as_slice() != ids {
                segment.ids = Rc::new(ids.to_vec());
            }
        }

        // Imports no segment uses.
        let prefixed: Vec<&Rc<Unit>> = units.iter().filter(|u| u.prefixed).collect();
        let unused_anywhere = |message: &str| {
            prefixed
                .iter()
                .all(|u| u.unused.iter().any(|m| m == message))
        };

        let mut base_line = 0;
        for segment in &mut self.segments {
            let Some(unit) = &segment.unit else { continue };
            let fresh = segment.assembled.as_ref().is_none_or(|a| {
                a.unit != unit.serial
                    || a.base_line != base_line
                    || !Rc::ptr_eq(&a.ids, &segment.ids)
            });
            if fresh {
                self.serial += 1;
                segment.assembled = Some(Rc::new(assemble_segment(
                    unit,
                    &segment.ids,
                    base_line,
                    &self.options.id_prefix,
                    self.serial,
                )));
            }
            base_line += unit.line_breaks;
        }

        let mut blocks = Vec::with_capacity(units.len());
        let mut diagnostics = Vec::new();
        let mut h1 = None;
        let mut base_line = 0;
        let mut base_utf16 = 0;
        for segment in &self.segments {
            let (Some(unit), Some(assembled)) = (&segment.unit, &segment.assembled) else {
                continue;
            };
            blocks.push(assembled.clone());
            if h1.is_none() {
                h1 = unit
                    .headings
                    .iter()
                    .find(|heading| heading.level == 1)
                    .map(|heading| heading.text.trim().to_string());
            }
            if !unit.diagnostics.is_empty() {
                let dropped = unit
                    .diagnostics
                    .iter()
                    .enumerate()
                    .filter(|(_, (diagnostic, unused))| {
                        *unused && !unused_anywhere(&diagnostic.message)
                    })
                    .map(|(index, _)| index)
                    .collect();
                diagnostics.push(Reports {
                    unit: unit.clone(),
                    line: base_line,
                    utf16: base_utf16,
                    dropped,
                });
            }
            base_line += unit.line_breaks;
            base_utf16 += unit.utf16;
        }
        let frontmatter = units.first().and_then(|u| u.frontmatter.clone());
        let title = frontmatter
            .as_ref()
            .and_then(|front| front.get("title"))
            .and_then(|title| title.as_str())
            .map(String::from)
            .or(h1);

        let now: Vec<(u64, Rc<Vec<String>>)> = self
            .segments
            .iter()
            .map(|s| {
                let pointer = s.unit.as_ref().map_or(0, |u| u.serial);
                (pointer, s.ids.clone())
            })
            .collect();
        let change = if first || self.previous.is_empty() {
            BlockChange {
                start: 0,
                removed: self.previous.len(),
                inserted: now.len(),
                line_shift: 0,
                full: true,
            }
        } else {
            let same = self
                .previous
                .iter()
                .zip(&now)
                .take_while(|(a, b)| a == b)
                .count();
            let room = self.previous.len().min(now.len()) - same;
            let tail = self
                .previous
                .iter()
                .rev()
                .zip(now.iter().rev())
                .take(room)
                .take_while(|(a, b)| a == b)
                .count();
            BlockChange {
                start: same,
                removed: self.previous.len() - same - tail,
                inserted: now.len() - same - tail,
                line_shift: total_lines as isize - self.previous_lines as isize,
                full: false,
            }
        };
        self.previous = now;
        self.previous_lines = total_lines;
        Update {
            change,
            parts: Parts::Blocks {
                blocks,
                diagnostics,
                frontmatter,
                title,
            },
        }
    }
}

/// A unit's HTML (with its line ending) and TOC entries for a segment whose
/// first line is `base_line` (0-based) and whose headings got `ids`.
fn assemble_segment(
    unit: &Unit,
    ids: &Rc<Vec<String>>,
    base_line: usize,
    id_prefix: &str,
    serial: u64,
) -> Assembled {
    let mut html = String::new();
    if unit.has_items {
        html.reserve(unit.html.len() + 16);
        for piece in &unit.pieces {
            match piece {
                Piece::Text(range) => html.push_str(&unit.html[range.clone()]),
                Piece::Line(line) => {
                    let _ = write!(html, "{}", base_line + line + 1);
                }
                Piece::Id(index) => {
                    if let Some(id) = ids.get(*index).filter(|id| !id.is_empty()) {
                        html.push_str(" id=\"");
                        hast::escape_into(&mut html, id_prefix);
                        hast::escape_into(&mut html, id);
                        html.push('"');
                    }
                }
            }
        }
        html.push('\n');
    }
    let toc = unit
        .headings
        .iter()
        .zip(ids.iter())
        .filter_map(|(heading, id)| {
            let (value, text, line) = heading.toc.as_ref()?;
            Some(TocEntry {
                id: format!("{id_prefix}{id}"),
                level: heading.level,
                value: value.clone(),
                text: text.clone(),
                line: base_line + line + 1,
            })
        })
        .collect();
    Assembled {
        serial,
        unit: unit.serial,
        base_line,
        ids: ids.clone(),
        html,
        toc,
    }
}

fn empty_rendered() -> Rendered {
    Rendered {
        html: String::new(),
        toc: Vec::new(),
        diagnostics: Vec::new(),
        frontmatter: None,
        title: None,
    }
}

/// Merge the segments from the first to the last holding ESM into one: the
/// head, rendered whole.
fn merge_head(mut segments: Vec<Segment>) -> Vec<Segment> {
    let Some(last) = segments.iter().rposition(|s| s.esm) else {
        return segments;
    };
    if last == 0 {
        return segments;
    }
    let merged: Vec<Segment> = segments.drain(..=last).collect();
    let head = Segment {
        len: merged.iter().map(|s| s.len).sum(),
        esm: true,
        lookahead: merged.iter().any(|s| s.lookahead),
        unit: None,
        ids: Rc::default(),
        assembled: None,
        tail: 0,
        kept: false,
    };
    segments.insert(0, head);
    segments
}

/// Whether a line can start a segment (after a blank line, nothing open):
/// it starts at column 0 and cannot continue or underline what came before.
fn can_start(line: &str) -> bool {
    let bytes = line.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    match first {
        b' ' | b'\t' | b'\r' | b'\n' | b'-' | b'*' | b'+' | b'_' | b'=' | b':' | b'>' | b'|' => {
            false
        }
        b'0'..=b'9' => {
            // An ordered list item would continue a list.
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            !(matches!(bytes.get(digits), Some(b'.' | b')'))
                && matches!(bytes.get(digits + 1), None | Some(b' ' | b'\t' | b'\r')))
        }
        _ => true,
    }
}

/// Whether a line starts with `import`/`export` (ESM in MDX); a superset
/// of what markdown-rs takes as ESM.
fn is_esm_line(line: &str) -> bool {
    ["import", "export"].iter().any(|keyword| {
        line.strip_prefix(keyword).is_some_and(|rest| {
            rest.chars()
                .next()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$'))
        })
    })
}

/// Whether `text[start..end]` leaves nothing open for a later segment.
fn closed(text: &str, options: &Options) -> bool {
    if !crate::parse::self_contained(text, options) {
        return false;
    }
    // HTML comments run across blank lines to `-->` (masked by the pre-pass
    // in MDX, an HTML block in markdown).
    if let Some(at) = text.rfind("<!--") {
        if !text[at + 4..].contains("-->") {
            return false;
        }
    }
    let bytes = text.as_bytes();
    let starts_tag = |at: usize| {
        bytes[at] == b'<'
            && bytes.get(at + 1).is_some_and(|&b| {
                b.is_ascii_alphabetic() || matches!(b, b'/' | b'>' | b'$' | b'_') || b >= 0x80
            })
    };
    if options.format == Format::Mdx {
        // `self_contained` also saw to tags never ended with `>`.
        return true;
    }
    // Markdown: raw HTML blocks are put back together across blank lines,
    // and tags can hide in attribute values; no cut after any tag.
    !(0..bytes.len()).any(|at| starts_tag(at) && bytes.get(at + 1).is_some_and(|&b| b != b'>'))
}

/// Cut `source` into segments from `from` (a cut, or 0). After each cut,
/// `stop(cut)` may end the scan there; gives the segments up to it.
fn scan(
    source: &str,
    from: usize,
    options: &Options,
    mut stop: impl FnMut(usize) -> bool,
) -> (Vec<Segment>, bool) {
    let mdx = options.format == Format::Mdx;
    let mut segments = Vec::new();
    let mut start = from;
    let mut esm = false;
    let mut lookahead = false;
    let mut offset = from;
    let mut previous_blank = true;
    // Open things: a code fence (marker, length, container depth), admonitions
    // (colons), the comment pass's idea of code, math.
    let mut code: Option<(u8, usize, usize)> = None;
    let mut admonitions: Vec<usize> = Vec::new();
    let mut comment_code: Option<(u8, usize)> = None;
    // Byte ranges of code lines (fence lines included) in the segment.
    let mut code_lines: Vec<(usize, usize)> = Vec::new();
    let mut math = false;
    // Checking `closed` again only once the segment doubled keeps the scan
    // linear when something stays open for long.
    let mut next_check = 0;

    let line_at = |at: usize| {
        let rest = &source[at..];
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        &rest[..end]
    };
    if from == 0 && line_at(0).trim_end() == "---" {
        // Front matter (or a `---` the pre-pass takes out): never cut in
        // it; whether it closes depends on every later line.
        lookahead = true;
        let mut at = line_at(0).len();
        let mut end = at;
        while at < source.len() {
            let line = line_at(at);
            at += line.len();
            if line.trim_end() == "---" {
                end = at;
                break;
            }
        }
        offset = end;
        previous_blank = false;
    }
    while offset < source.len() {
        let line = line_at(offset);
        let content = line.trim_end_matches(['\n', '\r']);
        let blank = is_blank(content);
        if offset > start
            && previous_blank
            && code.is_none()
            && admonitions.is_empty()
            && comment_code.is_none()
            && !math
            && can_start(content)
            && offset - start >= next_check
        {
            // Code is code: its `<`, `{` and quotes open nothing.
            let mut text = String::with_capacity(offset - start);
            let mut from = start;
            for &(code_start, code_end) in &code_lines {
                text.push_str(&source[from..code_start.max(from)]);
                from = code_end.max(from);
            }
            text.push_str(&source[from..offset]);
            if closed(&text, options) {
                code_lines.clear();
                segments.push(Segment {
                    len: offset - start,
                    esm,
                    lookahead,
                    unit: None,
                    ids: Rc::default(),
                    assembled: None,
                    tail: 0,
                    kept: false,
                });
                start = offset;
                esm = false;
                lookahead = false;
                next_check = 0;
                if stop(offset) {
                    return (segments, true);
                }
            } else {
                next_check = 2 * (offset - start);
            }
        }
        let line_start = offset;
        offset += line.len();
        previous_blank = blank;
        if mdx && is_esm_line(content) {
            esm = true;
        }
        // What the pre-pass's comment pass takes as code: fences by their
        // markers alone, containers ignored.
        match comment_code {
            Some((marker, length)) => {
                if closes_fence(content, marker, length) {
                    comment_code = None;
                }
            }
            None => comment_code = fence(content).map(|(m, n, _)| (m, n)),
        }
        if let Some((marker, length, depth)) = code {
            if depth > 0 && container_prefix(content).1 < depth && !blank {
                code = None;
                // This line is handled below like any other.
            } else {
                if closes_fence_at(content, marker, length, depth) {
                    code = None;
                }
                code_lines.push((line_start, offset));
                continue;
            }
        }
        if math {
            if content.trim_start().starts_with("$$") {
                math = false;
            }
            continue;
        }
        // In MDX a comment is masked: what follows `-->` on its line may
        // then open a fence.
        let after_comment = match (mdx, content.rfind("-->")) {
            (true, Some(at)) => fence(content[at + 3..].trim_start()),
            _ => None,
        };
        if let Some((marker, length, _)) = fence(content).or(after_comment) {
            // A fence never closed runs to the end (in MDX the pre-pass
            // makes its first block a fault, but its comment pass still
            // takes everything after it as code): no cut after it.
            code = Some((marker, length, container_prefix(content).1));
            code_lines.push((line_start, offset));
            continue;
        }
        if let Some((colons, name, _)) = admonition_fence(content) {
            if name.is_empty() {
                if let Some(at) = admonitions.iter().rposition(|&c| c <= colons) {
                    admonitions.truncate(at);
                }
            } else {
                admonitions.push(colons);
            }
            continue;
        }
        if options.math {
            let trimmed = content.trim_start();
            if trimmed.starts_with("$$") && !trimmed[2..].contains("$$") {
                math = true;
            }
        }
    }
    if start < source.len() || segments.is_empty() {
        segments.push(Segment {
            len: source.len() - start,
            esm,
            lookahead,
            unit: None,
            ids: Rc::default(),
            assembled: None,
            tail: 0,
            kept: false,
        });
    }
    (segments, false)
}

/// Whether an element is a markdown heading (as `heading_ids` sees it).
fn is_heading(element: &hast::Element) -> bool {
    !element.jsx
        && element.source.is_some()
        && matches!(
            element.tag.as_str(),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        )
}

/// Visit markdown headings in document order, as `heading_ids` does.
fn each_heading(nodes: &mut [Node], visit: &mut impl FnMut(&mut hast::Element)) {
    let mut stack: Vec<std::slice::IterMut<Node>> = vec![nodes.iter_mut()];
    while let Some(iter) = stack.last_mut() {
        match iter.next() {
            Some(Node::Element(element)) => {
                if is_heading(element) {
                    visit(element);
                } else if stack.len() <= 512 {
                    stack.push(element.children.iter_mut());
                }
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
}

/// Count line breaks as [`LineIndex`] does (`\n`, `\r\n`, lone `\r`).
fn line_breaks(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n')) {
            count += 1;
        }
    }
    count
}

/// Render one segment (after `prefix`, the document's ESM, if any).
fn render_unit(
    text: &str,
    prefix: &str,
    options: &Options,
    schema: &Schema,
    head: bool,
    group: u64,
) -> Unit {
    let source = format!("{prefix}{text}");
    let skip = prefix.len();
    let prefix_lines = line_breaks(prefix);
    let prefix_utf16 = prefix.encode_utf16().count();
    let mut global = text.contains([OPEN, CLOSE]) || text.contains("[^") || text.contains("]:");

    let mut prepared = crate::contain::prepare(&source, options);
    let prepass_faults = prepared.faults.len();
    let tree = crate::parse::parse(&mut prepared, options, crate::parse::MIN_CHUNKED);
    let mut parse_fault_end = prepared.faults[prepass_faults.min(prepared.faults.len())..]
        .iter()
        .map(|f| f.end.saturating_sub(skip))
        .max()
        .unwrap_or(0);
    // A masked fence line changes which later fences open and close, past
    // any cut: take in everything after.
    let masks_fence = prepared.faults.iter().any(|f| {
        source
            .get(f.start.max(skip)..f.end.min(source.len()))
            .is_some_and(|masked| masked.lines().any(|line| fence(line).is_some()))
    });
    if masks_fence {
        parse_fault_end = text.len() + 1;
    }
    let mut esm = String::new();
    if let mdast::Node::Root(root) = &tree {
        for child in &root.children {
            if let (mdast::Node::MdxjsEsm(_), Some(position)) = (child, child.position()) {
                if head {
                    esm.push_str(&source[position.start.offset..position.end.offset]);
                    esm.push_str("\n\n");
                } else if position.start.offset >= skip {
                    // ESM outside the head: not what this design expects.
                    global = true;
                }
            }
        }
    }
    let truncate = prepared.truncate.is_some();
    let first_line = |t: &str| t.split('\n').next().unwrap_or("").to_string();
    let masked_first = first_line(prepared.masked.get(skip..).unwrap_or(""));
    let masked_start = !is_blank(&first_line(text))
        && (masked_first.starts_with([' ', '\t'])
            || is_blank(&masked_first)
            || prepared
                .faults
                .iter()
                .any(|f| f.start <= skip + first_line(text).len() && f.end > skip));
    let mut reports = std::mem::take(&mut prepared.reports);
    let converted = crate::to_hast::to_hast(tree, &source, &prepared, options, &mut reports);
    let mut nodes = converted.nodes;
    let has_items = !nodes.is_empty();

    // Ids: the writer's stay; slugged ones become holes.
    let mut explicit = Vec::new();
    each_heading(&mut nodes, &mut |h| {
        explicit.push(h.get("id").map(String::from))
    });
    let headings = crate::heading_ids::assign(&mut nodes);
    let mut index = 0;
    each_heading(&mut nodes, &mut |h| {
        if explicit.get(index).is_some_and(Option::is_none) {
            h.set("id", format!("{OPEN}H{index}{CLOSE}"));
        }
        index += 1;
    });
    let mut nodes = crate::sanitize::sanitize(nodes, schema, &mut reports);
    let mut lines = Vec::new();
    for node in &mut nodes {
        if let Node::Element(element) = node {
            if skip > 0 && element.source.is_some_and(|s| s.0 < skip) {
                global = true;
            }
            if let Some(line) = element.get("data-line") {
                let line: usize = line.parse().unwrap_or(1);
                let relative = line.saturating_sub(1 + prefix_lines);
                element.set("data-line", format!("{OPEN}L{}{CLOSE}", lines.len()));
                lines.push(relative);
            }
        }
    }
    let mut html = hast::to_html(&nodes);
    hast::dispose(nodes);
    if html.ends_with('\n') {
        html.pop();
    }
    let (html, pieces) = cut_holes(html, &lines, &options.id_prefix);

    let index = LineIndex::new(&source);
    let relative_line = |offset: usize| index.line(offset).saturating_sub(1 + prefix_lines);
    let toc = crate::toc::build(&headings, options, relative_line);
    let mut toc = toc.into_iter();
    let headings = headings
        .iter()
        .zip(explicit)
        .map(|(heading, explicit)| {
            let listed = (options.toc.min_level..=options.toc.max_level).contains(&heading.level);
            HeadingInfo {
                level: heading.level,
                text: heading.text.clone(),
                explicit,
                toc: listed
                    .then(|| toc.next())
                    .flatten()
                    .map(|entry| (entry.value, entry.text, entry.line)),
            }
        })
        .collect();

    crate::order::sort_by_key(&mut reports, |r| (r.start, r.end));
    let mut too_deep = false;
    let mut unused = Vec::new();
    let mut diagnostics = Vec::new();
    for report in &reports {
        if report.rule_id == "too-many-errors" {
            global = true;
        }
        if report.rule_id == "input-too-complex" && report.message.starts_with("Content nested") {
            too_deep = true;
        }
        let is_unused = report.rule_id == "unused-import";
        if report.start < skip {
            if is_unused {
                unused.push(report.message.clone());
            }
            continue;
        }
        diagnostics.push((
            relative(&index, report, prefix_lines, prefix_utf16),
            is_unused,
        ));
    }
    Unit {
        serial: 0,
        text: text.to_string(),
        prefixed: !prefix.is_empty(),
        has_brace: text.contains('{'),
        group,
        html,
        pieces,
        has_items,
        headings,
        diagnostics,
        unused,
        esm,
        frontmatter: converted.frontmatter,
        truncate,
        too_deep,
        global,
        masked_start,
        parse_fault_end,
        line_breaks: line_breaks(text),
        utf16: text.encode_utf16().count(),
    }
}

/// A report as a diagnostic relative to the segment.
fn relative(index: &LineIndex, report: &Report, lines: usize, utf16: usize) -> Diagnostic {
    let mut diagnostic = index.diagnostic(report);
    diagnostic.line -= lines;
    diagnostic.end_line -= lines;
    diagnostic.offset -= utf16;
    diagnostic.end_offset -= utf16;
    diagnostic
}

/// Split HTML at its hole markers.
fn cut_holes(html: String, lines: &[usize], id_prefix: &str) -> (String, Vec<Piece>) {
    let mut attribute = String::from(" id=\"");
    hast::escape_into(&mut attribute, id_prefix);
    let mut pieces = Vec::new();
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    let mut text_start = 0;
    while let Some(open) = rest.find(OPEN) {
        out.push_str(&rest[..open]);
        let after = &rest[open + OPEN.len_utf8()..];
        let Some(close) = after.find(CLOSE) else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let marker = &after[..close];
        let number: usize = marker.get(1..).and_then(|n| n.parse().ok()).unwrap_or(0);
        rest = &after[close + CLOSE.len_utf8()..];
        let piece = if marker.starts_with('L') {
            Piece::Line(lines.get(number).copied().unwrap_or(0))
        } else {
            // The whole attribute is the hole: ` id="PREFIX` before, `"` after.
            if out.ends_with(&attribute) {
                out.truncate(out.len() - attribute.len());
            }
            rest = rest.strip_prefix('"').unwrap_or(rest);
            Piece::Id(number)
        };
        pieces.push(Piece::Text(text_start..out.len()));
        text_start = out.len();
        pieces.push(piece);
    }
    out.push_str(rest);
    pieces.push(Piece::Text(text_start..out.len()));
    (out, pieces)
}
