//! Scope: the names a document binds with `import` and `export const`, and
//! what each is statically worth. Built from the document's ESM before the
//! tree is turned into HTML; JSX attributes and expressions resolve their
//! identifiers here.

use crate::diagnostic::{Report, Severity};
use crate::esm::{Imported, Statement, parse_esm};
use crate::js::{Expr, Node as JsNode};
use crate::name_map::NameMap;
use crate::options::Options;
use crate::rules::Rule;

/// File extensions whose import gives a URL (webpack asset modules).
const ASSET_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp", "mp4", "webm", "mp3", "wav",
    "ogg", "pdf", "zip",
];

/// What a bound name is worth.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An imported asset: its URL, or `None` when no URL is known.
    Asset {
        /// The import specifier (`./asset/a.png`).
        specifier: String,
        /// URL from `assets` or `baseUrl`.
        url: Option<String>,
    },
    /// An imported module that is not an asset (a component, data).
    Module {
        /// The import specifier (`@theme/Tabs`).
        specifier: String,
    },
    /// A statically known value (`export const x = …`).
    Literal(JsNode),
    /// Bound, but not statically known (`export const x = f()`).
    Unknown,
}

/// A bound name.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// What it is worth.
    pub value: Value,
    /// Byte range of the name where it is bound.
    pub span: (usize, usize),
}

/// All names bound by the document.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Bindings by name.
    pub bindings: NameMap<Binding>,
    /// Names suggested as fixes for duplicate bindings: once the writer
    /// applies those fixes they are bound, so they are suggestions too.
    pub proposed: Vec<String>,
    /// Bound names looked up since the last [`Scope::take_uses`].
    uses: Vec<String>,
}

/// Put the spans of a constant's value (relative to its ESM block) where
/// they are in the source: a value is resolved far from its block.
fn to_source(node: &mut JsNode, at: &impl Fn(usize) -> usize) {
    node.span.start = at(node.span.start);
    node.span.end = at(node.span.end);
    match &mut node.expr {
        Expr::Array(items) => items.iter_mut().for_each(|item| to_source(item, at)),
        Expr::Object(entries) => entries
            .iter_mut()
            .for_each(|(_, value)| to_source(value, at)),
        _ => {}
    }
}

/// Map a byte offset relative to an expression's value to a source offset,
/// through markdown-rs's stops (`(relative, absolute)` pairs).
pub fn absolute(stops: &[(usize, usize)], relative: usize) -> usize {
    let mut result = relative;
    for &(from, to) in stops {
        if from <= relative {
            result = to + (relative - from);
        } else {
            break;
        }
    }
    result
}

impl Scope {
    /// Add the bindings of one ESM block (`value` as markdown-rs gives it,
    /// `stops` to map its offsets into the source). False when the block
    /// is not valid JavaScript (reported as `invalid-esm`).
    pub fn add_esm(
        &mut self,
        value: &str,
        stops: &[(usize, usize)],
        options: &Options,
        reports: &mut Vec<Report>,
    ) -> bool {
        let at = |relative: usize| absolute(stops, relative);
        let (statements, errors) = parse_esm(value);
        let valid = errors.is_empty();
        for error in errors {
            reports.push(Report::new(
                Rule::InvalidEsm,
                error.message,
                at(error.span.start),
                at(error.span.end),
            ));
        }
        for statement in statements {
            match statement {
                Statement::Import {
                    bindings,
                    source,
                    source_span,
                    ..
                } => {
                    let asset = is_asset(&source);
                    let url = asset.then(|| resolve(&source, options)).flatten();
                    if asset && url.is_none() && !bindings.is_empty() {
                        reports.push(Report::new(
                            Rule::MissingAsset,
                            format!(
                                "No URL for the asset `{source}`: pass it in `assets` (or set `baseUrl`); it is shown as a placeholder"
                            ),
                            at(source_span.start),
                            at(source_span.end),
                        ));
                    }
                    for binding in bindings {
                        let value = match (&binding.imported, asset) {
                            (Imported::Default, true) => Value::Asset {
                                specifier: source.clone(),
                                url: url.clone(),
                            },
                            _ => Value::Module {
                                specifier: source.clone(),
                            },
                        };
                        let span = (at(binding.local_span.start), at(binding.local_span.end));
                        self.bind(binding.local, value, span, Some(&source), reports);
                    }
                }
                Statement::ExportConst { declarations, .. } => {
                    for (name, span, value) in declarations {
                        let span = (at(span.start), at(span.end));
                        let value = match value {
                            Ok(mut node) => {
                                to_source(&mut node, &at);
                                Value::Literal(node)
                            }
                            Err(error) => {
                                reports.push(Report::new(
                                    Rule::UnsupportedExpression,
                                    format!(
                                        "`{name}` is not statically known ({}); uses of it are left out",
                                        error.message
                                    ),
                                    at(error.span.start),
                                    at(error.span.end),
                                ));
                                Value::Unknown
                            }
                        };
                        self.bind(name, value, span, None, reports);
                    }
                }
                Statement::Unsupported { what, span } => reports.push(Report::new(
                    Rule::UnsupportedEsm,
                    format!("{what} is not evaluated in the preview"),
                    at(span.start),
                    at(span.end),
                )),
            }
        }
        valid
    }

