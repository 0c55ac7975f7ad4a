//! The TypeScript shapes of the binding's values: the `.d.ts` section that
//! documents every option and result field, and the opaque Rust types that
//! stand for them in signatures (their checks and conversions are in
//! [`super::args`] and [`super::convert`]). The package's DOM classes
//! (`Preview`, `BlockPatcher`) are JavaScript, typed in `src/js/dom.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `render`, `Renderer` and `Preview`. Every field is optional;
 * `undefined` and `null` mean "use the default". Unknown fields and values of
 * the wrong type throw a `TypeError` that names the option. */
export interface RenderOptions {
  /** Syntax of the source: MDX (ESM, JSX, expressions; no raw HTML) or
   * CommonMark + GFM with sanitized raw HTML and no JSX. Default `"mdx"`. */
  format?: "mdx" | "md" | null;
  /** URL for each import specifier or relative image path, e.g.
   * `{ "./asset/a.png": "blob:…" }`. Default `{}`. */
  assets?: Record<string, string> | null;
  /** Base URL that relative import specifiers without an `assets` entry are
   * resolved against. Default: none (such images become placeholders). */
  baseUrl?: string | null;
  /** Heading levels listed in the table of contents. Default
   * `{ minLevel: 2, maxLevel: 3 }`. */
  toc?: TocOptions | null;
  /** Prefix of every `id` and `name` in the HTML; in-document `#links`
   * follow it. Default `"user-content-"`. */
  idPrefix?: string | null;
  /** Put `data-line="N"` (1-based source line) on every top-level block.
   * Default `true`. */
  sourceLines?: boolean | null;
  /** Parse `$…$` and `$$…$$` math into `code.math-inline` /
   * `code.math-display`. Default `false`. */
  math?: boolean | null;
  /** Sanitizer settings. Default
   * `{ allowStyle: true, allowRemoteImages: true, allowClasses: [] }`. */
  sanitize?: SanitizeOptions | null;
  /** Blocks shown as escaped source with an `internal-error` diagnostic
   * instead of being parsed: every run of whole lines whose text is one of
   * these. The package sets it itself when the parser fails on a block;
   * there is no need to set it by hand. Default `[]`. */
  isolate?: string[] | null;
}

/** Heading levels of the table of contents (1 to 6, `minLevel <= maxLevel`). */
export interface TocOptions {
  /** Smallest heading level listed. Default `2`. */
  minLevel?: number | null;
  /** Largest heading level listed. Default `3`. */
  maxLevel?: number | null;
}

/** How strict the sanitizer is. */
export interface SanitizeOptions {
  /** Keep (checked) inline `style` attributes. Default `true`. */
  allowStyle?: boolean | null;
  /** Allow `http:`/`https:` image sources; when `false` only relative,
   * `blob:` and `data:image/…` sources load. Default `true`. */
  allowRemoteImages?: boolean | null;
  /** Opt-in: class names kept on top of the renderer's own (ASCII letters,
   * digits, `-` and `_`). Default `[]`. */
  allowClasses?: string[] | null;
}

/** Everything a render gives. */
export interface RenderResult {
  /** Sanitized HTML fragment. Every top-level block carries `data-line`
   * unless `sourceLines` is `false`. Always present (may be `""`). */
  html: string;
  /** Table of contents, flat, in document order. Always present (may be
   * empty). */
  toc: TocEntry[];
  /** Every problem found, sorted by position. Always present (may be
   * empty). */
  diagnostics: Diagnostic[];
  /** The YAML front matter as a JSON object (keys in source order). Default
   * `null`: no front matter, or front matter that does not parse. */
  frontmatter: { [key: string]: unknown } | null;
  /** Front matter `title`, else the text of the first h1. Default `null`
   * when there is neither. */
  title: string | null;
}

/** What an incremental update changed, in top-level blocks. A block is
 * one segment of the source: its top-level nodes in the HTML and the line
 * ending after them (possibly nothing). Blocks `start .. start + removed`
 * of the previous update became `blocks`; every later block is as before
 * except that each of its `data-line` values grew by `lineShift`. */
export interface BlockChange {
  /** Index of the first changed block. Always present. */
  start: number;
  /** How many blocks of the previous update were removed. Always present. */
  removed: number;
  /** HTML of the blocks inserted at `start`, in order (concatenated, every
   * block of the update gives `html`). Always present (may be empty). */
  blocks: string[];
  /** Lines added (negative: removed) before the blocks after the change.
   * Always present. */
  lineShift: number;
  /** `true` when the previous blocks cannot be patched (first update, or a
   * full render that kept no blocks: then `blocks` is `[html]`): rebuild
   * from `html`. Always present. */
  full: boolean;
}

/** A render result plus what changed since the previous update. To keep a
 * keystroke cheap, arrays and objects that did not change (the `toc`, the
 * `diagnostics` of blocks that did not move, the `frontmatter`) are the same
 * objects as in the previous result: read results, do not modify them. */
export interface UpdateResult extends RenderResult {
  /** The blocks that changed. Always present. */
  change: BlockChange;
}

/** One heading of the table of contents. */
export interface TocEntry {
  /** The heading's `id` in the HTML, with the id prefix. Always present. */
  id: string;
  /** Heading level, 1 to 6. Always present. */
  level: number;
  /** The heading as HTML, as Docusaurus shows it (`<code>`, `<em>`,
   * `<strong>`, `<del>` kept, links unwrapped). Always present. */
  value: string;
  /** The heading as plain text. Always present. */
  text: string;
  /** 1-based source line of the heading. Always present. */
  line: number;
}

/** A problem in the document. Columns and offsets count UTF-16 code units,
 * as JavaScript strings, CodeMirror, Monaco and the DOM do. */
export interface Diagnostic {
  /** How bad it is. Always present. */
  severity: "error" | "warning" | "info";
  /** Stable kebab-case id of the rule, e.g. `"undefined-identifier"`.
   * Always present. */
  ruleId: string;
  /** Human readable message (may use markdown code spans). Always present. */
  message: string;
  /** 1-based line of the start. Always present. */
  line: number;
  /** 1-based column of the start. Always present. */
  column: number;
  /** 1-based line of the end. Always present. */
  endLine: number;
  /** 1-based column of the end (exclusive). Always present. */
  endColumn: number;
  /** 0-based offset of the start in the source. Always present. */
  offset: number;
  /** 0-based offset of the end in the source (exclusive). Always present. */
  endOffset: number;
  /** Replacement for `source.slice(offset, endOffset)` that fixes the
   * problem. Default: absent (no fix known). */
  suggestion?: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `RenderOptions` in TypeScript: any JS value, parsed by [`super::args::parse_options`].
    #[wasm_bindgen(typescript_type = "RenderOptions")]
    pub type RenderOptionsArg;

    /// `RenderResult` in TypeScript: the plain object [`super::convert::to_js`] builds.
    #[wasm_bindgen(typescript_type = "RenderResult")]
    pub type RenderResultValue;

    /// `UpdateResult` in TypeScript: a result plus its `change`.
    #[wasm_bindgen(typescript_type = "UpdateResult")]
    pub type UpdateResultValue;
}
