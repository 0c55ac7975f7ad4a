//! The JavaScript binding: the only module that knows about JavaScript.
//!
//! Exports `render(source, options?)`, the `Renderer` class (options parsed
//! and checked once) and the `Preview` class, which renders into a DOM
//! element and keeps the nodes of the blocks that did not change. Results are
//! plain objects shaped as in the README (`{ html, toc, diagnostics,
//! frontmatter, title }`). Arguments are checked here: a source that is not
//! a string, options of the wrong shape or type, a bad offset or element
//! throw a `TypeError` naming the argument and what was given (never a
//! wasm memory error). A document never throws.
//!
//! A panic (a parser bug) traps the module. The panic hook logs the first
//! one and records its message; after any trap the package's JavaScript
//! layer (`src/js/contain.mjs`, the package's entry) calls
//! `__resetInstance`, which asks wasm-bindgen for a fresh instance at the
//! next call (`wasm_bindgen::handler::schedule_reinit`), and renders the
//! document again with the failing block isolated (see
//! [`crate::contain`]).

use crate::incremental::{Incremental, Update};
use crate::json::{ToJson, to_json};
use crate::{Options, OptionsError, Rendered};
use serde_json::Value;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlTemplateElement, Node};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `render`, `Renderer` and `Preview`. Every field is optional;
 * `undefined` and `null` mean "use the default". Unknown fields and values of
 * the wrong type throw a `TypeError` that names the option. */
export interface RenderOptions {
  /** Syntax of the source: MDX (ESM, JSX, expressions; no raw HTML) or
   * CommonMark + GFM with sanitized raw HTML and no JSX. Default `"mdx"`. */
  format?: "mdx" | "md" | null;
  /** URL for each import specifier or relative image path, e.g.
   * `{ "./asset/a.png": "blob:…" }`. Default `{}`. */
  assets?: Record<string, string> | null;
  /** Base URL that relative import specifiers without an `assets` entry are
   * resolved against. Default: none (such images become placeholders). */
  baseUrl?: string | null;
  /** Heading levels listed in the table of contents. Default
   * `{ minLevel: 2, maxLevel: 3 }`. */
  toc?: TocOptions | null;
  /** Prefix of every `id` and `name` in the HTML; in-document `#links`
   * follow it. Default `"user-content-"`. */
  idPrefix?: string | null;
  /** Put `data-line="N"` (1-based source line) on every top-level block.
   * Default `true`. */
  sourceLines?: boolean | null;
  /** Parse `$…$` and `$$…$$` math into `code.math-inline` /
   * `code.math-display`. Default `false`. */
  math?: boolean | null;
  /** Sanitizer settings. Default
   * `{ allowStyle: true, allowRemoteImages: true, allowClasses: [] }`. */
  sanitize?: SanitizeOptions | null;
  /** Blocks shown as escaped source with an `internal-error` diagnostic
   * instead of being parsed: every run of whole lines whose text is one of
   * these. The package sets it itself when the parser fails on a block;
   * there is no need to set it by hand. Default `[]`. */
  isolate?: string[] | null;
}

/** Heading levels of the table of contents (1 to 6, `minLevel <= maxLevel`). */
export interface TocOptions {
  /** Smallest heading level listed. Default `2`. */
  minLevel?: number | null;
  /** Largest heading level listed. Default `3`. */
  maxLevel?: number | null;
}

/** How strict the sanitizer is. */
export interface SanitizeOptions {
  /** Keep (checked) inline `style` attributes. Default `true`. */
  allowStyle?: boolean | null;
  /** Allow `http:`/`https:` image sources; when `false` only relative,
   * `blob:` and `data:image/…` sources load. Default `true`. */
  allowRemoteImages?: boolean | null;
  /** Opt-in: class names kept on top of the renderer's own (ASCII letters,
   * digits, `-` and `_`). Default `[]`. */
  allowClasses?: string[] | null;
}

/** Everything a render gives. */
export interface RenderResult {
  /** Sanitized HTML fragment. Every top-level block carries `data-line`
   * unless `sourceLines` is `false`. Always present (may be `""`). */
  html: string;
  /** Table of contents, flat, in document order. Always present (may be
   * empty). */
  toc: TocEntry[];
  /** Every problem found, sorted by position. Always present (may be
   * empty). */
  diagnostics: Diagnostic[];
  /** The YAML front matter as a JSON object (keys in source order). Default
   * `null`: no front matter, or front matter that does not parse. */
  frontmatter: { [key: string]: unknown } | null;
  /** Front matter `title`, else the text of the first h1. Default `null`
   * when there is neither. */
  title: string | null;
}

