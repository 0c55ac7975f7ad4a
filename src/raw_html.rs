//! Raw HTML: rebuilt into elements, never passed through.
//!
//! In `format: "md"` markdown-rs hands raw HTML over as separate pieces (an
//! opening tag here, text, a closing tag in a later node). This module
//! tokenizes those pieces ([`tokenize`]) and [`assemble`]s them, together
//! with the converted markdown between them, into real elements of our
//! tree; the sanitizer then applies the same schema as to everything else.
//! Whatever is not a well-formed tag stays text, and text is always escaped
//! when serialized. Comments, doctypes, CDATA and processing instructions
//! are dropped.

use crate::hast::{Element, Node, Raw, is_void};
use markdown::mdast;

/// One token of raw HTML.
#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    /// `<name attr=value>` (or `<name/>`).
    Open {
        /// Lowercase tag name.
        name: String,
        /// Attributes, names lowercase, values with character references
        /// decoded.
        attributes: Vec<(String, String)>,
        /// Written as `<name/>`.
        self_closing: bool,
        /// Byte offset in the tokenized string.
        at: usize,
    },
    /// `</name>`.
    Close {
        /// Lowercase tag name.
        name: String,
    },
    /// Text, character references decoded.
    Text(String),
    /// A comment (its content), doctype, CDATA or processing instruction.
    Ignored(String),
}

/// Elements whose content is raw text up to their closing tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// Convert one raw HTML node of markdown: a marker to be assembled.
pub fn transform(node: &mdast::Html, at: (usize, usize), out: &mut Vec<Node>) {
    out.push(Node::Raw(Raw {
        html: node.value.clone(),
        offset: at.0,
    }));
}

/// Decode character references (`&amp;`, `&#74;`, `&#x4A;`) as an HTML
/// parser does in text and attribute values (named ones need their `;`).
pub fn decode_references(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let after = &rest[1..];
        let decoded = if let Some(numeric) = after.strip_prefix('#') {
            let (radix, digits) = match numeric.strip_prefix(['x', 'X']) {
                Some(hex) => (16, hex),
                None => (10, numeric),
            };
            let length = digits
                .bytes()
                .take_while(|b| {
                    if radix == 16 {
                        b.is_ascii_hexdigit()
                    } else {
                        b.is_ascii_digit()
                    }
                })
                .count();
            if length == 0 {
                None
            } else {
                let code = u32::from_str_radix(&digits[..length.min(8)], radix).unwrap_or(0xFFFD);
                let prefix = 1 + (numeric.len() - digits.len()) + length;
                let consumed = prefix + usize::from(digits[length..].starts_with(';'));
                let char = match code {
                    0 => '\u{FFFD}',
                    _ => char::from_u32(code).unwrap_or('\u{FFFD}'),
                };
                Some((char.to_string(), consumed))
            }
        } else {
            let length = after.bytes().take_while(u8::is_ascii_alphanumeric).count();
            if length > 0 && after[length..].starts_with(';') {
                let name = &after[..length];
                markdown::decode_named(name, true).map(|decoded| (decoded, length + 1))
            } else {
                None
            }
        };
        match decoded {
            Some((text, consumed)) => {
                out.push_str(&text);
                rest = &rest[1 + consumed..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Split HTML into tokens. Never fails: what is not a tag is text.
///
/// ```
/// use mdx_preview::raw_html::{tokenize, Token};
/// let tokens = tokenize("<b>x</b>");
/// assert_eq!(tokens[1], Token::Text("x".into()));
/// ```
pub fn tokenize(html: &str) -> Vec<Token> {
    let bytes = html.as_bytes();
    let mut tokens = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    let flush = |tokens: &mut Vec<Token>, from: usize, to: usize| {
        if to > from {
            tokens.push(Token::Text(decode_references(&html[from..to])));
        }
    };
    while at < bytes.len() {
        if bytes[at] != b'<' {
            at += 1;
            continue;
        }
        let rest = &html[at..];
        let (token, length) = if let Some(comment) = rest.strip_prefix("<!--") {
            // An unterminated comment runs to the end, as in HTML.
            let end = comment.find("-->").map_or(comment.len(), |e| e + 3);
            (
                Token::Ignored(comment[..end.min(comment.len())].to_string()),
                4 + end,
            )
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            (Token::Ignored(rest[..end].to_string()), end)
        } else if let Some((token, length)) = tag(rest, at) {
            (token, length)
        } else {
            at += 1;
            continue;
        };
        flush(&mut tokens, text_start, at);
        at += length;
        // Raw text elements: their content is text up to the closing tag.
        if let Token::Open {
            name,
            self_closing: false,
            ..
        } = &token
        {
            if RAW_TEXT.contains(&name.as_str()) {
                let name = name.clone();
                tokens.push(token);
                let lower = html[at..].to_ascii_lowercase();
                let end = lower
                    .find(&format!("</{name}"))
                    .map_or(html.len(), |e| at + e);
                if end > at {
                    tokens.push(Token::Text(html[at..end].to_string()));
                }
                at = end;
                text_start = at;
                continue;
            }
        }
        tokens.push(token);
        text_start = at;
    }
    flush(&mut tokens, text_start, bytes.len());
    tokens
}

/// A tag at the start of `text`, and its length.
fn tag(text: &str, at: usize) -> Option<(Token, usize)> {
    let bytes = text.as_bytes();
    let closing = bytes.get(1) == Some(&b'/');
    let name_start = 1 + usize::from(closing);
    if !bytes.get(name_start)?.is_ascii_alphabetic() {
        return None;
    }
    let name_length = bytes[name_start..]
        .iter()
        .take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'/' | b'>'))
        .count();
    let name = text[name_start..name_start + name_length].to_ascii_lowercase();
    let mut index = name_start + name_length;
    let mut attributes: Vec<(String, String)> = Vec::new();
    let mut self_closing = false;
    loop {
        while bytes.get(index).is_some_and(|b| b.is_ascii_whitespace()) {
            index += 1;
        }
        match bytes.get(index)? {
            b'>' => {
                index += 1;
                break;
            }
            b'/' if bytes.get(index + 1) == Some(&b'>') => {
                self_closing = true;
                index += 2;
                break;
            }
            b'/' => index += 1,
            _ => {
                let start = index;
                while bytes
                    .get(index)
                    .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'/' | b'>' | b'='))
                    || index == start && bytes.get(index) == Some(&b'=')
                {
                    index += 1;
                }
                let attribute = text[start..index].to_ascii_lowercase();
                while bytes.get(index).is_some_and(|b| b.is_ascii_whitespace()) {
                    index += 1;
                }
                let mut value = String::new();
                if bytes.get(index) == Some(&b'=') {
                    index += 1;
                    while bytes.get(index).is_some_and(|b| b.is_ascii_whitespace()) {
                        index += 1;
                    }
                    match bytes.get(index)? {
                        quote @ (b'"' | b'\'') => {
                            let close = text[index + 1..].find(*quote as char)?;
                            value = decode_references(&text[index + 1..index + 1 + close]);
                            index += close + 2;
                        }
                        _ => {
                            let start = index;
                            while bytes
                                .get(index)
                                .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                            {
                                index += 1;
                            }
                            value = decode_references(&text[start..index]);
                        }
                    }
                }
                // The first of duplicate attributes wins, as in HTML.
                if !attribute.is_empty() && !attributes.iter().any(|(n, _)| *n == attribute) {
                    attributes.push((attribute, value));
                }
            }
        }
    }
    let token = if closing {
        Token::Close { name }
    } else {
        Token::Open {
            name,
            attributes,
            self_closing,
            at,
        }
    };
    Some((token, index))
}

