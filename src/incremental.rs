//! Incremental rendering: a keystroke costs the blocks it touches, not the
//! document.
//!
//! The engine keeps the document as the blocks [`crate::pipeline::blocks`]
//! cut it into: a block starts where the parser started a top-level node,
//! so its cut points are the parser's, not guesses about its grammar. After
//! an edit it renders a *window* again: from the block the edit starts in
//! (or the one before, when the edit touches a block's first line, which may
//! join it to the one before) through the first block that starts after the
//! edit, the *sentinel*. The window's new blocks replace the old ones when
//!
//! - the sentinel comes out as a block of its own, where it was, exactly as
//!   before: then what follows it parses as before too (the parser is in the
//!   same state after the same text), and the blocks after it are kept;
//! - nothing in the window is left open (an element, expression, fence,
//!   comment or admonition never closed, whose meaning depends on all the
//!   text after it);
//! - the document's context is the same: its ESM (names in scope) and link
//!   definitions, which the window is rendered with
//!   ([`crate::pipeline::Context`]), and nothing document-wide is in play:
//!   a second excerpt marker, error recovery that gave up, or footnotes in
//!   the window (calls and definitions, numbered over the whole document,
//!   and the section that ends its last block; a window without them
//!   leaves the numbers as they were).
//!
//! Otherwise the window grows once (to four times its blocks, when that is
//! still small next to the document), and then runs to the end of the
//! document, or the whole document is rendered: each step renders at most
//! what a full render does, and the small attempts before it add at most a
//! tenth, so a keystroke never costs much more than a full render.
//!
//! Document-wide values are put back when blocks are assembled, by the same
//! functions a full render uses ([`crate::pipeline`]): `data-line` numbers
//! and slugged heading ids fill slots in each block's HTML (ids from one
//! github-slugger pass over every heading, run again only when the list of
//! headings changed), diagnostics and TOC lines are shifted, unused imports
//! are those no block uses. The output is always identical to
//! [`crate::render`] of the same source; `tests/incremental.rs` checks it
//! over thousands of random edits of the fixtures and of real posts.
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

use crate::contain;
use crate::diagnostic::Diagnostic;
use crate::name_map::NameSet;
use crate::options::{Options, OptionsError};
use crate::pipeline::{self, Block as Rendering, Context, TocItem};
use crate::sanitize::Schema;
use crate::scope::Scope;
use crate::{Rendered, TocEntry};
use std::collections::HashMap;
use std::rc::Rc;

/// A window is grown to four times its blocks only while it stays under
/// this share (in bytes, 1/n) of the document; past it, it runs to the end.
const SMALL_WINDOW: usize = 20;

/// The info string of Docusaurus's wrapper for MDX in a code fence.
const WRAPPER: &str = "mdx-code-block";

/// What an update changed, in top-level blocks of the HTML.
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
    /// The first update: there were no blocks before.
    pub full: bool,
}

/// What an update cost: how many windows were rendered, how many bytes
/// they held, and why the last one was as large as it was.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Windows rendered (1 when the first one held).
    pub windows: usize,
    /// Bytes rendered, over all windows.
    pub bytes: usize,
    /// Bytes of context (the document's ESM and link definitions) rendered
    /// around them.
    pub context: usize,
    /// The whole document was rendered, and why.
    pub whole: Option<&'static str>,
}

/// The result of [`Incremental::update`] or [`Incremental::edit`].
///
/// It holds the document's blocks as the engine keeps them (shared, not
/// copied), so an update costs what changed; [`Update::rendered`] puts
/// together exactly what [`crate::render`] gives for the same source.
/// (Holding an update while editing again makes that edit copy the list of
/// blocks, not the blocks.)
#[derive(Clone, Debug)]
pub struct Update {
    /// Which blocks changed since the previous update.
    pub change: BlockChange,
    /// What it cost.
    pub work: Work,
    entries: Rc<Vec<Entry>>,
    /// The names some block uses (for the unused-import reports).
    used: Rc<NameSet>,
    frontmatter: Option<serde_json::Value>,
    title: Option<String>,
}

/// The diagnostics of one block of an [`Update`], relative to the block:
/// add `line` to their lines and `utf16` to their offsets (columns stay).
#[derive(Clone, Copy, Debug)]
pub struct BlockDiagnostics<'u> {
    /// An identity for [`BlockDiagnostics::relative`]: two with the same
    /// non-zero id (of this update or an earlier one of the same engine)
    /// hold the same list.
    pub id: u64,
    /// Lines before the block.
    pub line: usize,
    /// UTF-16 offset of the block's start.
    pub utf16: usize,
    block: &'u Rendering,
    used: &'u NameSet,
}

impl<'u> BlockDiagnostics<'u> {
    /// The block's diagnostics with lines counted from the block's first
    /// line (1-based) and offsets from its start. Made when asked: a caller
    /// that kept the list by [`BlockDiagnostics::id`] need not.
    pub fn relative(&self) -> Vec<&'u Diagnostic> {
        let used = self.used;
        pipeline::block_diagnostics(self.block, &|name| used.contains(name))
    }
}

/// One top-level block of an [`Update`]: the HTML of a segment of the
/// source (its top-level nodes, each followed by a line ending).
#[derive(Clone, Copy, Debug)]
pub struct Block<'u> {
    /// An identity for the block's HTML: two blocks (of this update or an
    /// earlier one of the same engine) with the same id have the same HTML,
    /// so a caller can keep what it made of a block (a JavaScript string,
    /// DOM nodes) by id.
    pub id: u64,
    assembled: &'u Assembled,
}

impl<'u> Block<'u> {
    /// Its HTML; the blocks' HTML in order is the document's.
    pub fn html(&self) -> &'u str {
        &self.assembled.html
    }

    /// Its TOC entries; the blocks' entries in order are the document's.
    pub fn toc(&self) -> &'u [TocEntry] {
        &self.assembled.toc
    }
}

impl Update {
    /// Exactly what [`crate::render`] gives for the same source.
    pub fn rendered(&self) -> Rendered {
        Rendered {
            html: self.html(),
            toc: self.toc(),
            diagnostics: self.diagnostics(),
            frontmatter: self.frontmatter.clone(),
            title: self.title.clone(),
        }
    }

    /// The document's top-level blocks, in order. (Their HTML is not read
    /// until asked for.)
    pub fn blocks(&self) -> Vec<Block<'_>> {
        self.entries.iter().filter_map(Entry::block).collect()
    }

    /// The whole HTML (as [`Rendered::html`]).
    pub fn html(&self) -> String {
        let blocks = self.blocks();
        let mut html = String::with_capacity(blocks.iter().map(|b| b.html().len()).sum());
        for block in &blocks {
            html.push_str(block.html());
        }
        html
    }

    /// The table of contents (as [`Rendered::toc`]).
    pub fn toc(&self) -> Vec<TocEntry> {
        self.toc_blocks()
            .into_iter()
            .flat_map(|block| block.toc().iter().cloned())
            .collect()
    }

    /// The TOC entries of each block, in order (together: [`Update::toc`]).
    pub fn block_toc(&self) -> Vec<&[TocEntry]> {
        self.blocks().iter().map(Block::toc).collect()
    }

    /// The blocks that have TOC entries, in order.
    pub fn toc_blocks(&self) -> Vec<Block<'_>> {
        self.entries
            .iter()
            .filter(|entry| entry.made.toc_entries)
            .filter_map(Entry::block)
            .collect()
    }

    /// The diagnostics (as [`Rendered::diagnostics`]).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.block_diagnostics()
            .into_iter()
            .flat_map(|block| {
                block
                    .relative()
                    .into_iter()
                    .map(move |diagnostic| pipeline::shift(diagnostic, block.line, block.utf16))
            })
            .collect()
    }

    /// The diagnostics block by block, relative to each block (the blocks
    /// without any are left out); together, shifted: [`Update::diagnostics`].
    pub fn block_diagnostics(&self) -> Vec<BlockDiagnostics<'_>> {
        let mut out = Vec::new();
        let (mut line, mut utf16) = (0, 0);
        for entry in self.entries.iter() {
            let holds = entry.holds;
            if holds.diagnostics || holds.depends {
                let block = BlockDiagnostics {
                    // Unused-import and constant reports depend on the
                    // other blocks: no identity.
                    id: if holds.depends { 0 } else { entry.serial },
                    line,
                    utf16,
                    block: &entry.rendering,
                    used: &self.used,
                };
                if holds.diagnostics || !block.relative().is_empty() {
                    out.push(block);
                }
            }
            line += entry.line_breaks;
            utf16 += entry.utf16;
        }
        out
    }

    /// The front matter (as [`Rendered::frontmatter`]).
    pub fn frontmatter(&self) -> Option<&serde_json::Value> {
        self.frontmatter.as_ref()
    }

    /// The title (as [`Rendered::title`]).
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }
}

