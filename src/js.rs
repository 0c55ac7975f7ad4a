//! Static evaluation of the JavaScript expressions found in MDX.
//!
//! markdown-rs hands the MDX → HTML stage the raw source of every JSX
//! attribute-value expression (`style={{textAlign: 'center'}}` gives
//! `{textAlign: 'center'}`), every flow or text expression (`{/* truncate */}`
//! gives `/* truncate */`) and every ESM block. Nothing of the document may be
//! run, so this module parses the small, side-effect-free subset of JavaScript
//! that can be evaluated statically: literals, arrays, object literals,
//! parentheses and bare identifiers (which the caller resolves against the
//! document's imports and exports, see [`crate::esm`]).
//!
//! Everything else (calls, member access, operators, functions, JSX, …) is
//! rejected with a [`JsError`] whose message says in plain words what was
//! found and whose [`Span`] points at it. The parser never panics, and its
//! recursion is bounded: nesting deeper than [`MAX_DEPTH`] is an error.

use std::fmt;

/// How deeply arrays, objects and parentheses may nest before parsing stops
/// with a "nesting too deep" error.
pub const MAX_DEPTH: usize = 64;

/// Byte range into the string that was parsed.
///
/// Both ends are always on `char` boundaries and `start <= end <= len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// A statically evaluated expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `null`.
    Null,
    /// `undefined`, or a hole in an array literal (`[1, , 3]`).
    Undefined,
    /// `true` or `false`.
    Bool(bool),
    /// A number literal, with an optional leading `-` or `+`.
    Number(f64),
    /// A string literal or a template literal without substitutions, with
    /// escapes resolved.
    String(String),
    /// An array literal.
    Array(Vec<Node>),
    /// An object literal. Keys are identifiers, string literals or number
    /// literals (stringified as JavaScript would), in source order; duplicate
    /// keys are all kept (in JavaScript the last one wins).
    Object(Vec<(String, Node)>),
    /// A bare identifier, to be resolved by the caller against imports and
    /// exports. `NaN` and `Infinity` are identifiers too.
    Ident(String),
    /// `require('./a.png').default`: the URL of an asset file, as webpack
    /// gives it (the way Docusaurus documents for images in JSX).
    Require(String),
    /// `name.slice(start, end)` with number literals (each optional): a
    /// slice of a list the caller knows (Docusaurus's `toc`).
    Slice {
        /// The identifier sliced.
        name: String,
        /// First index (negative: from the end).
        start: Option<f64>,
        /// Index after the last (negative: from the end).
        end: Option<f64>,
    },
}

impl Expr {
    /// A short name for the kind of value, for messages: `"null"`,
    /// `"undefined"`, `"boolean"`, `"number"`, `"string"`, `"array"`,
    /// `"object"` or `"identifier"`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Expr::Null => "null",
            Expr::Undefined => "undefined",
            Expr::Bool(_) => "boolean",
            Expr::Number(_) => "number",
            Expr::String(_) => "string",
            Expr::Array(_) => "array",
            Expr::Object(_) => "object",
            Expr::Ident(_) => "identifier",
            Expr::Require(_) => "require",
            Expr::Slice { .. } => "slice",
        }
    }
}

/// An expression with the byte range of its source (for a parenthesized
/// expression, the range includes the parentheses).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub expr: Expr,
    /// Where it is in the parsed string.
    pub span: Span,
}

/// Why an expression (or ESM statement) could not be evaluated statically.
#[derive(Clone, Debug, PartialEq)]
pub struct JsError {
    /// Plain-words description, using markdown code spans for source text.
    pub message: String,
    /// The offending construct.
    pub span: Span,
}

impl JsError {
    /// An error with `message` at `start..end`.
    pub fn new(message: impl Into<String>, start: usize, end: usize) -> Self {
        JsError {
            message: message.into(),
            span: Span::new(start, end),
        }
    }
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at {}..{})",
            self.message, self.span.start, self.span.end
        )
    }
}

impl std::error::Error for JsError {}

/// Parse one expression.
///
/// Returns `Ok(None)` when `source` is only whitespace and comments (an MDX
/// comment like `/* truncate */`). Anything after the expression other than
/// whitespace and comments is an error.
///
/// ```
/// use mdx_preview::js::{parse_expression, Expr};
///
/// let node = parse_expression("{textAlign: 'center', width: 1e2}").unwrap().unwrap();
/// let Expr::Object(entries) = node.expr else { panic!("an object") };
/// assert_eq!(entries[0].0, "textAlign");
/// assert_eq!(entries[0].1.expr, Expr::String("center".into()));
/// assert_eq!(entries[1].1.expr, Expr::Number(100.0));
///
/// assert_eq!(parse_expression("/* truncate */").unwrap(), None);
///
/// let err = parse_expression("a.b").unwrap_err();
/// assert_eq!(err.message, "member access `a.b` is not statically evaluable");
/// assert_eq!((err.span.start, err.span.end), (0, 3));
/// ```
pub fn parse_expression(source: &str) -> Result<Option<Node>, JsError> {
    let mut p = Parser::new(source, 0);
    p.skip_trivia()?;
    if p.at_end() {
        return Ok(None);
    }
    let node = p.parse_value(0)?;
    p.skip_trivia()?;
    if !p.at_end() {
        return Err(p.unexpected(p.pos, Some("the end of the expression")));
    }
    Ok(Some(node))
}

/// The comment text if `source` is only one or more comments (and
/// whitespace), else `None`.
///
/// The text is the trimmed inner text of the first block comment
/// (`"truncate"` for `/* truncate */`), or of the first line comment when
/// there is no block comment (`"note"` for `// note`). An unterminated
/// comment gives `None`.
///
/// ```
/// use mdx_preview::js::comment_only;
/// assert_eq!(comment_only(" /* truncate */ ").as_deref(), Some("truncate"));
/// assert_eq!(comment_only("1 /* one */"), None);
/// ```
pub fn comment_only(source: &str) -> Option<String> {
    let mut first_block: Option<&str> = None;
    let mut first_line: Option<&str> = None;
    let mut rest = source;
    loop {
        rest = rest.trim_start_matches(is_js_whitespace);
        if rest.is_empty() {
            break;
        }
        if let Some(after) = rest.strip_prefix("/*") {
            let close = after.find("*/")?;
            first_block = first_block.or(Some(&after[..close]));
            rest = &after[close + 2..];
        } else if let Some(after) = rest.strip_prefix("//") {
            let end = after.find(is_line_terminator).unwrap_or(after.len());
            first_line = first_line.or(Some(&after[..end]));
            rest = &after[end..];
        } else {
            return None;
        }
    }
    first_block
        .or(first_line)
        .map(|t| t.trim_matches(is_js_whitespace).to_string())
}

/// Format a number as JavaScript's `String(n)` does: `1`, `0.5`, `1e+21`,
/// `1.5e-7`, `NaN`, `Infinity`, `-0` as `0`.
///
/// Used for number keys of object literals (`{1.50: x}` has the key `"1.5"`).
///
/// ```
/// use mdx_preview::js::number_to_string;
/// assert_eq!(number_to_string(16.0), "16");
/// assert_eq!(number_to_string(1e21), "1e+21");
/// assert_eq!(number_to_string(0.000001), "0.000001");
/// ```
pub fn number_to_string(n: f64) -> String {
    // In wasm, the engine's own `String(n)`: exact by definition, and it
    // keeps float formatting code out of the wasm.
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Number::from(n)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        spell_number(n)
    }
}

/// The value of a decimal number such as `12`, `1.5`, `.5`, `1.`, `2e-3`
/// or `-1E+9` (what JavaScript and YAML's core schema write), correctly
/// rounded; `None` when `text` is not one. In wasm the JS engine parses it
/// (no float parsing code in the wasm).
///
/// ```
/// use mdx_preview::js::parse_decimal;
/// assert_eq!(parse_decimal("1.5e3"), Some(1500.0));
/// assert_eq!(parse_decimal(".5"), Some(0.5));
/// assert_eq!(parse_decimal("1e"), None);
/// ```
pub fn parse_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let unsigned = match bytes.first() {
        Some(b'+' | b'-') => &bytes[1..],
        _ => bytes,
    };
    let mantissa_end = unsigned
        .iter()
        .position(|b| matches!(b, b'e' | b'E'))
        .unwrap_or(unsigned.len());
    let (mantissa, exponent) = unsigned.split_at(mantissa_end);
    let digits = mantissa.iter().filter(|b| b.is_ascii_digit()).count();
    let dots = mantissa.iter().filter(|&&b| b == b'.').count();
    let exponent_ok = match exponent {
        [] => true,
        [_, b'+' | b'-', rest @ ..] | [_, rest @ ..] => {
            !rest.is_empty() && rest.iter().all(u8::is_ascii_digit)
        }
    };
    if digits == 0 || dots > 1 || digits + dots != mantissa.len() || !exponent_ok {
        return None;
    }
    #[cfg(target_arch = "wasm32")]
    {
        Some(js_sys::Number::parse_float(text))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.parse().ok()
    }
}