/** What an incremental update changed, in top-level blocks. A block is
 * one segment of the source: its top-level nodes in the HTML and the line
 * ending after them (possibly nothing). Blocks `start .. start + removed`
 * of the previous update became `blocks`; every later block is as before
 * except that each of its `data-line` values grew by `lineShift`. */
export interface BlockChange {
  /** Index of the first changed block. Always present. */
  start: number;
  /** How many blocks of the previous update were removed. Always present. */
  removed: number;
  /** HTML of the blocks inserted at `start`, in order (concatenated, every
   * block of the update gives `html`). Always present (may be empty). */
  blocks: string[];
  /** Lines added (negative: removed) before the blocks after the change.
   * Always present. */
  lineShift: number;
  /** `true` when the previous blocks cannot be patched (first update, or a
   * full render that kept no blocks: then `blocks` is `[html]`): rebuild
   * from `html`. Always present. */
  full: boolean;
}

/** A render result plus what changed since the previous update. To keep a
 * keystroke cheap, arrays and objects that did not change (the `toc`, the
 * `diagnostics` of blocks that did not move, the `frontmatter`) are the same
 * objects as in the previous result: read results, do not modify them. */
export interface UpdateResult extends RenderResult {
  /** The blocks that changed. Always present. */
  change: BlockChange;
}

/** One heading of the table of contents. */
export interface TocEntry {
  /** The heading's `id` in the HTML, with the id prefix. Always present. */
  id: string;
  /** Heading level, 1 to 6. Always present. */
  level: number;
  /** The heading as HTML, as Docusaurus shows it (`<code>`, `<em>`,
   * `<strong>`, `<del>` kept, links unwrapped). Always present. */
  value: string;
  /** The heading as plain text. Always present. */
  text: string;
  /** 1-based source line of the heading. Always present. */
  line: number;
}

/** A problem in the document. Columns and offsets count UTF-16 code units,
 * as JavaScript strings, CodeMirror, Monaco and the DOM do. */
export interface Diagnostic {
  /** How bad it is. Always present. */
  severity: "error" | "warning" | "info";
  /** Stable kebab-case id of the rule, e.g. `"undefined-identifier"`.
   * Always present. */
  ruleId: string;
  /** Human readable message (may use markdown code spans). Always present. */
  message: string;
  /** 1-based line of the start. Always present. */
  line: number;
  /** 1-based column of the start. Always present. */
  column: number;
  /** 1-based line of the end. Always present. */
  endLine: number;
  /** 1-based column of the end (exclusive). Always present. */
  endColumn: number;
  /** 0-based offset of the start in the source. Always present. */
  offset: number;
  /** 0-based offset of the end in the source (exclusive). Always present. */
  endOffset: number;
  /** Replacement for `source.slice(offset, endOffset)` that fixes the
   * problem. Default: absent (no fix known). */
  suggestion?: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `RenderOptions` in TypeScript: any JS value, parsed by [`parse_options`].
    #[wasm_bindgen(typescript_type = "RenderOptions")]
    pub type RenderOptionsArg;

    /// `RenderResult` in TypeScript: the plain object [`to_js`] builds.
    #[wasm_bindgen(typescript_type = "RenderResult")]
    pub type RenderResultValue;

    /// `UpdateResult` in TypeScript: a result plus its `change`.
    #[wasm_bindgen(typescript_type = "UpdateResult")]
    pub type UpdateResultValue;
}

// Diagnostics of a block are kept as JavaScript objects relative to the
// block; these copy them shifted to where the block now is (cheaper than
// one object field by field from Rust, or a JSON text of all of them, at
// every keystroke of a long document).
#[wasm_bindgen(inline_js = r#"
export function shifted(list, line, offset) {
  const out = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const d = { ...list[i] };
    d.line += line;
    d.endLine += line;
    d.offset += offset;
    d.endOffset += offset;
    out[i] = d;
  }
  return out;
}
export function append(out, list) {
  for (let i = 0; i < list.length; i++) out.push(list[i]);
}
"#)]
extern "C" {
    fn shifted(list: &JsValue, line: f64, offset: f64) -> JsValue;
    fn append(out: &js_sys::Array, list: &JsValue);
}

/// Where the panic hook lists the messages of panics for the package's
/// JavaScript layer: the array `globalThis[Symbol.for(PANICS_KEY)]`.
const PANICS_KEY: &str = "mdx-preview.panics";

/// Install the panic hook (once).
fn init() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| std::panic::set_hook(Box::new(panic_hook)));
}