/// A block's HTML and TOC entries where it is: its slots filled for its
/// first line and heading ids. Reused while those stay the same (typing
/// within a line changes neither for the other blocks); what it was made
/// for is its entry's [`Made`].
#[derive(Debug)]
struct Assembled {
    html: String,
    toc: Vec<TocEntry>,
}

/// A block of the current document.
///
/// Besides its rendering, it holds copies of what the passes over every
/// block read at each keystroke (its lengths, what it holds, what its
/// assembly was made for), so that they walk one dense list instead of
/// reading every rendering: on a long document, those reads were most of
/// a keystroke's cost.
#[derive(Clone, Debug)]
struct Entry {
    rendering: Rc<Rendering>,
    /// Unique within an engine; kept while the rendering is equal.
    serial: u64,
    /// Heading ids given by the last assembly.
    ids: Rc<Vec<String>>,
    /// A serial of the engine's, new whenever `ids` change (0: none given).
    ids_serial: u64,
    /// Its HTML and TOC entries as the last assembly put them together.
    assembled: Option<Rc<Assembled>>,
    /// The rendering's bytes, UTF-16 units and line endings.
    len: usize,
    utf16: usize,
    line_breaks: usize,
    /// What the rendering holds (see [`Holds`]).
    holds: Holds,
    /// What `assembled` was made for: its serial, first line, `ids_serial`
    /// and the engine's `toc_serial` (0 without a TOCInline filled).
    made: Made,
}

/// What a rendering holds, as the passes over every block ask.
#[derive(Clone, Copy, Debug, Default)]
struct Holds {
    headings: bool,
    frontmatter: bool,
    toc_inline: bool,
    /// ESM or link definitions: something other blocks may refer to.
    context: bool,
    /// Diagnostics of its own.
    diagnostics: bool,
    /// Imports or constants, whose reports depend on the other blocks.
    depends: bool,
}

/// What an entry's assembly was made for.
#[derive(Clone, Copy, Debug, Default)]
struct Made {
    serial: u64,
    line: usize,
    ids: u64,
    toc: u64,
    /// It has TOC entries.
    toc_entries: bool,
}

impl Entry {
    fn new(rendering: Rendering, serial: u64) -> Entry {
        let holds = Holds {
            headings: !rendering.headings.is_empty(),
            frontmatter: rendering.frontmatter.is_some(),
            toc_inline: pipeline::has_toc_inline(&rendering),
            context: !rendering.esm.is_empty() || !rendering.definitions.is_empty(),
            diagnostics: !rendering.diagnostics.is_empty(),
            depends: !rendering.imports.is_empty() || !rendering.constants.is_empty(),
        };
        Entry {
            len: rendering.len,
            utf16: rendering.utf16,
            line_breaks: rendering.line_breaks,
            holds,
            rendering: Rc::new(rendering),
            serial,
            ids: Rc::default(),
            ids_serial: 0,
            assembled: None,
            made: Made::default(),
        }
    }

    /// The block as the last assembly made it (every entry has one after
    /// an assembly).
    fn block(&self) -> Option<Block<'_>> {
        Some(Block {
            id: self.made.serial,
            assembled: self.assembled.as_deref()?,
        })
    }
}

/// What the document's blocks hold in all, kept up to date as blocks come
/// and go, so that a keystroke need not look at every block.
#[derive(Debug, Default)]
struct Tally {
    /// Blocks with an excerpt marker, nested too deep, with footnote calls
    /// or definitions (or the footnote section), where recovery gave up,
    /// never closed, with ESM, with link definitions, with a TOCInline.
    truncate: usize,
    too_deep: usize,
    footnotes: usize,
    gave_up: usize,
    open: usize,
    esm: usize,
    definitions: usize,
    toc_inline: usize,
    /// How many blocks use each bound name.
    used: HashMap<String, usize>,
    /// A name came to be used or stopped being used.
    used_changed: bool,
    /// A block with ESM came or went: the document's names may differ.
    esm_changed: bool,
}

impl Tally {
    /// Count `rendering` in (`add`) or out.
    fn count(&mut self, rendering: &Rendering, add: bool) {
        let step = |n: &mut usize, flag: bool| {
            if flag {
                *n = if add { *n + 1 } else { n.saturating_sub(1) };
            }
        };
        step(&mut self.truncate, rendering.truncate);
        step(&mut self.too_deep, rendering.too_deep);
        step(&mut self.footnotes, rendering.footnotes);
        step(&mut self.gave_up, rendering.gave_up);
        step(&mut self.open, rendering.open);
        step(&mut self.esm, !rendering.esm.is_empty());
        step(&mut self.definitions, !rendering.definitions.is_empty());
        step(&mut self.toc_inline, pipeline::has_toc_inline(rendering));
        self.esm_changed |= !rendering.esm.is_empty();
        for name in &rendering.used {
            let count = self.used.entry(name.clone()).or_insert(0);
            if add {
                *count += 1;
                self.used_changed |= *count == 1;
            } else {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    self.used.remove(name);
                    self.used_changed = true;
                }
            }
        }
    }
}

/// The incremental renderer. Keeps the previous source and its blocks.
pub struct Incremental {
    options: Options,
    schema: Schema,
    source: String,
    /// The text the edit being rendered replaced (the source is edited in
    /// place).
    removed: String,
    /// The blocks, shared with the last [`Update`] (which is usually gone
    /// by the next edit, so changing them copies nothing).
    entries: Rc<Vec<Entry>>,
    started: bool,
    /// The current source holds an ```` ```mdx-code-block ```` wrapper.
    wrapped: bool,
    serial: u64,
    /// Each block of the previous update (serial, heading ids, the `toc`
    /// a TOCInline in it shows), to tell what changed.
    previous: Vec<Identity>,
    previous_lines: usize,
    /// Every heading of the last assembly in order, `(explicit, text or
    /// explicit id)`, and the ids the slugger gave them: while the list is
    /// the same the ids are too, and the slugger need not run.
    heading_keys: Vec<(bool, String)>,
    heading_ids: Vec<String>,
    /// Serials of the blocks with headings, in order, at the last assembly.
    heading_blocks: Vec<u64>,
    /// Blocks with headings came or went since the last assembly (else
    /// every heading and its id are as they were).
    headings_touched: bool,
    /// The names some block uses, at the last assembly.
    used: Rc<NameSet>,
    /// The document's `toc`, at the last assembly of a document with a
    /// TOCInline (empty otherwise).
    toc_items: Rc<Vec<TocItem>>,
    /// A serial new whenever `toc_items` changed.
    toc_serial: u64,
    /// What the update being made has cost so far.
    work: Work,
    /// Probe lines rendered alone, with their context (a few, newest last).
    probes: Vec<(String, Context, Rendering)>,
    /// The document's ESM text and the names it binds.
    scope: Option<(String, Option<Rc<Scope>>)>,
    /// The blocks the caller asked to isolate; `options.isolate` adds the
    /// ones found failing (see [`Incremental::contained_whole`]).
    isolate: Vec<String>,
    /// What the blocks hold in all.
    tally: Tally,
    /// A block and the UTF-16 units and bytes before it (where the last
    /// edit was), so that the next edit near it finds its byte offsets
    /// without adding up every block before. Kept through `splice`.
    hint: (usize, usize, usize),
}

