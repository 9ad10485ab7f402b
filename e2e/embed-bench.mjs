// Embedding benchmark (not a test; `./dev bench` runs it). A site built
// by `story build` on one origin, host pages on another, cold loads on
// loopback: milliseconds until the story's title is drawn on the host page
// (in its frame, or in the element's shadow root), median of 9, for
// - a plain-JS viewer of the same story (fetch, JSON.parse, DOM): the baseline;
// - the iframe of the story's embed page (what oEmbed hands a CMS);
// - the <story-viewer> element drawing the built story's HTML (goal: 1.2x);
// - the element reading the data (a story on another host than the viewer):
//   the viewer's wasm, then the story (the issue measured 1.7-1.8x);
// and ten of each on one page (until the tenth title).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { serve } from './server.mjs';
import { launch, DIST, HERE } from './harness.mjs';

const ROOT = path.resolve(HERE, '..');
execFileSync('cargo', ['build', '-q', '--release', '-p', 'story'], { cwd: ROOT, stdio: 'inherit' });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-embed-bench-'));
const out = path.join(work, 'out');
const site = await serve({ root: out, mount: '/news/', cors: true, csp: false });
const built = spawnSync(path.join(ROOT, 'target', 'release', 'story'),
  ['build', path.join(ROOT, 'static', 'samples'), '--out', out, '--url', site.url(), '--viewer', DIST], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(built.stdout + built.stderr);
// The same story on the host's own origin: the element reads it as data.
const hostRoot = path.join(work, 'host');
fs.cpSync(path.join(out, 'harbour-cranes'), path.join(hostRoot, 'data'), { recursive: true });

const FOLDER = 'harbour-cranes/';
const story = JSON.parse(fs.readFileSync(path.join(out, FOLDER, 'story.json'), 'utf8'));
const page = (head, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>${head}</head>` +
  `<body><h2>A host page</h2>${body}</body></html>`;
const many = (n, one) => Array.from({ length: n }, () => one).join('\n');
const plainJs = `await Promise.all([...document.querySelectorAll('.plain')].map(async (box) => {
  const r = await fetch(${JSON.stringify(site.url(`${FOLDER}story.json`))}); const s = await r.json();
  const a = document.createElement('article'); const h = document.createElement('h1'); h.textContent = s.title; a.append(h);
  if (s.dek) { const p = document.createElement('p'); p.textContent = s.dek; a.append(p); }
  for (const sec of s.sections) { if (sec.heading) { const h2 = document.createElement('h2'); h2.textContent = sec.heading; a.append(h2); }
    for (const b of sec.blocks) { const p = document.createElement('p');
      p.textContent = typeof b === 'string' ? b : Array.isArray(b) ? b.map((r) => typeof r === 'string' ? r : r.text).join('') : (b.text ?? ''); a.append(p); } }
  box.append(a);
}));`;
const kinds = {
  plain: (n) => page('<script type="module" src="/plain.js"></script>', many(n, '<div class="plain"></div>')),
  iframe: (n) => page('', many(n, `<iframe src="${site.url(`${FOLDER}embed.html`)}" width="600" height="800" sandbox="allow-scripts allow-popups"></iframe>`)),
  prerendered: (n) => page(`<script type="module" src="${site.url('embed.js')}"></script>`,
    many(n, `<story-viewer loading="eager" src="${site.url(`${FOLDER}story.json`)}"></story-viewer>`)),
  data: (n) => page(`<script type="module" src="${site.url('embed.js')}"></script>`,
    many(n, '<story-viewer loading="eager" src="/data/story.json"></story-viewer>')),
};
const extra = { '/plain.js': plainJs };
for (const [k, f] of Object.entries(kinds)) {
  extra[`/${k}-1.html`] = f(1);
  extra[`/${k}-10.html`] = f(10);
}
const host = await serve({ root: hostRoot, mount: '/', csp: false, extra });

const browser = await launch();
try {
  // Milliseconds from the host page's navigation until `n` titles are
  // drawn: every frame (the host's and the embeds') reports each title it
  // sees, by absolute time, through a binding (nothing is evaluated in the
  // pages while they load).
  const titles = async (url, n) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await context.newPage();
    const seen = [];
    let enough;
    const all = new Promise((resolve) => { enough = resolve; });
    await p.exposeBinding('__title', (_, t) => { seen.push(t); if (seen.length >= n) enough(); });
    // A MutationObserver on the document and on every shadow root as it is
    // attached: the same detection for every kind (animation frames do not
    // run in frames scrolled out of view).
    await p.addInitScript(`(${(title) => {
      const roots = [document];
      let reported = 0;
      const check = () => {
        let found = 0;
        for (const r of roots) for (const h of r.querySelectorAll('h1')) if (h.textContent.includes(title)) found++;
        for (; reported < found; reported++) window.__title(performance.timeOrigin + performance.now());
      };
      const watch = (r) => new MutationObserver(check).observe(r, { childList: true, subtree: true, characterData: true });
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) {
        const r = attach.call(this, init);
        roots.push(r);
        watch(r);
        return r;
      };
      watch(document);
    }})(${JSON.stringify(story.title)})`);
    await p.goto(url, { waitUntil: 'commit' });
    await all;
    const origin = await p.evaluate(() => performance.timeOrigin);
    await context.close();
    return seen.sort((a, b) => a - b)[n - 1] - origin;
  };
  const runs = 9;
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const times = {};
  for (let i = 0; i < runs; i++) {
    // In turn, so that every kind meets the same machine.
    for (const k of Object.keys(kinds)) {
      for (const n of [1, 10]) (times[`${k}-${n}`] ??= []).push(await titles(host.origin + `/${k}-${n}.html`, n));
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const names = { plain: 'plain-JS viewer (baseline)', iframe: 'iframe of the embed page', prerendered: 'element, built story (its HTML)', data: 'element, data only (wasm)' };
  console.log(`embeds on a host page of another origin: time to the story's title, cold loads on loopback (median of ${runs}):`);
  for (const [k, name] of Object.entries(names)) {
    const ratio = (n) => (m[`${k}-${n}`] / m[`plain-${n}`]).toFixed(2);
    console.log(`  ${name.padEnd(32)} one ${m[`${k}-1`].toFixed(0).padStart(4)} ms (${ratio(1)}x)   ten ${m[`${k}-10`].toFixed(0).padStart(4)} ms (${ratio(10)}x)`);
  }
  console.log('  goal: the element with a built story within 1.2x of the plain-JS viewer; the issue measured the element at 1.7-1.8x');
  const bytes = (f) => fs.statSync(path.join(out, f)).size;
  console.log(`  embed page ${bytes(`${FOLDER}embed.html`)} B + viewer.css ${bytes('viewer.css')} B + embed-frame.js ${bytes('embed-frame.js')} B, uncompressed; no wasm`);
} finally {
  await browser.close();
  await site.close();
  await host.close();
  fs.rmSync(work, { recursive: true, force: true });
}