/// `String(n)` from Rust's shortest round-trip digits.
#[cfg(not(target_arch = "wasm32"))]
fn spell_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_string();
    }
    if n == 0.0 {
        return "0".to_string();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if n < 0.0 {
        return format!("-{}", spell_number(-n));
    }
    // Shortest round-trip digits, as `d.ddde±x`.
    let formatted = format!("{n:e}");
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let k = digits.len() as i64;
    let n_pos = exponent + 1;
    if k <= n_pos && n_pos <= 21 {
        let zeros = "0".repeat((n_pos - k) as usize);
        format!("{digits}{zeros}")
    } else if 0 < n_pos && n_pos <= 21 {
        let (int, frac) = digits.split_at(n_pos as usize);
        format!("{int}.{frac}")
    } else if -6 < n_pos && n_pos <= 0 {
        let zeros = "0".repeat((-n_pos) as usize);
        format!("0.{zeros}{digits}")
    } else {
        let e = n_pos - 1;
        let sign = if e >= 0 { '+' } else { '-' };
        let (first, more) = digits.split_at(1);
        if more.is_empty() {
            format!("{first}e{sign}{}", e.abs())
        } else {
            format!("{first}.{more}e{sign}{}", e.abs())
        }
    }
}

// ---------------------------------------------------------------------------
// Character classes.

