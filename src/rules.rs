//! The rules: every kind of problem a render can report, with its stable
//! id, its default severity and what it means.
//!
//! Code reports a [`Rule`], never an id string, and never decides anything
//! by reading a report's id or message back: the registry is the one place
//! ids are spelled. The README's diagnostics table lists every rule (a test
//! checks that it does).

use crate::diagnostic::Severity;

macro_rules! rules {
    ($($(#[$doc:meta])* $name:ident = $id:literal, $severity:ident, $summary:literal;)*) => {
        /// A kind of problem (see the module docs).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($(#[$doc])* $name,)*
        }

        impl Rule {
            /// Every rule, in the registry's order.
            pub const ALL: &'static [Rule] = &[$(Rule::$name,)*];

            /// The stable kebab-case id (`"undefined-identifier"`), as
            /// diagnostics carry it.
            pub const fn id(self) -> &'static str {
                match self {
                    $(Rule::$name => $id,)*
                }
            }

            /// The severity reports of this rule have unless said otherwise.
            pub const fn severity(self) -> Severity {
                match self {
                    $(Rule::$name => Severity::$severity,)*
                }
            }

            /// What the rule is about, in one sentence.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Rule::$name => $summary,)*
                }
            }
        }
    };
}

rules! {
    // Syntax, as markdown-rs reports it (see `crate::parse::messages`).
    /// A closing tag that does not match the element it would close.
    EndTagMismatch = "end-tag-mismatch", Error,
        "A closing tag does not match the element it would close.";
    /// The document or block ends inside something still open.
    UnexpectedEof = "unexpected-eof", Error,
        "A block ends inside a tag, an attribute value or an expression that is still open.";
    /// A character that cannot come where it is (in a tag, say).
    UnexpectedCharacter = "unexpected-character", Error,
        "A character that cannot come where it is, such as `<` before a name in text.";
    /// A lazy line in a container, where JSX or an expression is open.
    UnexpectedLazy = "unexpected-lazy", Error,
        "A line continues a block quote or list item lazily while JSX or an expression is open.";
    /// A `/` in a closing tag where it cannot be.
    UnexpectedClosingSlash = "unexpected-closing-slash", Error,
        "A closing tag with attributes, or a `/` where a closing tag cannot have one.";
    /// An attribute where it cannot be (on a closing tag).
    UnexpectedAttribute = "unexpected-attribute", Error,
        "An attribute on a closing tag or a fragment.";
    /// A JavaScript syntax error inside `{…}` (`{b c}`, `{1 +}`).
    InvalidExpression = "invalid-expression", Error,
        "A JavaScript syntax error inside `{…}`, which fails the site's build.";
    /// Any other MDX syntax error markdown-rs reports.
    MdxSyntax = "mdx-syntax", Error,
        "Another MDX syntax error.";
    /// More errors in one document than are worth recovering from.
    TooManyErrors = "too-many-errors", Warning,
        "So many syntax errors that the rest of the document is shown as text.";

    // Blocks left open.
    /// Front matter without its closing `---`.
    UnclosedFrontmatter = "unclosed-frontmatter", Warning,
        "Front matter opened with `---` is never closed.";
    /// A code fence never closed.
    UnclosedCodeFence = "unclosed-code-fence", Warning,
        "A code fence is never closed, so the rest of the document would be code.";
    /// A `:::` admonition never closed.
    UnclosedAdmonition = "unclosed-admonition", Warning,
        "A `:::` admonition is never closed.";
    /// A `<!--` comment never closed.
    UnclosedComment = "unclosed-comment", Error,
        "An HTML comment is never closed, so the rest of the document would vanish.";
    /// A `:::name` that is not an admonition Docusaurus knows.
    UnknownAdmonition = "unknown-admonition", Warning,
        "A `:::` fence names a type Docusaurus does not have.";

    // Front matter and ESM.
    /// Front matter that is not valid YAML.
    InvalidFrontmatter = "invalid-frontmatter", Error,
        "Front matter that is not valid YAML.";
    /// A front matter `title` that is not a string.
    InvalidTitle = "invalid-title", Warning,
        "A front matter `title` that cannot be shown as a title.";
    /// `import`/`export` that is not valid JavaScript.
    InvalidEsm = "invalid-esm", Error,
        "An `import` or `export` that is not valid JavaScript.";
    /// ESM the preview does not evaluate.
    UnsupportedEsm = "unsupported-esm", Info,
        "An `import` or `export` the preview does not evaluate (it is skipped).";
    /// The same name imported twice.
    DuplicateImport = "duplicate-import", Error,
        "The same name is imported twice.";
    /// A name imported and never used.
    UnusedImport = "unused-import", Info,
        "A name is imported and never used.";
    /// An imported image the preview has no file for.
    MissingAsset = "missing-asset", Warning,
        "An imported or linked image the preview was not given (shown as a placeholder).";
    /// A file a post refers to that is not on disk (site mode).
    MissingFile = "missing-file", Warning,
        "An image or import a post refers to that is not in the site (site mode).";

    // JSX and expressions.
    /// A name used in JSX or an expression that nothing defines.
    UndefinedIdentifier = "undefined-identifier", Error,
        "A name used in JSX or an expression that no import, export or Docusaurus global defines.";
    /// An expression the preview cannot evaluate statically.
    UnsupportedExpression = "unsupported-expression", Warning,
        "An expression the preview cannot evaluate without running the document's JavaScript.";
    /// `{...spread}` attributes.
    UnsupportedSpread = "unsupported-spread", Warning,
        "A spread attribute the preview cannot evaluate.";
    /// `style="…"` as a string, which React rejects.
    StyleString = "style-string", Warning,
        "A `style` attribute given as a string; React needs an object.";
    /// A capitalized component the preview does not know.
    UnknownComponent = "unknown-component", Warning,
        "A component neither imported nor provided by Docusaurus (shown as a box).";

    // Sanitizing.
    /// An element removed by the sanitizer.
    UnsafeElement = "unsafe-element", Warning,
        "An element the preview removes (scripts, frames, forms…).";
    /// An attribute or URL removed by the sanitizer.
    UnsafeAttribute = "unsafe-attribute", Warning,
        "An attribute or URL the preview removes (event handlers, `javascript:` links…).";
    /// An element name HTML does not have.
    UnknownElement = "unknown-element", Warning,
        "A lowercase element HTML does not have (its content is kept).";

    // Limits and failures.
    /// A block beyond what the parser handles in bounded time and stack.
    InputTooComplex = "input-too-complex", Warning,
        "A block too deeply nested or too long for the parser; shown as text.";
    /// The parser (or the preview) failed on a block.
    InternalError = "internal-error", Error,
        "The parser failed on this block (not a mistake in the document); it is shown as source.";
}

impl Rule {
    /// The rule with this id, if any.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| rule.id() == id)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for &rule in Rule::ALL {
            let id = rule.id();
            assert!(seen.insert(id), "{id} twice");
            assert!(
                id.split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{id}"
            );
            assert_eq!(Rule::from_id(id), Some(rule));
            assert!(rule.summary().ends_with('.'), "{id}");
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }
}
