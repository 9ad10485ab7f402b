// Minifies the viewer's JS and CSS, then writes FILE.br (brotli, quality 11) and FILE.gz (gzip, level 9) beside
// every text asset of a release build, so that a static host can serve
// them as they are (nginx gzip_static/brotli_static, Caddy's `precompressed`,
// Apache with mod_rewrite: see the README) instead of compressing on each
// request, or not at all. Run by trunk after each release build (Trunk.toml,
// post_build hook), in trunk's staging folder; a debug build is left alone.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { shortenImports } from './short-imports.mjs';

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) throw new Error('usage: node precompress.mjs DIR (or run by trunk)');
if (process.env.TRUNK_PROFILE && process.env.TRUNK_PROFILE !== 'release') process.exit(0);

// First the names the wasm imports from its glue are shortened in both
// files (short-imports.mjs: 3 KB of brotli less).
const glue = path.join(dir, 'story-viewer.js');
const module = path.join(dir, 'story-viewer_bg.wasm');
if (fs.existsSync(glue) && fs.existsSync(module)) {
  console.log(`shortened the names of ${shortenImports(module, glue)} imports`);
}

// Then the viewer's own text files are minified (esbuild, from e2e/'s
// pinned packages, as wasm-opt is): comments and spaces out, and the
// wasm-bindgen glue's local names shortened; 6.2 KB of brotli less in all
// (docs/perf.md, "Size"). embed.js keeps its names and syntax: `story build`
// sets one constant in it (`const BUILT_SITE=false;`).
const esbuildPath = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../e2e/node_modules/esbuild/lib/main.js');
if (!fs.existsSync(esbuildPath)) throw new Error(`${esbuildPath}: missing; run ./dev build (it installs e2e/'s packages)`);
const { transformSync } = await import(esbuildPath);
const MINIFY = {
  'story-viewer.js': { minify: true, format: 'esm', loader: 'js' },
  'reading.js': { minify: true, loader: 'js' },
  'embed-frame.js': { minify: true, loader: 'js' },
  'embed.js': { minifyWhitespace: true, format: 'esm', loader: 'js' },
  'viewer.css': { minify: true, loader: 'css' },
};
for (const [name, options] of Object.entries(MINIFY)) {
  const p = path.join(dir, name);
  if (!fs.existsSync(p)) continue;
  const { code } = transformSync(fs.readFileSync(p, 'utf8'), { ...options, legalComments: 'none', target: 'es2020' });
  if (name === 'embed.js' && !code.includes('const BUILT_SITE=false;')) throw new Error('embed.js: the BUILT_SITE constant did not survive minification');
  fs.writeFileSync(p, code);
}

const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.wasm', '.txt', '.xml']);
let files = 0, before = 0, after = 0;
const walk = (d) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) { walk(p); continue; }
    if (!TEXT.has(path.extname(p))) continue;
    const body = fs.readFileSync(p);
    const br = zlib.brotliCompressSync(body, { params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
    const gz = zlib.gzipSync(body, { level: 9 });
    // Only where it helps: a tiny file can grow.
    if (br.length < body.length) fs.writeFileSync(`${p}.br`, br);
    if (gz.length < body.length) fs.writeFileSync(`${p}.gz`, gz);
    files += 1; before += body.length; after += br.length;
  }
};
walk(dir);
console.log(`precompressed ${files} files: ${(before / 1024).toFixed(0)} KB, ${(after / 1024).toFixed(0)} KB as brotli`);
