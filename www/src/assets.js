// Assets dropped by the writer (image files or a whole asset folder),
// matched to the import specifiers and relative image paths of the
// document and handed to the renderer as blob: URLs (the `assets` option).

const IMAGE = /\.(png|jpe?g|gif|webp|avif|svg|bmp|ico)$/i;

/** Relative specifiers the document refers to: imports and image paths. */
export function assetSpecifiers(source) {
  const found = new Set();
  const patterns = [
    /^\s*import\s+[\w$]+\s+from\s+(['"])([^'"\n]+)\1/gm, // import x from './a.png'
    /!\[[^\]\n]*\]\(\s*<?([^)\s>]+)/g, // ![alt](./a.png)
    /\bsrc\s*=\s*(['"])([^'"\n]+)\1/g, // <img src="./a.png">
    /\brequire\(\s*(['"])([^'"\n]+)\1\s*\)/g, // require('./a.png')
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[match.length - 1];
      if (!/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(specifier)) found.add(specifier);
    }
  }
  return [...found];
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
