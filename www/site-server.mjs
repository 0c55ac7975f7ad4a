// Site mode of the preview server (`node www/serve.mjs --root SITE`): the
// page bound to a Docusaurus site folder on disk. It lists the site's
// .md/.mdx files, reads them, writes them back (temporary file + rename,
// refused when the file changed on disk since the page read it), serves
// the site's images, and pushes changes made by other programs to the page
// as Server-Sent Events.
//
// Safe by default:
// - every request must carry a Host header naming this server (loopback
//   names, or the HOST it was started with): a page of another site that
//   rebinds its DNS name to this machine gets nothing;
// - paths are checked segment by segment before they touch the disk: no
//   `..`, `.`, empty, hidden (`.git`, `.env`) or encoded-slash segments, no
//   absolute paths; the real path (symbolic links followed) must be under
//   the root's real path;
// - only .md/.mdx files are read as text and written, only known asset
//   types are served raw, each with its own content type, `nosniff` and a
//   sandboxing CSP (an SVG opened directly runs nothing on this origin);
// - a write needs the session token (in the page, never in a URL), an
//   Origin header naming this server and no cross-site Sec-Fetch-Site.
import { EventEmitter } from "node:events";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { watch } from "node:fs";
import { lstat, open, readdir, readFile, realpath, rename, stat, unlink } from "node:fs/promises";
import { hostname, networkInterfaces } from "node:os";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { isSitePath } from "./src/site-paths.js";

/** Content types of the files served raw (images and other assets). */
export const ASSET_TYPES = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".bmp": "image/bmp",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".mp3": "audio/mpeg",
  ".wav": "audio/wav",
  ".ogg": "audio/ogg",
  ".pdf": "application/pdf",
};
const DOCUMENT = /\.mdx?$/i;
// Folders that are never listed or watched (build output, dependencies).
const SKIPPED = new Set(["node_modules", "build", ".docusaurus"]);
const MAX_BODY = 16 * 1024 * 1024;
const TOKEN_HEADER = "x-mdx-preview-token";
const BASE_HEADER = "x-mdx-base";
const VERSION_HEADER = "x-mdx-version";
// Raw files: shown as images by the page; opened directly they are inert.
const RAW_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

/** The version of a file's bytes: what a write must name to replace them. */
export function versionOf(bytes) {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 24);
}

/**
 * A site path from the part of a request path after its endpoint prefix,
 * still percent-encoded: `blog/a%20b/index.mdx` → `blog/a b/index.mdx`.
 * Null when refused: empty, absolute, `.`/`..` (also encoded as `%2e%2e`),
 * hidden or empty segments, backslashes, control characters, bad encoding.
 */
export function sitePath(encoded) {
  if (typeof encoded !== "string" || encoded.length > 4096) return null;
  let path;
  try {
    path = encoded.split("/").map(decodeURIComponent).join("/");
  } catch {
    return null;
  }
  return isSitePath(path) ? path : null;
}

function isDocument(path) {
  return DOCUMENT.test(path);
}

function assetType(path) {
  return ASSET_TYPES[extname(path).toLowerCase()] ?? null;
}

/** An HTTP error with its status. */
class Refusal extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * The files of a site and a watch on its folders: `added`, `changed` and
 * `removed` events for documents (with their version) and assets. One
 * fs.watch per folder (build output and dependencies skipped), so a site
 * with node_modules costs what its own folders cost.
 */
export class SiteTree extends EventEmitter {
  constructor(root) {
    super();
    this.root = root;
    /** path → { kind: "document" | "asset", size, mtime, version? } */
    this.files = new Map();
    /** folder path ("" is the root) → FSWatcher */
    this.watchers = new Map();
    this.pending = new Set();
    this.timer = null;
    this.closed = false;
  }

