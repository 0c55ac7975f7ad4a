//! The line-state machine: how the pre-pass reads a document line by line.
//!
//! One pass over the lines says which are front matter and which are
//! fenced code (top-level fences, and fences in block quotes and list items,
//! which end with their container), and which fences are never closed.
//! Before it, the ```` ```mdx-code-block ```` wrappers Docusaurus takes out
//! of a document before parsing it are found: their content is the
//! document's, their fence lines nothing. The
//! pre-pass's passes (admonitions, heading ids, the complexity caps, HTML
//! comments) all skip the same code lines, and the ranges it finds become
//! [`crate::prepass::Prepared::spans`], where neither the chunked parser
//! nor the incremental engine ever cuts. This is the crate's only reading
//! of fences; everything else about blocks comes from the parser.

use crate::options::Format;

/// A line of the source: byte range without its line ending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// Byte offset of its first byte.
    pub start: usize,
    /// Byte offset of its line ending (or of the end of the source).
    pub end: usize,
}

/// Split into lines (`\n`, `\r\n`, `\r`); there is always at least one.
///
/// ```
/// use mdx_preview::lines::{split, Line};
/// assert_eq!(split("a\r\nb"), [Line { start: 0, end: 1 }, Line { start: 3, end: 4 }]);
/// ```
pub fn split(source: &str) -> Vec<Line> {
    let bytes = source.as_bytes();
    let mut result = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\n' => {
                result.push(Line { start, end: index });
                start = index + 1;
            }
            b'\r' => {
                result.push(Line { start, end: index });
                if bytes.get(index + 1) == Some(&b'\n') {
                    index += 1;
                }
                start = index + 1;
            }
            _ => {}
        }
        index += 1;
    }
    result.push(Line {
        start,
        end: bytes.len(),
    });
    result
}

/// Whether a line is blank (spaces and tabs only).
pub fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Skip container prefixes (`>`, list markers, indentation) of a line and
/// count how many container markers there were. Returns (rest offset, depth).
pub fn container_prefix(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut index = 0;
    let mut depth = 0;
    // A marker whose rest of the line is a thematic break is not a list
    // marker. Asking `is_thematic_break` at each marker would scan the rest
    // of the line each time (quadratic on `- - - … a`: seconds at 100 KB);
    // instead find, once, where the tail made of one marker character and
    // spaces starts and its third marker from the end: the rest from
    // `index` is a break when `index` is between the two.
    let (tail_start, third_last) = thematic_tail(bytes);
    let rest_is_break = |index: usize| tail_start <= index && index <= third_last;
    loop {
        while index < bytes.len() && (bytes[index] == b' ' || bytes[index] == b'\t') {
            index += 1;
        }
        match bytes.get(index) {
            Some(b'>') => {
                depth += 1;
                index += 1;
            }
            Some(b'-' | b'*' | b'+')
                if matches!(bytes.get(index + 1), Some(b' ' | b'\t')) && !rest_is_break(index) =>
            {
                depth += 1;
                index += 2;
            }
            Some(b'0'..=b'9') => {
                let mut end = index;
                while end < bytes.len() && end - index < 9 && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                if matches!(bytes.get(end), Some(b'.' | b')'))
                    && matches!(bytes.get(end + 1), Some(b' ' | b'\t'))
                {
                    depth += 1;
                    index = end + 2;
                } else {
                    return (index, depth);
                }
            }
            _ => return (index, depth),
        }
    }
}

/// Where the longest tail of `bytes` made of one thematic break marker
/// (`-`, `*`, `_`) and spaces or tabs starts, and the index of its third
/// marker from the end; `(1, 0)` (an empty span) when it has fewer than
/// three markers.
fn thematic_tail(bytes: &[u8]) -> (usize, usize) {
    let mut marker = None;
    let mut count = 0;
    let mut third_last = 0;
    let mut start = bytes.len();
    for (index, &byte) in bytes.iter().enumerate().rev() {
        match byte {
            b' ' | b'\t' => {}
            b'-' | b'*' | b'_' if marker.is_none_or(|m| m == byte) => {
                marker = Some(byte);
                count += 1;
                if count == 3 {
                    third_last = index;
                }
            }
            _ => break,
        }
        start = index;
    }
    if count < 3 {
        (1, 0)
    } else {
        (start, third_last)
    }
}

