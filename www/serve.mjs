// A small static server for the built page (www/dist):
//   node www/serve.mjs [--port 8080] [--host localhost] [--dir www/dist]
// Port 0 picks a free port. Prints the URL once listening. Sends the same
// Content-Security-Policy as the page's <meta> (workers get theirs from the
// response header only) and never serves anything outside the folder.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";

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

/** Serve `dir`; resolves to the listening http.Server. */
export function serve({ dir, port = 8080, host = "localhost" }) {
  const root = resolve(dir);
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "http://x");
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root + sep)) throw Object.assign(new Error(), { code: "ENOENT" });
      if ((await stat(path)).isDirectory()) path = join(path, "index.html");
      const body = await readFile(path);
      response.writeHead(200, {
        "content-type": TYPES[extname(path)] ?? "application/octet-stream",
        "content-security-policy": CSP,
        "x-content-type-options": "nosniff",
        "cache-control": "no-cache",
      });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch (error) {
      const missing = error.code === "ENOENT" || error.code === "ENOTDIR" || error instanceof URIError;
      response.writeHead(missing ? 404 : 500, { "content-type": "text/plain; charset=utf-8" });
      response.end(missing ? "not found\n" : "server error\n");
    }
  });
  return new Promise((resolveServer, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolveServer(server));
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
  try {
    const server = await serve({ dir, port, host });
    const { port: actual } = server.address();
    console.log(`mdx-preview live preview: http://${host}:${actual}/  (Ctrl-C to stop)`);
  } catch (error) {
    console.error(error.code === "EADDRINUSE" ? `port ${port} is in use: try PORT=<another>` : String(error));
    process.exit(1);
  }
}
