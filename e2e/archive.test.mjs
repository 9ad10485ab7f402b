// A newsroom's archive (#24): a catalog in pages (`stories.json`,
// `stories-2.json`...), read the way a reader reads it. The standalone viewer
// shows the first page and loads older pages on request; a story on a later
// page opens from a link; a built site's search covers every page.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, withPage, buildSite, DIST } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const TOTAL = 2345;
const PER = 1000;
const date = (i) => new Date(Date.UTC(2026, 10, 30) - i * 3_600_000).toISOString().replace('.000', '');
const entry = (i) => ({ id: `s${i}`, title: `Archive story ${i}`, published: date(i), href: `s${i}/story.json` });
const storyJson = (i) => JSON.stringify({
  format: 'story/1', id: `s${i}`, lang: 'en', title: `Archive story ${i}`, published: date(i),
  sections: [{ blocks: [`The text of archive story ${i}.`] }],
});

/** The catalog's pages, as `story index` writes them. */
function pages() {
  const count = Math.ceil(TOTAL / PER);
  const name = (n) => (n === 1 ? 'stories.json' : `stories-${n}.json`);
  const out = {};
  for (let n = 1; n <= count; n++) {
    const stories = [];
    for (let i = (n - 1) * PER; i < Math.min(n * PER, TOTAL); i++) stories.push(entry(i));
    out[`/arc/${name(n)}`] = JSON.stringify({
      format: 'story-index/1', title: 'The archive', total: TOTAL,
      ...(n > 1 ? { prev: name(n - 1) } : {}), ...(n < count ? { next: name(n + 1) } : {}), stories,
    });
  }
  return out;
}

describe('a catalog in pages, in the standalone viewer', () => {
  let srv;
  before(async () => {
    const extra = pages();
    for (const i of [1001, 2300]) extra[`/arc/s${i}/story.json`] = storyJson(i);
    srv = await serve({ root: DIST, mount: '/', extra });
  });
  after(async () => { await srv?.close(); });

  test('the first page is listed, "Older stories" loads the next, and Back keeps them', async () => {
    await withPage(browser, { url: srv.url('?src=/arc/stories.json') }, async ({ page }) => {
      await page.getByRole('heading', { level: 1, name: 'The archive' }).waitFor();
      const entries = page.locator('.sv-entry');
      assert.equal(await entries.count(), 50);
      // No "Older stories" while this page's own stories are still to be drawn.
      assert.equal(await page.getByRole('button', { name: /Older stories/ }).count(), 0);
      const more = page.getByRole('button', { name: /Show more stories/ });
      while (await more.count()) await more.click();
      assert.equal(await entries.count(), PER);
      const older = page.getByRole('button', { name: `Older stories (${PER} of ${TOTAL} loaded)` });
      await older.click();
      await page.getByRole('link', { name: 'Archive story 1000', exact: true }).waitFor();
      assert.equal(await entries.count(), PER + 50, 'one more page of the list drawn');
      assert.match(await page.locator('.sv-count').first().textContent(), /2000 stories/);

      // A story from the older page, and back: the list as it was.
      await page.getByRole('link', { name: 'Archive story 1001', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Archive story 1001' }).waitFor();
      await page.goBack();
      await page.getByRole('heading', { level: 1, name: 'The archive' }).waitFor();
      await page.getByRole('link', { name: 'Archive story 1001', exact: true }).waitFor();
      assert.equal(await entries.count(), PER + 50);
      const focused = await page.evaluate(() => document.activeElement?.textContent);
      assert.equal(focused, 'Archive story 1001');

      // To the end: the last page has no "next", and the button goes.
      while (await more.count()) await more.click();
      await page.getByRole('button', { name: `Older stories (2000 of ${TOTAL} loaded)` }).click();
      await page.getByRole('link', { name: 'Archive story 2000', exact: true }).waitFor();
      while (await more.count()) await more.click();
      assert.equal(await entries.count(), TOTAL);
      assert.equal(await page.getByRole('button', { name: /Older stories/ }).count(), 0);
    });
  });

  test('a link to a story on a later page opens it', async () => {
    await withPage(browser, { url: srv.url('?src=/arc/stories.json&story=s2300') }, async ({ page }) => {
      await page.getByRole('heading', { level: 1, name: 'Archive story 2300' }).waitFor();
      await page.getByText('The text of archive story 2300.').waitFor();
    });
  });
});

describe('a built site past one catalog page', () => {
  let srv, tmp;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'story-archive-'));
    const site = path.join(tmp, 'site');
    const n = PER + 234;
    for (let i = 0; i < n; i++) {
      fs.mkdirSync(path.join(site, `s${i}`), { recursive: true });
      fs.writeFileSync(path.join(site, `s${i}`, 'story.json'), storyJson(i));
    }
    // One old story with a word no other has, on the catalog's second page.
    const odd = JSON.parse(storyJson(n - 3));
    odd.title = 'The lighthouse keeper retires';
    fs.writeFileSync(path.join(site, `s${n - 3}`, 'story.json'), JSON.stringify(odd));
    buildSite(site, path.join(tmp, 'out'));
    assert.ok(fs.existsSync(path.join(tmp, 'out', 'stories-2.json')));
    srv = await serve({ root: path.join(tmp, 'out'), mount: '/' });
  });
  after(async () => {
    await srv?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('its search reads every page of the catalog', async () => {
    await withPage(browser, { url: srv.url('') }, async ({ page }) => {
      const search = page.getByRole('searchbox', { name: 'Search stories' });
      await search.fill('lighthouse');
      const result = page.getByRole('link', { name: 'The lighthouse keeper retires' });
      await result.waitFor();
      await page.getByText('1 story matching “lighthouse”').waitFor();
      await result.click();
      await page.getByRole('heading', { level: 1, name: 'The lighthouse keeper retires' }).waitFor();
    });
  });
});
