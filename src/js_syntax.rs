//! JavaScript syntax of MDX expressions, checked as @mdx-js/mdx checks it
//! (with acorn and acorn-jsx), without evaluating anything.
//!
//! markdown-rs asks at every `}` whether the text since the `{` is a whole
//! expression ([`signal`]): yes ([`MdxSignal::Ok`]), not yet, more text
//! could finish it ([`MdxSignal::Eof`]: it reads on to the next `}`), or
//! never (`MdxSignal::Error`, with where). So `{'}'}` is one expression,
//! and `{b c}`, `{1 +}` or an unclosed tag in an attribute value are
//! syntax errors that fail a site build, found where they are.
//!
//! What is checked: the expression grammar (operators, calls, members,
//! literals, templates, regular expressions, arrow and function
//! expressions, classes, object and array literals and patterns, spread,
//! optional chaining) and JSX (elements, fragments, attributes, children,
//! matching closing tags, `>` and `}` not allowed in JSX text). Function
//! and class bodies are only checked to be balanced (their statements are
//! not parsed), so an error inside one is not found; nothing valid is ever
//! refused for that reason. Nesting is bounded ([`MAX_DEPTH`]).
//!
//! The static evaluator ([`crate::js`]) then decides what of a valid
//! expression the preview can show.

// Words that cannot be an identifier in an expression (module code is
// strict: `let`, `static`, `yield`… are reserved too).
use crate::js::{RESERVED, is_id_continue, is_id_start};
use markdown::{MdxExpressionKind, MdxSignal};

/// Deepest nesting checked; deeper is taken as valid (not an error).
pub const MAX_DEPTH: usize = 200;

/// The rule id of an expression's syntax error.
pub const RULE_ID: &str = "invalid-expression";

/// Why a text is not an expression: where, what, and whether more text
/// could fix it (the problem is at its very end).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the checked text.
    pub at: usize,
    /// What is wrong, in plain words.
    pub message: String,
    /// The text ends too early.
    pub eof: bool,
    /// When it ends inside a string, template, comment or attribute value:
    /// the characters that text added after it must hold for the answer to
    /// change (none of them: still cut short at the end).
    pub awaits: Option<&'static str>,
}

/// The last text [`signal`] found cut short inside a string, template,
/// comment or attribute value, its kind, and what it awaits (see
/// [`SyntaxError::awaits`]). markdown-rs asks again at every later `}` with
/// a longer text: while what was added holds none of those characters the
/// answer is the same, so a `{` + `` ` `` followed by thousands of `}`
/// costs a comparison per `}`, not a parse.
struct Awaiting {
    value: String,
    kind: u8,
    /// `None`: cut short otherwise (the text is parsed again).
    awaits: Option<&'static str>,
    /// How many times in a row this expression was found cut short.
    times: usize,
}

/// Most times one expression is found cut short before [`signal`] gives
/// up on it: markdown-rs copies the whole text at every `}` it asks about,
/// so an expression that never ends before thousands of `}` would cost
/// time quadratic in its length. The build reads it in full; the preview
/// reports it as too complex.
pub const MAX_EOF_ANSWERS: usize = 2000;

/// The rule id of an expression [`signal`] gave up on.
pub const TOO_COMPLEX: &str = "input-too-complex";

thread_local! {
    static AWAITING: std::cell::RefCell<Option<Awaiting>> = const { std::cell::RefCell::new(None) };
}

fn kind_code(kind: &MdxExpressionKind) -> u8 {
    match kind {
        MdxExpressionKind::Expression => 0,
        MdxExpressionKind::AttributeExpression => 1,
        MdxExpressionKind::AttributeValueExpression => 2,
    }
}

/// markdown-rs's callback: check `value` (the text between the braces) as
/// an expression of `kind`.
pub fn signal(value: &str, kind: &MdxExpressionKind) -> MdxSignal {
    let code = kind_code(kind);
    // The same expression as last time, longer: (still cut short, times).
    let again = AWAITING.with(|awaiting| {
        awaiting.borrow().as_ref().and_then(|last| {
            let longer = last.kind == code
                && value.len() > last.value.len()
                && value.starts_with(last.value.as_str());
            longer.then(|| {
                let tail = &value[last.value.len()..];
                let short = last
                    .awaits
                    .is_some_and(|awaits| !tail.contains(|c| awaits.contains(c)));
                (short, last.times)
            })
        })
    });
    let times = again.map_or(0, |(_, times)| times);
    if times >= MAX_EOF_ANSWERS {
        AWAITING.with(|awaiting| *awaiting.borrow_mut() = None);
        return MdxSignal::Error(
            format!(
                "This expression runs past {MAX_EOF_ANSWERS} `}}` without ending; it is too complex to check"
            ),
            0,
            Box::new("mdx-preview".into()),
            Box::new(TOO_COMPLEX.into()),
        );
    }
    let result = if again.is_some_and(|(short, _)| short) {
        Err(SyntaxError {
            at: value.len(),
            message: String::new(),
            eof: true,
            awaits: None,
        })
    } else {
        check(value, kind)
    };
    AWAITING.with(|awaiting| {
        let mut awaiting = awaiting.borrow_mut();
        match &result {
            Err(error) if error.eof => {
                let awaits = if again.is_some_and(|(short, _)| short) {
                    awaiting.as_ref().and_then(|last| last.awaits)
                } else {
                    error.awaits
                };
                let last = awaiting.get_or_insert_with(|| Awaiting {
                    value: String::new(),
                    kind: code,
                    awaits,
                    times: 0,
                });
                last.value.clear();
                last.value.push_str(value);
                last.kind = code;
                last.awaits = awaits;
                last.times = times + 1;
            }
            _ => *awaiting = None,
        }
    });
    match result {
        Ok(()) => MdxSignal::Ok,
        // Not what the last text tried lacked: which `}` that was depends
        // on how far the parsed text goes (a partial render must say what
        // a full one says).
        Err(error) if error.eof => MdxSignal::Eof(
            "Unexpected end of file in expression, expected a corresponding closing brace for `{`"
                .into(),
            Box::new("mdx-preview".into()),
            Box::new("unexpected-eof".into()),
        ),
        Err(error) => MdxSignal::Error(
            format!("Could not parse expression: {}", error.message),
            error.at,
            Box::new("mdx-preview".into()),
            Box::new(RULE_ID.into()),
        ),
    }
}