/// JavaScript white space (approximated with Unicode white space) plus BOM.
pub(crate) fn is_js_whitespace(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

/// JavaScript line terminators.
pub(crate) fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// Whether `c` can start a JavaScript identifier (`ID_Start`, `$` and
/// `_`), as markdown-rs (and acorn) decide it.
pub(crate) fn is_id_start(c: char) -> bool {
    markdown::id_start(c)
}

/// Whether `c` can continue a JavaScript identifier (`ID_Continue`, `$`,
/// ZWNJ and ZWJ).
pub(crate) fn is_id_continue(c: char) -> bool {
    c == '$' || markdown::id_cont(c, false)
}

/// Reserved words (strict mode, module code) that can never be an
/// identifier reference or a binding.
pub(crate) const RESERVED: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Punctuators, longest first.
const PUNCTUATORS: &[&str] = &[
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=",
    "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "**", "<<", ">>", "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%",
    "&", "|", "^", "!", "~", "?", ":", "=", ".", "@", "#",
];

/// Punctuators that are not operators.
const NON_OPERATORS: &[&str] = &[
    "{", "}", "(", ")", "[", "]", ";", ",", ".", "...", "?.", "@", "#", ":", "=>",
];

fn char_at(src: &str, pos: usize) -> Option<char> {
    src.get(pos..).and_then(|s| s.chars().next())
}

/// Up to 32 characters of `span`'s source on one line, else `…`.
fn snippet(src: &str, span: Span) -> String {
    match src.get(span.start..span.end) {
        Some(s) if s.chars().count() <= 32 && !s.contains(is_line_terminator) => s.to_string(),
        _ => "…".to_string(),
    }
}

// ---------------------------------------------------------------------------
// The expression parser.

/// A cursor over a source string, shared with [`crate::esm`].
pub(crate) struct Parser<'a> {
    src: &'a str,
    /// Current byte offset; always on a `char` boundary.
    pub(crate) pos: usize,
    /// Whether a failed parenthesized expression already looked for a `=>`
    /// after it (only the innermost one on the error path does, which keeps
    /// failing deep input linear).
    arrow_checked: bool,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str, pos: usize) -> Self {
        let pos = if src.is_char_boundary(pos) {
            pos
        } else {
            src.len()
        };
        Parser {
            src,
            pos,
            arrow_checked: false,
        }
    }

    pub(crate) fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    pub(crate) fn peek(&self) -> Option<char> {
        char_at(self.src, self.pos)
    }

    fn peek_second(&self) -> Option<char> {
        let mut chars = self.rest().chars();
        chars.next();
        chars.next()
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Skip white space and comments. Returns whether a line terminator was
    /// crossed (also inside a block comment). An unterminated block comment
    /// is an error at its `/*`.
    pub(crate) fn skip_trivia(&mut self) -> Result<bool, JsError> {
        let mut newline = false;
        loop {
            let rest = self.rest();
            if let Some(after) = rest.strip_prefix("//") {
                self.pos += 2 + after.find(is_line_terminator).unwrap_or(after.len());
            } else if let Some(after) = rest.strip_prefix("/*") {
                match after.find("*/") {
                    Some(close) => {
                        if after[..close].contains(is_line_terminator) {
                            newline = true;
                        }
                        self.pos += 2 + close + 2;
                    }
                    None => {
                        return Err(JsError::new(
                            "unterminated comment: `/*` has no closing `*/`",
                            self.pos,
                            self.pos + 2,
                        ));
                    }
                }
            } else {
                match rest.chars().next() {
                    Some(c) if is_js_whitespace(c) => {
                        newline |= is_line_terminator(c);
                        self.pos += c.len_utf8();
                    }
                    _ => return Ok(newline),
                }
            }
        }
    }

    /// Read an identifier name (keywords included) if one starts here.
    pub(crate) fn read_ident(&mut self) -> Option<String> {
        let c = self.peek()?;
        if !is_id_start(c) {
            return None;
        }
        let start = self.pos;
        while let Some(c) = self.peek() {
            if !is_id_continue(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        Some(self.src[start..self.pos].to_string())
    }

    fn enter(&self, depth: usize) -> Result<(), JsError> {
        if depth >= MAX_DEPTH {
            let len = self.peek().map_or(0, char::len_utf8);
            return Err(JsError::new(
                format!(
                    "nesting too deep: more than {MAX_DEPTH} levels of arrays, objects or parentheses"
                ),
                self.pos,
                self.pos + len,
            ));
        }
        Ok(())
    }

    /// Parse one value (a primary expression) at nesting level `depth`, and
    /// reject what would make it part of a larger expression (a call, member
    /// access, arrow function, tagged template). Leaves the cursor right
    /// after the value.
    pub(crate) fn parse_value(&mut self, depth: usize) -> Result<Node, JsError> {
        let mut node = self.parse_primary(depth)?;
        if let Expr::Ident(name) = &node.expr {
            if let Some(special) = self.special_postfix(name, node.span.start) {
                node = special;
            }
        }
        self.check_postfix(&node)?;
        Ok(node)
    }

    /// After identifier `name` (starting at `start`): the two calls that
    /// have a static value, `require('…').default` and `name.slice(…)`
    /// with number literals. `None` (cursor unmoved) for anything else.
    fn special_postfix(&mut self, name: &str, start: usize) -> Option<Node> {
        let mut look = Parser::new(self.src, self.pos);
        let eat = |look: &mut Parser<'_>, wanted: char| -> Option<()> {
            look.skip_trivia().ok()?;
            (look.peek() == Some(wanted)).then(|| look.pos += wanted.len_utf8())
        };
        let expr = if name == "require" {
            eat(&mut look, '(')?;
            look.skip_trivia().ok()?;
            if !matches!(look.peek(), Some('\'' | '"')) {
                return None;
            }
            let (specifier, end) = parse_string_literal(self.src, look.pos).ok()?;
            look.pos = end;
            eat(&mut look, ')')?;
            eat(&mut look, '.')?;
            look.skip_trivia().ok()?;
            (look.read_ident()? == "default").then_some(())?;
            Expr::Require(specifier)
        } else {
            eat(&mut look, '.')?;
            look.skip_trivia().ok()?;
            (look.read_ident()? == "slice").then_some(())?;
            eat(&mut look, '(')?;
            let mut numbers = Vec::new();
            loop {
                look.skip_trivia().ok()?;
                if look.peek() == Some(')') || numbers.len() == 2 {
                    break;
                }
                match look.parse_primary(0).ok()?.expr {
                    Expr::Number(value) => numbers.push(value),
                    _ => return None,
                }
                look.skip_trivia().ok()?;
                if look.peek() == Some(',') {
                    look.pos += 1;
                }
            }
            eat(&mut look, ')')?;
            Expr::Slice {
                name: name.to_string(),
                start: numbers.first().copied(),
                end: numbers.get(1).copied(),
            }
        };
        self.pos = look.pos;
        Some(node(expr, start, look.pos))
    }

    fn parse_primary(&mut self, depth: usize) -> Result<Node, JsError> {
        self.skip_trivia()?;
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(JsError::new(
                "expected a value, found the end of the input",
                start,
                start,
            ));
        };
        match c {
            '\'' | '"' => {
                let (value, end) = parse_string_literal(self.src, start)?;
                self.pos = end;
                Ok(node(Expr::String(value), start, end))
            }
            '`' => self.parse_template(),
            '0'..='9' => {
                let value = self.lex_number()?;
                Ok(node(Expr::Number(value), start, self.pos))
            }
            '.' if self.peek_second().is_some_and(|c| c.is_ascii_digit()) => {
                let value = self.lex_number()?;
                Ok(node(Expr::Number(value), start, self.pos))
            }
            '-' | '+' => self.parse_signed(c),
            '[' => self.parse_array(depth),
            '{' => self.parse_object(depth),
            '(' => self.parse_paren(depth),
            '<' => Err(self.jsx_error()),
            '/' => Err(self.regex_error()),
            c if is_id_start(c) => self.parse_word(),
            _ => Err(self.unexpected(start, Some("a value"))),
        }
    }

    fn parse_signed(&mut self, sign: char) -> Result<Node, JsError> {
        let start = self.pos;
        let rest = self.rest();
        if rest.starts_with("--")
            || rest.starts_with("++")
            || rest.starts_with("-=")
            || rest.starts_with("+=")
        {
            return Err(self.unexpected(start, None));
        }
        self.pos += 1;
        self.skip_trivia()?;
        let is_number = match self.peek() {
            Some(c) if c.is_ascii_digit() => true,
            Some('.') => self.peek_second().is_some_and(|c| c.is_ascii_digit()),
            _ => false,
        };
        if !is_number {
            return Err(JsError::new(
                format!("unary `{sign}` is only statically evaluable on a number literal"),
                start,
                start + 1,
            ));
        }
        let value = self.lex_number()?;
        let value = if sign == '-' { -value } else { value };
        Ok(node(Expr::Number(value), start, self.pos))
    }

    fn parse_word(&mut self) -> Result<Node, JsError> {
        let start = self.pos;
        let name = self.read_ident().unwrap_or_default();
        let end = self.pos;
        let expr = match name.as_str() {
            "true" => Expr::Bool(true),
            "false" => Expr::Bool(false),
            "null" => Expr::Null,
            "undefined" => Expr::Undefined,
            "this" => {
                return Err(JsError::new(
                    "`this` is not statically evaluable",
                    start,
                    end,
                ));
            }
            "super" => {
                return Err(JsError::new(
                    "`super` is not statically evaluable",
                    start,
                    end,
                ));
            }
            "function" => {
                return Err(JsError::new(
                    "function expression is not statically evaluable",
                    start,
                    end,
                ));
            }
            "class" => {
                return Err(JsError::new(
                    "class expression is not statically evaluable",
                    start,
                    end,
                ));
            }
            "new" => {
                return Err(JsError::new(
                    "`new` expression is not statically evaluable",
                    start,
                    end,
                ));
            }
            "import" => {
                return Err(JsError::new(
                    "`import` (dynamic import or `import.meta`) is not statically evaluable",
                    start,
                    end,
                ));
            }
            "typeof" | "void" | "delete" | "await" | "yield" => {
                return Err(JsError::new(
                    format!("`{name}` operator is not statically evaluable"),
                    start,
                    end,
                ));
            }
            "async" => {
                let mut look = Parser::new(self.src, end);
                let newline = look.skip_trivia().unwrap_or(true);
                match look.peek() {
                    Some(c) if !newline && is_id_start(c) => {
                        return Err(JsError::new(
                            "async function is not statically evaluable",
                            start,
                            end,
                        ));
                    }
                    Some('(') if !newline && arrow_after(self.src, look.pos).is_some() => {
                        return Err(JsError::new(
                            "async arrow function is not statically evaluable",
                            start,
                            arrow_after(self.src, look.pos).unwrap_or(end),
                        ));
                    }
                    _ => Expr::Ident(name),
                }
            }
            _ if RESERVED.contains(&name.as_str()) => {
                return Err(JsError::new(
                    format!("unexpected keyword `{name}`"),
                    start,
                    end,
                ));
            }
            _ => Expr::Ident(name),
        };
        Ok(node(expr, start, end))
    }

    /// Reject a call, member access, arrow, or tagged template after `node`.
    fn check_postfix(&mut self, node: &Node) -> Result<(), JsError> {
        let save = self.pos;
        if self.skip_trivia().is_err() {
            // An unterminated comment: whoever reads on reports it.
            self.pos = save;
            return Ok(());
        }
        let p = self.pos;
        let rest = self.rest();
        let start = node.span.start;
        let error = if rest.starts_with("=>") {
            Some(JsError::new(
                "arrow function is not statically evaluable",
                start,
                p + 2,
            ))
        } else if rest.starts_with("?.") && !rest[2..].starts_with(|c: char| c.is_ascii_digit()) {
            let object = snippet(self.src, node.span);
            let mut look = Parser::new(self.src, p + 2);
            let _ = look.skip_trivia();
            let (what, end) = match look.read_ident() {
                Some(name) => (name, look.pos),
                None => ("…".to_string(), p + 2),
            };
            Some(JsError::new(
                format!("optional chaining `{object}?.{what}` is not statically evaluable"),
                start,
                end,
            ))
        } else if rest.starts_with('(') {
            let end = find_matching(self.src, p).unwrap_or(p + 1);
            Some(JsError::new(
                "function call is not statically evaluable",
                start,
                end,
            ))
        } else if rest.starts_with('[') {
            let object = snippet(self.src, node.span);
            let end = find_matching(self.src, p).unwrap_or(p + 1);
            Some(JsError::new(
                format!("member access `{object}[…]` is not statically evaluable"),
                start,
                end,
            ))
        } else if rest.starts_with('`') {
            Some(JsError::new(
                "tagged template is not statically evaluable",
                start,
                p + 1,
            ))
        } else if rest.starts_with('.') && !rest.starts_with("...") {
            let object = snippet(self.src, node.span);
            let mut look = Parser::new(self.src, p + 1);
            let _ = look.skip_trivia();
            look.read_ident().map(|name| {
                JsError::new(
                    format!("member access `{object}.{name}` is not statically evaluable"),
                    start,
                    look.pos,
                )
            })
        } else {
            None
        };
        match error {
            Some(error) => Err(error),
            None => {
                self.pos = save;
                Ok(())
            }
        }
    }

    fn parse_array(&mut self, depth: usize) -> Result<Node, JsError> {
        let start = self.pos;
        self.enter(depth)?;
        self.pos += 1;
        let unterminated = || {
            JsError::new(
                "unterminated array: `[` has no closing `]`",
                start,
                start + 1,
            )
        };
        let mut items = Vec::new();
        loop {
            self.skip_trivia()?;
            let p = self.pos;
            match self.peek() {
                None => return Err(unterminated()),
                Some(']') => {
                    self.pos += 1;
                    break;
                }
                Some(',') => {
                    items.push(node(Expr::Undefined, p, p));
                    self.pos += 1;
                    continue;
                }
                Some('.') if self.rest().starts_with("...") => {
                    return Err(JsError::new(
                        "spread `...` is not statically evaluable",
                        p,
                        p + 3,
                    ));
                }
                _ => {}
            }
            items.push(self.parse_value(depth + 1)?);
            self.skip_trivia()?;
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {
                    self.pos += 1;
                    break;
                }
                None => return Err(unterminated()),
                Some(_) => return Err(self.unexpected(self.pos, Some("`,` or `]`"))),
            }
        }
        Ok(node(Expr::Array(items), start, self.pos))
    }

    fn parse_object(&mut self, depth: usize) -> Result<Node, JsError> {
        let start = self.pos;
        self.enter(depth)?;
        self.pos += 1;
        let mut entries = Vec::new();
        loop {
            self.skip_trivia()?;
            let Some(key) = self.object_key(start)? else {
                break;
            };
            let value = self.object_value(&key, start, depth)?;
            entries.push((key.name, value));
            self.skip_trivia()?;
            match self.peek() {
                Some(',') => self.pos += 1,
                Some('}') => {
                    self.pos += 1;
                    break;
                }
                None => return Err(unterminated_object(start)),
                Some(_) => return Err(self.unexpected(self.pos, Some("`,` or `}`"))),
            }
        }
        Ok(node(Expr::Object(entries), start, self.pos))
    }

    /// A property name in the object starting at `object`, or `None` at
    /// its closing `}` (consumed). Keys that cannot be evaluated
    /// statically (computed, spread, generator, accessor) are errors.
    fn object_key(&mut self, object: usize) -> Result<Option<ObjectKey>, JsError> {
        let key_start = self.pos;
        let Some(c) = self.peek() else {
            return Err(unterminated_object(object));
        };
        let (name, is_ident) = match c {
            '}' => {
                self.pos += 1;
                return Ok(None);
            }
            '[' => {
                let end = find_matching(self.src, key_start).unwrap_or(key_start + 1);
                return Err(JsError::new(
                    "computed property key `[…]` is not statically evaluable",
                    key_start,
                    end,
                ));
            }
            '.' if self.rest().starts_with("...") => {
                return Err(JsError::new(
                    "spread `...` is not statically evaluable",
                    key_start,
                    key_start + 3,
                ));
            }
            '*' => {
                return Err(JsError::new(
                    "generator method is not statically evaluable",
                    key_start,
                    key_start + 1,
                ));
            }
            '\'' | '"' => {
                let (value, end) = parse_string_literal(self.src, key_start)?;
                self.pos = end;
                (value, false)
            }
            '0'..='9' => (number_to_string(self.lex_number()?), false),
            '.' if self.peek_second().is_some_and(|c| c.is_ascii_digit()) => {
                (number_to_string(self.lex_number()?), false)
            }
            c if is_id_start(c) => (self.read_ident().unwrap_or_default(), true),
            _ => return Err(self.unexpected(key_start, Some("a property name or `}`"))),
        };
        if is_ident && matches!(name.as_str(), "get" | "set" | "async") {
            self.check_accessor(&name, key_start)?;
        }
        Ok(Some(ObjectKey {
            name,
            is_ident,
            start: key_start,
            end: self.pos,
        }))
    }

    /// What follows `key` in the object starting at `object`: `: value`,
    /// or nothing for a shorthand property. Methods and defaults are
    /// errors.
    fn object_value(
        &mut self,
        key: &ObjectKey,
        object: usize,
        depth: usize,
    ) -> Result<Node, JsError> {
        let (name, is_ident) = (&key.name, key.is_ident);
        let (key_start, key_end) = (key.start, key.end);
        self.skip_trivia()?;
        let p = self.pos;
        let rest = self.rest();
        if rest.starts_with(':') {
            self.pos += 1;
            self.parse_value(depth + 1)
        } else if rest.starts_with('(') {
            let end = find_matching(self.src, p).unwrap_or(p + 1);
            Err(JsError::new(
                format!(
                    "method `{}()` is not statically evaluable",
                    snippet(self.src, Span::new(key_start, key_end))
                ),
                key_start,
                end,
            ))
        } else if is_ident && (rest.starts_with(',') || rest.starts_with('}')) {
            let value = match name.as_str() {
                "undefined" => Expr::Undefined,
                k if RESERVED.contains(&k) => {
                    return Err(JsError::new(
                        format!("`{name}` cannot be used as a shorthand property"),
                        key_start,
                        key_end,
                    ));
                }
                _ => Expr::Ident(name.clone()),
            };
            Ok(node(value, key_start, key_end))
        } else if is_ident
            && rest.starts_with('=')
            && !rest.starts_with("==")
            && !rest.starts_with("=>")
        {
            Err(JsError::new(
                format!(
                    "shorthand property with a default `{name} = …` is only valid in destructuring"
                ),
                key_start,
                p + 1,
            ))
        } else if rest.is_empty() {
            Err(unterminated_object(object))
        } else {
            Err(self.unexpected(p, Some("`:` after the property name")))
        }
    }

    /// After a `get`, `set` or `async` key: reject `get x() {}` and friends.
    fn check_accessor(&self, key: &str, key_start: usize) -> Result<(), JsError> {
        let mut look = Parser::new(self.src, self.pos);
        let newline = look.skip_trivia().unwrap_or(true);
        let starts_name = match look.peek() {
            Some(c) => {
                is_id_start(c)
                    || matches!(c, '\'' | '"' | '[' | '#')
                    || c.is_ascii_digit()
                    || (c == '*' && key == "async")
            }
            None => false,
        };
        if !starts_name || (newline && key == "async") {
            return Ok(());
        }
        let what = match key {
            "get" => "getter `get …()`",
            "set" => "setter `set …()`",
            _ => "async method",
        };
        Err(JsError::new(
            format!("{what} is not statically evaluable"),
            key_start,
            self.pos,
        ))
    }

    fn parse_paren(&mut self, depth: usize) -> Result<Node, JsError> {
        let start = self.pos;
        self.enter(depth)?;
        self.pos += 1;
        match self.parse_paren_inner(depth, start) {
            Ok(inner) => Ok(inner),
            Err(error) if self.arrow_checked => Err(error),
            Err(error) => {
                self.arrow_checked = true;
                match arrow_after(self.src, start) {
                    Some(end) => Err(JsError::new(
                        "arrow function is not statically evaluable",
                        start,
                        end,
                    )),
                    None => Err(error),
                }
            }
        }
    }

    fn parse_paren_inner(&mut self, depth: usize, start: usize) -> Result<Node, JsError> {
        let unterminated = || {
            JsError::new(
                "unterminated parentheses: `(` has no closing `)`",
                start,
                start + 1,
            )
        };
        self.skip_trivia()?;
        match self.peek() {
            None => return Err(unterminated()),
            Some(')') => {
                return Err(JsError::new(
                    "empty parentheses `()` are not an expression",
                    start,
                    self.pos + 1,
                ));
            }
            _ => {}
        }
        let inner = self.parse_value(depth + 1)?;
        self.skip_trivia()?;
        match self.peek() {
            Some(')') => {
                self.pos += 1;
                Ok(node(inner.expr, start, self.pos))
            }
            None => Err(unterminated()),
            Some(',') => Err(JsError::new(
                "comma (sequence) expression is not statically evaluable",
                self.pos,
                self.pos + 1,
            )),
            Some(_) => Err(self.unexpected(self.pos, Some("`)`"))),
        }
    }

    fn parse_template(&mut self) -> Result<Node, JsError> {
        let start = self.pos;
        self.pos += 1;
        let mut units: Vec<u16> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(JsError::new(
                    "unterminated template literal: the opening backtick has no closing backtick",
                    start,
                    start + 1,
                ));
            };
            match c {
                '`' => {
                    self.pos += 1;
                    break;
                }
                '$' if self.rest().starts_with("${") => {
                    let end = find_matching(self.src, self.pos + 1).unwrap_or(self.pos + 2);
                    return Err(JsError::new(
                        "template literal with `${}` is not statically evaluable",
                        self.pos,
                        end,
                    ));
                }
                '\\' => self.escape(&mut units)?,
                '\r' => {
                    // CR and CRLF are normalized to LF in template literals.
                    self.pos += 1;
                    if self.peek() == Some('\n') {
                        self.pos += 1;
                    }
                    units.push(0x0A);
                }
                _ => {
                    self.pos += c.len_utf8();
                    let mut buf = [0u16; 2];
                    units.extend_from_slice(c.encode_utf16(&mut buf));
                }
            }
        }
        Ok(node(
            Expr::String(String::from_utf16_lossy(&units)),
            start,
            self.pos,
        ))
    }

    /// Resolve the escape sequence at the cursor (on the backslash) into
    /// UTF-16 code units.
    fn escape(&mut self, units: &mut Vec<u16>) -> Result<(), JsError> {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.bump() else {
            return Err(JsError::new(
                "unfinished escape sequence at the end of the input",
                start,
                self.pos,
            ));
        };
        let unit = match c {
            'n' => 0x0A,
            't' => 0x09,
            'r' => 0x0D,
            'b' => 0x08,
            'f' => 0x0C,
            'v' => 0x0B,
            '0' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => 0,
            '0'..='7' => {
                return Err(JsError::new(
                    "octal escape sequences are not allowed; use `\\x…` or `\\u…`",
                    start,
                    self.pos,
                ));
            }
            '8' | '9' => {
                return Err(JsError::new(
                    format!("`\\{c}` is not a valid escape sequence"),
                    start,
                    self.pos,
                ));
            }
            'x' => {
                let value =
                    self.hex_digits(2, start, "invalid `\\x` escape: expected two hex digits")?;
                value as u16
            }
            'u' => {
                let message = "invalid `\\u` escape: expected four hex digits or `\\u{…}`";
                let code = if self.peek() == Some('{') {
                    self.pos += 1;
                    let mut value: u32 = 0;
                    let mut count = 0;
                    while let Some(d) = self.peek().and_then(|c| c.to_digit(16)) {
                        value = value.saturating_mul(16).saturating_add(d).min(0x11_0000);
                        count += 1;
                        self.pos += 1;
                    }
                    if count == 0 || self.peek() != Some('}') {
                        return Err(JsError::new(message, start, self.pos));
                    }
                    self.pos += 1;
                    if value > 0x10_FFFF {
                        return Err(JsError::new(
                            "invalid `\\u{…}` escape: code point above 10FFFF",
                            start,
                            self.pos,
                        ));
                    }
                    value
                } else {
                    self.hex_digits(4, start, message)?
                };
                push_code_point(units, code);
                return Ok(());
            }
            '\r' => {
                // Line continuation (CRLF counts as one line break).
                if self.peek() == Some('\n') {
                    self.pos += 1;
                }
                return Ok(());
            }
            '\n' | '\u{2028}' | '\u{2029}' => return Ok(()),
            other => {
                let mut buf = [0u16; 2];
                units.extend_from_slice(other.encode_utf16(&mut buf));
                return Ok(());
            }
        };
        units.push(unit);
        Ok(())
    }

    fn hex_digits(&mut self, count: usize, start: usize, message: &str) -> Result<u32, JsError> {
        let mut value = 0u32;
        for _ in 0..count {
            match self.peek().and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    value = value * 16 + d;
                    self.pos += 1;
                }
                None => return Err(JsError::new(message, start, self.pos)),
            }
        }
        Ok(value)
    }

    /// Lex an unsigned number literal at the cursor (a digit, or `.` and a
    /// digit).
    fn lex_number(&mut self) -> Result<f64, JsError> {
        let start = self.pos;
        let bytes = self.rest().as_bytes();
        let radix = match bytes {
            [b'0', b'x' | b'X', ..] => Some(16),
            [b'0', b'o' | b'O', ..] => Some(8),
            [b'0', b'b' | b'B', ..] => Some(2),
            _ => None,
        };
        let value = if let Some(radix) = radix {
            self.pos += 2;
            let digits = self.read_digits(radix)?;
            if digits.is_empty() {
                return Err(JsError::new(
                    format!("missing digits after `{}`", &self.src[start..self.pos]),
                    start,
                    self.pos,
                ));
            }
            match u128::from_str_radix(&digits, radix) {
                Ok(v) => v as f64,
                Err(_) => digits.chars().fold(0.0, |acc, d| {
                    acc * f64::from(radix) + f64::from(d.to_digit(radix).unwrap_or(0))
                }),
            }
        } else if matches!(bytes, [b'0', b'0'..=b'9' | b'_', ..]) {
            let mut end = self.pos + 1;
            while let Some(c) = char_at(self.src, end).filter(|c| c.is_ascii_digit() || *c == '_') {
                end += c.len_utf8();
            }
            return Err(JsError::new(
                "a number cannot start with `0` followed by a digit (legacy octal); write `0o…` for octal",
                start,
                end,
            ));
        } else {
            let mut text = String::new();
            if self.peek() != Some('.') {
                text.push_str(&self.read_digits(10)?);
            }
            if self.peek() == Some('.') {
                self.pos += 1;
                text.push('.');
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    text.push_str(&self.read_digits(10)?);
                }
            }
            if matches!(self.peek(), Some('e' | 'E')) {
                let e_start = self.pos;
                self.pos += 1;
                text.push('e');
                if let Some(sign @ ('+' | '-')) = self.peek() {
                    text.push(sign);
                    self.pos += 1;
                }
                let exponent = self.read_digits(10)?;
                if exponent.is_empty() {
                    return Err(JsError::new(
                        "missing exponent digits after `e`",
                        e_start,
                        self.pos,
                    ));
                }
                text.push_str(&exponent);
            }
            parse_decimal(&text)
                .ok_or_else(|| JsError::new("invalid number literal", start, self.pos))?
        };
        match self.peek() {
            Some('n') => Err(JsError::new(
                "BigInt literal is not statically evaluable",
                start,
                self.pos + 1,
            )),
            Some(c) if is_id_continue(c) || c == '\\' => Err(JsError::new(
                "an identifier or digit cannot directly follow a number literal",
                start,
                self.pos + c.len_utf8(),
            )),
            _ => Ok(value),
        }
    }

    /// Digits of `radix` with numeric separators (which must sit between
    /// two digits); returns the digits without separators.
    fn read_digits(&mut self, radix: u32) -> Result<String, JsError> {
        let mut digits = String::new();
        let mut after_digit = false;
        loop {
            match self.peek() {
                Some('_') => {
                    let next_is_digit = self.peek_second().is_some_and(|c| c.is_digit(radix));
                    if !after_digit || !next_is_digit {
                        return Err(JsError::new(
                            "numeric separator `_` must be between two digits",
                            self.pos,
                            self.pos + 1,
                        ));
                    }
                    self.pos += 1;
                    after_digit = false;
                }
                Some(c) if c.is_digit(radix) => {
                    digits.push(c);
                    self.pos += 1;
                    after_digit = true;
                }
                _ => return Ok(digits),
            }
        }
    }

    fn jsx_error(&self) -> JsError {
        let start = self.pos;
        let mut end = start + 1;
        while let Some(c) = char_at(self.src, end) {
            if !(is_id_continue(c) || matches!(c, '.' | '-' | ':')) {
                break;
            }
            end += c.len_utf8();
        }
        if end == start + 1 && char_at(self.src, end) == Some('>') {
            end += 1;
        } else if end == start + 1 {
            return self.unexpected(start, Some("a value"));
        }
        JsError::new(
            "JSX is not statically evaluable inside an expression",
            start,
            end,
        )
    }

    fn regex_error(&self) -> JsError {
        let start = self.pos;
        let mut p = Parser::new(self.src, start + 1);
        let mut in_class = false;
        while let Some(c) = p.peek() {
            if is_line_terminator(c) {
                break;
            }
            p.pos += c.len_utf8();
            match c {
                '\\' => {
                    if let Some(next) = p.peek().filter(|c| !is_line_terminator(*c)) {
                        p.pos += next.len_utf8();
                    }
                }
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => {
                    while p.peek().is_some_and(is_id_continue) {
                        p.bump();
                    }
                    break;
                }
                _ => {}
            }
        }
        JsError::new(
            "regular expression literal is not statically evaluable",
            start,
            p.pos,
        )
    }

    /// An "unexpected …" error for the token at `pos`; `expected` says what
    /// would have been valid there.
    pub(crate) fn unexpected(&self, pos: usize, expected: Option<&str>) -> JsError {
        let suffix = expected
            .map(|e| format!("; expected {e}"))
            .unwrap_or_default();
        let rest = self.src.get(pos..).unwrap_or("");
        let Some(c) = rest.chars().next() else {
            return JsError::new(format!("unexpected end of input{suffix}"), pos, pos);
        };
        if is_id_start(c) {
            let len = rest
                .find(|c: char| !is_id_continue(c))
                .unwrap_or(rest.len());
            let word = &rest[..len];
            let what = if RESERVED.contains(&word) {
                "keyword"
            } else {
                "identifier"
            };
            return JsError::new(
                format!("unexpected {what} `{word}`{suffix}"),
                pos,
                pos + len,
            );
        }
        if c == '\'' || c == '"' {
            let mut end = 1;
            let mut escaped = false;
            for (i, ch) in rest.char_indices().skip(1) {
                if is_line_terminator(ch) {
                    end = i;
                    break;
                }
                end = i + ch.len_utf8();
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == c {
                    break;
                }
            }
            return JsError::new(format!("unexpected string{suffix}"), pos, pos + end);
        }
        if c.is_ascii_digit() {
            let len = rest
                .find(|c: char| !(is_id_continue(c) || c == '.'))
                .unwrap_or(rest.len());
            return JsError::new(format!("unexpected number{suffix}"), pos, pos + len);
        }
        if c == '`' {
            return JsError::new(format!("unexpected template literal{suffix}"), pos, pos + 1);
        }
        let punct = PUNCTUATORS.iter().find(|p| rest.starts_with(**p)).map(|p| {
            // `a?.5:1` is `?` followed by `.5`.
            if *p == "?." && rest[2..].starts_with(|c: char| c.is_ascii_digit()) {
                "?"
            } else {
                *p
            }
        });
        if let Some(punct) = punct {
            let end = pos + punct.len();
            if NON_OPERATORS.contains(&punct) {
                return JsError::new(format!("unexpected `{punct}`{suffix}"), pos, end);
            }
            return JsError::new(
                format!("unexpected `{punct}`: operators are not statically evaluable"),
                pos,
                end,
            );
        }
        JsError::new(
            format!("unexpected character `{}`{suffix}", c.escape_debug()),
            pos,
            pos + c.len_utf8(),
        )
    }
}

