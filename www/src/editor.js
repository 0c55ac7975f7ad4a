// The CodeMirror 6 editor: Markdown highlighting, line numbers, lint marks
// for our diagnostics (underline, gutter marker, hover message, fix action).
import { Annotation, Compartment, EditorState, Transaction } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars, rectangularSelection,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { markdown, markdownLanguage } from "@codemirror/lang-markdown";
import { HighlightStyle, syntaxHighlighting, syntaxParserRunning, bracketMatching } from "@codemirror/language";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { lintGutter, lintKeymap, setDiagnostics, forEachDiagnostic } from "@codemirror/lint";
import { tags as t } from "@lezer/highlight";

// Colours come from CSS variables, so the page's theme switch recolours it.
const highlightStyle = HighlightStyle.define([
  { tag: t.heading, color: "var(--tok-heading)", fontWeight: "700" },
  { tag: t.strong, fontWeight: "700" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strikethrough, textDecoration: "line-through" },
  { tag: [t.link, t.url], color: "var(--tok-link)" },
  { tag: t.monospace, color: "var(--tok-code)" },
  { tag: [t.keyword, t.processingInstruction], color: "var(--tok-keyword)" },
  { tag: [t.string, t.inserted], color: "var(--tok-string)" },
  { tag: [t.comment, t.meta, t.contentSeparator], color: "var(--tok-comment)" },
  { tag: [t.tagName, t.angleBracket], color: "var(--tok-tag)" },
  { tag: [t.attributeName, t.propertyName], color: "var(--tok-attr)" },
  { tag: [t.number, t.bool, t.atom], color: "var(--tok-number)" },
  { tag: [t.quote, t.list], color: "var(--tok-quote)" },
]);

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "14px", backgroundColor: "var(--editor-bg)", color: "var(--fg)" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.55" },
  ".cm-content": { caretColor: "var(--fg)", paddingBottom: "40vh" },
  ".cm-gutters": { backgroundColor: "var(--editor-gutter)", color: "var(--muted)", border: "none" },
  ".cm-activeLine": { backgroundColor: "var(--editor-active)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--editor-active)" },
  "&.cm-focused .cm-cursor": { borderLeftColor: "var(--fg)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--editor-selection) !important",
  },
  ".cm-tooltip": { backgroundColor: "var(--panel)", color: "var(--fg)", border: "1px solid var(--border)" },
  ".cm-tooltip-lint": { maxWidth: "34rem", fontFamily: "var(--sans)", fontSize: "13px", borderRadius: "6px",
    boxShadow: "0 4px 14px rgba(0, 0, 0, 0.18)" },
  ".cm-diagnostic": { padding: "6px 10px 6px 9px", lineHeight: "1.45" },
  ".cm-diagnosticSource": { opacity: "0.65", fontSize: "11px" },
  ".cm-diagnosticAction": { backgroundColor: "var(--primary)", color: "#fff", borderRadius: "4px", padding: "1px 8px",
    marginLeft: "8px", font: "inherit", fontSize: "12px", cursor: "pointer" },
});

// The undo history, in a compartment so that opening another file can
// start it afresh.
const historySlot = new Compartment();

/** Marks transactions that put text read from disk in the editor (not typed). */
export const loadedFromDisk = Annotation.define();

/**
 * Create the editor in `parent` with `doc`. `onChange(view, update)` is
 * called after every document change.
 */
export function createEditor(parent, doc, onChange) {
  const state = EditorState.create({
    doc,
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      historySlot.of(history()),
      drawSelection(),
      rectangularSelection(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      bracketMatching(),
      EditorView.lineWrapping,
      markdown({ base: markdownLanguage }),
      syntaxHighlighting(highlightStyle),
      lintGutter(),
      theme,
      keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...lintKeymap, indentWithTab]),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.view, update);
      }),
      EditorView.contentAttributes.of({ "aria-label": "MDX source", spellcheck: "false" }),
    ],
  });
  return new EditorView({ state, parent });
}