/// A panic traps the module (wasm cannot unwind). List its message (so the
/// JavaScript layer tells a panic from other traps) and log it if it is
/// the first one listed (the layer's search panics again on purpose; it
/// clears the list when done). The layer then asks for a fresh instance
/// with `__resetInstance`. (Asking here, with `schedule_reinit`, would also
/// reset wasm-bindgen-test's harness in the middle of a failing test.)
fn panic_hook(info: &std::panic::PanicHookInfo) {
    let global = js_sys::global();
    let key = js_sys::Symbol::for_(PANICS_KEY);
    let list = match js_sys::Reflect::get(&global, &key) {
        Ok(list) if js_sys::Array::is_array(&list) => js_sys::Array::from(&list),
        _ => {
            let list = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&global, &key, &list);
            list
        }
    };
    if list.length() == 0 {
        console_error_panic_hook::hook(info);
    }
    list.push(&info.to_string().into());
}

/// For the package's JavaScript layer, after a trap: the next call gets a
/// fresh instance (wasm-bindgen's reinit machinery, emitted because this
/// is used; no build flag needed). Needs neither memory nor the shadow
/// stack, so it runs even in a broken instance.
#[wasm_bindgen(js_name = "__resetInstance", skip_typescript)]
pub fn reset_instance() {
    wasm_bindgen::handler::schedule_reinit();
}

/// Render `source` to `{ html, toc, diagnostics, frontmatter, title }`.
/// Throws a `TypeError` when `source` is not a string or `options` are
/// invalid (the message names the argument or option); a document never
/// throws.
#[wasm_bindgen]
pub fn render(
    #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
    options: Option<RenderOptionsArg>,
) -> Result<RenderResultValue, JsValue> {
    init();
    let source = string_arg("render", "source", &source)?;
    let options = parse_options("render", options.map(JsValue::from))?;
    run(&source, &options)
}

/// A renderer whose options are parsed and checked once. `update` and
/// `edit` render incrementally: only the blocks an edit touches are parsed
/// again, and the result is identical to `render`'s.
#[wasm_bindgen]
pub struct Renderer {
    options: Options,
    engine: Option<Incremental>,
    cache: JsCache,
}

#[wasm_bindgen]
impl Renderer {
    /// Parse and check `options`; throws a `TypeError` naming an invalid
    /// option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<RenderOptionsArg>) -> Result<Renderer, JsValue> {
        init();
        Ok(Renderer {
            options: parse_options("Renderer", options.map(JsValue::from))?,
            engine: None,
            cache: JsCache::default(),
        })
    }

    /// Render `source` with this renderer's options. Throws a `TypeError`
    /// when `source` is not a string; a document never throws.
    pub fn render(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
    ) -> Result<RenderResultValue, JsValue> {
        let source = string_arg("Renderer.render", "source", &source)?;
        run(&source, &self.options)
    }

    /// Render `source` incrementally, reusing what it has in common with
    /// the source of the previous `update` or `edit`. Throws a `TypeError`
    /// when `source` is not a string; a document never throws.
    pub fn update(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
    ) -> Result<UpdateResultValue, JsValue> {
        let source = string_arg("Renderer.update", "source", &source)?;
        let update = engine(&mut self.engine, &self.options)?.update(&source);
        Ok(self.cache.result(&update)?)
    }

    /// Replace `from..to` (UTF-16 offsets, as JavaScript strings count) of
    /// the current source with `text` and render incrementally. Offsets past
    /// the end are clamped, `to < from` inserts at `from`, and an offset
    /// inside a surrogate pair takes in the whole character. Throws a
    /// `TypeError` when an offset is not a non-negative integer or `text`
    /// not a string; a document never throws.
    pub fn edit(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> Result<UpdateResultValue, JsValue> {
        let from = offset_arg("Renderer.edit", "from", &from)?;
        let to = offset_arg("Renderer.edit", "to", &to)?;
        let text = string_arg("Renderer.edit", "text", &text)?;
        let update = engine(&mut self.engine, &self.options)?.edit(from, to, &text);
        Ok(self.cache.result(&update)?)
    }

    /// The HTML of each top-level block of the last `update` or `edit`, in
    /// order (together: its `html`; `change.blocks` holds the changed ones).
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn blocks(&self) -> js_sys::Array {
        self.cache
            .blocks
            .iter()
            .flatten()
            .map(|(_, string)| JsValue::from(string))
            .collect()
    }

    /// The source the last `update` or `edit` rendered.
    pub fn source(&self) -> String {
        self.engine
            .as_ref()
            .map_or_else(String::new, |e| e.source().to_string())
    }
}

