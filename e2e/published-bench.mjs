// Published pages benchmark (not a test; `./dev bench` runs it). Builds a
// site from the samples plus the story at the format's limits (50,000
// blocks, target/bench-story.json from the parse benchmark) with the
// release `story`, then prints, in one run:
// - time to the seed story's title: its built page (HTML from `story
//   build`) against the client-rendered viewer (`?src=`), cold loads on
//   loopback, medians;
// - the limit story's built page: main-thread tasks over 50 ms after the
//   HTML is parsed, with the viewer and with the viewer blocked (the
//   difference is what starting the viewer adds; goal: nothing over 50 ms).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve } from './server.mjs';
import { launch, openPage, DIST, HERE } from './harness.mjs';

const ROOT = path.resolve(HERE, '..');
const limitStory = path.join(ROOT, 'target', 'bench-story.json');
if (!fs.existsSync(limitStory)) throw new Error('run the parse benchmark first (./dev bench writes target/bench-story.json)');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-published-bench-'));
const site = path.join(work, 'site');
const out = path.join(work, 'out');
fs.cpSync(path.join(ROOT, 'static', 'samples'), site, { recursive: true });
fs.rmSync(path.join(site, 'stories.json'));
fs.mkdirSync(path.join(site, 'limit'));
// Its 10,000 images: links to one small sample image (the build checks that each exists).
const limit = JSON.parse(fs.readFileSync(limitStory, 'utf8'));
fs.writeFileSync(path.join(site, 'limit', 'story.json'), JSON.stringify(limit));
fs.mkdirSync(path.join(site, 'limit', 'img'));
const png = path.join(site, 'night-trains', 'hero-600.png');
for (const s of limit.sections) {
  for (const b of s.blocks) if (b.type === 'image') fs.linkSync(png, path.join(site, 'limit', b.src));
}
const t0 = Date.now();
execFileSync(path.join(ROOT, 'target', 'release', 'story'),
  ['build', site, '--out', out, '--url', 'https://bench.example/', '--viewer', DIST], { stdio: 'inherit' });
const limitPage = fs.statSync(path.join(out, 'limit', 'index.html')).size;
console.log(`built in ${Date.now() - t0} ms; the limit story's page: ${(limitPage / 1e6).toFixed(1)} MB of HTML ` +
  `(${limit.sections.reduce((n, s) => n + s.blocks.length, 0)} blocks)`);

const pub = await serve({ root: out, mount: '/' });
const viewer = await serve({ root: DIST, mount: '/' });
const browser = await launch();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const title = 'Harbour cranes go electric';
  const titleTime = async (url) => {
    const { page, context } = await openPage(browser);
    await page.addInitScript((title) => {
      const look = () => {
        const h = document.querySelector('h1');
        if (h && h.textContent.includes(title)) { window.__title = performance.now(); return true; }
        return false;
      };
      new MutationObserver((_, obs) => { if (look()) obs.disconnect(); }).observe(document, { childList: true, subtree: true });
    }, title);
    await page.goto(url);
    await page.waitForFunction(() => window.__title !== undefined);
    const t = await page.evaluate(() => window.__title);
    await context.close();
    return t;
  };
  const runs = 9;
  const built = [], client = [];
  for (let i = 0; i < runs; i++) {
    built.push(await titleTime(pub.url('harbour-cranes/')));
    client.push(await titleTime(viewer.url('?src=samples/harbour-cranes/story.json')));
  }
  console.log(`time to the seed story's title, cold loads on loopback (median of ${runs}):`);
  console.log(`  built page ${median(built).toFixed(0)} ms, client-rendered viewer ${median(client).toFixed(0)} ms ` +
    `(${(median(client) / median(built)).toFixed(1)}x)`);

  // Long tasks on the limit page, after the HTML is parsed.
  const tasks = async (blockViewer) => {
    const { page, context } = await openPage(browser, { width: 390, height: 844 });
    if (blockViewer) await page.route('**/embed.js', (r) => r.abort());
    await page.addInitScript(() => {
      window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); })
        .observe({ type: 'longtask', buffered: true });
    });
    await page.goto(pub.url('limit/'), { waitUntil: 'load', timeout: 120000 });
    if (!blockViewer) {
      await page.waitForFunction(() => {
        const all = document.querySelectorAll('[data-sv-island]').length;
        return all > 0 && document.querySelectorAll('.sv-live').length === all;
      }, null, { timeout: 120000 });
    }
    await page.waitForTimeout(1000);
    const r = await page.evaluate(() => {
      const parsed = performance.getEntriesByType('navigation')[0].domInteractive;
      return {
        parsed,
        islands: document.querySelectorAll('.sv-live').length,
        after: window.__long.filter(([s]) => s >= parsed).map(([, d]) => Math.round(d)),
        before: window.__long.filter(([s]) => s < parsed).map(([, d]) => Math.round(d)),
      };
    });
    await context.close();
    return r;
  };
  for (let i = 0; i < 2; i++) {
    const on = await tasks(false), off = await tasks(true);
    console.log(`the limit story's built page, run ${i + 1}: HTML parsed at ${on.parsed.toFixed(0)} ms ` +
      `(the browser's own tasks while parsing: ${on.before.length}, longest ${Math.max(0, ...on.before)} ms)`);
    console.log(`  tasks over 50 ms after parsing: with the viewer [${on.after.join(', ')}] ms ` +
      `(${on.islands} controls drawn), viewer blocked [${off.after.join(', ')}] ms`);
  }
} finally {
  await browser.close();
  await pub.close();
  await viewer.close();
  fs.rmSync(work, { recursive: true, force: true });
}
