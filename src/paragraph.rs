//! The lines of a rendered paragraph, for edits inside one
//! ([`crate::incremental`]).
//!
//! A paragraph's HTML holds one line ending per line ending of its source
//! (a soft break is written as one, a hard break as `<br />` and one), as
//! long as no inline construct spans a line ending (code turns one into a
//! space, an element would hold it). So where no element is open at a line
//! ending of the HTML, and the parser left none of the characters that can
//! pair up across lines as plain text outside an element (an unmatched
//! `*`, `[`, `` ` ``…), nothing was read across that line ending: the lines
//! between two such line endings can be rendered again on their own and
//! put back in place.

/// Characters whose literal occurrence in a paragraph's top-level text
/// means the parser may pair them with something on another line once the
/// text around them changes: emphasis and strikethrough runs, code spans,
/// link brackets, expressions, escapes, math.
const PAIRING: &[char] = &['*', '_', '~', '`', '[', ']', '{', '}', '\\', '$'];

/// Of those, the ones that start constructs read before links and
/// emphasis: code spans and math.
const OUTRANKING: &[char] = &['`', '$'];

/// A rendered block that is one paragraph and nothing else: the HTML
/// before its content (`<p data-line="">`) and its content's lines.
pub(crate) fn lines(html: &str) -> Option<(&str, Vec<&str>)> {
    let rest = html.strip_prefix("<p")?;
    let open = rest.find('>')? + 3;
    let content = html[open..].strip_suffix("</p>\n")?;
    if content.contains("<p") || content.contains("</p>") {
        return None;
    }
    Some((&html[..open], content.split('\n').collect()))
}

/// How many elements are open after each line of a paragraph's HTML;
/// `None` when a line closes an element it did not open and is not inside
/// of, or when its text holds a character the parser might pair with one
/// on another line. `>` alone may be let through: it closes only what a
/// `<` before it opened, which the lines rendered again refuse (with `>`
/// not let through) when they bring one.
///
/// Emphasis and link brackets inside an element were resolved inside it
/// (a link's text is read within its brackets), so only text outside
/// elements is checked for them. Code spans, math and `<` outrank links
/// and emphasis: a stray backtick in a link's text pairs with one lines
/// below and the link is gone. Those are checked in every text but a
/// `<code>` element's, whose backticks and dollars are its content.
pub(crate) fn depths(lines: &[&str], allow_gt: bool) -> Option<Vec<usize>> {
    let mut depth = 0usize;
    let mut in_code = false;
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let mut rest = *line;
        while !rest.is_empty() {
            let tag = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..tag];
            if depth == 0 && text.contains(PAIRING) {
                return None;
            }
            if !in_code
                && (text.contains(OUTRANKING)
                    || text.contains("&lt;")
                    || (!allow_gt && text.contains("&gt;")))
            {
                return None;
            }
            rest = &rest[tag..];
            if rest.is_empty() {
                break;
            }
            // The serializer escapes `<` and `>` in attribute values: the
            // tag ends at the first `>`.
            let end = rest.find('>')?;
            let tag = &rest[..=end];
            if tag.starts_with("</") {
                depth = depth.checked_sub(1)?;
                in_code &= tag != "</code>";
            } else if !tag.ends_with("/>") {
                depth += 1;
                in_code |= tag == "<code>" || tag.starts_with("<code ");
            }
            rest = &rest[end + 1..];
        }
        out.push(depth);
    }
    Some(out)
}

/// The text edited lines of a paragraph are rendered again in: a stand-in
/// first line (`x`, so that none of them starts the paragraph), the lines,
/// the line after them if there is one, and a line ending (so that the
/// context after it is parsed apart).
pub(crate) fn window(edited: &str, next: Option<&str>) -> String {
    let mut window = String::with_capacity(edited.len() + next.map_or(0, str::len) + 4);
    window.push_str("x\n");
    window.push_str(edited);
    if let Some(next) = next {
        window.push('\n');
        window.push_str(next);
    }
    window.push('\n');
    window
}

/// A paragraph's HTML: `open`, then `lines` with those from `first`
/// through `last` replaced by `new`, then the end tag.
pub(crate) fn splice(
    open: &str,
    lines: &[&str],
    first: usize,
    last: usize,
    new: &[&str],
) -> String {
    let lines = lines[..first].iter().chain(new).chain(&lines[last + 1..]);
    let mut html = open.to_owned();
    for (index, line) in lines.enumerate() {
        if index > 0 {
            html.push('\n');
        }
        html.push_str(line);
    }
    html.push_str("</p>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_splits_into_its_lines() {
        let (open, lines) = lines("<p data-line=\"\">a\n<em>b</em><br />\nc</p>\n").unwrap();
        assert_eq!(open, "<p data-line=\"\">");
        assert_eq!(lines, ["a", "<em>b</em><br />", "c"]);
        assert_eq!(depths(&lines, false), Some(vec![0, 0, 0]));
        assert!(super::lines("<h1>a</h1>\n").is_none());
        assert!(super::lines("<p>a</p>\n<p>b</p>\n").is_none());
    }

    #[test]
    fn edited_lines_are_rendered_after_a_stand_in_and_spliced_back() {
        assert_eq!(window("b\nc", Some("d")), "x\nb\nc\nd\n");
        assert_eq!(window("b", None), "x\nb\n");
        let html = splice("<p data-line=\"1\">", &["a", "b", "c", "d"], 1, 2, &["B"]);
        assert_eq!(html, "<p data-line=\"1\">a\nB\nd</p>\n");
        assert_eq!(
            splice("<p>", &["a", "b"], 1, 1, &["b1", "b2"]),
            "<p>a\nb1\nb2</p>\n"
        );
    }

    #[test]
    fn an_element_spanning_lines_leaves_them_open_and_a_stray_marker_refuses() {
        let whole = |line: &str| depths(&[line], false) == Some(vec![0]);
        assert_eq!(
            depths(&["a <em>b", "c</em> d", "e"], false),
            Some(vec![1, 0, 0])
        );
        assert_eq!(depths(&["b</em>"], false), None);
        assert!(!whole("a * b"));
        assert!(!whole("see [x"));
        assert!(!whole("a &lt;b"));
        assert!(!whole("a &gt; b"));
        assert_eq!(depths(&["a &gt; b"], true), Some(vec![0]));
        assert!(whole("<a href=\"u\">x * y</a> and <code>[</code>"));
        assert!(whole(
            "<code>`</code> and <code class=\"language-math\">$</code>"
        ));
        assert!(!whole("<a href=\"u\">x ` y</a>"));
        assert!(!whole("<a href=\"u\">x &lt; y</a>"));
        assert!(!whole("<em><a href=\"u\">$</a></em>"));
        assert!(!whole("<code>a</code> ` b"));
        assert!(whole("<img src=\"a\" alt=\"b\" /> &amp; (c)"));
    }
}
