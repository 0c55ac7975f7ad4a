//! Result conversion: Rust results to the plain JavaScript objects of the
//! README (`{ html, toc, diagnostics, frontmatter, title }`, plus `change`
//! for an incremental update), and the per-block cache ([`JsCache`]) that
//! makes a keystroke convert only what changed.

use super::types::{RenderResultValue, UpdateResultValue};
use crate::Rendered;
use crate::incremental::{Block, BlockChange, Update};
use crate::json::{ToJson, to_json};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

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
export function result_object(html, toc, diagnostics, frontmatter, title) {
  return { html, toc, diagnostics, frontmatter, title: title ?? null };
}
export function update_object(html, toc, diagnostics, frontmatter, title, change) {
  return { html, toc, diagnostics, frontmatter, title: title ?? null, change };
}
export function change_object(start, removed, blocks, lineShift, full) {
  return { start, removed, blocks, lineShift, full };
}
"#)]
extern "C" {
    fn shifted(list: &JsValue, line: f64, offset: f64) -> JsValue;
    fn append(out: &js_sys::Array, list: &JsValue);
    // The result objects in one call each: setting their fields one by one
    // from Rust made a JavaScript string of every key, every keystroke.
    fn result_object(
        html: &JsValue,
        toc: &JsValue,
        diagnostics: &JsValue,
        frontmatter: &JsValue,
        title: Option<&str>,
    ) -> JsValue;
    fn update_object(
        html: &JsValue,
        toc: &JsValue,
        diagnostics: &JsValue,
        frontmatter: &JsValue,
        title: Option<&str>,
        change: &JsValue,
    ) -> JsValue;
    fn change_object(
        start: f64,
        removed: f64,
        blocks: &js_sys::Array,
        line_shift: f64,
        full: bool,
    ) -> JsValue;
}

/// What the last update handed to JavaScript, so the next one converts
/// only what changed: each block's HTML as a JavaScript string (by block
/// id; the document's HTML is their concatenation, which the engine joins
/// without copying), and the TOC, diagnostics and front matter while they
/// stay equal. Unchanged arrays are the same objects as in the previous
/// result (results are to be read, not modified).
#[derive(Default)]
pub(super) struct JsCache {
    /// Each block of the last result: its id and HTML string.
    blocks: Vec<Option<(u64, js_sys::JsString)>>,
    /// The blocks' strings (`tree[0]`), then each level's strings joined
    /// in pairs, up to one string: the document's HTML. Replacing blocks
    /// costs a few joins per level, not one per block of the document.
    tree: Vec<Vec<js_sys::JsString>>,
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
    pub(super) fn result(&mut self, update: &Update) -> Result<UpdateResultValue, JsError> {
        let blocks = update.blocks();
        let html = self.html(update, &blocks);
        self.toc(update)?;
        self.diagnostics(update)?;
        self.frontmatter(update)?;
        let toc = self
            .toc
            .as_ref()
            .map_or(JsValue::NULL, |(_, _, value)| value.clone());
        let diagnostics = self.all_diagnostics.clone().unwrap_or(JsValue::NULL);
        let frontmatter = self
            .frontmatter
            .as_ref()
            .map_or(JsValue::NULL, |(_, value)| value.clone());
        let change = self.change(&update.change);
        let object = update_object(
            &html,
            &toc,
            &diagnostics,
            &frontmatter,
            update.title(),
            &change,
        );
        Ok(object.unchecked_into())
    }

    /// Every block's HTML string of the last update, in order.
    pub(super) fn blocks(&self) -> js_sys::Array {
        self.blocks
            .iter()
            .flatten()
            .map(|(_, string)| JsValue::from(string))
            .collect()
    }

    /// Bring the blocks' strings up to date (a block that did not change
    /// keeps its string) and give the document's HTML, their concatenation.
    fn html(&mut self, update: &Update, blocks: &[Block]) -> JsValue {
        if !self.replaced(&update.change, blocks) {
            let mut previous = std::mem::take(&mut self.blocks);
            for (index, block) in blocks.iter().enumerate() {
                let kept = match block.id {
                    0 => None,
                    id => aligned(&mut previous, index, blocks.len(), &id),
                };
                let string = kept.unwrap_or_else(|| js_sys::JsString::from(block.html()));
                self.blocks.push(Some((block.id, string)));
            }
            let leaves = self.blocks.iter().flatten().map(|(_, s)| s.clone());
            self.tree = vec![leaves.collect()];
            while let Some(below) = self.tree.last().filter(|level| level.len() > 1) {
                let above = below.chunks(2).map(join).collect();
                self.tree.push(above);
            }
        }
        let root = self.tree.last().and_then(|level| level.first());
        root.map_or_else(|| js_sys::JsString::from(""), Clone::clone)
            .into()
    }