/// A live preview: renders into an element and patches its children.
///
/// Updates render incrementally (as `Renderer.update`), and only the blocks
/// that changed are parsed by the browser (in a `<template>`) and swapped
/// in; the others keep their DOM nodes (same objects, so selection, focus
/// and loaded images survive) and get their `data-line` moved. A changed
/// block whose content is the same as a removed one but for `data-line`
/// (text moved down) keeps the removed one's nodes. When the engine had to
/// render the whole document without blocks, the new top-level nodes are
/// matched with the current ones by their `outerHTML` without `data-line`.
/// If anything else changed the element's children since the last update,
/// the element is cleared and rebuilt.
#[wasm_bindgen]
pub struct Preview {
    element: Element,
    options: Options,
    /// The nodes currently in `element`, in order.
    nodes: Vec<Node>,
    /// Comparison key of each node in `nodes` (outerHTML without data-line).
    blocks: Vec<String>,
    engine: Option<Incremental>,
    /// The nodes of each block of the last update, and its key (its HTML
    /// without `data-line`); empty when the last update had no blocks.
    block_nodes: Vec<(Vec<Node>, String)>,
    cache: JsCache,
}

#[wasm_bindgen]
impl Preview {
    /// Preview into `element` (its current children are replaced at the
    /// first update). Throws a `TypeError` when `element` is not a DOM
    /// element or an option is invalid (the message names it).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Element")] element: JsValue,
        options: Option<RenderOptionsArg>,
    ) -> Result<Preview, JsValue> {
        init();
        let element = element.dyn_into::<Element>().map_err(|value| {
            type_error(&format!(
                "Preview: `element` must be a DOM Element, got {}",
                describe(&value)
            ))
        })?;
        Ok(Preview {
            element,
            options: parse_options("Preview", options.map(JsValue::from))?,
            nodes: Vec::new(),
            blocks: Vec::new(),
            engine: None,
            block_nodes: Vec::new(),
            cache: JsCache::default(),
        })
    }

    /// Render `source` incrementally, patch the element, and return the
    /// result (with the blocks that changed). Throws a `TypeError` when
    /// `source` is not a string; a document never throws.
    pub fn update(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
    ) -> Result<UpdateResultValue, JsValue> {
        let source = string_arg("Preview.update", "source", &source)?;
        let update = engine(&mut self.engine, &self.options)?.update(&source);
        let blocks = update.blocks();
        let change = &update.change;
        if change.full && blocks.len() == 1 && !blocks[0].html.is_empty() {
            // A full render without blocks: match nodes by content.
            self.block_nodes.clear();
            self.patch(blocks[0].html)?;
        } else {
            self.patch_blocks(&update)?;
        }
        Ok(self.cache.result(&update)?)
    }
}

