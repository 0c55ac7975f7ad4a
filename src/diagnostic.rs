//! Diagnostics: what is wrong with a document, where, and how to fix it.
//!
//! Every stage of the pipeline reports problems as [`Report`]s, whose
//! positions are byte offsets into the source. At the end of the pipeline
//! [`LineIndex`] turns them into [`Diagnostic`]s, whose positions are in the
//! units editors use: 1-based lines, 1-based columns in UTF-16 code units
//! and 0-based offsets in UTF-16 code units.

use crate::rules::Rule;
use serde::{Deserialize, Serialize};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something the writer must fix: the output differs from what they meant.
    Error,
    /// Something probably wrong, or something we changed in the output.
    Warning,
    /// Something worth knowing.
    Info,
}

impl Severity {
    /// The lowercase name used in output (`"error"`, `"warning"`, `"info"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A problem found by a stage, positioned by byte offsets into the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// How bad it is.
    pub severity: Severity,
    /// What kind of problem it is.
    pub rule: Rule,
    /// Human readable message (may use markdown code spans).
    pub message: String,
    /// Byte offset where the problem starts.
    pub start: usize,
    /// Byte offset where the problem ends (`>= start`).
    pub end: usize,
    /// Replacement text for `start..end` that fixes the problem, if known.
    pub suggestion: Option<String>,
}

impl Report {
    /// A report of `rule`, with its default severity and no suggestion.
    pub fn new(rule: Rule, message: impl Into<String>, start: usize, end: usize) -> Self {
        Report {
            severity: rule.severity(),
            rule,
            message: message.into(),
            start,
            end: end.max(start),
            suggestion: None,
        }
    }

    /// The same report with another severity than the rule's default.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Attach a suggested replacement for the reported range.
    #[must_use]
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }
}

/// A problem in the document, positioned in editor units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Stable kebab-case id of the rule.
    pub rule_id: String,
    /// Human readable message.
    pub message: String,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start, in UTF-16 code units.
    pub column: usize,
    /// 1-based line of the end.
    pub end_line: usize,
    /// 1-based column of the end, in UTF-16 code units (exclusive).
    pub end_column: usize,
    /// 0-based offset of the start, in UTF-16 code units.
    pub offset: usize,
    /// 0-based offset of the end, in UTF-16 code units (exclusive).
    pub end_offset: usize,
    /// Replacement text for `offset..endOffset` that fixes the problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// Converts byte offsets in a source to lines, UTF-16 columns and offsets.
///
/// ```
/// use mdx_preview::diagnostic::LineIndex;
/// let index = LineIndex::new("a\n한b");
/// // `b` is byte 5 (after the 3-byte `한`), line 2, UTF-16 column 2.
/// assert_eq!(index.point(5), (2, 2, 3));
/// ```
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    source: &'a str,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// UTF-16 offset where each line starts.
    line_starts_utf16: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Index `source`.
    pub fn new(source: &'a str) -> Self {
        let mut line_starts = vec![0];
        let mut line_starts_utf16 = vec![0];
        let mut utf16 = 0;
        let bytes = source.as_bytes();
        // Byte by byte (a render builds this over the whole document): a
        // character is one UTF-16 unit at its first byte (any byte but a
        // continuation byte), two when it takes four bytes.
        for (index, &byte) in bytes.iter().enumerate() {
            if byte & 0xC0 != 0x80 {
                utf16 += 1 + usize::from(byte >= 0xF0);
            }
            let newline = byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n'));
            if newline {
                line_starts.push(index + 1);
                line_starts_utf16.push(utf16);
            }
        }
        LineIndex {
            source,
            line_starts,
            line_starts_utf16,
        }
    }

    /// The indexed source.
    pub fn source(&self) -> &'a str {
        self.source
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.source.len());
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line + 1,
            Err(line) => line,
        }
    }

    /// Byte offset where a 1-based line starts (clamped to the source).
    pub fn line_start(&self, line: usize) -> usize {
        let line = line.clamp(1, self.line_starts.len());
        self.line_starts[line - 1]
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// `(line, column, offset)` of a byte offset: 1-based line, 1-based
    /// UTF-16 column, 0-based UTF-16 offset. Offsets inside a character or
    /// past the end are moved back to the nearest character boundary.
    pub fn point(&self, offset: usize) -> (usize, usize, usize) {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line(offset);
        let start = self.line_starts[line - 1];
        let column: usize = self.source[start..offset]
            .chars()
            .map(char::len_utf16)
            .sum();
        (line, column + 1, self.line_starts_utf16[line - 1] + column)
    }

    /// Byte offset of a 1-based line and a 1-based column counted in bytes
    /// (markdown-rs's unit), clamped to the line.
    pub fn byte_offset(&self, line: usize, byte_column: usize) -> usize {
        let start = self.line_start(line);
        let end = self
            .line_starts
            .get(line.max(1))
            .copied()
            .unwrap_or(self.source.len());
        (start + byte_column.saturating_sub(1)).min(end)
    }

    /// Turn a report into a diagnostic.
    pub fn diagnostic(&self, report: &Report) -> Diagnostic {
        let (line, column, offset) = self.point(report.start);
        let (end_line, end_column, end_offset) = self.point(report.end.max(report.start));
        Diagnostic {
            severity: report.severity,
            rule_id: report.rule.id().to_string(),
            message: report.message.clone(),
            line,
            column,
            end_line,
            end_column,
            offset,
            end_offset,
            suggestion: report.suggestion.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let index = LineIndex::new("😀x\r\ny");
        assert_eq!(index.point(4), (1, 3, 2), "should count an emoji as 2");
        assert_eq!(
            index.point(7),
            (2, 1, 5),
            "should treat CRLF as one line ending"
        );
    }

    #[test]
    fn points_agree_with_counting_characters() {
        let source = "a\r\n한😀\rb\n\n\u{e9}x\r\r\n😀😀\nend";
        let index = LineIndex::new(source);
        let (mut line, mut column, mut offset) = (1, 1, 0);
        let mut chars = source.char_indices().peekable();
        while let Some((at, char)) = chars.next() {
            assert_eq!(index.point(at), (line, column, offset), "at byte {at}");
            offset += char.len_utf16();
            let ends_line =
                char == '\n' || (char == '\r' && chars.peek().map(|c| c.1) != Some('\n'));
            if ends_line {
                (line, column) = (line + 1, 1);
            } else {
                column += char.len_utf16();
            }
        }
        assert_eq!(index.point(source.len()), (line, column, offset));
        assert_eq!(index.line_count(), line);
    }

    #[test]
    fn offsets_inside_a_character_move_back() {
        let index = LineIndex::new("한");
        assert_eq!(index.point(2), (1, 1, 0), "should snap to a char boundary");
        assert_eq!(index.point(99), (1, 2, 1), "should clamp past the end");
    }
}
