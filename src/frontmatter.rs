//! YAML front matter to JSON.
//!
//! [`parse`] reads the YAML between a post's `---` fences with a small
//! reader of its own (a recursive descent over lines and indentation, no
//! YAML library) and builds a [`serde_json::Value`]. It reads what front
//! matter uses, from the YAML 1.2 spec:
//!
//! * block mappings and sequences (compact `- key: v` items, and sequences
//!   at their key's indentation), explicit `? key` / `: value` entries;
//! * flow `[…]` and `{…}` collections, nested and over several lines;
//! * plain, single- and double-quoted scalars (all escapes, line folding)
//!   and `|` / `>` block scalars with chomping and indentation indicators;
//! * comments, anchors `&a` and aliases `*a` (also as keys), tags (the core
//!   `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` are applied, others
//!   ignored), `%YAML` / `%TAG` directives, `---` / `...` markers, CRLF
//!   line endings and a leading BOM.
//!
//! Only the first document is read. Whatever it does not understand is an
//! error with a byte offset into the YAML, never a guess, and tabs are
//! refused where YAML forbids them (in indentation). It never panics and
//! bounds its work:
//!
//! * every byte is looked at a bounded number of times (no rescans), so
//!   time is linear in the input;
//! * a collection nested deeper than [`MAX_DEPTH`] is refused as soon as it
//!   opens (recursion is never deeper than that, so `[[[[…` costs nothing
//!   however long it is);
//! * aliases are expanded, but once the result would hold more than
//!   [`MAX_NODES`] values the document is refused, before the copy is made,
//!   which defuses "billion laughs" alias bombs.
//!
//! Plain scalars are typed by the YAML 1.2 core schema as `yaml-rust2` (the
//! library this replaced) typed them: `42`, `0x2A` and `0o52` are integers,
//! `3.5` a float, `true`/`True`/`TRUE` booleans, `~`/`null`/empty null, and
//! everything else — including dates such as `2025-11-11` — a string.
//! Floats that JSON can't hold (`.nan`, `.inf`) become `null`, integers
//! too large for 64 bits floats. Keys that are not strings are written as
//! YAML would print them (`1`, `true`, `null`), collections as JSON.

use crate::name_map::NameMap;
use std::fmt;

use serde_json::{Map, Number, Value};

/// Deepest nesting of lists and mappings accepted (the top-level mapping is
/// depth 1).
pub const MAX_DEPTH: usize = 64;

/// Most values (scalars, lists and mappings, counting every alias
/// expansion) one front matter may hold.
pub const MAX_NODES: usize = 100_000;

/// Most bytes of text (strings and keys) all alias expansions together may
/// copy: with [`MAX_NODES`] alone, a long string aliased many times
/// (`a: &a <100 KB>`, then `[*a, *a, …]`) would still take gigabytes.
pub const MAX_ALIAS_BYTES: usize = 4 << 20;

/// Longest implicit (`key: value`) key, in characters, as YAML allows.
const MAX_KEY: usize = 1024;

/// Longest key made of a list or mapping, as JSON text. Each level of
/// `? ? ? …` escapes the level below it again, so without a bound the key
/// text doubles with every level.
const MAX_COLLECTION_KEY: usize = 4096;

/// Tag prefix of the core schema's `!!` tags.
const CORE: &str = "tag:yaml.org,2002:";

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
    if let Some(at) = yaml.find('\0') {
        return Err(FrontmatterError::new(
            "invalid YAML: a NUL character is not allowed",
            at,
        ));
    }
    match Reader::new(yaml).document()? {
        Value::Null => Ok(Value::Object(Map::new())),
        value @ Value::Object(_) => Ok(value),
        _ => Err(FrontmatterError::new(
            "front matter must be a mapping of keys to values",
            0,
        )),
    }
}

type Result2<T> = Result<T, FrontmatterError>;

/// A scalar typed by the core schema.
#[derive(Clone)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

/// A finished node: a scalar keeps its type until it is known to be a key
/// (`1.50` is the key `1.5`) or a value.
enum Content {
    Scalar(Scalar),
    Value(Value),
}

struct Node {
    content: Content,
    /// Values in it, itself included.
    nodes: usize,
    /// Nesting height: 0 for a scalar, 1 for a flat list, …
    height: usize,
}

impl Node {
    fn value(self) -> Value {
        match self.content {
            Content::Scalar(scalar) => to_json(scalar),
            Content::Value(value) => value,
        }
    }

    /// The node as a mapping key; `None` for a list or mapping whose JSON
    /// is longer than [`MAX_COLLECTION_KEY`].
    fn key(self) -> Option<String> {
        match self.content {
            Content::Scalar(scalar) => Some(key_text(scalar)),
            Content::Value(Value::String(string)) => Some(string),
            Content::Value(value) => {
                Some(crate::json::to_json(&value)).filter(|key| key.len() <= MAX_COLLECTION_KEY)
            }
        }
    }
}

/// A node read but not yet given its properties and type.
enum Raw {
    Plain(String),
    Quoted(String),
    Alias(Node),
    Collection(Node),
}

/// What a tag means here: a core-schema type, or nothing.
enum Tag {
    Core(String),
    Other,
}

/// A node's anchor and tag.
#[derive(Default)]
struct Props<'a> {
    anchor: Option<&'a str>,
    tag: Option<Tag>,
}

impl Props<'_> {
    fn is_empty(&self) -> bool {
        self.anchor.is_none() && self.tag.is_none()
    }
}

/// An anchored value, for its aliases.
struct Anchored {
    value: Value,
    nodes: usize,
    height: usize,
    /// Bytes of text in it (see [`text_bytes`]).
    bytes: usize,
}

/// Bytes of text a value holds: its strings and keys, and one for every
/// other value. Walks the value without recursion.
fn text_bytes(value: &Value) -> usize {
    let mut total = 0usize;
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        total = total.saturating_add(match value {
            Value::String(string) => string.len(),
            Value::Array(items) => {
                stack.extend(items);
                1
            }
            Value::Object(map) => {
                for (key, value) in map {
                    total = total.saturating_add(key.len());
                    stack.push(value);
                }
                1
            }
            _ => 1,
        });
    }
    total
}

const TOO_LONG_KEY: &str =
    "a list or mapping used as a key is too long (over 4096 bytes written out)";

