//! mdast → HTML tree: the middle of the pipeline.
//!
//! Turns the markdown-rs syntax tree into our [`crate::hast`] tree the way
//! Docusaurus (through remark-rehype and React) would show it: GFM
//! constructs, admonitions, code blocks with titles and highlighted lines,
//! footnotes, and JSX evaluated statically ([`crate::jsx`]). Faulty blocks
//! found by earlier stages are put back where they were, as escaped source.
//!
//! Shape (after mdxjs-rs): a dispatcher [`State::one`], a children mapper
//! [`State::all`], and one `transform_*` per node type.

use crate::diagnostic::{LineIndex, Report};
use crate::hast::{Element, Node, dispose_mdast, normalize_url};
use crate::jsx::{Evaluator, Static, html_attributes};
use crate::name_map::{NameMap, NameSet};
use crate::options::{Format, Options};
use crate::order::Intervals;
use crate::prepass::{Fault, Prepared};
use crate::rules::Rule;
use crate::scope::{Scope, resolve};
use markdown::mdast::{self, AlignKind};

/// Deepest nesting of mdast nodes we convert; deeper content becomes text.
const MAX_DEPTH: usize = 96;

/// What the conversion gives: the top-level items, each with the byte
/// range of the source it came from, and what the document-wide stages
/// (heading ids, unused imports, the incremental engine) need to know.
#[derive(Debug, Default)]
pub struct Converted {
    /// Top-level nodes in document order, each with its source range.
    pub items: Vec<(Node, usize, usize)>,
    /// The footnote section (it goes after every item), if any.
    pub footnotes: Option<Node>,
    /// Front matter as JSON.
    pub frontmatter: Option<serde_json::Value>,
    /// Byte ranges of the top-level syntax nodes, items or not (ESM, front
    /// matter and definitions give no item).
    pub children: Vec<(usize, usize)>,
    /// Bound names looked up, each with the start of the top-level syntax
    /// node (or admonition) that used it.
    pub uses: Vec<(usize, String)>,
    /// Imported assets: name and where it is bound (reported when nothing
    /// uses it).
    pub imports: Vec<(String, (usize, usize))>,
    /// What is wrong in the values of the constants this tree's ESM
    /// declares, each with the constant's name (reported when something
    /// uses it).
    pub constants: Vec<(String, Report)>,
    /// Where the "nested too deep" report was made, if it was.
    pub too_deep: Option<usize>,
    /// Byte ranges of footnote calls and definitions (numbered document-wide).
    pub footnote_nodes: Vec<(usize, usize)>,
    /// Where raw HTML elements never closed start: each takes in all that
    /// follows it.
    pub open_elements: Vec<usize>,
}

/// An admonition title: markdown (`:::note[*Title*]`) or a string prop.
#[derive(Clone, Copy, Debug)]
enum Title<'t> {
    Markdown(&'t str, usize),
    Text(&'t str),
}

/// Something to put back into a children list by position: a fault or an
/// admonition.
#[derive(Clone, Copy, Debug)]
enum Insert {
    Fault(usize),
    Admonition(usize),
    /// Where the excerpt ends (`<!-- truncate -->`).
    Truncate,
    /// A thematic break taken out by the pre-pass.
    Rule,
}

/// What the parts of a JSX element's conversion share: its children,
/// its source range, whether it is flow (block) content.
#[derive(Clone, Copy)]
struct Jsx<'a> {
    children: &'a [mdast::Node],
    at: (usize, usize),
    flow: bool,
}

/// Conversion state.
struct State<'a> {
    source: &'a str,
    lines: &'a LineIndex<'a>,
    options: &'a Options,
    prepared: &'a Prepared,
    scope: Scope,
    reports: Vec<Report>,
    /// Link reference definitions by label ([`crate::guard::label_key`],
    /// first wins).
    definitions: Defined,
    /// Footnote definitions by identifier (first wins).
    footnotes: NameMap<&'a mdast::FootnoteDefinition>,
    /// Footnote identifiers in order of first call, with call counts.
    footnote_order: Vec<(String, usize)>,
    /// Faults and admonitions not yet placed, sorted by start.
    pending: Vec<(usize, usize, Insert)>,
    /// Which of `pending` have been placed.
    placed: Vec<bool>,
    /// The faulty blocks' ranges, merged where they overlap, in order:
    /// blank lines to the parser.
    fault_ranges: Intervals,
    depth: usize,
    /// Where the "nested too deep" report was made, if it was.
    too_deep_at: Option<usize>,
    /// Bound names used, by where the top-level node using them starts.
    uses: Vec<(usize, String)>,
    /// Where raw HTML elements left open at the top level start.
    open_elements: Vec<usize>,
    /// Byte ranges of front matter and ESM blocks with errors: shown as
    /// escaped source where they stand.
    broken: Vec<(usize, usize)>,
    /// What is wrong in the values of this tree's constants.
    constants: Vec<(String, Report)>,
}

/// Link destinations and titles by label, the first of each label kept:
/// the document's definitions, and the real ones of the definitions the
/// parser was given as stand-ins, by identifier
/// ([`crate::pipeline::Definition::stand_in`]).
pub type Defined = NameMap<(String, Option<String>)>;

/// Convert a parsed document.
///
/// `scope`: the names the rest of the document binds, when it has been read
/// already (the incremental engine renders part of a document); the ESM of
/// this tree is added to it. `defined`: the definitions outside the shown
/// range of the source that the parser read as stand-ins, and that range.
/// `lines` indexes the source (the caller builds it once for the render).
pub fn to_hast<'a>(
    tree: mdast::Node,
    lines: &'a LineIndex<'a>,
    prepared: &Prepared,
    options: &Options,
    scope: Option<&Scope>,
    defined: (&Defined, std::ops::Range<usize>),
    reports: &mut Vec<Report>,
) -> Converted {
    let source = lines.source();
    let mut converted = Converted::default();
    {
        let mut state = State {
            source,
            lines,
            options,
            prepared,
            scope: scope.cloned().unwrap_or_default(),
            reports: Vec::new(),
            definitions: Defined::default(),
            footnotes: NameMap::default(),
            footnote_order: Vec::new(),
            pending: Vec::new(),
            placed: Vec::new(),
            fault_ranges: Intervals::new([]),
            depth: 0,
            too_deep_at: None,
            uses: Vec::new(),
            open_elements: Vec::new(),
            broken: Vec::new(),
            constants: Vec::new(),
        };
        state.pending = pending_inserts(prepared);
        state.fault_ranges = Intervals::new(prepared.faults.iter().map(|f| (f.start, f.end)));
        state.placed = vec![false; state.pending.len()];

        if let mdast::Node::Root(root) = &tree {
            converted.frontmatter = state.collect(root, defined);
            converted.children = root.children.iter().map(span).collect();
            converted.footnote_nodes = footnote_nodes(root);
            let mut items = Vec::new();
            for child in &root.children {
                let (start, end) = span(child);
                let mut nodes = Vec::new();
                state.one(child, &mut nodes);
                state.log_uses(start);
                items.extend(nodes.into_iter().map(|node| (node, start, end)));
            }
            converted.items = state.place_items(items, (0, source.len()), true);
            converted.footnotes = state.footnote_section();
            state.log_uses(source.len());
            converted.uses = std::mem::take(&mut state.uses);
        }
        // Imports bound outside this tree are reported where they are.
        if scope.is_none() {
            converted.imports = state.scope.imports();
        }
        converted.constants = std::mem::take(&mut state.constants);
        converted.too_deep = state.too_deep_at;
        converted.open_elements = std::mem::take(&mut state.open_elements);
        reports.append(&mut state.reports);
    }
    dispose_mdast(tree);
    if prepared.substitutes
        && prepared
            .masked
            .as_bytes()
            .contains(&crate::guard::OPEN_REFERENCE)
    {
        for (node, _, _) in &mut converted.items {
            restore_references(std::slice::from_mut(node));
        }
        if let Some(section) = &mut converted.footnotes {
            restore_references(std::slice::from_mut(section));
        }
    }
    converted
}

/// What the pre-pass and recovery found that goes among the converted
/// nodes (faults, admonitions, the truncate marker, a thematic break), by
/// start, the longer of two at the same start first.
fn pending_inserts(prepared: &Prepared) -> Vec<(usize, usize, Insert)> {
    let mut pending = Vec::new();
    // A block can be faulty for several reasons: show it once (skip a
    // fault inside one that starts before it or at the same place).
    let mut order: Vec<usize> = (0..prepared.faults.len()).collect();
    crate::order::sort_by_key(&mut order, |&i| {
        (
            prepared.faults[i].start,
            usize::MAX - prepared.faults[i].end,
        )
    });
    let mut covered_to = None;
    for index in order {
        let fault = &prepared.faults[index];
        if covered_to.is_some_and(|end| fault.end <= end) {
            continue;
        }
        covered_to = Some(covered_to.map_or(fault.end, |end: usize| end.max(fault.end)));
        pending.push((fault.start, fault.end, Insert::Fault(index)));
    }
    for (index, admonition) in prepared.admonitions.iter().enumerate() {
        let end = admonition.close.map_or(admonition.open.1, |c| c.1);
        pending.push((admonition.open.0, end, Insert::Admonition(index)));
    }
    if let Some(at) = prepared.truncate {
        pending.push((at, at, Insert::Truncate));
    }
    if let Some(at) = prepared.thematic_break {
        pending.push((at, at, Insert::Rule));
    }
    crate::order::sort_by_key(&mut pending, |(start, end, _)| (*start, usize::MAX - *end));
    pending
}