impl Preview {
    /// Apply an update block by block.
    fn patch_blocks(&mut self, update: &Update) -> Result<(), JsError> {
        let parent: Node = self.element.clone().into();
        let blocks = update.blocks();
        let change = &update.change;
        let current: Vec<&Node> = self.block_nodes.iter().flat_map(|(n, _)| n).collect();
        let children = parent.child_nodes();
        let intact = !self.block_nodes.is_empty()
            && children.length() as usize == current.len()
            && current
                .iter()
                .enumerate()
                .all(|(i, node)| node.is_same_node(children.get(i as u32).as_ref()));
        let (start, removed) = if change.full || !intact {
            (0, self.block_nodes.len())
        } else {
            (change.start, change.removed)
        };
        if !intact {
            parent.set_text_content(None);
            self.block_nodes.clear();
            self.nodes.clear();
            self.blocks.clear();
        }
        let removed = removed.min(self.block_nodes.len().saturating_sub(start));
        let start = start.min(self.block_nodes.len());
        let inserted = if change.full || !intact {
            blocks.len()
        } else {
            change.inserted
        };
        let old: Vec<(Vec<Node>, String)> =
            self.block_nodes.drain(start..start + removed).collect();
        // Where new nodes go: before the first node of the next block.
        let anchor = self.block_nodes[start..]
            .iter()
            .find_map(|(nodes, _)| nodes.first().cloned());
        let document = self
            .element
            .owner_document()
            .ok_or_else(|| JsError::new("Preview: the element has no document"))?;
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (_, key)) in old.iter().enumerate().rev() {
            by_key.entry(key.clone()).or_default().push(i);
        }
        let mut used = vec![false; old.len()];
        let mut fresh_blocks = Vec::with_capacity(inserted);
        for block in blocks.iter().skip(start).take(inserted) {
            let block_html = block.html;
            let list = parse_fragment(&document, block_html)?;
            let fresh: Vec<Node> = (0..list.length()).filter_map(|i| list.get(i)).collect();
            let key = without_lines(block_html);
            let reuse = by_key.get_mut(&key).and_then(Vec::pop);
            let nodes = match reuse {
                Some(i) if old[i].0.len() == fresh.len() => {
                    used[i] = true;
                    for (kept, new) in old[i].0.iter().zip(&fresh) {
                        if let (Some(kept), Some(new)) =
                            (kept.dyn_ref::<Element>(), new.dyn_ref::<Element>())
                        {
                            set_line(kept, new.get_attribute("data-line").as_deref())?;
                        }
                    }
                    old[i].0.clone()
                }
                _ => fresh,
            };
            fresh_blocks.push((nodes, key));
        }
        for ((nodes, _), used) in old.iter().zip(&used) {
            if !used {
                for node in nodes {
                    parent.remove_child(node).map_err(js_error)?;
                }
            }
        }
        for (nodes, _) in &fresh_blocks {
            for node in nodes {
                parent
                    .insert_before(node, anchor.as_ref())
                    .map_err(js_error)?;
            }
        }
        // Later blocks moved by `lineShift` lines.
        if intact && !change.full && change.line_shift != 0 {
            for (nodes, _) in &self.block_nodes[start..] {
                for node in nodes {
                    if let Some(element) = node.dyn_ref::<Element>() {
                        if let Some(line) = element.get_attribute("data-line") {
                            let line: isize = line.parse().unwrap_or(0);
                            let moved = (line + change.line_shift).to_string();
                            element
                                .set_attribute("data-line", &moved)
                                .map_err(js_error)?;
                        }
                    }
                }
            }
        }
        let tail = self.block_nodes.split_off(start);
        self.block_nodes.extend(fresh_blocks);
        self.block_nodes.extend(tail);
        // The content-matching patch starts over if it is needed next.
        self.nodes.clear();
        self.blocks.clear();
        Ok(())
    }

    fn patch(&mut self, html: &str) -> Result<(), JsError> {
        let parent: &Node = self.element.as_ref();
        // Start over when someone else changed the element's children.
        let children = parent.child_nodes();
        let intact = children.length() as usize == self.nodes.len()
            && self
                .nodes
                .iter()
                .enumerate()
                .all(|(i, node)| node.is_same_node(children.get(i as u32).as_ref()));
        if !intact {
            parent.set_text_content(None);
            self.nodes.clear();
            self.blocks.clear();
        }

        let document = self
            .element
            .owner_document()
            .ok_or_else(|| JsError::new("Preview: the element has no document"))?;
        let fresh = parse_fragment(&document, html)?;

        // Old nodes by key, first occurrence last so `pop` takes it.
        let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, key) in self.blocks.iter().enumerate().rev() {
            by_key.entry(key.as_str()).or_default().push(i);
        }
        let mut used = vec![false; self.nodes.len()];
        let mut plan: Vec<(Node, String)> = Vec::with_capacity(fresh.length() as usize);
        for i in 0..fresh.length() {
            let Some(node) = fresh.get(i) else { continue };
            let (key, line) = block_key(&node);
            let reuse = by_key.get_mut(key.as_str()).and_then(Vec::pop);
            match reuse {
                Some(old) => {
                    used[old] = true;
                    let kept = self.nodes[old].clone();
                    if let Some(element) = kept.dyn_ref::<Element>() {
                        set_line(element, line.as_deref())?;
                    }
                    plan.push((kept, key));
                }
                None => plan.push((node, key)),
            }
        }
        for (node, used) in self.nodes.iter().zip(&used) {
            if !used {
                parent.remove_child(node).map_err(js_error)?;
            }
        }
        let mut cursor = parent.first_child();
        for (node, _) in &plan {
            match &cursor {
                Some(at) if at.is_same_node(Some(node)) => cursor = at.next_sibling(),
                _ => {
                    parent
                        .insert_before(node, cursor.as_ref())
                        .map_err(js_error)?;
                }
            }
        }
        (self.nodes, self.blocks) = plan.into_iter().unzip();
        Ok(())
    }
}

/// The nodes `html` parses to, through a `<template>` (inert: nothing in it
/// loads or runs until inserted).
fn parse_fragment(document: &web_sys::Document, html: &str) -> Result<web_sys::NodeList, JsError> {
    let template: HtmlTemplateElement = document
        .create_element("template")
        .map_err(js_error)?
        .unchecked_into();
    template.set_inner_html(html);
    Ok(template.content().child_nodes())
}

/// The comparison key of a top-level node (its outerHTML without
/// `data-line`, or its type and text) and its `data-line`.
fn block_key(node: &Node) -> (String, Option<String>) {
    match node.dyn_ref::<Element>() {
        Some(element) => {
            let line = element.get_attribute("data-line");
            let mut key = element.outer_html();
            if let Some(line) = &line {
                // The first ` data-line="N"` is the attribute itself: before
                // it there are only the tag name and attribute values, where
                // a raw `"` cannot occur. (Removing and re-adding the
                // attribute would move it to the end of the tag.)
                key = key.replacen(&format!(" data-line=\"{line}\""), "", 1);
            }
            (key, line)
        }
        None => {
            let text = node.text_content().unwrap_or_default();
            (format!("{}\u{0}{text}", node.node_name()), None)
        }
    }
}