fn is_blank(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

fn is_break(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// A blank, a line break, or the end (read as `0`).
fn is_space(byte: u8) -> bool {
    is_blank(byte) || is_break(byte) || byte == 0
}

fn is_flow(byte: u8) -> bool {
    matches!(byte, b',' | b'[' | b']' | b'{' | b'}')
}

/// A character of a tag's URI (`%` starts an escape).
fn is_uri(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-#;/?:@&=+$,_.!~*'()[]%".contains(&byte)
}

fn is_tag_char(byte: u8) -> bool {
    is_uri(byte) && !is_flow(byte) && byte != b'!'
}

fn too_deep() -> String {
    format!("front matter is nested too deeply: more than {MAX_DEPTH} levels")
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Where the line holding `pos` starts.
    line: usize,
    /// `None` while the anchored node is being read (an alias to it would
    /// contain itself).
    anchors: NameMap<Option<Anchored>>,
    /// `%TAG` handles and their prefixes.
    handles: Vec<(&'a str, &'a str)>,
    /// Values made so far, alias expansions included.
    nodes: usize,
    /// Bytes of text copied by alias expansions so far.
    alias_bytes: usize,
    /// Collections open around `pos`.
    depth: usize,
    /// Bytes looked at, for the linear-time test.
    #[cfg(test)]
    reads: std::cell::Cell<usize>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            line: 0,
            anchors: NameMap::default(),
            handles: Vec::new(),
            nodes: 0,
            alias_bytes: 0,
            depth: 0,
            #[cfg(test)]
            reads: std::cell::Cell::new(0),
        }
    }

    fn at(&self, index: usize) -> u8 {
        #[cfg(test)]
        self.reads.set(self.reads.get() + 1);
        self.bytes.get(index).copied().unwrap_or(0)
    }

    fn cur(&self) -> u8 {
        self.at(self.pos)
    }

    fn next(&self) -> u8 {
        self.at(self.pos + 1)
    }

    fn end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn col(&self) -> usize {
        self.pos.saturating_sub(self.line)
    }

    /// The text between two positions that sit on ASCII bytes (or the end).
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or("")
    }

    fn error(&self, message: &str, at: usize) -> FrontmatterError {
        FrontmatterError::new(format!("invalid YAML: {message}"), at.min(self.bytes.len()))
    }

    fn fail<T>(&self, message: &str, at: usize) -> Result2<T> {
        Err(self.error(message, at))
    }

    fn newline(&mut self) {
        if self.cur() == b'\r' {
            self.pos += 1;
        }
        if self.cur() == b'\n' {
            self.pos += 1;
        }
        self.line = self.pos;
    }

    fn skip_blanks(&mut self) {
        while is_blank(self.cur()) {
            self.pos += 1;
        }
    }

    /// At a `#` that starts a comment (after a blank or at a line start).
    fn at_comment(&self) -> bool {
        self.cur() == b'#' && (self.pos == self.line || is_blank(self.at(self.pos - 1)))
    }

    fn skip_line(&mut self) {
        while !self.end() && !is_break(self.cur()) {
            self.pos += 1;
        }
    }

    /// Skip blanks, comments and line breaks up to the next token.
    fn skip(&mut self) {
        loop {
            self.skip_blanks();
            if self.at_comment() {
                self.skip_line();
            }
            if !is_break(self.cur()) {
                return;
            }
            self.newline();
        }
    }

    /// Nothing but blanks before `pos` on its line.
    fn first_on_line(&self) -> bool {
        let mut index = self.pos;
        while index > self.line && is_blank(self.at(index - 1)) {
            index -= 1;
        }
        index == self.line
    }

    /// Refuse a tab in the indentation before `pos`.
    fn check_indent(&self) -> Result2<()> {
        if !self.first_on_line() {
            return Ok(());
        }
        let indent = self.bytes.get(self.line..self.pos).unwrap_or_default();
        match indent.iter().position(|&byte| byte == b'\t') {
            Some(tab) => self.fail(
                "a tab in indentation; YAML indents with spaces only",
                self.line + tab,
            ),
            None => Ok(()),
        }
    }

    /// At a `---` or `...` line, which ends the document.
    fn at_marker(&self) -> bool {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos == self.line
            && (rest.starts_with(b"---") || rest.starts_with(b"..."))
            && is_space(self.at(self.pos + 3))
    }

    fn count(&mut self, nodes: usize, at: usize) -> Result2<()> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            return Err(FrontmatterError::new(
                format!(
                    "front matter is too large: more than {MAX_NODES} values (after expanding aliases)"
                ),
                at,
            ));
        }
        Ok(())
    }

    /// Open a collection.
    fn enter(&mut self, at: usize) -> Result2<()> {
        if self.depth >= MAX_DEPTH {
            return Err(FrontmatterError::new(too_deep(), at));
        }
        self.depth += 1;
        self.count(1, at)
    }

    /// A node of `height` levels inside the open collections.
    fn fits(&self, height: usize, at: usize) -> Result2<()> {
        if self.depth + height > MAX_DEPTH {
            return Err(FrontmatterError::new(too_deep(), at));
        }
        Ok(())
    }

    fn document(&mut self) -> Result2<Value> {
        if self.text.starts_with('\u{feff}') {
            self.pos = 3;
            self.line = 3;
        }
        let mut directives = false;
        let mut version = false;
        loop {
            self.skip();
            if self.at_marker() && self.cur() == b'.' && !directives {
                // `...` before any document ends nothing.
                self.end_marker()?;
            } else if self.cur() == b'%' && self.pos == self.line {
                self.directive(&mut version)?;
                directives = true;
            } else {
                break;
            }
        }
        let explicit = self.at_marker();
        if explicit {
            self.pos += 3;
        } else if directives {
            return self.fail("expected `---` after the directives", self.pos);
        }
        let root = self.block_node(-1, false, false)?;
        self.skip();
        if self.at_marker() && self.cur() == b'.' {
            self.end_marker()?;
        } else if !self.end() && !self.at_marker() {
            return self.unexpected();
        }
        Ok(root.value())
    }

    /// A `...` line: only a comment may follow the marker.
    fn end_marker(&mut self) -> Result2<()> {
        self.pos += 3;
        self.skip_blanks();
        if self.at_comment() {
            self.skip_line();
        }
        if !is_break(self.cur()) && !self.end() {
            return self.fail("only a comment may follow `...` on its line", self.pos);
        }
        Ok(())
    }

    fn unexpected<T>(&self) -> Result2<T> {
        if self.first_on_line() {
            self.fail(
                "this line is not indented like the ones before it (or a `:` is missing)",
                self.pos,
            )
        } else {
            self.fail(
                "unexpected text after a value; expected the end of the line",
                self.pos,
            )
        }
    }

    /// A non-blank run.
    fn word(&mut self) -> &'a str {
        let start = self.pos;
        while !is_space(self.cur()) {
            self.pos += 1;
        }
        self.slice(start, self.pos)
    }

    /// A `%` line before the document.
    fn directive(&mut self, version: &mut bool) -> Result2<()> {
        let at = self.pos;
        self.pos += 1;
        let name = self.word();
        let named = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !named {
            return self.fail("expected a directive name (letters) after `%`", at);
        }
        match name {
            "YAML" => {
                if *version {
                    return self.fail("a second %YAML directive", at);
                }
                *version = true;
                self.skip_blanks();
                let number = self.word();
                let valid = number.split_once('.').is_some_and(|(major, minor)| {
                    [major, minor]
                        .iter()
                        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                });
                if !valid {
                    return self.fail("expected a version such as `1.2` after %YAML", at);
                }
            }
            "TAG" => {
                self.skip_blanks();
                let handle = self.word();
                self.skip_blanks();
                let prefix = self.word();
                let inner = handle
                    .strip_prefix('!')
                    .and_then(|rest| rest.strip_suffix('!').or(rest.is_empty().then_some("")));
                let valid = inner.is_some_and(|inner| {
                    inner
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                });
                let mut bytes = prefix.bytes();
                let first = bytes.next().is_some_and(|b| b == b'!' || is_tag_char(b));
                if !valid || !first || !bytes.all(is_uri) {
                    return self.fail("expected `%TAG !handle! prefix`", at);
                }
                self.handles.push((handle, prefix));
            }
            // Other directives are reserved: ignored, as YAML says.
            _ => self.skip_line(),
        }
        self.skip_blanks();
        if self.at_comment() {
            self.skip_line();
        }
        if !is_break(self.cur()) && !self.end() {
            return self.fail("unexpected text after the directive", self.pos);
        }
        Ok(())
    }

    /// Nothing more for a block node of a collection at column `n` here:
    /// the end, or a line indented `n` or less (but a sequence may sit at
    /// column `n` when `same`).
    fn ends_block(&self, n: isize, same: bool) -> bool {
        if self.end() || self.at_marker() {
            return true;
        }
        if !self.first_on_line() {
            return false;
        }
        let col = self.col() as isize;
        col < n || (col == n && !(same && self.cur() == b'-' && is_space(self.next())))
    }

    /// A block node after an indicator (`key:`, `-`, `?`, `:`, `---`) or at
    /// the start of the document, in a collection whose entries sit at
    /// column `n` (`-1` for the document). `compact`: a collection may
    /// start on the indicator's line (after `-`, `?`, `:`). `same`: a
    /// sequence may sit at column `n` (a mapping's value).
    fn block_node(&mut self, n: isize, compact: bool, same: bool) -> Result2<Node> {
        self.skip();
        let start = self.pos;
        if self.ends_block(n, same) {
            return self.finish(Raw::Plain(String::new()), Props::default(), start);
        }
        self.check_indent()?;
        let mut fresh = compact || self.first_on_line();
        let mut outer = Props::default();
        let mut inner_at = start;
        let mut inner = self.props(false)?;
        self.skip_blanks();
        if !inner.is_empty() && (is_break(self.cur()) || self.end() || self.at_comment()) {
            // Properties alone on their line belong to the node below.
            self.skip();
            if self.ends_block(n, same) {
                return self.finish(Raw::Plain(String::new()), inner, start);
            }
            self.check_indent()?;
            fresh = true;
            outer = inner;
            inner_at = self.pos;
            inner = self.props(false)?;
            self.skip_blanks();
        }
        let at = self.pos;
        let col = inner_at.saturating_sub(self.line);
        let indicator = is_space(self.next());
        match self.cur() {
            b'?' if self.next() == 0 => self.fail("expected a space after `?`", at),
            b'-' | b'?' if indicator => {
                if !fresh || !inner.is_empty() {
                    return self.fail(
                        "a block collection can't start here; put it on its own line",
                        at,
                    );
                }
                let node = if self.cur() == b'-' {
                    self.block_seq(col)?
                } else {
                    self.block_map(col, None)?
                };
                self.finish(Raw::Collection(node), outer, start)
            }
            b'|' | b'>' => {
                let text = self.block_scalar(n)?;
                let props = merge(outer, inner, at, self)?;
                self.finish(Raw::Quoted(text), props, at)
            }
            _ => {
                let first_line = self.line;
                if self.cur() == b':' && indicator && inner.is_empty() && fresh {
                    let node = self.block_map(col, None)?;
                    return self.finish(Raw::Collection(node), outer, start);
                }
                let mut raw = if self.cur() == b':' && indicator {
                    Raw::Plain(String::new())
                } else {
                    // A list item's quoted lines may sit at the `-` (as
                    // yaml-rust2 reads them).
                    let q = if compact && !same { n - 1 } else { n };
                    self.flow_like(n, q, false)?
                };
                let single = self.line == first_line;
                self.skip_blanks();
                if self.cur() == b':' && is_space(self.next()) {
                    if !fresh {
                        return self.fail(
                            "a `key: value` can't be the value of another key on the same line",
                            self.pos,
                        );
                    }
                    self.key_fits(single, inner_at)?;
                    let key = self.finish(raw, inner, at)?;
                    let node = self.block_map(col, Some((key, inner_at)))?;
                    return self.finish(Raw::Collection(node), outer, start);
                }
                if let (Raw::Plain(text), true) = (&mut raw, single) {
                    self.plain_more(n, false, text)?;
                }
                let props = merge(outer, inner, at, self)?;
                self.finish(raw, props, at)
            }
        }
    }

    /// An implicit key stays on one line and within [`MAX_KEY`] characters.
    fn key_fits(&self, single: bool, key_at: usize) -> Result2<()> {
        if !single {
            return self.fail(
                "a key must fit on one line (use `? key` for a longer one)",
                self.pos,
            );
        }
        let long = self.pos.saturating_sub(key_at) > MAX_KEY
            && self.slice(key_at, self.pos).chars().count() > MAX_KEY;
        if long {
            return self.fail(
                "a key may be at most 1024 characters (use `? key` for a longer one)",
                self.pos,
            );
        }
        Ok(())
    }

    /// A block mapping at column `m`, the cursor on its first entry (or on
    /// the `:` after `first`, a key already read, with its offset).
    fn block_map(&mut self, m: usize, first: Option<(Node, usize)>) -> Result2<Node> {
        let at = first.as_ref().map_or(self.pos, |(_, at)| *at);
        self.enter(at)?;
        let mut map = Map::new();
        let (mut nodes, mut height) = (1, 1);
        let mut first = first;
        loop {
            let (key, key_at, explicit) = match first.take() {
                Some((key, key_at)) => (key, key_at, false),
                None => self.block_key(m)?,
            };
            self.fits(key.height, key_at)?;
            // After an explicit key, the value's `:` starts a line at column `m`.
            let has_value = self.cur() == b':'
                && is_space(self.next())
                && (!explicit || (self.first_on_line() && self.col() == m));
            let value = if has_value {
                self.pos += 1;
                self.block_node(m as isize, explicit, true)?
            } else {
                self.finish(Raw::Plain(String::new()), Props::default(), self.pos)?
            };
            nodes += key.nodes + value.nodes;
            height = height.max(key.height.max(value.height) + 1);
            let Some(key) = key.key() else {
                return self.fail(TOO_LONG_KEY, key_at);
            };
            if map.contains_key(&key) {
                return Err(FrontmatterError::new(
                    format!("duplicate key `{key}`"),
                    key_at,
                ));
            }
            map.insert(key, value.value());
            self.skip();
            if self.end() || self.at_marker() {
                break;
            }
            if !self.first_on_line() || self.col() > m {
                return self.unexpected();
            }
            if self.col() < m {
                break;
            }
            self.check_indent()?;
            if self.cur() == b'-' && is_space(self.next()) {
                return self.fail("expected a key, found a list item", self.pos);
            }
        }
        self.depth -= 1;
        Ok(Node {
            content: Content::Value(Value::Object(map)),
            nodes,
            height,
        })
    }

    /// A key of a block mapping and its offset. An implicit key leaves the
    /// cursor on its `:`; an explicit `? key` (the third field) on the next
    /// token.
    fn block_key(&mut self, m: usize) -> Result2<(Node, usize, bool)> {
        let key_at = self.pos;
        if self.cur() == b'?' && is_space(self.next()) {
            if self.next() == 0 {
                return self.fail("expected a space after `?`", self.pos);
            }
            self.pos += 1;
            let key = self.block_node(m as isize, true, true)?;
            self.skip();
            return Ok((key, key_at, true));
        }
        if self.cur() == b':' && is_space(self.next()) {
            // `: value`, an empty key: its value may be compact, as after `?`.
            let key = self.finish(Raw::Plain(String::new()), Props::default(), key_at)?;
            return Ok((key, key_at, true));
        }
        let props = self.props(false)?;
        self.skip_blanks();
        let at = self.pos;
        let first_line = self.line;
        let raw = if self.cur() == b':' && is_space(self.next()) {
            Raw::Plain(String::new())
        } else {
            self.flow_like(m as isize, m as isize, false)?
        };
        let single = self.line == first_line;
        self.skip_blanks();
        if self.cur() != b':' || !is_space(self.next()) {
            return self.fail("expected `:` after the key", self.pos);
        }
        self.key_fits(single, key_at)?;
        let key = self.finish(raw, props, at)?;
        Ok((key, key_at, false))
    }

    /// A block sequence at column `m`, the cursor on its first `-`.
    fn block_seq(&mut self, m: usize) -> Result2<Node> {
        self.enter(self.pos)?;
        let mut items = Vec::new();
        let (mut nodes, mut height) = (1, 1);
        loop {
            self.pos += 1;
            let item = self.block_node(m as isize, true, false)?;
            nodes += item.nodes;
            height = height.max(item.height + 1);
            items.push(item.value());
            self.skip();
            if self.end() || self.at_marker() {
                break;
            }
            if !self.first_on_line() {
                return self.unexpected();
            }
            if self.col() < m || (self.col() == m && !(self.cur() == b'-' && is_space(self.next())))
            {
                break;
            }
            if self.col() > m {
                return self.unexpected();
            }
            self.check_indent()?;
        }
        self.depth -= 1;
        Ok(Node {
            content: Content::Value(Value::Array(items)),
            nodes,
            height,
        })
    }

    /// An anchor and a tag, in either order, each followed by a blank (or
    /// in flow, an indicator).
    fn props(&mut self, flow: bool) -> Result2<Props<'a>> {
        let mut props = Props::default();
        loop {
            let at = self.pos;
            let tag = self.cur() == b'!';
            match self.cur() {
                b'&' if props.anchor.is_none() => {
                    self.pos += 1;
                    let name = self.name(at)?;
                    self.anchors.insert(name.to_string(), None);
                    props.anchor = Some(name);
                }
                b'!' if props.tag.is_none() => props.tag = Some(self.tag(at)?),
                _ => return Ok(props),
            }
            let after = self.cur();
            // An anchor may end at a flow indicator; a tag only in a flow.
            if !is_space(after) && !(is_flow(after) && (flow || !tag)) {
                return self.fail("expected a space after the anchor or tag", self.pos);
            }
            self.skip_blanks();
        }
    }

    /// An anchor's or alias's name.
    fn name(&mut self, at: usize) -> Result2<&'a str> {
        let start = self.pos;
        while !is_space(self.cur()) && !is_flow(self.cur()) {
            self.pos += 1;
        }
        if self.pos == start {
            return self.fail("expected a name after `&` or `*`", at);
        }
        Ok(self.slice(start, self.pos))
    }

    /// A tag, resolved through the `%TAG` handles.
    fn tag(&mut self, at: usize) -> Result2<Tag> {
        self.pos += 1;
        if self.cur() == b'<' {
            self.pos += 1;
            while is_uri(self.cur()) {
                self.pos += 1;
            }
            if self.cur() != b'>' {
                return self.fail("expected `>` to close the tag", at);
            }
            self.pos += 1;
            return Ok(Tag::Other);
        }
        while self.cur().is_ascii_alphanumeric() || matches!(self.cur(), b'-' | b'_') {
            self.pos += 1;
        }
        let named = self.cur() == b'!';
        let handle = if named {
            self.pos += 1;
            self.slice(at, self.pos)
        } else {
            self.pos = at + 1;
            "!"
        };
        let start = self.pos;
        while is_tag_char(self.cur()) {
            self.pos += 1;
        }
        let suffix = self.slice(start, self.pos);
        if named && suffix.is_empty() {
            return self.fail("expected the rest of the tag after its handle", at);
        }
        if suffix.is_empty() {
            // `!` alone: the non-specific tag.
            return Ok(Tag::Other);
        }
        let declared = self.handles.iter().rev().find(|(name, _)| *name == handle);
        let prefix = match declared {
            Some((_, prefix)) => *prefix,
            None if handle == "!!" => CORE,
            None if handle == "!" => "!",
            None => return self.fail("this tag handle is not declared by a %TAG directive", at),
        };
        if prefix != CORE {
            if suffix.contains('%') {
                unescape(suffix).ok_or_else(|| self.error("invalid `%` escape in a tag", at))?;
            }
            return Ok(Tag::Other);
        }
        match unescape(suffix) {
            Some(suffix) => Ok(Tag::Core(suffix)),
            None => self.fail("invalid (or non-ASCII) `%` escape in a tag", at),
        }
    }

    /// A node that fits in a flow: a flow collection, an alias, a quoted
    /// scalar, or a plain scalar's first line. `n`: the enclosing block
    /// collection's column (continuation lines must be indented more).
    /// A quoted scalar's lines must be indented more than `q`.
    fn flow_like(&mut self, n: isize, q: isize, flow: bool) -> Result2<Raw> {
        match self.cur() {
            b'[' | b'{' => Ok(Raw::Collection(self.flow(n)?)),
            b'*' => Ok(Raw::Alias(self.alias()?)),
            b'"' | b'\'' => Ok(Raw::Quoted(self.quoted(q)?)),
            _ => {
                let (byte, next) = (self.cur(), self.next());
                let starts = match byte {
                    b'-' | b'?' | b':' => !(is_space(next) || (flow && is_flow(next))),
                    b'|' | b'>' => flow,
                    b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'\'' | b'"'
                    | b'%' | b'@' | b'`' => false,
                    _ => !is_space(byte),
                };
                if !starts {
                    let what = match byte {
                        0 => "expected a value, found the end",
                        b'\t' => "a tab can't start a value here",
                        b'@' | b'`' => {
                            "`@` and `` ` `` are reserved: quote a value that starts with them"
                        }
                        _ => "this character can't start a value; quote the value",
                    };
                    return self.fail(what, self.pos);
                }
                let mut text = String::new();
                self.plain_segment(flow, &mut text);
                Ok(Raw::Plain(text))
            }
        }
    }

    /// The rest of a plain scalar's line, without trailing blanks.
    fn plain_segment(&mut self, flow: bool, out: &mut String) {
        let start = self.pos;
        let mut end = self.pos;
        loop {
            let byte = self.cur();
            if self.end() || is_break(byte) || (flow && is_flow(byte)) {
                break;
            }
            if is_blank(byte) {
                if self.next() == b'#' {
                    break;
                }
            } else if byte == b':' && (is_space(self.next()) || (flow && is_flow(self.next()))) {
                break;
            } else {
                end = self.pos + 1;
            }
            self.pos += 1;
        }
        out.push_str(self.slice(start, end));
        self.pos = end;
    }

    /// A plain scalar's continuation lines (indented more than `n`),
    /// folded into `out`.
    fn plain_more(&mut self, n: isize, flow: bool, out: &mut String) -> Result2<()> {
        loop {
            let (save, save_line) = (self.pos, self.line);
            self.skip_blanks();
            let mut breaks = 0;
            while is_break(self.cur()) {
                self.newline();
                breaks += 1;
                while self.cur() == b' ' {
                    self.pos += 1;
                }
                let spaces = self.col() as isize;
                if self.cur() == b'\t' {
                    let tab = self.pos;
                    self.skip_blanks();
                    if spaces <= n
                        && !self.end()
                        && !is_break(self.cur())
                        && !self.at_comment()
                        && !flow
                    {
                        return self
                            .fail("a tab in indentation; YAML indents with spaces only", tab);
                    }
                }
            }
            let stop = breaks == 0
                || self.end()
                || self.at_marker()
                || (self.col() as isize) < n + isize::from(!flow)
                || self.at_comment()
                || (flow && is_flow(self.cur()))
                || (self.cur() == b':'
                    && (is_space(self.next()) || (flow && is_flow(self.next()))));
            if stop {
                self.pos = save;
                self.line = save_line;
                return Ok(());
            }
            if breaks == 1 {
                out.push(' ');
            } else {
                (1..breaks).for_each(|_| out.push('\n'));
            }
            self.plain_segment(flow, out);
        }
    }

    /// A single- or double-quoted scalar.
    fn quoted(&mut self, n: isize) -> Result2<String> {
        let open = self.pos;
        let quote = self.cur();
        let double = quote == b'"';
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run = self.pos;
            while !(self.end()
                || matches!(self.cur(), b' ' | b'\t' | b'\n' | b'\r')
                || self.cur() == quote
                || (double && self.cur() == b'\\'))
            {
                self.pos += 1;
            }
            out.push_str(self.slice(run, self.pos));
            let byte = self.cur();
            if self.end() {
                return self.fail(
                    "this quoted string is never closed; expected a closing quote",
                    open,
                );
            }
            if byte == quote {
                self.pos += 1;
                if !double && self.cur() == b'\'' {
                    out.push('\'');
                    self.pos += 1;
                    continue;
                }
                return Ok(out);
            }
            if is_blank(byte) {
                let blanks = self.pos;
                self.skip_blanks();
                if !is_break(self.cur()) && !self.end() {
                    out.push_str(self.slice(blanks, self.pos));
                }
            } else if byte == b'\\' {
                self.pos += 1;
                if is_break(self.cur()) {
                    self.newline();
                    self.fold(n, true, &mut out)?;
                } else {
                    let escaped = self.escape()?;
                    out.push(escaped);
                }
            } else {
                self.newline();
                self.fold(n, false, &mut out)?;
            }
        }
    }

    /// After a line break in a quoted scalar: skip the next lines'
    /// indentation and empty lines, folding them into `out`.
    fn fold(&mut self, n: isize, escaped: bool, out: &mut String) -> Result2<()> {
        let mut breaks = 0;
        loop {
            if self.at_marker() {
                return self.fail("a `---` or `...` line inside a quoted string", self.pos);
            }
            while self.cur() == b' ' {
                self.pos += 1;
            }
            if self.cur() == b'\t' && (self.col() as isize) <= n {
                return self.fail(
                    "a tab in indentation; YAML indents with spaces only",
                    self.pos,
                );
            }
            self.skip_blanks();
            if !is_break(self.cur()) {
                break;
            }
            self.newline();
            breaks += 1;
        }
        if !self.end() && (self.col() as isize) <= n {
            return self.fail(
                "this line of a quoted string must be indented more than its key",
                self.pos,
            );
        }
        if breaks == 0 && !escaped {
            out.push(' ');
        }
        (0..breaks).for_each(|_| out.push('\n'));
        Ok(())
    }

    /// The character of an escape sequence (after its `\`).
    fn escape(&mut self) -> Result2<char> {
        let at = self.pos - 1;
        let byte = self.cur();
        self.pos += 1;
        let digits = match byte {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => {
                return Ok(match byte {
                    b'0' => '\0',
                    b'a' => '\x07',
                    b'b' => '\x08',
                    b't' | b'\t' => '\t',
                    b'n' => '\n',
                    b'v' => '\x0b',
                    b'f' => '\x0c',
                    b'r' => '\r',
                    b'e' => '\x1b',
                    b' ' => ' ',
                    b'"' => '"',
                    b'/' => '/',
                    b'\\' => '\\',
                    b'N' => '\u{85}',
                    b'_' => '\u{a0}',
                    b'L' => '\u{2028}',
                    b'P' => '\u{2029}',
                    _ => return self.fail("unknown escape sequence in a double-quoted string", at),
                });
            }
        };
        let mut code = 0u32;
        for _ in 0..digits {
            let Some(digit) = char::from(self.cur()).to_digit(16) else {
                return self.fail("expected hexadecimal digits in this escape", at);
            };
            code = code * 16 + digit;
            self.pos += 1;
        }
        match char::from_u32(code) {
            Some(escaped) => Ok(escaped),
            None => self.fail("this escape is not a valid Unicode character", at),
        }
    }

    /// A `|` or `>` block scalar in a collection at column `n`.
    fn block_scalar(&mut self, n: isize) -> Result2<String> {
        let folded = self.cur() == b'>';
        self.pos += 1;
        let (chomp, explicit) = self.block_header()?;
        let base = usize::try_from(n).unwrap_or(0);
        let mut indent = explicit.map(|digit| base + digit);
        let mut text = BlockText {
            out: String::new(),
            folded,
            pending: 0,
            previous: None,
        };
        let mut widest = 0usize;
        loop {
            let line = self.pos;
            let limit = indent.unwrap_or(usize::MAX);
            while self.cur() == b' ' && self.col() < limit {
                self.pos += 1;
            }
            let spaces = self.col();
            if self.end() {
                break;
            }
            if is_break(self.cur()) {
                widest = widest.max(spaces);
                text.pending += 1;
                self.newline();
                continue;
            }
            let indent_now = match indent {
                Some(indent) => indent,
                None => {
                    if self.cur() == b'\t' && (spaces as isize) <= n {
                        return self.fail("a tab can't indent a block scalar's lines", self.pos);
                    }
                    if (spaces as isize) <= n {
                        self.pos = line;
                        break;
                    }
                    if widest > spaces {
                        return self.fail(
                            "an empty line at the start of a block scalar is indented more than its first line",
                            line,
                        );
                    }
                    indent = Some(spaces);
                    spaces
                }
            };
            if spaces < indent_now || self.at_marker() {
                self.pos = line;
                break;
            }
            let start = self.pos;
            self.skip_line();
            text.push_line(self.slice(start, self.pos));
            if self.end() {
                break;
            }
            self.newline();
        }
        Ok(text.chomped(chomp))
    }

    /// A block scalar's header after its `|` or `>`: the chomping
    /// indicator (`+` or `-`) and the indentation digit, in either order,
    /// then maybe a comment, then the line break (consumed).
    fn block_header(&mut self) -> Result2<(Option<u8>, Option<usize>)> {
        let (mut chomp, mut explicit) = (None, None);
        loop {
            match self.cur() {
                b'+' | b'-' if chomp.is_none() => chomp = Some(self.cur()),
                b'1'..=b'9' if explicit.is_none() => {
                    explicit = Some(usize::from(self.cur() - b'0'))
                }
                b'0' => return self.fail("a block scalar's indentation can't be 0", self.pos),
                _ => break,
            }
            self.pos += 1;
        }
        self.skip_blanks();
        if self.at_comment() {
            self.skip_line();
        }
        if !is_break(self.cur()) && !self.end() {
            return self.fail(
                "expected a line break after the block scalar's `|` or `>` (and its indicators)",
                self.pos,
            );
        }
        self.newline();
        Ok((chomp, explicit))
    }

    /// An alias, expanded.
    fn alias(&mut self) -> Result2<Node> {
        let at = self.pos;
        self.pos += 1;
        let name = self.name(at)?;
        let (nodes, height, bytes) = match self.anchors.get(name) {
            Some(Some(anchored)) => (anchored.nodes, anchored.height, anchored.bytes),
            Some(None) => {
                return self.fail("an alias can't refer to a value that contains it", at);
            }
            None => return self.fail("this alias refers to no anchor defined before it", at),
        };
        if self.depth + height > MAX_DEPTH {
            return Err(FrontmatterError::new(
                format!(
                    "front matter is nested too deeply: more than {MAX_DEPTH} levels (after expanding aliases)"
                ),
                at,
            ));
        }
        // Count before copying, so an alias bomb never allocates.
        self.count(nodes, at)?;
        self.alias_bytes = self.alias_bytes.saturating_add(bytes);
        if self.alias_bytes > MAX_ALIAS_BYTES {
            return self.fail(
                "front matter is too large: its aliases copy more than 4 MiB of text",
                at,
            );
        }
        let value = match self.anchors.get(name) {
            Some(Some(anchored)) => anchored.value.clone(),
            _ => Value::Null,
        };
        Ok(Node {
            content: Content::Value(value),
            nodes,
            height,
        })
    }

    /// Skip to the next token inside a flow collection opened by `open`.
    fn skip_flow(&mut self, n: isize, open: u8) -> Result2<()> {
        loop {
            self.skip_blanks();
            if self.at_comment() {
                self.skip_line();
            }
            if !is_break(self.cur()) {
                break;
            }
            self.newline();
            if self.at_marker() {
                return self.fail("a `---` or `...` line inside a flow collection", self.pos);
            }
        }
        if self.end() {
            let message = if open == b'[' {
                "this `[` list is never closed; expected `]`"
            } else {
                "this `{` mapping is never closed; expected `}`"
            };
            return self.fail(message, self.pos);
        }
        // A closing bracket or a comma may sit at the key's column.
        let closing = matches!(self.cur(), b']' | b'}' | b',');
        let col = self.col() as isize;
        if self.first_on_line() && (col < n || (col == n && !closing)) {
            return self.fail(
                "this line is not indented inside the flow collection still open above (is a closing bracket missing?)",
                self.pos,
            );
        }
        Ok(())
    }

    /// A node inside a flow collection, with its properties; `None` when
    /// empty (the cursor on `,`, a closing bracket or a value's `:`).
    /// Also says whether it is JSON-like (a `:` may follow it directly) and
    /// on one line.
    fn flow_node(&mut self, n: isize, open: u8) -> Result2<(Node, bool, bool)> {
        let start = self.pos;
        let first_line = self.line;
        let props = self.props(true)?;
        if !props.is_empty() {
            self.skip_flow(n, open)?;
        }
        let at = self.pos;
        let byte = self.cur();
        let empty = matches!(byte, b',' | b']' | b'}')
            || (byte == b':' && (is_space(self.next()) || is_flow(self.next())));
        if empty {
            let node = self.finish(Raw::Plain(String::new()), props, start)?;
            return Ok((node, false, true));
        }
        let mut raw = self.flow_like(n, n, true)?;
        let json = matches!(raw, Raw::Quoted(_) | Raw::Collection(_));
        if let Raw::Plain(text) = &mut raw {
            self.plain_more(n, true, text)?;
        }
        let single = self.line == first_line;
        let node = self.finish(raw, props, at)?;
        Ok((node, json, single))
    }

    /// A `[…]` or `{…}` collection in a block collection at column `n`.
    fn flow(&mut self, n: isize) -> Result2<Node> {
        let open = self.cur();
        let is_map = open == b'{';
        let close = if is_map { b'}' } else { b']' };
        self.enter(self.pos)?;
        self.pos += 1;
        let mut items = Vec::new();
        let mut map = Map::new();
        let (mut nodes, mut height) = (1, 1);
        loop {
            self.skip_flow(n, open)?;
            if self.cur() == close {
                self.pos += 1;
                break;
            }
            if self.cur() == b',' {
                return self.fail("expected a value before this `,`", self.pos);
            }
            let entry_at = self.pos;
            let explicit = self.cur() == b'?' && (is_space(self.next()) || is_flow(self.next()));
            if explicit {
                self.pos += 1;
                self.skip_flow(n, open)?;
            }
            let (key, json, single) = self.flow_node(n, open)?;
            let key_line = self.line;
            self.skip_flow(n, open)?;
            let colon =
                self.cur() == b':' && (json || is_space(self.next()) || is_flow(self.next()));
            if colon && !is_map && !explicit {
                if !single || self.line != key_line {
                    return self.fail(
                        "a key in a flow list must be on one line with its `:`",
                        self.pos,
                    );
                }
                self.key_fits(true, entry_at)?;
            }
            let pair = !is_map && (colon || explicit);
            if pair {
                self.enter(entry_at)?;
                self.fits(key.height, entry_at)?;
            }
            let value = if colon {
                self.pos += 1;
                self.skip_flow(n, open)?;
                if matches!(self.cur(), b',' | b']' | b'}') {
                    self.finish(Raw::Plain(String::new()), Props::default(), self.pos)?
                } else {
                    self.flow_node(n, open)?.0
                }
            } else if is_map || explicit {
                self.finish(Raw::Plain(String::new()), Props::default(), self.pos)?
            } else {
                // A plain entry of a list.
                nodes += key.nodes;
                height = height.max(key.height + 1);
                items.push(key.value());
                self.flow_next(n, open, close)?;
                continue;
            };
            let entry_nodes = key.nodes + value.nodes;
            let entry_height = key.height.max(value.height) + 1;
            let Some(key_text) = key.key() else {
                return self.fail(TOO_LONG_KEY, entry_at);
            };
            if is_map {
                if map.contains_key(&key_text) {
                    return Err(FrontmatterError::new(
                        format!("duplicate key `{key_text}`"),
                        entry_at,
                    ));
                }
                map.insert(key_text, value.value());
                nodes += entry_nodes;
                height = height.max(entry_height);
            } else {
                self.depth -= 1;
                let mut pair = Map::new();
                pair.insert(key_text, value.value());
                items.push(Value::Object(pair));
                nodes += entry_nodes + 1;
                height = height.max(entry_height + 1);
            }
            self.flow_next(n, open, close)?;
        }
        self.depth -= 1;
        let value = if is_map {
            Value::Object(map)
        } else {
            Value::Array(items)
        };
        Ok(Node {
            content: Content::Value(value),
            nodes,
            height,
        })
    }

    /// After a flow entry: a `,` (skipped) or the closing bracket.
    fn flow_next(&mut self, n: isize, open: u8, close: u8) -> Result2<()> {
        self.skip_flow(n, open)?;
        if self.cur() == b',' {
            self.pos += 1;
            return Ok(());
        }
        if self.cur() != close {
            let message = if close == b']' {
                "expected `,` or `]` after this list entry"
            } else {
                "expected `,` or `}` after this mapping entry"
            };
            return self.fail(message, self.pos);
        }
        Ok(())
    }

    /// Give a node its properties: type a scalar (its tag applied) and
    /// record its anchor.
    fn finish(&mut self, raw: Raw, props: Props<'a>, at: usize) -> Result2<Node> {
        let node = match raw {
            Raw::Collection(node) => node,
            Raw::Alias(node) => {
                if !props.is_empty() {
                    return self.fail("an alias can't have an anchor or a tag", at);
                }
                node
            }
            Raw::Plain(text) => self.scalar(text, true, props.tag, at)?,
            Raw::Quoted(text) => self.scalar(text, false, props.tag, at)?,
        };
        if let Some(name) = props.anchor {
            let value = match &node.content {
                Content::Scalar(scalar) => to_json(scalar.clone()),
                Content::Value(value) => value.clone(),
            };
            let anchored = Anchored {
                bytes: text_bytes(&value),
                value,
                nodes: node.nodes,
                height: node.height,
            };
            self.anchors.insert(name.to_string(), Some(anchored));
        }
        Ok(node)
    }

    fn scalar(&mut self, text: String, plain: bool, tag: Option<Tag>, at: usize) -> Result2<Node> {
        self.count(1, at)?;
        let scalar = match tag {
            _ if !plain => Scalar::Str(text),
            None => core(text),
            Some(Tag::Other) => Scalar::Str(text),
            Some(Tag::Core(suffix)) => match tagged(&text, &suffix) {
                Some(scalar) => scalar,
                None => {
                    return Err(FrontmatterError::new(
                        format!("`{text}` is not a valid !!{suffix} value"),
                        at,
                    ));
                }
            },
        };
        Ok(Node {
            content: Content::Scalar(scalar),
            nodes: 1,
            height: 0,
        })
    }
}

