//! Our HTML tree (hast-like) and its serializer.
//!
//! Every later stage (heading ids, sanitizing, TOC) works on this tree,
//! never on strings. [`to_html`] is the only place that writes HTML text,
//! and it escapes everything it writes.

/// A node of the HTML tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Text (escaped when serialized).
    Text(String),
    /// Raw HTML from markdown, before [`crate::raw_html::assemble`] turns it
    /// into elements (serialized as escaped text if it ever got here).
    Raw(Raw),
}

/// A piece of raw HTML from markdown, waiting to be assembled into elements
/// ([`crate::raw_html::assemble`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Raw {
    /// The HTML as written.
    pub html: String,
    /// Byte offset where it starts in the source.
    pub offset: usize,
}

/// An element.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    /// Lowercase tag name.
    pub tag: String,
    /// Attributes in order; a boolean attribute has an empty value.
    pub attributes: Vec<(String, String)>,
    /// Children.
    pub children: Vec<Node>,
    /// Byte range of the source this element came from, if known.
    pub source: Option<(usize, usize)>,
    /// Whether the writer wrote it as JSX (not markdown, not generated).
    pub jsx: bool,
}

impl Element {
    /// An element without attributes or children.
    pub fn new(tag: &str) -> Self {
        Element {
            tag: tag.to_string(),
            attributes: Vec::new(),
            children: Vec::new(),
            source: None,
            jsx: false,
        }
    }

    /// Builder: add an attribute.
    #[must_use]
    pub fn attr(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set(name, value);
        self
    }

    /// Builder: set the children.
    #[must_use]
    pub fn with(mut self, children: Vec<Node>) -> Self {
        self.children = children;
        self
    }

    /// Value of an attribute.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Set (replace or add) an attribute.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.attributes.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.attributes.push((name.to_string(), value)),
        }
    }

    /// Remove an attribute, giving its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        let index = self.attributes.iter().position(|(n, _)| n == name)?;
        Some(self.attributes.remove(index).1)
    }

    /// Add a class.
    pub fn add_class(&mut self, class: &str) {
        match self.attributes.iter_mut().find(|(n, _)| n == "class") {
            Some(slot) if !slot.1.split(' ').any(|c| c == class) => {
                if !slot.1.is_empty() {
                    slot.1.push(' ');
                }
                slot.1.push_str(class);
            }
            Some(_) => {}
            None => self.attributes.push(("class".into(), class.into())),
        }
    }
}

impl Node {
    /// A text node.
    pub fn text(value: impl Into<String>) -> Self {
        Node::Text(value.into())
    }

    /// The element, if this is one.
    pub fn as_element(&self) -> Option<&Element> {
        match self {
            Node::Element(element) => Some(element),
            Node::Text(_) | Node::Raw(_) => None,
        }
    }
}

impl From<Element> for Node {
    fn from(element: Element) -> Self {
        Node::Element(element)
    }
}

/// Elements without content or closing tag.
pub fn is_void(tag: &str) -> bool {
    matches!(
        tag,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Plain text of nodes, an image's alt text included (iterative).
pub fn text_content(nodes: &[Node]) -> String {
    let mut out = String::new();
    let mut stack: Vec<std::slice::Iter<Node>> = vec![nodes.iter()];
    while let Some(iter) = stack.last_mut() {
        match iter.next() {
            Some(Node::Text(text)) => out.push_str(text),
            Some(Node::Raw(_)) => {}
            Some(Node::Element(element)) if element.tag == "img" => {
                out.push_str(element.get("alt").unwrap_or(""));
            }
            Some(Node::Element(element)) => stack.push(element.children.iter()),
            None => {
                stack.pop();
            }
        }
    }
    out
}

/// Escape text for HTML content or a double-quoted attribute. NUL and CR,
/// which an HTML parser would replace or fold, are written so that they
/// parse back as they were meant (U+FFFD, a character reference).
pub fn escape_into(out: &mut String, value: &str) {
    let mut last = 0;
    for (index, byte) in value.bytes().enumerate() {
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\0' => "\u{FFFD}",
            b'\r' => "&#13;",
            _ => continue,
        };
        out.push_str(&value[last..index]);
        out.push_str(replacement);
        last = index + 1;
    }
    out.push_str(&value[last..]);
}

/// Serialize nodes to HTML (iterative: no recursion on tree depth).
///
/// ```
/// use mdx_preview::hast::{Element, Node, to_html};
/// let p = Element::new("p").with(vec![Node::text("a < b")]);
/// assert_eq!(to_html(&[p.into()]), "<p>a &lt; b</p>");
/// ```
pub fn to_html(nodes: &[Node]) -> String {
    let mut out = Slotted::default();
    write_html(nodes, &mut out, None);
    out.text
}

/// A hole in serialized HTML, filled in once the block it belongs to knows
/// where it is in the document (see [`to_html_slotted`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The value of a top-level element's `data-line`: lines after the
    /// block's first line.
    Line(usize),
    /// The ` id="…"` attribute of the block's n-th heading that has no id
    /// of its own (numbered from 0).
    HeadingId(usize),
    /// The content of a `<TOCInline>`: the document's TOC, as it asks.
    Toc(TocSlice),
}

