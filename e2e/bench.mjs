// Browser benchmark (not a test): parse + validate in wasm beside the
// browser's own JSON.parse of the same text, in the same page, on a story at
// the format's limits (50,000 blocks, ~7.9 MiB; written by
// `cargo run --release -p story-format --example bench -- --write ../target/bench-story.json`).
// The two run in turn (after 3 warm-up rounds), so both meet the same heap
// and garbage collector; prints the median and the fastest of 21 runs of
// each, and both ratios. JSON.parse's times spread (its garbage is collected
// during later runs) while the wasm's stay within ~1 ms. Run with `./dev bench`.
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, openPage, DIST, HERE } from './harness.mjs';

const file = (name) => fs.readFileSync(path.resolve(HERE, '..', 'target', name));
const srv = await serve({ root: DIST, mount: '/', extra: {
  '/bench/story.json': file('bench-story.json'),
  '/bench/quarter.json': file('bench-story-quarter.json'),
} });
const browser = await launch();
try {
  const { page } = await openPage(browser);
  await page.goto(srv.url(''));
  await page.getByRole('heading', { level: 1 }).waitFor();
  const result = await page.evaluate(async () => {
    const { checkDocument } = await import('./story-viewer.js');
    const load = async (name) => {
      const url = new URL(`/bench/${name}`, location.href).href;
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      return { url, bytes, text: new TextDecoder().decode(bytes) };
    };
    const time = (f) => { const t = performance.now(); f(); return performance.now() - t; };
    const sorted = (a) => [...a].sort((x, y) => x - y);
    const measure = ({ url, bytes, text }) => {
      const errors = checkDocument(bytes, url);
      for (let i = 0; i < 3; i++) { JSON.parse(text); checkDocument(bytes, url); }
      const js = [], wasm = [];
      for (let i = 0; i < 21; i++) {
        js.push(time(() => JSON.parse(text)));
        wasm.push(time(() => checkDocument(bytes, url)));
      }
      return { mib: bytes.length / 1048576, errors, js: sorted(js), wasm: sorted(wasm) };
    };
    const full = measure(await load('story.json'));
    const quarter = measure(await load('quarter.json'));
    return { ...full, quarter };
  });
  if (result.errors !== 0 || result.quarter.errors !== 0) throw new Error('the benchmark stories have errors');
  const median = (a) => a[a.length >> 1];
  const fmt = (a) => `${median(a).toFixed(2).padStart(7)} ms median, ${a[0].toFixed(2).padStart(6)} ms fastest`;
  console.log(`story: ${result.mib.toFixed(2)} MiB, 50000 blocks (Chromium, ${result.js.length} runs each, in turn)`);
  console.log(`JSON.parse (text, baseline):   ${fmt(result.js)}`);
  console.log(`wasm parse + validate (bytes): ${fmt(result.wasm)}`);
  console.log(`ratio wasm / JSON.parse: ${(median(result.wasm) / median(result.js)).toFixed(2)}x by medians, ${(result.wasm[0] / result.js[0]).toFixed(2)}x fastest to fastest (goal: within 1.5x)`);
  const q = result.quarter;
  console.log(`linearity (full / quarter by medians; 4.00 is linear): wasm ${(median(result.wasm) / median(q.wasm)).toFixed(2)}, JSON.parse ${(median(result.js) / median(q.js)).toFixed(2)}`);
} finally {
  await browser.close();
  await srv.close();
}
