//! Parse: the masked source to mdast with markdown-rs, recovering from
//! syntax errors.
//!
//! markdown-rs stops at the first MDX syntax error. We find the block that
//! holds the fault, mask it (its bytes become spaces, so offsets stay put),
//! remember it as a [`Fault`] to be shown as escaped source, and parse
//! again, until the document parses. The number of attempts is bounded so a
//! document full of errors still answers quickly.

use crate::diagnostic::{LineIndex, Report, Severity};
use crate::options::{Format, Options};
use crate::prepass::{Fault, Prepared, block_around, mask};
use markdown::mdast::Node;
use markdown::message::{Message, Place};
use markdown::{Constructs, MdxSignal, ParseOptions};

/// Total bytes we are willing to re-parse while recovering, as a multiple
/// of nothing: attempts = this / document length, clamped.
const RECOVERY_BYTES: usize = 4_000_000;
/// Fewest and most parse attempts.
const MIN_ATTEMPTS: usize = 4;
const MAX_ATTEMPTS: usize = 64;

/// markdown-rs options for a format.
pub fn parse_options(options: &Options) -> ParseOptions {
    let math = options.math;
    match options.format {
        Format::Md => ParseOptions {
            constructs: Constructs {
                frontmatter: true,
                math_flow: math,
                math_text: math,
                ..Constructs::gfm()
            },
            ..ParseOptions::gfm()
        },
        Format::Mdx => ParseOptions {
            constructs: Constructs {
                frontmatter: true,
                gfm_autolink_literal: true,
                gfm_footnote_definition: true,
                gfm_label_start_footnote: true,
                gfm_strikethrough: true,
                gfm_table: true,
                gfm_task_list_item: true,
                math_flow: math,
                math_text: math,
                ..Constructs::mdx()
            },
            // ESM is checked by our own static evaluator later; here any
            // block starting with `import`/`export` is accepted as ESM.
            mdx_esm_parse: Some(Box::new(|_: &str| MdxSignal::Ok)),
            ..ParseOptions::mdx()
        },
    }
}

/// Parse `prepared.masked`, masking faulty blocks until it parses. Faults and
/// reports are added to `prepared`.
pub fn parse(prepared: &mut Prepared, options: &Options) -> Node {
    let parse_options = parse_options(options);
    let attempts =
        (RECOVERY_BYTES / prepared.masked.len().max(1)).clamp(MIN_ATTEMPTS, MAX_ATTEMPTS);
    for attempt in 0.. {
        let message = match markdown::to_mdast(&prepared.masked, &parse_options) {
            Ok(tree) => return tree,
            Err(message) => message,
        };
        let (report, regions) = locate(&prepared.masked, &message);
        let mut progressed = false;
        let mut bytes = std::mem::take(&mut prepared.masked).into_bytes();
        for (start, end) in regions {
            let (start, end) = if attempt + 1 >= attempts {
                // Out of attempts: give up on the rest of the document.
                prepared.reports.push(Report::new(
                    Severity::Warning,
                    "too-many-errors",
                    "Too many syntax errors: the rest of the document is shown as text",
                    start,
                    start,
                ));
                (start, bytes.len())
            } else {
                (start, end)
            };
            if bytes[start..end].iter().any(|b| !b.is_ascii_whitespace()) {
                mask(&mut bytes, start, end);
                prepared.faults.push(Fault { start, end });
                progressed = true;
            }
        }
        if !progressed {
            // Masking the block did not remove the error: mask everything
            // from its start on (always ends: a blank document parses).
            let start = bytes
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .map_or(0, |first| report.start.max(first).min(bytes.len()));
            let start = if bytes[start..].iter().all(u8::is_ascii_whitespace) {
                0
            } else {
                start
            };
            let end = bytes.len();
            mask(&mut bytes, start, end);
            prepared.faults.push(Fault { start, end });
        }
        prepared.masked = String::from_utf8(bytes)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
        prepared.reports.push(report);
        if attempt > attempts + 2 {
            break;
        }
    }
    // Unreachable in practice (a blank document always parses); answer with
    // an empty tree rather than loop.
    markdown::to_mdast("", &ParseOptions::default()).unwrap_or(Node::Root(markdown::mdast::Root {
        children: Vec::new(),
        position: None,
    }))
}

