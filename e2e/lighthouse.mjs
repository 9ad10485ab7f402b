// Lighthouse 12 (mobile, its default throttling) on a built site and on the
// client-rendered viewer, in one run (not a test; `./dev bench` runs it).
// Prints each page's four scores with its largest contentful paint, total
// blocking time and layout shift. Goal for built pages: performance 98 or
// more, accessibility and SEO 100.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { serve } from './server.mjs';
import { DIST, HERE } from './harness.mjs';

const ROOT = path.resolve(HERE, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-lighthouse-'));
const pub = await serve({ root: path.join(work, 'out') });
execFileSync(path.join(ROOT, 'target', 'release', 'story'),
  ['build', path.join(ROOT, 'static', 'samples'), '--out', path.join(work, 'out'), '--url', pub.url(), '--viewer', DIST],
  { stdio: 'inherit' });
const viewer = await serve({ root: DIST });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
try {
  const pages = [
    ['built story page', pub.url('harbour-cranes/')],
    ['built catalog page', pub.url()],
    ['built long read', pub.url('river-restoration/')],
    ['client-rendered story (?src=)', viewer.url('?src=samples/harbour-cranes/story.json')],
  ];
  console.log('Lighthouse 12, mobile (performance / accessibility / best practices / SEO):');
  for (const [name, url] of pages) {
    const { lhr } = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' });
    const s = Object.values(lhr.categories).map((c) => Math.round(c.score * 100)).join(' / ');
    const a = (id) => lhr.audits[id].displayValue;
    console.log(`  ${name.padEnd(30)} ${s}; LCP ${a('largest-contentful-paint')}, TBT ${a('total-blocking-time')}, CLS ${a('cumulative-layout-shift')}`);
  }
} finally {
  await chrome.kill();
  await pub.close();
  await viewer.close();
  fs.rmSync(work, { recursive: true, force: true });
}
