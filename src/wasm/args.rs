//! Argument checks of the binding: every value JavaScript passes in is
//! checked here, and a wrong one is a `TypeError` that names the function,
//! the argument (or option) and what was given, never a wasm memory error.

use crate::{Options, OptionsError};
use serde_json::{Map, Value};
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
    // The object as JSON (`undefined` fields as `null`, which `from_json`
    // takes as the default); `from_json` checks every field and names the
    // one that is wrong.
    let json = to_json(&value).map_err(|e| type_error(&format!("invalid options: {e}")))?;
    Options::from_json(&json).map_err(options_error)
}

// JavaScript values to JSON as serde-wasm-bindgen 0.6 gave them to
// serde_json's `Value`, which is how options were read before: the same
// values, and the same errors in the same words, after the same property
// reads. (Without the generic deserializer the wasm also loses Rust's float
// formatting, which only its error messages used.)

/// Why a value cannot be JSON: a message (shown as JavaScript shows an
/// `Error` with it), or what an iterator threw.
enum JsonError {
    Message(String),
    Thrown(JsValue),
}

impl From<JsValue> for JsonError {
    fn from(thrown: JsValue) -> Self {
        JsonError::Thrown(thrown)
    }
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            JsonError::Message(message) => write!(f, "Error: {message}"),
            JsonError::Thrown(value) => f.write_str(&js_string(value)),
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// JavaScript's `String(value)`.
    #[wasm_bindgen(js_name = String)]
    fn js_string(value: &JsValue) -> String;
}

/// `value` as JSON: `null` and `undefined` as null, safe integers and
/// BigInts in 64 bits as integers, other numbers as floats (null if not
/// finite), arrays and iterables in an array, plain objects and `Map`s
/// with string keys as objects; anything else is an error.
fn to_json(value: &JsValue) -> Result<Value, JsonError> {
    if value.loose_eq(&JsValue::NULL) {
        return Ok(Value::Null);
    }
    if let Some(boolean) = value.as_bool() {
        return Ok(Value::Bool(boolean));
    }
    if value.is_bigint() {
        return match i64::try_from(value.clone()) {
            Ok(n) => Ok(Value::from(n)),
            Err(value) => match u64::try_from(value) {
                Ok(n) => Ok(Value::from(n)),
                Err(_) => Err(JsonError::Message(
                    "Couldn't deserialize i64 or u64 from a BigInt outside i64::MIN..u64::MAX bounds"
                        .into(),
                )),
            },
        };
    }
    if let Some(number) = value.as_f64() {
        return Ok(if js_sys::Number::is_safe_integer(value) {
            Value::from(number as i64)
        } else {
            serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)
        });
    }
    if let Some(text) = value.as_string() {
        return Ok(Value::String(text));
    }
    if js_sys::Array::is_array(value) {
        let mut items = Vec::new();
        if let Some(array) = value.dyn_ref::<js_sys::Array>() {
            for item in array.iter() {
                items.push(to_json(&item)?);
            }
        } else if let Some(iter) = js_sys::try_iter(value)? {
            for item in iter {
                items.push(to_json(&item?)?);
            }
        } else {
            return Err(invalid_type(value, ANY));
        }
        return Ok(Value::Array(items));
    }
    if is_bytes(value) {
        return Err(invalid_type(value, ANY));
    }
    if value.is_object()
        && (!js_sys::Symbol::iterator().js_in(value) || value.has_type::<js_sys::Map>())
    {
        let mut map = Map::new();
        if let Some(iter) = js_sys::try_iter(value)? {
            for pair in iter {
                entry(&mut map, &pair?)?;
            }
        } else {
            for pair in js_sys::Object::entries(value.unchecked_ref()).iter() {
                entry(&mut map, &pair)?;
            }
        }
        return Ok(Value::Object(map));
    }
    Err(invalid_type(value, ANY))
}

/// What serde_json expected of a value, a first key and any other key.
const ANY: &str = "any valid JSON value";
const FIRST_KEY: &str = "a string key";
const KEY: &str = "a string";

/// Add a `[key, value]` pair to `map`; the key must be a string.
fn entry(map: &mut Map<String, Value>, pair: &JsValue) -> Result<(), JsonError> {
    let pair: &js_sys::Array = pair.unchecked_ref();
    let key = pair.get(0);
    let Some(name) = key.as_string() else {
        let expected = if map.is_empty() { FIRST_KEY } else { KEY };
        return Err(invalid_type(&key, expected));
    };
    map.insert(name, to_json(&pair.get(1))?);
    Ok(())
}

fn is_bytes(value: &JsValue) -> bool {
    value.has_type::<js_sys::Uint8Array>() || value.has_type::<js_sys::ArrayBuffer>()
}

/// serde's "invalid type" error for `value`, which was not `expected` (a
/// string quoted as JSON, like every string in these messages: the same
/// text as serde's for any string without control characters).
#[cold]
fn invalid_type(value: &JsValue, expected: &str) -> JsonError {
    let unexpected = if value.loose_eq(&JsValue::NULL) {
        "unit value".to_string()
    } else if let Some(boolean) = value.as_bool() {
        format!("boolean `{boolean}`")
    } else if let Some(number) = value.as_f64() {
        format!("floating point `{}`", float_with_point(number))
    } else if let Some(text) = value.as_string() {
        format!("string {}", crate::json::to_json(text.as_str()))
    } else if is_bytes(value) {
        "byte array".to_string()
    } else {
        format!("{value:?}")
    };
    JsonError::Message(format!("invalid type: {unexpected}, expected {expected}"))
}

/// `number` as Rust's `{}` writes an `f64` (all digits, no exponent; `NaN`,
/// `inf`, `-0`), with `.0` added to a finite one without a point, as serde
/// words a float. The shortest digits come from the JS engine (both give the
/// shortest that reads back, the closest of those).
fn float_with_point(number: f64) -> String {
    if number.is_nan() {
        return "NaN".into();
    }
    let sign = if number.is_sign_negative() { "-" } else { "" };
    if number.is_infinite() {
        return format!("{sign}inf");
    }
    let spelled = crate::js::number_to_string(number.abs());
    let (mantissa, exponent) = match spelled.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
        None => (spelled.as_str(), 0),
    };
    let text = if exponent == 0 {
        mantissa.to_string()
    } else {
        // d.ddd × 10^exponent, written out.
        let digits = mantissa.replace('.', "");
        let point = 1 + exponent;
        if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}", "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        }
    };
    let point = if text.contains('.') { "" } else { ".0" };
    format!("{sign}{text}{point}")
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
        return format!("a string ({}{more})", crate::json::to_json(short.as_str()));
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
