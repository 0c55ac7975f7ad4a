//! YAML front matter to JSON.
//!
//! [`parse`] reads the YAML between a post's `---` fences with
//! [`yaml_rust2`]'s event parser and builds a [`serde_json::Value`] as the
//! events arrive, without recursion. It never panics and bounds its work:
//!
//! * a collection nested deeper than [`MAX_DEPTH`] is refused as soon as it
//!   opens (so `[[[[…` costs nothing however long it is);
//! * aliases are expanded, but once the result would hold more than
//!   [`MAX_NODES`] values the document is refused, which defuses "billion
//!   laughs" alias bombs before they take memory.
//!
//! Scalars are typed as `yaml-rust2` types them (YAML 1.2 core schema):
//! `42`, `0x2A` and `0o52` are integers, `3.5` a float, `true`/`false`
//! booleans, `~`/`null`/empty null, and everything else — including dates
//! such as `2025-11-11` — a string. Floats that JSON can't hold (`.nan`,
//! `.inf`) become `null`.

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Number, Value};
use yaml_rust2::Yaml;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting of lists and mappings accepted (the top-level mapping is
/// depth 1).
pub const MAX_DEPTH: usize = 64;

/// Most values (scalars, lists and mappings, counting every alias
/// expansion) one front matter may hold.
pub const MAX_NODES: usize = 100_000;

/// Why front matter could not be read.
///
/// ```
/// let error = mdx_preview::frontmatter::parse("title: [oops").unwrap_err();
/// assert!(error.message.contains("YAML"));
/// assert_eq!(error.offset, 12);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontmatterError {
    /// What is wrong, for people.
    pub message: String,
    /// Byte offset into the YAML where the problem is (`0` when it is about
    /// the document as a whole).
    pub offset: usize,
}

impl FrontmatterError {
    fn new(message: impl Into<String>, offset: usize) -> Self {
        FrontmatterError {
            message: message.into(),
            offset,
        }
    }
}

impl fmt::Display for FrontmatterError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for FrontmatterError {}

