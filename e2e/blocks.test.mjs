// Every block type, as a reader meets it: the golden bundles of
// crates/story/tests/blocks/ built into a site, each page read without
// JavaScript and with it, at a phone's width and a desktop's, in light,
// dark and sepia (axe), nothing wider than the screen but the boxes meant to scroll.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { serve } from './server.mjs';
import { launch, withPage, shot, buildSite, HERE, WCAG } from './harness.mjs';

const ROOT = path.resolve(HERE, '..');
const GOLDEN = path.join(ROOT, 'crates', 'story', 'tests', 'blocks');
const TYPES = fs.readdirSync(GOLDEN).sort();
let browser, srv, work;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-blocks-'));
  const site = path.join(work, 'site');
  for (const t of TYPES) {
    fs.mkdirSync(path.join(site, t), { recursive: true });
    for (const f of fs.readdirSync(path.join(GOLDEN, t)).filter((f) => f === 'story.json' || /\.(png|webm|vtt)$/.test(f))) {
      fs.copyFileSync(path.join(GOLDEN, t, f), path.join(site, t, f));
    }
  }
  const out = path.join(work, 'out');
  buildSite(site, out);
  browser = await launch();
  srv = await serve({ root: out });
});

after(async () => {
  await browser?.close();
  await srv?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** What must be on each type's page, by role and text. */
const EXPECT = {
  code: async (page) => {
    const code = page.locator('pre code').first();
    assert.match(await code.textContent(), /\tprintln!\("tabs and  two spaces <kept> & escaped"\);/);
  },
  divider: async (page) => assert.equal(await page.getByRole('separator').count(), 3),
  heading: async (page) => {
    await page.getByRole('heading', { level: 3, name: 'How the batteries charge' }).waitFor();
    await page.getByRole('heading', { level: 4, name: 'At night' }).waitFor();
    await page.getByRole('heading', { level: 3, name: '<b>Not bold</b> & not markup' }).waitFor();
  },
  table: async (page) => {
    const table = page.getByRole('table', { name: 'Cranes by year, electric' });
    assert.deepEqual(await table.getByRole('columnheader').allTextContents(), ['Year', 'Cranes', 'Note']);
    assert.equal(await table.getByRole('row').count(), 4);
    await page.getByRole('cell', { name: '<td>not a cell</td>' }).waitFor();
  },
  pullquote: async (page) => {
    const asides = page.locator('article aside.sv-pullquote');
    assert.equal(await asides.count(), 2);
    assert.match(await asides.first().textContent(), /Eight cranes by 2026.*the port's engineer/);
    assert.match(await asides.nth(1).textContent(), /<script>alert\(1\)<\/script> stays text/);
  },
  gallery: async (page) => {
    const galleries = page.locator('article figure.sv-gallery');
    assert.equal(await galleries.count(), 2);
    const first = galleries.first();
    assert.equal(await first.getByRole('listitem').count(), 3);
    await first.getByRole('img', { name: 'Crane 2 at night' }).waitFor();
    assert.match(await first.locator('> figcaption').textContent(), /The first three electric cranes/);
    assert.match(await first.textContent(), /Photo by A\. Photographer on Pexels/);
  },
  video: async (page, javaScriptEnabled) => {
    const video = page.locator('article video');
    assert.equal(await video.getAttribute('aria-label'), 'The first electric crane at work');
    assert.equal(await video.locator('track[kind="captions"]').count(), 1);
    // The file is the bundle's, published with it, and plays (a page
    // without JavaScript runs no callback of the test's either).
    if (javaScriptEnabled) await plays(video);
    const yt = page.getByRole('link', { name: "Watch on YouTube: The crane, from the harbour's own channel" });
    assert.equal(await yt.getAttribute('href'), 'https://www.youtube.com/watch?v=dQw4w9WgXcQ');
    await page.getByRole('link', { name: 'Watch on Vimeo' }).waitFor();
    assert.match(await page.locator('article').textContent(), /Video by Port Daily \(CC BY 4\.0\)/);
  },
  social: async (page) => {
    const cards = page.locator('article figure.sv-social');
    assert.equal(await cards.count(), 3);
    assert.equal(await page.getByRole('link', { name: 'View on Mastodon' }).getAttribute('href'),
      'https://mastodon.social/@portdaily/111222333');
    await page.getByRole('link', { name: 'View on X' }).waitFor();
    await page.getByRole('link', { name: 'View on Bluesky' }).waitFor();
    await cards.first().getByRole('img', { name: 'Crane 8 on the quay' }).waitFor();
    assert.match(await cards.nth(1).textContent(), /<img src=x onerror=alert\(1\)> is text/);
    assert.equal(await page.locator('article img[src="x"]').count(), 0);
  },
  paragraph: async (page) => {
    assert.equal(await page.locator('article s').textContent(), 'wrong');
    assert.equal(await page.locator('article p br').count(), 2);
  },
};

/** Loads a `<video>`'s file and checks that its first frame decodes. */
async function plays(video) {
  const played = await video.evaluate((v) => {
    v.muted = true;
    v.preload = 'auto';
    v.load();
    return Promise.race([
      new Promise((res) => { v.onloadeddata = () => res(v.videoWidth); v.onerror = () => res(`error ${v.error?.code}`); }),
      new Promise((res) => setTimeout(() => res(`no data after 10 s: readyState ${v.readyState}`), 10000)),
    ]);
  });
  assert.equal(played, 160);
}

for (const t of TYPES) {
  test(`the ${t} block reads right without and with JavaScript, at 320 and 1280 px, light, dark and sepia`, async () => {
    for (const javaScriptEnabled of [false, true]) {
      for (const width of [320, 1280]) {
        await withPage(browser, { url: srv.url(`${t}/`), width, height: 800, javaScriptEnabled }, async ({ page }) => {
          await page.getByRole('article').waitFor();
          if (EXPECT[t]) await EXPECT[t](page, javaScriptEnabled);
          // Only a code block or a table may be wider than the screen, inside its own box.
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(wide <= 0, `${t} at ${width}: the page is ${wide}px wider than the screen`);
          if (javaScriptEnabled) await shot(page, `block-${t}-${width}`);
        });
      }
    }
    // The system's light and dark, and the reader's sepia (Reading settings).
    for (const [colorScheme, theme] of [['light', null], ['dark', null], ['light', 'sepia']]) {
      await withPage(browser, { url: srv.url(`${t}/`), width: 390, height: 844, colorScheme }, async ({ page }) => {
        await page.getByRole('article').waitFor();
        if (theme) await page.evaluate((v) => { document.documentElement.dataset.svTheme = v; }, theme);
        const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
        assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);
      });
    }
  });
}

test('video stand-ins and social posts ask nothing of YouTube, Vimeo or the networks until a click', async () => {
  for (const t of ['video', 'social']) {
    for (const javaScriptEnabled of [false, true]) {
      await withPage(browser, { width: 1280, height: 800, javaScriptEnabled }, async ({ page }) => {
        const elsewhere = [];
        page.on('request', (r) => { if (!r.url().startsWith(srv.origin)) elsewhere.push(r.url()); });
        await page.goto(srv.url(`${t}/`));
        await page.getByRole('article').waitFor();
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        await page.waitForLoadState('networkidle');
        assert.deepEqual(elsewhere, [], `${t}: requests before any click`);
      });
    }
  }
});
