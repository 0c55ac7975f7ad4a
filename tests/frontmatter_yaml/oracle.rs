//! The previous front matter reader, kept as a test oracle: `yaml-rust2`'s
//! event parser driving a builder that types scalars as `yaml-rust2` does
//! and enforces the same limits as `mdx_preview::frontmatter`. It was the
//! implementation until the crate got its own, smaller reader; the oracle
//! test compares the two.

use std::collections::HashMap;

use mdx_preview::frontmatter::{MAX_DEPTH, MAX_NODES};
use serde_json::{Map, Number, Value};
use yaml_rust2::Yaml;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Why the oracle refused a document: message and byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub offset: usize,
}

impl Failure {
    fn new(message: impl Into<String>, offset: usize) -> Self {
        Failure {
            message: message.into(),
            offset,
        }
    }
}

/// Parse front matter as the old implementation did.
pub fn parse(yaml: &str) -> Result<Value, Failure> {
    let mut parser = Parser::new_from_str(yaml);
    let mut builder = Builder::default();
    let root = loop {
        let (event, mark) = parser.next_token().map_err(|error| {
            let message = if error.info() == "recursion limit exceeded" {
                // The scanner looks ahead, so on `[[[[…` its own flow-level
                // limit (255) can trip before our depth check sees a start.
                too_deep()
            } else {
                format!("invalid YAML: {}", error.info())
            };
            Failure::new(message, byte_offset(yaml, error.marker()))
        })?;
        let at = mark.index();
        let result = match event {
            Event::Nothing | Event::StreamStart | Event::DocumentStart => Ok(()),
            // Only the first document counts.
            Event::DocumentEnd | Event::StreamEnd => break builder.root.take(),
            Event::Scalar(value, style, anchor, tag) => {
                builder.scalar(&value, style, anchor, tag.as_ref(), at)
            }
            Event::SequenceStart(anchor, _) => builder.open(Value::Array(Vec::new()), anchor, at),
            Event::MappingStart(anchor, _) => builder.open(Value::Object(Map::new()), anchor, at),
            Event::SequenceEnd | Event::MappingEnd => builder.close(),
            Event::Alias(anchor) => builder.alias(anchor, at),
        };
        result.map_err(|(message, at)| Failure::new(message, char_to_byte(yaml, at)))?;
    };
    match root {
        None | Some(Value::Null) => Ok(Value::Object(Map::new())),
        Some(value @ Value::Object(_)) => Ok(value),
        Some(_) => Err(Failure::new(
            "front matter must be a mapping of keys to values",
            0,
        )),
    }
}

/// A problem found while building: message and character index.
type BuildError = (String, usize);

/// A finished value and what it cost.
#[derive(Clone)]
struct Built {
    value: Value,
    /// Number of values in it, itself included.
    nodes: usize,
    /// Nesting height: 0 for a scalar, 1 for a flat list, …
    height: usize,
}

/// A list or mapping still open.
struct Frame {
    /// `Value::Array` or `Value::Object`, filled as children finish.
    value: Value,
    anchor: usize,
    nodes: usize,
    height: usize,
    /// For a mapping: the key waiting for its value, with its character
    /// index.
    key: Option<(String, usize)>,
    /// Character index where it starts.
    at: usize,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Built>,
    /// Values made so far, alias expansions included.
    nodes: usize,
    root: Option<Value>,
}

