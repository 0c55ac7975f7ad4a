// The real documents of tests/data/corpus and what the keystroke replays
// make of them, shared by the corpus replay (corpus.mjs) and the page's
// keystroke-to-paint test (tests/e2e/paint.test.mjs).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The sentence the replays type. */
export const SENTENCE = "The quick brown fox jumps over the lazy dog. ";

/** The documents of the corpus, sorted by path: [{ name, text }]. */
export function corpus() {
  const dir = join(root, "tests/data/corpus");
  const found = [];
  for (const folder of readdirSync(dir).sort()) {
    const path = join(dir, folder);
    if (!statSync(path).isDirectory()) continue;
    for (const name of readdirSync(path).sort()) {
      if (/\.mdx?$/.test(name)) found.push({ name: `${folder}/${name}`, text: readFileSync(join(path, name), "utf8") });
    }
  }
  return found;
}

/** ~`bytes` of real posts in a row: `documents` concatenated, as one long
 * post would have them: without the later posts' front matter and excerpt
 * markers (a post has one of each; the first marker is the one that
 * counts, and with several the engine renders the whole post). */
export function concatenated(documents, bytes = 100 * 1024) {
  let long = "";
  for (const { text } of documents) {
    if (Buffer.byteLength(long) >= bytes) break;
    let body = text.replace(/^---\n[\s\S]*?\n---\n/, "");
    if (long) body = body.replace(/^(<!--\s*truncate\s*-->|\{\/\*\s*truncate\s*\*\/\})[ \t]*$/gm, "");
    long += (long ? "\n\n" : "") + body;
  }
  return long;
}

/** Where to type at `fraction` of `source`: the end of the next line of
 * running text (a letter first, punctuation last), else of the next line. */
export function place(source, fraction) {
  let at = Math.floor(source.length * fraction);
  for (;;) {
    const end = source.indexOf("\n", at);
    if (end < 0) return source.length;
    const line = source.slice(source.lastIndexOf("\n", end - 1) + 1, end);
    if (/^\p{L}/u.test(line) && /[.!?:]$/.test(line)) return end;
    at = end + 1;
  }
}
