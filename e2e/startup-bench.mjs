// Startup benchmark (not a test; `./dev bench` runs it after the parse
// benchmark). Prints, in one run, beside their baselines and the figures
// the startup issue started from:
// - app code: the viewer's wasm, JS and CSS as brotli (goal: 150 KB; was 203 + 8 KB);
// - time to the seed story's title, cold loads on loopback: this viewer,
//   a plain-JS viewer of the same story (fetch, JSON.parse, DOM; a page the
//   bench writes for itself), and the story as static HTML
//   (goal: within 1.2x of the plain-JS viewer; was 1.84x);
// - the 50,000-block story: tasks over 50 ms from its request to its last block;
// - embeds: requests made by a page whose element is far below the fold.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve } from './server.mjs';
import { launch, openPage, DIST } from './harness.mjs';
import { bigStory, recordLongTasks } from './big-story.mjs';

const brotli = (f) => zlib.brotliCompressSync(fs.readFileSync(path.join(DIST, f)), {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const parts = ['story-viewer_bg.wasm', 'story-viewer.js', 'viewer.css', 'embed.js', 'reading.js'];
const sizes = parts.map((f) => [f, brotli(f)]);
const total = sizes.reduce((a, [, n]) => a + n, 0);
console.log('app code, brotli (goal: 150 KB; the issue started at 203 KB wasm + 8 KB JS):');
for (const [f, n] of sizes) console.log(`  ${f.padEnd(22)} ${(n / 1000).toFixed(1).padStart(6)} KB`);
console.log(`  ${'total'.padEnd(22)} ${(total / 1000).toFixed(1).padStart(6)} KB`);

// The seed story three ways.
const storyPath = 'samples/harbour-cranes/story.json';
const story = JSON.parse(fs.readFileSync(path.join(DIST, storyPath), 'utf8'));
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const plainJs = `const r = await fetch('${storyPath}'); const s = await r.json();
const a = document.createElement('article'); const h = document.createElement('h1'); h.textContent = s.title; a.append(h);
if (s.dek) { const p = document.createElement('p'); p.textContent = s.dek; a.append(p); }
for (const sec of s.sections) { if (sec.heading) { const h2 = document.createElement('h2'); h2.textContent = sec.heading; a.append(h2); }
  for (const b of sec.blocks) { const p = document.createElement('p');
    p.textContent = typeof b === 'string' ? b : Array.isArray(b) ? b.map((r) => typeof r === 'string' ? r : r.text).join('') : (b.text ?? ''); a.append(p); } }
document.body.append(a);`;
const page = (head, body = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench</title>${head}</head><body>${body}</body></html>`;
const staticBody = `<article><h1>${esc(story.title)}</h1><p>${esc(story.dek ?? '')}</p>${story.sections.map((s) =>
  (s.heading ? `<h2>${esc(s.heading)}</h2>` : '') + s.blocks.map((b) => `<p>${esc(typeof b === 'string' ? b : Array.isArray(b)
    ? b.map((r) => typeof r === 'string' ? r : r.text).join('') : b.text ?? '')}</p>`).join('')).join('')}</article>`;
const srv = await serve({ root: DIST, mount: '/', extra: {
  '/plain.html': page('<link rel="stylesheet" href="viewer.css"><script type="module" src="plain.js"></script>'),
  '/plain.js': plainJs,
  // The floor of this design: the viewer's JS and wasm downloaded,
  // compiled and instantiated, then the title written by plain JS.
  '/floor.html': page('<link rel="stylesheet" href="viewer.css"><link rel="preload" href="story-viewer_bg.wasm" as="fetch" type="application/wasm" crossorigin><script type="module" src="floor.js"></script>'),
  '/floor.js': `import init from './story-viewer.js'; await init({ module_or_path: 'story-viewer_bg.wasm' });
const h = document.createElement('h1'); h.textContent = ${JSON.stringify(story.title)}; document.body.append(h);`,
  '/static.html': page('<link rel="stylesheet" href="viewer.css">', staticBody),
  '/far.html': page('<link rel="stylesheet" href="bench.css"><script type="module" src="embed.js"></script>',
    `<div class="spacer"></div><story-viewer src="${storyPath}"></story-viewer>`),
  '/bench.css': '.spacer { height: 4000px; }',
  '/one.html': page('<script type="module" src="embed.js"></script>', `<story-viewer src="${storyPath}"></story-viewer>`),
  '/ten.html': page('<script type="module" src="embed.js"></script>',
    Array.from({ length: 10 }, () => `<story-viewer loading="eager" src="${storyPath}"></story-viewer>`).join('')),
  '/big/story.json': JSON.stringify(bigStory()),
} });

const browser = await launch();
try {
  // Milliseconds from navigation start until `watch` (run in the page
  // before its own scripts, given `story.title` and `done`) calls `done`.
  // The page reports through a binding: nothing is evaluated in the page
  // while it loads (Playwright's first evaluate injects a script of its own
  // that takes ~10 ms of the main thread).
  const timeUntil = async (url, watch) => {
    const { page: p, context } = await openPage(browser);
    let report;
    const seen = new Promise((resolve) => { report = resolve; });
    await p.exposeFunction('__done', (t) => report(t));
    await p.addInitScript(`(${watch})(${JSON.stringify(story.title)}, () => window.__done(performance.now()))`);
    await p.goto(url, { waitUntil: 'commit' });
    const t = await seen;
    await context.close();
    return t;
  };
  // The story's title in the page.
  const titleTime = (url) => timeUntil(url, (title, done) => {
    new MutationObserver((_, obs) => {
      const h = document.querySelector('h1');
      if (h && h.textContent.includes(title)) { obs.disconnect(); done(); }
    }).observe(document, { childList: true, subtree: true });
  });
  const runs = 9;
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const times = { viewer: [], plain: [], static: [], floor: [] };
  for (let i = 0; i < runs; i++) {
    // In turn, so that all three meet the same machine.
    times.viewer.push(await titleTime(srv.url(`?src=${storyPath}`)));
    times.plain.push(await titleTime(srv.url('plain.html')));
    times.static.push(await titleTime(srv.url('static.html')));
    times.floor.push(await titleTime(srv.url('floor.html')));
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  console.log(`time to the seed story's title, cold loads on loopback (median of ${runs}):`);
  console.log(`  this viewer ${m.viewer.toFixed(0)} ms, plain-JS viewer ${m.plain.toFixed(0)} ms, static HTML ${m.static.toFixed(0)} ms`);
  console.log(`  ratio to the plain-JS viewer: ${(m.viewer / m.plain).toFixed(2)}x (goal: 1.2x; the issue started at 1.84x: 187 / 102 ms)`);
  console.log(`  floor: this viewer's wasm instantiated, then the title by plain JS: ${m.floor.toFixed(0)} ms (${(m.floor / m.plain).toFixed(2)}x)`);

  // The story at the limits, client-rendered: long tasks from the moment
  // the story is asked for until its last block is drawn.
  for (let i = 0; i < 3; i++) {
    const { page: p, context } = await openPage(browser);
    await p.addInitScript(recordLongTasks);
    const start = Date.now();
    await p.goto(srv.url('?src=/big/story.json'), { waitUntil: 'commit' });
    await p.getByRole('heading', { level: 1, name: 'A story at the limits' }).waitFor();
    const first = Date.now() - start;
    await p.waitForFunction(() => document.querySelector('article[aria-busy="false"]'), null, { polling: 1000, timeout: 120_000 });
    const all = Date.now() - start;
    const { tasks, asked } = await p.evaluate(() => ({ tasks: window.__longTasks,
      asked: performance.getEntriesByType('resource').find((r) => r.name.endsWith('/big/story.json')).startTime }));
    const after = tasks.filter((t) => t.start + t.duration > asked).map((t) => Math.round(t.duration));
    if (i === 0) console.log('the 50,000-block story, client-rendered (goal: no task over 50 ms; the issue started with one of ~180 ms):');
    console.log(`  first screen ${first} ms, all drawn ${all} ms; tasks over 50 ms from the request on: ${after.length ? after.join(', ') + ' ms' : 'none'}`);
    await context.close();
  }

  // Embeds: one element, and ten on one page, each drawing the story
  // (times to the last title; the ten share one load of the viewer).
  const embedsDrawn = (url) => timeUntil(url, (title, done) => {
    const poll = () => {
      const all = [...document.querySelectorAll('story-viewer')];
      if (all.length && all.every((e) => e.shadowRoot?.querySelector('h1')?.textContent.includes(title))) done();
      else requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  });
  const embeds = { one: [], ten: [] };
  for (let i = 0; i < runs; i++) {
    embeds.one.push(await embedsDrawn(srv.url('one.html')));
    embeds.ten.push(await embedsDrawn(srv.url('ten.html')));
  }
  const [one, ten] = [median(embeds.one), median(embeds.ten)];
  console.log(`embeds, every title drawn (median of ${runs}): one element ${one.toFixed(0)} ms, ten on one page ${ten.toFixed(0)} ms (${(ten / one).toFixed(2)}x)`);

  const { page: p, context } = await openPage(browser);
  const asked = [];
  p.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await p.goto(srv.url('far.html'));
  await p.waitForLoadState('networkidle');
  console.log(`embed far below the fold: ${asked.length} requests before scrolling (${asked.join(', ')})`);
  await context.close();
} finally {
  await browser.close();
  await srv.close();
}
