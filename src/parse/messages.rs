//! Reading markdown-rs 1.0.0's error messages: the one place that knows
//! their ids and wording.
//!
//! markdown-rs reports an MDX syntax error as a [`Message`]: a rule id of its
//! own, a reason in English (`Unexpected end of file in expression, expected
//! a corresponding closing brace for `{``), sometimes with the place of a
//! related tag written into it as `(line:column)`. What the rest of the
//! crate needs from that is read here, and the tests below pin it against
//! the parser itself, so an upgrade that rewords a message fails here first.

use crate::rules::Rule;
use markdown::message::Message;

/// Our rule for a markdown-rs rule id.
pub fn rule(id: &str) -> Rule {
    match id {
        "end-tag-mismatch" => Rule::EndTagMismatch,
        "unexpected-eof" => Rule::UnexpectedEof,
        "unexpected-character" => Rule::UnexpectedCharacter,
        "unexpected-lazy" => Rule::UnexpectedLazy,
        "unexpected-closing-slash" => Rule::UnexpectedClosingSlash,
        "unexpected-attribute" => Rule::UnexpectedAttribute,
        "invalid-expression" => Rule::InvalidExpression,
        "input-too-complex" => Rule::InputTooComplex,
        _ => Rule::MdxSyntax,
    }
}

/// What an end-of-input error says is still open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unclosed {
    /// An attribute value opened with this quote.
    Quote(char),
    /// An expression opened with `{`.
    Brace,
}

/// What is left open when `message` is an unexpected end of input inside an
/// attribute value or an expression.
pub fn unclosed(message: &Message) -> Option<Unclosed> {
    if message.rule_id.as_str() != "unexpected-eof" {
        return None;
    }
    let reason = &message.reason;
    if reason.contains("closing quote") {
        // The reason names the quote by code point.
        Some(Unclosed::Quote(if reason.contains("U+0027") {
            '\''
        } else {
            '"'
        }))
    } else if reason.contains("brace") {
        Some(Unclosed::Brace)
    } else {
        None
    }
}

/// Whether `message` is a closing tag that does not match the element open
/// where it is (`Unexpected closing tag `</b>`, expected corresponding
/// closing tag for `<a>``): an error found at the closing tag, which the
/// text after it cannot change.
pub fn mismatched_closing_tag(message: &Message) -> bool {
    message.rule_id.as_str() == "end-tag-mismatch"
        && message.reason.starts_with("Unexpected closing tag")
}

/// The 1-based `(line, column)` of the related tag that a reason ends with
/// (`Expected a closing tag for `<div>` (3:1)`), counted from the start of
/// the text parsed; columns count bytes.
pub fn opening(reason: &str) -> Option<(usize, usize)> {
    let at = reason.rfind(" (")?;
    place(reason[at + 2..].split(')').next()?).filter(|&(line, _)| line > 0)
}

/// `line:column` as numbers.
fn place(inner: &str) -> Option<(usize, usize)> {
    let (line, column) = inner.split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(line) || !digits(column) {
        return None;
    }
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// The reason as the writer is told it: without its final period and
/// without the related tag's place (the caller reports that place itself).
pub fn reason(message: &Message) -> String {
    let mut reason = message.reason.trim_end_matches('.').to_string();
    if opening(&reason).is_some() {
        if let Some(at) = reason.rfind(" (") {
            let end = reason[at..].find(')').map_or(reason.len(), |i| at + i + 1);
            reason.replace_range(at..end, "");
        }
    }
    reason
}

/// A reason without any `(line:column)` places, which count from the start
/// of the text parsed: the same error found in two windows compares equal.
pub fn without_places(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(at) = rest.find(" (") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let inner_end = after.find(')').unwrap_or(after.len());
        if place(&after[..inner_end]).is_some() {
            rest = &after[(inner_end + 1).min(after.len())..];
        } else {
            out.push_str(" (");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use markdown::{ParseOptions, to_mdast};

    /// markdown-rs 1.0.0's message for `source` in MDX.
    fn message(source: &str) -> Message {
        to_mdast(source, &ParseOptions::mdx()).expect_err("a syntax error")
    }

    #[test]
    fn rules_of_real_messages() {
        assert_eq!(rule(&message("<a>\n\n</b>").rule_id), Rule::EndTagMismatch);
        assert_eq!(rule(&message("a {b").rule_id), Rule::UnexpectedEof);
        assert_eq!(rule(&message("a <1>").rule_id), Rule::UnexpectedCharacter);
        assert_eq!(rule("something-new"), Rule::MdxSyntax);
    }

    #[test]
    fn a_closing_tag_that_does_not_match() {
        assert!(mismatched_closing_tag(&message("<a>\n\n</b>")));
        assert!(mismatched_closing_tag(&message("<p>a</b> c\n\nd")));
        // Never closed: found at the end of what holds it.
        assert!(!mismatched_closing_tag(&message("<a>\n\nb")));
        assert!(!mismatched_closing_tag(&message("a <b>c\n\nd")));
        assert!(!mismatched_closing_tag(&message("a {b")));
    }

    #[test]
    fn what_is_left_open() {
        assert_eq!(unclosed(&message("<a b=\"c")), Some(Unclosed::Quote('"')));
        assert_eq!(unclosed(&message("<a b='c")), Some(Unclosed::Quote('\'')));
        assert_eq!(unclosed(&message("a {b")), Some(Unclosed::Brace));
        assert_eq!(unclosed(&message("<a>\n\n</b>")), None);
    }

    #[test]
    fn the_opening_tag_named_in_a_reason() {
        let mismatch = message("x\n\n<div>\n\n</span>");
        assert_eq!(
            opening(&mismatch.reason),
            Some((3, 1)),
            "{}",
            mismatch.reason
        );
        let told = reason(&mismatch);
        assert!(!told.contains("(3:1)") && !told.ends_with('.'), "{told}");
        assert_eq!(opening("Unexpected character (in a paren)"), None);
        assert_eq!(opening("at (0:1)"), None);
    }

    #[test]
    fn places_are_dropped_for_comparison() {
        assert_eq!(without_places("a (1:2) b (x) c (10:20)"), "a b (x) c");
        let one = message("<div>\n\n</span>");
        let two = message("p\n\nq\n\n<div>\n\n</span>");
        assert_ne!(one.reason, two.reason);
        assert_eq!(without_places(&one.reason), without_places(&two.reason));
    }
}
