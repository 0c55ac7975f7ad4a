//! JSON text for the results, written by hand.
//!
//! The wasm binding hands the TOC and diagnostics to JavaScript as one JSON
//! text each (`JSON.parse` builds many small objects faster than setting
//! their fields one by one from Rust), and the front matter's non-string
//! keys are spelled as JSON. Writing that text here, for exactly these
//! shapes, keeps a general serializer (and its float formatting) out of the
//! wasm. The output is what `serde_json::to_string` gives for the same
//! values (tests/json.rs checks it), except that a float is spelled as
//! JavaScript spells it ([`crate::js::number_to_string`]).

use crate::{Diagnostic, TocEntry};
use serde_json::Value;

/// A value that can be written as JSON.
pub trait ToJson {
    /// Append the JSON text of `self` to `out`.
    fn write_json(&self, out: &mut String);
}

/// The JSON text of `value`.
///
/// ```
/// use mdx_preview::json::to_json;
/// let value = serde_json::json!({"a": [1, "x\n"], "b": null});
/// assert_eq!(to_json(&value), r#"{"a":[1,"x\n"],"b":null}"#);
/// ```
pub fn to_json<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// Append `text` as a JSON string (quotes, backslashes and control
/// characters escaped, everything else as is).
pub fn write_string(out: &mut String, text: &str) {
    out.push('"');
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
        out.push_str(&rest[..at]);
        let byte = rest.as_bytes()[at];
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 15)]));
            }
        }
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

fn write_number(out: &mut String, number: usize) {
    out.push_str(&number.to_string());
}

/// `"key":` after a `{` or a `,`.
fn key(out: &mut String, first: bool, name: &str) {
    out.push(if first { '{' } else { ',' });
    write_string(out, name);
    out.push(':');
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (index, item) in self.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_string(out, self);
    }
}

impl ToJson for TocEntry {
    fn write_json(&self, out: &mut String) {
        key(out, true, "id");
        write_string(out, &self.id);
        key(out, false, "level");
        write_number(out, usize::from(self.level));
        key(out, false, "value");
        write_string(out, &self.value);
        key(out, false, "text");
        write_string(out, &self.text);
        key(out, false, "line");
        write_number(out, self.line);
        out.push('}');
    }
}

impl ToJson for Diagnostic {
    fn write_json(&self, out: &mut String) {
        key(out, true, "severity");
        write_string(out, self.severity.as_str());
        key(out, false, "ruleId");
        write_string(out, &self.rule_id);
        key(out, false, "message");
        write_string(out, &self.message);
        for (name, number) in [
            ("line", self.line),
            ("column", self.column),
            ("endLine", self.end_line),
            ("endColumn", self.end_column),
            ("offset", self.offset),
            ("endOffset", self.end_offset),
        ] {
            key(out, false, name);
            write_number(out, number);
        }
        if let Some(suggestion) = &self.suggestion {
            key(out, false, "suggestion");
            write_string(out, suggestion);
        }
        out.push('}');
    }
}

impl ToJson for Value {
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(number) => {
                if let Some(integer) = number.as_i64() {
                    out.push_str(&integer.to_string());
                } else if let Some(integer) = number.as_u64() {
                    out.push_str(&integer.to_string());
                } else {
                    let float = number.as_f64().unwrap_or(f64::NAN);
                    if float.is_finite() {
                        out.push_str(&crate::js::number_to_string(float));
                    } else {
                        out.push_str("null");
                    }
                }
            }
            Value::String(text) => write_string(out, text),
            Value::Array(items) => items.write_json(out),
            Value::Object(map) => {
                if map.is_empty() {
                    out.push_str("{}");
                    return;
                }
                for (index, (name, value)) in map.iter().enumerate() {
                    key(out, index == 0, name);
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }
}