/// A property name read by [`Parser::object_key`].
struct ObjectKey {
    name: String,
    /// Written as an identifier (not a string or a number): it may be a
    /// shorthand property.
    is_ident: bool,
    start: usize,
    end: usize,
}

/// The error for an object whose `{` at `start` is never closed.
fn unterminated_object(start: usize) -> JsError {
    JsError::new(
        "unterminated object: `{` has no closing `}`",
        start,
        start + 1,
    )
}

fn node(expr: Expr, start: usize, end: usize) -> Node {
    Node {
        expr,
        span: Span::new(start, end),
    }
}

fn push_code_point(units: &mut Vec<u16>, code: u32) {
    if code >= 0x1_0000 {
        let c = code - 0x1_0000;
        units.push(0xD800 | (c >> 10) as u16);
        units.push(0xDC00 | (c & 0x3FF) as u16);
    } else {
        // Lone surrogates stay as code units; `from_utf16_lossy` turns
        // unpaired ones into U+FFFD and joins escaped pairs.
        units.push(code as u16);
    }
}

/// Parse the string literal whose opening quote is at `start`. Returns the
/// cooked value and the offset after the closing quote.
pub(crate) fn parse_string_literal(src: &str, start: usize) -> Result<(String, usize), JsError> {
    let mut p = Parser::new(src, start);
    let Some(quote) = p.bump() else {
        return Err(JsError::new("expected a string literal", start, start));
    };
    let unterminated = || {
        JsError::new(
            format!(
                "unterminated string literal: the opening `{quote}` has no closing `{quote}` on its line"
            ),
            start,
            start + quote.len_utf8(),
        )
    };
    let mut units: Vec<u16> = Vec::new();
    loop {
        let Some(c) = p.peek() else {
            return Err(unterminated());
        };
        if c == quote {
            p.pos += 1;
            break;
        }
        match c {
            '\n' | '\r' => return Err(unterminated()),
            '\\' => {
                if p.peek_second().is_none() {
                    return Err(unterminated());
                }
                p.escape(&mut units)?;
            }
            _ => {
                p.pos += c.len_utf8();
                let mut buf = [0u16; 2];
                units.extend_from_slice(c.encode_utf16(&mut buf));
            }
        }
    }
    Ok((String::from_utf16_lossy(&units), p.pos))
}