impl Incremental {
    /// An engine for `options` (checked here once).
    pub fn new(options: Options) -> Result<Self, OptionsError> {
        options.validate()?;
        Ok(Incremental {
            schema: Schema::from_options(&options),
            isolate: options.isolate.clone(),
            options,
            source: String::new(),
            removed: String::new(),
            entries: Rc::default(),
            started: false,
            wrapped: false,
            serial: 0,
            previous: Vec::new(),
            previous_lines: 0,
            heading_keys: Vec::new(),
            heading_ids: Vec::new(),
            heading_blocks: Vec::new(),
            headings_touched: true,
            used: Rc::default(),
            toc_items: Rc::default(),
            toc_serial: 0,
            work: Work::default(),
            probes: Vec::new(),
            scope: None,
            tally: Tally::default(),
            hint: (0, 0, 0),
        })
    }

    /// The current source.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Render `source`, reusing what the previous source had in common.
    pub fn update(&mut self, source: &str) -> Update {
        self.update_from(std::borrow::Cow::Borrowed(source))
    }

    /// [`Incremental::update`], keeping `source` (a long document is not
    /// copied).
    pub fn update_owned(&mut self, source: String) -> Update {
        self.update_from(std::borrow::Cow::Owned(source))
    }

    fn update_from(&mut self, source: std::borrow::Cow<str>) -> Update {
        if !self.started {
            let end = source.len();
            return self.apply(source.into_owned(), 0, 0, end);
        }
        let text = source.as_ref();
        let old = self.source.as_bytes();
        let new = text.as_bytes();
        let mut prefix = common_prefix(old, new);
        while !text.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let room = old.len().min(new.len()) - prefix;
        let mut suffix = common_suffix(&old[old.len() - room..], &new[new.len() - room..]);
        while !text.is_char_boundary(new.len() - suffix) {
            suffix -= 1;
        }
        let old_end = old.len() - suffix;
        let new_end = new.len() - suffix;
        self.removed.clear();
        self.removed.push_str(&self.source[prefix..old_end]);
        self.apply(source.into_owned(), prefix, old_end, new_end)
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
        // In place: a long document is not copied at every keystroke.
        let mut source = std::mem::take(&mut self.source);
        self.removed.clear();
        self.removed.push_str(&source[start..end]);
        source.replace_range(start..end, text);
        self.apply(source, start, end, start + text.len())
    }

    /// Byte offset of a UTF-16 offset of the current source; inside a
    /// character: its start, or its end when `up`.
    fn byte_offset(&mut self, utf16: usize, up: bool) -> usize {
        let (mut index, mut units, mut byte) = match self.hint {
            hint if hint.1 <= utf16
                && hint.0 <= self.entries.len()
                && self.source.is_char_boundary(hint.2) =>
            {
                hint
            }
            _ => (0, 0, 0),
        };
        for entry in &self.entries[index..] {
            if units + entry.utf16 > utf16 {
                break;
            }
            units += entry.utf16;
            byte += entry.len;
            index += 1;
        }
        self.hint = (index, units, byte);
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
        self.work = Work::default();
        let count = self.entries.len();
        // Whether the source held an ```` ```mdx-code-block ```` wrapper
        // before or holds one now (see `rerender`). Without one before, only
        // the edit and the text next to it can have made one.
        let wrapped = if first || self.wrapped {
            source.contains(WRAPPER)
        } else {
            let mut from = start.saturating_sub(WRAPPER.len());
            while !source.is_char_boundary(from) {
                from -= 1;
            }
            let mut to = (new_end + WRAPPER.len()).min(source.len());
            while !source.is_char_boundary(to) {
                to += 1;
            }
            source[from..to].contains(WRAPPER)
        };
        let wrapper = std::mem::replace(&mut self.wrapped, wrapped) || wrapped;
        let mut edit = || {
            if first {
                (
                    0,
                    count,
                    self.render_window(&source, 0..source.len(), 0..count),
                )
            } else {
                self.rerender(&source, start, old_end, new_end, wrapper)
            }
        };
        let (from, to, renderings) = if contain::CAN_CATCH {
            contain::catching(edit).unwrap_or_else(|| (0, count, self.contained_whole(&source)))
        } else {
            edit()
        };
        self.source = source;
        self.splice(from, to, renderings);
        self.assemble(first)
    }

    /// The blocks for an edit: which old entries `from..to` are replaced,
    /// and by what. `wrapper`: the source held an ```` ```mdx-code-block ````
    /// wrapper before the edit or holds one after it.
    fn rerender(
        &mut self,
        source: &str,
        start: usize,
        old_end: usize,
        new_end: usize,
        wrapper: bool,
    ) -> (usize, usize, Vec<Rendering>) {
        let starts = self.starts();
        let edit = (start, old_end, new_end);
        match self.window_for(source, &starts, edit, wrapper) {
            Ok(done) => done,
            Err(why) => {
                self.work.whole = Some(why);
                let count = self.entries.len();
                (
                    0,
                    count,
                    self.render_window(source, 0..source.len(), 0..count),
                )
            }
        }
    }