impl Builder {
    fn count(&mut self, nodes: usize, at: usize) -> Result<(), BuildError> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            return Err((
                format!(
                    "front matter is too large: more than {MAX_NODES} values (after expanding aliases)"
                ),
                at,
            ));
        }
        Ok(())
    }

    fn open(&mut self, value: Value, anchor: usize, at: usize) -> Result<(), BuildError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err((too_deep(), at));
        }
        self.count(1, at)?;
        self.stack.push(Frame {
            value,
            anchor,
            nodes: 1,
            height: 1,
            key: None,
            at,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), BuildError> {
        // The parser only closes what it opened; an unmatched close is
        // ignored rather than trusted.
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let built = Built {
            value: frame.value,
            nodes: frame.nodes,
            height: frame.height,
        };
        self.finish(built, frame.anchor, frame.at)
    }

    fn scalar(
        &mut self,
        text: &str,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        at: usize,
    ) -> Result<(), BuildError> {
        self.count(1, at)?;
        let yaml = resolve(text, style, tag).ok_or_else(|| {
            let tag = tag.map_or_else(String::new, |tag| format!("!!{}", tag.suffix));
            (format!("`{text}` is not a valid {tag} value"), at)
        })?;
        // A key keeps the scalar's YAML spelling rather than its JSON form.
        // (No let-chains: the crate's MSRV is 1.85.)
        let frame = self
            .stack
            .last_mut()
            .filter(|frame| frame.value.is_object() && frame.key.is_none());
        if let Some(frame) = frame {
            frame.key = Some((key_text(&yaml), at));
            frame.nodes += 1;
            if anchor > 0 {
                let built = Built {
                    value: to_json(yaml),
                    nodes: 1,
                    height: 0,
                };
                self.anchors.insert(anchor, built);
            }
            return Ok(());
        }
        let built = Built {
            value: to_json(yaml),
            nodes: 1,
            height: 0,
        };
        self.finish(built, anchor, at)
    }

    fn alias(&mut self, anchor: usize, at: usize) -> Result<(), BuildError> {
        let Some(&Built { nodes, height, .. }) = self.anchors.get(&anchor) else {
            return Err((
                "an alias can't refer to a value that contains it".to_string(),
                at,
            ));
        };
        if self.stack.len() + height > MAX_DEPTH {
            return Err((
                format!(
                    "front matter is nested too deeply: more than {MAX_DEPTH} levels (after expanding aliases)"
                ),
                at,
            ));
        }
        // Check the size before cloning, so an alias bomb never allocates.
        self.count(nodes, at)?;
        let Some(built) = self.anchors.get(&anchor).cloned() else {
            return Ok(());
        };
        self.finish(built, 0, at)
    }

    /// Hand a finished value to its parent (or make it the root).
    fn finish(&mut self, built: Built, anchor: usize, at: usize) -> Result<(), BuildError> {
        if anchor > 0 {
            self.anchors.insert(anchor, built.clone());
        }
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(built.value);
            }
            return Ok(());
        };
        frame.nodes = frame.nodes.saturating_add(built.nodes);
        frame.height = frame.height.max(built.height + 1);
        match &mut frame.value {
            Value::Array(items) => items.push(built.value),
            Value::Object(map) => match frame.key.take() {
                None => {
                    // An alias, list or mapping used as a key.
                    let key = match &built.value {
                        Value::String(string) => string.clone(),
                        other => other.to_string(),
                    };
                    frame.key = Some((key, at));
                }
                Some((key, key_at)) => {
                    if map.contains_key(&key) {
                        return Err((format!("duplicate key `{key}`"), key_at));
                    }
                    map.insert(key, built.value);
                }
            },
            _ => {}
        }
        Ok(())
    }
}

fn too_deep() -> String {
    format!("front matter is nested too deeply: more than {MAX_DEPTH} levels")
}

/// Type a scalar as `yaml-rust2`'s loader does. `None` when an explicit
/// core tag (`!!int`, …) does not fit the text.
fn resolve(text: &str, style: TScalarStyle, tag: Option<&Tag>) -> Option<Yaml> {
    if style != TScalarStyle::Plain {
        return Some(Yaml::String(text.to_string()));
    }
    let Some(tag) = tag else {
        return Some(Yaml::from_str(text));
    };
    if tag.handle != "tag:yaml.org,2002:" {
        return Some(Yaml::String(text.to_string()));
    }
    match tag.suffix.as_str() {
        "bool" => match text {
            "true" | "True" | "TRUE" => Some(Yaml::Boolean(true)),
            "false" | "False" | "FALSE" => Some(Yaml::Boolean(false)),
            _ => None,
        },
        "int" => text.parse::<i64>().ok().map(Yaml::Integer),
        "float" => match Yaml::from_str(text) {
            Yaml::Real(real) => Some(Yaml::Real(real)),
            Yaml::Integer(integer) => Some(Yaml::Real(integer.to_string())),
            _ => None,
        },
        "null" => matches!(text, "" | "~" | "null").then_some(Yaml::Null),
        _ => Some(Yaml::String(text.to_string())),
    }
}

/// JSON for a scalar.
fn to_json(yaml: Yaml) -> Value {
    match yaml {
        Yaml::Integer(integer) => Value::Number(integer.into()),
        Yaml::Real(_) => yaml
            .as_f64()
            .and_then(Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Yaml::String(string) => Value::String(string),
        Yaml::Boolean(boolean) => Value::Bool(boolean),
        _ => Value::Null,
    }
}

/// A scalar key as YAML would print it.
fn key_text(yaml: &Yaml) -> String {
    match yaml {
        Yaml::String(string) => string.clone(),
        Yaml::Integer(integer) => integer.to_string(),
        Yaml::Real(_) => match yaml.as_f64() {
            Some(float) if float.is_nan() => ".nan".to_string(),
            Some(float) if float == f64::INFINITY => ".inf".to_string(),
            Some(float) if float == f64::NEG_INFINITY => "-.inf".to_string(),
            Some(float) => float.to_string(),
            None => String::new(),
        },
        Yaml::Boolean(boolean) => boolean.to_string(),
        _ => "null".to_string(),
    }
}

/// Byte offset of a scanner position. `yaml-rust2` counts its index in
/// characters (not bytes) and its line (1-based) and column (0-based) in
/// characters; the index is exact, so it is what we convert.
fn byte_offset(yaml: &str, marker: &Marker) -> usize {
    char_to_byte(yaml, marker.index())
}

/// Byte offset of the character at `index` (the end when past it).
fn char_to_byte(yaml: &str, index: usize) -> usize {
    yaml.char_indices()
        .nth(index)
        .map_or(yaml.len(), |(offset, _)| offset)
}
