// Every block type, as a reader meets it: the golden bundles of
// crates/story/tests/blocks/ built into a site, each page read without
// JavaScript and with it, at a phone's width and a desktop's, in light and
// dark (axe), nothing wider than the screen but the boxes meant to scroll.
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
    for (const f of fs.readdirSync(path.join(GOLDEN, t)).filter((f) => f === 'story.json' || f.endsWith('.png'))) {
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
  paragraph: async (page) => {
    assert.equal(await page.locator('article s').textContent(), 'wrong');
    assert.equal(await page.locator('article p br').count(), 2);
  },
};

for (const t of TYPES) {
  test(`the ${t} block reads right without and with JavaScript, at 320 and 1280 px, light and dark`, async () => {
    for (const javaScriptEnabled of [false, true]) {
      for (const width of [320, 1280]) {
        await withPage(browser, { url: srv.url(`${t}/`), width, height: 800, javaScriptEnabled }, async ({ page }) => {
          await page.getByRole('article').waitFor();
          if (EXPECT[t]) await EXPECT[t](page);
          // Only a code block or a table may be wider than the screen, inside its own box.
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(wide <= 0, `${t} at ${width}: the page is ${wide}px wider than the screen`);
          if (javaScriptEnabled) await shot(page, `block-${t}-${width}`);
        });
      }
    }
    for (const colorScheme of ['light', 'dark']) {
      await withPage(browser, { url: srv.url(`${t}/`), width: 390, height: 844, colorScheme }, async ({ page }) => {
        await page.getByRole('article').waitFor();
        const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
        assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);
      });
    }
  });
}