/// A block's HTML without its ` data-line="N"` attributes (its key).
fn without_lines(html: &str) -> String {
    let needle = " data-line=\"";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(needle) {
        out.push_str(&rest[..at]);
        let after = &rest[at + needle.len()..];
        rest = after.find('"').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// The incremental engine of a `Renderer` or `Preview`, made on first use.
fn engine<'e>(
    slot: &'e mut Option<Incremental>,
    options: &Options,
) -> Result<&'e mut Incremental, JsValue> {
    if slot.is_none() {
        *slot = Some(Incremental::new(options.clone()).map_err(options_error)?);
    }
    slot.as_mut()
        .ok_or_else(|| JsError::new("incremental engine missing").into())
}

/// What the last update handed to JavaScript, so the next one converts
/// only what changed: each block's HTML as a JavaScript string (by block
/// id; the document's HTML is their concatenation, which the engine joins
/// without copying), and the TOC, diagnostics and front matter while they
/// stay equal. Unchanged arrays are the same objects as in the previous
/// result (results are to be read, not modified).
#[derive(Default)]
struct JsCache {
    /// Each block of the last result: its id and HTML string.
    blocks: Vec<Option<(u64, js_sys::JsString)>>,
    /// Ids of the blocks with TOC entries, the entries and their array.
    toc: Option<(Vec<u64>, Vec<crate::TocEntry>, JsValue)>,
    /// Each block with diagnostics in the last result: its key (list id,
    /// line, offset), its list relative to it, and that list placed.
    diagnostics: Vec<Option<(ReportsKey, JsValue, JsValue)>>,
    /// The last result's diagnostics array.
    all_diagnostics: Option<JsValue>,
    frontmatter: Option<(Option<Value>, JsValue)>,
}

/// A block's diagnostics: list id, lines and UTF-16 offset before the block.
type ReportsKey = (u64, usize, usize);

/// Take the entry for `key` out of the previous list, looking where it would
/// be if nothing moved: at the same index, or as far from the end (the
/// blocks before and after an edit). Anything else is made anew.
fn aligned<K: PartialEq, V>(
    previous: &mut [Option<(K, V)>],
    index: usize,
    length: usize,
    key: &K,
) -> Option<V> {
    let from_end = (index + previous.len()).checked_sub(length);
    for at in [Some(index), from_end].into_iter().flatten() {
        if let Some(slot) = previous.get_mut(at) {
            if slot.as_ref().is_some_and(|(k, _)| k == key) {
                return slot.take().map(|(_, value)| value);
            }
        }
    }
    None
}

impl JsCache {
    /// An update as `{ ...RenderResult, change }`.
    fn result(&mut self, update: &Update) -> Result<UpdateResultValue, JsError> {
        let blocks = update.blocks();
        let mut previous = std::mem::take(&mut self.blocks);
        let mut html = js_sys::JsString::from("");
        for (index, block) in blocks.iter().enumerate() {
            let kept = match block.id {
                0 => None,
                id => aligned(&mut previous, index, blocks.len(), &id),
            };
            let string = kept.unwrap_or_else(|| js_sys::JsString::from(block.html));
            html = html.concat(&string);
            self.blocks.push(Some((block.id, string)));
        }

        let toc_ids: Vec<u64> = blocks
            .iter()
            .zip(update.block_toc())
            .filter(|(_, toc)| !toc.is_empty())
            .map(|(block, _)| block.id)
            .collect();
        // The same blocks hold the headings: the same TOC. Otherwise the
        // entries may still be equal (a heading block rendered again).
        let toc_same = self.toc.as_ref().is_some_and(|(ids, toc, _)| {
            (*ids == toc_ids && !toc_ids.contains(&0)) || {
                let mut old = toc.iter();
                update
                    .block_toc()
                    .iter()
                    .flat_map(|entries| entries.iter())
                    .all(|entry| old.next() == Some(entry))
                    && old.next().is_none()
            }
        });
        match (&mut self.toc, toc_same) {
            (Some((ids, _, _)), true) => *ids = toc_ids,
            _ => {
                let toc = update.toc();
                let value = json_value(&toc)?;
                self.toc = Some((toc_ids, toc, value));
            }
        }
        self.diagnostics(update)?;
        let frontmatter = update.frontmatter();
        if !self
            .frontmatter
            .as_ref()
            .is_some_and(|(old, _)| old.as_ref() == frontmatter)
        {
            let value = frontmatter.map_or(Ok(JsValue::NULL), json_value)?;
            self.frontmatter = Some((frontmatter.cloned(), value));
        }

        let toc = self
            .toc
            .as_ref()
            .map_or(JsValue::NULL, |(_, _, value)| value.clone());
        let diagnostics = self.all_diagnostics.clone().unwrap_or(JsValue::NULL);
        let frontmatter = self
            .frontmatter
            .as_ref()
            .map_or(JsValue::NULL, |(_, value)| value.clone());
        let object = result_object(&html, &toc, &diagnostics, &frontmatter, update.title())?;

        let change = &update.change;
        let inserted = js_sys::Array::new();
        for (_, string) in self
            .blocks
            .iter()
            .flatten()
            .skip(change.start)
            .take(change.inserted)
        {
            inserted.push(string);
        }
        let change_object = js_sys::Object::new();
        set(&change_object, "start", &(change.start as f64).into())?;
        set(&change_object, "removed", &(change.removed as f64).into())?;
        set(&change_object, "blocks", &inserted)?;
        set(
            &change_object,
            "lineShift",
            &(change.line_shift as f64).into(),
        )?;
        set(&change_object, "full", &change.full.into())?;
        set(&object, "change", &change_object)?;
        Ok(JsValue::from(object).unchecked_into())
    }
}