    /// Bind a name, reporting a duplicate.
    fn bind(
        &mut self,
        name: String,
        value: Value,
        span: (usize, usize),
        specifier: Option<&str>,
        reports: &mut Vec<Report>,
    ) {
        if let Some(first) = self.bindings.get(&name) {
            let first_span = first.span;
            // Suggest a fresh name from the file (`./a/img3.png` → `img3`).
            let fresh = specifier
                .and_then(identifier_from_specifier)
                .filter(|candidate| *candidate != name && !self.bindings.contains_key(candidate));
            let mut report = Report::new(
                Rule::DuplicateImport,
                format!(
                    "`{name}` is already bound: a name can be imported or declared only once (the first binding is kept)"
                ),
                span.0,
                span.1,
            );
            if let Some(fresh) = &fresh {
                report = report.with_suggestion(fresh.clone());
                self.proposed.push(fresh.clone());
            }
            reports.push(report);
            reports.push(
                Report::new(
                    Rule::DuplicateImport,
                    format!("`{name}` is first bound here"),
                    first_span.0,
                    first_span.1,
                )
                .with_severity(Severity::Info),
            );
            return;
        }
        self.bindings.insert(name, Binding { value, span });
    }

    /// Look a name up, recording the use (see [`Scope::take_uses`]).
    pub fn lookup(&mut self, name: &str) -> Option<&Value> {
        let binding = self.bindings.get(name)?;
        if self.uses.last().is_none_or(|last| last != name) {
            self.uses.push(name.to_string());
        }
        Some(&binding.value)
    }

    /// The names looked up since the last call (repeats possible).
    pub fn take_uses(&mut self) -> Vec<String> {
        std::mem::take(&mut self.uses)
    }

    /// The imported assets, each with the range of its name where it is
    /// bound: those nothing uses are reported (see [`unused_import`]).
    pub fn imports(&self) -> Vec<(String, (usize, usize))> {
        let mut imports: Vec<(String, (usize, usize))> = self
            .bindings
            .iter()
            .filter(|(_, binding)| matches!(binding.value, Value::Asset { .. }))
            .map(|(name, binding)| (name.clone(), binding.span))
            .collect();
        // In the document's order (a hash map's own order differs from one
        // map to the next).
        crate::order::sort_by_key(&mut imports, |(_, span)| *span);
        imports
    }

    /// The closest bound name to an unknown one.
    pub fn suggest(&self, name: &str) -> Option<String> {
        use crate::suggest::{closest, closest_unordered, distance};
        // A bound name wins a tie with a proposed one.
        let bound = closest_unordered(name, self.bindings.keys().map(String::as_str));
        let proposed = closest(name, self.proposed.iter().map(String::as_str));
        match (bound, proposed) {
            (Some(bound), Some(proposed)) if distance(name, proposed) < distance(name, bound) => {
                Some(proposed)
            }
            (bound, proposed) => bound.or(proposed),
        }
        .map(String::from)
    }
}

/// The report for an imported asset nothing uses.
pub fn unused_import(name: &str, span: (usize, usize)) -> Report {
    Report::new(
        Rule::UnusedImport,
        format!("`{name}` is imported but never used"),
        span.0,
        span.1,
    )
}

/// Whether an import specifier names an asset file.
fn is_asset(specifier: &str) -> bool {
    let path = specifier.split(['?', '#']).next().unwrap_or(specifier);
    path.rsplit_once('.').is_some_and(|(_, extension)| {
        ASSET_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
    })
}

/// A JavaScript identifier made from a specifier's file stem, if it is one.
fn identifier_from_specifier(specifier: &str) -> Option<String> {
    let file = specifier.rsplit('/').next()?;
    let stem = file.split('.').next()?;
    let mut chars = stem.chars();
    let first = chars.next()?;
    let valid = crate::js::is_id_start(first) && chars.all(crate::js::is_id_continue);
    valid.then(|| stem.to_string())
}