/// Inline code: a `<code>` with the text as written.
fn inline_code(value: &str, at: (usize, usize)) -> Node {
    element("code", at)
        .with(vec![Node::text(code_text(value))])
        .into()
}

/// Math as a `<code>` (`class`: `math-display` or `math-inline`).
fn math(value: &str, class: &str, at: (usize, usize)) -> Element {
    let mut code = element("code", at);
    code.add_class("language-math");
    code.add_class(class);
    code.children = vec![Node::text(value)];
    code
}

/// Byte ranges of the footnote calls and definitions in a tree (iterative).
fn footnote_nodes(root: &mdast::Root) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut stack: Vec<&mdast::Node> = root.children.iter().collect();
    while let Some(node) = stack.pop() {
        if matches!(
            node,
            mdast::Node::FootnoteReference(_) | mdast::Node::FootnoteDefinition(_)
        ) {
            found.push(span(node));
        }
        if let Some(children) = node.children() {
            stack.extend(children.iter());
        }
    }
    found
}

/// Give back the `&` the pre-pass replaced ([`crate::guard::OPEN_REFERENCE`])
/// wherever the parser put it: in an attribute value as meant, or in text
/// when the tag was not read as one.
fn restore_references(nodes: &mut [Node]) {
    let mut stack: Vec<&mut Node> = nodes.iter_mut().collect();
    while let Some(node) = stack.pop() {
        match node {
            Node::Text(text) => {
                if let std::borrow::Cow::Owned(restored) = crate::guard::restore_references(text) {
                    *text = restored;
                }
            }
            Node::Element(element) => {
                for (_, value) in &mut element.attributes {
                    if let std::borrow::Cow::Owned(restored) =
                        crate::guard::restore_references(value)
                    {
                        *value = restored;
                    }
                }
                stack.extend(element.children.iter_mut());
            }
            Node::Raw(_) => {}
        }
    }
}

/// Byte range of an mdast node.
fn span(node: &mdast::Node) -> (usize, usize) {
    node.position()
        .map_or((0, 0), |p| (p.start.offset, p.end.offset))
}

/// Plain text of an mdast node (iterative), image alt included.
pub fn mdast_text(node: &mdast::Node) -> String {
    let mut out = String::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node {
            mdast::Node::Text(n) => out.push_str(&n.value),
            mdast::Node::InlineCode(n) => out.push_str(&n.value),
            mdast::Node::InlineMath(n) => out.push_str(&n.value),
            mdast::Node::Code(n) => out.push_str(&n.value),
            mdast::Node::Image(n) => out.push_str(&n.alt),
            mdast::Node::ImageReference(n) => out.push_str(&n.alt),
            mdast::Node::Break(_) => out.push('\n'),
            _ => {
                if let Some(children) = node.children() {
                    stack.extend(children.iter().rev());
                }
            }
        }
    }
    out
}

/// An element with a source range.
fn element(tag: &str, source: (usize, usize)) -> Element {
    let mut element = Element::new(tag);
    element.source = Some(source);
    element
}

/// Children wrapped with line endings between them (and around them when
/// `around`), as remark-rehype does for block content.
fn wrap(nodes: Vec<Node>, around: bool) -> Vec<Node> {
    let mut result = Vec::with_capacity(nodes.len() * 2 + 1);
    if around {
        result.push(Node::text("\n"));
    }
    let count = nodes.len();
    for (index, node) in nodes.into_iter().enumerate() {
        if index > 0 {
            result.push(Node::text("\n"));
        }
        result.push(node);
    }
    if around && count > 0 {
        result.push(Node::text("\n"));
    }
    result
}

impl<'a> State<'a> {
    /// First pass: front matter and ESM (top level), definitions (anywhere).
    fn collect(
        &mut self,
        root: &'a mdast::Root,
        (defined, shown): (&Defined, std::ops::Range<usize>),
    ) -> Option<serde_json::Value> {
        let mut frontmatter = None;
        // The names this tree's ESM binds (not those of the scope given).
        let has_esm = root
            .children
            .iter()
            .any(|c| matches!(c, mdast::Node::MdxjsEsm(_)));
        let given: NameSet = if has_esm {
            self.scope.bindings.keys().map(String::as_str).collect()
        } else {
            NameSet::default()
        };
        for child in &root.children {
            match child {
                mdast::Node::Yaml(yaml) => {
                    let start = yaml.position.as_ref().map_or(0, |p| p.start.offset);
                    let value_start = self.source[start..]
                        .find('\n')
                        .map_or(start, |i| start + i + 1);
                    match crate::frontmatter::parse(&yaml.value) {
                        Ok(value) => frontmatter = Some(value),
                        Err(error) => {
                            if let Some(position) = &yaml.position {
                                self.broken
                                    .push((position.start.offset, position.end.offset));
                            }
                            let offset = yaml_fault(&yaml.value, error.offset, &error.message);
                            let at = (value_start + offset).min(self.source.len());
                            self.reports.push(Report::new(
                                Rule::InvalidFrontmatter,
                                format!("Front matter: {}", error.message),
                                at,
                                at,
                            ));
                        }
                    }
                }
                mdast::Node::MdxjsEsm(esm) => {
                    let failed = !self.scope.add_esm(
                        &esm.value,
                        &esm.stops,
                        self.options,
                        &mut self.reports,
                    );
                    if let (true, Some(position)) = (failed, &esm.position) {
                        self.broken
                            .push((position.start.offset, position.end.offset));
                    }
                }
                _ => {}
            }
        }
        // Constants are checked once the whole scope is known (a value may
        // name what a later import binds).
        if has_esm {
            // In the order they are bound (a hash map's own order differs
            // from one map to the next).
            let mut own: Vec<(&String, (usize, usize))> = self
                .scope
                .bindings
                .iter()
                .filter(|(name, _)| !given.contains(name))
                .map(|(name, binding)| (name, binding.span))
                .collect();
            crate::order::sort_by_key(&mut own, |(_, span)| *span);
            let own = own.into_iter().map(|(name, _)| name);
            self.constants = crate::jsx::constant_reports(&self.scope, self.options, own);
        }
        // Definitions may sit in containers (`> [a]: b`).
        let mut stack: Vec<&'a mdast::Node> = root.children.iter().rev().collect();
        while let Some(node) = stack.pop() {
            match node {
                mdast::Node::Definition(definition) => {
                    let outside = definition
                        .position
                        .as_ref()
                        .is_some_and(|p| !shown.contains(&p.start.offset));
                    let stood_in = outside
                        .then(|| defined.get(&definition.identifier))
                        .flatten();
                    let (start, end) = span(node);
                    let written = self
                        .source
                        .get(start..end)
                        .and_then(crate::guard::definition_label);
                    let key = crate::guard::label_key(written.unwrap_or(&definition.identifier));
                    self.definitions.first(
                        key,
                        match stood_in {
                            Some(real) => real.clone(),
                            None => (definition.url.clone(), definition.title.clone()),
                        },
                    );
                }
                mdast::Node::FootnoteDefinition(definition) => {
                    self.footnotes
                        .first(definition.identifier.clone(), definition);
                }
                _ => {}
            }
            if let Some(children) = node.children() {
                stack.extend(children.iter().rev());
            }
        }
        frontmatter
    }

    /// Convert flow children, keeping each result's source range.
    fn items(&mut self, children: &'a [mdast::Node]) -> Vec<(Node, usize, usize)> {
        let mut items = Vec::new();
        for child in children {
            let (start, end) = span(child);
            let mut nodes = Vec::new();
            self.one(child, &mut nodes);
            for node in nodes {
                items.push((node, start, end));
            }
        }
        items
    }

    /// Put pending faults and admonitions that belong to `range` (and to no
    /// single item in it) among `items`, then wrap as block content.
    fn place(
        &mut self,
        items: Vec<(Node, usize, usize)>,
        range: (usize, usize),
        top: bool,
    ) -> Vec<Node> {
        self.place_items(items, range, top)
            .into_iter()
            .map(|(node, _, _)| node)
            .collect()
    }

    /// Record the names the scope saw used since the last call as used by
    /// the top-level node starting at `at`.
    fn log_uses(&mut self, at: usize) {
        for name in self.scope.take_uses() {
            self.uses.push((at, name));
        }
    }

