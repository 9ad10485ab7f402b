// `story serve` as an author uses it (#24): a site of N generated stories
// (10,000 unless given: `node serve-bench.mjs 3`), the release `story serve`,
// one story's page open in Chromium, and ten saves of that story's
// story.json. Prints the time from each save to the reloaded page showing
// the change, and what the server says it did (the story's own pages
// first, then the whole site).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, HERE, DIST } from './harness.mjs';

const N = Number(process.argv[2] || 10_000);
const SAVES = 10;
const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const tmp = fs.mkdtempSync(path.join(base, 'story-serve-bench-'));
const site = path.join(tmp, 'site');
const story = (i, title) => JSON.stringify({
  format: 'story/1', id: `s${i}`, lang: 'en', title,
  published: new Date(Date.UTC(2026, 10, 30) - i * 600_000).toISOString().replace('.000', ''),
  tags: [i % 2 ? 'Ports' : 'Energy'],
  sections: [{ heading: 'What happened', blocks: [`Report number ${i} from the harbour.`, 'The cranes stood still all week.'] }],
});
const folder = (i) => path.join(site, String(Math.floor(i / 1000)).padStart(3, '0'), `s${i}`);
for (let i = 0; i < N; i++) {
  fs.mkdirSync(folder(i), { recursive: true });
  fs.writeFileSync(path.join(folder(i), 'story.json'), story(i, `Harbour report ${i}`));
}
const root = path.resolve(HERE, '..');
execFileSync('cargo', ['build', '--release', '-q', '-p', 'story'], { cwd: root, stdio: 'inherit' });

const t0 = Date.now();
const log = [];
const phases = [];
const painted = [];
const server = spawn(path.join(root, 'target', 'release', 'story'),
  ['serve', site, '--port', '0', '--viewer', DIST, '--cache', path.join(tmp, 'cache')], { stdio: ['ignore', 'ignore', 'pipe'] });
let err = '';
let partial = '';
server.stderr.on('data', (d) => {
  err += d;
  const lines = (partial + d).split('\n');
  partial = lines.pop();
  for (const line of lines.filter(Boolean)) log.push([Date.now(), line]);
});
const url = await new Promise((resolve, reject) => {
  const poll = setInterval(() => {
    const m = err.match(/story serve: (http:\/\/127\.0\.0\.1:\d+\/)/);
    if (m) { clearInterval(poll); resolve(m[1]); }
  }, 20);
  server.on('exit', (code) => reject(new Error(`story serve exited ${code}: ${err}`)));
});
console.log(`story serve, ${N.toLocaleString('en')} stories: serving after ${Date.now() - t0} ms (${log.map(([, l]) => l).find((l) => /built/.test(l))})`);

const browser = await launch();
const times = [];
try {
  const { page } = await openPage(browser);
  const i = Math.floor(N / 2);
  const rel = path.relative(site, folder(i)).split(path.sep).join('/');
  await page.goto(`${url}${rel}/`);
  await page.getByRole('heading', { level: 1, name: `Harbour report ${i}` }).waitFor();
  for (let k = 1; k <= SAVES; k++) {
    // Each save after the last one's whole build, as an author saves.
    const built = log.filter(([, l]) => /built/.test(l)).length;
    const saved = Date.now();
    fs.writeFileSync(path.join(folder(i), 'story.json'), story(i, `Harbour report ${i}, take ${k}`));
    await page.getByRole('heading', { level: 1, name: `Harbour report ${i}, take ${k}` }).waitFor({ timeout: 60_000 });
    times.push(Date.now() - saved);
    const nav = await page.evaluate(async () => {
      const n = performance.getEntriesByType('navigation')[0];
      const paint = await new Promise((done) => {
        const o = new PerformanceObserver((list) => {
          const e = list.getEntriesByName('first-contentful-paint')[0];
          if (e) { o.disconnect(); done(e.startTime); }
        });
        o.observe({ type: 'paint', buffered: true });
      });
      return [performance.timeOrigin, n.responseEnd, paint];
    });
    painted.push(Math.round(nav[0] + nav[2] - saved));
    phases.push(`reload at +${Math.round(nav[0] - saved)}, page received +${Math.round(nav[0] + nav[1] - saved)}, painted +${Math.round(nav[0] + nav[2] - saved)}`);
    while (log.filter(([, l]) => /built/.test(l)).length === built) await new Promise((r) => setTimeout(r, 20));
    const said = log.filter(([t]) => t >= saved).map(([t, l]) => `+${t - saved} ms ${l.replace('story serve: ', '')}`);
    if (k === 1) console.log(`  the first save: ${said.join('; ')}`);
  }
} finally {
  await browser.close();
  server.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
}
const summary = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  return `median ${sorted[list.length >> 1]} ms, fastest ${sorted[0]} ms, slowest ${sorted[list.length - 1]} ms (${list.join(', ')})`;
};
console.log(`  in the page (ms after each save): ${phases.slice(0, 3).join('; ')}`);
console.log(`story serve, ${N.toLocaleString('en')} stories: save to the reloaded page's first paint, ${SAVES} saves: ${summary(painted)}`);
console.log(`story serve, ${N.toLocaleString('en')} stories: save to the change seen by Playwright, ${SAVES} saves: ${summary(times)}`);
