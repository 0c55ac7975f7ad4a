//! Argument checks of the binding: every value JavaScript passes in is
//! checked here, and a wrong one is a `TypeError` that names the function,
//! the argument (or option) and what was given, never a wasm memory error.

use crate::{Options, OptionsError};
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// Options from JavaScript: `undefined`/`null` (here `None`), or an object
/// whose fields are as in `RenderOptions`. A field set to `undefined` or
/// `null` takes its default. Errors are `TypeError`s naming the option
/// (`toc.minLevel`); `function` names the caller for the message.
pub(super) fn parse_options(function: &str, value: Option<JsValue>) -> Result<Options, JsValue> {
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

/// Invalid options as a `TypeError` (the message names the option).
pub(super) fn options_error(error: OptionsError) -> JsValue {
    type_error(&error.to_string())
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// `value` as a string, or a `TypeError` naming `name`, argument of
/// `function`.
pub(super) fn string_arg(function: &str, name: &str, value: &JsValue) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        type_error(&format!(
            "{function}: `{name}` must be a string, got {}",
            describe(value)
        ))
    })
}

/// `value` as a UTF-16 offset (a non-negative integer; past the end is
/// clamped later), or a `TypeError` naming `name`.
pub(super) fn offset_arg(function: &str, name: &str, value: &JsValue) -> Result<usize, JsValue> {
    match value.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(n as usize),
        _ => Err(type_error(&format!(
            "{function}: `{name}` must be a non-negative integer (a UTF-16 offset), got {}",
            describe(value)
        ))),
    }
}

/// What a JavaScript value is, for messages: `a number (5)`, `null`,
/// `a string ("ab…")`, `an object`. (The package's `Preview`, in
/// JavaScript, describes its `element` argument the same way:
/// `src/js/preview.mjs`.)
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