    /// [`State::place`], keeping each item's source range.
    fn place_items(
        &mut self,
        items: Vec<(Node, usize, usize)>,
        range: (usize, usize),
        top: bool,
    ) -> Vec<(Node, usize, usize)> {
        let mine = self.take_inserts(&items, range, top);
        let items = self.insert_blocks(items, &mine);
        let items = self.wrap_admonitions(items, &mine, top);
        self.finish_level(items, top)
    }

    /// Take the inserts for this level: inside `range` and inside no
    /// single item. `pending` is sorted by start, so only the entries
    /// starting in `range` are looked at, and placed ones are marked
    /// rather than removed (a long document has thousands of them).
    fn take_inserts(
        &mut self,
        items: &[(Node, usize, usize)],
        range: (usize, usize),
        top: bool,
    ) -> Vec<(usize, usize, Insert)> {
        let mut mine = Vec::new();
        let low = range.0;
        let high = range.1.max(range.0);
        let first = self.pending.partition_point(|&(start, _, _)| start < low);
        let spans: Vec<(usize, usize)> = items.iter().map(|&(_, s, e)| (s, e)).collect();
        let within = Within::new(&spans);
        // markdown-rs stretches a list item over the blank lines after it,
        // and a masked block is blank lines to it: a fault is compared with
        // the ranges without them, or one after a list would land in its
        // last item (the document takes in everything). Not admonitions:
        // their masked fences are theirs.
        let fault_high = if top {
            high
        } else {
            self.content_end(low, high)
        };
        let trimmed: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(s, e)| (s, self.content_end(s, e)))
            .collect();
        let fault_within = Within::new(&trimmed);
        for index in first..self.pending.len() {
            let (start, end, insert) = self.pending[index];
            if start > high {
                break;
            }
            let (high, within) = match insert {
                Insert::Fault(_) => (fault_high, &fault_within),
                _ => (high, &within),
            };
            if self.placed[index] || end > high || within.in_child(start, end) {
                continue;
            }
            self.placed[index] = true;
            mine.push((start, end, insert));
        }
        mine
    }

    /// The faults, truncate markers and thematic breaks of `mine` put among
    /// `items` (before the admonitions, so that those wrap them too). Each
    /// goes before the items starting at or after it (one merge, not an
    /// insert each); of two starting at the same place the later one comes
    /// first.
    fn insert_blocks(
        &mut self,
        items: Vec<(Node, usize, usize)>,
        mine: &[(usize, usize, Insert)],
    ) -> Vec<(Node, usize, usize)> {
        let mut inserts: Vec<(usize, usize, usize, Node)> = Vec::new();
        for (order, &(start, end, insert)) in mine.iter().enumerate() {
            let node = match insert {
                Insert::Fault(fault) => self.fault(&self.prepared.faults[fault]),
                Insert::Truncate => {
                    let mut marker = element("hr", (start, end));
                    marker.add_class("mdx-truncate");
                    marker.into()
                }
                Insert::Rule => element("hr", (start, end)).into(),
                Insert::Admonition(_) => continue,
            };
            inserts.push((start, end, order, node));
        }
        if inserts.is_empty() {
            return items;
        }
        crate::order::sort_by_key(&mut inserts, |&(start, _, order, _)| {
            (start, usize::MAX - order)
        });
        let mut merged = Vec::with_capacity(items.len() + inserts.len());
        let mut inserts = inserts.into_iter().peekable();
        for item in items {
            while let Some((start, end, _, node)) =
                inserts.next_if(|&(start, _, _, _)| start <= item.1)
            {
                merged.push((node, start, end));
            }
            merged.push(item);
        }
        merged.extend(inserts.map(|(start, end, _, node)| (node, start, end)));
        merged
    }

    /// The admonitions of `mine` wrapped around their content in `items`,
    /// inner ones (starting later) first. The items are kept as `items`
    /// followed by `tail` reversed, split where the admonition's content
    /// starts, so each one takes its content off the top of `tail` and puts
    /// itself back there (no shifting of the items after it, which is
    /// quadratic with thousands of admonitions).
    fn wrap_admonitions(
        &mut self,
        mut items: Vec<(Node, usize, usize)>,
        mine: &[(usize, usize, Insert)],
        top: bool,
    ) -> Vec<(Node, usize, usize)> {
        let mut tail: Vec<(Node, usize, usize)> = Vec::new();
        for &(start, end, insert) in mine.iter().rev() {
            if let Insert::Admonition(at) = insert {
                let admonition = &self.prepared.admonitions[at];
                let content_end = admonition.close.map_or(end, |c| c.0);
                let content_start = admonition.content_start();
                while tail.last().is_some_and(|item| item.1 < content_start) {
                    items.extend(tail.pop());
                }
                while items.last().is_some_and(|item| item.1 >= content_start) {
                    tail.extend(items.pop());
                }
                // What starts inside the content is the content: a list
                // ends only after the blank lines that follow it, which
                // here take in the masked closing fence.
                let mut content = Vec::new();
                while tail
                    .last()
                    .is_some_and(|item| item.1 < content_end && item.1 >= start)
                {
                    content.extend(tail.pop().map(|item| item.0));
                }
                let node = self.admonition(
                    &admonition.kind,
                    admonition
                        .title
                        .as_ref()
                        .map(|(t, at)| Title::Markdown(t.as_str(), *at)),
                    content,
                    (start, end),
                );
                if top {
                    self.log_uses(start);
                }
                tail.push((node, start, end));
            }
        }
        items.extend(tail.into_iter().rev());
        items
    }

    /// A level's items once everything is placed: raw HTML elements
    /// (Markdown) take in what their tags enclose, admonitions and faults
    /// included; Markdown's `<details>` themed; top-level elements get
    /// their line.
    fn finish_level(
        &mut self,
        items: Vec<(Node, usize, usize)>,
        top: bool,
    ) -> Vec<(Node, usize, usize)> {
        let (mut items, open) = crate::raw_html::assemble_open(items);
        if top {
            self.open_elements = open;
        }
        if self.options.format == Format::Md {
            for (node, _, _) in &mut items {
                theme_details(std::slice::from_mut(node));
            }
        }
        if top && self.options.source_lines {
            for (node, start, _) in &mut items {
                if let Node::Element(element) = node {
                    let line = self.lines.line(*start);
                    element.set("data-line", line.to_string());
                }
            }
        }
        items
    }

    /// `end` moved back over the whitespace of the masked source before it
    /// (not before `start`).
    fn content_end(&self, start: usize, end: usize) -> usize {
        let bytes = self.prepared.masked.as_bytes();
        let mut end = end.min(bytes.len());
        while end > start {
            if bytes[end - 1].is_ascii_whitespace() {
                end -= 1;
                continue;
            }
            // A block error recovery masked is blank lines to the parser
            // too (it is not masked in `masked`, which the pre-pass made).
            match self.fault_ranges.reaching(end) {
                Some((fault_start, _)) if fault_start >= start => end = fault_start,
                _ => break,
            }
        }
        end
    }

    /// A faulty block as escaped source.
    fn fault(&self, fault: &Fault) -> Node {
        let text = self.source.get(fault.start..fault.end).unwrap_or("");
        let mut pre = element("pre", (fault.start, fault.end));
        pre.add_class("mdx-error");
        pre.children = vec![Node::text(text)];
        pre.into()
    }

    /// An admonition (`:::note` or `<Admonition>`).
    fn admonition(
        &mut self,
        kind: &str,
        title: Option<Title<'_>>,
        content: Vec<Node>,
        at: (usize, usize),
    ) -> Node {
        let kind = if crate::prepass::ADMONITION_TYPES.contains(&kind) {
            kind
        } else {
            "note"
        };
        let mut aside = element("aside", at);
        aside.add_class("admonition");
        aside.add_class(&format!("admonition-{kind}"));
        let title_nodes = match title {
            Some(Title::Markdown(title, offset)) if !title.is_empty() => {
                self.inline_markdown(title, offset)
            }
            // A prop is a string: shown as written, never read as markup.
            Some(Title::Text(title)) if !title.is_empty() => vec![Node::text(title)],
            _ => vec![Node::text(kind)],
        };
        let mut heading = Element::new("p");
        heading.add_class("admonition-title");
        heading.children = title_nodes;
        let mut body = Element::new("div");
        body.add_class("admonition-content");
        body.children = wrap(content, true);
        aside.children = wrap(vec![heading.into(), body.into()], true);
        aside.into()
    }

    /// Parse a short piece of markdown (a title) as inline content.
    fn inline_markdown(&mut self, text: &str, offset: usize) -> Vec<Node> {
        let mut options = crate::parse::parse_options(self.options);
        options.constructs.frontmatter = false;
        options.constructs.mdx_esm = false;
        match markdown::to_mdast(text, &options) {
            Ok(mdast::Node::Root(root)) => {
                let mut nodes = Vec::new();
                for child in &root.children {
                    if let mdast::Node::Paragraph(paragraph) = child {
                        // Positions in this tree are relative to `text`; only
                        // text content matters here.
                        for inline in &paragraph.children {
                            self.inline_detached(inline, &mut nodes);
                        }
                    }
                }
                dispose_mdast(mdast::Node::Root(root));
                nodes
            }
            Ok(other) => {
                dispose_mdast(other);
                vec![Node::text(text)]
            }
            Err(message) => {
                self.reports.push(Report::new(
                    Rule::InvalidTitle,
                    format!("This title is shown as text: {}", message.reason),
                    offset,
                    offset + text.len(),
                ));
                vec![Node::text(text)]
            }
        }
    }

    /// Convert inline content of a separately parsed string (simple kinds only).
    fn inline_detached(&mut self, node: &mdast::Node, out: &mut Vec<Node>) {
        match node {
            mdast::Node::Text(n) => out.push(Node::text(n.value.clone())),
            mdast::Node::InlineCode(n) => out.push(
                Element::new("code")
                    .with(vec![Node::text(n.value.clone())])
                    .into(),
            ),
            mdast::Node::Emphasis(_)
            | mdast::Node::Strong(_)
            | mdast::Node::Delete(_)
            | mdast::Node::Link(_) => {
                let tag = match node {
                    mdast::Node::Emphasis(_) => "em",
                    mdast::Node::Strong(_) => "strong",
                    mdast::Node::Delete(_) => "del",
                    _ => "a",
                };
                let mut children = Vec::new();
                if self.depth < MAX_DEPTH {
                    self.depth += 1;
                    for child in node.children().map(Vec::as_slice).unwrap_or(&[]) {
                        self.inline_detached(child, &mut children);
                    }
                    self.depth -= 1;
                }
                let mut element = Element::new(tag).with(children);
                if let mdast::Node::Link(link) = node {
                    element.set("href", normalize_url(&link.url));
                }
                out.push(element.into());
            }
            other => out.push(Node::text(mdast_text(other))),
        }
    }

    /// Convert inline children.
    fn all(&mut self, children: &'a [mdast::Node]) -> Vec<Node> {
        let mut nodes = Vec::new();
        for child in children {
            self.one(child, &mut nodes);
        }
        if nodes.iter().any(|node| matches!(node, Node::Raw(_))) {
            let items = nodes.into_iter().map(|node| (node, 0, 0)).collect();
            nodes = crate::raw_html::assemble(items)
                .into_iter()
                .map(|(node, _, _)| node)
                .collect();
            if self.options.format == Format::Md {
                theme_details(&mut nodes);
            }
        }
        nodes
    }

    /// Convert one node, pushing its results.
    fn one(&mut self, node: &'a mdast::Node, out: &mut Vec<Node>) {
        if self.depth >= MAX_DEPTH {
            out.push(self.too_deep(node));
            return;
        }
        self.depth += 1;
        match node {
            mdast::Node::Root(n) => out.extend(self.all(&n.children)),
            mdast::Node::Paragraph(n) => self.transform_paragraph(n, out),
            mdast::Node::Heading(n) => self.transform_heading(n, out),
            mdast::Node::Text(n) => out.push(Node::text(self.text_value(n))),
            mdast::Node::Emphasis(n) => out.push(self.simple("em", &n.children, node)),
            mdast::Node::Strong(n) => out.push(self.simple("strong", &n.children, node)),
            mdast::Node::Delete(n) => out.push(self.simple("del", &n.children, node)),
            mdast::Node::InlineCode(n) => out.push(inline_code(&n.value, span(node))),
            mdast::Node::Break(_) => {
                out.push(Element::new("br").into());
                out.push(Node::text("\n"));
            }
            mdast::Node::ThematicBreak(_) => out.push(element("hr", span(node)).into()),
            mdast::Node::Blockquote(n) => out.push(self.blockquote(&n.children, span(node))),
            mdast::Node::List(n) => self.transform_list(n, node, out),
            mdast::Node::ListItem(n) => {
                // Only reached for a stray list item; lists handle their own.
                let nodes = self.list_item(n, node, n.spread);
                out.push(nodes);
            }
            mdast::Node::Code(n) => self.transform_code(n, node, out),
            mdast::Node::Math(n) => {
                let code = math(&n.value, "math-display", span(node));
                out.push(element("pre", span(node)).with(vec![code.into()]).into());
            }
            mdast::Node::InlineMath(n) => {
                out.push(math(&n.value, "math-inline", span(node)).into());
            }
            mdast::Node::Link(n) => {
                out.push(self.link(&n.url, n.title.clone(), &n.children, span(node)));
            }
            mdast::Node::Image(n) => {
                let alt = self.full_alt(node, &n.alt);
                out.push(self.image(&n.url, &alt, n.title.as_deref(), span(node)));
            }
            mdast::Node::LinkReference(n) => out.push(self.link_reference(n, node)),
            mdast::Node::ImageReference(n) => out.push(self.image_reference(n, node)),
            mdast::Node::FootnoteReference(n) => self.transform_footnote_reference(n, node, out),
            mdast::Node::Table(n) => self.transform_table(n, node, out),
            mdast::Node::TableRow(_) | mdast::Node::TableCell(_) => {
                // Handled by the table.
            }
            mdast::Node::Html(n) => self.transform_html(n, node, out),
            mdast::Node::MdxJsxFlowElement(mdast::MdxJsxFlowElement {
                name,
                attributes,
                children,
                ..
            })
            | mdast::Node::MdxJsxTextElement(mdast::MdxJsxTextElement {
                name,
                attributes,
                children,
                ..
            }) => {
                let flow = matches!(node, mdast::Node::MdxJsxFlowElement(_));
                self.transform_jsx(name.as_deref(), attributes, children, node, flow, out)
            }
            mdast::Node::MdxFlowExpression(n) => self.transform_expression(&n.value, &n.stops, out),
            mdast::Node::MdxTextExpression(n) => self.transform_expression(&n.value, &n.stops, out),
            // Collected before conversion; shown only when broken.
            mdast::Node::MdxjsEsm(_) | mdast::Node::Yaml(_) => {
                let at = span(node);
                if self.broken.contains(&at) {
                    out.push(self.fault(&Fault {
                        start: at.0,
                        end: at.1,
                    }));
                }
            }
            // Nothing to show.
            mdast::Node::Toml(_)
            | mdast::Node::Definition(_)
            | mdast::Node::FootnoteDefinition(_) => {}
        }
        self.depth -= 1;
    }

    /// A block quote: its content placed like block content.
    fn blockquote(&mut self, children: &'a [mdast::Node], at: (usize, usize)) -> Node {
        let items = self.items(children);
        let children = wrap(self.place(items, at, false), true);
        element("blockquote", at).with(children).into()
    }

    /// A node past [`MAX_DEPTH`] as plain text; the first one is reported.
    fn too_deep(&mut self, node: &mdast::Node) -> Node {
        if self.too_deep_at.is_none() {
            let (start, end) = span(node);
            self.too_deep_at = Some(start);
            self.reports.push(Report::new(
                Rule::InputTooComplex,
                format!("Content nested more than {MAX_DEPTH} levels deep is shown as plain text"),
                start,
                end,
            ));
        }
        Node::text(mdast_text(node))
    }

    /// A link (inline, or a reference to a definition).
    fn link(
        &mut self,
        url: &str,
        title: Option<String>,
        children: &'a [mdast::Node],
        at: (usize, usize),
    ) -> Node {
        let mut a = element("a", at);
        a.set("href", normalize_url(url));
        if let Some(title) = title {
            a.set("title", title);
        }
        a.children = self.all(children);
        a.into()
    }

    /// A link by reference (`[text][label]`): the link its definition
    /// gives, else its source as text.
    fn link_reference(&mut self, n: &'a mdast::LinkReference, node: &mdast::Node) -> Node {
        match self.definition(node, &n.reference_kind, &n.identifier) {
            Some((url, title)) => self.link(&url, title, &n.children, span(node)),
            None => Node::text(self.source_of(node)),
        }
    }

    /// An image by reference (`![alt][label]`): the image its definition
    /// gives, else its source as text.
    fn image_reference(&mut self, n: &mdast::ImageReference, node: &mdast::Node) -> Node {
        match self.definition(node, &n.reference_kind, &n.identifier) {
            Some((url, title)) => self.image(&url, &n.alt, title.as_deref(), span(node)),
            None => Node::text(self.source_of(node)),
        }
    }

    /// The destination and title of the definition a reference matches,
    /// by its label as written ([`crate::guard::label_key`]).
    fn definition(
        &self,
        node: &mdast::Node,
        kind: &mdast::ReferenceKind,
        identifier: &str,
    ) -> Option<(String, Option<String>)> {
        let (start, end) = span(node);
        let written = self
            .source
            .get(start..end)
            .and_then(|source| crate::guard::reference_label(source, kind));
        let key = crate::guard::label_key(written.unwrap_or(identifier));
        self.definitions.get(&key).cloned()
    }

    /// A text node's value. In the children of a JSX text element
    /// markdown-rs 1.0.0 drops line endings (`<b>one` / `two</b>` gives
    /// `onetwo`, where @mdx-js/mdx keeps `one\ntwo`): when the value is
    /// exactly the source's lines without their line endings and
    /// indentation, they are put back.
    fn text_value(&self, n: &mdast::Text) -> String {
        let Some(position) = &n.position else {
            return n.value.clone();
        };
        let (start, end) = (position.start.offset, position.end.offset);
        let Some(source) = self.source.get(start..end) else {
            return n.value.clone();
        };
        if source.len() == n.value.len() || !source.contains(['\n', '\r']) {
            return n.value.clone();
        }
        let mut pieces = Vec::new();
        for (index, line) in crate::lines::split(source).iter().enumerate() {
            let text = &source[line.start..line.end];
            pieces.push(if index == 0 {
                text
            } else {
                text.trim_start_matches([' ', '\t'])
            });
        }
        if pieces.concat() == n.value {
            pieces.join("\n")
        } else {
            n.value.clone()
        }
    }

    /// Alt text of an image whose label holds nested images or links:
    /// markdown-rs keeps only the outer text, CommonMark wants all of it.
    fn full_alt(&self, node: &mdast::Node, alt: &str) -> String {
        let source = self.source_of(node);
        let Some(label) = source.strip_prefix("![") else {
            return alt.to_string();
        };
        let Some(end) = label.rfind("](") else {
            return alt.to_string();
        };
        let label = &label[..end];
        if !label.contains('[') {
            return alt.to_string();
        }
        match markdown::to_mdast(label, &markdown::ParseOptions::gfm()) {
            Ok(tree) => {
                let text = mdast_text(&tree);
                dispose_mdast(tree);
                text.trim_end_matches('\n').to_string()
            }
            Err(_) => alt.to_string(),
        }
    }

    /// The original source of a node.
    fn source_of(&self, node: &mdast::Node) -> String {
        let (start, end) = span(node);
        self.source.get(start..end).unwrap_or("").to_string()
    }

    /// An element with converted inline children.
    fn simple(&mut self, tag: &str, children: &'a [mdast::Node], node: &mdast::Node) -> Node {
        element(tag, span(node)).with(self.all(children)).into()
    }

    fn transform_paragraph(&mut self, n: &'a mdast::Paragraph, out: &mut Vec<Node>) {
        // A paragraph of only JSX and expressions loses its `<p>`, as with
        // @mdx-js/mdx.
        let only_jsx = self.options.format == Format::Mdx
            && n.children.iter().any(|c| {
                matches!(
                    c,
                    mdast::Node::MdxJsxTextElement(_) | mdast::Node::MdxTextExpression(_)
                )
            })
            && n.children.iter().all(|c| match c {
                mdast::Node::MdxJsxTextElement(_) | mdast::Node::MdxTextExpression(_) => true,
                mdast::Node::Text(text) => text.value.trim().is_empty(),
                _ => false,
            });
        let children = self.all(&n.children);
        if only_jsx {
            out.extend(
                children
                    .into_iter()
                    .filter(|c| !matches!(c, Node::Text(t) if t.trim().is_empty())),
            );
        } else {
            let mut p = element(
                "p",
                n.position
                    .as_ref()
                    .map_or((0, 0), |p| (p.start.offset, p.end.offset)),
            );
            p.children = children;
            out.push(p.into());
        }
    }

    fn transform_heading(&mut self, n: &'a mdast::Heading, out: &mut Vec<Node>) {
        let at = n
            .position
            .as_ref()
            .map_or((0, 0), |p| (p.start.offset, p.end.offset));
        let mut heading = element(&format!("h{}", n.depth.clamp(1, 6)), at);
        heading.children = self.all(&n.children);
        // `{#custom-id}`: found by the pre-pass on the heading's line.
        let line_start = self.source[..at.0.min(self.source.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        if let Some((_, id)) = self
            .prepared
            .heading_ids
            .iter()
            .find(|(start, _)| *start == line_start)
        {
            heading.set("id", id.clone());
        }
        out.push(heading.into());
    }

    fn transform_list(&mut self, n: &'a mdast::List, node: &'a mdast::Node, out: &mut Vec<Node>) {
        let mut list = element(if n.ordered { "ol" } else { "ul" }, span(node));
        if let Some(start) = n.start.filter(|s| n.ordered && *s != 1) {
            list.set("start", start.to_string());
        }
        let loose = self.list_is_loose(n);
        let mut items = Vec::new();
        let mut task = false;
        for child in &n.children {
            if let mdast::Node::ListItem(item) = child {
                task |= item.checked.is_some();
                if self.depth + 1 >= MAX_DEPTH {
                    self.one(child, &mut items);
                } else {
                    self.depth += 1;
                    items.push(self.list_item(item, child, loose));
                    self.depth -= 1;
                }
            }
        }
        if task {
            list.add_class("contains-task-list");
        }
        list.children = wrap(items, true);
        out.push(list.into());
    }

    /// Whether a list is loose (CommonMark): a blank line between two of
    /// its items, or between two blocks of one item. Computed from source
    /// positions, because markdown-rs also counts blank lines after the
    /// last item (micromark and so Docusaurus do not).
    fn list_is_loose(&self, list: &mdast::List) -> bool {
        let blank_between = |from: usize, to: usize| {
            let text = self.source.get(from.min(to)..to).unwrap_or("");
            let mut lines = text.split('\n');
            // The first piece ends the previous block's line.
            lines.next();
            let mut pieces: Vec<&str> = lines.collect();
            // The last piece starts the next block's line.
            pieces.pop();
            pieces
                .iter()
                .any(|line| line.chars().all(|c| c.is_whitespace() || c == '>'))
        };
        // Where a block's content ends: list items and lists also span the
        // blank lines after them, so look at their last content instead.
        let end_of = |node: &mdast::Node| {
            let mut node = node;
            while let mdast::Node::List(_) | mdast::Node::ListItem(_) = node {
                match node.children().and_then(|c| c.last()) {
                    Some(last) => node = last,
                    None => break,
                }
            }
            span(node).1
        };
        let items: Vec<&mdast::ListItem> = list
            .children
            .iter()
            .filter_map(|c| match c {
                mdast::Node::ListItem(item) => Some(item),
                _ => None,
            })
            .collect();
        for (index, item) in items.iter().enumerate() {
            for pair in item.children.windows(2) {
                if blank_between(end_of(&pair[0]), span(&pair[1]).0) {
                    return true;
                }
            }
            if let Some(next) = items.get(index + 1) {
                let item_end = item.children.last().map_or_else(
                    || item.position.as_ref().map_or(0, |p| p.start.offset),
                    end_of,
                );
                let next_start = next.position.as_ref().map_or(0, |p| p.start.offset);
                if blank_between(item_end, next_start) {
                    return true;
                }
            }
        }
        false
    }

    fn list_item(&mut self, n: &'a mdast::ListItem, node: &'a mdast::Node, loose: bool) -> Node {
        let mut li = element("li", span(node));
        let items = self.items(&n.children);
        // Faults and admonitions inside the item.
        let mut results = self.place(items, span(node), false);
        if let Some(checked) = n.checked {
            li.add_class("task-list-item");
            let mut input = Element::new("input").attr("type", "checkbox");
            if checked {
                input.set("checked", "");
            }
            input.set("disabled", "");
            let checkbox: Node = input.into();
            match results.first_mut() {
                Some(Node::Element(p)) if p.tag == "p" => {
                    p.children.insert(0, Node::text(" "));
                    p.children.insert(0, checkbox);
                }
                _ => results.insert(0, checkbox),
            }
        }
        let count = results.len();
        let mut children = Vec::new();
        for (index, child) in results.into_iter().enumerate() {
            let is_p = matches!(&child, Node::Element(e) if e.tag == "p");
            if loose || index != 0 || !is_p {
                children.push(Node::text("\n"));
            }
            match child {
                Node::Element(p) if p.tag == "p" && !loose => children.extend(p.children),
                other => children.push(other),
            }
            if index + 1 == count && (loose || !is_p) {
                children.push(Node::text("\n"));
            }
        }
        li.children = children;
        li.into()
    }

    fn transform_code(&mut self, n: &'a mdast::Code, node: &mdast::Node, out: &mut Vec<Node>) {
        let meta = crate::code_meta::parse(n.meta.as_deref().unwrap_or(""));
        let mut code = element("code", span(node));
        if let Some(lang) = n.lang.as_deref().filter(|l| !l.is_empty()) {
            code.add_class(&format!("language-{lang}"));
        }
        let source_value = self.indented_code_value(n);
        let mut value = source_value.as_deref().unwrap_or(&n.value);
        if self.options.format == Format::Md {
            // Docusaurus reads Markdown's raw HTML again with rehype-raw,
            // whose HTML parser drops a line ending at the start of `<pre>`
            // content: code that starts with a blank line loses one.
            value = value.strip_prefix('\n').unwrap_or(value);
        }
        let plain =
            meta.title.is_none() && meta.highlight.is_empty() && meta.line_numbers.is_none();
        if plain {
            let value = if value.is_empty() {
                String::new()
            } else {
                format!("{value}\n")
            };
            code.children = vec![Node::text(value)];
            out.push(element("pre", span(node)).with(vec![code.into()]).into());
            return;
        }
        // One span per line, so lines can be highlighted and numbered.
        let mut lines = Vec::new();
        for (index, line) in value.split('\n').enumerate() {
            let number = index + 1;
            let mut span_element = Element::new("span");
            span_element.add_class("code-line");
            if meta
                .highlight
                .iter()
                .any(|(a, b)| (*a..=*b).contains(&number))
            {
                span_element.add_class("code-line-highlighted");
            }
            span_element.children = vec![Node::text(format!("{line}\n"))];
            lines.push(span_element.into());
        }
        code.children = lines;
        let mut pre = Element::new("pre");
        if let Some(start) = meta.line_numbers {
            pre.add_class("code-line-numbers");
            if start != 1 {
                code.set(
                    "style",
                    format!("counter-reset:line {}", start.saturating_sub(1)),
                );
            }
        }
        pre.children = vec![code.into()];
        let mut block = element("div", span(node));
        block.add_class("code-block");
        let mut children = Vec::new();
        if let Some(title) = meta.title {
            let mut title_element = Element::new("div");
            title_element.add_class("code-block-title");
            title_element.children = vec![Node::text(title)];
            children.push(title_element.into());
        }
        children.push(pre.into());
        block.children = wrap(children, true);
        out.push(block.into());
    }

    /// The value of indented code that holds tabs, recomputed from the
    /// source: markdown-rs drops the columns left over when a tab is only
    /// partly indentation (`>\t\tfoo` is `  foo`).
    fn indented_code_value(&self, n: &mdast::Code) -> Option<String> {
        let position = n.position.as_ref()?;
        let (start, end) = (
            position.start.offset,
            position.end.offset.min(self.source.len()),
        );
        let text = self.source.get(start..end)?;
        if !text.contains('\t') || n.lang.is_some() {
            return None;
        }
        if text.trim_start_matches([' ', '\t']).starts_with(['`', '~']) {
            return None;
        }
        // Code starts 4 columns after its container's content column.
        let target = position.start.column.saturating_sub(1) + 4;
        let line_start = self.source[..start].rfind('\n').map_or(0, |i| i + 1);
        let mut lines = Vec::new();
        for (index, line) in self.source[line_start..end].split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            // On the first line, everything before the code is its
            // containers' markers (`-`, `1.`, `>`).
            let prefix = if index == 0 { start - line_start } else { 0 };
            let mut column = 0;
            let mut rest = line;
            let mut pad = 0;
            while column < target {
                match rest.as_bytes().first() {
                    Some(b'\t') => {
                        let next = column + 4 - column % 4;
                        pad = next.saturating_sub(target);
                        column = next;
                        rest = &rest[1..];
                    }
                    Some(b' ' | b'>') => {
                        column += 1;
                        rest = &rest[1..];
                    }
                    Some(_) if line.len() - rest.len() < prefix => {
                        column += 1;
                        let width = rest.chars().next().map_or(1, char::len_utf8);
                        rest = &rest[width..];
                    }
                    _ => break,
                }
            }
            lines.push(format!("{}{}", " ".repeat(pad), rest));
        }
        Some(lines.join("\n"))
    }

    /// An image, with `assets`/`baseUrl` applied to relative sources.
    fn image(&mut self, url: &str, alt: &str, title: Option<&str>, at: (usize, usize)) -> Node {
        let mut img = element("img", at);
        let relative =
            !url.contains(':') && !url.starts_with('/') && !url.starts_with('#') && !url.is_empty();
        let resolved = if relative {
            resolve(url, self.options).unwrap_or_else(|| url.to_string())
        } else {
            url.to_string()
        };
        img.set("src", normalize_url(&resolved));
        img.set("alt", alt);
        if let Some(title) = title {
            img.set("title", title);
        }
        img.into()
    }

    fn transform_footnote_reference(
        &mut self,
        n: &'a mdast::FootnoteReference,
        node: &mdast::Node,
        out: &mut Vec<Node>,
    ) {
        if !self.footnotes.contains_key(&n.identifier) {
            out.push(Node::text(self.source_of(node)));
            return;
        }
        let id = normalize_url(&n.identifier.to_lowercase());
        let (number, count) = match self
            .footnote_order
            .iter()
            .position(|(i, _)| *i == n.identifier)
        {
            Some(index) => {
                self.footnote_order[index].1 += 1;
                (index + 1, self.footnote_order[index].1)
            }
            None => {
                self.footnote_order.push((n.identifier.clone(), 1));
                (self.footnote_order.len(), 1)
            }
        };
        let reference_id = if count > 1 {
            format!("fnref-{id}-{count}")
        } else {
            format!("fnref-{id}")
        };
        let a = element("a", span(node))
            .attr("href", format!("#fn-{id}"))
            .attr("id", reference_id)
            .attr("data-footnote-ref", "")
            .attr("aria-describedby", "footnote-label")
            .with(vec![Node::text(number.to_string())]);
        out.push(Element::new("sup").with(vec![a.into()]).into());
    }

    /// The footnotes section, GitHub style.
    fn footnote_section(&mut self) -> Option<Node> {
        if self.footnote_order.is_empty() {
            return None;
        }
        let mut items = Vec::new();
        let mut index = 0;
        // Definitions may call further footnotes: the order can grow.
        while index < self.footnote_order.len() {
            let (identifier, _) = self.footnote_order[index].clone();
            index += 1;
            let Some(definition) = self.footnotes.get(&identifier).copied() else {
                continue;
            };
            let id = normalize_url(&identifier.to_lowercase());
            let converted = self.items(&definition.children);
            let mut children: Vec<Node> = converted.into_iter().map(|(node, _, _)| node).collect();
            let calls = self.footnote_order[index - 1].1;
            let mut backrefs = Vec::new();
            for call in 1..=calls {
                if call > 1 {
                    backrefs.push(Node::text(" "));
                }
                let href = if call > 1 {
                    format!("#fnref-{id}-{call}")
                } else {
                    format!("#fnref-{id}")
                };
                let mut label = vec![Node::text("↩")];
                if call > 1 {
                    label.push(
                        Element::new("sup")
                            .with(vec![Node::text(call.to_string())])
                            .into(),
                    );
                }
                let mut a = Element::new("a")
                    .attr("href", href)
                    .attr("data-footnote-backref", "")
                    .attr(
                        "aria-label",
                        format!(
                            "Back to reference {index}{}",
                            if call > 1 {
                                format!("-{call}")
                            } else {
                                String::new()
                            }
                        ),
                    )
                    .with(label);
                a.add_class("data-footnote-backref");
                backrefs.push(a.into());
            }
            match children.last_mut() {
                Some(Node::Element(p)) if p.tag == "p" => {
                    p.children.push(Node::text(" "));
                    p.children.extend(backrefs);
                }
                _ => children.push(Element::new("p").with(backrefs).into()),
            }
            items.push(
                Element::new("li")
                    .attr("id", format!("fn-{id}"))
                    .with(wrap(children, true))
                    .into(),
            );
        }
        let mut heading = Element::new("h2").attr("id", "footnote-label");
        heading.add_class("sr-only");
        heading.children = vec![Node::text("Footnotes")];
        let mut section = Element::new("section").attr("data-footnotes", "");
        section.add_class("footnotes");
        section.children = wrap(
            vec![
                heading.into(),
                Element::new("ol").with(wrap(items, true)).into(),
            ],
            true,
        );
        Some(section.into())
    }

    fn transform_table(&mut self, n: &'a mdast::Table, node: &mdast::Node, out: &mut Vec<Node>) {
        let mut rows = Vec::new();
        let columns = n.align.len();
        for (row_index, row) in n.children.iter().enumerate() {
            let mdast::Node::TableRow(row) = row else {
                continue;
            };
            let tag = if row_index == 0 { "th" } else { "td" };
            let mut cells = Vec::new();
            for column in 0..columns.max(if row_index == 0 {
                row.children.len()
            } else {
                0
            }) {
                let mut cell = Element::new(tag);
                match n.align.get(column) {
                    Some(AlignKind::Left) => cell.set("align", "left"),
                    Some(AlignKind::Right) => cell.set("align", "right"),
                    Some(AlignKind::Center) => cell.set("align", "center"),
                    _ => {}
                }
                if let Some(mdast::Node::TableCell(content)) = row.children.get(column) {
                    cell.children = self.all(&content.children);
                }
                cells.push(cell.into());
            }
            rows.push(Element::new("tr").with(wrap(cells, true)).into());
        }
        let mut table = element("table", span(node));
        let mut rows = rows.into_iter();
        let mut children = Vec::new();
        if let Some(head) = rows.next() {
            children.push(Element::new("thead").with(wrap(vec![head], true)).into());
        }
        let body: Vec<Node> = rows.collect();
        if !body.is_empty() {
            children.push(Element::new("tbody").with(wrap(body, true)).into());
        }
        table.children = wrap(children, true);
        out.push(table.into());
    }

    fn transform_html(&mut self, n: &'a mdast::Html, node: &mdast::Node, out: &mut Vec<Node>) {
        crate::raw_html::transform(n, span(node), out);
    }

    fn transform_expression(&mut self, value: &str, stops: &[(usize, usize)], out: &mut Vec<Node>) {
        let mut evaluator = Evaluator::new(&mut self.scope, self.options, &mut self.reports);
        match evaluator.expression(value, stops) {
            None | Some(Static::Unknown) | Some(Static::Null) | Some(Static::Bool(_)) => {}
            Some(value) => {
                if let Some(text) = value.to_text() {
                    out.push(Node::text(text));
                }
            }
        }
    }

    /// A JSX element: HTML elements by React's rules, Docusaurus's
    /// components statically, anything else as a neutral container.
    fn transform_jsx(
        &mut self,
        name: Option<&str>,
        attributes: &[mdast::AttributeContent],
        children: &'a [mdast::Node],
        node: &'a mdast::Node,
        flow: bool,
        out: &mut Vec<Node>,
    ) {
        let at = span(node);
        let Some(name) = name else {
            // A fragment: just its children.
            out.extend(self.jsx_children(children, at, flow));
            return;
        };
        let props =
            Evaluator::new(&mut self.scope, self.options, &mut self.reports).attributes(attributes);
        let is_html =
            name.starts_with(|c: char| c.is_ascii_lowercase()) && !name.contains(['.', ':']);
        let jsx = Jsx { children, at, flow };
        if is_html {
            out.push(self.html_jsx(name, props, attributes, jsx));
            return;
        }
        match name {
            "Tabs" => self.tabs(&props, children, at, out),
            "TabItem" => {
                // Outside `<Tabs>`: show the content.
                let mut panel = Element::new("div").attr("role", "tabpanel");
                panel.add_class("tab-panel");
                panel.children = self.jsx_children(children, at, flow);
                out.push(panel.into());
            }
            "Details" | "details" => out.push(self.details(&props, jsx)),
            "TOCInline" => out.push(self.toc_inline(&props, at)),
            "Admonition" => out.push(self.jsx_admonition(&props, jsx)),
            _ if self.asset_component(name, &props, at, out) => {}
            _ => out.push(self.unknown_component(name, jsx)),
        }
    }

    /// An HTML element written as JSX (`<img src={…} />`), by React's rules.
    fn html_jsx(
        &mut self,
        name: &str,
        props: Vec<(String, Static)>,
        attributes: &[mdast::AttributeContent],
        jsx: Jsx<'a>,
    ) -> Node {
        let mut result = element(&name.to_ascii_lowercase(), jsx.at);
        result.jsx = true;
        result.attributes = html_attributes(props, jsx.at, self.source, &mut self.reports);
        if name == "img" && result.get("src").is_none() {
            self.placeholder(&mut result, attributes);
        }
        if !crate::hast::is_void(&result.tag) {
            result.children = self.jsx_children(jsx.children, jsx.at, jsx.flow);
        }
        result.into()
    }

    /// `<Details>`: its content, with a summary (the `summary` prop, else
    /// "Details") unless the content has one.
    fn details(&mut self, props: &[(String, Static)], jsx: Jsx<'a>) -> Node {
        let summary = prop_text(props, "summary");
        let mut details = Element::new("details");
        details.add_class("details");
        let mut inner = self.jsx_children(jsx.children, jsx.at, jsx.flow);
        let has_summary = inner
            .iter()
            .any(|n| matches!(n, Node::Element(e) if e.tag == "summary"));
        if !has_summary {
            let summary = Element::new("summary").with(vec![Node::text(
                summary.unwrap_or_else(|| "Details".into()),
            )]);
            inner.insert(0, summary.into());
        }
        details.children = inner;
        details.into()
    }

    /// Docusaurus's inline TOC (`<TOCInline toc={toc} />`): a placeholder
    /// filled with the document's TOC when the blocks are put together.
    fn toc_inline(&self, props: &[(String, Static)], at: (usize, usize)) -> Node {
        let (start, end) = match prop(props, "toc") {
            Some(Static::Toc { start, end }) => (*start, *end),
            // Anything else shows an empty list.
            _ => (Some(0), Some(0)),
        };
        let level = |name: &str, default: u8| match prop(props, name) {
            Some(Static::Number(n)) if (1.0..=6.0).contains(n) => *n as u8,
            _ => default,
        };
        let slice = crate::hast::TocSlice {
            start,
            end,
            min: level("minHeadingLevel", self.options.toc.min_level),
            max: level("maxHeadingLevel", self.options.toc.max_level),
        };
        let mut div = element("div", at);
        div.add_class("toc-inline");
        div.set("data-toc", slice.encode());
        div.into()
    }

    /// `<Admonition type="…" title="…">`: its content without blank text.
    fn jsx_admonition(&mut self, props: &[(String, Static)], jsx: Jsx<'a>) -> Node {
        let kind = prop_text(props, "type").unwrap_or_else(|| "note".into());
        let title = prop_text(props, "title");
        let content = self.jsx_children(jsx.children, jsx.at, jsx.flow);
        let content = content
            .into_iter()
            .filter(|n| !matches!(n, Node::Text(t) if t.trim().is_empty()))
            .collect();
        self.admonition(&kind, title.as_deref().map(Title::Text), content, jsx.at)
    }

    /// A component the preview does not know: reported, its content shown
    /// in a neutral container.
    fn unknown_component(&mut self, name: &str, jsx: Jsx<'a>) -> Node {
        let at = jsx.at;
        self.reports.push(Report::new(
            Rule::UnknownComponent,
            format!(
                "`<{name}>` is not a component the preview knows: its content is shown without it"
            ),
            at.0,
            (at.0 + 1 + name.len()).min(at.1),
        ));
        let mut container = Element::new(if jsx.flow { "div" } else { "span" });
        container.add_class("mdx-component");
        container.children = self.jsx_children(jsx.children, at, jsx.flow);
        container.into()
    }

    /// Children of a JSX element; flow children are placed like block
    /// content (faults and admonitions inside them go back in).
    fn jsx_children(
        &mut self,
        children: &'a [mdast::Node],
        at: (usize, usize),
        flow: bool,
    ) -> Vec<Node> {
        if flow {
            // No line endings between them: React renders JSX children as
            // they are (`<div>` / `<span>a</span>` / `<span>b</span>` shows
            // "ab"), unlike remark-rehype's markdown containers.
            let items = self.items(children);
            self.place(items, at, false)
        } else {
            self.all(children)
        }
    }

    /// `<Logo />` where `Logo` is an imported image (`import Logo from
    /// './logo.svg'`: Docusaurus makes an SVG a component): the image,
    /// with the props an `<img>` takes. Whether `name` is one.
    fn asset_component(
        &mut self,
        name: &str,
        props: &[(String, Static)],
        at: (usize, usize),
        out: &mut Vec<Node>,
    ) -> bool {
        if !matches!(
            self.scope.bindings.get(name).map(|b| &b.value),
            Some(crate::scope::Value::Asset { .. })
        ) {
            return false;
        }
        let Some(crate::scope::Value::Asset { specifier, url }) = self.scope.lookup(name).cloned()
        else {
            return false;
        };
        let mut props = props.to_vec();
        props.retain(|(prop, _)| prop != "src");
        props.insert(
            0,
            ("src".into(), Static::Asset(url.clone(), specifier.clone())),
        );
        let mut img = element("img", at);
        img.jsx = true;
        img.attributes = html_attributes(props, at, self.source, &mut self.reports);
        if url.is_none() {
            img.add_class("mdx-missing-asset");
            if img.get("alt").is_none_or(str::is_empty) {
                img.set("alt", format!("missing image: {specifier}"));
            }
        }
        out.push(img.into());
        true
    }

    /// An `<img>` without a usable `src` (an asset with no URL, an undefined
    /// name): a visible placeholder, its alt naming what is missing unless
    /// the writer gave one.
    fn placeholder(&mut self, img: &mut Element, attributes: &[mdast::AttributeContent]) {
        img.add_class("mdx-missing-asset");
        if img.get("alt").is_some_and(|alt| !alt.is_empty()) {
            return;
        }
        // Name the missing thing: the identifier or import used for `src`.
        let label = attributes.iter().find_map(|attribute| match attribute {
            mdast::AttributeContent::Property(p) if p.name == "src" => match &p.value {
                Some(mdast::AttributeValue::Expression(e)) => {
                    let name = e.value.trim();
                    if let Ok(Some(crate::js::Node {
                        expr: crate::js::Expr::Require(specifier),
                        ..
                    })) = crate::js::parse_expression(name)
                    {
                        return Some(format!("missing image: {specifier}"));
                    }
                    match self.scope.bindings.get(name).map(|b| &b.value) {
                        Some(crate::scope::Value::Asset { specifier, .. }) => {
                            Some(format!("missing image: {specifier}"))
                        }
                        _ => Some(format!("missing image: {name}")),
                    }
                }
                _ => None,
            },
            _ => None,
        });
        if let Some(label) = label {
            img.set("alt", label);
        }
    }

    /// Docusaurus's `<Tabs>`: a tab list and the panels; the default tab is
    /// shown, the others are `hidden` (the page may switch them).
    fn tabs(
        &mut self,
        props: &[(String, Static)],
        children: &'a [mdast::Node],
        at: (usize, usize),
        out: &mut Vec<Node>,
    ) {
        let (mut tabs, other) = self.tab_items(children);
        relabel_tabs(props, &mut tabs);
        let selected = prop_text(props, "defaultValue")
            .and_then(|value| tabs.iter().position(|t| t.value == value))
            .or_else(|| tabs.iter().position(|t| t.default))
            .unwrap_or(0);
        out.push(tabs_container(tabs, selected, other, at));
    }

    /// The `<TabItem>`s among the children of `<Tabs>`, and the other
    /// children converted.
    fn tab_items(&mut self, children: &'a [mdast::Node]) -> (Vec<Tab>, Vec<Node>) {
        let mut tabs = Vec::new();
        let mut other = Vec::new();
        for child in children {
            let item = match child {
                mdast::Node::MdxJsxFlowElement(e) if e.name.as_deref() == Some("TabItem") => {
                    Some((&e.attributes, &e.children, true))
                }
                mdast::Node::MdxJsxTextElement(e) if e.name.as_deref() == Some("TabItem") => {
                    Some((&e.attributes, &e.children, false))
                }
                _ => None,
            };
            match item {
                Some((attributes, item_children, flow)) => {
                    let jsx = Jsx {
                        children: item_children,
                        at: span(child),
                        flow,
                    };
                    let tab = self.tab(attributes, jsx, tabs.len());
                    tabs.push(tab);
                }
                None => self.one(child, &mut other),
            }
        }
        (tabs, other)
    }

    /// A `<TabItem>`, the `index`th: its value (the index when it has
    /// none), label (the value when it has none) and content.
    fn tab(&mut self, attributes: &[mdast::AttributeContent], jsx: Jsx<'a>, index: usize) -> Tab {
        let item_props =
            Evaluator::new(&mut self.scope, self.options, &mut self.reports).attributes(attributes);
        let value = prop_text(&item_props, "value").unwrap_or_else(|| index.to_string());
        let label = prop_text(&item_props, "label").unwrap_or_else(|| value.clone());
        let default = matches!(prop(&item_props, "default"), Some(Static::Bool(true)));
        self.depth += 1;
        let content = self.jsx_children(jsx.children, jsx.at, jsx.flow);
        self.depth -= 1;
        Tab {
            value,
            label,
            default,
            content,
        }
    }
}

