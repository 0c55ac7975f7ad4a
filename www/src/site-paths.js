// Paths in a Docusaurus site, as the site resolves them: which file an
// image or import of a post names, the URL the page loads it from, and the
// order and search of the site's documents. No DOM: the end-to-end tests
// run these in Node too.
import { assetReferences } from "./assets.js";

/** `blog/a b/x.png` → `blog/a%20b/x.png`: each segment encoded, slashes kept. */
export function encodePath(path) {
  return path.split("/").map(encodeURIComponent).join("/");
}

/**
 * Is `path` a plain path inside a site: relative, no empty, `.`, `..` or
 * hidden segments, no backslashes or control characters (the server
 * refuses the others; the page does not even ask).
 */
export function isSitePath(path) {
  return (
    typeof path === "string" &&
    path.length > 0 &&
    path.split("/").every((name) => name !== "" && !name.startsWith(".") && !/[\\\u0000-\u001f\u007f]/.test(name))
  );
}

/** The folder of a site path ("" at the root). */
function folderOf(path) {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/**
 * The site path a specifier in document `file` names, as Docusaurus
 * resolves it: `@site/x` from the site's root, `/x` from `static/`, others
 * relative to the document's folder (`./asset/a.png`, `../img/a.png`,
 * `asset/a.png`). Query and fragment are dropped and `%20`-style escapes
 * decoded. Null for URLs (`https:`, `data:`, `//host`), `#` links, and
 * paths that climb out of the site.
 */
export function resolveSitePath(file, specifier) {
  let path = specifier.split(/[?#]/)[0];
  if (path === "" || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(path)) return null;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Not an escape: keep it as written.
  }
  let start;
  if (path.startsWith("@site/")) {
    start = [];
    path = path.slice("@site/".length);
  } else if (path.startsWith("/")) {
    start = ["static"];
  } else {
    start = folderOf(file).split("/").filter(Boolean);
  }
  const parts = start;
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.length === 0 ? null : parts.join("/");
}

/** The URL the page loads a site file from; `mtime` makes a changed file a new URL. */
export function assetUrl(path, mtime) {
  return `/_site/raw/${encodePath(path)}${mtime === undefined ? "" : `?v=${Math.round(mtime)}`}`;
}

/**
 * What the renderer needs for document `file`: `assets`, the URL of each
 * specifier whose file exists (`files`: site path → mtime); `missing`, the
 * references whose file does not (`{ specifier, path }`), in order; and
 * `paths`, every site path referred to (found or not). A missing file
 * stays out of `assets`: the renderer shows an import's placeholder with a
 * `missing-asset` warning, and an image path fails to load.
 */
export function siteAssets(file, source, files) {
  const assets = {};
  const missing = [];
  const paths = new Set();
  for (const { specifier, kind } of assetReferences(source)) {
    if (!namesSiteFile(specifier, kind)) continue;
    const path = resolveSitePath(file, specifier);
    if (path === null) continue;
    paths.add(path);
    if (files.has(path)) assets[specifier] = assetUrl(path, files.get(path));
    else missing.push({ specifier, path });
  }
  return { assets, missing, paths };
}

// What an import or require can load as a file (the renderer's list).
const ASSET = /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp|mp4|webm|mp3|wav|ogg|pdf|zip)$/i;

/**
 * Does a reference name a file of the site? Imports and requires of
 * assets by path (`./`, `../`, `@site/`, `/`), not modules (`@theme/Tabs`);
 * every markdown image; a JSX `src` only when absolute (a relative one is
 * a URL for the browser).
 */
function namesSiteFile(specifier, kind) {
  const path = specifier.split(/[?#]/)[0];
  if (kind === "import" || kind === "require") return ASSET.test(path) && /^(\.\.?\/|@site\/|\/(?!\/))/.test(path);
  if (kind === "src") return /^\/(?!\/)/.test(path);
  return true;
}

/** "blog", "docs" or "other": where a document is listed. */
export function groupOf(path) {
  const top = path.split("/")[0];
  return top === "blog" || top === "docs" ? top : "other";
}

const GROUP_RANK = { blog: 0, docs: 1, other: 2 };

/**
 * Documents in the order the file list shows them: the blog first, newest
 * first (Docusaurus names posts by date), then the docs, then the rest,
 * alphabetically.
 */
export function orderDocuments(paths) {
  return [...paths].sort((a, b) => {
    const ga = groupOf(a);
    const gb = groupOf(b);
    if (ga !== gb) return GROUP_RANK[ga] - GROUP_RANK[gb];
    const order = a < b ? -1 : a > b ? 1 : 0;
    return ga === "blog" ? -order : order;
  });
}

/** Does `path` match a search: every word of `query` in it, ignoring case. */
export function matchesQuery(path, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = path.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/**
 * How the list names a document: `title` (the post's folder for an
 * `index.mdx`, else the file name) and `where` (the folder it is in).
 */
export function labelOf(path) {
  const parts = path.split("/");
  const name = parts.pop();
  if (/^index\.mdx?$/i.test(name) && parts.length > 0) {
    const folder = parts.pop();
    return { title: folder, where: parts.join("/") };
  }
  return { title: name.replace(/\.mdx?$/i, ""), where: parts.join("/") };
}