/// Join the properties read before a line break (`outer`) and on the
/// node's line (`inner`).
fn merge<'a>(outer: Props<'a>, inner: Props<'a>, at: usize, reader: &Reader) -> Result2<Props<'a>> {
    if (outer.anchor.is_some() && inner.anchor.is_some())
        || (outer.tag.is_some() && inner.tag.is_some())
    {
        return reader.fail("a node can have only one anchor and one tag", at);
    }
    Ok(Props {
        anchor: outer.anchor.or(inner.anchor),
        tag: outer.tag.or(inner.tag),
    })
}

/// Decode a tag's `%XX` escapes (ASCII only).
fn unescape(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(index) = rest.find('%') {
        out.push_str(rest.get(..index)?);
        let code = u8::from_str_radix(rest.get(index + 1..index + 3)?, 16).ok()?;
        if !code.is_ascii() {
            return None;
        }
        out.push(char::from(code));
        rest = rest.get(index + 3..)?;
    }
    out.push_str(rest);
    Some(out)
}

/// A float as `yaml-rust2` reads one: the YAML spellings of infinity and
/// NaN, or a decimal number (Rust's float syntax without `inf`/`nan`).
fn float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        _ => crate::js::parse_decimal(text),
    }
}

/// Type an untagged plain scalar (core schema, as `yaml-rust2` does).
fn core(text: String) -> Scalar {
    let radix = [("0x", 16), ("0o", 8)]
        .iter()
        .find_map(|&(prefix, radix)| Some((text.strip_prefix(prefix)?, radix)));
    if let Some((digits, radix)) = radix {
        if let Ok(integer) = i64::from_str_radix(digits, radix) {
            return Scalar::Int(integer);
        }
    } else if let Some(Ok(integer)) = text.strip_prefix('+').map(str::parse) {
        return Scalar::Int(integer);
    }
    match text.as_str() {
        "" | "~" | "null" => Scalar::Null,
        "true" | "True" | "TRUE" => Scalar::Bool(true),
        "false" | "False" | "FALSE" => Scalar::Bool(false),
        _ => match (text.parse(), float(&text)) {
            (Ok(integer), _) => Scalar::Int(integer),
            (_, Some(real)) => Scalar::Float(real),
            _ => Scalar::Str(text),
        },
    }
}