/// Check `value` as an expression of `kind`, as MDX does: an expression
/// (flow or text) may be empty or only comments, or one expression; an
/// attribute value one expression (not empty); a bare attribute
/// expression a spread, `...value`.
///
/// ```
/// use markdown::MdxExpressionKind;
/// use mdx_preview::js_syntax::check;
/// let kind = MdxExpressionKind::Expression;
/// assert!(check("a ? <b>x</b> : 'y'", &kind).is_ok());
/// assert!(check("/* note */", &kind).is_ok());
/// assert!(!check("b c", &kind).unwrap_err().eof);
/// assert!(check("1 +", &kind).unwrap_err().eof);
/// ```
pub fn check(value: &str, kind: &MdxExpressionKind) -> Result<(), SyntaxError> {
    let mut parser = Parser::new(value);
    parser.skip()?;
    match kind {
        MdxExpressionKind::Expression => {
            if parser.at_end() {
                return Ok(());
            }
            parser.expression(0)?;
        }
        MdxExpressionKind::AttributeValueExpression => {
            if parser.at_end() {
                return Err(parser.error_here("an empty expression is not a value"));
            }
            parser.expression(0)?;
        }
        MdxExpressionKind::AttributeExpression => {
            if !parser.eat("...") {
                return Err(parser.error_here("expected a spread (`{...props}`)"));
            }
            parser.assignment(0)?;
        }
    }
    parser.skip()?;
    if parser.at_end() {
        Ok(())
    } else {
        Err(parser.error_here("expected the end of the expression"))
    }
}

/// Most `}` tried by [`expression_end`] before it counts braces instead.
const MAX_TRIES: usize = 64;

/// Where the expression whose `{` is at `open` in `bytes[..limit]` ends
/// (just after its `}`), as markdown-rs finds it with [`signal`]: the first
/// `}` at which the text since the `{` is not cut short ([`check`] says
/// whole, or wrong before its end). `None` when no `}` before `limit`
/// ends it. After [`MAX_TRIES`] `}`, braces are counted instead (a
/// pathological run of them costs no more than that).
///
/// ```
/// use markdown::MdxExpressionKind;
/// use mdx_preview::js_syntax::expression_end;
/// let text = b"{'}'} and {a}";
/// assert_eq!(expression_end(text, 0, text.len(), &MdxExpressionKind::Expression), Some(5));
/// assert_eq!(expression_end(text, 10, text.len(), &MdxExpressionKind::Expression), Some(13));
/// ```
pub fn expression_end(
    bytes: &[u8],
    open: usize,
    limit: usize,
    kind: &MdxExpressionKind,
) -> Option<usize> {
    let mut unlimited = usize::MAX;
    expression_end_within(bytes, open, limit, kind, &mut unlimited).unwrap_or(None)
}

/// [`expression_end`] was stopped: it would have read more than its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfBudget;

/// [`expression_end`], reading at most `budget` bytes (each byte scanned,
/// and each byte of each text checked, counts; what is read is taken off
/// `budget`): `Err` when that is not enough to tell.
pub fn expression_end_within(
    bytes: &[u8],
    open: usize,
    limit: usize,
    kind: &MdxExpressionKind,
    budget: &mut usize,
) -> Result<Option<usize>, OutOfBudget> {
    let limit = limit.min(bytes.len());
    let mut tries = 0;
    let mut depth = 0usize;
    for at in open..limit {
        *budget = budget.checked_sub(1).ok_or(OutOfBudget)?;
        match bytes[at] {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if tries < MAX_TRIES {
                    tries += 1;
                    *budget = budget.checked_sub(at - open).ok_or(OutOfBudget)?;
                    let Ok(value) = std::str::from_utf8(&bytes[open + 1..at]) else {
                        return Ok(None);
                    };
                    if !matches!(check(value, kind), Err(ref error) if error.eof) {
                        return Ok(Some(at + 1));
                    }
                } else if depth == 0 {
                    return Ok(Some(at + 1));
                }
            }
            _ => {}
        }
    }
    Ok(None)
}

