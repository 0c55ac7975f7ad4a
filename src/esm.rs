//! Static reading of the ESM blocks (`import` / `export` lines) of an MDX
//! document.
//!
//! markdown-rs gives the MDX → HTML stage each ESM block as raw text, for
//! example `import img from './a.png';\nexport const toc = [];`. Nothing of it
//! may be run, so this module reads it statically: imports become
//! [`Binding`]s (the caller maps, say, an imported image to its URL) and
//! `export const` declarations become values parsed with the rules of
//! [`crate::js`] (the caller resolves identifiers in JSX attributes against
//! them). Everything else that looks valid (`export default`, functions,
//! re-exports, …) is reported as [`Statement::Unsupported`], and malformed
//! statements as [`JsError`]s with precise spans, after which parsing resumes
//! at the next line starting with `import` or `export`.
//!
//! Like the expression parser, this never panics and never recurses without
//! a bound; all spans are byte offsets into the whole ESM block.

use crate::js::{
    self, JsError, Node, Parser, RESERVED, RawKind, RawTok, Scanner, Span, is_id_start,
    is_js_whitespace, is_line_terminator,
};

/// What an import binding refers to in the imported module.
#[derive(Clone, Debug, PartialEq)]
pub enum Imported {
    /// The default export: `import a from …` or `import {default as a} from …`.
    Default,
    /// The whole module: `import * as ns from …`.
    Namespace,
    /// A named export: `import {b} from …`, `import {b as c} from …`,
    /// `import {'b-c' as d} from …`.
    Named(String),
}

/// One local name introduced by an import.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// The local name.
    pub local: String,
    /// Where the local name is written.
    pub local_span: Span,
    /// What it refers to.
    pub imported: Imported,
}

/// One statement of an ESM block.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// `import a, {b as c} from './x.png'`, `import * as ns from 'x'`,
    /// `import 'side-effect'` (no bindings). Import attributes
    /// (`with {type: 'json'}`, `assert {…}`) are skipped.
    Import {
        /// Local names, in source order.
        bindings: Vec<Binding>,
        /// The module specifier, with escapes resolved.
        source: String,
        /// Where the module specifier (with its quotes) is written.
        source_span: Span,
        /// The whole statement, including a final `;`.
        span: Span,
    },
    /// `export const a = <expr>, b = <expr>;` (also `let` and `var`): each
    /// declarator's name, name span and value, parsed with the rules of
    /// [`js::parse_expression`]. A value that cannot be evaluated statically
    /// is an `Err` for that declarator only; the others still work. `let` and
    /// `var` without a value give `undefined`.
    ExportConst {
        /// `(name, name span, value)` for each declarator.
        declarations: Vec<(String, Span, Result<Node, JsError>)>,
        /// The whole statement, including a final `;`.
        span: Span,
    },
    /// A valid-looking statement that is not statically supported:
    /// `export default …`, `export function`, `export {a}`, `export * from`,
    /// `const x = 1` without `export`, and so on.
    Unsupported {
        /// Short plain description, such as ``"`export default`"``.
        what: String,
        /// The whole statement.
        span: Span,
    },
}

