//! Code fence meta, as Docusaurus reads it: `title="…"`, line highlights
//! `{1,3-4}` and `showLineNumbers` (optionally `showLineNumbers=5`).

/// What a code fence's meta string asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeMeta {
    /// Title shown above the code.
    pub title: Option<String>,
    /// Highlighted line ranges, 1-based, inclusive.
    pub highlight: Vec<(usize, usize)>,
    /// First line number when lines are numbered.
    pub line_numbers: Option<usize>,
}

/// Most highlighted ranges kept (a meta string is written by hand).
const MAX_RANGES: usize = 256;

/// Parse a meta string.
///
/// ```
/// let meta = mdx_preview::code_meta::parse(r#"title="src/a.js" {1,3-4} showLineNumbers"#);
/// assert_eq!(meta.title.as_deref(), Some("src/a.js"));
/// assert_eq!(meta.highlight, vec![(1, 1), (3, 4)]);
/// assert_eq!(meta.line_numbers, Some(1));
/// ```
pub fn parse(meta: &str) -> CodeMeta {
    let mut result = CodeMeta::default();
    let mut rest = meta.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("title=") {
            let (title, remaining) = quoted(after);
            // `title=""` shows no title bar (Docusaurus renders none).
            result.title = Some(title).filter(|title| !title.is_empty());
            rest = remaining;
        } else if let Some(after) = rest.strip_prefix('{') {
            let end = after.find('}').unwrap_or(after.len());
            for part in after[..end].split(',') {
                if result.highlight.len() >= MAX_RANGES {
                    break;
                }
                let part = part.trim();
                let range = match part.split_once('-') {
                    Some((a, b)) => a
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .zip(b.trim().parse::<usize>().ok()),
                    None => part.parse::<usize>().ok().map(|n| (n, n)),
                };
                if let Some((a, b)) = range {
                    result.highlight.push((a.min(b), a.max(b)));
                }
            }
            rest = after.get(end + 1..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix("showLineNumbers") {
            let (start, remaining) = match after.strip_prefix('=') {
                Some(value) => {
                    let digits = value.bytes().take_while(u8::is_ascii_digit).count();
                    (value[..digits].parse().unwrap_or(1), &value[digits..])
                }
                None => (1, after),
            };
            result.line_numbers = Some(start);
            rest = remaining;
        } else {
            // Skip an unknown word (possibly `key="quoted value"`).
            let end = rest.find([' ', '\t']).unwrap_or(rest.len());
            let word = &rest[..end];
            rest = match word.find("=\"").or_else(|| word.find("='")) {
                Some(at) => quoted(&rest[at + 1..]).1,
                None => &rest[end..],
            };
        }
        rest = rest.trim_start();
    }
    result
}

/// A quoted value (`"…"` or `'…'`) or a bare word, and what follows.
fn quoted(text: &str) -> (String, &str) {
    match text.chars().next() {
        Some(quote @ ('"' | '\'')) => match text[1..].find(quote) {
            Some(end) => (text[1..1 + end].to_string(), &text[end + 2..]),
            None => (text[1..].to_string(), ""),
        },
        _ => {
            let end = text.find([' ', '\t']).unwrap_or(text.len());
            (text[..end].to_string(), &text[end..])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form() {
        let meta = parse("{2} title='a b' showLineNumbers=5 other=\"x y\"");
        assert_eq!(
            meta.title.as_deref(),
            Some("a b"),
            "should read single quotes"
        );
        assert_eq!(meta.highlight, vec![(2, 2)]);
        assert_eq!(meta.line_numbers, Some(5), "should read a start number");
        assert_eq!(
            parse("title=\"\"").title,
            None,
            "should take an empty title as none"
        );
    }

    #[test]
    fn survives_garbage() {
        for meta in [
            "{",
            "title=\"",
            "{9999999999999999999999}",
            "showLineNumbers=",
            "{3-1}",
        ] {
            let _ = parse(meta);
        }
        assert_eq!(
            parse("{3-1}").highlight,
            vec![(1, 3)],
            "should order a reversed range"
        );
    }
}