/// Where a markdown-rs error is, as a report, and which blocks to mask.
fn locate(text: &str, message: &Message) -> (Report, Vec<(usize, usize)>) {
    let (place_start, place_end, is_range) = match message.place.as_deref() {
        Some(Place::Point(point)) => (point.offset, point.offset, false),
        Some(Place::Position(position)) => (position.start.offset, position.end.offset, true),
        None => (text.len(), text.len(), false),
    };
    let place_start = place_start.min(text.len());
    let place_end = place_end.clamp(place_start, text.len());
    let opening = opening_point(text, &message.reason);
    let rule_id = rule_id(&message.rule_id);

    // Where the writer has to look: a bad closing tag is its own fault; an
    // element or expression never closed is at its opening.
    let (start, end) = if is_range {
        (place_start, place_end)
    } else if let Some(open) = opening {
        (open, tag_end(text, open))
    } else if rule_id == "unexpected-eof" && message.reason.contains("closing quote") {
        // An attribute value never closed: point at its opening quote.
        let quote = if message.reason.contains("U+0027") {
            '\''
        } else {
            '"'
        };
        let open = text[..place_start].rfind(quote).unwrap_or(place_start);
        (open, open + 1)
    } else if rule_id == "unexpected-eof" && message.reason.contains("brace") {
        let open = unmatched_brace(&text[..place_start]).unwrap_or(place_start);
        (open, open + 1)
    } else {
        (place_start, place_end)
    };

    let mut regions = vec![block_around(text, start)];
    if is_range {
        if let Some(open) = opening {
            let other = block_around(text, open);
            if other != regions[0] {
                regions.push(other);
            }
        }
    }
    let mut reason = message.reason.trim_end_matches('.').to_string();
    // markdown-rs names the opening tag's place in bytes; say it in the
    // editor's units (UTF-16 columns).
    if let (Some(open), Some(at)) = (opening, reason.rfind(" (")) {
        let (line, column, _) = LineIndex::new(text).point(open);
        let end = reason[at..].find(')').map_or(reason.len(), |i| at + i + 1);
        reason.replace_range(at..end, &format!(" (opened at {line}:{column})"));
    }
    (
        Report::new(Severity::Error, rule_id, reason, start, end),
        regions,
    )
}

/// Map markdown-rs rule ids to ours.
fn rule_id(id: &str) -> &'static str {
    match id {
        "end-tag-mismatch" => "end-tag-mismatch",
        "unexpected-eof" => "unexpected-eof",
        "unexpected-character" => "unexpected-character",
        "unexpected-lazy" => "unexpected-lazy",
        "unexpected-closing-slash" => "unexpected-closing-slash",
        "unexpected-attribute" => "unexpected-attribute",
        _ => "mdx-syntax",
    }
}

/// The `(line:column)` of an opening tag that markdown-rs puts in some
/// reasons (`Expected a closing tag for `<div>` (3:1)`), as a byte offset.
fn opening_point(text: &str, reason: &str) -> Option<usize> {
    let open = reason.rfind(" (")?;
    let inner = reason[open + 2..].split(')').next()?;
    let (line, column) = inner.split_once(':')?;
    let line: usize = line.parse().ok()?;
    let column: usize = column.parse().ok()?;
    let index = LineIndex::new(text);
    if line == 0 || line > index.line_count() {
        return None;
    }
    let offset = index.byte_offset(line, column);
    text.is_char_boundary(offset).then_some(offset)
}

/// End of a tag starting at `start`: after its `>` on the same line, else
/// the line end.
fn tag_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    match rest[..line_end].find('>') {
        Some(close) => start + close + 1,
        None => start + line_end,
    }
}

/// Byte offset of the last `{` in `text` that no `}` closes.
fn unmatched_brace(text: &str) -> Option<usize> {
    let mut stack = Vec::new();
    for (index, byte) in text.bytes().enumerate() {
        match byte {
            b'{' => stack.push(index),
            b'}' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepass::prepare;

    fn run(source: &str) -> Prepared {
        let options = Options::default();
        let mut prepared = prepare(source, options.format);
        let _ = parse(&mut prepared, &options);
        prepared
    }

    #[test]
    fn unclosed_tag_masks_its_block_and_points_at_it() {
        let prepared = run("# a\n\n<div>\n\nhello\n\n# b\n");
        assert_eq!(prepared.faults, vec![Fault { start: 5, end: 10 }]);
        assert_eq!(prepared.reports[0].start, 5, "should point at `<div>`");
        assert_eq!(prepared.reports[0].end, 10);
        assert_eq!(prepared.reports[0].rule_id, "end-tag-mismatch");
    }

    #[test]
    fn mismatched_tags_in_two_blocks_mask_both() {
        let prepared = run("<a>\n\n</b>\n\nok\n");
        assert_eq!(prepared.faults.len(), 2, "should mask both blocks");
        assert_eq!(prepared.reports.len(), 1, "should report once");
        assert_eq!(prepared.reports[0].start, 5, "should point at `</b>`");
    }

    #[test]
    fn unterminated_expression_points_at_its_brace() {
        let prepared = run("# a\n\n{unterminated\n\n# b\n");
        assert_eq!(prepared.reports[0].start, 5);
        assert_eq!(prepared.faults[0], Fault { start: 5, end: 18 });
    }

    #[test]
    fn many_errors_end() {
        let source = "<b>\n\n".repeat(200);
        let prepared = run(&source);
        assert!(
            !prepared.faults.is_empty(),
            "should give up in bounded time"
        );
    }
}