/// Parse a whole ESM block.
///
/// Statements end at `;`, or at a line break where the statement is
/// complete. A malformed statement gives a [`JsError`] and parsing resumes
/// at the next line that starts with `import` or `export`. Errors in the
/// values of `export const` declarators are kept in the declarators, not in
/// the returned error list.
///
/// ```
/// use mdx_preview::esm::{parse_esm, Imported, Statement};
/// use mdx_preview::js::Expr;
///
/// let (statements, errors) = parse_esm(
///     "import blog_img0 from './img/a.png';\nexport const width = 300\nexport default Layout",
/// );
/// assert!(errors.is_empty());
/// let Statement::Import { bindings, source, .. } = &statements[0] else { panic!() };
/// assert_eq!(bindings[0].local, "blog_img0");
/// assert_eq!(bindings[0].imported, Imported::Default);
/// assert_eq!(source, "./img/a.png");
/// let Statement::ExportConst { declarations, .. } = &statements[1] else { panic!() };
/// assert_eq!(declarations[0].0, "width");
/// assert_eq!(declarations[0].2.as_ref().unwrap().expr, Expr::Number(300.0));
/// let Statement::Unsupported { what, .. } = &statements[2] else { panic!() };
/// assert_eq!(what, "`export default`");
///
/// let (_, errors) = parse_esm("import a './a.png'");
/// assert_eq!(errors[0].message, "missing `from` before the module source");
/// ```
pub fn parse_esm(source: &str) -> (Vec<Statement>, Vec<JsError>) {
    let mut esm = Esm {
        src: source,
        pos: 0,
    };
    let mut statements = Vec::new();
    let mut errors = Vec::new();
    loop {
        let mut p = Parser::new(source, esm.pos);
        if let Err(error) = p.skip_trivia() {
            // An unterminated comment swallows the rest of the block.
            errors.push(error);
            break;
        }
        if p.at_end() {
            break;
        }
        let start = p.pos;
        if p.peek() == Some(';') {
            esm.pos = start + 1;
            continue;
        }
        esm.pos = start;
        match esm.statement() {
            Ok(statement) => statements.push(statement),
            Err(error) => {
                errors.push(error);
                esm.pos = next_statement_line(source, start);
            }
        }
        if esm.pos <= start {
            // Always make progress.
            esm.pos = start + source[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    (statements, errors)
}

// ---------------------------------------------------------------------------
// Tokens.

#[derive(Clone, Debug, PartialEq)]
enum TokKind {
    Word(String),
    Str(String),
    Punct(char),
    Eof,
}

#[derive(Clone, Debug)]
struct Tok {
    kind: TokKind,
    span: Span,
    newline_before: bool,
}

impl Tok {
    fn is_word(&self, word: &str) -> bool {
        matches!(&self.kind, TokKind::Word(w) if w == word)
    }

    fn is_punct(&self, c: char) -> bool {
        self.kind == TokKind::Punct(c)
    }

    fn is_str(&self) -> bool {
        matches!(self.kind, TokKind::Str(_))
    }

    /// At the end of the input, or on a later line than the previous token.
    fn ends_line(&self) -> bool {
        self.newline_before || self.kind == TokKind::Eof
    }

    fn describe(&self) -> String {
        match &self.kind {
            TokKind::Word(w) => format!("`{w}`"),
            TokKind::Str(_) => "a string".to_string(),
            TokKind::Punct(c) => format!("`{}`", c.escape_debug()),
            TokKind::Eof => "the end of the input".to_string(),
        }
    }
}

fn err(message: impl Into<String>, span: Span) -> JsError {
    JsError::new(message, span.start, span.end)
}

struct Esm<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Esm<'a> {
    fn lex(&self, pos: usize) -> Result<(Tok, usize), JsError> {
        let mut p = Parser::new(self.src, pos);
        let newline_before = p.skip_trivia()?;
        let start = p.pos;
        let kind = match p.peek() {
            None => TokKind::Eof,
            Some('\'' | '"') => {
                let (value, end) = js::parse_string_literal(self.src, start)?;
                p.pos = end;
                TokKind::Str(value)
            }
            Some(c) if is_id_start(c) => TokKind::Word(p.read_ident().unwrap_or_default()),
            Some(c) => {
                p.pos += c.len_utf8();
                TokKind::Punct(c)
            }
        };
        let tok = Tok {
            kind,
            span: Span::new(start, p.pos),
            newline_before,
        };
        Ok((tok, p.pos))
    }

    fn next(&mut self) -> Result<Tok, JsError> {
        let (tok, pos) = self.lex(self.pos)?;
        self.pos = pos;
        Ok(tok)
    }

    fn peek(&self) -> Result<Tok, JsError> {
        Ok(self.lex(self.pos)?.0)
    }

    fn statement(&mut self) -> Result<Statement, JsError> {
        let start = self.pos;
        let first = self.peek()?;
        let TokKind::Word(word) = &first.kind else {
            return Ok(self.unsupported(start, "statement that is not an `import` or `export`"));
        };
        match word.as_str() {
            "import" => {
                let after = self.lex(first.span.end)?.0;
                if after.is_punct('(') {
                    Ok(self.unsupported(start, "dynamic `import()`"))
                } else if after.is_punct('.') {
                    Ok(self.unsupported(start, "`import.meta`"))
                } else {
                    self.import(start)
                }
            }
            "export" => self.export(start),
            "const" | "let" | "var" | "function" | "class" | "async" => {
                let what = format!("`{word}` declaration without `export`");
                Ok(self.unsupported(start, what))
            }
            _ => Ok(self.unsupported(start, "statement that is not an `import` or `export`")),
        }
    }

    /// Skip a statement we do not evaluate.
    fn unsupported(&mut self, start: usize, what: impl Into<String>) -> Statement {
        let (end, resume) = match scan_to_end(self.src, start, false) {
            End::Semi { after, .. } => (after, after),
            End::Comma { content_end, at } | End::Line { content_end, at } => (content_end, at),
            End::Eof { content_end } => (content_end, self.src.len()),
        };
        self.pos = resume;
        Statement::Unsupported {
            what: what.into(),
            span: Span::new(start, end.max(start)),
        }
    }

    fn import(&mut self, start: usize) -> Result<Statement, JsError> {
        let keyword = self.next()?;
        let mut bindings = Vec::new();
        let first = self.next()?;
        let (source, source_span) = match &first.kind {
            TokKind::Str(source) => (source.clone(), first.span),
            TokKind::Word(word) => {
                if word == "from" && self.peek()?.is_str() {
                    return Err(err(
                        "missing import binding: expected a name, `{…}` or `* as name` between `import` and `from`",
                        first.span,
                    ));
                }
                if word == "type" {
                    let after = self.peek()?;
                    let typescript = match &after.kind {
                        TokKind::Word(next) => next != "from",
                        TokKind::Punct(c) => matches!(c, '{' | '*'),
                        _ => false,
                    };
                    if typescript && !after.newline_before {
                        return Err(err(
                            "TypeScript `import type` is not supported in MDX; use a plain `import`",
                            first.span,
                        ));
                    }
                }
                check_binding(word, first.span)?;
                bindings.push(Binding {
                    local: word.clone(),
                    local_span: first.span,
                    imported: Imported::Default,
                });
                let after = self.next()?;
                let from = if after.is_punct(',') {
                    let list = self.next()?;
                    let last = if list.is_punct('{') {
                        self.named(&mut bindings, list.span)?
                    } else if list.is_punct('*') {
                        self.namespace(&mut bindings, list.span)?
                    } else if list.ends_line() {
                        return Err(err("expected `{…}` or `* as name` after `,`", after.span));
                    } else {
                        return Err(err(
                            format!(
                                "expected `{{…}}` or `* as name` after `,`, found {}",
                                list.describe()
                            ),
                            list.span,
                        ));
                    };
                    self.expect_from(last)?
                } else if after.is_word("from") {
                    after.span
                } else {
                    return Err(missing_from(&after, first.span));
                };
                self.module_source(from)?
            }
            TokKind::Punct('{') => {
                let last = self.named(&mut bindings, first.span)?;
                let from = self.expect_from(last)?;
                self.module_source(from)?
            }
            TokKind::Punct('*') => {
                let last = self.namespace(&mut bindings, first.span)?;
                let from = self.expect_from(last)?;
                self.module_source(from)?
            }
            TokKind::Eof => {
                return Err(err(
                    "incomplete import: expected a binding or a module source after `import`",
                    keyword.span,
                ));
            }
            TokKind::Punct(_) => {
                return Err(err(
                    format!(
                        "unexpected {} after `import`; expected a name, `{{`, `*` or a module source",
                        first.describe()
                    ),
                    first.span,
                ));
            }
        };
        let end = self.import_attributes(source_span.end)?;
        let end = self.finish(end, "the import")?;
        Ok(Statement::Import {
            bindings,
            source,
            source_span,
            span: Span::new(start, end),
        })
    }

    /// Import attributes after the module source (`with { type: "json" }`,
    /// or the older `assert` on the same line), skipped whole; returns
    /// where the statement's text ends, `end` without them.
    fn import_attributes(&mut self, end: usize) -> Result<usize, JsError> {
        let mut end = end;
        let (mut look, newline) = trivia_after(self.src, self.pos)?;
        let keyword_start = look.pos;
        let keyword = look.read_ident().unwrap_or_default();
        if keyword == "with" || (keyword == "assert" && !newline) {
            let keyword_span = Span::new(keyword_start, look.pos);
            self.pos = look.pos;
            let open = self.next()?;
            if !open.is_punct('{') {
                let (message, span) = if open.ends_line() {
                    (format!("expected `{{` after `{keyword}`"), keyword_span)
                } else {
                    (
                        format!("expected `{{` after `{keyword}`, found {}", open.describe()),
                        open.span,
                    )
                };
                return Err(err(message, span));
            }
            let Some(close) = js::find_matching(self.src, open.span.start) else {
                return Err(err(
                    "unterminated import attributes: `{` has no closing `}`",
                    open.span,
                ));
            };
            self.pos = close;
            end = close;
        }
        Ok(end)
    }

    /// `{a, b as c, 'd' as e}` after its `{`; returns the span of the `}`.
    fn named(&mut self, bindings: &mut Vec<Binding>, open: Span) -> Result<Span, JsError> {
        let unterminated = || err("unterminated import list: `{` has no closing `}`", open);
        loop {
            let name_tok = self.next()?;
            let (name, is_string) = match &name_tok.kind {
                TokKind::Punct('}') => return Ok(name_tok.span),
                TokKind::Word(word) => (word.clone(), false),
                TokKind::Str(value) => (value.clone(), true),
                TokKind::Eof => return Err(unterminated()),
                TokKind::Punct(_) => {
                    return Err(err(
                        format!(
                            "expected a name in the import list, found {}",
                            name_tok.describe()
                        ),
                        name_tok.span,
                    ));
                }
            };
            let after = self.peek()?;
            let (local, local_span) = if after.is_word("as") {
                self.next()?;
                let local = self.next()?;
                match &local.kind {
                    TokKind::Word(word) => {
                        check_binding(word, local.span)?;
                        (word.clone(), local.span)
                    }
                    TokKind::Eof => {
                        return Err(err("expected a local name after `as`", after.span));
                    }
                    _ => {
                        return Err(err(
                            format!(
                                "expected a local name after `as`, found {}",
                                local.describe()
                            ),
                            local.span,
                        ));
                    }
                }
            } else if is_string {
                return Err(err(
                    "a quoted import name needs a local name: write `{'…' as name}`",
                    name_tok.span,
                ));
            } else if RESERVED.contains(&name.as_str()) {
                return Err(err(
                    format!(
                        "`{name}` is a reserved word and cannot be a local name; write `{{{name} as name}}`"
                    ),
                    name_tok.span,
                ));
            } else {
                check_binding(&name, name_tok.span)?;
                (name.clone(), name_tok.span)
            };
            let imported = if name == "default" {
                Imported::Default
            } else {
                Imported::Named(name)
            };
            bindings.push(Binding {
                local,
                local_span,
                imported,
            });
            let separator = self.next()?;
            if separator.is_punct('}') {
                return Ok(separator.span);
            }
            if separator.kind == TokKind::Eof {
                return Err(unterminated());
            }
            if !separator.is_punct(',') {
                return Err(err(
                    format!(
                        "expected `,` or `}}` in the import list, found {}",
                        separator.describe()
                    ),
                    separator.span,
                ));
            }
        }
    }

    /// `* as ns` after its `*`; returns the span of the local name.
    fn namespace(&mut self, bindings: &mut Vec<Binding>, star: Span) -> Result<Span, JsError> {
        let as_tok = self.next()?;
        if !as_tok.is_word("as") {
            return Err(if as_tok.ends_line() {
                err("expected `as` after `*`", star)
            } else {
                err(
                    format!("expected `as` after `*`, found {}", as_tok.describe()),
                    as_tok.span,
                )
            });
        }
        let local = self.next()?;
        let TokKind::Word(word) = &local.kind else {
            return Err(if local.ends_line() {
                err("expected a name after `* as`", as_tok.span)
            } else {
                err(
                    format!("expected a name after `* as`, found {}", local.describe()),
                    local.span,
                )
            });
        };
        if word == "from" && self.peek()?.is_str() {
            return Err(err(
                "expected a name after `* as`, found `from`",
                local.span,
            ));
        }
        check_binding(word, local.span)?;
        bindings.push(Binding {
            local: word.clone(),
            local_span: local.span,
            imported: Imported::Namespace,
        });
        Ok(local.span)
    }

    fn expect_from(&mut self, previous: Span) -> Result<Span, JsError> {
        let tok = self.next()?;
        if tok.is_word("from") {
            Ok(tok.span)
        } else {
            Err(missing_from(&tok, previous))
        }
    }

    /// The quoted module source after `from`.
    fn module_source(&mut self, from: Span) -> Result<(String, Span), JsError> {
        let tok = self.next()?;
        if let TokKind::Str(source) = tok.kind {
            return Ok((source, tok.span));
        }
        if tok.ends_line() || tok.is_punct(';') {
            return Err(err("missing module source after `from`", from));
        }
        let rest = self.src.get(tok.span.start..).unwrap_or("");
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ';' | '\'' | '"'))
            .unwrap_or(rest.len())
            .max(tok.span.end - tok.span.start);
        let text = &rest[..len];
        Err(JsError::new(
            format!("module source must be a quoted string, found `{text}`; write `'{text}'`"),
            tok.span.start,
            tok.span.start + len,
        ))
    }

    /// End of a statement whose last token ends at `end`: a `;` (consumed),
    /// a line break or the end of the input.
    fn finish(&mut self, end: usize, what: &str) -> Result<usize, JsError> {
        let (p, newline) = trivia_after(self.src, self.pos)?;
        if p.peek() == Some(';') {
            self.pos = p.pos + 1;
            return Ok(self.pos);
        }
        if newline || p.at_end() {
            return Ok(end);
        }
        Err(p.unexpected(p.pos, Some(&format!("`;` or a line break after {what}"))))
    }

    fn export(&mut self, start: usize) -> Result<Statement, JsError> {
        let keyword = self.next()?;
        let next = self.peek()?;
        let what = match &next.kind {
            TokKind::Word(word) => match word.as_str() {
                "const" | "let" | "var" => {
                    self.next()?;
                    return self.declarations(start, &next);
                }
                "default" => "`export default`".to_string(),
                "function" => "`export function`".to_string(),
                "async" => "`export async function`".to_string(),
                "class" => "`export class`".to_string(),
                "type" | "interface" | "enum" | "declare" | "abstract" | "namespace" => {
                    format!("TypeScript `export {word}`")
                }
                _ => {
                    return Err(err(
                        format!(
                            "unexpected {} after `export`; expected a declaration such as `export const name = …`",
                            next.describe()
                        ),
                        next.span,
                    ));
                }
            },
            TokKind::Punct('{') => {
                let close = js::find_matching(self.src, next.span.start);
                let from = close.map(|close| self.lex(close).map(|(t, _)| t.is_word("from")));
                if let Some(Ok(true)) = from {
                    "re-export `export {…} from`".to_string()
                } else {
                    "`export {…}` list".to_string()
                }
            }
            TokKind::Punct('*') => "`export * from`".to_string(),
            TokKind::Eof => {
                return Err(err("expected a declaration after `export`", keyword.span));
            }
            _ => {
                return Err(err(
                    format!(
                        "unexpected {} after `export`; expected a declaration such as `export const name = …`",
                        next.describe()
                    ),
                    next.span,
                ));
            }
        };
        Ok(self.unsupported(start, what))
    }

    /// The declarators of `export const|let|var …`, after the keyword.
    fn declarations(&mut self, start: usize, keyword: &Tok) -> Result<Statement, JsError> {
        let is_const = keyword.is_word("const");
        let mut declarations: Vec<(String, Span, Result<Node, JsError>)> = Vec::new();
        let mut end = keyword.span.end;
        let mut previous = keyword.clone();
        loop {
            let Some((name, name_span)) = self.declarator_name(&previous)? else {
                return Ok(self.unsupported(
                    start,
                    format!("destructuring in `export {}`", keyword_name(keyword)),
                ));
            };
            end = end.max(name_span.end);
            let value = self.initializer(&name, name_span, is_const, &mut end)?;
            declarations.push((name, name_span, value));
            let (p, _) = trivia_after(self.src, self.pos)?;
            match p.peek() {
                Some(',') => {
                    self.pos = p.pos + 1;
                    previous = Tok {
                        kind: TokKind::Punct(','),
                        span: Span::new(p.pos, p.pos + 1),
                        newline_before: false,
                    };
                }
                Some(';') => {
                    self.pos = p.pos + 1;
                    end = self.pos;
                    break;
                }
                _ => break,
            }
        }
        Ok(Statement::ExportConst {
            declarations,
            span: Span::new(start, end),
        })
    }

    /// A declarator's name, after `previous` (the keyword or a `,`);
    /// `None` for a destructuring pattern.
    fn declarator_name(&mut self, previous: &Tok) -> Result<Option<(String, Span)>, JsError> {
        let name_tok = self.next()?;
        match &name_tok.kind {
            TokKind::Word(word) => {
                if RESERVED.contains(&word.as_str())
                    || matches!(word.as_str(), "eval" | "arguments")
                {
                    return Err(err(
                        format!("`{word}` is a reserved word and cannot be used as a name"),
                        name_tok.span,
                    ));
                }
                Ok(Some((word.clone(), name_tok.span)))
            }
            TokKind::Punct('{' | '[') => Ok(None),
            TokKind::Eof => Err(err(
                format!("expected a name after {}", previous.describe()),
                previous.span,
            )),
            _ => Err(err(
                format!(
                    "expected a name after {}, found {}",
                    previous.describe(),
                    name_tok.describe()
                ),
                name_tok.span,
            )),
        }
    }

    /// What follows a declarator's name: `= value`, or nothing (`undefined`;
    /// an error for `const`). The inner result is the declarator's value or
    /// its own error (the rest of it skipped); the outer error ends the
    /// statement. `end` is moved past what was read.
    fn initializer(
        &mut self,
        name: &str,
        name_span: Span,
        is_const: bool,
        end: &mut usize,
    ) -> Result<Result<Node, JsError>, JsError> {
        let (p, newline) = trivia_after(self.src, self.pos)?;
        let rest = p.rest();
        let value = if rest.starts_with('=') && !rest.starts_with("==") && !rest.starts_with("=>") {
            let eq = p.pos;
            self.pos = eq + 1;
            match self.value(eq) {
                Ok(node) => {
                    *end = (*end).max(node.span.end);
                    Ok(node)
                }
                Err((error, from)) => {
                    *end = (*end).max(self.recover(from));
                    Err(error)
                }
            }
        } else if rest.is_empty() || rest.starts_with(',') || rest.starts_with(';') || newline {
            if is_const {
                Err(JsError::new(
                    format!("missing initializer: `const {name}` needs `= value`"),
                    name_span.start,
                    name_span.end,
                ))
            } else {
                Ok(Node {
                    expr: js::Expr::Undefined,
                    span: Span::new(name_span.end, name_span.end),
                })
            }
        } else {
            let error = p.unexpected(p.pos, Some("`=` after the name"));
            *end = (*end).max(self.recover(p.pos));
            Err(error)
        };
        Ok(value)
    }

    /// The value after the `=` at `eq` (the cursor is right after it). On
    /// failure, also gives where to start skipping the rest of the value.
    fn value(&mut self, eq: usize) -> Result<Node, (JsError, usize)> {
        let mut look = Parser::new(self.src, self.pos);
        let newline = look.skip_trivia().map_err(|e| (e, eq + 1))?;
        let rest = look.rest();
        if rest.is_empty()
            || rest.starts_with(';')
            || rest.starts_with(',')
            || (newline && starts_statement(rest))
        {
            return Err((JsError::new("missing value after `=`", eq, eq + 1), eq + 1));
        }
        let value_start = look.pos;
        let mut p = Parser::new(self.src, self.pos);
        let node = p.parse_value(0).map_err(|e| (e, value_start))?;
        let (after, newline) = trivia_after(self.src, p.pos).map_err(|e| (e, value_start))?;
        let rest = after.rest();
        let ends = rest.is_empty()
            || rest.starts_with(',')
            || rest.starts_with(';')
            || (newline && !continues_previous_line(rest));
        if !ends {
            let error =
                after.unexpected(after.pos, Some("`,`, `;` or a line break after the value"));
            return Err((error, value_start));
        }
        self.pos = p.pos;
        Ok(node)
    }

    /// Skip the rest of a declarator from `from`, stopping before a `,` or
    /// `;` or at the line break that ends the statement. Returns the end of
    /// the skipped source.
    fn recover(&mut self, from: usize) -> usize {
        match scan_to_end(self.src, from, true) {
            End::Semi { content_end, after } => {
                self.pos = after - 1;
                content_end
            }
            End::Comma { content_end, at } | End::Line { content_end, at } => {
                self.pos = at;
                content_end
            }
            End::Eof { content_end } => {
                self.pos = self.src.len();
                content_end
            }
        }
    }
}