  async start() {
    await this.scan("", false);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  list() {
    const out = { documents: [], assets: [] };
    for (const [path, file] of this.files) {
      (file.kind === "document" ? out.documents : out.assets).push({ path, size: file.size, mtime: file.mtime });
    }
    return out;
  }

  /** Walk `folder` (a site path, "" for the root), watching every folder. */
  async scan(folder, announce) {
    const stack = [folder];
    while (stack.length > 0 && !this.closed) {
      const current = stack.pop();
      const absolute = join(this.root, current);
      let entries;
      try {
        entries = await readdir(absolute, { withFileTypes: true });
      } catch {
        continue;
      }
      this.watchFolder(current, absolute);
      for (const entry of entries) {
        if (entry.name.startsWith(".")) continue;
        const path = current ? `${current}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!SKIPPED.has(entry.name)) stack.push(path);
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          await this.refresh(path, announce);
        }
      }
    }
  }

  watchFolder(folder, absolute) {
    if (this.watchers.has(folder) || this.closed) return;
    try {
      const watcher = watch(absolute, { persistent: false }, (_event, name) => {
        if (name === null || name === undefined) this.schedule(folder, true);
        else this.schedule(folder ? `${folder}/${name}` : String(name), false);
      });
      watcher.on("error", () => this.dropFolder(folder));
      this.watchers.set(folder, watcher);
    } catch (error) {
      // Out of inotify watches (ENOSPC) or similar: the listing still works.
      if (!this.warned) console.error(`mdx-preview: cannot watch ${absolute}: ${error.code ?? error}`);
      this.warned = true;
    }
  }

  dropFolder(folder) {
    const prefix = folder ? `${folder}/` : "";
    for (const [path, watcher] of this.watchers) {
      if (path === folder || path.startsWith(prefix)) {
        watcher.close();
        this.watchers.delete(path);
      }
    }
    for (const path of [...this.files.keys()]) {
      if (path.startsWith(prefix)) {
        const file = this.files.get(path);
        this.files.delete(path);
        this.emit("change", { type: "removed", path, kind: file.kind });
      }
    }
  }

  /** Look at `path` again soon (events come in bursts: write, rename, chmod). */
  schedule(path, rescan) {
    if (this.closed) return;
    this.pending.add(rescan ? `\0${path}` : path);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), 40);
  }

  async flush() {
    const paths = [...this.pending];
    this.pending.clear();
    for (const entry of paths) {
      if (this.closed) return;
      if (entry.startsWith("\0")) {
        await this.scan(entry.slice(1), true);
        continue;
      }
      const path = entry;
      const name = basename(path);
      if (name.startsWith(".")) continue;
      let info = null;
      try {
        info = await lstat(join(this.root, path));
      } catch {
        // Gone.
      }
      if (info?.isDirectory()) {
        if (!SKIPPED.has(name)) await this.scan(path, true);
      } else if (info) {
        await this.refresh(path, true);
      } else if (this.files.has(path)) {
        const file = this.files.get(path);
        this.files.delete(path);
        this.emit("change", { type: "removed", path, kind: file.kind });
      } else if ([...this.watchers.keys()].some((folder) => folder === path || folder.startsWith(`${path}/`))) {
        this.dropFolder(path);
      }
    }
  }

  /** Stat a file (symbolic links followed, and only to files under the root). */
  async refresh(path, announce) {
    const kind = isDocument(path) ? "document" : assetType(path) ? "asset" : null;
    if (!kind) return;
    let info;
    try {
      const absolute = join(this.root, path);
      info = await stat(absolute);
      if (!info.isFile() || !inside(this.root, await realpath(absolute))) info = null;
    } catch {
      info = null;
    }
    const old = this.files.get(path);
    if (!info) {
      if (old) {
        this.files.delete(path);
        this.emit("change", { type: "removed", path, kind });
      }
      return;
    }
    if (old && old.size === info.size && old.mtime === info.mtimeMs) return;
    const file = { kind, size: info.size, mtime: info.mtimeMs };
    // A document's version is what the page compares with the one it has:
    // worked out for changes only (the first scan reads no file).
    if (kind === "document" && announce) {
      try {
        file.version = versionOf(await readFile(join(this.root, path)));
      } catch {
        return;
      }
      if (old && old.version === file.version) {
        this.files.set(path, file);
        return;
      }
    }
    this.files.set(path, file);
    if (announce) this.emit("change", { type: old ? "changed" : "added", path, ...file });
  }
}

function inside(root, real) {
  return real === root || real.startsWith(root + sep);
}

/**
 * Open a site: scan and watch `root`, and return the request handler the
 * server puts in front of its static files.
 */
export async function openSite(root, { host = "localhost" } = {}) {
  const realRoot = await realpath(resolve(root));
  if (!(await stat(realRoot)).isDirectory()) throw new Error(`${root} is not a folder`);
  const tree = new SiteTree(realRoot);
  await tree.start();
  return new Site(realRoot, tree, { host, detect: await readsMdAsMarkdown(realRoot) });
}

/** Names a server listening on `host` answers to: loopback, `host` and,
 * when that is a wildcard address, this machine's names and addresses. */
function hostNamesFor(host) {
  const names = new Set(["localhost", "127.0.0.1", "[::1]", host.toLowerCase()]);
  if (host.includes(":") && !host.startsWith("[")) names.add(`[${host.toLowerCase()}]`);
  if (host === "0.0.0.0" || host === "::" || host === "[::]") {
    names.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) {
      for (const { address, family } of addresses ?? []) {
        names.add(family === "IPv6" || family === 6 ? `[${address.toLowerCase()}]` : address);
      }
    }
  }
  return names;
}

/** A request's body, refused past MAX_BODY. */
async function readBody(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Refusal(413, "the document is larger than 16 MiB");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** An open site (`openSite`): its API, images and change events. */
class Site {
  #clients = new Set(); // event streams of the pages
  #locks = new Map(); // path → the write in progress
  #port = 0;
  #hostNames;
  #heartbeat;

  constructor(root, tree, { host, detect }) {
    this.root = root;
    this.tree = tree;
    this.token = randomBytes(24).toString("hex");
    this.id = createHash("sha256").update(root).digest("hex").slice(0, 12);
    this.name = basename(root);
    this.detect = detect;
    this.#hostNames = hostNamesFor(host);
    tree.on("change", (event) => {
      const data = `data: ${JSON.stringify(event)}\n\n`;
      for (const client of this.#clients) client.write(data);
    });
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) client.write(": keep-alive\n\n");
    }, 20_000);
    this.#heartbeat.unref();
  }

  /** Whether the request's Host header names this server. */
  hostAllowed(request) {
    const header = (request.headers.host ?? "").toLowerCase();
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header);
    if (!match) return false;
    const [, name, hostPort] = match;
    return this.#hostNames.has(name) && Number(hostPort ?? 80) === this.#port;
  }

  /** The port the server listens on, once it does. */
  listening(actualPort) {
    this.#port = actualPort;
  }

  close() {
    clearInterval(this.#heartbeat);
    this.tree.close();
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  /** The real path of a site path, refused unless it is under the root. */
  async #locate(path) {
    const absolute = join(this.root, path);
    let real;
    try {
      real = await realpath(absolute);
    } catch (error) {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") throw new Refusal(404, `${path} does not exist`);
      throw error;
    }
    if (!inside(this.root, real)) throw new Refusal(403, `${path} leads outside the site`);
    return real;
  }

  #checkWrite(request) {
    const origin = request.headers.origin;
    if (!origin || origin.toLowerCase() !== `http://${(request.headers.host ?? "").toLowerCase()}`) {
      throw new Refusal(403, "writes must come from this page (Origin)");
    }
    const fetchSite = request.headers["sec-fetch-site"];
    if (fetchSite !== undefined && fetchSite !== "same-origin") {
      throw new Refusal(403, "writes must come from this page (Sec-Fetch-Site)");
    }
    const given = Buffer.from(String(request.headers[TOKEN_HEADER] ?? ""));
    const wanted = Buffer.from(this.token);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new Refusal(403, "writes need this session's token");
    }
  }

  /** One write at a time per file, so two saves cannot interleave. */
  async #locked(path, task) {
    const previous = this.#locks.get(path) ?? Promise.resolve();
    const current = previous.catch(() => {}).then(task);
    this.#locks.set(path, current);
    try {
      return await current;
    } finally {
      if (this.#locks.get(path) === current) this.#locks.delete(path);
    }
  }

  async #writeDocument(request, response, path) {
    this.#checkWrite(request);
    if (!isDocument(path)) throw new Refusal(403, "only .md and .mdx files are written");
    const base = String(request.headers[BASE_HEADER] ?? "");
    if (!base) throw new Refusal(400, `a write names the version it replaces (${BASE_HEADER})`);
    const body = await readBody(request);
    return this.#locked(path, async () => {
      const { target, current } = await this.#writeTarget(path);
      // "absent": the writer expects no file there (it was deleted, or is new).
      const version = current === null ? null : versionOf(current);
      if (base !== (version ?? "absent")) {
        sendJson(response, 409, {
          error: current === null ? "deleted on disk" : "changed on disk",
          version,
          text: current === null ? null : current.toString("utf8"),
        });
        return;
      }
      const mode = current === null ? 0o644 : (await stat(target)).mode & 0o777;
      const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
      const handle = await open(temporary, "wx", mode);
      try {
        await handle.writeFile(body);
        await handle.sync();
        await handle.close();
        await rename(temporary, target);
      } catch (error) {
        await handle.close().catch(() => {});
        await unlink(temporary).catch(() => {});
        throw error;
      }
      sendJson(response, 200, { version: versionOf(body) });
    });
  }

  /** Where a write of `path` goes, and the bytes there now (null: none). */
  async #writeTarget(path) {
    let target;
    let current = null;
    try {
      target = await this.#locate(path);
      current = await readFile(target);
    } catch (error) {
      if (!(error instanceof Refusal && error.status === 404)) throw error;
      // Gone (or new): write it where it was, if its folder is in the site
      // and nothing (a dangling link) is in the way.
      const folder = dirname(path) === "." ? this.root : await this.#locate(dirname(path));
      target = join(folder, basename(path));
      if (await lstat(target).then(() => true, () => false)) throw new Refusal(403, `${path} leads outside the site`);
    }
    if (!isDocument(target)) throw new Refusal(403, "only .md and .mdx files are written");
    return { target, current };
  }

  async #sendFile(request, response, path, { document }) {
    const real = await this.#locate(path);
    const type = document ? (isDocument(real) ? "text/plain; charset=utf-8" : null) : assetType(real);
    if (!type) throw new Refusal(403, document ? "only .md and .mdx files are read" : `not an asset type: ${path}`);
    const info = await stat(real);
    if (!info.isFile()) throw new Refusal(404, `${path} is not a file`);
    const body = await readFile(real);
    const headers = {
      "content-type": type,
      "content-length": body.length,
      "x-content-type-options": "nosniff",
      "cache-control": "no-cache",
      "content-security-policy": RAW_CSP,
    };
    if (document) headers[VERSION_HEADER] = versionOf(body);
    response.writeHead(200, headers);
    response.end(request.method === "HEAD" ? undefined : body);
  }

  #events(request, response) {
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    });
    response.write("retry: 1000\n\n");
    this.#clients.add(response);
    request.on("close", () => this.#clients.delete(response));
  }

  /**
   * Handle a request if it is the site's: the API under /_site/, or an
   * image from static/ (Docusaurus serves static/img/a.png as /img/a.png).
   * `fallback` is true when the page's own files had nothing for it.
   * Returns false when the request is not the site's.
   */
  async handle(request, response, { fallback = false } = {}) {
    const raw = (request.url ?? "/").split("?")[0];
    const method = request.method ?? "GET";
    try {
      return await this.#route(request, response, raw, fallback);
    } catch (error) {
      if (fallback && error instanceof Refusal) return false;
      if (error instanceof Refusal) sendJson(response, error.status, { error: error.message });
      else {
        console.error(`mdx-preview: ${method} ${raw}: ${error.stack ?? error}`);
        sendJson(response, 500, { error: "server error" });
      }
    }
    return true;
  }

  /** `handle` without its error handling. */
  async #route(request, response, raw, fallback) {
    const method = request.method ?? "GET";
    const reading = method === "GET" || method === "HEAD";
    if (fallback) {
      const path = sitePath(raw.slice(1));
      if (!reading || path === null) return false;
      await this.#sendFile(request, response, `static/${path}`, { document: false });
      return true;
    }
    if (!raw.startsWith("/_site/")) return false;
    const [, endpoint, ...rest] = raw.slice(1).split("/");
    if (endpoint === "files" && rest.length === 0 && reading) {
      sendJson(response, 200, { name: this.name, detect: this.detect, ...this.tree.list() });
    } else if (endpoint === "events" && rest.length === 0 && method === "GET") {
      this.#events(request, response);
    } else if (endpoint === "file" || endpoint === "raw") {
      const path = sitePath(rest.join("/"));
      if (path === null) throw new Refusal(403, "not a path inside the site");
      if (endpoint === "file" && method === "PUT") await this.#writeDocument(request, response, path);
      else if (reading) await this.#sendFile(request, response, path, { document: endpoint === "file" });
      else throw new Refusal(405, `${method} is not allowed here`);
    } else {
      throw new Refusal(404, "no such endpoint");
    }
    return true;
  }

  /** index.html with what the page needs to know it is bound to a site. */
  page(html) {
    const meta = JSON.stringify({ name: this.name, id: this.id, token: this.token });
    const escaped = meta.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    return html.replace("</head>", `<meta name="mdx-preview-site" content="${escaped}">\n</head>`);
  }
}

/**
 * Does the site's config set `markdown: { format: 'detect' }` (then .md
 * files are Markdown; by default Docusaurus reads every file as MDX)? The
 * config is JavaScript: it is read as text, never run.
 */
async function readsMdAsMarkdown(root) {
  for (const extension of ["js", "mjs", "cjs", "ts", "mts", "cts"]) {
    const text = await readFile(join(root, `docusaurus.config.${extension}`), "utf8").catch(() => null);
    if (text !== null) return /\bformat\s*:\s*(['"`])detect\1/.test(text);
  }
  return false;
}

function sendJson(response, status, value) {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "x-content-type-options": "nosniff",
    "cache-control": "no-cache",
  });
  response.end(body);
}