/// URL of an asset: `assets[specifier]`, else `specifier` resolved against
/// `baseUrl`, else none.
pub fn resolve(specifier: &str, options: &Options) -> Option<String> {
    if let Some(url) = options.assets.get(specifier) {
        return Some(url.clone());
    }
    // `./a.png` and `a.png` name the same file.
    if let Some(url) = specifier
        .strip_prefix("./")
        .and_then(|rest| options.assets.get(rest))
        .or_else(|| options.assets.get(&format!("./{specifier}")))
    {
        return Some(url.clone());
    }
    let base = options.base_url.as_deref()?;
    Some(join_url(base, specifier))
}

/// Resolve a relative reference against a base URL (enough for asset
/// paths: `./`, `../`, absolute paths and full URLs).
pub fn join_url(base: &str, reference: &str) -> String {
    if reference.contains("://") || reference.starts_with("data:") {
        return reference.to_string();
    }
    let (origin, path) = match base.find("://") {
        Some(scheme) => {
            let after = scheme + 3;
            match base[after..].find('/') {
                Some(slash) => base.split_at(after + slash),
                None => (base, "/"),
            }
        }
        None => ("", base),
    };
    if reference.starts_with('/') {
        return format!("{origin}{reference}");
    }
    // Directory of the base path.
    let mut segments: Vec<&str> = path.split('/').collect();
    segments.pop();
    for part in reference.split('/') {
        match part {
            "." => {}
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
            }
            _ => segments.push(part),
        }
    }
    let joined = segments.join("/");
    if origin.is_empty() || joined.starts_with('/') {
        format!("{origin}{joined}")
    } else {
        format!("{origin}/{joined}")
    }
}

/// Whether a JS value is a plain string.
pub fn as_str(node: &JsNode) -> Option<&str> {
    match &node.expr {
        Expr::String(value) => Some(value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_urls() {
        assert_eq!(
            join_url("https://x.org/blog/post/", "./a.png"),
            "https://x.org/blog/post/a.png"
        );
        assert_eq!(
            join_url("https://x.org/blog/post", "./a.png"),
            "https://x.org/blog/a.png"
        );
        assert_eq!(
            join_url("https://x.org/a/b/", "../c.png"),
            "https://x.org/a/c.png"
        );
        assert_eq!(
            join_url("https://x.org/a/", "/c.png"),
            "https://x.org/c.png"
        );
        assert_eq!(join_url("/static/", "img/x.png"), "/static/img/x.png");
    }

    /// Bindings at `spans`, named `names`, as unknown values.
    fn scope_of(names: &[(&str, usize)]) -> Scope {
        let mut scope = Scope::default();
        for &(name, at) in names {
            let binding = Binding {
                value: Value::Unknown,
                span: (at, at + name.len()),
            };
            scope.bindings.insert(name.to_string(), binding);
        }
        scope
    }

    #[test]
    fn suggestions_do_not_depend_on_the_map_order() {
        // `imgc` is one edit from each: the first by name wins, as when
        // the bindings were a sorted map.
        for _ in 0..8 {
            let scope = scope_of(&[("imgb", 0), ("imga", 10), ("imgd", 20)]);
            assert_eq!(scope.suggest("imgc").as_deref(), Some("imga"));
        }
        // A bound name wins a tie with a proposed one, which wins only
        // when closer.
        let mut scope = scope_of(&[("imgb", 0)]);
        scope.proposed.push("imga".into());
        assert_eq!(scope.suggest("imgc").as_deref(), Some("imgb"));
        scope.proposed.push("imgcc".into());
        assert_eq!(scope.suggest("imgc").as_deref(), Some("imgb"));
        let scope = Scope {
            proposed: vec!["imgc1".into()],
            ..scope_of(&[("imgxy", 0)])
        };
        assert_eq!(scope.suggest("imgc").as_deref(), Some("imgc1"));
    }

    #[test]
    fn imports_come_in_the_document_order() {
        let mut scope = scope_of(&[]);
        for (name, at) in [("b", 30), ("c", 10), ("a", 20)] {
            let value = Value::Asset {
                specifier: format!("./{name}.png"),
                url: None,
            };
            let span = (at, at + 1);
            scope.bindings.insert(name.into(), Binding { value, span });
        }
        let names: Vec<String> = scope.imports().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["c", "a", "b"]);
    }

    #[test]
    fn suggests_identifier_from_file() {
        assert_eq!(
            identifier_from_specifier("./asset/blog_20251110_img3.png").as_deref(),
            Some("blog_20251110_img3")
        );
        assert_eq!(
            identifier_from_specifier("./3d.png"),
            None,
            "should need a valid identifier"
        );
    }
}