/// A tab of `<Tabs>`.
struct Tab {
    value: String,
    label: String,
    /// It has the `default` prop.
    default: bool,
    content: Vec<Node>,
}

/// The labels the `values` prop of `<Tabs>` gives (`[{value, label}]`).
fn relabel_tabs(props: &[(String, Static)], tabs: &mut [Tab]) {
    let Some(Static::Array(values)) = prop(props, "values") else {
        return;
    };
    for entry in values {
        if let Static::Object(fields) = entry {
            let field = |key: &str| {
                fields
                    .iter()
                    .find(|(k, _)| k == key)
                    .and_then(|(_, v)| v.to_text())
            };
            if let (Some(value), Some(label)) = (field("value"), field("label")) {
                for tab in tabs.iter_mut().filter(|t| t.value == value) {
                    tab.label = label.clone();
                }
            }
        }
    }
}

/// The elements of `<Tabs>`: the tab list, the panels (all but the
/// `selected` one hidden), then its `other` children.
fn tabs_container(tabs: Vec<Tab>, selected: usize, other: Vec<Node>, at: (usize, usize)) -> Node {
    let mut list = Element::new("ul").attr("role", "tablist");
    list.add_class("tabs");
    let mut panels = Vec::new();
    let mut labels = Vec::new();
    for (index, tab) in tabs.into_iter().enumerate() {
        let mut item = Element::new("li").attr("role", "tab");
        item.add_class("tabs-item");
        if index == selected {
            item.add_class("tabs-item-active");
            item.set("aria-selected", "true");
        } else {
            item.set("aria-selected", "false");
        }
        item.children = vec![Node::text(tab.label)];
        labels.push(item.into());
        let mut panel = Element::new("div").attr("role", "tabpanel");
        panel.add_class("tab-panel");
        if index != selected {
            panel.set("hidden", "");
        }
        panel.children = tab.content;
        panels.push(panel.into());
    }
    list.children = labels;
    let mut container = element("div", at);
    container.add_class("tabs-container");
    let mut body = Element::new("div");
    body.add_class("tabs-panels");
    body.children = wrap(panels, true);
    let mut children = vec![list.into(), body.into()];
    children.extend(other);
    container.children = wrap(children, true);
    container.into()
}

