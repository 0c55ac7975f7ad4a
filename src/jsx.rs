//! JSX, statically: attribute values evaluated without running anything,
//! React's rules for turning props into HTML attributes and `style` objects
//! into CSS. Used by the mdast → HTML stage for every JSX element.

use crate::diagnostic::Report;
use crate::js::number_to_string;
use crate::js::{Expr, Node as JsNode, parse_expression};
use crate::options::Options;
use crate::rules::Rule;
use crate::scope::{Scope, Value, absolute};
use markdown::mdast::{AttributeContent, AttributeValue};

/// A statically known value.
#[derive(Clone, Debug, PartialEq)]
pub enum Static {
    /// `null` or `undefined`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Static>),
    /// An object, keys in source order.
    Object(Vec<(String, Static)>),
    /// An imported asset: URL if known, and its specifier.
    Asset(Option<String>, String),
    /// Docusaurus's `toc` (the document's headings), or a `slice` of it.
    Toc {
        /// `slice`'s first argument.
        start: Option<i64>,
        /// `slice`'s second argument.
        end: Option<i64>,
    },
    /// Not statically known (already reported).
    Unknown,
}

impl Static {
    /// The value as text, as JavaScript would stringify it in JSX children
    /// or attributes; `None` for values React does not render.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Static::String(value) => Some(value.clone()),
            Static::Number(value) => Some(number_to_string(*value)),
            Static::Array(items) => Some(
                items
                    .iter()
                    .filter_map(Static::to_text)
                    .collect::<Vec<_>>()
                    .concat(),
            ),
            Static::Asset(Some(url), _) => Some(url.clone()),
            _ => None,
        }
    }
}

/// What evaluation needs: the scope, the options (asset URLs) and where
/// to report.
pub struct Evaluator<'a> {
    /// Names bound by the document.
    scope: &'a mut Scope,
    /// The render's options.
    options: &'a Options,
    /// Where problems go.
    reports: &'a mut Vec<Report>,
    /// Constants led back into themselves (the chain was cut off) since
    /// the last identifier a constant's value holds.
    looped: bool,
}

/// How many constants deep a value is followed (`a` is `b`, which is …).
const MAX_CONSTANT_DEPTH: usize = 16;

/// Names Docusaurus's MDX loader binds in every document (its exports),
/// besides `toc`: using them is no error, but the preview has no value
/// for them.
const DOCUSAURUS_NAMES: &[&str] = &["frontMatter", "contentTitle", "metadata", "assets"];

/// A JavaScript number as an index argument (`ToIntegerOrInfinity`).
fn index_argument(value: f64) -> i64 {
    if value.is_nan() {
        0
    } else {
        // Saturating: ±Infinity and huge values clamp.
        value.trunc() as i64
    }
}

/// What is wrong in the value of each constant (`export const name = …`)
/// of `names`, as evaluating a use of it finds it, reported where the value
/// says it: each with the constant's name, to be shown when something in
/// the document uses the constant (once, however many uses). Nothing is
/// marked used.
pub fn constant_reports<'n>(
    scope: &Scope,
    options: &Options,
    names: impl Iterator<Item = &'n String>,
) -> Vec<(String, Report)> {
    let mut scratch = scope.clone();
    let mut found = Vec::new();
    for name in names {
        let Some(Value::Literal(literal)) = scope.bindings.get(name).map(|b| &b.value) else {
            continue;
        };
        let mut reports = Vec::new();
        Evaluator::new(&mut scratch, options, &mut reports).resolve(literal, &[], 1);
        found.extend(reports.into_iter().map(|report| (name.clone(), report)));
    }
    found
}

impl<'a> Evaluator<'a> {
    /// An evaluator of expressions over `scope`, reporting to `reports`.
    pub fn new(scope: &'a mut Scope, options: &'a Options, reports: &'a mut Vec<Report>) -> Self {
        Evaluator {
            scope,
            options,
            reports,
            looped: false,
        }
    }

    /// Evaluate expression source (`value` with its `stops`). `None` when it
    /// holds only comments.
    pub fn expression(&mut self, value: &str, stops: &[(usize, usize)]) -> Option<Static> {
        match parse_expression(value) {
            Ok(Some(node)) => Some(self.resolve(&node, stops, 0)),
            Ok(None) => None,
            Err(error) => {
                self.reports.push(Report::new(
                    Rule::UnsupportedExpression,
                    format!("{}; it is left out of the preview", error.message),
                    absolute(stops, error.span.start),
                    absolute(stops, error.span.end),
                ));
                Some(Static::Unknown)
            }
        }
    }

