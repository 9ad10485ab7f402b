// Serves a site built by `story build` as a static host would (the same
// server the end-to-end tests use: no rewrites, the README's strict
// Content-Security-Policy, precompressed files when present), for a look
// before deploying. Run by `./dev preview`.
//
//   node scripts/preview.mjs DIR [PORT]
import { serve } from '../e2e/server.mjs';

const [dir, port = '8080'] = process.argv.slice(2);
if (!dir) throw new Error('usage: node scripts/preview.mjs DIR [PORT]');
const srv = await serve({ root: dir, port: Number(port) });
console.log(`serving ${dir} at ${srv.url()} (Ctrl-C to stop)`);