/**
 * Put `text` in the editor as a load from disk. `fresh` (another file): the
 * whole document is replaced, the cursor goes to the top and the undo
 * history starts empty. Otherwise (the same file, changed on disk) only
 * the part that differs is replaced, so the cursor, the scroll position
 * and the unchanged blocks of the preview stay, and Ctrl+Z undoes it.
 */
export function replaceDocument(view, text, { fresh = false } = {}) {
  const old = view.state.doc.toString();
  if (fresh) {
    view.dispatch({
      changes: { from: 0, to: old.length, insert: text },
      selection: { anchor: 0 },
      effects: [historySlot.reconfigure([]), EditorView.scrollIntoView(0)],
      annotations: [loadedFromDisk.of(true), Transaction.addToHistory.of(false)],
    });
    view.dispatch({ effects: historySlot.reconfigure(history()) });
    return;
  }
  if (old === text) return;
  let start = 0;
  const shortest = Math.min(old.length, text.length);
  while (start < shortest && old.charCodeAt(start) === text.charCodeAt(start)) start += 1;
  let end = 0;
  while (end < shortest - start && old.charCodeAt(old.length - 1 - end) === text.charCodeAt(text.length - 1 - end)) {
    end += 1;
  }
  view.dispatch({
    changes: { from: start, to: old.length - end, insert: text.slice(start, text.length - end) },
    annotations: [loadedFromDisk.of(true), Transaction.userEvent.of("load")],
  });
}

/** A fix action for a diagnostic with a `suggestion`. */
function fixAction(suggestion) {
  const label = suggestion.length > 40 ? `${suggestion.slice(0, 40)}…` : suggestion;
  return {
    name: `Fix: ${label}`,
    apply(view, from, to) {
      view.dispatch({ changes: { from, to, insert: suggestion }, selection: { anchor: from + suggestion.length } });
    },
  };
}

/**
 * Show the renderer's diagnostics in the editor. Their offsets (UTF-16, as
 * CodeMirror counts) are for the source that was rendered; `changes` maps
 * them to the current document when the writer typed meanwhile. When the
 * editor already shows the same marks (CodeMirror maps them through edits,
 * so diagnostics that only moved with the text usually are), nothing is
 * dispatched. Returns the marks shown, one per diagnostic.
 */
export function showDiagnostics(view, diagnostics, changes) {
  // Offsets are clamped to the rendered source, then mapped.
  const length = changes ? changes.length : view.state.doc.length;
  const marks = diagnostics.map((d) => {
    let from = Math.min(d.offset, length);
    let to = Math.min(Math.max(d.endOffset, d.offset), length);
    if (changes) {
      from = changes.mapPos(from, 1);
      to = Math.max(from, changes.mapPos(to, -1));
    }
    return {
      from,
      to,
      severity: d.severity,
      source: d.ruleId,
      message: d.message.replace(/`([^`]*)`/g, "‘$1’"),
      suggestion: d.suggestion,
      actions: d.suggestion !== undefined ? [fixAction(d.suggestion)] : [],
    };
  });
  // forEachDiagnostic gives marks in the order they end (an outer mark
  // after the ones inside it), ours are in the order they start: compare
  // both in one order.
  const shown = [];
  forEachDiagnostic(view.state, (mark, from, to) => shown.push({ ...mark, from, to, shown: mark }));
  const order = (a, b) => a.from - b.from || a.to - b.to || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
  const sortedShown = [...shown].sort(order);
  const sortedMarks = marks.map((mark, i) => ({ ...mark, i })).sort(order);
  const same =
    shown.length === marks.length &&
    sortedShown.every((s, k) => {
      const m = sortedMarks[k];
      return s.from === m.from && s.to === m.to && s.severity === m.severity && s.source === m.source &&
        s.message === m.message && s.suggestion === m.suggestion;
    });
  if (same) {
    // The editor's own marks, one per diagnostic in our order.
    const kept = new Array(marks.length);
    sortedMarks.forEach((m, k) => (kept[m.i] = sortedShown[k].shown));
    return kept;
  }
  view.dispatch(setDiagnostics(view.state, marks));
  return marks;
}

export { EditorView, fixAction, forEachDiagnostic, syntaxParserRunning };
