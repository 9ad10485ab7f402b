// The release build's precompressed files (scripts/precompress.mjs): every
// text asset has a .br and a .gz that decompress to exactly the asset, and
// the served viewer uses them (the other e2e tests run on them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve } from './server.mjs';
import { DIST } from './harness.mjs';

const files = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]);

test('every text asset ships as .br and .gz, each decompressing to the asset', () => {
  const all = files(DIST);
  const text = all.filter((f) => /\.(html|js|css|json|svg|wasm)$/.test(f));
  assert.ok(text.some((f) => f.endsWith('story-viewer_bg.wasm')), 'the wasm is among them');
  for (const f of text) {
    const body = fs.readFileSync(f);
    assert.deepEqual(zlib.brotliDecompressSync(fs.readFileSync(`${f}.br`)), body, `${f}.br`);
    assert.deepEqual(zlib.gunzipSync(fs.readFileSync(`${f}.gz`)), body, `${f}.gz`);
  }
  const wasm = path.join(DIST, 'story-viewer_bg.wasm');
  const ratio = fs.statSync(`${wasm}.br`).size / fs.statSync(wasm).size;
  assert.ok(ratio < 0.5, `brotli makes the wasm ${Math.round(ratio * 100)}% of its size`);
});

test('a host that serves them sends the brotli file to a browser that accepts it', async () => {
  const srv = await serve({ root: DIST, mount: '/' });
  try {
    const res = await fetch(srv.url('story-viewer_bg.wasm'), { headers: { 'Accept-Encoding': 'br' } });
    assert.equal(res.headers.get('content-encoding'), 'br');
    // fetch decompresses: the bytes are the wasm's.
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), fs.readFileSync(path.join(DIST, 'story-viewer_bg.wasm')));
  } finally { await srv.close(); }
});
