//! A Docusaurus site on disk, as the command line sees it: where its root
//! is (the folder with `docusaurus.config.*`), which file each image,
//! import or `require` of a post names (`./x.png` from the post's folder,
//! `@site/x` from the root, `/x` from `static/`), and a diagnostic for each
//! one that does not exist. The same resolution as the live preview's
//! `www/src/site-paths.js`.

use mdx_preview::diagnostic::{LineIndex, Report};
use mdx_preview::rules::Rule;
use mdx_preview::{Diagnostic, FormatRule, Severity};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// File names that make a folder a Docusaurus site's root.
const CONFIG_FILES: &[&str] = &[
    "docusaurus.config.js",
    "docusaurus.config.mjs",
    "docusaurus.config.cjs",
    "docusaurus.config.ts",
    "docusaurus.config.mts",
    "docusaurus.config.cts",
];

/// Extensions of the files an `import` or `require` can load as an asset
/// (the renderer's list).
const ASSET_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp", "mp4", "webm", "mp3", "wav",
    "ogg", "pdf", "zip",
];

/// A site: its root folder and how it reads `.md` files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub root: PathBuf,
    /// `markdown: { format: 'detect' }` in the config: by extension (`.md`
    /// files are Markdown). Otherwise (Docusaurus's default) every file is
    /// MDX. A file's front matter `format` comes first either way.
    pub format_rule: FormatRule,
}

impl Site {
    /// The site `path` is in: the nearest folder at or above it with a
    /// `docusaurus.config.*`.
    pub fn find(path: &Path) -> Option<Site> {
        let start = std::path::absolute(path).ok()?;
        let start = if start.is_dir() {
            start
        } else {
            start.parent()?.to_path_buf()
        };
        start.ancestors().find_map(Site::at)
    }

    /// The site whose root is `root`, if it has a config file.
    pub fn at(root: &Path) -> Option<Site> {
        let config = CONFIG_FILES
            .iter()
            .map(|name| root.join(name))
            .find(|path| path.is_file())?;
        let text = std::fs::read_to_string(config).unwrap_or_default();
        Some(Site {
            root: root.to_path_buf(),
            format_rule: if mentions_detect(&text) {
                FormatRule::Detect
            } else {
                FormatRule::Mdx
            },
        })
    }

    /// A site rooted at `root` whatever its files (`--site`).
    pub fn forced(root: &Path) -> Site {
        Site::at(root).unwrap_or_else(|| Site {
            root: root.to_path_buf(),
            format_rule: FormatRule::Mdx,
        })
    }

    /// The file `specifier` names in `document` (a path under the root),
    /// as a path relative to the root; `Err(())` when it climbs out of the
    /// site, `Ok(None)` for URLs.
    pub fn resolve(&self, document: &Path, specifier: &str) -> Result<Option<PathBuf>, ()> {
        let path = specifier.split(['?', '#']).next().unwrap_or_default();
        if path.is_empty() || has_scheme(path) || path.starts_with("//") {
            return Ok(None);
        }
        let path = percent_decode(path);
        let (mut parts, rest): (Vec<String>, &str) = if let Some(rest) = path.strip_prefix("@site/")
        {
            (Vec::new(), rest)
        } else if let Some(rest) = path.strip_prefix('/') {
            (vec!["static".into()], rest)
        } else {
            let folder = document
                .parent()
                .and_then(|parent| parent.strip_prefix(&self.root).ok())
                .ok_or(())?;
            let parts = folder
                .components()
                .filter_map(|component| match component {
                    Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect();
            (parts, path.as_str())
        };
        for part in rest.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop().ok_or(())?;
                }
                name => parts.push(name.to_string()),
            }
        }
        if parts.is_empty() {
            return Err(());
        }
        Ok(Some(parts.iter().collect()))
    }
}

/// Does the config set `format: 'detect'` (read as text: the config is
/// JavaScript, never run).
fn mentions_detect(config: &str) -> bool {
    config.match_indices("format").any(|(at, word)| {
        let rest = config[at + word.len()..].trim_start();
        rest.strip_prefix(':').is_some_and(|value| {
            let value = value.trim_start();
            ["'detect'", "\"detect\"", "`detect`"]
                .iter()
                .any(|quoted| value.starts_with(quoted))
        })
    })
}

