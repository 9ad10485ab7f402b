// Shared set-up for the end-to-end tests: Debian's Chromium through
// playwright-core, a page that fails its test on any console error,
// uncaught exception or Content-Security-Policy violation, and screenshots
// written to e2e/screenshots/ for people to look at.
import { chromium } from 'playwright-core';
import { execFileSync, spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DIST = path.resolve(HERE, '..', 'dist');
export const SHOTS = path.join(HERE, 'screenshots');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
}

/**
 * A fresh page whose problems are collected in `problems`: console errors,
 * uncaught exceptions and CSP violations. Tests assert it stays empty.
 * `allow` lists URL substrings whose HTTP errors a test expects (a 404 it asked for).
 */
export async function openPage(browser, { width = 1280, height = 900, colorScheme = 'light', allow = [], javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, javaScriptEnabled });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    // A failed request is reported below, with its URL.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !allow.some((a) => r.url().includes(a))) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { page, context, problems };
}

/**
 * Runs `body({ page, context, problems })` on a fresh page (opened at
 * `opts.url` when given), then checks that the page had no problems, and
 * closes its context whatever happened. `opts` as for `openPage`.
 */
export async function withPage(browser, opts, body) {
  const p = await openPage(browser, opts);
  try {
    if (opts.url) await p.page.goto(opts.url);
    const out = await body(p);
    assert.deepEqual(p.problems, []);
    return out;
  } finally {
    await p.context.close();
  }
}

/** Resolves once the element with this id has its top inside the viewport. */
export function waitInViewport(page, id) {
  return page.waitForFunction((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return r.top >= 0 && r.top < window.innerHeight;
  }, id);
}

/** The WCAG levels axe-core checks: 2.0, 2.1 and 2.2, A and AA. */
export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  // A full-page shot shows the whole article, so lazy images below the fold
  // are loaded first (a reader scrolling there would see them load).
  await page.evaluate(async () => {
    const images = [...document.images];
    for (const img of images) img.loading = 'eager';
    // decode(): loaded and ready to paint (the images decode asynchronously).
    const ready = images.map((img) => img.decode().catch(() => {}));
    await Promise.race([Promise.all(ready), new Promise((r) => setTimeout(r, 3000))]);
  });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * Builds the `story` command and runs `story build SITE --out OUT` for
 * https://news.example/ with the viewer in dist/; fails the test with its
 * output when the build fails.
 */
export function buildSite(site, out) {
  const root = path.resolve(HERE, '..');
  execFileSync('cargo', ['build', '-q', '-p', 'story'], { cwd: root, stdio: 'inherit' });
  const story = path.join(root, 'target', 'debug', 'story');
  const r = spawnSync(story, ['build', site, '--out', out, '--url', 'https://news.example/', '--viewer', DIST], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
}
