// One-edit mutations of a document, each the kind of mistake a writer
// makes (or a harmless edit, as a control), placed deterministically: the
// same document always gives the same mutations.
//
// A mutation is `{ kind, line, source }`: `line` (1-based) is where the
// edit is, so an error reported there points at its cause.

/** A small deterministic PRNG (mulberry32). */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from a string. */
export function seedOf(text) {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

/**
 * The lines of running text of an MDX document: outside front matter,
 * code fences, ESM, JSX and HTML lines, tables, headings and admonition
 * fences, with a word boundary to edit at.
 */
export function textLines(source) {
  const lines = source.split("\n");
  const found = [];
  let fence = null;
  let index = 0;
  if (lines[0]?.trim() === "---") {
    index = lines.findIndex((line, i) => i > 0 && line.trim() === "---") + 1;
  }
  let inEsm = false;
  let depth = 0;
  for (; index < lines.length; index++) {
    const line = lines[index];
    const trimmed = line.trim();
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && /^\s*[`~]+\s*$/.test(line)) {
        fence = null;
      }
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    if (/^(import|export)\b/.test(line)) inEsm = true;
    if (trimmed === "") {
      inEsm = false;
      continue;
    }
    // Inside a multi-line expression (code, not text).
    const depthBefore = depth;
    for (const c of line.replace(/`[^`]*`/g, "")) {
      if (c === "{") depth += 1;
      if (c === "}") depth = Math.max(0, depth - 1);
    }
    if (inEsm || depthBefore > 0 || depth > 0) continue;
    // Plain prose: starts with a letter, holds nothing MDX reads specially.
    const prose = /^[A-Za-z]/.test(trimmed) && !/[<>{}`|\\[\]*_:]/.test(line) && line.length > 20;
    if (prose) found.push(index);
  }
  return { lines, found };
}

/** The kinds of mutation: what to insert (or do) and whether the compiler
 * should fail on it (for reading the results; the compiler decides). */
const KINDS = [
  // Mistakes.
  { kind: "unclosed-tag", text: () => "<b>" },
  { kind: "unclosed-tag-attr", text: () => '<span title="x">' },
  { kind: "stray-brace", text: () => "{" },
  { kind: "stray-lt-name", text: () => "<Highlight" },
  { kind: "stray-lt-digit", text: () => "<3" },
  { kind: "unbalanced-expression", text: () => "{(a}" },
  { kind: "js-two-words", text: () => "{b c}" },
  { kind: "js-dangling-operator", text: () => "{1 +}" },
  { kind: "js-unclosed-string", text: () => "{'a}" },
  { kind: "jsx-in-attribute-unclosed", text: () => '<X light={<a href="/s">x} />' },
  { kind: "mismatched-tags", text: () => "<b>x</i>" },
  { kind: "closing-only", text: () => "</div>" },
  { kind: "flow-unclosed", flow: true, text: () => "<div>" },
  { kind: "flow-tag-unfinished", flow: true, text: () => "<Tabs" },
  { kind: "duplicate-import", esm: true },
  { kind: "closing-tag-deleted", closing: true },
  // Harmless (controls: the compiler accepts them, and so must we).
  { kind: "ok-expression", text: () => "{1}" },
  { kind: "ok-comment", text: () => "{/* note */}" },
  { kind: "ok-element", text: () => "<b>x</b>" },
  { kind: "ok-lt-space", text: () => "a < b" },
  { kind: "ok-string", text: () => "{'}'}" },
];

/** `count` mutations of `source`. */
export function mutate(source, name, count) {
  const next = random(seedOf(name));
  const pick = (list) => list[Math.floor(next() * list.length)];
  const { lines, found } = textLines(source);
  const imports = lines
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => /^import\s+\w+.*\bfrom\s+['"]/.test(line));
  // Closing tags alone on their line (`</TabItem>`), outside code.
  const closings = [];
  {
    let fence = null;
    lines.forEach((line, index) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (marker && /^\s*[`~]+\s*$/.test(line) && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
        return;
      }
      if (marker) {
        fence = marker;
        return;
      }
      if (/^\s*<\/[A-Za-z][\w.-]*>\s*$/.test(line)) closings.push(index);
    });
  }
  const out = [];
  for (let attempt = 0; out.length < count && attempt < count * 4; attempt++) {
    const kind = KINDS[(seedOf(name) + out.length + attempt) % KINDS.length];
    if (kind.esm) {
      if (imports.length === 0) continue;
      const { line, index } = pick(imports);
      const copy = [...lines];
      copy.splice(index + 1, 0, line);
      out.push({ kind: kind.kind, line: index + 2, source: copy.join("\n") });
      continue;
    }
    if (kind.closing) {
      if (closings.length === 0) continue;
      const index = pick(closings);
      const copy = [...lines];
      copy.splice(index, 1);
      out.push({ kind: kind.kind, line: index + 1, source: copy.join("\n") });
      continue;
    }
    if (found.length === 0) break;
    const index = pick(found);
    const copy = [...lines];
    if (kind.flow) {
      // A line of its own, after a blank line, before the paragraph.
      copy.splice(index, 0, kind.text(), "");
      out.push({ kind: kind.kind, line: index + 1, source: copy.join("\n") });
      continue;
    }
    const line = lines[index];
    const spaces = [...line.matchAll(/ /g)].map((m) => m.index);
    if (spaces.length === 0) continue;
    const at = pick(spaces) + 1;
    copy[index] = `${line.slice(0, at)}${kind.text()} ${line.slice(at)}`;
    out.push({ kind: kind.kind, line: index + 1, source: copy.join("\n") });
  }
  return out;
}