/// An element being assembled: the element, its source start, and the
/// items before it.
struct Open {
    element: Element,
    start: usize,
    outer: Vec<(Node, usize, usize)>,
}

/// Deepest nesting of elements rebuilt from raw HTML: an opening tag past
/// it is dropped (its content is kept). Later stages walk the tree, and
/// markdown like `<b>` × 30 000 must not nest that deep.
const MAX_DEPTH: usize = 256;

/// Rebuild raw HTML pieces among `items` into elements. Elements left open
/// are closed at the end of the list; closing tags with no open element are
/// dropped; past [`MAX_DEPTH`] open elements, opening tags are dropped.
pub fn assemble(items: Vec<(Node, usize, usize)>) -> Vec<(Node, usize, usize)> {
    assemble_open(items).0
}

/// [`assemble`], and where each element left open starts (it takes in
/// everything after it, so it depends on all of that).
pub fn assemble_open(items: Vec<(Node, usize, usize)>) -> (Vec<(Node, usize, usize)>, Vec<usize>) {
    if !items
        .iter()
        .any(|(node, _, _)| matches!(node, Node::Raw(_)))
    {
        return (items, Vec::new());
    }
    let mut current: Vec<(Node, usize, usize)> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let close = |stack: &mut Vec<Open>, current: &mut Vec<(Node, usize, usize)>, end: usize| {
        if let Some(open) = stack.pop() {
            let mut element = open.element;
            element.children = std::mem::take(current)
                .into_iter()
                .map(|(n, _, _)| n)
                .collect();
            *current = open.outer;
            current.push((element.into(), open.start, end));
        }
    };
    // A newline right after `<pre>` is not content (HTML parsing rule).
    let mut after_pre = false;
    // Where the last item ends: elements never closed run to it.
    let mut last_end = 0;
    for (node, start, end) in items {
        last_end = last_end.max(end);
        let Node::Raw(raw) = node else {
            current.push((node, start, end));
            after_pre = false;
            continue;
        };
        for token in tokenize(&raw.html) {
            let token = match token {
                Token::Text(text) if after_pre => {
                    Token::Text(text.strip_prefix('\n').map(String::from).unwrap_or(text))
                }
                other => other,
            };
            after_pre =
                matches!(&token, Token::Open { name, .. } if name == "pre" || name == "listing");
            match token {
                Token::Open {
                    name,
                    attributes,
                    self_closing,
                    at,
                } => {
                    let offset = raw.offset + at;
                    let mut element = Element::new(&name);
                    element.attributes = attributes;
                    element.source = Some((offset, offset + 1));
                    element.jsx = true;
                    if self_closing || is_void(&name) {
                        current.push((element.into(), start, end));
                    } else if stack.len() >= MAX_DEPTH {
                        // Too deep: the tag is dropped, its content stays.
                    } else {
                        stack.push(Open {
                            element,
                            start,
                            outer: std::mem::take(&mut current),
                        });
                    }
                }
                Token::Close { name } => {
                    if let Some(depth) = stack.iter().rposition(|open| open.element.tag == name) {
                        while stack.len() > depth {
                            close(&mut stack, &mut current, end);
                        }
                    }
                }
                Token::Text(text) if text.is_empty() => {}
                Token::Text(text) => current.push((Node::text(text), start, end)),
                Token::Ignored(_) => {}
            }
        }
    }
    let open = stack.iter().map(|open| open.start).collect();
    while !stack.is_empty() {
        close(&mut stack, &mut current, last_end);
    }
    (current, open)
}