    /// The smallest window of blocks the edit `(start, old_end, new_end)`
    /// can be rendered in, rendered; or why the whole document must be.
    fn window_for(
        &mut self,
        source: &str,
        starts: &[usize],
        (start, old_end, new_end): (usize, usize, usize),
        wrapper: bool,
    ) -> Result<(usize, usize, Vec<Rendering>), &'static str> {
        if self.tally.gave_up > 0 {
            return Err("recovery gave up");
        }
        // Footnotes are numbered in the order of their first calls over
        // the whole document, and their section ends its last block: a
        // window that holds no call, definition or `[^`, before the edit or
        // after it, changes neither (`Self::footnote_free`).
        let footnotes = self.tally.footnotes > 0;
        let at = starts.partition_point(|&s| s <= start).saturating_sub(1);
        if footnotes && self.entries.get(at).is_some_and(|e| e.rendering.footnotes) {
            return Err("footnotes");
        }
        // ```` ```mdx-code-block ```` wrappers pair lines anywhere in the
        // document, each pairing depending on every wrapper before it
        // (`lines::mdx_code_blocks`): where one is or was, the whole
        // document is rendered (a search, not a parse, when there is none).
        if wrapper {
            return Err("mdx-code-block");
        }
        let delta = new_end as isize - old_end as isize;
        let (first, end, renderings) =
            match self.within_paragraph(source, starts, start, old_end, new_end) {
                Some(done) => done,
                None => {
                    let (first, sentinel) = self.first_window(source, starts, start, old_end);
                    let window = Window {
                        source,
                        starts,
                        delta,
                    };
                    let (first, end, renderings) = self.grow(&window, first, sentinel)?;
                    if !self.same_context(first..end, &renderings) {
                        return Err("context");
                    }
                    (first, end, renderings)
                }
            };
        if footnotes && !self.footnote_free(source, starts, delta, first..end, &renderings) {
            return Err("footnotes");
        }
        Ok((first, end, renderings))
    }

    /// Old blocks `first..sentinel` rendered again, the window moved back
    /// or grown until its new end lines up with an old block's start (or
    /// runs to the end of the document): the window and its renderings.
    fn grow(
        &mut self,
        window: &Window,
        mut first: usize,
        mut sentinel: usize,
    ) -> Result<(usize, usize, Vec<Rendering>), &'static str> {
        let count = self.entries.len();
        let mut grown = false;
        let mut tried_alone = false;
        // The sentinel to take whole because the block before it came out
        // able to take in what follows.
        let mut after_continuing = None;
        loop {
            // The last block holds the footnote section.
            if self.tally.footnotes > 0 && sentinel >= count {
                return Err("footnotes");
            }
            let attempt = if sentinel >= count {
                self.through_the_end(window, first)
            } else {
                let mut attempt = Attempt::Undecided;
                if !tried_alone
                    && window.blank_before(sentinel)
                    && !self.entries[sentinel - 1].rendering.continues
                {
                    tried_alone = true;
                    attempt = self.alone(window, first, sentinel);
                }
                if let Attempt::Undecided = attempt {
                    let force = after_continuing == Some(sentinel);
                    attempt = self.with_probe(window, first, sentinel, force);
                }
                attempt
            };
            match attempt {
                Attempt::Done(end, renderings) => return Ok((first, end, renderings)),
                Attempt::Back(earlier) => first = earlier,
                Attempt::WholeSentinel => after_continuing = Some(sentinel),
                Attempt::Grow | Attempt::Undecided => {
                    // Grow once while small, then run to the end.
                    let (starts, len) = (window.starts, window.source.len());
                    let small = 4 * (starts[sentinel + 1] - starts[first]) * SMALL_WINDOW < len;
                    if grown || !small {
                        sentinel = count;
                    } else {
                        grown = true;
                        let blocks = sentinel + 1 - first;
                        sentinel = (sentinel + 3 * blocks).min(count);
                    }
                }
            }
        }
    }

    /// An edit inside the lines of a paragraph after its first, in a block
    /// that is that paragraph alone: only the lines it touches are parsed
    /// again, between a stand-in first line and the line after them, and
    /// their HTML takes the place of the old lines' HTML. It holds when
    /// nothing in the old paragraph was read across the line endings
    /// around the edited lines ([`crate::paragraph`]), and the new lines
    /// parse as lines of one paragraph with the line after them, each read
    /// on its own, with nothing to report. (The line after them is there
    /// to show it still continues the paragraph; what it holds may run on
    /// into the lines after it, as it did.)
    fn within_paragraph(
        &mut self,
        source: &str,
        starts: &[usize],
        start: usize,
        old_end: usize,
        new_end: usize,
    ) -> Option<(usize, usize, Vec<Rendering>)> {
        let edit = self.lines_edit(source, starts, start, old_end, new_end)?;
        let rendered = self.render_text(&edit.window, edit.block);
        let [new] = rendered.as_slice() else {
            return None;
        };
        let old = &edit.old;
        let (open, old_lines) = crate::paragraph::lines(&old.html.text)?;
        let (new_open, new_lines) = crate::paragraph::lines(&new.html.text)?;
        let expected = 1 + edit.edited_lines + usize::from(edit.next);
        if !plain(new)
            || new_open != open
            || new.html.slots != old.html.slots
            || new_lines.len() != expected
            || new_lines[0] != "x"
            || crate::paragraph::depths(&new_lines[..1 + edit.edited_lines], false)
                .is_none_or(|d| d.iter().any(|&d| d > 0))
        {
            return None;
        }
        let html = crate::paragraph::splice(
            open,
            &old_lines,
            edit.first,
            edit.last,
            &new_lines[1..1 + edit.edited_lines],
        );
        let delta = new_end as isize - old_end as isize;
        let block = edit.block;
        let len = ((starts[block + 1] - starts[block]) as isize + delta) as usize;
        let mut rendering = (**old).clone();
        rendering.html.text = html;
        rendering.len = len;
        let new_text = &source[starts[block]..starts[block] + len];
        rendering.line_breaks = new_text.matches('\n').count();
        rendering.utf16 = new_text.encode_utf16().count();
        Some((block, block + 1, vec![rendering]))
    }

    /// The lines of a paragraph an edit falls in, and the text to render
    /// them again in, when [`Self::within_paragraph`] may try.
    fn lines_edit(
        &self,
        source: &str,
        starts: &[usize],
        start: usize,
        old_end: usize,
        new_end: usize,
    ) -> Option<LinesEdit> {
        let block = starts.partition_point(|&s| s <= start).checked_sub(1)?;
        let old = Rc::clone(&self.entries.get(block)?.rendering);
        // Something never closed before it may be closed by the edit.
        if !plain(&old) || block + 1 >= starts.len() || self.tally.open > 0 {
            return None;
        }
        let delta = new_end as isize - old_end as isize;
        // The block's old text: the source is edited in place.
        let after = (starts[block + 1] as isize + delta) as usize;
        if old_end > starts[block + 1] || after > source.len() {
            return None;
        }
        let text = [
            &source[starts[block]..start],
            self.removed.as_str(),
            &source[new_end..after],
        ]
        .concat();
        let text = text.as_str();
        // The paragraph's lines, without the blank lines after them.
        let content = text.trim_end_matches(['\n', ' ', '\t']).len();
        let body = &text[..content + text[content..].find('\n').unwrap_or(text.len() - content)];
        if old_end > starts[block] + body.len() || text.contains('\r') {
            return None;
        }
        let (_, old_lines) = crate::paragraph::lines(&old.html.text)?;
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(body.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        if line_starts.len() != old_lines.len() {
            return None;
        }
        // The edited lines: from `first` through `last`. After a container,
        // the paragraph's second line is read in the state the container
        // leaves ([`crate::guard::after_container`]): not that one.
        let line_of = |at: usize| line_starts.partition_point(|&s| s <= at - starts[block]) - 1;
        let (first, last) = (line_of(start), line_of(old_end));
        let after_container = block > 0 && self.entries[block - 1].rendering.container;
        if first == 0 || (first == 1 && after_container) {
            return None;
        }
        // Nothing is read across the line endings around them.
        let depths = crate::paragraph::depths(&old_lines, true)?;
        if depths[first - 1] != 0 || depths[last] != 0 {
            return None;
        }
        let from = starts[block] + line_starts[first];
        let old_to = match line_starts.get(last + 1) {
            Some(&next) => starts[block] + next - 1,
            None => starts[block] + body.len(),
        };
        let to = (old_to as isize + delta) as usize;
        let edited = &source[from..to];
        let next = line_starts
            .get(last + 1)
            .map(|&next| &body[next..line_starts.get(last + 2).map_or(body.len(), |n| n - 1)]);
        let window = crate::paragraph::window(edited, next);
        // When it does not hold, the edit is rendered again as any other:
        // this attempt may add a tenth of a full render at most.
        if window.len() * 10 > source.len() {
            return None;
        }
        Some(LinesEdit {
            block,
            old,
            first,
            last,
            edited_lines: edited.matches('\n').count() + 1,
            next: next.is_some(),
            window,
        })
    }

    /// `text` rendered as a window standing for old block `block`, with
    /// the context of the other blocks.
    fn render_text(&mut self, text: &str, block: usize) -> Vec<Rendering> {
        let context = self.context(text, block..block + 1, true);
        self.render_in(text, &context)
    }

    /// `text` rendered with `context` around it, counted as a window.
    fn render_in(&mut self, text: &str, context: &Context) -> Vec<Rendering> {
        self.work.windows += 1;
        self.work.bytes += text.len();
        self.work.context += context.before.len() + context.after.len();
        pipeline::blocks(
            text,
            &self.options,
            &self.schema,
            context,
            crate::parse::MIN_CHUNKED,
        )
    }

    /// The first window for an edit of old bytes `start..old_end`: its
    /// first block and its sentinel (the block after it; the block count
    /// when it runs to the end).
    fn first_window(
        &self,
        source: &str,
        starts: &[usize],
        start: usize,
        old_end: usize,
    ) -> (usize, usize) {
        let count = self.entries.len();
        // The block the edit starts in, and the one before when that one
        // can take in what follows it (a list, a footnote, indented code):
        // whether it does depends on the block's first line. After a
        // container that the block's first line closes, when the edit
        // leaves that line's start alone, the container is not needed: a
        // stand-in for it puts the parser in the state it leaves
        // ([`Incremental::after_container`]).
        let first = starts[..count]
            .partition_point(|&s| s <= start)
            .saturating_sub(1);
        let first = if start > starts[first]
            && self.after_container(source, starts[first], first).is_some()
            && !self.entries[first].rendering.starts_list
        {
            first
        } else {
            self.reach_back(first)
        };
        // `\r\n` is one line ending: a block before ending in `\r` may
        // have a `\n` put after it, and the two must be counted together
        // (found by `make fuzz FUZZ_TARGET=edits`). Before the edit the new
        // source is the old one.
        let first = match first.checked_sub(1) {
            Some(before)
                if source.as_bytes().get(starts[first].wrapping_sub(1)) == Some(&b'\r') =>
            {
                before
            }
            _ => first,
        };
        // The sentinel: the first block starting after the edit.
        let sentinel = starts[..count].partition_point(|&s| s <= old_end);
        // Something never closed may close now, or be closed by something
        // else: what the parser stopped at depends on the text before and
        // after. From the first such block on, render to the end.
        let open = match self.tally.open {
            0 => None,
            _ => self.entries.iter().position(|e| e.rendering.open),
        };
        match open {
            Some(open) => (first.min(open), count),
            None => (first, sentinel),
        }
    }

    /// Where each block starts, and the source's length at the end.
    fn starts(&self) -> Vec<usize> {
        let mut starts = Vec::with_capacity(self.entries.len() + 1);
        let mut at = 0;
        for entry in self.entries.iter() {
            starts.push(at);
            at += entry.len;
        }
        starts.push(at);
        starts
    }

    /// A window from block `first` to the end of the document: nothing to
    /// check after it.
    fn through_the_end(&mut self, window: &Window, first: usize) -> Attempt {
        let count = self.entries.len();
        let range = window.starts[first]..window.source.len();
        let renderings = self.render_window(window.source, range, first..count);
        match self.back(first, &renderings) {
            Some(earlier) => Attempt::Back(earlier),
            None => Attempt::Done(count, renderings),
        }
    }

    /// The window up to the sentinel, alone. Most often it tells: when a
    /// blank line still ends it, and its last block can take in nothing
    /// after it (not a list, a footnote or indented code) and leaves
    /// nothing open or running on at its end, the parser starts the
    /// sentinel afresh whatever it holds.
    fn alone(&mut self, window: &Window, first: usize, sentinel: usize) -> Attempt {
        let range = window.starts[first]..window.moved(sentinel);
        let renderings = self.render_window(window.source, range, first..sentinel);
        if let Some(earlier) = self.back(first, &renderings) {
            return Attempt::Back(earlier);
        }
        let closed = renderings.iter().all(|r| !r.open)
            && renderings
                .last()
                .is_some_and(|last| !last.continues && !last.reaches_end);
        if closed {
            Attempt::Done(sentinel, renderings)
        } else {
            Attempt::Undecided
        }
    }

    /// The window up to the sentinel and its first line, the probe: the
    /// probe must come out as a block of its own, where it was, as it does
    /// alone. Then the parser starts the sentinel afresh, and everything
    /// from it on is as before. The sentinel is taken whole instead (and
    /// must come out as it was) when it holds ESM or definitions (the
    /// context of the window), when it is hidden from the parser from its
    /// first line (a fault, which what comes before may take in), when its
    /// first line alone is not clean (an element opened there: parsing it
    /// in the window would mean recovering from its error at every
    /// keystroke), and after a block that continues (markdown-rs 1.0.0 lets
    /// `2.` interrupt a paragraph in the block after a list), or when
    /// `force`d.
    fn with_probe(
        &mut self,
        window: &Window,
        first: usize,
        sentinel: usize,
        force: bool,
    ) -> Attempt {
        let source = window.source;
        let probe_start = window.moved(sentinel);
        let probe_end = first_line_end(source, probe_start);
        let sentinel_block = &self.entries[sentinel].rendering;
        let whole_sentinel = force
            || sentinel_block.is_context()
            || sentinel_block.masked_start
            || self.entries[sentinel - 1].rendering.continues
            || self
                .probe(source, probe_start..probe_end)
                .is_none_or(|probe| probe.open || !probe.diagnostics.is_empty());
        let window_end = if whole_sentinel {
            window.moved(sentinel + 1)
        } else {
            probe_end
        };
        let blocks = first..sentinel + usize::from(whole_sentinel);
        let range = window.starts[first]..window_end;
        let mut renderings = self.render_window(source, range, blocks);
        if let Some(earlier) = self.back(first, &renderings) {
            return Attempt::Back(earlier);
        }
        let last = renderings.len() - 1;
        if !whole_sentinel && last > 0 && renderings[last - 1].continues {
            return Attempt::WholeSentinel;
        }
        let before: usize = renderings[..last].iter().map(|r| r.len).sum();
        let expected = if whole_sentinel {
            Some((*self.entries[sentinel].rendering).clone())
        } else {
            self.probe(source, probe_start..probe_end)
        };
        let holds = window.starts[first] + before == probe_start
            && renderings[..last].iter().all(|r| !r.open)
            && expected.is_some_and(|expected| renderings[last] == expected);
        if holds {
            // The sentinel is kept as it is.
            renderings.pop();
            Attempt::Done(sentinel, renderings)
        } else {
            Attempt::Grow
        }
    }

    /// Where the window must start instead of at `first`: when its first
    /// block came out hidden from the parser from its first line and the
    /// block before can take it in, or when it starts with a list after a
    /// list, which may take in its items.
    fn back(&self, first: usize, renderings: &[Rendering]) -> Option<usize> {
        let before = &self.entries[first.checked_sub(1)?].rendering;
        if renderings[0].masked_start && before.continues {
            Some(self.reach_back(first - 1))
        } else if renderings[0].starts_list && before.container {
            Some(self.reach_back(first))
        } else {
            None
        }
    }

    /// A window starting at `at` (the start of old block `block`, before
    /// the edit) after a container (a list, a footnote definition) that
    /// its first line closes: the stand-in for that container to parse
    /// before it ([`crate::guard::after_container`]), so that the window
    /// comes out as it does after the real one. `None` when the block
    /// before is no container, or is one left open or running on, or when
    /// no blank line ends it, or the window's first line is indented or
    /// blank (which the container might take in).
    fn after_container(&self, source: &str, at: usize, block: usize) -> Option<&'static str> {
        let before = &self.entries[block.checked_sub(1)?].rendering;
        if !before.container || before.open || before.reaches_end || !blank_line_before(source, at)
        {
            return None;
        }
        let line = &source[at..];
        match line.as_bytes().first() {
            Some(b' ' | b'\t' | b'\n' | b'\r') | None => None,
            Some(_) => Some(crate::guard::after_container(line)),
        }
    }

    /// After a panic (in the parser or in our code) while rendering an
    /// edit: the whole document, with the blocks a render fails on isolated
    /// as [`crate::render`] isolates them ([`contain`]), so the engine goes
    /// on and still matches a full render. Native only: in WebAssembly a
    /// panic traps, and the package's JavaScript layer contains it.
    fn contained_whole(&mut self, source: &str) -> Vec<Rendering> {
        self.work.whole = Some("panic");
        self.probes.clear();
        self.scope = None;
        let (options, schema) = (&self.options, &self.schema);
        let run = |text: &str, isolate: &[String]| {
            let options = Options {
                isolate: isolate.to_vec(),
                ..options.clone()
            };
            contain::catching(|| {
                pipeline::blocks(
                    text,
                    &options,
                    schema,
                    &Context::default(),
                    crate::parse::MIN_CHUNKED,
                )
            })
        };
        let (isolate, renderings) = match run(source, &self.isolate) {
            Some(renderings) => (self.isolate.clone(), renderings),
            None => contain::isolating(
                source,
                &self.isolate,
                |text, isolate| run(text, isolate).is_none(),
                |isolate| run(source, isolate),
            )
            .unwrap_or_else(|| {
                // The failure is in no block: all of it as source.
                let all = vec![source.to_string()];
                let renderings = run(source, &all).unwrap_or_default();
                (all, renderings)
            }),
        };
        self.options.isolate = isolate;
        renderings
    }

    /// The first block of a window that starts at block `first`: the blocks
    /// before it that can take in what follows them come with it, and so
    /// do the ones before those, since how a block comes out can depend on
    /// whether a list ends just before it (markdown-rs 1.0.0 lets an empty
    /// `-` item or a `2.` item interrupt a paragraph there).
    fn reach_back(&self, mut first: usize) -> usize {
        while first > 0 && self.entries[first - 1].rendering.continues {
            first -= 1;
        }
        first
    }

    /// The probe line `source[range]` rendered alone, with the context it
    /// needs (cached: the same line is probed at every keystroke before it).
    fn probe(&mut self, source: &str, range: std::ops::Range<usize>) -> Option<Rendering> {
        let text = &source[range.clone()];
        let context = self.context(text, 0..0, true);
        if let Some((_, _, rendering)) = self
            .probes
            .iter()
            .find(|(t, c, _)| t == text && *c == context)
        {
            return Some(rendering.clone());
        }
        self.work.windows += 1;
        self.work.bytes += text.len();
        let mut renderings = pipeline::blocks(
            text,
            &self.options,
            &self.schema,
            &context,
            crate::parse::MIN_CHUNKED,
        );
        if renderings.len() != 1 {
            return None;
        }
        let rendering = renderings.pop()?;
        if self.probes.len() >= 8 {
            self.probes.remove(0);
        }
        self.probes
            .push((text.to_string(), context, rendering.clone()));
        Some(rendering)
    }

    /// Whether a window's renderings keep the document's context (ESM and
    /// link definitions) as the old blocks `range` had it.
    fn same_context(&self, range: std::ops::Range<usize>, renderings: &[Rendering]) -> bool {
        let old = &self.entries[range.clone()];
        let esm = |blocks: &mut dyn Iterator<Item = &Rendering>| -> String {
            blocks.map(|b| b.esm.as_str()).collect()
        };
        let old_esm = esm(&mut old.iter().map(|e| &*e.rendering));
        let new_esm = esm(&mut renderings.iter());
        let old_definitions = old.iter().flat_map(|e| &e.rendering.definitions);
        let new_definitions = renderings.iter().flat_map(|r| &r.definitions);
        old_esm == new_esm
            && old_definitions.eq(new_definitions)
            && !renderings.iter().any(document_wide)
            && self.single(range, renderings)
    }

    /// Whether old blocks `range`, their new `renderings` and the new text
    /// standing for them hold no footnote call or definition, nor `[^`
    /// (which a window, rendered without the document's footnote
    /// definitions, could read as text where the document has a call).
    fn footnote_free(
        &self,
        source: &str,
        starts: &[usize],
        delta: isize,
        range: std::ops::Range<usize>,
        renderings: &[Rendering],
    ) -> bool {
        let end = match starts.get(range.end) {
            Some(_) if range.end + 1 >= starts.len() => Some(source.len()),
            Some(&end) => end.checked_add_signed(delta),
            None => None,
        };
        let text = end.and_then(|end| source.get(starts.get(range.start).copied()?..end));
        text.is_some_and(|text| !text.contains("[^"))
            && !self.entries[range].iter().any(|e| e.rendering.footnotes)
            && !renderings.iter().any(|r| r.footnotes)
    }

    /// At most one block of the whole document, before the edit and after
    /// it (the old blocks outside `range` and `renderings`), has an excerpt
    /// marker, and at most one is nested too deep: each is marked once per
    /// document, so with two the first one decides for the others.
    fn single(&self, range: std::ops::Range<usize>, renderings: &[Rendering]) -> bool {
        let old = &self.entries[range];
        let within = |before: usize, flag: fn(&Rendering) -> bool| {
            let out = old.iter().filter(|e| flag(&e.rendering)).count();
            let into = renderings.iter().filter(|r| flag(r)).count();
            before <= 1 && before - out.min(before) + into <= 1
        };
        within(self.tally.truncate, |r| r.truncate) && within(self.tally.too_deep, |r| r.too_deep)
    }

    /// The context of a text standing for old blocks `blocks`: the ESM and
    /// the link definitions it may refer to of every other block, before and
    /// after it as they stand. `inner`: the text does not start the document.
    fn context(&mut self, text: &str, blocks: std::ops::Range<usize>, inner: bool) -> Context {
        let mut context = Context::default();
        // The document's names, read once, unless the text stands for ESM
        // itself (then it is read with the rest of the ESM around it).
        let holds_esm = self.entries[blocks.clone()]
            .iter()
            .any(|e| !e.rendering.esm.is_empty());
        if !holds_esm {
            context.scope = self.scope();
        }
        // The other blocks' definitions, and their ESM unless the names are
        // read already: only when there are any.
        let gather = self.tally.definitions > 0 || (context.scope.is_none() && self.tally.esm > 0);
        let keys = if gather {
            references(text)
        } else {
            NameSet::default()
        };
        for (index, entry) in self.entries.iter().enumerate() {
            if !gather {
                break;
            }
            if !entry.holds.context || blocks.contains(&index) {
                continue;
            }
            let target = if index < blocks.start {
                &mut context.before
            } else {
                &mut context.after
            };
            if context.scope.is_none() {
                target.push_str(&entry.rendering.esm);
            }
            for definition in &entry.rendering.definitions {
                if keys.contains(&definition.key) {
                    match &definition.stand_in {
                        Some(stand_in) => {
                            target.push_str(&stand_in.text);
                            context.defined.first(
                                stand_in.identifier.clone(),
                                (stand_in.url.clone(), stand_in.title.clone()),
                            );
                        }
                        None => target.push_str(&definition.text),
                    }
                    target.push_str("\n\n");
                }
            }
        }
        // Never read as the document's start (front matter).
        if inner && context.before.is_empty() {
            context.before.push('\n');
        }
        context
    }

    /// The names the document's ESM binds, read once per ESM text; `None`
    /// without ESM (or ESM the parser does not take alone).
    fn scope(&mut self) -> Option<Rc<Scope>> {
        if self.tally.esm == 0 {
            return None;
        }
        if !self.tally.esm_changed {
            if let Some((_, scope)) = &self.scope {
                return scope.clone();
            }
        }
        self.tally.esm_changed = false;
        let esm: String = self
            .entries
            .iter()
            .map(|e| e.rendering.esm.as_str())
            .collect();
        if esm.is_empty() {
            return None;
        }
        if let Some((text, scope)) = &self.scope {
            if *text == esm {
                return scope.clone();
            }
        }
        let scope = markdown::to_mdast(&esm, &crate::parse::parse_options(&self.options))
            .ok()
            .map(|tree| {
                let mut scope = Scope::default();
                let mut ignored = Vec::new();
                for child in tree.children().map_or(&[][..], Vec::as_slice) {
                    if let markdown::mdast::Node::MdxjsEsm(node) = child {
                        scope.add_esm(&node.value, &node.stops, &self.options, &mut ignored);
                    }
                }
                crate::hast::dispose_mdast(tree);
                Rc::new(scope)
            });
        self.scope = Some((esm, scope.clone()));
        scope
    }

    /// Render `source[window]`, which stands for old blocks `blocks`, with
    /// the context of the old blocks outside them.
    fn render_window(
        &mut self,
        source: &str,
        window: std::ops::Range<usize>,
        blocks: std::ops::Range<usize>,
    ) -> Vec<Rendering> {
        let stand_in = self.after_container(source, window.start, blocks.start);
        let mut context = if window.start > 0 || window.end < source.len() {
            self.context(&source[window.clone()], blocks, window.start > 0)
        } else {
            Context::default()
        };
        if let Some(stand_in) = stand_in {
            context.before.push_str(stand_in);
        }
        self.render_in(&source[window], &context)
    }

    /// Replace entries `from..to` with new blocks, keeping the identity of
    /// those that come out the same.
    fn splice(&mut self, from: usize, to: usize, renderings: Vec<Rendering>) {
        // The hint stays right for the blocks before `from`.
        let (index, units, byte) = self.hint;
        if from < index {
            let before = self.entries.get(from..index).unwrap_or_default();
            let less = |total: usize, of: fn(&Entry) -> usize| {
                before
                    .iter()
                    .try_fold(total, |left, e| left.checked_sub(of(e)))
            };
            self.hint = match (less(units, |e| e.utf16), less(byte, |e| e.len)) {
                (Some(units), Some(byte)) if index <= self.entries.len() => (from, units, byte),
                _ => (0, 0, 0),
            };
        }
        let entries = Rc::make_mut(&mut self.entries);
        let old = &entries[from..to];
        for entry in old {
            self.tally.count(&entry.rendering, false);
            self.headings_touched |= !entry.rendering.headings.is_empty();
        }
        for rendering in &renderings {
            self.tally.count(rendering, true);
            self.headings_touched |= !rendering.headings.is_empty();
        }
        let mut new = Vec::with_capacity(renderings.len());
        // Aligned from the front, then from the back.
        let front = old
            .iter()
            .zip(&renderings)
            .take_while(|(entry, rendering)| *entry.rendering == **rendering)
            .count();
        let room = old.len().min(renderings.len()) - front;
        let back = old
            .iter()
            .rev()
            .zip(renderings.iter().rev())
            .take(room)
            .take_while(|(entry, rendering)| *entry.rendering == **rendering)
            .count();
        let total = renderings.len();
        for (index, rendering) in renderings.into_iter().enumerate() {
            let kept = if index < front {
                Some(&old[index])
            } else if index >= total - back {
                Some(&old[old.len() - (total - index)])
            } else {
                None
            };
            new.push(match kept {
                Some(entry) => entry.clone(),
                None => {
                    self.serial += 1;
                    Entry::new(rendering, self.serial)
                }
            });
        }
        // One move of the blocks after them, none when as many come as go.
        entries.splice(from..to, new);
    }

    /// Put the blocks together into the document's result.
    fn assemble(&mut self, first: bool) -> Update {
        self.assign_heading_ids();
        let lines = self.assemble_blocks();
        let frontmatter = self
            .entries
            .iter()
            .filter(|e| e.holds.frontmatter)
            .find_map(|e| e.rendering.frontmatter.clone());
        let title = pipeline::title(
            frontmatter.as_ref(),
            self.entries
                .iter()
                .filter(|e| e.holds.headings)
                .flat_map(|e| &e.rendering.headings),
        );
        let change = self.change(first, lines);
        Update {
            change,
            work: std::mem::take(&mut self.work),
            entries: Rc::clone(&self.entries),
            used: Rc::clone(&self.used),
            frontmatter,
            title,
        }
    }

    /// Give every heading its id: one slugger over the whole document, run
    /// again only when the document's list of headings changed (the same
    /// blocks with headings in the same order: the same headings).
    fn assign_heading_ids(&mut self) {
        if !std::mem::take(&mut self.headings_touched) {
            return;
        }
        let heading_blocks: Vec<u64> = self
            .entries
            .iter()
            .filter(|e| e.holds.headings)
            .map(|e| e.serial)
            .collect();
        let same_blocks = heading_blocks == self.heading_blocks;
        let same_headings = same_blocks || {
            let mut keys = self.heading_keys.iter();
            let all_same = self
                .entries
                .iter()
                .flat_map(|e| &e.rendering.headings)
                .all(|h| {
                    let key = (h.explicit.is_some(), h.explicit.as_ref().unwrap_or(&h.text));
                    keys.next().is_some_and(|(e, k)| (*e, k) == key)
                });
            all_same && keys.next().is_none()
        };
        self.heading_blocks = heading_blocks;
        if !same_headings {
            let headings = self.entries.iter().flat_map(|e| &e.rendering.headings);
            self.heading_ids = pipeline::heading_ids(headings.clone());
            self.heading_keys = headings
                .map(|h| match &h.explicit {
                    Some(id) => (true, id.clone()),
                    None => (false, h.text.clone()),
                })
                .collect();
        }
        let mut next_heading = 0;
        for entry in Rc::make_mut(&mut self.entries) {
            // A block without headings never has ids.
            if !entry.holds.headings {
                continue;
            }
            let count = entry.rendering.headings.len();
            let ids = &self.heading_ids[next_heading..next_heading + count];
            next_heading += count;
            if same_blocks && entry.ids.len() == count {
                continue;
            }
            if entry.ids.as_slice() != ids {
                entry.ids = Rc::new(ids.to_vec());
                self.serial += 1;
                entry.ids_serial = self.serial;
            }
        }
    }

    /// Make each block's HTML and TOC where it now is again, for the
    /// blocks that changed or moved to other lines; the document's line
    /// count.
    fn assemble_blocks(&mut self) -> usize {
        // A TOCInline shows every heading: blocks holding one are filled
        // again when the document's `toc` changes.
        let items = match self.tally.toc_inline {
            0 => Vec::new(),
            _ => pipeline::toc_items(
                self.entries
                    .iter()
                    .filter(|e| e.holds.headings)
                    .flat_map(|e| &e.rendering.headings),
                &self.heading_ids,
            ),
        };
        if *self.toc_items != items {
            self.toc_items = Rc::new(items);
            self.serial += 1;
            self.toc_serial = self.serial;
        }
        if std::mem::take(&mut self.tally.used_changed) {
            let mut used = NameSet::default();
            used.extend(self.tally.used.keys().map(String::as_str));
            self.used = Rc::new(used);
        }
        let toc_serial = self.toc_serial;
        let mut base_line = 0;
        for entry in Rc::make_mut(&mut self.entries) {
            let toc = match self.tally.toc_inline > 0 && entry.holds.toc_inline {
                true => toc_serial,
                false => 0,
            };
            let made = entry.made;
            if entry.assembled.is_none()
                || made.line != base_line
                || made.ids != entry.ids_serial
                || made.toc != toc
            {
                self.serial += 1;
                let rendering = &entry.rendering;
                let toc_items = match toc {
                    0 => &[][..],
                    _ => self.toc_items.as_slice(),
                };
                let mut html = String::with_capacity(rendering.html.text.len() + 16);
                pipeline::fill(
                    rendering,
                    base_line,
                    &entry.ids,
                    toc_items,
                    &self.options.id_prefix,
                    &mut html,
                );
                let toc_entries = pipeline::toc(rendering, base_line, &entry.ids, &self.options);
                entry.made = Made {
                    serial: self.serial,
                    line: base_line,
                    ids: entry.ids_serial,
                    toc,
                    toc_entries: !toc_entries.is_empty(),
                };
                entry.assembled = Some(Rc::new(Assembled {
                    html,
                    toc: toc_entries,
                }));
            }
            base_line += entry.line_breaks;
        }
        base_line
    }

    /// Which blocks changed since the last update (the document now has
    /// `lines` lines).
    fn change(&mut self, first: bool, lines: usize) -> BlockChange {
        // Every block with a TOCInline is filled with the current `toc` at
        // each assembly.
        let now: Vec<Identity> = self
            .entries
            .iter()
            .map(|e| (e.serial, e.ids_serial, e.made.toc))
            .collect();
        let change = if first {
            BlockChange {
                start: 0,
                removed: 0,
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
            // After the change, blocks are the same but for their lines.
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
                line_shift: lines as isize - self.previous_lines as isize,
                full: false,
            }
        };
        self.previous = now;
        self.previous_lines = lines;
        change
    }
}