/// What a `<TOCInline>` shows: a slice of the document's TOC (Docusaurus's
/// `toc`: its headings of level 2 and more, in order) as JavaScript's
/// `slice(start, end)` takes it, then the levels `min..=max`, nested.
///
/// In the tree it is the `data-toc` attribute of a `div.toc-inline` (see
/// [`TocSlice::encode`]); the slotted serializer turns that element's
/// content into a [`Slot::Toc`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TocSlice {
    /// `slice`'s first argument (negative: from the end).
    pub start: Option<i64>,
    /// `slice`'s second argument.
    pub end: Option<i64>,
    /// Smallest level shown.
    pub min: u8,
    /// Largest level shown.
    pub max: u8,
}

impl TocSlice {
    /// The attribute value: `start:end:min:max`, an absent bound empty.
    ///
    /// ```
    /// use mdx_preview::hast::TocSlice;
    /// let slice = TocSlice { start: Some(2), end: None, min: 2, max: 3 };
    /// assert_eq!(slice.encode(), "2::2:3");
    /// assert_eq!(TocSlice::decode("2::2:3"), Some(slice));
    /// ```
    pub fn encode(&self) -> String {
        let bound = |b: Option<i64>| b.map(|b| b.to_string()).unwrap_or_default();
        format!(
            "{}:{}:{}:{}",
            bound(self.start),
            bound(self.end),
            self.min,
            self.max
        )
    }

    /// Read [`TocSlice::encode`]'s form back.
    pub fn decode(value: &str) -> Option<TocSlice> {
        let mut parts = value.split(':');
        let mut bound = || -> Option<Option<i64>> {
            let part = parts.next()?;
            if part.is_empty() {
                Some(None)
            } else {
                part.parse().ok().map(Some)
            }
        };
        let (start, end) = (bound()?, bound()?);
        let min = parts.next()?.parse().ok()?;
        let max = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(TocSlice {
            start,
            end,
            min,
            max,
        })
    }

    /// The indexes of a list of `len` items that the slice keeps.
    pub fn range(&self, len: usize) -> std::ops::Range<usize> {
        let len = i64::try_from(len).unwrap_or(i64::MAX);
        let at = |bound: i64| {
            let index = if bound < 0 { len + bound } else { bound };
            usize::try_from(index.clamp(0, len)).unwrap_or(0)
        };
        let start = self.start.map_or(0, at);
        let end = self.end.map_or(at(len), at);
        start..end.max(start)
    }
}

/// The element that holds a `<TOCInline>`'s content, and what it asks for.
fn toc_slice(element: &Element) -> Option<TocSlice> {
    if element.tag != "div" || element.get("class").is_none_or(|c| c != "toc-inline") {
        return None;
    }
    TocSlice::decode(element.get("data-toc")?)
}

/// HTML text with slots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slotted {
    /// The HTML around the slots.
    pub text: String,
    /// Byte offsets in `text` where each slot goes, in order.
    pub slots: Vec<(usize, Slot)>,
}

/// Serialize nodes to HTML with slots: the value of each top-level
/// element's `data-line` (a line number relative to the block) becomes a
/// [`Slot::Line`], and each element `needs_id` picks gets a
/// [`Slot::HeadingId`] after its attributes.
///
/// ```
/// use mdx_preview::hast::{Element, Node, Slot, to_html_slotted};
/// let h = Element::new("h2").attr("data-line", "0").with(vec![Node::text("A")]);
/// let out = to_html_slotted(&[h.into()], |e| e.tag == "h2");
/// assert_eq!(out.text, r#"<h2 data-line="">A</h2>"#);
/// assert_eq!(out.slots, vec![(15, Slot::Line(0)), (16, Slot::HeadingId(0))]);
/// ```
pub fn to_html_slotted(nodes: &[Node], needs_id: impl Fn(&Element) -> bool) -> Slotted {
    let mut out = Slotted::default();
    write_html(nodes, &mut out, Some(&needs_id));
    out
}