/// Type a plain scalar with an explicit core tag; `None` when the text
/// does not fit a `bool`, `int`, `float` or `null` tag.
fn tagged(text: &str, suffix: &str) -> Option<Scalar> {
    match suffix {
        "bool" => match text {
            "true" | "True" | "TRUE" => Some(Scalar::Bool(true)),
            "false" | "False" | "FALSE" => Some(Scalar::Bool(false)),
            _ => None,
        },
        "int" => text.parse().ok().map(Scalar::Int),
        "float" => match core(text.to_string()) {
            Scalar::Float(real) => Some(Scalar::Float(real)),
            Scalar::Int(integer) => Some(Scalar::Float(integer as f64)),
            _ => None,
        },
        "null" => matches!(text, "" | "~" | "null").then_some(Scalar::Null),
        _ => Some(Scalar::Str(text.to_string())),
    }
}

/// JSON for a scalar.
fn to_json(scalar: Scalar) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Bool(boolean) => Value::Bool(boolean),
        Scalar::Int(integer) => Value::Number(integer.into()),
        Scalar::Float(real) => Number::from_f64(real).map_or(Value::Null, Value::Number),
        Scalar::Str(string) => Value::String(string),
    }
}

/// A scalar key as YAML would print it.
fn key_text(scalar: Scalar) -> String {
    match scalar {
        Scalar::Null => "null".to_string(),
        Scalar::Bool(boolean) => boolean.to_string(),
        Scalar::Int(integer) => integer.to_string(),
        Scalar::Float(real) if real.is_nan() => ".nan".to_string(),
        Scalar::Float(real) if real == f64::INFINITY => ".inf".to_string(),
        Scalar::Float(real) if real == f64::NEG_INFINITY => "-.inf".to_string(),
        // As JavaScript would spell the key (js-yaml, which Docusaurus
        // uses, makes object keys with `String(n)`).
        Scalar::Float(real) => crate::js::number_to_string(real),
        Scalar::Str(string) => string,
    }
}