fn keyword_name(keyword: &Tok) -> &str {
    match &keyword.kind {
        TokKind::Word(word) => word,
        _ => "const",
    }
}

fn check_binding(name: &str, span: Span) -> Result<(), JsError> {
    if RESERVED.contains(&name) || matches!(name, "eval" | "arguments") {
        return Err(err(
            format!("`{name}` is a reserved word and cannot be used as an import name"),
            span,
        ));
    }
    Ok(())
}

/// The error for a token found where `from` should be; `previous` is the
/// span of the last token of the bindings.
fn missing_from(tok: &Tok, previous: Span) -> JsError {
    if tok.ends_line() {
        err(
            "missing `from` and module source after the import bindings",
            previous,
        )
    } else if tok.is_str() {
        err("missing `from` before the module source", tok.span)
    } else {
        err(
            format!("expected `from`, found {}", tok.describe()),
            tok.span,
        )
    }
}

/// Whether `rest` (at the start of a line, after white space) begins an
/// `import` or `export` statement.
fn starts_statement(rest: &str) -> bool {
    ["import", "export"].iter().any(|keyword| {
        rest.strip_prefix(keyword)
            .is_some_and(|after| match after.chars().next() {
                None => true,
                Some(c) => c.is_whitespace() || matches!(c, '{' | '*' | '\'' | '"'),
            })
    })
}