/// Raw HTML `<details>` in Markdown: Docusaurus maps the elements of a
/// Markdown file's raw HTML to its theme components, so they look like
/// JSX `<Details>` (the class its style hangs on). Iterative.
fn theme_details(nodes: &mut [Node]) {
    let mut stack: Vec<&mut Node> = nodes.iter_mut().collect();
    while let Some(node) = stack.pop() {
        if let Node::Element(element) = node {
            if element.tag == "details" {
                element.add_class("details");
            }
            stack.extend(element.children.iter_mut());
        }
    }
}

/// Where to show a YAML error: the reader notices an unclosed `[`/`{` only
/// where the collection cannot go on (often the next line or the end), so
/// point at the bracket itself; a tab error at the tab.
/// Which of some sibling ranges holds a range: siblings are normally in
/// order and disjoint, and then the one that can hold it is the last
/// non-empty one starting at or before it; otherwise every one is looked at.
struct Within<'s> {
    spans: &'s [(usize, usize)],
    /// The non-empty spans, when they are in order.
    ordered: Option<Vec<(usize, usize)>>,
}

impl<'s> Within<'s> {
    fn new(spans: &'s [(usize, usize)]) -> Self {
        let non_empty = || spans.iter().copied().filter(|(s, e)| s < e);
        let in_order = non_empty()
            .zip(non_empty().skip(1))
            .all(|(a, b)| a.1 <= b.0);
        Within {
            spans,
            ordered: in_order.then(|| non_empty().collect()),
        }
    }