/// Whether `text` (a line from a marker on) is a thematic break.
pub fn is_thematic_break(text: &str) -> bool {
    let mut marker = None;
    let mut count = 0;
    for byte in text.bytes() {
        match byte {
            b' ' | b'\t' => {}
            b'-' | b'*' | b'_' if marker.is_none() || marker == Some(byte) => {
                marker = Some(byte);
                count += 1;
            }
            _ => return false,
        }
    }
    count >= 3
}

/// A code fence opening or closing: (marker byte, length, rest after it).
pub fn fence(text: &str) -> Option<(u8, usize, &str)> {
    let (offset, _) = container_prefix(text);
    let rest = &text[offset..];
    let marker = *rest.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let length = rest.bytes().take_while(|&b| b == marker).count();
    if length < 3 {
        return None;
    }
    let info = &rest[length..];
    if marker == b'`' && info.contains('`') {
        return None;
    }
    Some((marker, length, info))
}

/// Whether `text` closes a code fence opened with `length` × `marker` in
/// `depth` containers: the closing fence must be in the same containers
/// (inside a top-level fence, `- ```` is code, not a list item closing it).
pub fn closes_fence_at(text: &str, marker: u8, length: usize, depth: usize) -> bool {
    container_prefix(text).1 == depth
        && fence(text).is_some_and(|(m, n, info)| m == marker && n >= length && is_blank(info))
}

/// A fenced code block as the line-state machine read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fence {
    /// Index of its opening line.
    pub first: usize,
    /// Index of its last line (the closing fence, or the last line it holds).
    pub last: usize,
    /// Its marker and how many of them.
    pub marker: u8,
    /// How many markers open it.
    pub length: usize,
    /// Never closed (at the top level of an MDX document: the pre-pass
    /// shows its first block as a fault and reads on after it).
    pub unclosed: bool,
}

/// How the lines of a document read.
#[derive(Clone, Debug)]
pub struct LineMap {
    /// The lines.
    pub lines: Vec<Line>,
    /// Index of the first line after the front matter (0 when none).
    pub body: usize,
    /// The first line is `---` and no later line closes it.
    pub unclosed_front_matter: bool,
    /// Per line: no pass of the pre-pass reads it (code, or the first block
    /// of a fence never closed).
    pub opaque: Vec<bool>,
    /// Fenced code, in order.
    pub fences: Vec<Fence>,
    /// ```` ```mdx-code-block ```` wrappers: the indexes of their opening
    /// and closing lines, in order (see [`mdx_code_blocks`]).
    pub wrappers: Vec<(usize, usize)>,
}

impl LineMap {
    /// Read `source`'s lines.
    ///
    /// ```
    /// use mdx_preview::lines::LineMap;
    /// use mdx_preview::Format;
    /// let map = LineMap::read("a\n\n```\n# not a heading\n```\nb\n", Format::Mdx);
    /// assert_eq!(map.opaque, [false, false, true, true, true, false, false]);
    /// ```
    pub fn read(source: &str, format: Format) -> LineMap {
        let lines = split(source);
        let text = |index: usize| &source[lines[index].start..lines[index].end];
        let mut map = LineMap {
            opaque: vec![false; lines.len()],
            body: 0,
            unclosed_front_matter: false,
            fences: Vec::new(),
            wrappers: Vec::new(),
            lines: Vec::new(),
        };
        if text(0).trim_end() == "---" {
            match (1..lines.len()).find(|&i| text(i).trim_end() == "---") {
                Some(close) => map.body = close + 1,
                None => {
                    map.unclosed_front_matter = true;
                    map.body = 1;
                }
            }
        }
        map.wrappers = mdx_code_blocks(source, &lines, map.body);
        // Wrapper lines are neither fences nor code.
        let mut wrapper = vec![false; lines.len()];
        for &(open, close) in &map.wrappers {
            wrapper[open] = true;
            wrapper[close] = true;
        }
        let mut index = map.body;
        // The next closing fence line of each marker at the top level, for
        // telling an MDX fence that never closes in one pass.
        let closers = next_closers(source, &lines, map.body, &wrapper);
        while index < lines.len() {
            let found = if wrapper[index] {
                None
            } else {
                fence(text(index))
            };
            let Some((marker, length, _)) = found else {
                index += 1;
                continue;
            };
            let depth = container_prefix(text(index)).1;
            let first = index;
            let mut last = lines.len() - 1;
            let mut unclosed = false;
            if depth > 0 {
                // In a block quote or list: the code ends with its closing
                // fence or with the container.
                let mut end = index + 1;
                last = index;
                while end < lines.len() {
                    let inner = text(end);
                    if container_prefix(inner).1 < depth && !is_blank(inner) {
                        break;
                    }
                    last = end;
                    end += 1;
                    if closes_fence_at(inner, marker, length, depth) {
                        break;
                    }
                }
            } else if let Some(close) = closers.next_after(index, marker, length, |i| {
                closes_fence_at(text(i), marker, length, 0)
            }) {
                last = close;
            } else if format == Format::Mdx {
                // Never closed: its first block is a fault; read on after it.
                unclosed = true;
                last = index;
                while last + 1 < lines.len() && !is_blank(text(last + 1)) {
                    last += 1;
                }
            }
            // In markdown a fence never closed runs to the end.
            for opaque in &mut map.opaque[first..=last] {
                *opaque = true;
            }
            map.fences.push(Fence {
                first,
                last,
                marker,
                length,
                unclosed,
            });
            index = last + 1;
        }
        map.lines = lines;
        map
    }
}