/// If the parenthesis at `open` is closed and followed by `=>`, the offset
/// after the `=>`.
fn arrow_after(src: &str, open: usize) -> Option<usize> {
    let close = find_matching(src, open)?;
    let mut p = Parser::new(src, close);
    p.skip_trivia().ok()?;
    p.rest().starts_with("=>").then_some(p.pos + 2)
}

/// The offset after the bracket that closes the one at `open` (`(`, `[` or
/// `{`), skipping strings, templates and comments. Best effort: used for
/// spans and for finding where a statement ends.
pub(crate) fn find_matching(src: &str, open: usize) -> Option<usize> {
    let mut scanner = Scanner::new(src, open);
    let first = scanner.next()?;
    if first.kind != RawKind::Open {
        return None;
    }
    while let Some(token) = scanner.next() {
        if scanner.depth() == 0 {
            return Some(token.end);
        }
    }
    None
}

// ---------------------------------------------------------------------------
// A tolerant token scanner, for finding ends of constructs we do not parse.

/// Kinds of raw tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RawKind {
    /// `(`, `[` or `{`.
    Open,
    /// `)`, `]` or `}`.
    Close,
    /// `;`.
    Semi,
    /// `,`.
    Comma,
    /// A line terminator, or a block comment containing one.
    LineBreak,
    /// An identifier or keyword.
    Word,
    /// A string, template, number or anything unknown.
    Value,
    /// A run of operator characters.
    Op,
}

/// A raw token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawTok {
    pub(crate) kind: RawKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

const OP_CHARS: &str = "=+-*/%&|^<>!~?:.@#\\";