/// Binary and logical operators, longest first.
const BINARY: &[&str] = &[
    ">>>", "===", "!==", "**", "&&", "||", "??", "==", "!=", "<=", ">=", "<<", ">>", "+", "-", "*",
    "/", "%", "<", ">", "&", "|", "^",
];

/// Assignment operators, longest first.
const ASSIGN: &[&str] = &[
    ">>>=", "**=", "<<=", ">>=", "&&=", "||=", "??=", "+=", "-=", "*=", "/=", "%=", "&=", "|=",
    "^=", "=",
];

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// A line terminator was skipped just before `pos`.
    newline: bool,
}

type Result<T = (), E = SyntaxError> = std::result::Result<T, E>;

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            newline: false,
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn error(&self, at: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            at,
            message: message.into(),
            eof: at >= self.src.len(),
            awaits: None,
        }
    }

    /// The text ends inside a construct that only one of `awaits` (added
    /// text) could end.
    fn unterminated(&self, message: &str, awaits: &'static str) -> SyntaxError {
        SyntaxError {
            awaits: Some(awaits),
            ..self.error(self.src.len(), message)
        }
    }

    /// An error at the current token: "unexpected X" or the end.
    fn error_here(&self, expected: &str) -> SyntaxError {
        match self.peek() {
            None => self.error(self.pos, format!("unexpected end, {expected}")),
            Some(c) => self.error(self.pos, format!("unexpected `{c}`, {expected}")),
        }
    }

    /// Skip white space and comments.
    fn skip(&mut self) -> Result {
        self.newline = false;
        loop {
            let rest = self.rest();
            if let Some(after) = rest.strip_prefix("//") {
                let end = after.find(is_line_terminator).unwrap_or(after.len());
                self.pos += 2 + end;
            } else if let Some(after) = rest.strip_prefix("/*") {
                match after.find("*/") {
                    Some(close) => {
                        self.newline |= after[..close].contains(is_line_terminator);
                        self.pos += 2 + close + 2;
                    }
                    None => return Err(self.unterminated("unterminated comment", "/")),
                }
            } else {
                match rest.chars().next() {
                    Some(c) if c.is_whitespace() || c == '\u{FEFF}' => {
                        self.newline |= is_line_terminator(c);
                        self.pos += c.len_utf8();
                    }
                    _ => return Ok(()),
                }
            }
        }
    }

    /// Whether the next token is punctuator `p` (not the start of a longer
    /// one where that matters: `=` is not `==` or `=>`).
    fn at(&self, p: &str) -> bool {
        let rest = self.rest();
        if !rest.starts_with(p) {
            return false;
        }
        let next = rest[p.len()..].chars().next();
        match p {
            "=" => !matches!(next, Some('=' | '>')),
            "." => !matches!(next, Some('0'..='9')) && !rest.starts_with("..."),
            "<" | ">" | "&" | "|" | "*" | "+" | "-" => {
                !matches!(next, Some(n) if n == p.chars().next().unwrap_or(' ') || n == '=')
            }
            _ => true,
        }
    }

    /// Consume punctuator `p` and what follows it.
    fn eat(&mut self, p: &str) -> bool {
        if self.at(p) {
            self.pos += p.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, p: &str) -> Result {
        self.skip()?;
        if self.eat(p) {
            Ok(())
        } else {
            Err(self.error_here(&format!("expected `{p}`")))
        }
    }

    /// A word (identifier or keyword) at the cursor, without consuming it.
    fn word(&self) -> Option<&'a str> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        if !is_id_start(first) && first != '\\' {
            return None;
        }
        let end = rest
            .char_indices()
            .find(|&(_, c)| !is_id_continue(c) && c != '\\')
            .map_or(rest.len(), |(i, _)| i);
        Some(&rest[..end])
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if self.word() == Some(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn deeper(&self, depth: usize) -> bool {
        depth >= MAX_DEPTH
    }

    /// Expression: assignments separated by commas.
    fn expression(&mut self, depth: usize) -> Result {
        self.assignment(depth)?;
        loop {
            self.skip()?;
            if !self.eat(",") {
                return Ok(());
            }
            self.assignment(depth)?;
        }
    }

    /// Assignment expression (arrow functions, yield, conditionals).
    fn assignment(&mut self, depth: usize) -> Result {
        if self.deeper(depth) {
            return self.skip_balanced_rest();
        }
        self.skip()?;
        // `async x => …`, `async (…) => …`, `x => …`.
        if let Some(word) = self.word() {
            let save = self.pos;
            if word == "async" {
                self.pos += word.len();
                self.skip()?;
                if !self.newline {
                    if let Some(param) = self.word().filter(|w| !RESERVED.contains(w)) {
                        self.pos += param.len();
                        self.skip()?;
                        if self.eat("=>") {
                            return self.arrow_body(depth);
                        }
                    }
                }
                self.pos = save;
            } else if !RESERVED.contains(&word) {
                self.pos += word.len();
                self.skip()?;
                if self.eat("=>") {
                    return self.arrow_body(depth);
                }
                self.pos = save;
            }
            if word == "yield" {
                self.pos += word.len();
                self.skip()?;
                self.eat("*");
                self.skip()?;
                if self.at_end() || matches!(self.peek(), Some(')' | ']' | '}' | ',' | ';' | ':')) {
                    return Ok(());
                }
                return self.assignment(depth + 1);
            }
        }
        self.conditional(depth)?;
        self.skip()?;
        for op in ASSIGN {
            if self.eat(op) {
                return self.assignment(depth + 1);
            }
        }
        Ok(())
    }

    fn arrow_body(&mut self, depth: usize) -> Result {
        self.skip()?;
        if self.at("{") {
            self.block_body()
        } else {
            self.assignment(depth + 1)
        }
    }

    fn conditional(&mut self, depth: usize) -> Result {
        self.binary(depth)?;
        self.skip()?;
        if self.at("?") && !self.rest().starts_with("??") && !self.rest().starts_with("?.") {
            self.pos += 1;
            self.assignment(depth + 1)?;
            self.expect(":")?;
            self.assignment(depth + 1)?;
        }
        Ok(())
    }

    /// Unary operands joined by binary operators (precedence does not
    /// matter to syntax).
    fn binary(&mut self, depth: usize) -> Result {
        loop {
            self.unary(depth)?;
            self.skip()?;
            let operator = BINARY.iter().find(|op| {
                let Some(after) = self.rest().strip_prefix(**op) else {
                    return false;
                };
                // Not an assignment (`+=`), nor the first half of a longer
                // operator (`<<`, `>>`, `**`, `&&`, `||`).
                let doubled =
                    matches!(**op, "<" | ">" | "*" | "&" | "|") && after.starts_with(**op);
                !after.starts_with('=') && !doubled
            });
            let keyword = ["instanceof", "in"]
                .into_iter()
                .find(|k| self.word() == Some(k));
            match (operator, keyword) {
                (Some(op), _) => self.pos += op.len(),
                (None, Some(k)) => self.pos += k.len(),
                (None, None) => return Ok(()),
            }
        }
    }

    fn unary(&mut self, depth: usize) -> Result {
        if self.deeper(depth) {
            return self.skip_balanced_rest();
        }
        self.skip()?;
        for op in ["++", "--"] {
            if self.eat(op) {
                return self.unary(depth + 1);
            }
        }
        for op in ["!", "~", "+", "-"] {
            if self.rest().starts_with(op) && !self.rest().starts_with("!=") {
                self.pos += 1;
                return self.unary(depth + 1);
            }
        }
        for word in ["typeof", "void", "delete", "await"] {
            if self.word() == Some(word) {
                self.pos += word.len();
                return self.unary(depth + 1);
            }
        }
        self.postfix(depth)
    }

    /// Member access, calls, tagged templates, `++`/`--` after.
    fn postfix(&mut self, depth: usize) -> Result {
        self.primary(depth)?;
        loop {
            self.skip()?;
            let newline = self.newline;
            if self.rest().starts_with("?.")
                && !matches!(self.rest()[2..].chars().next(), Some('0'..='9'))
            {
                self.pos += 2;
                self.skip()?;
                if self.at("(") {
                    self.arguments(depth)?;
                } else if self.eat("[") {
                    self.expression(depth + 1)?;
                    self.expect("]")?;
                } else {
                    self.property_name_after_dot()?;
                }
            } else if self.at(".") {
                self.pos += 1;
                self.skip()?;
                self.property_name_after_dot()?;
            } else if self.eat("[") {
                self.expression(depth + 1)?;
                self.expect("]")?;
            } else if self.at("(") {
                self.arguments(depth)?;
            } else if self.at("`") {
                self.template(depth)?;
            } else if !newline && (self.rest().starts_with("++") || self.rest().starts_with("--")) {
                self.pos += 2;
            } else {
                return Ok(());
            }
        }
    }

    fn property_name_after_dot(&mut self) -> Result {
        if self.rest().starts_with('#') {
            self.pos += 1;
        }
        match self.word() {
            Some(word) => {
                self.pos += word.len();
                Ok(())
            }
            None => Err(self.error_here("expected a property name")),
        }
    }

    /// A parenthesized list, `(a, ...b)`: a call's arguments, or a
    /// function's parameters (`(a, {b}, [c] = [], ...d)`, patterns read as
    /// the expressions they look like).
    fn arguments(&mut self, depth: usize) -> Result {
        self.expect("(")?;
        loop {
            self.skip()?;
            if self.eat(")") {
                return Ok(());
            }
            self.eat("...");
            self.assignment(depth + 1)?;
            self.skip()?;
            if self.eat(",") {
                continue;
            }
            self.expect(")")?;
            return Ok(());
        }
    }

    fn primary(&mut self, depth: usize) -> Result {
        self.skip()?;
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.error(start, "unexpected end, expected a value"));
        };
        match c {
            '\'' | '"' => self.string(c),
            '`' => self.template(depth),
            '0'..='9' => self.number(),
            '.' if matches!(self.rest()[1..].chars().next(), Some('0'..='9')) => self.number(),
            '[' => self.array(depth),
            '{' => self.object(depth),
            '(' => self.parenthesized(depth),
            '<' => self.jsx_element(depth),
            '/' => self.regex(),
            '#' => {
                // `#x in obj`.
                self.pos += 1;
                self.word()
                    .map(|w| self.pos += w.len())
                    .ok_or_else(|| self.error_here("expected a name"))
            }
            _ => self.primary_word(depth),
        }
    }

    fn primary_word(&mut self, depth: usize) -> Result {
        let Some(word) = self.word() else {
            return Err(self.error_here("expected a value"));
        };
        match word {
            "function" => {
                self.pos += word.len();
                self.function_rest(depth)
            }
            "async" => {
                self.pos += word.len();
                self.skip()?;
                if self.newline {
                    Ok(())
                } else if self.eat_word("function") {
                    self.function_rest(depth)
                } else if self.at("(") {
                    // `async (a) => …`, or a call of a function named async.
                    self.parenthesized(depth)
                } else {
                    Ok(())
                }
            }
            "class" => {
                self.pos += word.len();
                self.class_rest(depth)
            }
            "new" => {
                self.pos += word.len();
                self.skip()?;
                if self.eat(".") {
                    self.skip()?;
                    return self.property_name_after_dot();
                }
                // `new X(…)`: the callee, then the arguments (postfix).
                self.postfix(depth + 1)
            }
            "import" => {
                self.pos += word.len();
                self.skip()?;
                if self.eat(".") {
                    self.skip()?;
                    return self.property_name_after_dot();
                }
                if self.at("(") {
                    return Ok(());
                }
                Err(self.error_here("expected `(` or `.` after `import`"))
            }
            "this" | "super" | "null" | "true" | "false" => {
                self.pos += word.len();
                Ok(())
            }
            _ if RESERVED.contains(&word) => {
                Err(self.error(self.pos, format!("unexpected keyword `{word}`")))
            }
            _ => {
                self.pos += word.len();
                Ok(())
            }
        }
    }

    fn string(&mut self, quote: char) -> Result {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek() {
                None => {
                    let awaits = if quote == '"' { "\"\n\r" } else { "'\n\r" };
                    return Err(self.unterminated("unterminated string", awaits));
                }
                Some('\\') => {
                    self.pos += 1;
                    if let Some(c) = self.peek() {
                        self.pos += c.len_utf8();
                    }
                }
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(());
                }
                Some('\n' | '\r') => {
                    return Err(self.error(start, "unterminated string (a line ends in it)"));
                }
                Some(c) => self.pos += c.len_utf8(),
            }
        }
    }

    fn number(&mut self) -> Result {
        let rest = self.rest();
        let length = rest
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_ascii_alphanumeric()
                    || c == '_'
                    || c == '.'
                    || ((c == '+' || c == '-')
                        && i > 0
                        && matches!(rest.as_bytes()[i - 1], b'e' | b'E')
                        && !rest.starts_with("0x")
                        && !rest.starts_with("0X")))
            })
            .map_or(rest.len(), |(i, _)| i);
        self.pos += length;
        // An identifier right after a number (`3in`) is an error.
        if self.peek().is_some_and(is_id_start) {
            return Err(self.error_here("expected a separator after the number"));
        }
        Ok(())
    }

    fn template(&mut self, depth: usize) -> Result {
        self.template_with(|parser| {
            parser.pos += 2;
            parser.expression(depth + 1)?;
            parser.expect("}")
        })
    }

    /// A template literal from its opening backtick to its closing one;
    /// `substitution` reads each `${…}` (from its `$`).
    fn template_with(&mut self, mut substitution: impl FnMut(&mut Self) -> Result) -> Result {
        self.pos += 1;
        loop {
            match self.peek() {
                None => return Err(self.unterminated("unterminated template", "`")),
                Some('\\') => {
                    self.pos += 1;
                    if let Some(c) = self.peek() {
                        self.pos += c.len_utf8();
                    }
                }
                Some('`') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some('$') if self.rest().starts_with("${") => substitution(self)?,
                Some(c) => self.pos += c.len_utf8(),
            }
        }
    }

    fn regex(&mut self) -> Result {
        let start = self.pos;
        self.pos += 1;
        let mut class = false;
        loop {
            match self.peek() {
                None | Some('\n' | '\r') => {
                    return Err(self.error(start, "unterminated regular expression"));
                }
                Some('\\') => {
                    self.pos += 1;
                    if let Some(c) = self.peek().filter(|c| !is_line_terminator(*c)) {
                        self.pos += c.len_utf8();
                    }
                }
                Some('[') => {
                    class = true;
                    self.pos += 1;
                }
                Some(']') => {
                    class = false;
                    self.pos += 1;
                }
                Some('/') if !class => {
                    self.pos += 1;
                    if let Some(flags) = self.word() {
                        self.pos += flags.len();
                    }
                    return Ok(());
                }
                Some(c) => self.pos += c.len_utf8(),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result {
        self.pos += 1;
        loop {
            self.skip()?;
            if self.eat("]") {
                return Ok(());
            }
            if self.eat(",") {
                continue;
            }
            self.eat("...");
            self.assignment(depth + 1)?;
            self.skip()?;
            if self.eat(",") {
                continue;
            }
            self.expect("]")?;
            return Ok(());
        }
    }

    fn object(&mut self, depth: usize) -> Result {
        self.pos += 1;
        loop {
            self.skip()?;
            if self.eat("}") {
                return Ok(());
            }
            if self.eat("...") {
                self.assignment(depth + 1)?;
            } else {
                self.property(depth)?;
            }
            self.skip()?;
            if self.eat(",") {
                continue;
            }
            self.expect("}")?;
            return Ok(());
        }
    }

    /// One property of an object literal (or pattern).
    fn property(&mut self, depth: usize) -> Result {
        // Modifiers: `async`, `get`, `set`, `*` — each only when a key
        // follows (else it is the key itself).
        let mut method = false;
        loop {
            self.skip()?;
            if self.eat("*") {
                method = true;
                continue;
            }
            let modifier = ["async", "get", "set", "static"]
                .into_iter()
                .find(|m| self.word() == Some(m));
            if let Some(modifier) = modifier {
                let save = self.pos;
                self.pos += modifier.len();
                self.skip()?;
                let key_follows = !self.newline
                    && !matches!(self.peek(), Some(',' | ':' | '(' | '}' | '=') | None);
                if key_follows {
                    method = true;
                    continue;
                }
                self.pos = save;
            }
            break;
        }
        // The key.
        self.skip()?;
        let shorthand_name = self.word();
        match self.peek() {
            Some('[') => {
                self.pos += 1;
                self.assignment(depth + 1)?;
                self.expect("]")?;
            }
            Some('\'' | '"') => {
                let quote = self.peek().unwrap_or('"');
                self.string(quote)?;
            }
            Some('0'..='9' | '.') => self.number()?,
            Some('#') => {
                self.pos += 1;
                self.property_name_after_dot()?;
            }
            _ => match shorthand_name {
                Some(word) => self.pos += word.len(),
                None => return Err(self.error_here("expected a property")),
            },
        }
        self.skip()?;
        if self.at("(") {
            self.arguments(depth)?;
            return self.block_body();
        }
        if method {
            return Err(self.error_here("expected `(`"));
        }
        if self.eat(":") {
            return self.assignment(depth + 1);
        }
        // Shorthand `a`, or `a = 1` in a pattern.
        match shorthand_name {
            Some(word) if !RESERVED.contains(&word) || word == "this" => {
                if self.eat("=") {
                    self.assignment(depth + 1)?;
                }
                Ok(())
            }
            _ => Err(self.error_here("expected `:`")),
        }
    }

    /// `( … )`: a parenthesized expression or an arrow function's
    /// parameters (patterns parse as expressions here).
    fn parenthesized(&mut self, depth: usize) -> Result {
        let open = self.pos;
        self.pos += 1;
        let mut items = 0;
        let mut loose = false;
        loop {
            self.skip()?;
            if self.eat(")") {
                break;
            }
            if self.eat("...") {
                loose = true;
            }
            self.assignment(depth + 1)?;
            items += 1;
            self.skip()?;
            if self.eat(",") {
                self.skip()?;
                if self.at(")") {
                    loose = true;
                }
                continue;
            }
            self.expect(")")?;
            break;
        }
        self.skip()?;
        if !self.newline && self.eat("=>") {
            return self.arrow_body(depth);
        }
        if items == 0 || loose {
            return Err(self.error(open, "expected `=>` after the parameters"));
        }
        Ok(())
    }

    /// `function` seen: `*`, a name, parameters and a body.
    fn function_rest(&mut self, depth: usize) -> Result {
        self.skip()?;
        self.eat("*");
        self.skip()?;
        if let Some(name) = self.word() {
            self.pos += name.len();
        }
        self.arguments(depth)?;
        self.block_body()
    }

    /// `class` seen: a name, `extends`, a body.
    fn class_rest(&mut self, depth: usize) -> Result {
        self.skip()?;
        if let Some(name) = self.word().filter(|w| *w != "extends") {
            self.pos += name.len();
            self.skip()?;
        }
        if self.eat_word("extends") {
            self.postfix(depth + 1)?;
        }
        self.block_body()
    }

    /// A body `{ … }` (function, method, class): checked to be balanced.
    fn block_body(&mut self) -> Result {
        self.skip()?;
        if !self.at("{") {
            return Err(self.error_here("expected `{`"));
        }
        self.skip_balanced(b'{', b'}')
    }

    /// Skip from an opening bracket to its match, over strings, templates,
    /// comments and regular expressions (told from division by the token
    /// before).
    fn skip_balanced(&mut self, open: u8, close: u8) -> Result {
        let start = self.pos;
        let mut stack = vec![close];
        self.pos += 1;
        let mut regex_allowed = true;
        while let Some(&want) = stack.last() {
            let Some(c) = self.peek() else {
                return Err(self.error(
                    self.src.len(),
                    format!("`{}` is never closed", open as char),
                ));
            };
            let byte = self.bytes[self.pos];
            match c {
                '\'' | '"' => {
                    self.string(c)?;
                    regex_allowed = false;
                }
                '`' => {
                    self.skip_template()?;
                    regex_allowed = false;
                }
                '/' if self.rest().starts_with("//") || self.rest().starts_with("/*") => {
                    self.skip()?;
                }
                '/' if regex_allowed => {
                    // A regular expression, or (where the guess was
                    // wrong) a division: never an error here.
                    let save = self.pos;
                    if self.regex().is_err() {
                        self.pos = save + 1;
                    }
                    regex_allowed = false;
                }
                '(' | '[' | '{' => {
                    stack.push(match c {
                        '(' => b')',
                        '[' => b']',
                        _ => b'}',
                    });
                    self.pos += 1;
                    regex_allowed = true;
                }
                ')' | ']' | '}' => {
                    if byte != want {
                        return Err(self.error(self.pos, format!("unexpected `{c}`")));
                    }
                    stack.pop();
                    self.pos += 1;
                    // After `)` or `]`, `/` divides.
                    regex_allowed = c == '}';
                }
                _ if is_id_start(c) => {
                    let word = self.word().unwrap_or("");
                    self.pos += word.len().max(c.len_utf8());
                    regex_allowed = regex_after_word(word);
                }
                '0'..='9' => {
                    self.pos += 1;
                    regex_allowed = false;
                }
                _ if c.is_whitespace() => self.pos += c.len_utf8(),
                _ => {
                    self.pos += c.len_utf8();
                    regex_allowed = true;
                }
            }
        }
        debug_assert!(self.pos > start);
        Ok(())
    }

    /// Skip a template literal from its opening backtick, each `${…}`
    /// balanced.
    fn skip_template(&mut self) -> Result {
        self.template_with(|parser| {
            parser.pos += 1;
            parser.skip_balanced(b'{', b'}')
        })
    }

    /// Past the nesting bound: take the rest of this bracket level as
    /// valid (balanced), never as an error.
    fn skip_balanced_rest(&mut self) -> Result {
        while !self.at_end() {
            match self.peek() {
                None | Some(')' | ']' | '}' | ',') => return Ok(()),
                Some('(') => self.skip_balanced(b'(', b')')?,
                Some('[') => self.skip_balanced(b'[', b']')?,
                Some('{') => self.skip_balanced(b'{', b'}')?,
                Some(c @ ('\'' | '"')) => self.string(c)?,
                Some(c) => self.pos += c.len_utf8(),
            }
        }
        Ok(())
    }

    // JSX.

    /// A JSX element or fragment, `<` at the cursor.
    fn jsx_element(&mut self, depth: usize) -> Result {
        if self.deeper(depth) {
            return self.skip_balanced_rest();
        }
        self.pos += 1;
        self.skip()?;
        // Fragment.
        if self.eat(">") {
            self.jsx_children(depth)?;
            self.skip()?;
            if !self.eat(">") {
                return Err(self.error_here("expected `>` to close the fragment"));
            }
            return Ok(());
        }
        let name = self.jsx_name()?;
        loop {
            self.skip()?;
            if self.eat("/") {
                self.skip()?;
                return if self.eat(">") {
                    Ok(())
                } else {
                    Err(self.error_here("expected `>` after `/`"))
                };
            }
            if self.rest().starts_with('>') {
                self.pos += 1;
                break;
            }
            if self.rest().starts_with('{') {
                self.pos += 1;
                self.skip()?;
                if !self.eat("...") {
                    return Err(self.error_here("expected `...` (a spread) in a tag"));
                }
                self.assignment(depth + 1)?;
                self.expect("}")?;
                continue;
            }
            self.jsx_attribute_name()?;
            self.skip()?;
            if self.rest().starts_with('=') {
                self.pos += 1;
                self.skip()?;
                match self.peek() {
                    Some(q @ ('"' | '\'')) => self.jsx_string(q)?,
                    Some('{') => {
                        self.pos += 1;
                        self.skip()?;
                        if self.at("}") {
                            return Err(self.error(self.pos, "an empty expression is not a value"));
                        }
                        self.assignment(depth + 1)?;
                        self.expect("}")?;
                    }
                    Some('<') => self.jsx_element(depth + 1)?,
                    _ => return Err(self.error_here("expected an attribute value")),
                }
            }
        }
        // Children, then `</name>`.
        let closing = self.jsx_children(depth)?;
        if closing != name {
            return Err(self.error(
                self.pos,
                format!("expected a closing tag for `<{name}>`, found `</{closing}>`"),
            ));
        }
        self.skip()?;
        if !self.eat(">") {
            return Err(self.error_here("expected `>`"));
        }
        Ok(())
    }

    /// Children up to a closing tag; returns its name (after `</`, the
    /// cursor before its `>`).
    fn jsx_children(&mut self, depth: usize) -> Result<String> {
        loop {
            match self.peek() {
                None => return Err(self.error(self.src.len(), "unclosed JSX element")),
                Some('<') => {
                    let save = self.pos;
                    self.pos += 1;
                    self.skip()?;
                    if self.rest().starts_with('/') {
                        self.pos += 1;
                        self.skip()?;
                        if self.rest().starts_with('>') {
                            return Ok(String::new());
                        }
                        return self.jsx_name();
                    }
                    self.pos = save;
                    self.jsx_element(depth + 1)?;
                }
                Some('{') => {
                    self.pos += 1;
                    self.skip()?;
                    if !self.eat("}") {
                        self.eat("...");
                        self.expression(depth + 1)?;
                        self.expect("}")?;
                    }
                }
                Some(c @ ('>' | '}')) => {
                    return Err(self.error(
                        self.pos,
                        format!("unexpected `{c}` in JSX text (write `{{'{c}'}}`)"),
                    ));
                }
                Some(c) => self.pos += c.len_utf8(),
            }
        }
    }

    fn jsx_string(&mut self, quote: char) -> Result {
        self.pos += 1;
        match self.rest().find(quote) {
            Some(end) => {
                self.pos += end + 1;
                Ok(())
            }
            None => Err(self.unterminated(
                "unterminated attribute value",
                if quote == '"' { "\"" } else { "'" },
            )),
        }
    }

    /// `a`, `a-b`, `a:b`, `a.b.c`.
    fn jsx_name(&mut self) -> Result<String> {
        let start = self.pos;
        self.jsx_identifier()?;
        loop {
            if self.rest().starts_with(':') || self.rest().starts_with('.') {
                self.pos += 1;
                self.jsx_identifier()?;
            } else {
                return Ok(self.src[start..self.pos].to_string());
            }
        }
    }

    fn jsx_attribute_name(&mut self) -> Result {
        self.jsx_identifier()?;
        if self.rest().starts_with(':') {
            self.pos += 1;
            self.jsx_identifier()?;
        }
        Ok(())
    }

    fn jsx_identifier(&mut self) -> Result {
        let first = self.peek();
        if !first.is_some_and(is_id_start) {
            return Err(self.error_here("expected a name"));
        }
        while let Some(c) = self.peek() {
            if is_id_continue(c) || c == '-' {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        Ok(())
    }
}

/// Whether, after the word `word`, a `/` starts a regular expression
/// (an operator keyword) rather than dividing (a name).
fn regex_after_word(word: &str) -> bool {
    matches!(
        word,
        "return"
            | "typeof"
            | "instanceof"
            | "in"
            | "of"
            | "new"
            | "delete"
            | "void"
            | "throw"
            | "case"
            | "do"
            | "else"
            | "yield"
            | "await"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(value: &str) -> bool {
        check(value, &MdxExpressionKind::Expression).is_ok()
    }

    fn err(value: &str) -> SyntaxError {
        check(value, &MdxExpressionKind::Expression).expect_err(value)
    }

    #[test]
    fn accepts_what_acorn_accepts() {
        for value in [
            "",
            "  /* truncate */  ",
            "// note\n",
            "1",
            "'}'",
            "a, b",
            "a ? b : c",
            "x?.y?.[0]?.(1)",
            "a ?? b",
            "-1 ** 2",
            "typeof a === 'string'",
            "[1, , ...rest]",
            "{a: 1, b, [c]: 2, 'd': 3, 4: 5, e() {}, get f() { return 1 }, ...g}",
            "`a ${b + `c ${d}`} e`",
            "/a[/]b\\//gi.test(x)",
            "(a, b) => a + b",
            "async x => await x",
            "({a, b = 1}, ...rest) => { return a }",
            "function () { const x = { y: '}' }; return x }",
            "(function () { return (<nav><a href=\"/\">x</a></nav>) })()",
            "() => { const half = (a + b) / 2; return half / 3 }",
            "async (a) => a",
            "class A extends B { m() {} }",
            "new Date('2024-07-04')",
            "<div className=\"card\"><ul><li>{a}</li></ul></div>",
            "<>a {b} <c.d e-f=\"g\" {...h} /></>",
            "<a b={<c />}>{/* c */}</a>",
            "items.map((item) => <li key={item}>{item}</li>)",
            "2 * Math.PI",
            "toc.slice(2)",
            "import.meta.url",
            "a\n+ b",
            "x => ({ a: 1 })",
            "a = b",
            "0x1f + 1_000n + .5e-3",
            // A combining mark continues a name (`ID_Continue`); Hangul
            // starts one.
            "cafe\u{301} + 한국어",
        ] {
            assert!(
                ok(value),
                "should accept `{value}`: {:?}",
                check(value, &MdxExpressionKind::Expression)
            );
        }
    }

    #[test]
    fn refuses_what_fails_the_build() {
        assert!(!err("b c").eof, "should refuse two words where they are");
        assert_eq!(err("b c").at, 2);
        assert!(err("1 +").eof, "should ask for more after an operator");
        assert!(err("(a").eof, "should ask for more in a parenthesis");
        assert!(err("'a").eof, "should ask for more in a string");
        assert!(
            err("<a href=\"/s\">x").eof,
            "should ask for more in an element"
        );
        assert!(!err("<a>x</b>").eof, "should refuse a mismatched tag");
        assert!(!err("<a>x > y</a>").eof, "should refuse `>` in JSX text");
        assert!(!err("a +* b").eof);
        assert!(err("function").eof, "should ask for more after `function`");
        assert!(!err("if (a) b").eof, "should refuse a statement");
        assert!(!err("a b").eof);
        assert!(!err("()").eof, "should refuse empty parentheses");
        // `²` is a number to Unicode but no identifier character to acorn.
        assert_eq!(err("a\u{b2}").at, 1, "should refuse `²` in a name");
    }

    #[test]
    fn attribute_kinds() {
        let value = MdxExpressionKind::AttributeValueExpression;
        assert!(check("", &value).is_err(), "should refuse an empty value");
        assert!(check("1", &value).is_ok());
        let spread = MdxExpressionKind::AttributeExpression;
        assert!(check("...props", &spread).is_ok());
        assert!(check("props", &spread).is_err(), "should ask for a spread");
    }

    #[test]
    fn deep_nesting_is_no_error() {
        let value = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(ok(&value), "should take what is too deep to check as valid");
    }
}