/// A block scalar's value as its lines are read.
struct BlockText {
    out: String,
    /// `>` (lines folded) rather than `|`.
    folded: bool,
    /// Empty lines since the last line of text.
    pending: usize,
    /// Whether the last line of text started with a space or tab (more
    /// indented: never folded); `None` before the first.
    previous: Option<bool>,
}

impl BlockText {
    /// Add a line of text (its indentation taken off), after the line
    /// breaks that separate it from the one before.
    fn push_line(&mut self, text: &str) {
        let spaced = text.starts_with([' ', '\t']);
        match self.previous {
            Some(false) if self.folded && !spaced && self.pending == 0 => self.out.push(' '),
            Some(before) => {
                let extra = usize::from(!(self.folded && !before && !spaced));
                (0..self.pending + extra).for_each(|_| self.out.push('\n'));
            }
            None => (0..self.pending).for_each(|_| self.out.push('\n')),
        }
        self.out.push_str(text);
        self.previous = Some(spaced);
        self.pending = 0;
    }

    /// The value, its final line breaks as `chomp` says (`-` strip, `+`
    /// keep, none: one).
    fn chomped(mut self, chomp: Option<u8>) -> String {
        match chomp {
            Some(b'-') => {}
            Some(_) => {
                let breaks = self.pending + usize::from(self.previous.is_some());
                (0..breaks).for_each(|_| self.out.push('\n'));
            }
            None if self.previous.is_some() => self.out.push('\n'),
            None => {}
        }
        self.out
    }
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
            4,
            "should point at the indenting tab, counting `é` as 2 bytes"
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
    fn alias_text_bomb() {
        // Few values, but each alias copies 64 KB: 100 of them are 6.4 MB.
        let long = "x".repeat(64 * 1024);
        let aliases = ["*s"; 100].join(", ");
        let error = error(&format!("s: &s {long}\nall: [{aliases}]\n"));
        assert!(
            error.message.contains("4 MiB"),
            "should refuse aliases that copy too much text, got {:?}",
            error.message
        );
        // The same alias a few times is fine.
        let value = parse(&format!("s: &s {long}\nall: [*s, *s]\n")).expect("should parse");
        assert_eq!(value["all"][1].as_str().map(str::len), Some(long.len()));
    }