/// Splits source into [`RawTok`]s, tracking bracket nesting (and template
/// substitutions) on a heap stack. Never fails: unterminated strings stop at
/// the end of their line, unterminated comments and templates at the end of
/// the input. Regular expressions are not recognized.
pub(crate) struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    /// Open brackets: `(`, `[`, `{`, or `$` for a template substitution.
    stack: Vec<u8>,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(src: &'a str, pos: usize) -> Self {
        let pos = if src.is_char_boundary(pos) {
            pos
        } else {
            src.len()
        };
        Scanner {
            src,
            pos,
            stack: Vec::new(),
        }
    }

    /// Current bracket nesting.
    pub(crate) fn depth(&self) -> usize {
        self.stack.len()
    }

    fn token(&self, kind: RawKind, start: usize) -> Option<RawTok> {
        Some(RawTok {
            kind,
            start,
            end: self.pos,
        })
    }

    pub(crate) fn next(&mut self) -> Option<RawTok> {
        loop {
            let rest = self.src.get(self.pos..)?;
            let c = rest.chars().next()?;
            let start = self.pos;
            if is_line_terminator(c) {
                self.pos += c.len_utf8();
                return self.token(RawKind::LineBreak, start);
            }
            if is_js_whitespace(c) {
                self.pos += c.len_utf8();
                continue;
            }
            if let Some(after) = rest.strip_prefix("//") {
                self.pos += 2 + after.find(is_line_terminator).unwrap_or(after.len());
                continue;
            }
            if let Some(after) = rest.strip_prefix("/*") {
                let len = after.find("*/").map_or(rest.len(), |i| i + 4);
                self.pos += len;
                if rest[..len].contains(is_line_terminator) {
                    return self.token(RawKind::LineBreak, start);
                }
                continue;
            }
            match c {
                '\'' | '"' => {
                    self.skip_string(c);
                    return self.token(RawKind::Value, start);
                }
                '`' => {
                    self.pos += 1;
                    self.scan_template();
                    return self.token(RawKind::Value, start);
                }
                '(' | '[' | '{' => {
                    self.pos += 1;
                    self.stack.push(c as u8);
                    return self.token(RawKind::Open, start);
                }
                ')' | ']' => {
                    self.pos += 1;
                    if self.stack.last().is_some_and(|b| *b != b'$') {
                        self.stack.pop();
                    }
                    return self.token(RawKind::Close, start);
                }
                '}' => {
                    self.pos += 1;
                    if self.stack.pop() == Some(b'$') {
                        self.scan_template();
                        return self.token(RawKind::Value, start);
                    }
                    return self.token(RawKind::Close, start);
                }
                ';' => {
                    self.pos += 1;
                    return self.token(RawKind::Semi, start);
                }
                ',' => {
                    self.pos += 1;
                    return self.token(RawKind::Comma, start);
                }
                c if is_id_start(c) => {
                    self.pos += rest
                        .find(|c: char| !is_id_continue(c))
                        .unwrap_or(rest.len());
                    return self.token(RawKind::Word, start);
                }
                c if c.is_ascii_digit() => {
                    self.pos += rest
                        .find(|c: char| !(is_id_continue(c) || c == '.'))
                        .unwrap_or(rest.len());
                    return self.token(RawKind::Value, start);
                }
                c if OP_CHARS.contains(c) => {
                    self.pos += 1;
                    loop {
                        let more = self.src.get(self.pos..).unwrap_or("");
                        if more.starts_with("//") || more.starts_with("/*") {
                            break;
                        }
                        match more.chars().next() {
                            Some(c) if OP_CHARS.contains(c) => self.pos += 1,
                            _ => break,
                        }
                    }
                    return self.token(RawKind::Op, start);
                }
                _ => {
                    self.pos += c.len_utf8();
                    return self.token(RawKind::Value, start);
                }
            }
        }
    }

    fn skip_string(&mut self, quote: char) {
        self.pos += 1;
        while let Some(c) = char_at(self.src, self.pos) {
            if c == quote {
                self.pos += 1;
                return;
            }
            if c == '\n' || c == '\r' {
                return;
            }
            self.pos += c.len_utf8();
            if c == '\\' {
                if let Some(next) = char_at(self.src, self.pos) {
                    self.pos += next.len_utf8();
                    if next == '\r' && char_at(self.src, self.pos) == Some('\n') {
                        self.pos += 1;
                    }
                }
            }
        }
    }

    /// Scan template characters up to and including the closing backtick,
    /// or up to and including a `${` (pushing a substitution).
    fn scan_template(&mut self) {
        while let Some(c) = char_at(self.src, self.pos) {
            self.pos += c.len_utf8();
            match c {
                '`' => return,
                '\\' => {
                    if let Some(next) = char_at(self.src, self.pos) {
                        self.pos += next.len_utf8();
                    }
                }
                '$' if char_at(self.src, self.pos) == Some('{') => {
                    self.pos += 1;
                    self.stack.push(b'$');
                    return;
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Expr {
        match parse_expression(source) {
            Ok(Some(node)) => node.expr,
            other => panic!("should parse {source:?}, got {other:?}"),
        }
    }

    fn error(source: &str) -> JsError {
        match parse_expression(source) {
            Err(error) => error,
            Ok(value) => panic!("should reject {source:?}, got {value:?}"),
        }
    }

    fn string(s: &str) -> Expr {
        Expr::String(s.to_string())
    }

    fn spanned(source: &str, span: Span) -> &str {
        &source[span.start..span.end]
    }

    #[test]
    fn literals() {
        assert_eq!(parse("null"), Expr::Null, "should parse null");
        assert_eq!(
            parse("undefined"),
            Expr::Undefined,
            "should parse undefined"
        );
        assert_eq!(parse("true"), Expr::Bool(true), "should parse true");
        assert_eq!(
            parse(" false "),
            Expr::Bool(false),
            "should parse false with spaces"
        );
        assert_eq!(
            parse("blog_img0"),
            Expr::Ident("blog_img0".into()),
            "should parse an identifier"
        );
        assert_eq!(
            parse("$x_1"),
            Expr::Ident("$x_1".into()),
            "should allow `$` in identifiers"
        );
        assert_eq!(
            parse("ünïcode"),
            Expr::Ident("ünïcode".into()),
            "should allow Unicode letters in identifiers"
        );
        assert_eq!(
            parse("NaN"),
            Expr::Ident("NaN".into()),
            "should leave NaN to the caller as an identifier"
        );
    }

    #[test]
    fn docusaurus_forms() {
        assert_eq!(
            parse("require('./a.png').default"),
            Expr::Require("./a.png".into()),
            "should read an asset's require"
        );
        assert_eq!(
            parse("require ( \"./b.svg\" ) . default"),
            Expr::Require("./b.svg".into()),
            "should allow spaces"
        );
        assert_eq!(
            parse("toc.slice(2)"),
            Expr::Slice {
                name: "toc".into(),
                start: Some(2.0),
                end: None
            },
            "should read a slice"
        );
        assert_eq!(
            parse("toc.slice(1, -1)"),
            Expr::Slice {
                name: "toc".into(),
                start: Some(1.0),
                end: Some(-1.0)
            },
            "should read both bounds"
        );
        for source in [
            "require('./a.png')",
            "require(x).default",
            "require('./a.png').default.b",
            "toc.slice(a)",
            "toc.slice(1, 2, 3)",
            "toc.map(1)",
        ] {
            assert!(
                parse_expression(source).is_err(),
                "should still reject `{source}`"
            );
        }
    }

    #[test]
    fn empty_and_comments() {
        assert_eq!(
            parse_expression(""),
            Ok(None),
            "should give None for empty input"
        );
        assert_eq!(
            parse_expression("  \n\t"),
            Ok(None),
            "should give None for white space"
        );
        assert_eq!(
            parse_expression("/* truncate */"),
            Ok(None),
            "should give None for a comment"
        );
        assert_eq!(
            parse_expression("// a\n/* b */"),
            Ok(None),
            "should give None for several comments"
        );
        assert_eq!(
            parse("/* a */ 1 // b"),
            Expr::Number(1.0),
            "should skip comments around a value"
        );
        assert_eq!(
            parse("[1, /* two */ 2]"),
            Expr::Array(vec![
                node(Expr::Number(1.0), 1, 2),
                node(Expr::Number(2.0), 14, 15)
            ]),
            "should skip comments inside arrays and keep spans"
        );
        let e = error("/* open");
        assert!(
            e.message.contains("unterminated comment"),
            "should report an unterminated comment: {e}"
        );
        assert_eq!(e.span, Span::new(0, 2), "should point at the `/*`");
        let e = error("1 /* open");
        assert_eq!(
            e.span,
            Span::new(2, 4),
            "should point at a trailing unterminated `/*`"
        );
    }

    #[test]
    fn comment_only_text() {
        assert_eq!(
            comment_only("/* truncate */").as_deref(),
            Some("truncate"),
            "should give the trimmed text"
        );
        assert_eq!(
            comment_only(" /*a*/ /* b */ ").as_deref(),
            Some("a"),
            "should give the first comment"
        );
        assert_eq!(
            comment_only("// line\n").as_deref(),
            Some("line"),
            "should accept line comments"
        );
        assert_eq!(
            comment_only("// line\n/* block */").as_deref(),
            Some("block"),
            "should prefer the first block comment"
        );
        assert_eq!(
            comment_only("/**/").as_deref(),
            Some(""),
            "should give empty text for an empty comment"
        );
        assert_eq!(comment_only(""), None, "should give None without comments");
        assert_eq!(
            comment_only("  "),
            None,
            "should give None for white space only"
        );
        assert_eq!(
            comment_only("/* a */ x"),
            None,
            "should give None when code follows"
        );
        assert_eq!(
            comment_only("/* open"),
            None,
            "should give None for an unterminated comment"
        );
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            parse("'center'"),
            string("center"),
            "should parse single quotes"
        );
        assert_eq!(
            parse("\"a'b\""),
            string("a'b"),
            "should parse double quotes"
        );
        assert_eq!(
            parse(r"'\n\t\r\b\f\v\0'"),
            string("\n\t\r\u{8}\u{c}\u{b}\0"),
            "should resolve simple escapes"
        );
        assert_eq!(
            parse(r"'\x41\u0042\u{43}\u{1F600}'"),
            string("ABC😀"),
            "should resolve hex and unicode escapes"
        );
        assert_eq!(
            parse(r"'\uD83D\uDE00'"),
            string("😀"),
            "should join an escaped surrogate pair"
        );
        assert_eq!(
            parse(r"'\u{D83D}\u{DE00}'"),
            string("😀"),
            "should join a braced surrogate pair"
        );
        assert_eq!(
            parse(r"'a\uD800b'"),
            string("a\u{FFFD}b"),
            "should replace a lone high surrogate"
        );
        assert_eq!(
            parse(r"'\uDC00'"),
            string("\u{FFFD}"),
            "should replace a lone low surrogate"
        );
        assert_eq!(
            parse("'a\\\nb'"),
            string("ab"),
            "should drop a LF line continuation"
        );
        assert_eq!(
            parse("'a\\\r\nb'"),
            string("ab"),
            "should drop a CRLF line continuation"
        );
        assert_eq!(
            parse(r"'\q\'\\'"),
            string("q'\\"),
            "should keep identity escapes"
        );
        assert_eq!(
            parse("'a\u{2028}b'"),
            string("a\u{2028}b"),
            "should allow U+2028 inside strings"
        );
        assert_eq!(
            parse(r"'\u{0000041}'"),
            string("A"),
            "should allow leading zeros in `\\u{{}}`"
        );

        for (source, what) in [
            (r"'\x4'", "`\\x`"),
            (r"'\u12'", "`\\u`"),
            (r"'\u{}'", "`\\u`"),
            (r"'\u{110000}'", "10FFFF"),
            (r"'\01'", "octal"),
            (r"'\7'", "octal"),
            (r"'\8'", "`\\8`"),
        ] {
            let e = error(source);
            assert!(
                e.message.contains(what),
                "should explain the bad escape in {source:?}: {e}"
            );
            assert_eq!(e.span.start, 1, "should point at the escape in {source:?}");
        }

        let e = error("'abc");
        assert!(
            e.message.contains("unterminated string"),
            "should report an unterminated string: {e}"
        );
        assert_eq!(e.span, Span::new(0, 1), "should point at the opening quote");
        let e = error("[\"ab\ncd\"]");
        assert!(
            e.message.contains("unterminated string"),
            "should reject a line break in a string: {e}"
        );
        assert_eq!(
            e.span,
            Span::new(1, 2),
            "should point at the opening quote of the broken string"
        );
        let e = error("'ab\\");
        assert!(
            e.message.contains("unterminated string"),
            "should reject a trailing backslash: {e}"
        );
    }

    #[test]
    fn templates() {
        assert_eq!(
            parse("`plain`"),
            string("plain"),
            "should parse a template without substitutions"
        );
        assert_eq!(parse("`a\nb`"), string("a\nb"), "should keep line breaks");
        assert_eq!(
            parse("`a\r\nb\rc`"),
            string("a\nb\nc"),
            "should normalize CR and CRLF to LF"
        );
        assert_eq!(
            parse(r"`\u0041\x42\``"),
            string("AB`"),
            "should resolve escapes in templates"
        );
        assert_eq!(
            parse("`$ {} $`"),
            string("$ {} $"),
            "should keep a `$` not followed by `{{`"
        );
        let source = "`a ${b} c`";
        let e = error(source);
        assert_eq!(
            e.message, "template literal with `${}` is not statically evaluable",
            "should reject substitutions"
        );
        assert_eq!(
            spanned(source, e.span),
            "${b}",
            "should span the substitution"
        );
        let e = error("`abc");
        assert!(
            e.message.contains("unterminated template"),
            "should report an unterminated template: {e}"
        );
        assert_eq!(
            e.span,
            Span::new(0, 1),
            "should point at the opening backtick"
        );
    }

    #[test]
    fn numbers() {
        for (source, value) in [
            ("0", 0.0),
            ("42", 42.0),
            ("3.25", 3.25),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("1E-2", 0.01),
            ("2.5e+2", 250.0),
            ("1.e2", 100.0),
            ("0x1F", 31.0),
            ("0XfF", 255.0),
            ("0o17", 15.0),
            ("0b101", 5.0),
            ("1_000_000", 1e6),
            ("0x_ff", f64::NAN),
            ("-1", -1.0),
            ("+2", 2.0),
            ("- 3", -3.0),
            ("-.5", -0.5),
            ("-0x10", -16.0),
            ("1e999", f64::INFINITY),
            ("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", 2f64.powi(136)),
        ] {
            if value.is_nan() {
                assert!(parse_expression(source).is_err(), "should reject {source}");
                continue;
            }
            assert_eq!(
                parse(source),
                Expr::Number(value),
                "should parse {source} as {value}"
            );
        }
        assert_eq!(parse("-0"), Expr::Number(-0.0), "should parse -0");

        for (source, what, span) in [
            ("1__0", "separator", (1, 2)),
            ("1_", "separator", (1, 2)),
            ("1_.5", "separator", (1, 2)),
            ("0x", "missing digits", (0, 2)),
            ("012", "legacy octal", (0, 3)),
            ("08", "legacy octal", (0, 2)),
            ("1e", "exponent", (1, 2)),
            ("1e+", "exponent", (1, 3)),
            ("10n", "BigInt", (0, 3)),
            ("3in", "cannot directly follow", (0, 2)),
            ("1._5", "cannot directly follow", (0, 3)),
            ("0b12", "cannot directly follow", (0, 4)),
        ] {
            let e = error(source);
            assert!(
                e.message.contains(what),
                "should explain what is wrong with {source}: {e}"
            );
            assert_eq!(
                (e.span.start, e.span.end),
                span,
                "should point at the problem in {source}"
            );
        }
        let e = error("-x");
        assert_eq!(
            e.message, "unary `-` is only statically evaluable on a number literal",
            "should reject unary minus on an identifier"
        );
        assert_eq!(e.span, Span::new(0, 1), "should point at the minus sign");
        assert!(
            error("--1").message.contains("unexpected `--`"),
            "should reject decrement"
        );
        assert!(
            error("-'1'").message.contains("unary `-`"),
            "should reject unary minus on a string"
        );
    }

    #[test]
    fn number_keys_stringify_like_js() {
        for (n, s) in [
            (1.0, "1"),
            (1.5, "1.5"),
            (-2.0, "-2"),
            (100.0, "100"),
            (0.1, "0.1"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (2.5e30, "2.5e+30"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(
                number_to_string(n),
                s,
                "should format {n:e} as JavaScript does"
            );
        }
        let Expr::Object(entries) = parse("{1: 'a', 1.50: 'b', 0x10: 'c', .5: 'd', 1e21: 'e'}")
        else {
            panic!("should parse an object with number keys");
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["1", "1.5", "16", "0.5", "1e+21"],
            "should stringify number keys like JavaScript"
        );
    }

    #[test]
    fn arrays() {
        assert_eq!(
            parse("[]"),
            Expr::Array(vec![]),
            "should parse an empty array"
        );
        let Expr::Array(items) = parse("[1, 'a', [true], {}]") else {
            panic!("should parse an array");
        };
        assert_eq!(items.len(), 4, "should keep all four items");
        assert_eq!(
            items[2].expr,
            Expr::Array(vec![node(Expr::Bool(true), 10, 14)]),
            "should nest arrays"
        );
        let kinds = |source: &str| match parse(source) {
            Expr::Array(items) => items.iter().map(|n| n.expr.kind_name()).collect::<Vec<_>>(),
            other => panic!("should parse {source} as an array, got {other:?}"),
        };
        assert_eq!(kinds("[1,]"), ["number"], "should allow a trailing comma");
        assert_eq!(
            kinds("[1,,2]"),
            ["number", "undefined", "number"],
            "should turn a hole into undefined"
        );
        assert_eq!(
            kinds("[,]"),
            ["undefined"],
            "should count `[,]` as one hole"
        );
        assert_eq!(
            kinds("[1,,]"),
            ["number", "undefined"],
            "should count a hole before a trailing comma"
        );
        let source = "[1, ...rest]";
        let e = error(source);
        assert!(
            e.message.contains("spread"),
            "should reject spread in arrays: {e}"
        );
        assert_eq!(spanned(source, e.span), "...", "should point at the spread");
        let e = error("[1 2]");
        assert_eq!(
            e.message, "unexpected number; expected `,` or `]`",
            "should ask for a comma"
        );
        assert_eq!(e.span, Span::new(3, 4), "should point at the second number");
        let e = error("[1, 2");
        assert!(
            e.message.contains("unterminated array"),
            "should report an unterminated array: {e}"
        );
        assert_eq!(e.span, Span::new(0, 1), "should point at the `[`");
    }

    #[test]
    fn objects() {
        let source =
            "{textAlign: 'center', 'font-size': 12, \"q\": null, a, undefined, default: 1, }";
        let Expr::Object(entries) = parse(source) else {
            panic!("should parse an object");
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["textAlign", "font-size", "q", "a", "undefined", "default"],
            "should keep keys in source order"
        );
        assert_eq!(entries[0].1.expr, string("center"), "should keep values");
        assert_eq!(
            spanned(source, entries[0].1.span),
            "'center'",
            "should span the value"
        );
        assert_eq!(
            entries[3].1.expr,
            Expr::Ident("a".into()),
            "should expand shorthand to an identifier"
        );
        assert_eq!(
            spanned(source, entries[3].1.span),
            "a",
            "should span the shorthand name"
        );
        assert_eq!(
            entries[4].1.expr,
            Expr::Undefined,
            "should treat `{{undefined}}` as undefined"
        );
        let Expr::Object(entries) = parse("{a: 1, a: 2}") else {
            panic!("should parse duplicate keys");
        };
        assert_eq!(entries.len(), 2, "should keep duplicate keys");
        assert_eq!(
            parse("{get: 1, set: 2, async: 3}").kind_name(),
            "object",
            "should allow get/set/async as keys"
        );
        assert_eq!(
            parse("{get, set}").kind_name(),
            "object",
            "should allow get/set shorthand"
        );

        for (source, message, snippet) in [
            (
                "{[k]: 1}",
                "computed property key `[…]` is not statically evaluable",
                "[k]",
            ),
            ("{...x}", "spread `...` is not statically evaluable", "..."),
            (
                "{a() {}}",
                "method `a()` is not statically evaluable",
                "a()",
            ),
            (
                "{'a'(x) {}}",
                "method `'a'()` is not statically evaluable",
                "'a'(x)",
            ),
            (
                "{get a() {}}",
                "getter `get …()` is not statically evaluable",
                "get",
            ),
            (
                "{set a(v) {}}",
                "setter `set …()` is not statically evaluable",
                "set",
            ),
            (
                "{async a() {}}",
                "async method is not statically evaluable",
                "async",
            ),
            (
                "{*gen() {}}",
                "generator method is not statically evaluable",
                "*",
            ),
            (
                "{a = 1}",
                "shorthand property with a default `a = …` is only valid in destructuring",
                "a =",
            ),
            (
                "{true}",
                "`true` cannot be used as a shorthand property",
                "true",
            ),
            (
                "{'a'}",
                "unexpected `}`; expected `:` after the property name",
                "}",
            ),
            (
                "{a: 1 b: 2}",
                "unexpected identifier `b`; expected `,` or `}`",
                "b",
            ),
            ("{a: 1", "unterminated object: `{` has no closing `}`", "{"),
            ("{a", "unterminated object: `{` has no closing `}`", "{"),
            (
                "{-1: 2}",
                "unexpected `-`: operators are not statically evaluable",
                "-",
            ),
        ] {
            let e = error(source);
            assert_eq!(
                e.message, message,
                "should explain what is wrong with {source}"
            );
            assert_eq!(
                spanned(source, e.span),
                snippet,
                "should point at the construct in {source}"
            );
        }
    }

    #[test]
    fn parentheses() {
        assert_eq!(parse("(1)"), Expr::Number(1.0), "should unwrap parentheses");
        assert_eq!(
            parse("((('a')))"),
            string("a"),
            "should unwrap nested parentheses"
        );
        let node = parse_expression(" (x) ").unwrap().unwrap();
        assert_eq!(
            node.span,
            Span::new(1, 4),
            "should span the parentheses too"
        );
        let e = error("()");
        assert!(
            e.message.contains("empty parentheses"),
            "should reject empty parentheses: {e}"
        );
        let e = error("(1, 2)");
        assert!(
            e.message.contains("sequence"),
            "should reject the comma operator: {e}"
        );
        let e = error("(1");
        assert!(
            e.message.contains("unterminated parentheses"),
            "should report unterminated parentheses: {e}"
        );
    }

    #[test]
    fn not_statically_evaluable() {
        for (source, message, snippet) in [
            ("f()", "function call is not statically evaluable", "f()"),
            (
                "f(1, (2))",
                "function call is not statically evaluable",
                "f(1, (2))",
            ),
            ("f(", "function call is not statically evaluable", "f("),
            (
                "a.b",
                "member access `a.b` is not statically evaluable",
                "a.b",
            ),
            (
                "a\n  .b",
                "member access `a.b` is not statically evaluable",
                "a\n  .b",
            ),
            (
                "'x'.length",
                "member access `'x'.length` is not statically evaluable",
                "'x'.length",
            ),
            (
                "a[0]",
                "member access `a[…]` is not statically evaluable",
                "a[0]",
            ),
            (
                "[1][0]",
                "member access `[1][…]` is not statically evaluable",
                "[1][0]",
            ),
            (
                "a?.b",
                "optional chaining `a?.b` is not statically evaluable",
                "a?.b",
            ),
            (
                "a + b",
                "unexpected `+`: operators are not statically evaluable",
                "+",
            ),
            (
                "1 === 1",
                "unexpected `===`: operators are not statically evaluable",
                "===",
            ),
            (
                "a ? b : c",
                "unexpected `?`: operators are not statically evaluable",
                "?",
            ),
            (
                "a?.5:1",
                "unexpected `?`: operators are not statically evaluable",
                "?",
            ),
            (
                "!a",
                "unexpected `!`: operators are not statically evaluable",
                "!",
            ),
            (
                "a = 1",
                "unexpected `=`: operators are not statically evaluable",
                "=",
            ),
            (
                "x => x",
                "arrow function is not statically evaluable",
                "x =>",
            ),
            (
                "() => 1",
                "arrow function is not statically evaluable",
                "() =>",
            ),
            (
                "(a, b) => a",
                "arrow function is not statically evaluable",
                "(a, b) =>",
            ),
            (
                "({a}) => a",
                "arrow function is not statically evaluable",
                "({a}) =>",
            ),
            (
                "async () => 1",
                "async arrow function is not statically evaluable",
                "async () =>",
            ),
            (
                "async function f() {}",
                "async function is not statically evaluable",
                "async",
            ),
            (
                "function () {}",
                "function expression is not statically evaluable",
                "function",
            ),
            (
                "class {}",
                "class expression is not statically evaluable",
                "class",
            ),
            (
                "new Date()",
                "`new` expression is not statically evaluable",
                "new",
            ),
            ("this", "`this` is not statically evaluable", "this"),
            (
                "typeof x",
                "`typeof` operator is not statically evaluable",
                "typeof",
            ),
            (
                "await x",
                "`await` operator is not statically evaluable",
                "await",
            ),
            (
                "import('x')",
                "`import` (dynamic import or `import.meta`) is not statically evaluable",
                "import",
            ),
            ("if", "unexpected keyword `if`", "if"),
            (
                "<b>hi</b>",
                "JSX is not statically evaluable inside an expression",
                "<b",
            ),
            (
                "<>x</>",
                "JSX is not statically evaluable inside an expression",
                "<>",
            ),
            (
                "/a[/]b/gi",
                "regular expression literal is not statically evaluable",
                "/a[/]b/gi",
            ),
            (
                "tag`x`",
                "tagged template is not statically evaluable",
                "tag`",
            ),
            (
                "a b",
                "unexpected identifier `b`; expected the end of the expression",
                "b",
            ),
            (
                "1;",
                "unexpected `;`; expected the end of the expression",
                ";",
            ),
            ("#x", "unexpected `#`; expected a value", "#"),
            ("@", "unexpected `@`; expected a value", "@"),
            (
                "\\u0061",
                "unexpected character `\\\\`; expected a value",
                "\\",
            ),
        ] {
            let e = error(source);
            assert_eq!(
                e.message, message,
                "should explain what is wrong with {source:?}"
            );
            assert_eq!(
                spanned(source, e.span),
                snippet,
                "should point at the construct in {source:?}"
            );
        }
        let source = "{style: {color: theme.red}}";
        let e = error(source);
        assert_eq!(
            spanned(source, e.span),
            "theme.red",
            "should point at nested member access"
        );
    }

    #[test]
    fn nesting_depth() {
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(
            parse_expression(&ok).is_ok(),
            "should accept {MAX_DEPTH} levels of nesting"
        );
        let mixed = format!("{}1{}", "{a:[(".repeat(21), ")]}".repeat(21));
        assert!(
            parse_expression(&mixed).is_ok(),
            "should accept 63 mixed levels"
        );
        let too_deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        let e = error(&too_deep);
        assert!(
            e.message.starts_with("nesting too deep"),
            "should reject {} levels: {e}",
            MAX_DEPTH + 1
        );
        assert_eq!(
            e.span,
            Span::new(MAX_DEPTH, MAX_DEPTH + 1),
            "should point at the first bracket too many"
        );
        let huge = "(".repeat(200_000);
        assert!(
            error(&huge).message.starts_with("nesting too deep"),
            "should survive very deep input"
        );
        let huge = "{a:".repeat(100_000);
        assert!(
            error(&huge).message.starts_with("nesting too deep"),
            "should survive very deep objects"
        );
    }

    #[test]
    fn spans_of_values() {
        let source = " { a : [ -1 , \"é\" ] } ";
        let node = parse_expression(source).unwrap().unwrap();
        assert_eq!(
            spanned(source, node.span),
            "{ a : [ -1 , \"é\" ] }",
            "should span the object"
        );
        let Expr::Object(entries) = &node.expr else {
            panic!("should be an object")
        };
        let Expr::Array(items) = &entries[0].1.expr else {
            panic!("should be an array")
        };
        assert_eq!(
            spanned(source, items[0].span),
            "-1",
            "should span the signed number"
        );
        assert_eq!(
            spanned(source, items[1].span),
            "\"é\"",
            "should span the string with quotes"
        );
    }

    #[test]
    fn scanner_finds_matching_brackets() {
        let source = "( ')' `${ '(' } ` /* ) */ [ ] )x";
        assert_eq!(
            find_matching(source, 0),
            Some(source.len() - 1),
            "should skip strings, templates and comments"
        );
        assert_eq!(
            find_matching("(((", 0),
            None,
            "should give None when unclosed"
        );
        assert_eq!(
            find_matching("x", 0),
            None,
            "should give None when not at a bracket"
        );
        assert_eq!(
            find_matching("(é)", 0),
            Some(4),
            "should handle multi-byte characters"
        );
    }
}
