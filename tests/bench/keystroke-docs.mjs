// Documents for the keystroke benchmark (tests/bench/keystroke.mjs), built
// deterministically from the repository's own text: the seed post first
// (front matter, imports), then the MDX fixtures repeated, each copy's
// headings numbered, until the size is reached.
//
// Fixtures with front matter, imports, link or footnote definitions or a
// truncate marker are left out of the repeated part: one of each in a post
// is normal, hundreds are not (and each kind is document-wide state that
// makes the incremental renderer fall back to a full render).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../fixtures/", import.meta.url).pathname;

function inputs(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...inputs(path));
    else if (name === "input.mdx") found.push(path);
  }
  return found;
}

export const seed = readFileSync(join(root, "seed/review-2025-11-11/input.mdx"), "utf8");

const repeatable = inputs(root)
  .filter((path) => !path.includes("/seed/") && !path.includes("/recovery/"))
  .map((path) => readFileSync(path, "utf8"))
  .filter(
    (text) =>
      !text.startsWith("---") &&
      !/^(import|export)\s/m.test(text) &&
      !text.includes("[^") &&
      !text.includes("]:") &&
      !text.includes("truncate"),
  );

/** A document of about `bytes` bytes (UTF-8): the seed, then fixtures. */
export function document(bytes) {
  let out = seed.endsWith("\n") ? seed : seed + "\n";
  let copy = 0;
  while (Buffer.byteLength(out) < bytes) {
    for (const text of repeatable) {
      copy += 1;
      out += "\n" + text.replace(/^(#{1,6} .*)$/gm, `$1 ${copy}`) + "\n";
      if (Buffer.byteLength(out) >= bytes) break;
    }
  }
  return out;
}

/** Where to type: the end of the paragraph line nearest the middle. */
export function middle(source) {
  let at = Math.floor(source.length / 2);
  // Move to the end of a line of running text (a letter before the break).
  for (;;) {
    const end = source.indexOf("\n", at);
    if (end < 0) return source.length;
    const line = source.slice(source.lastIndexOf("\n", end - 1) + 1, end);
    if (/^[A-Za-z가-힣]/.test(line) && /[.!?]$/.test(line)) return end;
    at = end + 1;
  }
}