fn has_scheme(path: &str) -> bool {
    let Some((scheme, _)) = path.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `%20` and the like decoded (as a URL path); invalid escapes kept.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| path.to_string())
}

/// How a document refers to a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `import x from './a.png'`
    Import,
    /// `require('./a.png')`
    Require,
    /// `![alt](./a.png)`
    Image,
    /// `<img src="/img/a.png">` (only absolute ones are the site's files)
    Src,
}

/// A reference to a file: the specifier as written and where (bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub specifier: String,
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// The references of `source` outside code blocks and code spans, in
/// source order; URLs and `#` links left out.
pub fn references(source: &str) -> Vec<Reference> {
    let code = code_ranges(source);
    let in_code = |at: usize| code.iter().any(|&(start, end)| start <= at && at < end);
    let mut found = Vec::new();
    let bytes = source.as_bytes();
    let mut line_start = 0;
    for line in source.split_inclusive('\n') {
        if let Some((start, end)) = import_specifier(line) {
            found.push((line_start + start, line_start + end, Kind::Import));
        }
        line_start += line.len();
    }
    for (at, _) in source.match_indices("![") {
        if let Some((start, end)) = image_destination(bytes, at + 2) {
            found.push((start, end, Kind::Image));
        }
    }
    for (at, _) in source.match_indices("require(") {
        if word_start(bytes, at) {
            if let Some((start, end)) = quoted(bytes, skip_spaces(bytes, at + 8)) {
                let close = skip_spaces(bytes, end + 1);
                if bytes.get(close) == Some(&b')') {
                    found.push((start, end, Kind::Require));
                }
            }
        }
    }
    for (at, _) in source.match_indices("src") {
        if word_start(bytes, at) {
            let equals = skip_spaces(bytes, at + 3);
            if bytes.get(equals) == Some(&b'=') {
                if let Some((start, end)) = quoted(bytes, skip_spaces(bytes, equals + 1)) {
                    found.push((start, end, Kind::Src));
                }
            }
        }
    }
    found.sort_by_key(|&(start, ..)| start);
    found
        .into_iter()
        .filter(|&(start, ..)| !in_code(start))
        .map(|(start, end, kind)| Reference {
            specifier: source[start..end].to_string(),
            kind,
            start,
            end,
        })
        .filter(|reference| {
            let s = &reference.specifier;
            !(s.is_empty() || has_scheme(s) || s.starts_with("//") || s.starts_with('#'))
        })
        .collect()
}

/// `[start, end)` byte ranges of fenced code blocks and code spans (a span
/// ends at its paragraph's end).
fn code_ranges(source: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut open: Option<(usize, u8, usize)> = None; // (start, marker, length)
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        let marker = rest.bytes().next().filter(|b| matches!(b, b'`' | b'~'));
        let run = marker.map_or(0, |m| rest.bytes().take_while(|&b| b == m).count());
        let fence = indent <= 3 && run >= 3;
        match open {
            None if fence => open = Some((offset, marker.unwrap_or(b'`'), run)),
            None => {}
            Some((start, m, length))
                if fence && marker == Some(m) && run >= length && rest[run..].trim().is_empty() =>
            {
                ranges.push((start, offset + line.len()));
                open = None;
            }
            Some(_) => {}
        }
        offset += line.len();
    }
    if let Some((start, ..)) = open {
        ranges.push((start, source.len()));
    }
    // Code spans: a run of backticks closed by a run of the same length,
    // within a paragraph.
    let bytes = source.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'`' || ranges.iter().any(|&(s, e)| s <= at && at < e) {
            at += 1;
            continue;
        }
        let run = bytes[at..].iter().take_while(|&&b| b == b'`').count();
        let mut probe = at + run;
        let mut closed = None;
        while probe < bytes.len() {
            if bytes[probe] == b'\n'
                && source[probe + 1..]
                    .trim_start_matches([' ', '\t'])
                    .starts_with('\n')
            {
                break;
            }
            if bytes[probe] == b'`' {
                let other = bytes[probe..].iter().take_while(|&&b| b == b'`').count();
                if other == run {
                    closed = Some(probe + other);
                    break;
                }
                probe += other;
            } else {
                probe += 1;
            }
        }
        match closed {
            Some(end) => {
                ranges.push((at, end));
                at = end;
            }
            None => at += run,
        }
    }
    ranges
}