/// How many bytes `a` and `b` start with in common (compared a slice at a
/// time, which is much faster than byte by byte in the wasm).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const STEP: usize = 256;
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + STEP <= len && a[at..at + STEP] == b[at..at + STEP] {
        at += STEP;
    }
    at + a[at..len]
        .iter()
        .zip(&b[at..len])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `a` and `b` end with in common.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const STEP: usize = 256;
    let len = a.len().min(b.len());
    let (a, b) = (&a[a.len() - len..], &b[b.len() - len..]);
    let mut n = 0;
    while n + STEP <= len && a[len - n - STEP..len - n] == b[len - n - STEP..len - n] {
        n += STEP;
    }
    let (a, b) = (&a[..len - n], &b[..len - n]);
    n + a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// What tells whether a block changed between updates: its serial, the
/// serial of its heading ids and, for a block with a TOCInline, the serial
/// of the `toc` it shows.
type Identity = (u64, u64, u64);

/// An edit in the lines `first..=last` of a paragraph that is old block
/// `block` (`old`), found by [`Incremental::lines_edit`]: the `window` to
/// render them in, how many lines the edit made of them, and whether the
/// window holds the line after them.
struct LinesEdit {
    block: usize,
    old: Rc<Rendering>,
    first: usize,
    last: usize,
    edited_lines: usize,
    next: bool,
    window: String,
}