    #[test]
    fn nested_collection_keys() {
        // Found by fuzzing: each `?` level makes a key of the JSON of the
        // level below, escaping it again, so the key text doubled with
        // every level (81 bytes took longer than 10 s).
        let yaml = "? ? ?  ?\n\n\n?  ?\n\n\n? ? ?  ? ? ? ? ? ?  ? ? ? ? ? ? ?  ? ? ? ? ? ?  ? ? ? ? ?  ? ?\n";
        let error = error(yaml);
        assert!(
            error.message.contains("too long"),
            "should refuse the runaway key, got {:?}",
            error.message
        );
        for depth in 1..=40 {
            let yaml = format!("{}a\n", "? ".repeat(depth));
            match parse(&yaml) {
                Ok(value) => assert!(value.is_object()),
                Err(error) => assert!(
                    error.message.contains("too long") || error.message.contains("deeply"),
                    "depth {depth}: {error:?}"
                ),
            }
        }
        // A short complex key still works.
        assert_eq!(
            parse("? [a, b]\n: c\n"),
            Ok(json!({"[\"a\",\"b\"]": "c"})),
            "should keep a short list key"
        );
    }

    #[test]
    fn recursive_alias() {
        assert!(
            parse("a: &a [1, *a]").is_err(),
            "should refuse an alias inside its own anchor"
        );
    }