    /// Resolve a parsed literal, looking identifiers up.
    fn resolve(&mut self, node: &JsNode, stops: &[(usize, usize)], depth: usize) -> Static {
        let at = || {
            (
                absolute(stops, node.span.start),
                absolute(stops, node.span.end),
            )
        };
        match &node.expr {
            Expr::Null | Expr::Undefined => Static::Null,
            Expr::Bool(value) => Static::Bool(*value),
            Expr::Number(value) => Static::Number(*value),
            Expr::String(value) => Static::String(value.clone()),
            Expr::Array(items) => Static::Array(
                items
                    .iter()
                    .map(|item| self.resolve(item, stops, depth))
                    .collect(),
            ),
            Expr::Object(entries) => Static::Object(
                entries
                    .iter()
                    .map(|(key, value)| (key.clone(), self.resolve(value, stops, depth)))
                    .collect(),
            ),
            Expr::Require(specifier) => {
                let url = crate::scope::resolve(specifier, self.options);
                if url.is_none() {
                    let at = at();
                    self.reports.push(Report::new(Rule::MissingAsset, format!(
                            "No URL for the asset `{specifier}`: pass it in `assets` (or set `baseUrl`); it is shown as a placeholder"
                        ),
                        at.0,
                        at.1,
                    ));
                }
                Static::Asset(url, specifier.clone())
            }
            Expr::Slice { name, start, end } => {
                if name == "toc" && !self.scope.bindings.contains_key("toc") {
                    return Static::Toc {
                        start: start.map(index_argument),
                        end: end.map(index_argument),
                    };
                }
                let at = at();
                self.reports.push(Report::new(Rule::UnsupportedExpression, format!(
                        "member access `{name}.slice` is not statically evaluable; it is left out of the preview"
                    ),
                    at.0,
                    at.1,
                ));
                Static::Unknown
            }
            Expr::Ident(name) => self.resolve_ident(name, at(), depth),
        }
    }

    /// An identifier at `at` (absolute): what Docusaurus binds in every
    /// document, else what the document binds it to.
    fn resolve_ident(&mut self, name: &str, at: (usize, usize), depth: usize) -> Static {
        let (start, end) = at;
        if !self.scope.bindings.contains_key(name) {
            // Bound by Docusaurus in every document.
            if name == "toc" {
                return Static::Toc {
                    start: None,
                    end: None,
                };
            }
            if DOCUSAURUS_NAMES.contains(&name) {
                self.reports.push(Report::new(Rule::UnsupportedExpression, format!(
                        "`{name}` is given by Docusaurus when the site is built; the preview has no value for it and leaves it out"
                    ),
                    start,
                    end,
                ));
                return Static::Unknown;
            }
        }
        let unsupported =
            |message: String| Report::new(Rule::UnsupportedExpression, message, start, end);
        match self.scope.lookup(name).cloned() {
            Some(Value::Asset { specifier, url }) => Static::Asset(url, specifier),
            // Constants refer to their own source positions: no stops. What
            // is wrong in a constant's value is reported where it is
            // declared, once ([`constant_reports`]), not at every use: here
            // only the value is wanted.
            Some(Value::Literal(literal)) if depth < MAX_CONSTANT_DEPTH => {
                let kept = self.reports.len();
                let value = self.resolve(&literal, &[], depth + 1);
                self.reports.truncate(kept);
                // A loop is reported at the identifier of the value being
                // checked (depth 1) that leads into it; at a use (depth 0)
                // it was reported where the constant is declared.
                if depth <= 1 && std::mem::take(&mut self.looped) && depth == 1 {
                    self.reports.push(unsupported(format!(
                        "`{name}` refers to itself through other constants"
                    )));
                }
                value
            }
            Some(Value::Literal(_)) => {
                self.looped = true;
                Static::Unknown
            }
            Some(Value::Module { specifier }) => {
                self.reports.push(unsupported(format!(
                    "`{name}` is imported from `{specifier}`, which the preview does not load"
                )));
                Static::Unknown
            }
            Some(Value::Unknown) => Static::Unknown,
            None => {
                let report = self.undefined(name, start, end);
                self.reports.push(report);
                Static::Unknown
            }
        }
    }

    /// The report for `name` (at `start..end`) bound nowhere, suggesting a
    /// name in scope close to it.
    fn undefined(&self, name: &str, start: usize, end: usize) -> Report {
        let mut report = Report::new(
            Rule::UndefinedIdentifier,
            format!("`{name}` is not defined: import it or declare it with `export const`"),
            start,
            end,
        );
        if let Some(suggestion) = self.scope.suggest(name) {
            report.message = format!("`{name}` is not defined; did you mean `{suggestion}`?");
            report = report.with_suggestion(suggestion);
        }
        report
    }

