// A built site with more tags than a list page offers (25 stories, a tag
// each, one tag on all): the tag filter keeps to the 20 most used and links
// to the page of every tag, which a reader follows to any tag's list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { serve } from './server.mjs';
import { launch, withPage, shot, buildSite, HERE, WCAG } from './harness.mjs';

const N = 25;
let browser, srv, work;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-tags-'));
  const site = path.join(work, 'site');
  for (let i = 0; i < N; i++) {
    const id = `story-${String(i).padStart(2, '0')}`;
    fs.mkdirSync(path.join(site, id), { recursive: true });
    fs.writeFileSync(path.join(site, id, 'story.json'), JSON.stringify({
      format: 'story/1', id, lang: 'en', title: `Story ${i}`, published: `2026-01-${String(1 + i).padStart(2, '0')}`,
      source: { name: 'Wire' }, tags: ['Every story', `Topic ${i}`], sections: [{ blocks: [`The text of story ${i}.`] }],
    }));
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

test('the tag filter offers the most used tags and a way to every other', async () => {
  await withPage(browser, { url: srv.url(''), width: 390, height: 844 }, async ({ page }) => {
    const filter = page.getByRole('navigation', { name: 'Filter by tag' });
    // "All", 20 tags ("Every story" first: it is on every story), the tags page.
    assert.equal(await filter.getByRole('link').count(), 1 + 20 + 1);
    await filter.getByRole('link', { name: 'Every story' }).waitFor();
    await shot(page, 'tags-filter-390');
    await filter.getByRole('link', { name: `All ${N + 1} tags` }).click();
    await page.getByRole('heading', { level: 1, name: 'Tags' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/tags/');
    const every = page.getByRole('navigation', { name: 'Tags' });
    // "All" (the site's stories), then every tag once.
    assert.equal(await every.getByRole('link').count(), 1 + N + 1);
    assert.match(await every.getByRole('listitem').filter({ hasText: 'Every story' }).textContent(), /Every story \(25\)/);
    const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
    assert.deepEqual(violations.map((v) => v.id), []);
    await shot(page, 'tags-page-390');
    // A tag past the top 20 is one click away, and its list offers it.
    await every.getByRole('link', { name: 'Topic 3', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Story 3' }).waitFor();
    const current = page.getByRole('navigation', { name: 'Filter by tag' }).locator('[aria-current="true"]');
    assert.equal(await current.textContent(), 'Topic 3');
  });
});
