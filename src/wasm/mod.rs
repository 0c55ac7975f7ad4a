//! The JavaScript binding: the only module that knows about JavaScript.
//!
//! Exports `render(source, options?)` and the `Renderer` class (options
//! parsed and checked once; `update` and `edit` render incrementally).
//! Results are plain objects shaped as in the README (`{ html, toc,
//! diagnostics, frontmatter, title }`), built by [`convert`]; arguments are
//! checked by [`args`] (a wrong one throws a `TypeError` naming it); the
//! TypeScript shapes are in [`types`]. A document never throws. The DOM
//! side (`Preview` and the block patcher) is the package's JavaScript
//! (`src/js/preview.mjs`, `src/js/patch.mjs`), driven by `change`.
//!
//! A panic (a parser bug) traps the module. The panic hook logs the first
//! one and records its message; after any trap the package's JavaScript
//! layer (`src/js/contain.mjs`) calls `__resetInstance`, which asks
//! wasm-bindgen for a fresh instance at the next call
//! (`wasm_bindgen::handler::schedule_reinit`), and renders the document
//! again with the failing block isolated (see [`crate::contain`]).

mod args;
mod convert;
mod types;

pub use types::{RenderOptionsArg, RenderResultValue, UpdateResultValue};

use crate::Options;
use crate::incremental::Incremental;
use args::{offset_arg, options_error, parse_options, string_arg};
use convert::{JsCache, to_js};
use wasm_bindgen::prelude::*;

/// The allocator: talc instead of the standard library's dlmalloc, which
/// is 2.5 KB gzip larger in the package for the same render times.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

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
        let update = engine(&mut self.engine, &self.options)?.update_owned(source);
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
        self.cache.blocks()
    }

    /// The source the last `update` or `edit` rendered.
    pub fn source(&self) -> String {
        self.engine
            .as_ref()
            .map_or_else(String::new, |e| e.source().to_string())
    }
}

/// The incremental engine of a `Renderer`, made on first use.
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

fn run(source: &str, options: &Options) -> Result<RenderResultValue, JsValue> {
    let rendered = crate::render(source, options).map_err(options_error)?;
    Ok(to_js(&rendered)?)
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