/// Parse YAML front matter (without its `---` fences) into a JSON object.
///
/// Empty YAML (or only comments) gives an empty object. Only the first YAML
/// document is read. The top level must be a mapping.
///
/// ```
/// use mdx_preview::frontmatter::parse;
/// let value = parse("title: Hello\ntags: [rust, mdx]\ndate: 2025-11-11\n").unwrap();
/// assert_eq!(value["title"], "Hello");
/// assert_eq!(value["tags"][1], "mdx");
/// assert_eq!(value["date"], "2025-11-11");
/// assert!(parse("- just\n- a list\n").is_err());
/// ```
///
/// # Errors
///
/// A [`FrontmatterError`] when the YAML is malformed, is not a mapping, has
/// a duplicate key, or is too deep or too large (see [`MAX_DEPTH`] and
/// [`MAX_NODES`]).
pub fn parse(yaml: &str) -> Result<Value, FrontmatterError> {
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
            FrontmatterError::new(message, byte_offset(yaml, error.marker()))
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
        result.map_err(|(message, at)| FrontmatterError::new(message, char_to_byte(yaml, at)))?;
    };
    match root {
        None | Some(Value::Null) => Ok(Value::Object(Map::new())),
        Some(value @ Value::Object(_)) => Ok(value),
        Some(_) => Err(FrontmatterError::new(
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(yaml: &str) -> FrontmatterError {
        match parse(yaml) {
            Ok(value) => panic!("should fail on {yaml:?}, got {value}"),
            Err(error) => error,
        }
    }

    #[test]
    fn docusaurus_front_matter() {
        let yaml = "\
title: Welcome to the blog
slug: /welcome
date: 2025-11-11
authors:
  - name: Ada Lovelace
    title: Engineer
    url: https://example.com/ada
    image_url: https://example.com/ada.png
  - jdoe
tags: [hello, docusaurus]
hide_table_of_contents: true
sidebar_position: 3
draft: false
description: >
  A folded
  description.
";
        assert_eq!(
            parse(yaml).expect("should parse Docusaurus front matter"),
            json!({
                "title": "Welcome to the blog",
                "slug": "/welcome",
                "date": "2025-11-11",
                "authors": [
                    {
                        "name": "Ada Lovelace",
                        "title": "Engineer",
                        "url": "https://example.com/ada",
                        "image_url": "https://example.com/ada.png"
                    },
                    "jdoe"
                ],
                "tags": ["hello", "docusaurus"],
                "hide_table_of_contents": true,
                "sidebar_position": 3,
                "draft": false,
                "description": "A folded description.\n"
            }),
            "should convert every Docusaurus field"
        );
    }

    #[test]
    fn scalars() {
        assert_eq!(
            parse(
                "i: -12\nh: 0x1F\no: 0o17\nf: 2.5\nnan: .nan\ninf: -.inf\n\
                 n: ~\ne:\nb: True\nq: \"42\"\ns: '3'\nbig: 99999999999999999999\n\
                 t: !!str 12\nd: 2025-11-11T10:00:00Z"
            )
            .expect("should parse scalars"),
            json!({
                "i": -12, "h": 31, "o": 15, "f": 2.5, "nan": null, "inf": null,
                "n": null, "e": null, "b": true, "q": "42", "s": "3",
                "big": 1e20, "t": "12", "d": "2025-11-11T10:00:00Z"
            }),
            "should type scalars as the YAML core schema"
        );
    }

    #[test]
    fn non_string_keys() {
        assert_eq!(
            parse("1: a\ntrue: b\n~: c\n1.5: d\n.inf: e\n[x, 1]: f").expect("should parse"),
            json!({
                "1": "a", "true": "b", "null": "c", "1.5": "d", ".inf": "e",
                "[\"x\",1]": "f"
            }),
            "should stringify non-string keys"
        );
    }

    #[test]
    fn empty_input() {
        for yaml in ["", "   \n\n", "# just a comment\n", "---\n"] {
            assert_eq!(
                parse(yaml),
                Ok(json!({})),
                "should give an empty object for {yaml:?}"
            );
        }
    }

    #[test]
    fn first_document_only() {
        assert_eq!(
            parse("a: 1\n---\nb: 2\n"),
            Ok(json!({"a": 1})),
            "should ignore documents after the first"
        );
    }

    #[test]
    fn aliases() {
        assert_eq!(
            parse("base: &b {x: 1}\nk: &k key\ncopy: *b\n*k : v"),
            Ok(json!({"base": {"x": 1}, "k": "key", "copy": {"x": 1}, "key": "v"})),
            "should expand aliases, also as keys"
        );
    }

    #[test]
    fn not_a_mapping() {
        for yaml in ["just text", "- a\n- b", "42", "[1, 2]"] {
            assert_eq!(
                parse(yaml),
                Err(FrontmatterError::new(
                    "front matter must be a mapping of keys to values",
                    0
                )),
                "should refuse a top level that is not a mapping: {yaml:?}"
            );
        }
    }

    #[test]
    fn syntax_error_offsets() {
        assert_eq!(
            error("title: [oops").offset,
            12,
            "should point at the end of an unclosed list"
        );
        assert_eq!(
            error("a: 1\nb: \"open").offset,
            8,
            "should point at the opening quote of an unterminated string"
        );
        assert_eq!(error("a: b: c").offset, 4, "should point at the second `:`");
        assert_eq!(
            error("é:\n\tb: 2").offset,
            5,
            "should point just past the indenting tab, counting `é` as 2 bytes"
        );
        assert_eq!(
            error("x: {").offset,
            4,
            "should point past an unclosed `{{`"
        );
        let duplicate = error("title: a\nslug: b\ntitle: c\n");
        assert_eq!(duplicate.offset, 17, "should point at the duplicate key");
        assert!(
            duplicate.message.contains("duplicate key `title`"),
            "should name the duplicate key, got {:?}",
            duplicate.message
        );
        assert!(
            error("a: 1\nb: @x").message.starts_with("invalid YAML: "),
            "should say the YAML is invalid"
        );
    }

    #[test]
    fn bad_tagged_values() {
        assert_eq!(
            error("a: !!int nope").offset,
            9,
            "should point at a value that does not fit its tag"
        );
    }

    #[test]
    fn depth_cap() {
        let ok = format!(
            "a: {}{}",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(parse(&ok).is_ok(), "should accept {MAX_DEPTH} levels");
        let deep = format!("a: {}", "[".repeat(MAX_DEPTH));
        let refused = error(&deep);
        assert!(
            refused.message.contains("nested too deeply"),
            "should refuse deep nesting, got {:?}",
            refused.message
        );
        assert_eq!(
            refused.offset,
            3 + MAX_DEPTH - 1,
            "should point at the first bracket too many"
        );
        for huge in [
            "[".repeat(1_000_000),
            "{a: ".repeat(200_000),
            format!("a:\n{}", "- ".repeat(200_000)),
            "? ".repeat(200_000),
        ] {
            let error = error(&huge);
            assert!(
                error.message.contains("nested too deeply"),
                "should refuse huge nesting, got {:?}",
                error.message
            );
        }
    }

    #[test]
    fn alias_depth_cap() {
        let mut yaml = format!("a: &a {}1{}\nb:", "[".repeat(40), "]".repeat(40));
        yaml.push_str(&format!(" {} *a {}", "[".repeat(40), "]".repeat(40)));
        assert!(
            error(&yaml).message.contains("nested too deeply"),
            "should count the depth of expanded aliases"
        );
    }

    #[test]
    fn alias_bomb() {
        let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 10].join(", ");
            yaml.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let error = error(&yaml);
        assert!(
            error.message.contains("too large"),
            "should refuse an alias bomb, got {:?}",
            error.message
        );
        assert!(error.offset > 0, "should point at the alias that overflows");
    }

    #[test]
    fn recursive_alias() {
        assert!(
            parse("a: &a [1, *a]").is_err(),
            "should refuse an alias inside its own anchor"
        );
    }

    #[test]
    fn never_panics() {
        let inputs = [
            "\t",
            "a:\t1",
            "a: 'x",
            "\"",
            "[",
            "{",
            "]",
            "}",
            "- [",
            "? ",
            ": ",
            "&",
            "*",
            "*nope",
            "!",
            "!!",
            "%YAML 1.2\n---\na: 1",
            "%FOO",
            "---\n...\n---",
            "a: |\n\tx",
            "a: >-\n  x\n y",
            "\u{feff}a: 1",
            "a: 1\r\nb: 2\r",
            "\0",
            "a: \u{0}",
            "- - - -",
            "? a\n? a",
            "a: &x 1\nb: &x 2\nc: *x",
            "a: !<tag:x> 1",
        ];
        for input in inputs {
            let _ = parse(input);
        }
        let mut long = String::new();
        for index in 0..20_000 {
            long.push_str(&format!("key{index}: value {index}\n"));
        }
        assert_eq!(
            parse(&long).map(|value| value.as_object().map(Map::len)),
            Ok(Some(20_000)),
            "should parse a long mapping"
        );
    }
}
