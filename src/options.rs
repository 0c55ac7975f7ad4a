//! Options: what the caller can configure, with safe defaults, and their
//! validation. Invalid options are the only error [`crate::render`] can give.

use crate::json::to_json;
use crate::name_map::NameMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Which syntax the source is written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// MDX (Docusaurus dialect): ESM, JSX, expressions; no raw HTML.
    #[default]
    Mdx,
    /// CommonMark + GFM with raw HTML (sanitized), no JSX.
    Md,
}

/// How Docusaurus picks a document's format (its `markdown.format`
/// setting): everything MDX (its default), everything Markdown, or by
/// file extension (`'detect'`: `.md` and the other Markdown extensions are
/// Markdown, the rest MDX).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FormatRule {
    /// Every file is MDX (Docusaurus 3's default).
    #[default]
    Mdx,
    /// Every file is Markdown.
    Md,
    /// By extension.
    Detect,
}

impl FormatRule {
    /// Read `mdx`, `md` or `detect`.
    pub fn parse(value: &str) -> Option<FormatRule> {
        match value {
            "mdx" => Some(FormatRule::Mdx),
            "md" => Some(FormatRule::Md),
            "detect" => Some(FormatRule::Detect),
            _ => None,
        }
    }

    /// The format of the file at `path` (a name or a path) whose text is
    /// `source`, as Docusaurus decides it: the front matter's `format`
    /// (`md`, `mdx` or `detect`) first, then this rule.
    ///
    /// ```
    /// use mdx_preview::{Format, FormatRule};
    /// assert_eq!(FormatRule::Mdx.format_of("a.md", "# A\n"), Format::Mdx);
    /// assert_eq!(FormatRule::Detect.format_of("a.md", "# A\n"), Format::Md);
    /// assert_eq!(FormatRule::Detect.format_of("a.mdx", "# A\n"), Format::Mdx);
    /// assert_eq!(FormatRule::Mdx.format_of("a.md", "---\nformat: md\n---\n"), Format::Md);
    /// ```
    pub fn format_of(self, path: &str, source: &str) -> Format {
        let rule = front_matter_format(source).unwrap_or(self);
        match rule {
            FormatRule::Mdx => Format::Mdx,
            FormatRule::Md => Format::Md,
            FormatRule::Detect => {
                let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
                let markdown = [
                    "md", "markdown", "mdown", "mkdn", "mkd", "mdwn", "mkdown", "ron",
                ];
                if markdown.contains(&extension) {
                    Format::Md
                } else {
                    Format::Mdx
                }
            }
        }
    }
}

/// The `format` key of a document's front matter, if it has one of the
/// three values.
fn front_matter_format(source: &str) -> Option<FormatRule> {
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    let body = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))?;
    if !body.contains("format") {
        return None;
    }
    let lines = crate::lines::split(body);
    let close = lines
        .iter()
        .find(|line| body[line.start..line.end].trim_end() == "---")?;
    let value = crate::frontmatter::parse(&body[..close.start]).ok()?;
    FormatRule::parse(value.get("format")?.as_str()?)
}

/// Which heading levels go into the table of contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TocOptions {
    /// Smallest heading level listed (default 2).
    pub min_level: u8,
    /// Largest heading level listed (default 3).
    pub max_level: u8,
}

impl Default for TocOptions {
    fn default() -> Self {
        TocOptions {
            min_level: 2,
            max_level: 3,
        }
    }
}

/// How strict the sanitizer is. The defaults are the policy in the README;
/// `allowStyle: false` and `allowRemoteImages: false` make it stricter,
/// `allowClasses` is the one explicit opt-in that loosens it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SanitizeOptions {
    /// Keep (checked) inline `style` attributes (default true).
    pub allow_style: bool,
    /// Allow `http:`/`https:` image sources; when false only relative,
    /// `blob:` and `data:image/…` sources load (default true).
    pub allow_remote_images: bool,
    /// Opt-in: class names kept on top of our own (e.g. `text--center`).
    pub allow_classes: Vec<String>,
}

impl Default for SanitizeOptions {
    fn default() -> Self {
        SanitizeOptions {
            allow_style: true,
            allow_remote_images: true,
            allow_classes: Vec::new(),
        }
    }
}