/// Whether a line starting with `rest` continues the expression of the
/// previous line (it starts with an operator or a bracket).
fn continues_previous_line(rest: &str) -> bool {
    !rest.starts_with("/*")
        && !rest.starts_with("//")
        && rest.starts_with(|c: char| ".,?:=+-*/%&|^<>([`".contains(c))
}

/// Skip white space and comments from `pos`, returning the cursor and
/// whether a line break was crossed. An unterminated comment after a line
/// break counts as a line break (the cursor stops at it, and it is reported
/// as an error when the next statement is read); one on the same line is an
/// error.
fn trivia_after(src: &str, pos: usize) -> Result<(Parser<'_>, bool), JsError> {
    let mut p = Parser::new(src, pos);
    match p.skip_trivia() {
        Ok(newline) => Ok((p, newline)),
        Err(error) => {
            let between = src.get(pos..error.span.start).unwrap_or("");
            if between.contains(is_line_terminator) {
                Ok((Parser::new(src, error.span.start), true))
            } else {
                Err(error)
            }
        }
    }
}

/// Where parsing resumes after a malformed statement starting at `start`:
/// the next line that starts with `import` or `export`, else the end.
fn next_statement_line(src: &str, start: usize) -> usize {
    let mut pos = start;
    loop {
        let rest = src.get(pos..).unwrap_or("");
        let Some(i) = rest.find(is_line_terminator) else {
            return src.len();
        };
        let terminator = rest[i..].chars().next().map_or(1, char::len_utf8);
        pos += i + terminator;
        let line = src.get(pos..).unwrap_or("");
        let trimmed =
            line.trim_start_matches(|c: char| is_js_whitespace(c) && !is_line_terminator(c));
        if starts_statement(trimmed) {
            return src.len() - trimmed.len();
        }
    }
}