/// The document after an edit, and where its old blocks started.
struct Window<'a> {
    source: &'a str,
    /// Where each old block started, and the old length at the end.
    starts: &'a [usize],
    /// How much the edit moved what follows it.
    delta: isize,
}

impl Window<'_> {
    /// Where old block `block` (after the edit) starts now.
    fn moved(&self, block: usize) -> usize {
        (self.starts[block] as isize + self.delta) as usize
    }

    /// Whether the line before old block `block` (a sentinel) is still
    /// blank.
    fn blank_before(&self, block: usize) -> bool {
        blank_line_before(self.source, self.moved(block))
    }
}

/// What one rendering of a window concluded.
enum Attempt {
    /// Its renderings replace the old blocks from the window's first up to
    /// this one.
    Done(usize, Vec<Rendering>),
    /// The window must start at this earlier block.
    Back(usize),
    /// The sentinel must be taken whole.
    WholeSentinel,
    /// The window does not hold: make it larger.
    Grow,
    /// Not decided by this way of rendering it.
    Undecided,
}

/// Whether a new block makes its update a full render: footnotes
/// (numbered document-wide) or error recovery that gave up.
fn document_wide(rendering: &Rendering) -> bool {
    rendering.footnotes || rendering.gave_up
}

/// Whether a block is one paragraph and nothing else that the document
/// around it depends on or that depends on it.
fn plain(block: &Rendering) -> bool {
    block.has_items
        && block.headings.is_empty()
        && block.diagnostics.is_empty()
        && block.used.is_empty()
        && block.imports.is_empty()
        && block.constants.is_empty()
        && block.esm.is_empty()
        && block.definitions.is_empty()
        && block.frontmatter.is_none()
        && !block.open
        && !block.masked_start
        && !block.continues
        && !block.reaches_end
        && !block.footnotes
        && !block.truncate
        && !block.too_deep
        && !block.gave_up
        && block.html.text.starts_with("<p")
}