/// Options for [`crate::render`]. All fields have safe defaults.
///
/// ```
/// use mdx_preview::{Format, Options};
/// let options = Options { format: Format::Md, ..Options::default() };
/// assert!(options.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Syntax of the source (default MDX).
    pub format: Format,
    /// URL for each import specifier or relative image path
    /// (`"./asset/a.png" → "blob:…"`).
    pub assets: NameMap<String>,
    /// Base URL that relative import specifiers are resolved against when
    /// `assets` has no entry for them.
    pub base_url: Option<String>,
    /// Heading levels of the table of contents.
    pub toc: TocOptions,
    /// Prefix added to every `id` and `name` (default `"user-content-"`).
    pub id_prefix: String,
    /// Add `data-line` to every top-level block (default true).
    pub source_lines: bool,
    /// Parse `$…$` and `$$…$$` math (default false).
    pub math: bool,
    /// Sanitizer settings.
    pub sanitize: SanitizeOptions,
    /// Blocks to show as escaped source with an `internal-error`
    /// diagnostic instead of parsing them: every run of whole lines whose
    /// text is one of these. Set by the containment layer after the parser
    /// failed on such a block ([`crate::contain`]); empty by default.
    pub isolate: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: Format::Mdx,
            assets: NameMap::default(),
            base_url: None,
            toc: TocOptions::default(),
            id_prefix: "user-content-".into(),
            source_lines: true,
            math: false,
            sanitize: SanitizeOptions::default(),
            isolate: Vec::new(),
        }
    }
}

/// An option that cannot be used, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionsError {
    /// Path of the option, as the caller spells it (`"toc.minLevel"`).
    pub option: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid option `{}`: {}", self.option, self.reason)
    }
}

impl std::error::Error for OptionsError {}

/// The error for `option`.
fn invalid(option: &str, reason: impl Into<String>) -> OptionsError {
    OptionsError {
        option: option.into(),
        reason: reason.into(),
    }
}

/// What a JSON value is, for messages: `a string ("3")`, `a number (1)`.
fn describe(value: &Value) -> String {
    let kind = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => return "an array".into(),
        Value::Object(_) => return "an object".into(),
    };
    format!("{kind} ({})", crate::json::to_json(value))
}

fn expected(option: &str, what: &str, value: &Value) -> OptionsError {
    invalid(option, format!("expected {what}, got {}", describe(value)))
}

/// The fields of an object option, or an error naming it.
fn fields<'v>(option: &str, value: &'v Value) -> Result<&'v Map<String, Value>, OptionsError> {
    value
        .as_object()
        .ok_or_else(|| expected(option, "an object", value))
}

/// An unknown field `name` of `parent` (`""` at the top), with the closest
/// known name when one is near.
fn unknown(parent: &str, name: &str, known: &[&str]) -> OptionsError {
    let option = match parent {
        "" => name.to_string(),
        _ => format!("{parent}.{name}"),
    };
    let mut reason = String::from("unknown option");
    match crate::suggest::closest(name, known.iter().copied()) {
        Some(near) => {
            reason.push_str(&format!("; did you mean `{near}`?"));
        }
        None => {
            reason.push_str("; expected one of ");
            for (index, name) in known.iter().enumerate() {
                if index > 0 {
                    reason.push_str(", ");
                }
                reason.push_str(&format!("`{name}`"));
            }
        }
    }
    invalid(&option, reason)
}

fn boolean(option: &str, value: &Value) -> Result<bool, OptionsError> {
    value
        .as_bool()
        .ok_or_else(|| expected(option, "a boolean", value))
}

fn string(option: &str, value: &Value) -> Result<String, OptionsError> {
    value
        .as_str()
        .map(String::from)
        .ok_or_else(|| expected(option, "a string", value))
}

fn strings(option: &str, value: &Value) -> Result<Vec<String>, OptionsError> {
    let items = value
        .as_array()
        .ok_or_else(|| expected(option, "an array of strings", value))?;
    items.iter().map(|item| string(option, item)).collect()
}

fn level(option: &str, value: &Value) -> Result<u8, OptionsError> {
    match value.as_u64() {
        Some(level) if (1..=6).contains(&level) => Ok(level as u8),
        Some(level) => Err(invalid(
            option,
            format!("expected a heading level from 1 to 6, got {level}"),
        )),
        None => Err(expected(option, "an integer from 1 to 6", value)),
    }
}