/// `import name from 'specifier'` at the start of a line: the specifier's range.
fn import_specifier(line: &str) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let start = line.len() - line.trim_start_matches([' ', '\t']).len();
    line[start..].strip_prefix("import")?;
    let mut at = start + "import".len();
    let spaces = |at: usize| skip_spaces(bytes, at);
    let after = spaces(at);
    if after == at {
        return None;
    }
    at = after;
    let name = bytes[at..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
        .count();
    if name == 0 {
        return None;
    }
    at = spaces(at + name);
    if !line[at..].starts_with("from") {
        return None;
    }
    quoted(bytes, spaces(at + 4))
}

/// After `![`: the alt text, `](`, then the destination's range.
fn image_destination(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    while at < bytes.len() && bytes[at] != b']' {
        if bytes[at] == b'\n' {
            return None;
        }
        at += 1;
    }
    if bytes.get(at + 1) != Some(&b'(') {
        return None;
    }
    let mut start = skip_spaces(bytes, at + 2);
    if bytes.get(start) == Some(&b'<') {
        start += 1;
    }
    let end = start
        + bytes[start..]
            .iter()
            .take_while(|&&b| !matches!(b, b')' | b'>' | b' ' | b'\t' | b'\n' | b'\r'))
            .count();
    (end > start).then_some((start, end))
}

/// A string in quotes at `at`: the range between them (one line).
fn quoted(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let quote = *bytes.get(at).filter(|b| matches!(b, b'\'' | b'"'))?;
    let start = at + 1;
    let length = bytes[start..]
        .iter()
        .take_while(|&&b| b != quote && b != b'\n')
        .count();
    (bytes.get(start + length) == Some(&quote) && length > 0).then_some((start, start + length))
}

fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    at
}

/// Is `at` the start of a word (not preceded by a name character)?
fn word_start(bytes: &[u8], at: usize) -> bool {
    at == 0
        || !(bytes[at - 1].is_ascii_alphanumeric() || matches!(bytes[at - 1], b'_' | b'$' | b'.'))
}

fn is_asset(specifier: &str) -> bool {
    let path = specifier.split(['?', '#']).next().unwrap_or_default();
    path.rsplit_once('.').is_some_and(|(_, extension)| {
        ASSET_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
    })
}

/// What the site says about one document's references.
#[derive(Debug, Default)]
pub struct Checked {
    /// `assets` for the renderer: each found specifier → the file's path
    /// relative to the document's folder.
    pub assets: BTreeMap<String, String>,
    /// A diagnostic for each reference whose file is missing or outside
    /// the site.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file referred to (found or not), absolute: what `--watch`
    /// looks at besides the document.
    pub files: Vec<PathBuf>,
}