/// How a skipped statement (or declarator) ends.
enum End {
    /// At a `;`; `after` is the offset after it.
    Semi { content_end: usize, after: usize },
    /// At a `,` (only when asked for); `at` is its offset.
    Comma { content_end: usize, at: usize },
    /// At a line break ending the statement; `at` is its offset.
    Line { content_end: usize, at: usize },
    /// At the end of the input.
    Eof { content_end: usize },
}

/// Find the end of the statement (or, with `stop_at_comma`, declarator)
/// starting at `start`, skipping brackets, strings, templates and comments.
/// A line break outside brackets ends it when what came before is complete
/// and the next line does not continue it, or when the next line starts
/// with `import` or `export`. `content_end` is the end of its last token.
fn scan_to_end(src: &str, start: usize, stop_at_comma: bool) -> End {
    let mut scanner = Scanner::new(src, start);
    let mut content_end = start;
    let mut last: Option<RawTok> = None;
    // Cache for `continues_previous_line`: (next significant offset, result).
    let mut continues: Option<(usize, bool)> = None;
    while let Some(token) = scanner.next() {
        let top = scanner.depth() == 0;
        match token.kind {
            RawKind::LineBreak => {
                let line = src.get(token.end..).unwrap_or("");
                let trimmed = line
                    .trim_start_matches(|c: char| is_js_whitespace(c) && !is_line_terminator(c));
                if starts_statement(trimmed) {
                    return End::Line {
                        content_end,
                        at: token.start,
                    };
                }
                if top && is_complete(src, last) {
                    let next_continues = match continues {
                        Some((until, result)) if token.end <= until => result,
                        _ => {
                            let mut p = Parser::new(src, token.end);
                            let result =
                                p.skip_trivia().is_ok() && continues_previous_line(p.rest());
                            continues = Some((p.pos, result));
                            result
                        }
                    };
                    if !next_continues {
                        return End::Line {
                            content_end,
                            at: token.start,
                        };
                    }
                }
            }
            RawKind::Semi if top => {
                return End::Semi {
                    content_end,
                    after: token.end,
                };
            }
            RawKind::Comma if top && stop_at_comma => {
                return End::Comma {
                    content_end,
                    at: token.start,
                };
            }
            _ => {
                content_end = token.end;
                last = Some(token);
            }
        }
    }
    End::Eof { content_end }
}

