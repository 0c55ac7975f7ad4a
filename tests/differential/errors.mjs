// The error half of the differential test: for every corpus document and
// for one-edit mutations of them (mutations.mjs), does a site build fail
// (reference.mjs buildCheck: @mdx-js/mdx compile, then a render for names
// nothing defines) exactly when mdx-preview reports an error, and is
// mdx-preview's error where the compiler's is (±1 line) or on the line of
// the edit that caused it?
//
// This is the promise to writers: no error in the preview, no failed
// build; an error in the preview points at the cause.

import { buildCheck } from "./reference.mjs";

/** How many mutations of each document. */
export const MUTATIONS_PER_DOCUMENT = 4;

/**
 * Compare one case. `reference`: buildCheck's result; `ours`: the render's
 * diagnostics; `edit`: the mutated line, if a mutation.
 * Returns `{ verdict, detail }`, verdict one of `agree`, `false-error`,
 * `missed`, `elsewhere`.
 */
export function judge(reference, diagnostics, edit) {
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (reference.ok) {
    if (errors.length === 0) return { verdict: "agree" };
    const first = errors[0];
    return {
      verdict: "false-error",
      detail: `we report ${first.line}:${first.column} ${first.message} [${first.ruleId}]`,
    };
  }
  if (errors.length === 0) {
    return { verdict: "missed", detail: `compiler: ${reference.line ?? "?"}: ${reference.message}` };
  }
  const near = (line) => errors.some((e) => Math.abs(e.line - line) <= 1);
  // The compiler names where the element it complains about opens
  // (`… closing tag for \`<a>\` (4:5-4:8)`): that is the cause too.
  const opened = [...reference.message.matchAll(/\((\d+):\d+(?:-\d+:\d+)?\)/g)].map((m) =>
    Number(m[1]) + (reference.offset ?? 0),
  );
  const placed =
    (reference.line !== null && near(reference.line)) ||
    opened.some(near) ||
    (edit !== undefined && near(edit)) ||
    (reference.line === null && edit === undefined);
  if (placed) return { verdict: "agree" };
  const first = errors[0];
  return {
    verdict: "elsewhere",
    detail:
      `compiler: ${reference.line ?? "?"}: ${reference.message}; ` +
      `we: ${first.line}:${first.column} ${first.message} [${first.ruleId}]` +
      (edit !== undefined ? `; edit on line ${edit}` : ""),
  };
}

export { buildCheck };