/// The serializer: the only place that writes HTML text.
fn write_html(nodes: &[Node], out: &mut Slotted, needs_id: Option<&dyn Fn(&Element) -> bool>) {
    let mut headings = 0;
    // Each frame: the children left to write and the tag to close after.
    let mut stack: Vec<(std::slice::Iter<Node>, Option<&str>)> = vec![(nodes.iter(), None)];
    while let Some((iter, _)) = stack.last_mut() {
        match iter.next() {
            Some(Node::Text(text)) => escape_into(&mut out.text, text),
            Some(Node::Raw(raw)) => escape_into(&mut out.text, &raw.html),
            Some(Node::Element(element)) => {
                let top = stack.len() == 1;
                let toc = needs_id.and_then(|_| toc_slice(element));
                let text = &mut out.text;
                text.push('<');
                text.push_str(&element.tag);
                for (name, value) in &element.attributes {
                    if toc.is_some() && name == "data-toc" {
                        continue;
                    }
                    text.push(' ');
                    text.push_str(name);
                    text.push_str("=\"");
                    let line = match (needs_id, top && name == "data-line") {
                        (Some(_), true) => value.parse().ok(),
                        _ => None,
                    };
                    match line {
                        Some(line) => out.slots.push((text.len(), Slot::Line(line))),
                        None => escape_into(text, value),
                    }
                    text.push('"');
                }
                if needs_id.is_some_and(|needs_id| needs_id(element)) {
                    out.slots.push((text.len(), Slot::HeadingId(headings)));
                    headings += 1;
                }
                if let Some(toc) = toc {
                    // Filled in with the document's TOC.
                    text.push('>');
                    out.slots.push((text.len(), Slot::Toc(toc)));
                    text.push_str("</div>");
                } else if is_void(&element.tag) {
                    text.push_str(" />");
                } else {
                    text.push('>');
                    // A parser drops a newline right after `<pre>`: write
                    // one more so a leading newline of the content stays.
                    let first_text = element
                        .children
                        .iter()
                        .find(|c| !matches!(c, Node::Text(t) if t.is_empty()));
                    if element.tag == "pre"
                        && matches!(first_text, Some(Node::Text(t)) if t.starts_with('\n'))
                    {
                        text.push('\n');
                    }
                    stack.push((element.children.iter(), Some(&element.tag)));
                }
            }
            None => {
                if let Some((_, Some(tag))) = stack.pop() {
                    out.text.push_str("</");
                    out.text.push_str(tag);
                    out.text.push('>');
                }
            }
        }
    }
}

/// Normalize a URL as CommonMark does: percent-encode what is not allowed
/// in a URL, keep valid `%XX` escapes.
///
/// ```
/// assert_eq!(mdx_preview::hast::normalize_url("a b/ä?x=%20"), "a%20b/%C3%A4?x=%20");
/// ```
pub fn normalize_url(value: &str) -> String {
    const ALLOWED: &[u8] = b"!#$&'()*+,-./:;=?@_~";
    let bytes = value.as_bytes();
    let mut out = String::with_capacity(value.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%'
            && bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(index + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            out.push_str(&value[index..index + 3]);
            index += 3;
            continue;
        }
        if byte.is_ascii_alphanumeric() || ALLOWED.contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
        index += 1;
    }
    out
}

/// Take a tree apart without recursion (dropping a deep tree recursively
/// could overflow the stack).
pub fn dispose(nodes: Vec<Node>) {
    let mut stack = nodes;
    while let Some(node) = stack.pop() {
        if let Node::Element(mut element) = node {
            stack.append(&mut element.children);
        }
    }
}

/// Take an mdast tree apart without recursion.
pub fn dispose_mdast(node: markdown::mdast::Node) {
    let mut stack = vec![node];
    while let Some(mut node) = stack.pop() {
        if let Some(children) = node.children_mut() {
            stack.append(children);
        }
    }
}
