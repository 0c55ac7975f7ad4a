// Assets dropped by the writer (image files or a whole asset folder),
// matched to the import specifiers and relative image paths of the
// document and handed to the renderer as blob: URLs (the `assets` option).

const IMAGE = /\.(png|jpe?g|gif|webp|avif|svg|bmp|ico)$/i;

// What refers to a file, and what kind of reference it is: the renderer
// looks `import` and `require` specifiers and markdown image paths up in
// `assets` (a JSX `src` string is used as written).
const REFERENCES = [
  [/^[ \t]*import\s+[\w$]+\s+from\s+(['"])([^'"\n]+)\1/gm, "import"], // import x from './a.png'
  [/!\[[^\]\n]*\]\(\s*<?([^)\s>]+)/g, "image"], // ![alt](./a.png)
  [/\bsrc\s*=\s*(['"])([^'"\n]+)\1/g, "src"], // <img src="./a.png">
  [/\brequire\(\s*(['"])([^'"\n]+)\1\s*\)/g, "require"], // require('./a.png')
];

/**
 * Where the code is: `[start, end)` offsets of fenced code blocks and code
 * spans, sorted, so that examples in code are not taken for references.
 */
function codeRanges(source) {
  const ranges = [];
  let open = null;
  for (const match of source.matchAll(/^ {0,3}(`{3,}|~{3,})([^\n]*)$/gm)) {
    const [line, marker, rest] = match;
    if (open === null) {
      open = { at: match.index, marker };
    } else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && rest.trim() === "") {
      ranges.push([open.at, match.index + line.length]);
      open = null;
    }
  }
  if (open !== null) ranges.push([open.at, source.length]);
  const fences = ranges.length;
  // A code span ends at its paragraph's end (a blank line).
  for (const match of source.matchAll(/(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))*?[^`]\1(?!`)/g)) {
    if (!inRanges(ranges, match.index, fences)) ranges.push([match.index, match.index + match[0].length]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** Is `offset` inside one of the first `count` sorted, disjoint `ranges`? */
function inRanges(ranges, offset, count = ranges.length) {
  let low = 0;
  let high = count - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [start, end] = ranges[middle];
    if (offset < start) high = middle - 1;
    else if (offset >= end) low = middle + 1;
    else return true;
  }
  return false;
}

/**
 * References to other files in `source`, in order of first appearance:
 * `{ specifier, kind }` with kind "import", "require", "image" or "src".
 * URLs with a scheme, protocol-relative URLs and `#` links are left out,
 * and so is anything in code.
 */
export function assetReferences(source) {
  const code = codeRanges(source);
  const matches = [];
  for (const [pattern, kind] of REFERENCES) {
    for (const match of source.matchAll(pattern)) {
      if (!inRanges(code, match.index)) matches.push([match.index, kind, match[match.length - 1]]);
    }
  }
  matches.sort((a, b) => a[0] - b[0]);
  const found = new Map();
  for (const [, kind, specifier] of matches) {
    if (!/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(specifier) && !found.has(specifier)) found.set(specifier, kind);
  }
  return [...found].map(([specifier, kind]) => ({ specifier, kind }));
}

/** Relative specifiers the document refers to: imports and image paths. */
export function assetSpecifiers(source) {
  return assetReferences(source).map(({ specifier }) => specifier);
}

/** `./asset/a.png` → ["asset", "a.png"]; `../x/a.png` → ["x", "a.png"]. */
function parts(path) {
  return path.split(/[\\/]/).filter((part) => part && part !== "." && part !== "..");
}

export class AssetStore {
  constructor() {
    /** path (as dropped, e.g. "asset/a.png") → { file, url } */
    this.files = new Map();
  }

  get size() {
    return this.files.size;
  }

  /** Add files ({ path, file }); returns how many were images. */
  add(entries) {
    let added = 0;
    for (const { path, file } of entries) {
      if (!IMAGE.test(path) && !file.type.startsWith("image/")) continue;
      const old = this.files.get(path);
      if (old) URL.revokeObjectURL(old.url);
      this.files.set(path, { file, url: URL.createObjectURL(file) });
      added += 1;
    }
    return added;
  }

  clear() {
    for (const { url } of this.files.values()) URL.revokeObjectURL(url);
    this.files.clear();
  }

  /**
   * `{ specifier: blobUrl }` for the specifiers of `source` that match a
   * dropped file: the file whose path shares the longest tail with the
   * specifier (at least the file name).
   */
  assetsFor(source) {
    const assets = {};
    // Nothing dropped (always, in site mode): no need to read the source.
    if (this.files.size === 0) return assets;
    for (const specifier of assetSpecifiers(source)) {
      const want = parts(specifier.split(/[?#]/)[0]);
      if (want.length === 0) continue;
      let best = null;
      let bestScore = 0;
      for (const [path, entry] of this.files) {
        const have = parts(path);
        let score = 0;
        while (
          score < want.length && score < have.length &&
          want[want.length - 1 - score] === have[have.length - 1 - score]
        ) score += 1;
        if (score > bestScore) [best, bestScore] = [entry, score];
      }
      if (best) assets[specifier] = best.url;
    }
    return assets;
  }

  /** Paths of the files, sorted. */
  list() {
    return [...this.files.keys()].sort();
  }
}

/** Files of a drop, folders walked (FileSystemEntry API). */
export async function filesOfDrop(dataTransfer) {
  const out = [];
  const entries = [...(dataTransfer.items ?? [])]
    .filter((item) => item.kind === "file")
    .map((item) => [item.webkitGetAsEntry?.(), item.getAsFile()]);
  if (entries.length === 0) {
    for (const file of dataTransfer.files ?? []) out.push({ path: file.name, file });
    return out;
  }
  for (const [entry, file] of entries) {
    if (entry?.isDirectory) await walk(entry, out);
    else if (file) out.push({ path: file.webkitRelativePath || file.name, file });
  }
  return out;
}

async function walk(directory, out) {
  const reader = directory.createReader();
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const entry of batch) {
      if (entry.isDirectory) await walk(entry, out);
      else {
        const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
        out.push({ path: entry.fullPath.replace(/^\//, ""), file });
      }
    }
  }
}