/// The top-level closing-fence candidates of a document, by marker, for
/// finding the first that closes a fence without rescanning the rest of
/// the document for every fence (a document of fences never closed would
/// make that quadratic).
struct Closers {
    /// Indexes of top-level lines made of `` ` `` markers only (then of `~`),
    /// with their lengths, in order.
    backtick: Vec<(usize, usize)>,
    tilde: Vec<(usize, usize)>,
}

fn next_closers(source: &str, lines: &[Line], from: usize, skip: &[bool]) -> Closers {
    let mut closers = Closers {
        backtick: Vec::new(),
        tilde: Vec::new(),
    };
    for (index, line) in lines.iter().enumerate().skip(from) {
        if skip[index] {
            continue;
        }
        let text = &source[line.start..line.end];
        if let Some((marker, length, info)) = fence(text) {
            if container_prefix(text).1 == 0 && is_blank(info) {
                match marker {
                    b'`' => closers.backtick.push((index, length)),
                    _ => closers.tilde.push((index, length)),
                }
            }
        }
    }
    closers
}

impl Closers {
    /// The first line after `index` that closes a fence of `length` ×
    /// `marker` (`check` confirms it).
    fn next_after(
        &self,
        index: usize,
        marker: u8,
        length: usize,
        check: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let list = if marker == b'`' {
            &self.backtick
        } else {
            &self.tilde
        };
        let from = list.partition_point(|&(line, _)| line <= index);
        list[from..]
            .iter()
            .find(|&&(line, n)| n >= length && check(line))
            .map(|&(line, _)| line)
    }
}

