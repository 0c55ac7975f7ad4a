//! Containment: a parser failure costs the block it happened in, never the
//! document.
//!
//! markdown-rs 1.0.0 panics on a few inputs (and our own code may have bugs
//! too). A panic must not blank the preview, so:
//!
//! - **The `isolate` option** ([`Options::isolate`]) names blocks by their
//!   text. [`prepare`], the pipeline's first step, masks every run of whole
//!   lines with one of those texts before anything reads the source, and
//!   shows it as escaped source (a fault, like a syntax error) with an
//!   `internal-error` diagnostic. Naming blocks by text rather than by
//!   offset keeps it right in the incremental engine, which prepares each
//!   segment on its own, and across edits elsewhere in the document.
//! - **Finding the block**: [`culprits`] narrows a failure down over the
//!   top-level [`blocks`] by bisection, rendering halves of the failing
//!   range, never the whole document again. [`isolating`] repeats that
//!   until the document renders (a bounded number of rounds).
//! - **Native callers**: [`crate::render`] runs the pipeline under
//!   [`std::panic::catch_unwind`] and, on a panic, finds and isolates the
//!   block the same way. That needs `panic = "unwind"`, Rust's default (the
//!   release profile keeps it, so the CLI gets it too). The panic still
//!   goes through the panic hook (by default a message on stderr).
//! - **WebAssembly** cannot unwind (`wasm32-unknown-unknown`'s standard
//!   library is built with `panic = "abort"`): a panic traps the module.
//!   The package's JavaScript layer (`src/js/contain.mjs`) catches the trap,
//!   gets a fresh instance and runs the same search with its own probes,
//!   then renders with `isolate`. The Rust side's search is left out of the
//!   wasm ([`CAN_CATCH`] is false there), as it could never start.
//!
//! With the `panic-trigger` feature (tests only; `pkg/` never has it) the
//! pipeline panics on any block holding [`PANIC_MARKER`], so the tests can
//! prove all this without depending on a parser bug.

use crate::Rendered;
use crate::diagnostic::Report;
use crate::hast::{Element, Node};
use crate::options::Options;
use crate::prepass::{self, Fault, Prepared};
use crate::rules::Rule;
use std::ops::Range;

/// What the writer is told about such a block.
const MESSAGE: &str = "The parser failed on this block (an internal error, not a mistake in the document): it is shown as source; the rest is rendered";

/// What the writer is told when no block could be isolated.
const MESSAGE_WHOLE: &str = "The renderer failed on this document (an internal error, not a mistake in the document): it is shown as source";

/// Most rounds of search and isolation before [`isolating`] gives up.
pub const MAX_ROUNDS: usize = 8;

/// With the `panic-trigger` feature, a block holding this text makes the
/// renderer panic (see the module docs).
pub const PANIC_MARKER: &str = "MDX_PREVIEW_PANIC_TRIGGER";

/// With the `panic-trigger` feature, a document holding this text anywhere
/// makes the renderer panic whatever is isolated: the way to test
/// [`last_resort`].
pub const PANIC_ALWAYS_MARKER: &str = "MDX_PREVIEW_PANIC_ALWAYS";

/// The pre-pass ([`prepass::prepare`]) with the blocks named by
/// `options.isolate` masked first and reported as `internal-error`.
pub fn prepare(source: &str, options: &Options) -> Prepared {
    let ranges = isolated(source, &options.isolate);
    let prepared = if ranges.is_empty() {
        prepass::prepare(source, options.format)
    } else {
        let mut masked = source.as_bytes().to_vec();
        for range in &ranges {
            prepass::mask_block(&mut masked, range.start, range.end);
        }
        // Only ASCII spaces were written, over whole lines.
        let masked = String::from_utf8_lossy(&masked).into_owned();
        let mut prepared = prepass::prepare(&masked, options.format);
        for range in ranges {
            let first_line_end = source[range.clone()]
                .find(['\n', '\r'])
                .map_or(range.end, |at| range.start + at);
            prepared.reports.push(Report::new(
                Rule::InternalError,
                MESSAGE,
                range.start,
                first_line_end,
            ));
            prepared.faults.push(Fault {
                start: range.start,
                end: range.end,
            });
        }
        crate::order::sort_by_key(&mut prepared.faults, |f| (f.start, 0));
        prepared
    };
    trigger(source, &prepared.masked);
    prepared
}