/// Whether a statement whose last token is `last` could end there.
fn is_complete(src: &str, last: Option<RawTok>) -> bool {
    const NEEDS_MORE: &[&str] = &[
        "as",
        "async",
        "await",
        "class",
        "const",
        "default",
        "delete",
        "export",
        "extends",
        "from",
        "function",
        "import",
        "in",
        "instanceof",
        "let",
        "new",
        "of",
        "typeof",
        "var",
        "void",
        "yield",
    ];
    let Some(last) = last else {
        return false;
    };
    let text = src.get(last.start..last.end).unwrap_or("");
    match last.kind {
        RawKind::Word => !NEEDS_MORE.contains(&text),
        RawKind::Op => text.ends_with("++") || text.ends_with("--"),
        RawKind::Open => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::js::{Expr, parse_expression};

    fn parse_ok(source: &str) -> Vec<Statement> {
        let (statements, errors) = parse_esm(source);
        assert!(
            errors.is_empty(),
            "should parse {source:?} without errors, got {errors:?}"
        );
        statements
    }

    fn first_error(source: &str) -> JsError {
        let (statements, errors) = parse_esm(source);
        match errors.into_iter().next() {
            Some(error) => error,
            None => panic!("should reject {source:?}, got {statements:?}"),
        }
    }

    fn text(source: &str, span: Span) -> &str {
        &source[span.start..span.end]
    }

    fn import(statement: &Statement) -> (&[Binding], &str, Span, Span) {
        match statement {
            Statement::Import {
                bindings,
                source,
                source_span,
                span,
            } => (bindings, source, *source_span, *span),
            other => panic!("should be an import, got {other:?}"),
        }
    }

    type Declarator = (String, Span, Result<Node, JsError>);

    fn declarations(statement: &Statement) -> (&[Declarator], Span) {
        match statement {
            Statement::ExportConst { declarations, span } => (declarations, *span),
            other => panic!("should be an export const, got {other:?}"),
        }
    }

    fn unsupported(statement: &Statement) -> (&str, Span) {
        match statement {
            Statement::Unsupported { what, span } => (what, *span),
            other => panic!("should be unsupported, got {other:?}"),
        }
    }

    fn binding_summary(bindings: &[Binding]) -> Vec<(String, Imported)> {
        bindings
            .iter()
            .map(|b| (b.local.clone(), b.imported.clone()))
            .collect()
    }

    #[test]
    fn default_import() {
        let source = "import blog_img0 from './img/a.png';";
        let statements = parse_ok(source);
        assert_eq!(statements.len(), 1, "should give one statement");
        let (bindings, module, source_span, span) = import(&statements[0]);
        assert_eq!(
            binding_summary(bindings),
            [("blog_img0".to_string(), Imported::Default)],
            "should give a default binding"
        );
        assert_eq!(
            text(source, bindings[0].local_span),
            "blog_img0",
            "should span the local name"
        );
        assert_eq!(module, "./img/a.png", "should give the module source");
        assert_eq!(
            text(source, source_span),
            "'./img/a.png'",
            "should span the quoted source"
        );
        assert_eq!(
            text(source, span),
            source,
            "should span the whole statement with its `;`"
        );
    }

    #[test]
    fn all_import_forms() {
        let source = "import a, {b as c, d, default as e, 'f-g' as h, as,} from \"x\"\n\
                      import * as ns from 'y'\n\
                      import z, * as all from 'z'\n\
                      import {} from 'empty'\n\
                      import 'side-effect'\n\
                      import from from 'from'\n\
                      import type, {type as t} from 'type'";
        let statements = parse_ok(source);
        assert_eq!(statements.len(), 7, "should give seven imports");
        let named = |s: &str| Imported::Named(s.to_string());
        assert_eq!(
            binding_summary(import(&statements[0]).0),
            [
                ("a".to_string(), Imported::Default),
                ("c".to_string(), named("b")),
                ("d".to_string(), named("d")),
                ("e".to_string(), Imported::Default),
                ("h".to_string(), named("f-g")),
                ("as".to_string(), named("as")),
            ],
            "should read default, named, renamed, quoted and trailing-comma bindings"
        );
        assert_eq!(
            binding_summary(import(&statements[1]).0),
            [("ns".to_string(), Imported::Namespace)],
            "should read a namespace import"
        );
        assert_eq!(
            binding_summary(import(&statements[2]).0),
            [
                ("z".to_string(), Imported::Default),
                ("all".to_string(), Imported::Namespace)
            ],
            "should read a default plus namespace import"
        );
        assert!(
            import(&statements[3]).0.is_empty(),
            "should accept an empty list"
        );
        let (bindings, module, _, span) = import(&statements[4]);
        assert!(
            bindings.is_empty(),
            "should give no bindings for a side-effect import"
        );
        assert_eq!(module, "side-effect", "should give the side-effect module");
        assert_eq!(
            text(source, span),
            "import 'side-effect'",
            "should end the statement at the line break"
        );
        assert_eq!(
            binding_summary(import(&statements[5]).0),
            [("from".to_string(), Imported::Default)],
            "should allow a binding named `from`"
        );
        assert_eq!(
            binding_summary(import(&statements[6]).0),
            [
                ("type".to_string(), Imported::Default),
                ("t".to_string(), Imported::Named("type".into()))
            ],
            "should allow bindings named `type`"
        );
    }

    #[test]
    fn multi_line_imports_comments_and_attributes() {
        let source = "import {\n  a,\n  b as c\n} from 'x'\n\
                      import /* one */ d /* two */ from // three\n  'y' // four\n\
                      import data from './d.json' with { type: 'json' }\n\
                      import old from './o.json' assert {type: 'json'};\n\
                      import e from 'e'; import f from 'f'";
        let statements = parse_ok(source);
        assert_eq!(statements.len(), 6, "should give six imports");
        let (bindings, _, _, span) = import(&statements[0]);
        assert_eq!(bindings.len(), 2, "should read a multi-line list");
        assert_eq!(
            text(source, bindings[1].local_span),
            "c",
            "should span the renamed local"
        );
        assert_eq!(
            text(source, span),
            "import {\n  a,\n  b as c\n} from 'x'",
            "should span the multi-line import"
        );
        let (bindings, module, _, _) = import(&statements[1]);
        assert_eq!(
            (bindings[0].local.as_str(), module),
            ("d", "y"),
            "should skip comments between tokens"
        );
        let (_, module, _, span) = import(&statements[2]);
        assert_eq!(module, "./d.json", "should skip `with` attributes");
        assert!(
            text(source, span).ends_with("{ type: 'json' }"),
            "should include attributes in the span"
        );
        let (_, _, _, span) = import(&statements[3]);
        assert!(
            text(source, span).ends_with("{type: 'json'};"),
            "should skip `assert` attributes"
        );
        assert_eq!(
            import(&statements[4]).1,
            "e",
            "should read the first of two imports on a line"
        );
        assert_eq!(
            import(&statements[5]).1,
            "f",
            "should read the second of two imports on a line"
        );
    }

    #[test]
    fn malformed_imports() {
        for (source, message, snippet) in [
            (
                "import from './a.png'",
                "missing import binding: expected a name, `{…}` or `* as name` between `import` and `from`",
                "from",
            ),
            (
                "import a './a.png'",
                "missing `from` before the module source",
                "'./a.png'",
            ),
            (
                "import a from;",
                "missing module source after `from`",
                "from",
            ),
            (
                "import a from",
                "missing module source after `from`",
                "from",
            ),
            (
                "import a from\nimport b from 'b'",
                "missing module source after `from`",
                "from",
            ),
            (
                "import a from ./a.png",
                "module source must be a quoted string, found `./a.png`; write `'./a.png'`",
                "./a.png",
            ),
            (
                "import a from foo;",
                "module source must be a quoted string, found `foo`; write `'foo'`",
                "foo",
            ),
            (
                "import a from './a.png",
                "unterminated string literal: the opening `'` has no closing `'` on its line",
                "'",
            ),
            (
                "import {a as} from 'x'",
                "expected a local name after `as`, found `}`",
                "}",
            ),
            (
                "import default from 'x'",
                "`default` is a reserved word and cannot be used as an import name",
                "default",
            ),
            (
                "import {a as class} from 'x'",
                "`class` is a reserved word and cannot be used as an import name",
                "class",
            ),
            (
                "import {default} from 'x'",
                "`default` is a reserved word and cannot be a local name; write `{default as name}`",
                "default",
            ),
            (
                "import {'a-b'} from 'x'",
                "a quoted import name needs a local name: write `{'…' as name}`",
                "'a-b'",
            ),
            (
                "import {a b} from 'x'",
                "expected `,` or `}` in the import list, found `b`",
                "b",
            ),
            (
                "import {a, from 'x'",
                "expected `,` or `}` in the import list, found a string",
                "'x'",
            ),
            (
                "import {a",
                "unterminated import list: `{` has no closing `}`",
                "{",
            ),
            (
                "import * from 'x'",
                "expected `as` after `*`, found `from`",
                "from",
            ),
            (
                "import * as from 'x'",
                "expected a name after `* as`, found `from`",
                "from",
            ),
            (
                "import a, from 'x'",
                "expected `{…}` or `* as name` after `,`, found `from`",
                "from",
            ),
            ("import a b from 'x'", "expected `from`, found `b`", "b"),
            (
                "import type {A} from 'x'",
                "TypeScript `import type` is not supported in MDX; use a plain `import`",
                "type",
            ),
            (
                "import a\nexport const b = 1",
                "missing `from` and module source after the import bindings",
                "a",
            ),
            (
                "import",
                "incomplete import: expected a binding or a module source after `import`",
                "import",
            ),
            (
                "import ; x",
                "unexpected `;` after `import`; expected a name, `{`, `*` or a module source",
                ";",
            ),
            (
                "import a from 'a' b",
                "unexpected identifier `b`; expected `;` or a line break after the import",
                "b",
            ),
            (
                "import a from 'a' with",
                "expected `{` after `with`",
                "with",
            ),
            (
                "import a from 'a' with {type: 'json'",
                "unterminated import attributes: `{` has no closing `}`",
                "{",
            ),
            (
                "import a from 'a' /* open",
                "unterminated comment: `/*` has no closing `*/`",
                "/*",
            ),
            ("export", "expected a declaration after `export`", "export"),
            (
                "export 1",
                "unexpected `1` after `export`; expected a declaration such as `export const name = …`",
                "1",
            ),
            ("export const", "expected a name after `const`", "const"),
            (
                "export const = 1",
                "expected a name after `const`, found `=`",
                "=",
            ),
            (
                "export const a = 1, = 2",
                "expected a name after `,`, found `=`",
                "=",
            ),
            (
                "export let default = 1",
                "`default` is a reserved word and cannot be used as a name",
                "default",
            ),
        ] {
            let error = first_error(source);
            assert_eq!(
                error.message, message,
                "should explain what is wrong with {source:?}"
            );
            assert_eq!(
                text(source, error.span),
                snippet,
                "should point at the offending token in {source:?}"
            );
        }
    }

    #[test]
    fn recovers_at_next_import_or_export_line() {
        let source = "import a './a.png'\n  continued garbage\nimport b from './b.png'\nimport {\n  c d\n} from 'c'\nexport const e = 1";
        let (statements, errors) = parse_esm(source);
        assert_eq!(
            errors.len(),
            2,
            "should report both malformed imports: {errors:?}"
        );
        assert_eq!(
            text(source, errors[1].span),
            "d",
            "should point at the second problem"
        );
        assert_eq!(
            statements.len(),
            2,
            "should still read the good statements: {statements:?}"
        );
        assert_eq!(
            import(&statements[0]).1,
            "./b.png",
            "should resume at the next import line"
        );
        assert_eq!(
            declarations(&statements[1]).0[0].0,
            "e",
            "should resume at the export line"
        );
    }

    #[test]
    fn export_const_values() {
        let source = "export const a = 1, b = 'two';\nexport let c = {x: [1, 2]}\nexport var d\nexport let e, f = null\nexport const g =\n  true";
        let statements = parse_ok(source);
        assert_eq!(
            statements.len(),
            5,
            "should give five exports: {statements:?}"
        );
        let (decls, span) = declarations(&statements[0]);
        assert_eq!(
            text(source, span),
            "export const a = 1, b = 'two';",
            "should span the statement"
        );
        assert_eq!(decls.len(), 2, "should read both declarators");
        assert_eq!(text(source, decls[0].1), "a", "should span the name");
        assert_eq!(
            decls[0].2.as_ref().map(|n| &n.expr),
            Ok(&Expr::Number(1.0)),
            "should read a number"
        );
        let b = decls[1].2.as_ref().unwrap();
        assert_eq!(b.expr, Expr::String("two".into()), "should read a string");
        assert_eq!(
            text(source, b.span),
            "'two'",
            "should span the value in the whole block"
        );
        let (decls, span) = declarations(&statements[1]);
        assert_eq!(
            decls[0].2.as_ref().unwrap().expr.kind_name(),
            "object",
            "should read an object"
        );
        assert_eq!(
            text(source, span),
            "export let c = {x: [1, 2]}",
            "should end at the line break"
        );
        let (decls, _) = declarations(&statements[2]);
        assert_eq!(
            decls[0].2.as_ref().unwrap().expr,
            Expr::Undefined,
            "should make `var d` undefined"
        );
        let (decls, _) = declarations(&statements[3]);
        assert_eq!(decls.len(), 2, "should read `let e, f = null`");
        assert_eq!(
            decls[1].2.as_ref().unwrap().expr,
            Expr::Null,
            "should read null"
        );
        let (decls, _) = declarations(&statements[4]);
        assert_eq!(
            decls[0].2.as_ref().unwrap().expr,
            Expr::Bool(true),
            "should read a value on the next line"
        );
    }

    #[test]
    fn export_const_errors_stay_per_declarator() {
        let source = "export const a = 1 + 2, b = f(x, y), c = 3, d = theme.color;\nexport const e = `x${y}`\nexport const f\nexport const g = 4";
        let (statements, errors) = parse_esm(source);
        assert!(
            errors.is_empty(),
            "should keep value errors in declarators: {errors:?}"
        );
        assert_eq!(
            statements.len(),
            4,
            "should give four statements: {statements:?}"
        );
        let (decls, span) = declarations(&statements[0]);
        assert_eq!(
            text(source, span),
            "export const a = 1 + 2, b = f(x, y), c = 3, d = theme.color;",
            "should span all"
        );
        let names: Vec<&str> = decls.iter().map(|d| d.0.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"], "should read every declarator");
        let a = decls[0].2.as_ref().unwrap_err();
        assert_eq!(
            a.message, "unexpected `+`: operators are not statically evaluable",
            "should reject `+`"
        );
        assert_eq!(text(source, a.span), "+", "should point at the `+`");
        let b = decls[1].2.as_ref().unwrap_err();
        assert_eq!(text(source, b.span), "f(x, y)", "should point at the call");
        assert_eq!(
            decls[2].2.as_ref().unwrap().expr,
            Expr::Number(3.0),
            "should still read the good declarator"
        );
        let d = decls[3].2.as_ref().unwrap_err();
        assert_eq!(
            d.message, "member access `theme.color` is not statically evaluable",
            "should reject member access"
        );
        let (decls, _) = declarations(&statements[1]);
        let e = decls[0].2.as_ref().unwrap_err();
        assert_eq!(
            text(source, e.span),
            "${y}",
            "should point at the substitution"
        );
        let (decls, _) = declarations(&statements[2]);
        assert_eq!(
            decls[0].2.as_ref().unwrap_err().message,
            "missing initializer: `const f` needs `= value`",
            "should require a value for const"
        );
        let (decls, _) = declarations(&statements[3]);
        assert_eq!(
            decls[0].2.as_ref().unwrap().expr,
            Expr::Number(4.0),
            "should read the last export"
        );

        let source = "export const a =\nexport const b = 2";
        let (statements, errors) = parse_esm(source);
        assert!(
            errors.is_empty(),
            "should keep a missing value in the declarator: {errors:?}"
        );
        let (decls, _) = declarations(&statements[0]);
        let a = decls[0].2.as_ref().unwrap_err();
        assert_eq!(
            a.message, "missing value after `=`",
            "should report the missing value"
        );
        assert_eq!(text(source, a.span), "=", "should point at the `=`");
        assert_eq!(statements.len(), 2, "should not swallow the next export");

        let source = "export const a = 1\n  + 2\nexport const b: number = 2";
        let (statements, _) = parse_esm(source);
        let (decls, _) = declarations(&statements[0]);
        assert_eq!(
            text(source, decls[0].2.as_ref().unwrap_err().span),
            "+",
            "should see a continued line"
        );
        let (decls, _) = declarations(&statements[1]);
        let b = decls[0].2.as_ref().unwrap_err();
        assert_eq!(
            b.message, "unexpected `:`; expected `=` after the name",
            "should reject a type annotation"
        );
    }

    #[test]
    fn docusaurus_component_exports() {
        let source = "export const Highlight = ({children, color}) => (\n  <span style={{backgroundColor: color, padding: '0.2rem'}}>\n    {children} don't\n  </span>\n);\n\nexport const toc = [{value: 'Intro', id: 'intro', level: 2}];";
        let (statements, errors) = parse_esm(source);
        assert!(
            errors.is_empty(),
            "should not report statement errors: {errors:?}"
        );
        assert_eq!(
            statements.len(),
            2,
            "should give two statements: {statements:?}"
        );
        let (decls, span) = declarations(&statements[0]);
        let error = decls[0].2.as_ref().unwrap_err();
        assert_eq!(
            error.message, "arrow function is not statically evaluable",
            "should reject the component"
        );
        assert_eq!(
            text(source, error.span),
            "({children, color}) =>",
            "should point at the arrow head"
        );
        assert!(
            text(source, span).ends_with("</span>\n);"),
            "should skip the JSX body: {:?}",
            text(source, span)
        );
        let (decls, _) = declarations(&statements[1]);
        assert_eq!(decls[0].0, "toc", "should read the next export");
        assert_eq!(
            decls[0].2.as_ref().unwrap().expr.kind_name(),
            "array",
            "should read the toc array"
        );
    }

    #[test]
    fn unsupported_statements() {
        let source = "export default function Layout({children}) {\n  return children\n}\n\
                      export function f() {\n  return 1;\n}\n\
                      export async function g() {}\n\
                      export class C {}\n\
                      export {a, b as c};\n\
                      export {x} from './x'\n\
                      export * from './y'\n\
                      export const {p, q} = obj\n\
                      const local = 1\n\
                      import('./dynamic')\n\
                      import.meta.url\n\
                      export default {\n  a: 1,\n}";
        let (statements, errors) = parse_esm(source);
        assert!(
            errors.is_empty(),
            "should not report errors for valid statements: {errors:?}"
        );
        let summary: Vec<(&str, &str)> = statements
            .iter()
            .map(|s| {
                let (what, span) = unsupported(s);
                (what, text(source, span))
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "`export default`",
                    "export default function Layout({children}) {\n  return children\n}"
                ),
                ("`export function`", "export function f() {\n  return 1;\n}"),
                ("`export async function`", "export async function g() {}"),
                ("`export class`", "export class C {}"),
                ("`export {…}` list", "export {a, b as c};"),
                ("re-export `export {…} from`", "export {x} from './x'"),
                ("`export * from`", "export * from './y'"),
                (
                    "destructuring in `export const`",
                    "export const {p, q} = obj"
                ),
                ("`const` declaration without `export`", "const local = 1"),
                ("dynamic `import()`", "import('./dynamic')"),
                ("`import.meta`", "import.meta.url"),
                ("`export default`", "export default {\n  a: 1,\n}"),
            ],
            "should describe and span each unsupported statement"
        );
    }

    #[test]
    fn empty_and_odd_blocks() {
        assert_eq!(
            parse_esm(""),
            (vec![], vec![]),
            "should give nothing for an empty block"
        );
        assert_eq!(
            parse_esm(" ;; // c\n/* d */"),
            (vec![], vec![]),
            "should skip empty statements and comments"
        );
        for source in [
            "import a from 'a'\n/* open",
            "export const a = 1\n/* open",
            "export let a\n/* open",
        ] {
            let (statements, errors) = parse_esm(source);
            assert_eq!(
                statements.len(),
                1,
                "should keep the statement before an unterminated comment in {source:?}"
            );
            assert!(
                !matches!(&statements[0], Statement::ExportConst { declarations, .. } if declarations[0].2.is_err()),
                "should keep the value before an unterminated comment in {source:?}"
            );
            assert_eq!(
                errors.len(),
                1,
                "should report the unterminated comment in {source:?}"
            );
            assert_eq!(
                text(source, errors[0].span),
                "/*",
                "should point at the `/*` in {source:?}"
            );
        }
        let (statements, _) = parse_esm("export const a = 'é', ü = \"\u{2028}\"");
        let (decls, _) = declarations(&statements[0]);
        assert_eq!(decls[1].0, "ü", "should allow Unicode names");
        let deep = format!(
            "export const a = {}\nexport const b = 1",
            "[".repeat(100_000)
        );
        let (statements, _) = parse_esm(&deep);
        let (decls, _) = declarations(&statements[0]);
        assert!(
            decls[0]
                .2
                .as_ref()
                .unwrap_err()
                .message
                .starts_with("nesting too deep"),
            "should stop at the nesting limit"
        );
        assert_eq!(statements.len(), 2, "should resume after a too-deep value");
    }

    // -----------------------------------------------------------------------
    // Robustness.

    fn check_span(source: &str, span: Span, what: &str) {
        assert!(
            span.start <= span.end && span.end <= source.len(),
            "should keep the {what} span {span:?} within the input of length {} ({source:?})",
            source.len()
        );
        assert!(
            source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
            "should put the {what} span {span:?} on char boundaries ({source:?})"
        );
    }

    fn check_node(source: &str, node: &Node, depth: usize) {
        assert!(
            depth <= js::MAX_DEPTH + 1,
            "should never nest values deeper than the limit"
        );
        check_span(source, node.span, "value");
        match &node.expr {
            Expr::Array(items) => items.iter().for_each(|n| check_node(source, n, depth + 1)),
            Expr::Object(entries) => entries
                .iter()
                .for_each(|(_, n)| check_node(source, n, depth + 1)),
            _ => {}
        }
    }

    fn check_both(source: &str) {
        match parse_expression(source) {
            Ok(Some(node)) => check_node(source, &node, 0),
            Ok(None) => {}
            Err(error) => check_span(source, error.span, "expression error"),
        }
        let _ = js::comment_only(source);
        let (statements, errors) = parse_esm(source);
        for error in &errors {
            check_span(source, error.span, "ESM error");
        }
        for statement in &statements {
            match statement {
                Statement::Import {
                    bindings,
                    source_span,
                    span,
                    ..
                } => {
                    check_span(source, *span, "import");
                    check_span(source, *source_span, "module source");
                    for binding in bindings {
                        check_span(source, binding.local_span, "binding");
                    }
                }
                Statement::ExportConst { declarations, span } => {
                    check_span(source, *span, "export");
                    for (_, name_span, value) in declarations {
                        check_span(source, *name_span, "declarator name");
                        match value {
                            Ok(node) => check_node(source, node, 0),
                            Err(error) => check_span(source, error.span, "declarator error"),
                        }
                    }
                }
                Statement::Unsupported { span, .. } => {
                    check_span(source, *span, "unsupported statement")
                }
            }
        }
    }

    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn never_panics_and_spans_are_valid() {
        let tricky = [
            "import a, {b as c, 'd-e' as f, default as g} from './x.png' with {type: 'json'};\nexport const h = {i: [1, , 0x1_F, .5e-3, -2], 'j': `k\\u{1F600}`, l}",
            "export const Foo = ({children}) => (<div style={{a: `${b}`}}>{children} don't</div>);\nexport default Foo",
            "{a: 'b\\\n', c: \"\\uD83D\\uDE00\\uD800\", [d]: e, ...f, get g() {}, h() {}, 1e21: /re[/]g/}",
            "import {\n a /* é */,\n b\n} from // x\n 'y' assert {x: 1}\nimport * as ns from \"z\"; export let q, r = null",
            "(((a))) => f(g[h]?.i)`j` + new K(`${l}`) /* m",
            "export const x = [[[[{a: (((1)))}]]]], y = 'unterminated\nimport bad 'src'\nexport const ü\u{2028} = '\u{2029}'",
            "\u{FEFF}import é from 'ü'\r\nexport var ω = 0b1010, ψ = 0o7_7, χ = 1_000n",
        ];
        for input in tricky {
            for (end, _) in input.char_indices().chain([(input.len(), ' ')]) {
                check_both(&input[..end]);
            }
        }

        let alphabet = b"{}[]()'\"`\\/*,;:.=+-_$0123456789abcenux \n\r\t<>!?#@";
        let tokens = [
            "import", "export", "const", "let", "from", "as", "default", "with", " ", "\n", "{",
            "}", "[", "]", "(", ")", "'x'", "\"y\"", "`", "${", "*", ",", ";", "=", "=>", ".",
            "...", "/*", "*/", "//", "\\u{", "\\", "0x", "1_0", "1e", "-", "é", "\u{2028}",
            "\u{FEFF}", "a", "true", "null", "get", "async",
        ];
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for round in 0..6000 {
            let len = rng.below(48);
            let input = if round % 2 == 0 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        if rng.below(4) == 0 {
                            rng.next() as u8
                        } else {
                            alphabet[rng.below(alphabet.len())]
                        }
                    })
                    .collect();
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                (0..len)
                    .map(|_| tokens[rng.below(tokens.len())])
                    .collect::<String>()
            };
            check_both(&input);
        }
    }
}
