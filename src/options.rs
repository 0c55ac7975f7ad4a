//! Options: what the caller can configure, with safe defaults, and their
//! validation. Invalid options are the only error [`crate::render`] can give.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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

/// Which heading levels go into the table of contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Options {
    /// Syntax of the source (default MDX).
    pub format: Format,
    /// URL for each import specifier or relative image path
    /// (`"./asset/a.png" → "blob:…"`).
    pub assets: BTreeMap<String, String>,
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: Format::Mdx,
            assets: BTreeMap::new(),
            base_url: None,
            toc: TocOptions::default(),
            id_prefix: "user-content-".into(),
            source_lines: true,
            math: false,
            sanitize: SanitizeOptions::default(),
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

impl Options {
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
                    "must not contain whitespace, quotes, `<`, `>`, `&` or `` ` ``, found {bad:?}"
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
        for (specifier, url) in &self.assets {
            if url.chars().any(char::is_control) {
                return error(
                    &format!("assets[{specifier:?}]"),
                    "must not contain control characters".into(),
                );
            }
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
                        "class names may only hold ASCII letters, digits, `-` and `_`, got {class:?}"
                    ),
                );
            }
        }
        Ok(())
    }
}