impl JsCache {
    /// Bring the diagnostics array up to date with `update`, reusing the
    /// objects of blocks that did not move (and the array itself when none
    /// did), and each block's relative list while its unit is the same.
    fn diagnostics(&mut self, update: &Update) -> Result<(), JsError> {
        let blocks = update.block_diagnostics();
        let keys: Vec<ReportsKey> = blocks
            .iter()
            .map(|block| (block.id, block.line, block.utf16))
            .collect();
        let unchanged = keys.len() == self.diagnostics.len()
            && keys.iter().zip(&self.diagnostics).all(|(key, old)| {
                key.0 != 0 && old.as_ref().is_some_and(|(old_key, _, _)| old_key == key)
            });
        if unchanged && self.all_diagnostics.is_some() {
            return Ok(());
        }
        // Placed lists by full key; relative ones by list id.
        let mut previous: Vec<Option<(ReportsKey, (JsValue, JsValue))>> = self
            .diagnostics
            .drain(..)
            .map(|slot| slot.map(|(key, relative, placed)| (key, (relative, placed))))
            .collect();
        let out = js_sys::Array::new();
        for (index, (block, key)) in blocks.iter().zip(&keys).enumerate() {
            let (relative, placed) = match aligned(&mut previous, index, keys.len(), key) {
                Some(lists) if key.0 != 0 => lists,
                _ => {
                    // The same list in a block that moved: shift it anew.
                    let from_end = (index + previous.len()).checked_sub(keys.len());
                    let moved = [Some(index), from_end]
                        .into_iter()
                        .flatten()
                        .find_map(|at| {
                            let slot = previous.get_mut(at)?;
                            if key.0 != 0 && slot.as_ref().is_some_and(|(k, _)| k.0 == key.0) {
                                slot.take().map(|(_, (relative, _))| relative)
                            } else {
                                None
                            }
                        });
                    let relative = match moved {
                        Some(list) => list,
                        None => json_value(&block.relative)?,
                    };
                    let placed = shifted(&relative, block.line as f64, block.utf16 as f64);
                    (relative, placed)
                }
            };
            append(&out, &placed);
            self.diagnostics.push(Some((*key, relative, placed)));
        }
        self.all_diagnostics = Some(out.into());
        Ok(())
    }
}

/// `value` as JavaScript through one JSON text: for arrays of many small
/// objects, faster than building them field by field. (A front matter
/// integer JavaScript cannot hold exactly is rounded, as `JSON.parse` does.)
fn json_value<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(&to_json(value)).map_err(js_error)
}

/// Give a kept element the `data-line` of the block it now stands for.
fn set_line(element: &Element, line: Option<&str>) -> Result<(), JsError> {
    let current = element.get_attribute("data-line");
    if current.as_deref() == line {
        return Ok(());
    }
    match line {
        Some(line) => element.set_attribute("data-line", line).map_err(js_error),
        None => element.remove_attribute("data-line").map_err(js_error),
    }
}

fn run(source: &str, options: &Options) -> Result<RenderResultValue, JsValue> {
    let rendered = crate::render(source, options).map_err(options_error)?;
    Ok(to_js(&rendered)?)
}

/// The result as a plain object: the HTML as one string, the TOC,
/// diagnostics and front matter through their JSON text.
fn to_js(rendered: &Rendered) -> Result<RenderResultValue, JsError> {
    let frontmatter = rendered
        .frontmatter
        .as_ref()
        .map_or(Ok(JsValue::NULL), json_value)?;
    let object = result_object(
        &JsValue::from_str(&rendered.html),
        &json_value(&rendered.toc)?,
        &json_value(&rendered.diagnostics)?,
        &frontmatter,
        rendered.title.as_deref(),
    )?;
    Ok(JsValue::from(object).unchecked_into())
}