    /// Whether one non-empty span holds `start..end`.
    fn in_child(&self, start: usize, end: usize) -> bool {
        match &self.ordered {
            Some(spans) => {
                let at = spans.partition_point(|&(s, _)| s <= start);
                at > 0 && {
                    let (s, e) = spans[at - 1];
                    start >= s && end <= e
                }
            }
            None => self
                .spans
                .iter()
                .any(|&(s, e)| start >= s && end <= e && s < e),
        }
    }
}

fn yaml_fault(yaml: &str, offset: usize, message: &str) -> usize {
    let offset = offset.min(yaml.len());
    if message.contains("tab") {
        if let Some(tab) = yaml[offset..].find('\t') {
            return offset + tab;
        }
    }
    // The last flow bracket opened before the error and never closed.
    let mut stack = Vec::new();
    let mut quote = None;
    for (index, c) in yaml[..offset].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => stack.push(index),
            (None, ']' | '}') => {
                stack.pop();
            }
            (None, '\n') => {}
            _ => {}
        }
    }
    stack.last().copied().unwrap_or(offset)
}

/// Inline code as CommonMark shows it: line endings become spaces, and
/// padding that markdown-rs leaves when it is a line ending is stripped.
fn code_text(value: &str) -> String {
    let is_pad = |c: Option<char>| matches!(c, Some(' ' | '\n' | '\r'));
    let first = value.chars().next();
    let last = value.chars().next_back();
    let mut inner = value;
    if is_pad(first)
        && is_pad(last)
        && (matches!(first, Some('\n' | '\r')) || matches!(last, Some('\n' | '\r')))
        && !value.chars().all(|c| is_pad(Some(c)))
    {
        let start = first.map_or(0, char::len_utf8);
        let end = value.len() - last.map_or(0, char::len_utf8);
        inner = value.get(start..end).unwrap_or(value);
        // A CRLF counts as one line ending.
        inner = inner
            .strip_prefix('\n')
            .filter(|_| first == Some('\r'))
            .unwrap_or(inner);
        inner = inner
            .strip_suffix('\r')
            .filter(|_| last == Some('\n'))
            .unwrap_or(inner);
    }
    inner.replace("\r\n", " ").replace(['\n', '\r'], " ")
}

/// The value of a prop.
fn prop<'p>(props: &'p [(String, Static)], name: &str) -> Option<&'p Static> {
    props.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
}

/// The value of a prop as text.
fn prop_text(props: &[(String, Static)], name: &str) -> Option<String> {
    prop(props, name).and_then(Static::to_text)
}