/// The ```` ```mdx-code-block ```` wrappers of a document, as Docusaurus
/// finds them before MDX reads the document (in both formats): a line of
/// three backticks, optional spaces and `mdx-code-block`, ended by `\n`, up
/// to the first later line that is the three backticks alone (ended by
/// `\n` or the end), with at least one line between; then the same with
/// four backticks over what is left. Docusaurus replaces each by its
/// content. As its search does, the line right after a wrapper cannot open
/// the next one of the same kind, and code fences are not looked at.
/// Returns the opening and closing line indexes, in order.
///
/// ```
/// use mdx_preview::lines::{mdx_code_blocks, split};
/// let source = "a\n\n```mdx-code-block\n<Tabs>\n```\n";
/// assert_eq!(mdx_code_blocks(source, &split(source), 0), [(2, 4)]);
/// ```
pub fn mdx_code_blocks(source: &str, lines: &[Line], from: usize) -> Vec<(usize, usize)> {
    let bytes = source.as_bytes();
    let text = |index: usize| &source[lines[index].start..lines[index].end];
    let ends_in_newline = |index: usize| bytes.get(lines[index].end) == Some(&b'\n');
    let mut taken = vec![false; lines.len()];
    let mut found = Vec::new();
    for ticks in ["```", "````"] {
        let mut index = from;
        while index < lines.len() {
            let opens = !taken[index]
                && ends_in_newline(index)
                && text(index)
                    .strip_prefix(ticks)
                    .is_some_and(|rest| rest.trim_start_matches(' ') == "mdx-code-block");
            if !opens {
                index += 1;
                continue;
            }
            // The lines left after `index` (earlier wrappers are gone).
            let mut after = (index + 1..lines.len()).filter(|&i| !taken[i]);
            let Some(first_inner) = after.next() else {
                break;
            };
            let close = after.find(|&i| {
                text(i) == ticks && (ends_in_newline(i) || lines[i].end == source.len())
            });
            let Some(close) = close else {
                index = first_inner;
                continue;
            };
            taken[index] = true;
            taken[close] = true;
            found.push((index, close));
            // The line ending after the closing line is part of the match.
            index = (close + 1..lines.len())
                .find(|&i| !taken[i])
                .map_or(lines.len(), |next| next + 1);
        }
    }
    crate::order::sort_by_key(&mut found, |&(open, close)| (open, close));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_in_containers_end_with_the_container() {
        let source = "> ```\n> code\nafter\n";
        let map = LineMap::read(source, Format::Md);
        assert_eq!(
            map.opaque,
            [true, true, false, false],
            "should end with the quote"
        );
    }

    #[test]
    fn a_fence_never_closed_is_code_to_the_end_in_markdown_only() {
        let source = "```\na\n\nb\n";
        let md = LineMap::read(source, Format::Md);
        assert_eq!(
            md.opaque,
            [true, true, true, true, true],
            "should run to the end"
        );
        let mdx = LineMap::read(source, Format::Mdx);
        assert_eq!(
            mdx.opaque,
            [true, true, false, false, false],
            "should stop at the block end"
        );
        assert!(mdx.fences[0].unclosed, "should say it is never closed");
    }

    #[test]
    fn front_matter_is_skipped() {
        let map = LineMap::read("---\na: 1\n---\n```\n", Format::Mdx);
        assert_eq!(map.body, 3);
        let open = LineMap::read("---\na: 1\n", Format::Mdx);
        assert!(open.unclosed_front_matter, "should see it is never closed");
    }

    #[test]
    fn mdx_code_blocks_are_found_as_docusaurus_finds_them() {
        let source = "```mdx-code-block\nimport A from 'a';\n```\n\n````mdx-code-block\n<Tabs>\n\n```js\nx\n```\n\n</Tabs>\n````\n";
        let map = LineMap::read(source, Format::Mdx);
        assert_eq!(
            map.wrappers,
            [(0, 2), (4, 12)],
            "should pair 3 and 4 backticks"
        );
        assert_eq!(map.fences.len(), 1, "should leave the inner fence a fence");
        assert!(!map.opaque[5], "should not read the content as code");
        // Closing lines must be the backticks alone; CRLF is not matched.
        assert!(
            mdx_code_blocks(
                "```mdx-code-block\nx\n``` \n",
                &split("```mdx-code-block\nx\n``` \n"),
                0
            )
            .is_empty()
        );
        let crlf = "```mdx-code-block\r\nx\r\n```\r\n";
        assert!(mdx_code_blocks(crlf, &split(crlf), 0).is_empty());
        // A wrapper needs a line between its fences.
        let empty = "```mdx-code-block\n```\n";
        assert!(mdx_code_blocks(empty, &split(empty), 0).is_empty());
        // The line right after a wrapper cannot open the next one.
        let twice = "```mdx-code-block\na\n```\n```mdx-code-block\nb\n```\n";
        assert_eq!(mdx_code_blocks(twice, &split(twice), 0), [(0, 2)]);
    }

    #[test]
    fn a_list_item_fence_inside_code_closes_nothing() {
        let source = "```js\na\n- ```\n```\nafter\n";
        let map = LineMap::read(source, Format::Mdx);
        assert_eq!(map.fences.len(), 1);
        assert_eq!(map.fences[0].last, 3, "should close at the top-level fence");
    }
}
