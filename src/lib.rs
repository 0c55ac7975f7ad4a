//! # mdx-preview
//!
//! Turns a review post written in MDX (the Docusaurus blog dialect) into
//! sanitized HTML, a table of contents and diagnostics, without running any
//! of the document's JavaScript.
//!
//! ```
//! use mdx_preview::{render, Options};
//! let out = render("# Hi\n\n## Part <b>", &Options::default()).unwrap();
//! assert!(out.html.contains("<h1"));
//! assert_eq!(out.title.as_deref(), Some("Hi"));
//! ```
#![forbid(unsafe_code)]

pub mod code_meta;
pub mod contain;
pub mod diagnostic;
pub mod esm;
pub mod frontmatter;
pub mod guard;
pub mod hast;
pub mod incremental;
pub mod js;
pub mod js_syntax;
pub mod json;
pub mod jsx;
pub mod lines;
pub mod name_map;
pub mod options;
pub mod order;
mod paragraph;
pub mod parse;
pub mod pipeline;
pub mod prepass;
pub mod raw_html;
pub mod rules;
pub mod sanitize;
pub mod scope;
pub mod slug;
pub mod suggest;
pub mod to_hast;
pub mod toc;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use diagnostic::{Diagnostic, Severity};
pub use options::{Format, FormatRule, Options, OptionsError, SanitizeOptions, TocOptions};

use serde::{Deserialize, Serialize};

/// One heading of the table of contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TocEntry {
    /// The heading's `id` in the HTML (with the id prefix).
    pub id: String,
    /// Heading level, 1 to 6.
    pub level: u8,
    /// The heading as HTML, as Docusaurus shows it in its TOC: `<code>`,
    /// `<em>`, `<strong>` and `<del>` kept, links unwrapped, text escaped.
    pub value: String,
    /// The heading as plain text.
    pub text: String,
    /// 1-based source line of the heading.
    pub line: usize,
}

/// Everything a render gives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rendered {
    /// Sanitized HTML fragment.
    pub html: String,
    /// Table of contents, flat, in document order.
    pub toc: Vec<TocEntry>,
    /// Every problem found, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// YAML front matter as JSON, if there is any and it parses.
    pub frontmatter: Option<serde_json::Value>,
    /// Front matter `title`, else the text of the first h1.
    pub title: Option<String>,
}

/// Render `source`.
///
/// Never fails because of the document: every problem in it becomes a
/// diagnostic and the rest still renders. Only invalid options are an
/// error. A panic in the parser (or any stage) is contained to the block
/// it happened in, shown as source with an `internal-error` diagnostic
/// ([`contain`]); that needs `panic = "unwind"`, Rust's default.
pub fn render(source: &str, options: &Options) -> Result<Rendered, OptionsError> {
    options.validate()?;
    Ok(contain::contained(source, options, |source, options| {
        render_valid(source, options, parse::MIN_CHUNKED)
    }))
}

/// [`render`], parsing in chunks from documents of `min_chunked` bytes on
/// (`usize::MAX`: never). For tests that check chunked parsing gives the
/// same result as parsing the whole document.
#[doc(hidden)]
pub fn render_chunked(
    source: &str,
    options: &Options,
    min_chunked: usize,
) -> Result<Rendered, OptionsError> {
    options.validate()?;
    Ok(render_valid(source, options, min_chunked))
}

/// [`render_chunked`] with options known to be valid.
fn render_valid(source: &str, options: &Options, min_chunked: usize) -> Rendered {
    let schema = sanitize::Schema::from_options(options);
    let context = pipeline::Context::default();
    let blocks = pipeline::blocks(source, options, &schema, &context, min_chunked);
    pipeline::assemble(&blocks, options)
}