    /// Bytes looked at while parsing: the work, for `linear`.
    fn reads(yaml: &str) -> usize {
        let mut reader = Reader::new(yaml);
        assert!(reader.document().is_ok(), "should parse");
        reader.reads.get()
    }

    #[test]
    fn linear() {
        fn document(repeat: usize) -> String {
            let mut out = String::from("tags:\n");
            for index in 0..repeat {
                out.push_str(&format!(
                    "  - name: tag {index}\n    url: https://x.y/{index}\n"
                ));
            }
            out.push_str("description: >\n");
            for index in 0..repeat {
                out.push_str(&format!("  folded line {index} of a long description\n"));
            }
            out.push_str(&format!("flow: [{}]\n", vec!["'item'"; repeat].join(", ")));
            out.push_str("plain: start\n");
            for index in 0..repeat {
                out.push_str(&format!("  continued {index}\n"));
            }
            out
        }
        let (small, large) = (document(1000), document(2000));
        assert!(large.len() > 100_000, "should be over 100 KB");
        let (a, b) = (reads(&small), reads(&large));
        assert!(
            b < a * 9 / 4,
            "doubling the input should about double the work, not quadruple it: {a} then {b}"
        );
        assert!(
            b < large.len() * 8,
            "should look at each byte a few times: {b}"
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