/// Set `key` of `target`.
fn set(target: &js_sys::Object, key: &str, value: &JsValue) -> Result<(), JsError> {
    js_sys::Reflect::set(target, &key.into(), value)
        .map(drop)
        .map_err(js_error)
}

/// `{ html, toc, diagnostics, frontmatter, title }`, in that order.
fn result_object(
    html: &JsValue,
    toc: &JsValue,
    diagnostics: &JsValue,
    frontmatter: &JsValue,
    title: Option<&str>,
) -> Result<js_sys::Object, JsError> {
    let object = js_sys::Object::new();
    set(&object, "html", html)?;
    set(&object, "toc", toc)?;
    set(&object, "diagnostics", diagnostics)?;
    set(&object, "frontmatter", frontmatter)?;
    let title = title.map_or(JsValue::NULL, JsValue::from_str);
    set(&object, "title", &title)?;
    Ok(object)
}

/// Options from JavaScript: `undefined`/`null` (here `None`), or an object
/// whose fields are as in `RenderOptions`. A field set to `undefined` or
/// `null` takes its default. Errors are `TypeError`s naming the option
/// (`toc.minLevel`); `function` names the caller for the message.
fn parse_options(function: &str, value: Option<JsValue>) -> Result<Options, JsValue> {
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(Options::default());
    };
    if !value.is_object() || js_sys::Array::is_array(&value) || value.is_function() {
        return Err(type_error(&format!(
            "{function}: `options` must be an object, undefined or null, got {}",
            describe(&value)
        )));
    }
    // serde-wasm-bindgen gives the object as JSON (`undefined` fields as
    // `null`, which `from_json` takes as the default); `from_json` checks
    // every field and names the one that is wrong.
    let json: Value = serde_wasm_bindgen::from_value(value)
        .map_err(|e| type_error(&format!("invalid options: {e}")))?;
    Options::from_json(&json).map_err(options_error)
}

fn options_error(error: OptionsError) -> JsValue {
    type_error(&error.to_string())
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// `value` as a string, or a `TypeError` naming `name`, argument of
/// `function`.
fn string_arg(function: &str, name: &str, value: &JsValue) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        type_error(&format!(
            "{function}: `{name}` must be a string, got {}",
            describe(value)
        ))
    })
}

/// `value` as a UTF-16 offset (a non-negative integer; past the end is
/// clamped later), or a `TypeError` naming `name`.
fn offset_arg(function: &str, name: &str, value: &JsValue) -> Result<usize, JsValue> {
    match value.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n as usize),
        _ => Err(type_error(&format!(
            "{function}: `{name}` must be a non-negative integer (a UTF-16 offset), got {}",
            describe(value)
        ))),
    }
}

/// What a JavaScript value is, for messages: `a number (5)`, `null`,
/// `a string ("ab…")`, `an object`.
fn describe(value: &JsValue) -> String {
    if value.is_null() {
        return "null".into();
    }
    if value.is_undefined() {
        return "undefined".into();
    }
    if js_sys::Array::is_array(value) {
        return "an array".into();
    }
    if let Some(text) = value.as_string() {
        let short: String = text.chars().take(20).collect();
        let more = if short.len() < text.len() { "…" } else { "" };
        return format!("a string ({short:?}{more})");
    }
    if let Some(number) = value.as_f64() {
        return format!("a number ({})", crate::js::number_to_string(number));
    }
    if let Some(boolean) = value.as_bool() {
        return format!("a boolean ({boolean})");
    }
    match value.js_typeof().as_string().as_deref() {
        Some("object") => "an object".into(),
        Some(kind) => format!("a {kind}"),
        None => "a value".into(),
    }
}

fn js_error(value: JsValue) -> JsError {
    let message = value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown JavaScript error".into());
    JsError::new(&message)
}

/// Bench-only (`--features bench`, never in `pkg/`): markdown-rs `to_mdast`
/// alone, with the parse options `render` uses for `format` (`"md"` or
/// `"mdx"`), on the whole source. Returns the number of top-level nodes, or
/// -1 when markdown-rs reports a syntax error, so the tree is never copied to
/// JavaScript. tests/bench/run.mjs compares `render` with it.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = parseOnly)]
pub fn parse_only(source: &str, format: &str) -> i32 {
    let options = Options {
        format: if format == "md" {
            crate::Format::Md
        } else {
            crate::Format::Mdx
        },
        ..Options::default()
    };
    match markdown::to_mdast(source, &crate::parse::parse_options(&options)) {
        Ok(tree) => tree.children().map_or(0, |children| {
            i32::try_from(children.len()).unwrap_or(i32::MAX)
        }),
        Err(_) => -1,
    }
}