impl Options {
    /// Options from their JSON form, as `RenderOptions` in the README
    /// describes it: an object whose fields are all optional, `null` meaning
    /// the default. Unknown fields and values of the wrong type are errors
    /// naming the option (`toc.minLevel`); the result is also
    /// [validated](Options::validate).
    ///
    /// ```
    /// use mdx_preview::{Format, Options};
    /// let json = serde_json::json!({"format": "md", "toc": {"maxLevel": 4}, "math": null});
    /// let options = Options::from_json(&json).unwrap();
    /// assert_eq!((options.format, options.toc.max_level, options.math), (Format::Md, 4, false));
    /// let error = Options::from_json(&serde_json::json!({"sourceLine": true})).unwrap_err();
    /// assert_eq!(error.option, "sourceLine");
    /// assert!(error.reason.contains("`sourceLines`"));
    /// ```
    ///
    /// # Errors
    ///
    /// An [`OptionsError`] naming the first option that cannot be used.
    pub fn from_json(value: &Value) -> Result<Options, OptionsError> {
        const KNOWN: [&str; 9] = [
            "format",
            "assets",
            "baseUrl",
            "toc",
            "idPrefix",
            "sourceLines",
            "math",
            "sanitize",
            "isolate",
        ];
        let map = value.as_object().ok_or_else(|| {
            invalid(
                "options",
                format!("expected an object, got {}", describe(value)),
            )
        })?;
        let mut options = Options::default();
        for (name, value) in map {
            if value.is_null() {
                continue;
            }
            match name.as_str() {
                "format" => {
                    options.format = match value.as_str() {
                        Some("mdx") => Format::Mdx,
                        Some("md") => Format::Md,
                        _ => return Err(expected("format", "`\"mdx\"` or `\"md\"`", value)),
                    }
                }
                "assets" => {
                    for (specifier, url) in fields("assets", value)? {
                        if url.is_null() {
                            // `{ "./a.png": undefined }`: no entry.
                            continue;
                        }
                        let url = string(&format!("assets[{}]", to_json(specifier.as_str())), url)?;
                        options.assets.insert(specifier.clone(), url);
                    }
                }
                "baseUrl" => options.base_url = Some(string("baseUrl", value)?),
                "toc" => {
                    for (field, value) in fields("toc", value)? {
                        match field.as_str() {
                            _ if value.is_null() => {}
                            "minLevel" => options.toc.min_level = level("toc.minLevel", value)?,
                            "maxLevel" => options.toc.max_level = level("toc.maxLevel", value)?,
                            _ => return Err(unknown("toc", field, &["minLevel", "maxLevel"])),
                        }
                    }
                }
                "idPrefix" => options.id_prefix = string("idPrefix", value)?,
                "sourceLines" => options.source_lines = boolean("sourceLines", value)?,
                "math" => options.math = boolean("math", value)?,
                "sanitize" => {
                    for (field, value) in fields("sanitize", value)? {
                        let sanitize = &mut options.sanitize;
                        match field.as_str() {
                            _ if value.is_null() => {}
                            "allowStyle" => {
                                sanitize.allow_style = boolean("sanitize.allowStyle", value)?;
                            }
                            "allowRemoteImages" => {
                                sanitize.allow_remote_images =
                                    boolean("sanitize.allowRemoteImages", value)?;
                            }
                            "allowClasses" => {
                                sanitize.allow_classes = strings("sanitize.allowClasses", value)?;
                            }
                            _ => {
                                return Err(unknown(
                                    "sanitize",
                                    field,
                                    &["allowStyle", "allowRemoteImages", "allowClasses"],
                                ));
                            }
                        }
                    }
                }
                "isolate" => options.isolate = strings("isolate", value)?,
                _ => return Err(unknown("", name, &KNOWN)),
            }
        }
        options.validate()?;
        Ok(options)
    }

