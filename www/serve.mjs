// A small static server for the built page (www/dist):
//   node www/serve.mjs [--port 8080] [--host localhost] [--dir www/dist] [--root SITE]
// Port 0 picks a free port. Prints the URL once listening. Sends the same
// Content-Security-Policy as the page's <meta> (workers get theirs from the
// response header only) and never serves anything outside the folder.
// With --root, the page is bound to a Docusaurus site folder on disk
// (www/site-server.mjs): it lists, reads and saves the site's posts and
// serves their images.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { basename, extname, join, normalize, resolve, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { openSite } from "./site-server.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".map": "application/json",
  ".json": "application/json",
  ".mdx": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: http: https:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Serve `dir`; resolves to the listening http.Server. With `site` (a
 * folder), the page is bound to that site.
 */
export async function serve({ dir, port = 8080, host = "localhost", site: siteRoot = null }) {
  const root = resolve(dir);
  const site = siteRoot === null ? null : await openSite(siteRoot, { host });
  const server = createServer(async (request, response) => {
    if (site && !site.hostAllowed(request)) {
      response.writeHead(421, { "content-type": "text/plain; charset=utf-8" });
      response.end("this server answers to its own host name only\n");
      return;
    }
    if (site && (await site.handle(request, response))) return;
    try {
      const url = new URL(request.url ?? "/", "http://x");
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root + sep)) throw Object.assign(new Error(), { code: "ENOENT" });
      if ((await stat(path)).isDirectory()) path = join(path, "index.html");
      let body = await readFile(path);
      if (site && basename(path) === "index.html") body = site.page(body.toString("utf8"));
      response.writeHead(200, {
        "content-type": TYPES[extname(path)] ?? "application/octet-stream",
        "content-security-policy": CSP,
        "x-content-type-options": "nosniff",
        "cache-control": "no-cache",
      });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch (error) {
      const missing = error.code === "ENOENT" || error.code === "ENOTDIR" || error instanceof URIError;
      // Not one of the page's files: an image of the site's static/ folder?
      if (missing && site && (await site.handle(request, response, { fallback: true }))) return;
      response.writeHead(missing ? 404 : 500, { "content-type": "text/plain; charset=utf-8" });
      response.end(missing ? "not found\n" : "server error\n");
    }
  });
  if (site) {
    // The event streams stay open: end them, or close() would wait forever.
    const close = server.close.bind(server);
    server.close = (callback) => {
      site.close();
      server.closeAllConnections();
      return close(callback);
    };
    server.site = site;
  }
  return new Promise((resolveServer, reject) => {
    server.once("error", (error) => {
      site?.close();
      reject(error);
    });
    server.listen(port, host, () => {
      site?.listening(server.address().port);
      resolveServer(server);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
  };
  const dir = option("dir", join(dirname(fileURLToPath(import.meta.url)), "dist"));
  const host = option("host", "localhost");
  const port = Number(option("port", "8080"));
  const site = option("root", "") || null;
  try {
    const server = await serve({ dir, port, host, site });
    const { port: actual } = server.address();
    const where = site ? ` for the site in ${server.site.root}` : "";
    console.log(`mdx-preview live preview${where}: http://${host}:${actual}/  (Ctrl-C to stop)`);
  } catch (error) {
    const message =
      error.code === "EADDRINUSE" ? `port ${port} is in use: try PORT=<another>`
      : error.code === "ENOENT" ? `no such folder: ${site}`
      : String(error);
    console.error(message);
    process.exit(1);
  }
}