    /// Evaluate the attributes of a JSX element: `(name, value)` in order.
    /// Spreads are dropped with a warning.
    pub fn attributes(&mut self, attributes: &[AttributeContent]) -> Vec<(String, Static)> {
        let mut result = Vec::new();
        for attribute in attributes {
            match attribute {
                AttributeContent::Expression(expression) => {
                    let start = absolute(&expression.stops, 0).saturating_sub(1);
                    self.reports.push(Report::new(
                        Rule::UnsupportedSpread,
                        "Spread attributes (`{...props}`) are not evaluated in the preview",
                        start,
                        absolute(&expression.stops, expression.value.len()) + 1,
                    ));
                }
                AttributeContent::Property(property) => {
                    let value = match &property.value {
                        None => Static::Bool(true),
                        Some(AttributeValue::Literal(value)) => {
                            Static::String(crate::guard::restore_references(value).into_owned())
                        }
                        Some(AttributeValue::Expression(expression)) => self
                            .expression(&expression.value, &expression.stops)
                            .unwrap_or(Static::Null),
                    };
                    result.push((property.name.clone(), value));
                }
            }
        }
        result
    }
}

/// React's props with a different HTML attribute name.
fn html_name(prop: &str) -> String {
    match prop {
        "className" => "class".into(),
        "htmlFor" => "for".into(),
        "acceptCharset" => "accept-charset".into(),
        "httpEquiv" => "http-equiv".into(),
        _ if prop.starts_with("aria-") || prop.starts_with("data-") => prop.to_ascii_lowercase(),
        // `tabIndex`, `colSpan`, `srcSet`, `readOnly`, …: HTML attribute
        // names are case-insensitive; React's DOM props lowercase to them.
        _ => prop.to_ascii_lowercase(),
    }
}

/// HTML boolean attributes (present or absent).
fn is_boolean_attribute(name: &str) -> bool {
    matches!(
        name,
        "allowfullscreen"
            | "async"
            | "autofocus"
            | "autoplay"
            | "checked"
            | "controls"
            | "default"
            | "defer"
            | "disabled"
            | "hidden"
            | "loop"
            | "multiple"
            | "muted"
            | "open"
            | "playsinline"
            | "readonly"
            | "required"
            | "reversed"
            | "selected"
            | "itemscope"
            | "nomodule"
            | "novalidate"
    )
}

/// React's unitless CSS properties (numbers get no `px`), camelCase.
fn is_unitless(property: &str) -> bool {
    matches!(
        property,
        "animationIterationCount"
            | "aspectRatio"
            | "borderImageOutset"
            | "borderImageSlice"
            | "borderImageWidth"
            | "boxFlex"
            | "boxFlexGroup"
            | "boxOrdinalGroup"
            | "columnCount"
            | "columns"
            | "flex"
            | "flexGrow"
            | "flexPositive"
            | "flexShrink"
            | "flexNegative"
            | "flexOrder"
            | "gridArea"
            | "gridRow"
            | "gridRowEnd"
            | "gridRowSpan"
            | "gridRowStart"
            | "gridColumn"
            | "gridColumnEnd"
            | "gridColumnSpan"
            | "gridColumnStart"
            | "fontWeight"
            | "lineClamp"
            | "lineHeight"
            | "opacity"
            | "order"
            | "orphans"
            | "scale"
            | "tabSize"
            | "widows"
            | "zIndex"
            | "zoom"
            | "fillOpacity"
            | "floodOpacity"
            | "stopOpacity"
            | "strokeDasharray"
            | "strokeDashoffset"
            | "strokeMiterlimit"
            | "strokeOpacity"
            | "strokeWidth"
    )
}

/// camelCase CSS property to kebab-case (`msTransition` → `-ms-transition`).
fn kebab(property: &str) -> String {
    if property.starts_with("--") {
        return property.to_string();
    }
    let mut out = String::new();
    if property.starts_with("ms") && property[2..].starts_with(|c: char| c.is_ascii_uppercase()) {
        out.push('-');
    }
    for c in property.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    if out.starts_with("webkit-") || out.starts_with("moz-") || out.starts_with("o-") {
        out.insert(0, '-');
    }
    out
}

/// A React `style` object as CSS text (`text-align:center;width:500px`).
pub fn style_to_css(entries: &[(String, Static)]) -> String {
    let mut declarations = Vec::new();
    for (property, value) in entries {
        let text = match value {
            Static::Number(number)
                if *number != 0.0 && !is_unitless(property) && !property.starts_with("--") =>
            {
                format!("{}px", number_to_string(*number))
            }
            Static::Number(number) => number_to_string(*number),
            Static::String(text) => text.trim().to_string(),
            _ => continue,
        };
        if text.is_empty() {
            continue;
        }
        declarations.push(format!("{}:{}", kebab(property), text));
    }
    declarations.join(";")
}

