// Browser benchmark (not a test): parse + validate in wasm beside the
// browser's own JSON.parse of the same text, in the same page, on a story at
// the format's limits (50,000 blocks, ~7.9 MiB; written by
// `cargo run --release -p story-format --example bench -- --write ../target/bench-story.json`).
// The two run in turn (after 3 warm-up rounds), so both meet the same heap
// and garbage collector; prints the median and the fastest of 21 runs of
// each, and both ratios. JSON.parse's times spread (its garbage is collected
// during later runs) while the wasm's stay within ~1 ms. Run with `./dev bench`.
//
// Then catalog search: a catalog of 10,000 entries (Latin, Chinese and
// Arabic text), a query typed one key at a time; for each keystroke, the time
// from the input event to the new count on screen, the longest task from the
// catalog shown to the last keystroke (goal: none over 50 ms), and, as a baseline in the same page, a
// plain-JS filter of the same entries (lower-case, NFKD, no marks, includes).
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, openPage, DIST, HERE } from './harness.mjs';
import { bigCatalog } from './big-story.mjs';

const file = (name) => fs.readFileSync(path.resolve(HERE, '..', 'target', name));
const srv = await serve({ root: DIST, mount: '/', extra: {
  '/bench/story.json': file('bench-story.json'),
  '/bench/quarter.json': file('bench-story-quarter.json'),
  '/bench/catalog.json': bigCatalog(10_000),
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

  // Catalog search, one keystroke at a time.
  const { page: p2 } = await openPage(browser);
  await p2.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration)))
      .observe({ type: 'longtask', buffered: true });
  });
  await p2.goto(srv.url('?src=/bench/catalog.json'));
  await p2.getByRole('heading', { level: 1, name: 'Ten thousand' }).waitFor();
  const loading = await p2.evaluate(() => {
    const tasks = window.__long;
    window.__long = [];
    window.__keys = [];
    const count = document.querySelector('.sv-count');
    let t0 = 0;
    document.addEventListener('input', () => { t0 = performance.now(); }, true);
    new MutationObserver(() => { if (t0) { window.__keys.push(performance.now() - t0); t0 = 0; } })
      .observe(count, { childList: true, subtree: true, characterData: true });
    return tasks;
  });
  const query = 'harbour cr';
  // A reader takes a moment to reach the field: by then the entries are
  // folded (in tasks of 1,500 from the moment the catalog is shown); a
  // search typed sooner folds what is left at once.
  await p2.waitForTimeout(1000);
  await p2.getByRole('searchbox').focus();
  for (const key of query) {
    const before = await p2.locator('.sv-count').textContent();
    await p2.keyboard.type(key);
    if (key !== ' ') await p2.waitForFunction((b) => document.querySelector('.sv-count').textContent !== b, before);
  }
  const typed = await p2.evaluate(() => ({ keys: window.__keys, long: window.__long }));
  const baseline = await p2.evaluate(async (q) => {
    const data = await (await fetch('/bench/catalog.json')).json();
    const fold = (s) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    const t = performance.now();
    const text = data.stories.map((e) => fold([e.title, e.dek, e.source.name, ...e.tags].join('\u001f')));
    const build = performance.now() - t;
    const times = [];
    for (let i = 1; i <= q.length; i++) {
      const words = fold(q.slice(0, i)).split(/\s+/).filter(Boolean);
      const s = performance.now();
      text.filter((x) => words.every((w) => x.includes(w)));
      times.push(performance.now() - s);
    }
    return { build, times };
  }, query);
  const count = await p2.locator('.sv-count').textContent();
  const ms = (a) => a.map((x) => x.toFixed(1)).join(', ');
  console.log(`catalog of 10,000 entries, loading it until its first page is shown: ${loading.length ? loading.map((d) => d.toFixed(0)).join(', ') + ' ms tasks' : 'no task over 50 ms'}`);
  console.log(`catalog search, 10,000 entries, typing "${query}" (${count}):`);
  console.log(`  viewer, input to new count, per keystroke: ${ms(typed.keys)} ms (entries folded ahead, 1,500 a task, once the catalog is shown; was 39-66 ms for the first keystroke, which folded them all)`);
  console.log(`  longest task from the catalog shown to the last keystroke: ${typed.long.length ? Math.max(...typed.long).toFixed(0) + ' ms' : 'none over 50 ms'} (goal: none over 50 ms)`);
  console.log(`  plain-JS baseline, filter only: ${ms(baseline.times)} ms; folding every entry once ${baseline.build.toFixed(1)} ms`);
} finally {
  await browser.close();
  await srv.close();
}