/// With the `panic-trigger` feature: panic if what the parser is given
/// holds [`PANIC_MARKER`], or the source [`PANIC_ALWAYS_MARKER`].
#[cfg(feature = "panic-trigger")]
fn trigger(source: &str, masked: &str) {
    if masked.contains(PANIC_MARKER) || source.contains(PANIC_ALWAYS_MARKER) {
        panic!("panic-trigger: the document holds a panic marker");
    }
}

#[cfg(not(feature = "panic-trigger"))]
fn trigger(_: &str, _: &str) {}

/// Byte ranges of `source` to isolate: each occurrence of one of `texts`
/// that starts at a line start and ends at a line end, in order, without
/// overlaps.
fn isolated(source: &str, texts: &[String]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for text in texts.iter().filter(|t| !t.trim().is_empty()) {
        let mut from = 0;
        while let Some(at) = source[from..].find(text.as_str()) {
            let (start, end) = (from + at, from + at + text.len());
            let line_start = start == 0 || matches!(source.as_bytes()[start - 1], b'\n' | b'\r');
            let line_end = end == source.len() || matches!(source.as_bytes()[end], b'\n' | b'\r');
            if line_start && line_end {
                found.push(start..end);
            }
            from = start + source[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    crate::order::sort_by_key(&mut found, |r| (r.start, r.end));
    let mut kept: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for range in found {
        match kept.last_mut() {
            Some(last) if range.start < last.end => last.end = last.end.max(range.end),
            _ => kept.push(range),
        }
    }
    kept
}

/// The top-level blocks of `source`, as byte ranges: runs of non-blank
/// lines (a fenced code block with blank lines in it is one block). The
/// granularity the search narrows a failure down to; the JavaScript layer
/// splits the same way.
pub fn blocks(source: &str) -> Vec<Range<usize>> {
    let mut blocks = Vec::new();
    let mut current: Option<Range<usize>> = None;
    let mut fence: Option<(u8, usize)> = None;
    let mut start = 0;
    for line in source.split_inclusive('\n') {
        let end = start + line.len();
        let text = line.trim_end_matches(['\n', '\r']);
        let content_end = start + text.len();
        let blank = text.trim_matches([' ', '\t']).is_empty();
        if let Some((marker, length)) = fence {
            if fence_marker(text).is_some_and(|(m, n, rest)| {
                m == marker && n >= length && rest.trim_matches([' ', '\t']).is_empty()
            }) {
                fence = None;
            }
        } else if let Some((marker, length, _)) = fence_marker(text) {
            fence = Some((marker, length));
        }
        if blank && fence.is_none() {
            blocks.extend(current.take());
        } else if !blank {
            // Blank lines in a fence keep the block open but do not end it.
            current.get_or_insert(start..content_end).end = content_end;
        }
        start = end;
    }
    blocks.extend(current);
    blocks
}

/// A code fence line (at most 3 spaces of indentation): marker byte, its
/// length and what follows.
fn fence_marker(text: &str) -> Option<(u8, usize, &str)> {
    let rest = text.trim_start_matches(' ');
    if text.len() - rest.len() > 3 {
        return None;
    }
    let marker = *rest
        .as_bytes()
        .first()
        .filter(|b| matches!(b, b'`' | b'~'))?;
    let length = rest.bytes().take_while(|&b| b == marker).count();
    let after = &rest[length..];
    (marker == b'~' || !after.contains('`'))
        .then_some((marker, length, after))
        .filter(|_| length >= 3)
}

/// The blocks to isolate, given that rendering all `count` blocks fails
/// and `fails(range)` says whether rendering the blocks `range` alone
/// fails. Bisection, never asking about the whole range: each half that
/// fails on its own is searched in turn, so every block that fails alone
/// is found in one pass; where neither half fails alone (the failure needs
/// something from both), the last block of the shortest failing prefix.
/// In block order.
pub fn culprits(count: usize, mut fails: impl FnMut(Range<usize>) -> bool) -> Vec<usize> {
    let mut found = Vec::new();
    // Ranges known to fail, last first (an explicit stack: no recursion).
    let mut failing: Vec<Range<usize>> = Vec::new();
    failing.push(0..count);
    while let Some(range) = failing.pop() {
        if range.len() <= 1 {
            found.extend(range);
            continue;
        }
        let middle = range.start + range.len() / 2;
        let (left, right) = (range.start..middle, middle..range.end);
        let left_fails = fails(left.clone());
        let right_fails = fails(right.clone());
        if !left_fails && !right_fails {
            // `left` passes, all of `range` fails: find where between.
            let (mut passes, mut fails_at) = (middle, range.end);
            while fails_at - passes > 1 {
                let end = passes + (fails_at - passes) / 2;
                if fails(range.start..end) {
                    fails_at = end;
                } else {
                    passes = end;
                }
            }
            found.push(fails_at - 1);
            continue;
        }
        if right_fails {
            failing.push(right);
        }
        if left_fails {
            failing.push(left);
        }
    }
    found
}

/// Isolate blocks of `source` until `whole(isolate)` (a render of all of
/// it with those blocks isolated) gives a result: the texts to put in
/// [`Options::isolate`] and that result, or `None` when [`MAX_ROUNDS`]
/// rounds were not enough. `isolate` starts as the caller's own list, and
/// the caller knows all of `source` fails with it; `fails(text, isolate)`
/// says whether a part of the source fails.
pub fn isolating<T>(
    source: &str,
    isolate: &[String],
    mut fails: impl FnMut(&str, &[String]) -> bool,
    mut whole: impl FnMut(&[String]) -> Option<T>,
) -> Option<(Vec<String>, T)> {
    let mut isolate = isolate.to_vec();
    for _ in 0..MAX_ROUNDS {
        let candidates: Vec<Range<usize>> = blocks(source)
            .into_iter()
            .filter(|block| !isolate.iter().any(|text| *text == source[block.clone()]))
            .collect();
        let text_of = |range: Range<usize>| {
            &source[candidates[range.start].start..candidates[range.end - 1].end]
        };
        let found = culprits(candidates.len(), |range| fails(text_of(range), &isolate));
        if found.is_empty() {
            return None;
        }
        isolate.extend(
            found
                .into_iter()
                .map(|at| source[candidates[at].clone()].to_string()),
        );
        if let Some(done) = whole(&isolate) {
            return Some((isolate, done));
        }
    }
    None
}

/// Whether a panic can be caught here: natively yes (with
/// `panic = "unwind"`), in WebAssembly no. There a panic traps the module
/// (its standard library aborts) and the package's JavaScript layer
/// contains it (see the module docs), so callers leave the search that a
/// caught panic would start out of the wasm.
pub const CAN_CATCH: bool = !cfg!(target_arch = "wasm32");

/// `f()`, or `None` if it panicked.
pub fn catching<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Run `render` on `source`; if it panics, find the blocks it fails on,
/// isolate them and render again; if even that panics (the bug is in no
/// block), answer with [`last_resort`]. With `panic = "abort"` a panic
/// still aborts the process: there is nothing to catch. In WebAssembly
/// (see [`CAN_CATCH`]) this only renders.
pub fn contained(
    source: &str,
    options: &Options,
    render: impl Fn(&str, &Options) -> Rendered,
) -> Rendered {
    if !CAN_CATCH {
        return render(source, options);
    }
    let run = |text: &str, isolate: &[String]| {
        let options = Options {
            isolate: isolate.to_vec(),
            ..options.clone()
        };
        catching(|| render(text, &options))
    };
    if let Some(done) = run(source, &options.isolate) {
        return done;
    }
    let fails = |text: &str, isolate: &[String]| run(text, isolate).is_none();
    let whole = |isolate: &[String]| run(source, isolate);
    isolating(source, &options.isolate, fails, whole)
        .map_or_else(|| last_resort(source, options), |(_, done)| done)
}

/// The message a panic was raised with (`panic!("…")` gives a `&str` or a
/// `String`; anything else, an empty message).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// The whole document as escaped source with one `internal-error`
/// diagnostic: what a render gives when isolating blocks did not help.
/// Built without the pipeline (the JavaScript layer builds the same).
pub fn last_resort(source: &str, options: &Options) -> Rendered {
    let mut pre = Element::new("pre");
    pre.add_class("mdx-error");
    if options.source_lines {
        pre.set("data-line", "1");
    }
    pre.children.push(Node::text(source));
    let index = crate::diagnostic::LineIndex::new(source);
    let report = Report::new(
        Rule::InternalError,
        MESSAGE_WHOLE,
        0,
        source.find(['\n', '\r']).unwrap_or(source.len()),
    );
    Rendered {
        html: crate::hast::to_html(&[pre.into()]),
        toc: Vec::new(),
        diagnostics: vec![index.diagnostic(&report)],
        frontmatter: None,
        title: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_runs_of_lines_and_fences_hold_blank_lines() {
        let source = "# a\n\nb\nc\n\n\n```\nx\n\ny\n```\n  \nd";
        let texts: Vec<&str> = blocks(source).into_iter().map(|b| &source[b]).collect();
        assert_eq!(texts, ["# a", "b\nc", "```\nx\n\ny\n```", "d"]);
        let open = "a\n\n~~~\nx\n\n";
        let texts: Vec<&str> = blocks(open).into_iter().map(|b| &open[b]).collect();
        assert_eq!(texts, ["a", "~~~\nx"], "should not end on blank lines");
    }

    /// A line starting with a character of several bytes is no fence (it
    /// panicked, slicing after the first byte; found by
    /// `make fuzz FUZZ_TARGET=edits` after a contained parser panic).
    #[test]
    fn a_line_starting_with_a_wide_character_is_no_fence() {
        let source = "\u{FFFD}<Tabs>\n\n\u{FFFD}\u{FFFD}\u{FFFD}\nb\n\n```\nc\n";
        let texts: Vec<&str> = blocks(source).into_iter().map(|b| &source[b]).collect();
        assert_eq!(
            texts,
            ["\u{FFFD}<Tabs>", "\u{FFFD}\u{FFFD}\u{FFFD}\nb", "```\nc"]
        );
    }

    #[test]
    fn culprits_bisect_and_never_ask_about_the_whole_range() {
        for count in 1..40 {
            for bad in 0..count {
                let mut asked = Vec::new();
                let found = culprits(count, |range| {
                    asked.push(range.clone());
                    range.contains(&bad)
                });
                assert_eq!(found, [bad], "count {count}");
                assert!(
                    !asked.contains(&(0..count)),
                    "should not ask about 0..{count}"
                );
                assert!(asked.len() <= 2 * count.ilog2() as usize + 2, "{asked:?}");
            }
        }
    }

    #[test]
    fn culprits_finds_every_block_that_fails_alone_in_one_pass() {
        let bad = [3, 4, 17, 30];
        let mut asked = 0;
        let found = culprits(31, |range| {
            asked += 1;
            bad.iter().any(|b| range.contains(b))
        });
        assert_eq!(found, bad);
        assert!(asked < 40, "{asked} probes");
    }

    #[test]
    fn culprit_of_a_failure_that_needs_two_blocks_is_the_later_one() {
        // Fails only when both 2 and 7 are rendered together.
        let found = culprits(10, |range| range.contains(&2) && range.contains(&7));
        assert_eq!(found, [7]);
    }

    #[test]
    fn isolate_matches_whole_lines_only() {
        let source = "ab\n\nb\n\nab b\nb";
        let ranges = isolated(source, &["b".to_string()]);
        assert_eq!(ranges, [4..5, 12..13]);
        assert!(isolated(source, &[" ".to_string()]).is_empty());
    }

    #[test]
    fn isolated_blocks_become_internal_errors() {
        let options = Options {
            isolate: vec!["<b>\n*x*".into()],
            ..Options::default()
        };
        let prepared = prepare("a\n\n<b>\n*x*\n\nc\n", &options);
        assert_eq!(prepared.masked, "a\n\n       \n\nc\n");
        assert_eq!(prepared.faults, [Fault { start: 3, end: 10 }]);
        let report = &prepared.reports[0];
        assert_eq!(
            (report.rule, report.start, report.end),
            (Rule::InternalError, 3, 6)
        );
    }

    #[test]
    fn isolating_finds_every_failing_block() {
        let source = "a\n\nBAD\n\nb\n\nc\n\nBAD2\n\nd";
        let bad = |text: &str, isolate: &[String]| {
            ["BAD", "BAD2"]
                .iter()
                .any(|bad| text.lines().any(|l| l == *bad) && !isolate.iter().any(|i| i == bad))
        };
        let whole = |isolate: &[String]| (!bad(source, isolate)).then_some("done");
        let found = isolating(source, &[], bad, whole).expect("should succeed");
        assert_eq!(found, (vec!["BAD".to_string(), "BAD2".to_string()], "done"));
        let never = isolating(source, &[], |_, _| true, |_| None::<()>);
        assert_eq!(never, None, "should give up");
    }
}