/// Turn evaluated props of a lowercase (HTML) element into attributes, by
/// React's rules. `element` is the element's byte range, for reports.
pub fn html_attributes(
    props: Vec<(String, Static)>,
    element: (usize, usize),
    source: &str,
    reports: &mut Vec<Report>,
) -> Vec<(String, String)> {
    let mut attributes: Vec<(String, String)> = Vec::new();
    for (prop, value) in props {
        let name = html_name(&prop);
        if name == "dangerouslysetinnerhtml" {
            let (start, end) = find_attribute(source, element, &prop);
            reports.push(Report::new(
                Rule::UnsafeAttribute,
                "`dangerouslySetInnerHTML` is never rendered in the preview",
                start,
                end,
            ));
            continue;
        }
        if name == "style" {
            match value {
                Static::Object(entries) => {
                    let css = style_to_css(&entries);
                    if !css.is_empty() {
                        attributes.push((name, css));
                    }
                }
                Static::String(css) => {
                    let (start, end) = find_attribute(source, element, "style");
                    let mut report = Report::new(
                        Rule::StyleString,
                        "`style` must be an object in MDX (React throws on a string): write `style={{…}}`",
                        start,
                        end,
                    );
                    if let Some(fix) = css_to_object(&css) {
                        report = report.with_suggestion(format!("style={{{fix}}}"));
                    }
                    reports.push(report);
                }
                _ => {}
            }
            continue;
        }
        let text = match value {
            Static::Bool(true) if is_boolean_attribute(&name) => Some(String::new()),
            Static::Bool(flag) if name.starts_with("aria-") || name.starts_with("data-") => {
                Some(flag.to_string())
            }
            Static::Bool(_) | Static::Null | Static::Unknown => None,
            Static::Object(_) => None,
            other => other.to_text(),
        };
        if let Some(text) = text {
            attributes.retain(|(n, _)| *n != name);
            attributes.push((name, text));
        }
    }
    attributes
}

/// Byte range of `name=…` inside an element's opening tag, or the tag.
fn find_attribute(source: &str, element: (usize, usize), name: &str) -> (usize, usize) {
    let end = element.1.min(source.len());
    let start = element.0.min(end);
    let Some(text) = source.get(start..end) else {
        return (start, start);
    };
    let needle = format!("{name}=");
    let Some(at) = text.find(&needle) else {
        return (start, start);
    };
    let value_start = at + needle.len();
    let rest = &text[value_start..];
    let length = match rest.chars().next() {
        Some(quote @ ('"' | '\'')) => rest[1..].find(quote).map_or(rest.len(), |i| i + 2),
        _ => rest.find([' ', '>', '/']).unwrap_or(rest.len()),
    };
    (start + at, start + value_start + length)
}

/// A CSS declaration list as a JS object literal (`color: red` →
/// `{color: 'red'}`), for a suggestion.
fn css_to_object(css: &str) -> Option<String> {
    let mut entries = Vec::new();
    for declaration in css.split(';') {
        let declaration = declaration.trim();
        if declaration.is_empty() {
            continue;
        }
        let (property, value) = declaration.split_once(':')?;
        let property = property.trim();
        let mut camel = String::new();
        let mut upper = false;
        for c in property.chars() {
            if c == '-' {
                upper = !camel.is_empty();
            } else if upper {
                camel.extend(c.to_uppercase());
                upper = false;
            } else {
                camel.push(c);
            }
        }
        let value = value.trim().replace('\\', "\\\\").replace('\'', "\\'");
        entries.push(format!("{camel}: '{value}'"));
    }
    (!entries.is_empty()).then(|| format!("{{{}}}", entries.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_objects_follow_react() {
        let entries = vec![
            ("textAlign".to_string(), Static::String("center".into())),
            ("width".to_string(), Static::Number(500.0)),
            ("lineHeight".to_string(), Static::Number(1.5)),
            ("margin".to_string(), Static::Number(0.0)),
            (
                "WebkitTransition".to_string(),
                Static::String("none".into()),
            ),
        ];
        assert_eq!(
            style_to_css(&entries),
            "text-align:center;width:500px;line-height:1.5;margin:0;-webkit-transition:none"
        );
    }

    #[test]
    fn string_style_suggests_an_object() {
        assert_eq!(
            css_to_object("text-align: center; color: red").as_deref(),
            Some("{textAlign: 'center', color: 'red'}")
        );
    }

    #[test]
    fn numbers_print_as_javascript() {
        assert_eq!(number_to_string(500.0), "500");
        assert_eq!(number_to_string(1.5), "1.5");
        assert_eq!(number_to_string(-0.25), "-0.25");
    }
}