/// Whether a blank line (spaces and tabs at most) ends just before `at`.
fn blank_line_before(source: &str, at: usize) -> bool {
    let before = &source[..at];
    let before = before
        .strip_suffix("\r\n")
        .or_else(|| before.strip_suffix(['\n', '\r']))
        .unwrap_or(before);
    let line = before.rsplit(['\n', '\r']).next().unwrap_or("");
    line.trim_matches([' ', '\t']).is_empty() && before.len() < at
}

/// Where the first line starting at `at` ends (after its line ending).
fn first_line_end(source: &str, at: usize) -> usize {
    source[at..].find('\n').map_or(source.len(), |i| at + i + 1)
}

/// The labels `text` may refer to.
fn references(text: &str) -> NameSet {
    let mut keys = NameSet::default();
    for reference in crate::parse::references(text) {
        keys.insert(&reference.key);
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::{common_prefix, common_suffix};

    /// Against the byte-by-byte count, around the slice size.
    #[test]
    fn common_ends_are_counted_as_byte_by_byte() {
        let naive_prefix = |a: &[u8], b: &[u8]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let naive_suffix = |a: &[u8], b: &[u8]| {
            let pairs = a.iter().rev().zip(b.iter().rev());
            pairs.take_while(|(x, y)| x == y).count()
        };
        for len in [0, 1, 255, 256, 257, 512, 700] {
            let a: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            for at in [0, 1, 255, 256, 257, 511, 600] {
                for extra in [0, 3] {
                    let mut b = a.clone();
                    if at < len {
                        b[at] ^= 0xff;
                    }
                    b.extend(std::iter::repeat_n(7, extra));
                    assert_eq!(
                        common_prefix(&a, &b),
                        naive_prefix(&a, &b),
                        "{len} {at} {extra}"
                    );
                    let mut c = b.clone();
                    c.reverse();
                    let mut d = a.clone();
                    d.reverse();
                    assert_eq!(
                        common_suffix(&d, &c),
                        naive_suffix(&d, &c),
                        "{len} {at} {extra}"
                    );
                }
            }
        }
    }
}