    /// Check that the options make sense.
    ///
    /// ```
    /// use mdx_preview::Options;
    /// let mut options = Options::default();
    /// options.toc.min_level = 4;
    /// options.toc.max_level = 2;
    /// assert_eq!(options.validate().unwrap_err().option, "toc");
    /// ```
    pub fn validate(&self) -> Result<(), OptionsError> {
        let error = |option: &str, reason: String| {
            Err(OptionsError {
                option: option.into(),
                reason,
            })
        };
        for (name, level) in [
            ("toc.minLevel", self.toc.min_level),
            ("toc.maxLevel", self.toc.max_level),
        ] {
            if !(1..=6).contains(&level) {
                return error(
                    name,
                    format!("expected a heading level from 1 to 6, got {level}"),
                );
            }
        }
        if self.toc.min_level > self.toc.max_level {
            return error(
                "toc",
                format!(
                    "`minLevel` ({}) is greater than `maxLevel` ({})",
                    self.toc.min_level, self.toc.max_level
                ),
            );
        }
        if let Some(bad) = self.id_prefix.chars().find(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '&' | '`')
        }) {
            return error(
                "idPrefix",
                format!(
                    "must not contain whitespace, quotes, `<`, `>`, `&` or `` ` ``, found {}",
                    to_json(bad.encode_utf8(&mut [0; 4]))
                ),
            );
        }
        if let Some(base) = &self.base_url {
            if base.chars().any(|c| c.is_control() || c.is_whitespace()) {
                return error(
                    "baseUrl",
                    "must not contain whitespace or control characters".into(),
                );
            }
        }
        // Of several bad URLs, the first by specifier (a hash map's order
        // differs from one map to the next).
        let bad_url = self
            .assets
            .iter()
            .filter(|(_, url)| url.chars().any(char::is_control))
            .map(|(specifier, _)| specifier)
            .min();
        if let Some(specifier) = bad_url {
            return error(
                &format!("assets[{}]", to_json(specifier.as_str())),
                "must not contain control characters".into(),
            );
        }
        for class in &self.sanitize.allow_classes {
            let valid = !class.is_empty()
                && class
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
            if !valid {
                return error(
                    "sanitize.allowClasses",
                    format!(
                        "class names may only hold ASCII letters, digits, `-` and `_`, got {}",
                        to_json(class.as_str())
                    ),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(value: Value) -> OptionsError {
        match Options::from_json(&value) {
            Ok(options) => panic!("should refuse {value}, got {options:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn every_field() {
        let options = Options::from_json(&json!({
            "format": "md",
            "assets": {"./a.png": "blob:a", "./gone.png": null},
            "baseUrl": "https://example.com/posts/",
            "toc": {"minLevel": 1, "maxLevel": 4},
            "idPrefix": "p-",
            "sourceLines": false,
            "math": true,
            "sanitize": {"allowStyle": false, "allowRemoteImages": false, "allowClasses": ["a-b"]},
            "isolate": ["=\n=\n=\na\n="],
        }))
        .expect("should read every field");
        let expected = Options {
            format: Format::Md,
            assets: [("./a.png".to_string(), "blob:a".to_string())].into(),
            base_url: Some("https://example.com/posts/".into()),
            toc: TocOptions {
                min_level: 1,
                max_level: 4,
            },
            id_prefix: "p-".into(),
            source_lines: false,
            math: true,
            sanitize: SanitizeOptions {
                allow_style: false,
                allow_remote_images: false,
                allow_classes: vec!["a-b".into()],
            },
            isolate: vec!["=\n=\n=\na\n=".into()],
        };
        assert_eq!(options, expected, "should map every field");
    }

    #[test]
    fn nulls_are_defaults() {
        for value in [
            json!({}),
            json!({"format": null, "toc": null, "sanitize": null, "assets": null}),
            json!({"toc": {"minLevel": null}, "sanitize": {"allowClasses": null}}),
        ] {
            assert_eq!(
                Options::from_json(&value),
                Ok(Options::default()),
                "should read {value} as the defaults"
            );
        }
    }

    #[test]
    fn errors_name_the_option() {
        for (value, option, reason) in [
            (json!("md"), "options", "expected an object, got a string"),
            (json!({"format": "rst"}), "format", "got a string (\"rst\")"),
            (
                json!({"sourceline": false}),
                "sourceline",
                "did you mean `sourceLines`?",
            ),
            (
                json!({"toc": {"minLevel": 0}}),
                "toc.minLevel",
                "from 1 to 6, got 0",
            ),
            (
                json!({"toc": {"maxLevel": 2.5}}),
                "toc.maxLevel",
                "got a number (2.5)",
            ),
            (json!({"toc": {"min": 2}}), "toc.min", "unknown option"),
            (
                json!({"toc": {"minLevel": 4, "maxLevel": 2}}),
                "toc",
                "greater than",
            ),
            (json!({"math": "yes"}), "math", "expected a boolean"),
            (
                json!({"assets": {"./a.png": 1}}),
                "assets[\"./a.png\"]",
                "expected a string",
            ),
            (
                json!({"assets": []}),
                "assets",
                "expected an object, got an array",
            ),
            // Of several bad URLs, the first by specifier, whatever the
            // map's order.
            (
                json!({"assets": {"./c.png": "c\u{7}", "./a.png": "a\n", "./b.png": "b"}}),
                "assets[\"./a.png\"]",
                "control characters",
            ),
            (
                json!({"sanitize": {"allowClasses": ["ok", 3]}}),
                "sanitize.allowClasses",
                "got a number (3)",
            ),
            (
                json!({"sanitize": {"allowScripts": true}}),
                "sanitize.allowScripts",
                "`allowStyle`, `allowRemoteImages`, `allowClasses`",
            ),
            (
                json!({"idPrefix": "a b"}),
                "idPrefix",
                "must not contain whitespace",
            ),
            // What is wrong is quoted as JSON, as the package's JavaScript
            // quotes it (`JSON.stringify`).
            (
                json!({"idPrefix": "a\u{1}"}),
                "idPrefix",
                r#"found "\u0001""#,
            ),
            (
                json!({"sanitize": {"allowClasses": ["a\"b"]}}),
                "sanitize.allowClasses",
                r#"got "a\"b""#,
            ),
            (
                json!({"assets": {"./a\tb.png": 1}}),
                r#"assets["./a\tb.png"]"#,
                "expected a string",
            ),
            (
                json!({"isolate": "a"}),
                "isolate",
                "expected an array of strings",
            ),
        ] {
            let error = error(value.clone());
            assert_eq!(error.option, option, "{value}: {error}");
            assert!(error.reason.contains(reason), "{value}: {error}");
        }
    }
}