    /// Replace the blocks `change` names in place when as many came as
    /// went and every other block has the id it had; joins again only the
    /// strings above them. Whether it did.
    fn replaced(&mut self, change: &BlockChange, blocks: &[Block]) -> bool {
        let (start, end) = (change.start, change.start + change.inserted);
        let same = |(old, new): (&Option<(u64, js_sys::JsString)>, &Block)| {
            new.id != 0 && old.as_ref().is_some_and(|(id, _)| *id == new.id)
        };
        let fits = !change.full
            && change.inserted == change.removed
            && self.blocks.len() == blocks.len()
            && self
                .tree
                .first()
                .is_some_and(|leaves| leaves.len() == blocks.len())
            && end <= blocks.len()
            && self.blocks[..start].iter().zip(&blocks[..start]).all(same)
            && self.blocks[end..].iter().zip(&blocks[end..]).all(same);
        if !fits {
            return false;
        }
        for (index, block) in blocks.iter().enumerate().take(end).skip(start) {
            let string = js_sys::JsString::from(block.html());
            self.tree[0][index] = string.clone();
            self.blocks[index] = Some((block.id, string));
        }
        let (mut from, mut to) = (start, end);
        for level in 1..self.tree.len() {
            if from >= to {
                break;
            }
            (from, to) = (from / 2, (to - 1) / 2 + 1);
            for index in from..to {
                let below = &self.tree[level - 1];
                let pair = &below[2 * index..(2 * index + 2).min(below.len())];
                self.tree[level][index] = join(pair);
            }
        }
        true
    }

    /// Bring the TOC array up to date: the same array while the entries are
    /// the same.
    fn toc(&mut self, update: &Update) -> Result<(), JsError> {
        let toc_blocks = update.toc_blocks();
        let toc_ids: Vec<u64> = toc_blocks.iter().map(|block| block.id).collect();
        // The same blocks hold the headings: the same TOC. Otherwise the
        // entries may still be equal (a heading block rendered again).
        let toc_same = self.toc.as_ref().is_some_and(|(ids, toc, _)| {
            *ids == toc_ids || {
                let mut old = toc.iter();
                toc_blocks
                    .iter()
                    .flat_map(|block| block.toc())
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
        Ok(())
    }

    /// Bring the front matter object up to date: the same object while the
    /// front matter is equal.
    fn frontmatter(&mut self, update: &Update) -> Result<(), JsError> {
        let frontmatter = update.frontmatter();
        if !self
            .frontmatter
            .as_ref()
            .is_some_and(|(old, _)| old.as_ref() == frontmatter)
        {
            let value = frontmatter.map_or(Ok(JsValue::NULL), json_value)?;
            self.frontmatter = Some((frontmatter.cloned(), value));
        }
        Ok(())
    }

    /// `change` as `{ start, removed, blocks, lineShift, full }`, `blocks`
    /// holding the inserted blocks' strings (after [`Self::html`]).
    fn change(&self, change: &BlockChange) -> JsValue {
        let end = (change.start + change.inserted).min(self.blocks.len());
        let inserted: js_sys::Array = self.blocks[change.start.min(end)..end]
            .iter()
            .flatten()
            .map(|(_, string)| JsValue::from(string))
            .collect();
        change_object(
            change.start as f64,
            change.removed as f64,
            &inserted,
            change.line_shift as f64,
            change.full,
        )
    }

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
                    let relative = match moved_list(&mut previous, index, keys.len(), key) {
                        Some(list) => list,
                        None => json_value(&block.relative())?,
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

/// The relative list of the same diagnostics in a block that moved (same
/// list id, other lines or offset), taken from where [`aligned`] looks.
fn moved_list(
    previous: &mut [Option<(ReportsKey, (JsValue, JsValue))>],
    index: usize,
    length: usize,
    key: &ReportsKey,
) -> Option<JsValue> {
    if key.0 == 0 {
        return None;
    }
    let from_end = (index + previous.len()).checked_sub(length);
    [Some(index), from_end]
        .into_iter()
        .flatten()
        .find_map(|at| {
            let slot = previous.get_mut(at)?;
            if slot.as_ref().is_some_and(|(k, _)| k.0 == key.0) {
                slot.take().map(|(_, (relative, _))| relative)
            } else {
                None
            }
        })
}

/// One or two strings joined.
fn join(pair: &[js_sys::JsString]) -> js_sys::JsString {
    match pair {
        [left, right] => left.concat(right),
        [one] => one.clone(),
        _ => js_sys::JsString::from(""),
    }
}

/// `value` as JavaScript through one JSON text: for arrays of many small
/// objects, faster than building them field by field. (A front matter
/// integer JavaScript cannot hold exactly is rounded, as `JSON.parse` does.)
fn json_value<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(&to_json(value)).map_err(js_error)
}

/// A whole render as a plain object: the HTML as one string, the TOC,
/// diagnostics and front matter through their JSON text.
pub(super) fn to_js(rendered: &Rendered) -> Result<RenderResultValue, JsError> {
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
    );
    Ok(object.unchecked_into())
}

/// A JavaScript exception as a `JsError` with its message.
fn js_error(value: JsValue) -> JsError {
    let message = value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown JavaScript error".into());
    JsError::new(&message)
}
