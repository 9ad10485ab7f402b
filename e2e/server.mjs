// A plain static file server for dist/, as a static host would serve it:
// no rewrites (a missing file is a 404), `.wasm` as `application/wasm`, and
// optionally the strict Content-Security-Policy from the README. `mount`
// puts dist/ under a sub-path; `routes` adds programmable answers for
// failure tests. Listens on loopback only, on a free port.
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The README's policy for a built site's embed pages: any page may frame them. */
export const embedCsp = () => CSP.replace("frame-ancestors 'self'", 'frame-ancestors *');

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "media-src 'self' https:",
  "connect-src 'self' https:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
].join('; ');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.webp': 'image/webp',
  '.webm': 'video/webm', '.mp4': 'video/mp4', '.vtt': 'text/vtt; charset=utf-8', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8',
};

/**
 * @param {{root: string, mount?: string, csp?: boolean | string, cors?: boolean, routes?: Record<string, (req, res) => void>, extra?: Record<string, string>}} opts
 *   root: folder served; mount: URL prefix ("/a/b/viewer/"); csp: true for the README's policy, a
 *   policy of its own, or a function of the path giving either; cors: allow any origin (viewer files served to another origin's page);
 *   routes: exact paths answered by a function; extra: exact paths answered with the given content;
 *   port: 0 for any free one.
 */
export async function serve({ root, mount = '/', csp = true, cors = false, routes = {}, extra = {}, port = 0 }) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const headers = {};
    const policy = typeof csp === 'function' ? csp(url.pathname) : csp;
    if (policy) headers['Content-Security-Policy'] = policy === true ? CSP : policy;
    if (cors) headers['Access-Control-Allow-Origin'] = '*';
    if (routes[url.pathname]) return routes[url.pathname](req, res, headers);
    if (url.pathname in extra) {
      const type = TYPES[path.extname(url.pathname)] ?? 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type });
      return res.end(extra[url.pathname]);
    }
    if (!url.pathname.startsWith(mount)) { res.writeHead(404, headers); return res.end('not found'); }
    let rel = decodeURIComponent(url.pathname.slice(mount.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, rel);
    if (!file.startsWith(path.resolve(root))) { res.writeHead(403, headers); return res.end(); }
    try {
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      // As nginx's brotli_static/gzip_static: the precompressed file, when
      // the build wrote one and the browser accepts it.
      const accepts = req.headers['accept-encoding'] ?? '';
      for (const [enc, ext] of [['br', '.br'], ['gzip', '.gz']]) {
        if (!accepts.includes(enc)) continue;
        const packed = await fs.readFile(file + ext).catch(() => null);
        if (packed) {
          res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Encoding': enc, Vary: 'Accept-Encoding' });
          return res.end(packed);
        }
      }
      const body = await fs.readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': type });
      res.end(body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, url: (p = '') => origin + mount + p, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}