impl Site {
    /// Resolve the references of `source`, the text of `document` (an
    /// absolute path under the root).
    pub fn check(&self, document: &Path, source: &str) -> Checked {
        let index = LineIndex::new(source);
        let mut checked = Checked::default();
        for reference in references(source) {
            let specifier = reference.specifier.as_str();
            let site_path = specifier.starts_with("@site/") || specifier.starts_with('/');
            let wanted = match reference.kind {
                // Modules are the bundler's business; assets named by path are ours.
                Kind::Import | Kind::Require => {
                    is_asset(specifier)
                        && (site_path
                            || specifier.starts_with("./")
                            || specifier.starts_with("../"))
                }
                Kind::Image => true,
                // A relative JSX src is a URL for the browser, not a file.
                Kind::Src => specifier.starts_with('/') && !specifier.starts_with("//"),
            };
            if !wanted {
                continue;
            }
            let report = |severity, message: String| {
                index.diagnostic(
                    &Report::new(Rule::MissingFile, message, reference.start, reference.end)
                        .with_severity(severity),
                )
            };
            let path = match self.resolve(document, specifier) {
                Ok(Some(path)) => path,
                Ok(None) => continue,
                Err(()) => {
                    checked.diagnostics.push(report(
                        Severity::Error,
                        format!("`{specifier}` leads outside the site"),
                    ));
                    continue;
                }
            };
            let absolute = self.root.join(&path);
            checked.files.push(absolute.clone());
            if absolute.is_file() {
                checked.assets.insert(
                    specifier.to_string(),
                    relative_url(&self.root, document, &path),
                );
            } else {
                // Docusaurus fails the build on a missing import or
                // markdown image; a JSX src only breaks in the browser.
                let severity = if reference.kind == Kind::Src {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                checked.diagnostics.push(report(
                    severity,
                    format!(
                        "`{specifier}` names {}, which does not exist",
                        path.display()
                    ),
                ));
            }
        }
        checked
    }
}

/// `target` (relative to the root) as a URL relative to `document`'s folder.
fn relative_url(root: &Path, document: &Path, target: &Path) -> String {
    let folder: Vec<_> = document
        .parent()
        .and_then(|parent| parent.strip_prefix(root).ok())
        .map(|folder| folder.components().collect())
        .unwrap_or_default();
    let target: Vec<_> = target.components().collect();
    let common = folder
        .iter()
        .zip(&target)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".into(); folder.len() - common];
    parts.extend(
        target[common..]
            .iter()
            .map(|part| part.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.first().is_none_or(|first| first != "..") {
        parts.insert(0, ".".into());
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site {
            root: PathBuf::from("/site"),
            format_rule: FormatRule::Mdx,
        }
    }

    #[test]
    fn specifiers_resolve_as_docusaurus_resolves_them() {
        let post = Path::new("/site/blog/2025-11-11-review/index.mdx");
        let cases: &[(&str, Result<Option<&str>, ()>)] = &[
            (
                "./asset/a.png",
                Ok(Some("blog/2025-11-11-review/asset/a.png")),
            ),
            (
                "asset/a.png",
                Ok(Some("blog/2025-11-11-review/asset/a.png")),
            ),
            ("../shared/b.png?raw#x", Ok(Some("blog/shared/b.png"))),
            (
                "./my%20chart.png",
                Ok(Some("blog/2025-11-11-review/my chart.png")),
            ),
            ("@site/static/img/logo.png", Ok(Some("static/img/logo.png"))),
            ("/img/logo.png", Ok(Some("static/img/logo.png"))),
            ("https://example.com/a.png", Ok(None)),
            ("data:image/png;base64,AAAA", Ok(None)),
            ("//cdn.example/a.png", Ok(None)),
            ("../../../etc/passwd", Err(())),
            ("@site/../x.png", Err(())),
        ];
        for (specifier, expected) in cases {
            let got = site().resolve(post, specifier);
            assert_eq!(
                got,
                expected.map(|path| path.map(PathBuf::from)),
                "should resolve {specifier}"
            );
        }
    }

    #[test]
    fn references_are_found_outside_code_only() {
        let source = "import a from './asset/a.png';\nimport Tabs from '@theme/Tabs';\n\n\
                      ![chart](./asset/chart.png) ![r](https://e.com/r.png)\n\n\
                      <img src={require('./asset/req.png').default} /> <img src=\"/img/s.png\" />\n\n\
                      ```js\nimport b from './in-code.png';\n```\n\nInline `![x](./inline.png)` code.\n";
        let found: Vec<(&str, Kind)> = references(source)
            .iter()
            .map(|r| (&source[r.start..r.end], r.kind))
            .collect();
        assert_eq!(
            found,
            [
                ("./asset/a.png", Kind::Import),
                ("@theme/Tabs", Kind::Import),
                ("./asset/chart.png", Kind::Image),
                ("./asset/req.png", Kind::Require),
                ("/img/s.png", Kind::Src),
            ]
        );
    }

    #[test]
    fn detect_is_read_from_the_config() {
        assert!(mentions_detect(
            "export default { markdown: { format: 'detect' } };"
        ));
        assert!(mentions_detect("markdown: {format:\"detect\"}"));
        use mdx_preview::Format;
        assert!(!mentions_detect("markdown: { format: 'mdx' } // detect"));
        let detect = Site {
            format_rule: FormatRule::Detect,
            ..site()
        };
        assert_eq!(detect.format_rule.format_of("/site/a.md", ""), Format::Md);
        assert_eq!(detect.format_rule.format_of("/site/a.mdx", ""), Format::Mdx);
        assert_eq!(site().format_rule.format_of("/site/a.md", ""), Format::Mdx);
    }

    #[test]
    fn urls_are_relative_to_the_document() {
        let root = Path::new("/site");
        let post = Path::new("/site/blog/x/index.mdx");
        assert_eq!(
            relative_url(root, post, Path::new("blog/x/asset/a.png")),
            "./asset/a.png"
        );
        assert_eq!(
            relative_url(root, post, Path::new("static/img/a.png")),
            "../../static/img/a.png"
        );
    }
}