/// Sanitize an HTML fragment with the default schema: rebuild it into our
/// tree, apply [`crate::sanitize`], serialize. Our own output is a fixed
/// point of this (the security tests check it).
///
/// ```
/// use mdx_preview::raw_html::sanitize_html;
/// assert_eq!(sanitize_html("<b onclick=x>hi</b><script>x</script>"), "<b>hi</b>");
/// ```
pub fn sanitize_html(html: &str) -> String {
    let items = assemble(vec![(
        Node::Raw(Raw {
            html: html.to_string(),
            offset: 0,
        }),
        0,
        html.len(),
    )]);
    let nodes = items.into_iter().map(|(node, _, _)| node).collect();
    let mut reports = Vec::new();
    let nodes = crate::sanitize::sanitize(nodes, &crate::sanitize::Schema::default(), &mut reports);
    let html = crate::hast::to_html(&nodes);
    crate::hast::dispose(nodes);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(html: &str, start: usize) -> (Node, usize, usize) {
        let raw = Raw {
            html: html.to_string(),
            offset: start,
        };
        (Node::Raw(raw), start, start + html.len())
    }

    /// An element never closed runs to the end of the last item, even when
    /// the innermost one open has nothing in it (it ran to 0, and the
    /// block cut after its first line left its content's diagnostics out
    /// of order; found by `make fuzz`).
    #[test]
    fn an_element_never_closed_runs_to_the_last_item() {
        let items = vec![raw("<b>", 0), (Node::text("x"), 5, 6), raw("<i>", 8)];
        let (items, open) = assemble_open(items);
        assert_eq!(open, vec![0, 8]);
        let ranges: Vec<(usize, usize)> = items.iter().map(|(_, s, e)| (*s, *e)).collect();
        assert_eq!(ranges, vec![(0, 11)]);
    }

    #[test]
    fn decodes_references() {
        assert_eq!(
            decode_references("&#74;ava&#x53;cript&colon;x"),
            "JavaScript:x"
        );
        assert_eq!(
            decode_references("a &amp b &amp; c"),
            "a &amp b & c",
            "should need `;` on named"
        );
        assert_eq!(decode_references("&#0;&#99999999;"), "\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn tokenizes_tags_and_text() {
        let tokens = tokenize("a<img src=x onerror = 'y' / ><!-- c -->b</i>");
        assert_eq!(tokens.len(), 5);
        assert!(matches!(&tokens[1], Token::Open { name, attributes, .. }
            if name == "img" && attributes.len() == 2 && attributes[1].1 == "y"));
        assert!(matches!(&tokens[2], Token::Ignored(_)));
        assert_eq!(tokens[4], Token::Close { name: "i".into() });
    }

    #[test]
    fn unterminated_tags_are_text() {
        assert_eq!(
            tokenize("<a href='x"),
            vec![Token::Text("<a href='x".into())]
        );
    }

    #[test]
    fn raw_text_elements_keep_their_content_as_text() {
        let tokens = tokenize("<script><b>x</b></script>");
        assert_eq!(tokens[1], Token::Text("<b>x</b>".into()));
    }

    #[test]
    fn assembles_across_items() {
        let items = vec![
            (
                Node::Raw(Raw {
                    html: "<div>".into(),
                    offset: 0,
                }),
                0,
                5,
            ),
            (Node::text("x"), 6, 7),
            (
                Node::Raw(Raw {
                    html: "</div>".into(),
                    offset: 8,
                }),
                8,
                14,
            ),
        ];
        let assembled = assemble(items);
        assert_eq!(assembled.len(), 1, "should make one element");
        assert_eq!(
            crate::hast::to_html(&[assembled[0].0.clone()]),
            "<div>x</div>"
        );
    }
}
