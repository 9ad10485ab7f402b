// A site built by `story build` from the sample stories (plus one story of
// hostile text), served under a sub-path with the strict CSP, read as a
// crawler reads it (JavaScript off) and as a reader does (JavaScript on).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { serve } from './server.mjs';
import { launch, withPage, shot, DIST, HERE, WCAG } from './harness.mjs';

const ROOT = path.resolve(HERE, '..');
const SITE_URL = 'https://news.example/section/';
const MOUNT = '/section/';
const HOSTILE = `</title><script>alert(1)</script> ]]> "q" 'a' <!-- & &amp; </script>`;
const STORY = 'Harbour cranes go electric';
// Made from the bundles (the site has no stories.json): the default list
// heading; the site itself is named by its host.
const CATALOG = 'Stories';
const SITE_NAME = 'news.example';

let browser, srv, work, site, out, story;

/** `story ARGS...`: the command line, built once by cargo (debug). */
function storyCli(args) {
  return spawnSync(story, args, { cwd: ROOT, encoding: 'utf8' });
}

function build() {
  return storyCli(['build', site, '--out', out, '--url', SITE_URL, '--viewer', DIST]);
}

before(async () => {
  execFileSync('cargo', ['build', '-q', '-p', 'story'], { cwd: ROOT, stdio: 'inherit' });
  story = path.join(ROOT, 'target', 'debug', 'story');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-published-'));
  site = path.join(work, 'site');
  out = path.join(work, 'out');
  fs.cpSync(path.join(ROOT, 'static', 'samples'), site, { recursive: true });
  fs.mkdirSync(path.join(site, 'hostile'));
  fs.copyFileSync(path.join(site, 'night-trains', 'hero-600.png'), path.join(site, 'hostile', 'hero.png'));
  fs.writeFileSync(path.join(site, 'hostile', 'story.json'), JSON.stringify({
    format: 'story/1.1', id: 'hostile', lang: 'en', title: HOSTILE, dek: HOSTILE, byline: HOSTILE,
    published: '2025-01-01', source: { name: HOSTILE },
    hero: { src: 'hero.png', alt: HOSTILE, width: 600, height: 337, caption: HOSTILE },
    tags: ['plain'], sections: [{ heading: HOSTILE, blocks: [HOSTILE, { type: 'quote', text: HOSTILE, cite: HOSTILE }] }],
  }));
  // The site's catalog is made from the bundles.
  fs.rmSync(path.join(site, 'stories.json'));
  const r = build();
  assert.equal(r.status, 0, r.stdout + r.stderr);
  browser = await launch();
  srv = await serve({ root: out, mount: MOUNT });
});

after(async () => {
  await browser?.close();
  await srv?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Runs `body` on a fresh page at `p` (see `withPage`). */
function visit(p, opts, body) {
  if (!body) [opts, body] = [{}, opts];
  return withPage(browser, { ...opts, url: srv.url(p) }, body);
}

const h1 = (page, name) => page.getByRole('heading', { level: 1, ...(name ? { name } : {}) });
const meta = (page, sel) => page.locator(sel).getAttribute('content');

describe('read without JavaScript, as a crawler', () => {
  const off = { javaScriptEnabled: false };

  test('a story page is whole: article, metadata, structured data', async () => {
    await visit('harbour-cranes/', off, async ({ page }) => {
      await h1(page, STORY).waitFor();
      assert.equal(await page.title(), STORY);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('article').count(), 1);
      assert.ok((await page.getByRole('heading', { level: 2 }).count()) >= 3);
      assert.equal(await page.getByRole('link', { name: 'View original source' }).count(), 1);
      assert.equal(await page.locator('link[rel=canonical]').getAttribute('href'), `${SITE_URL}harbour-cranes/`);
      assert.match(await meta(page, 'meta[name=description]'), /container port/);
      assert.equal(await meta(page, 'meta[property="og:type"]'), 'article');
      assert.equal(await meta(page, 'meta[property="og:url"]'), `${SITE_URL}harbour-cranes/`);
      // The hero's 1200 px version, made by the build (a content hash in its name).
      assert.match(await meta(page, 'meta[property="og:image"]'), new RegExp(`^${SITE_URL}harbour-cranes/hero\\.[0-9a-f]{8}-1200\\.jpg$`));
      assert.ok(await meta(page, 'meta[property="og:image:width"]'));
      assert.ok(await meta(page, 'meta[property="og:image:alt"]'));
      assert.equal(await meta(page, 'meta[property="og:site_name"]'), SITE_NAME);
      assert.equal(await meta(page, 'meta[property="article:published_time"]'), '2026-03-14');
      assert.ok(await meta(page, 'meta[property="article:modified_time"]'));
      assert.ok((await page.locator('meta[property="article:tag"]').count()) >= 1);
      assert.equal(await meta(page, 'meta[name="twitter:card"]'), 'summary_large_image');
      const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
      assert.equal(ld['@type'], 'NewsArticle');
      assert.equal(ld.headline, STORY);
      assert.equal(ld.datePublished, '2026-03-14');
      assert.ok(ld.dateModified && ld.author?.length && ld.image?.length && ld.inLanguage && ld.keywords && ld.isBasedOn);
      assert.equal(await page.locator('link[type="application/atom+xml"]').getAttribute('href'), '../feed.xml');
      // No control that needs the viewer: no buttons at all.
      assert.equal(await page.getByRole('button').count(), 0);
      await shot(page, 'published-story-no-js');
    });
  });

  test('every link is a real link: catalog, story, tag, back, pages', async () => {
    await visit('', off, async ({ page }) => {
      await h1(page, CATALOG).waitFor();
      assert.equal(await page.getByRole('searchbox').count(), 0, 'no search field without the viewer');
      await page.getByRole('link', { name: STORY }).click();
      await h1(page, STORY).waitFor();
      assert.equal(new URL(page.url()).pathname, `${MOUNT}harbour-cranes/`);
      await page.getByRole('list', { name: 'Tags' }).getByRole('link', { name: 'Energy' }).click();
      await h1(page, CATALOG).waitFor();
      assert.equal(await page.title(), `Energy: ${SITE_NAME}`);
      assert.equal(new URL(page.url()).pathname, `${MOUNT}tags/energy/`);
      assert.equal(await page.locator('.sv-entry-title').count(), 1);
      const filter = page.getByRole('navigation', { name: 'Filter by tag' });
      assert.equal(await filter.getByRole('link', { name: 'Energy', exact: true }).getAttribute('aria-current'), 'true');
      await filter.getByRole('link', { name: 'All', exact: true }).click();
      await h1(page, CATALOG).waitFor();
      assert.equal(new URL(page.url()).pathname, MOUNT);
      await page.getByRole('link', { name: STORY }).click();
      await page.getByRole('link', { name: /Back to stories/ }).click();
      await h1(page, CATALOG).waitFor();
      assert.equal(new URL(page.url()).pathname, MOUNT);
    });
  });

  test('feeds and sitemap parse, newest first, with absolute addresses', async () => {
    await visit('', off, async ({ page }) => {
      const get = async (p) => (await page.request.get(srv.url(p))).text();
      const [atom, json, sitemap, robots] = await Promise.all(
        ['feed.xml', 'feed.json', 'sitemap.xml', 'robots.txt'].map(get));
      const parsed = await page.evaluate(([atom, sitemap]) => {
        const p = (t) => new DOMParser().parseFromString(t, 'application/xml');
        const a = p(atom), s = p(sitemap);
        return {
          errors: a.getElementsByTagName('parsererror').length + s.getElementsByTagName('parsererror').length,
          titles: [...a.querySelectorAll('entry > title')].map((t) => t.textContent),
          links: [...a.querySelectorAll('entry > link')].map((l) => l.getAttribute('href')),
          content: a.querySelector('entry > content').textContent,
          locs: [...s.querySelectorAll('url > loc')].map((l) => l.textContent),
          lastmods: s.querySelectorAll('url > lastmod').length,
        };
      }, [atom, sitemap]);
      assert.equal(parsed.errors, 0);
      assert.equal(parsed.titles[0], 'Night trains return to the northern line');
      assert.equal(parsed.links[0], `${SITE_URL}night-trains/`);
      assert.match(parsed.content, /<h2 id="who-is-on-board"/);
      assert.ok(parsed.titles.includes(HOSTILE), 'hostile text read back from the Atom feed');
      const feed = JSON.parse(json);
      assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
      assert.equal(feed.items[0].url, `${SITE_URL}night-trains/`);
      assert.ok(feed.items.some((i) => i.title === HOSTILE));
      assert.ok(parsed.locs.includes(SITE_URL) && parsed.locs.includes(`${SITE_URL}harbour-cranes/`));
      assert.ok(parsed.locs.some((l) => l.startsWith(`${SITE_URL}tags/`)));
      assert.ok(parsed.lastmods >= 7);
      assert.match(robots, new RegExp(`Sitemap: ${SITE_URL}sitemap.xml`));
    });
  });

  test('hostile text is shown as text, everywhere, and runs nothing', async () => {
    await visit('hostile/', off, async ({ page }) => {
      await h1(page, HOSTILE).waitFor();
      assert.equal(await page.title(), HOSTILE);
      assert.equal(await meta(page, 'meta[name=description]'), HOSTILE);
      assert.equal(await meta(page, 'meta[property="og:title"]'), HOSTILE);
      assert.equal(JSON.parse(await page.locator('script[type="application/ld+json"]').textContent()).headline, HOSTILE);
      assert.equal(await page.locator('script').count(), 3, 'JSON-LD, reading.js, embed.js: nothing injected');
      await page.getByRole('heading', { level: 2, name: HOSTILE }).waitFor();
      assert.equal(await page.locator('blockquote').textContent(), HOSTILE);
      assert.equal(await page.locator('.sv-hero img').getAttribute('alt'), HOSTILE);
    });
  });
});

describe('read with JavaScript, as a reader', () => {
  /** Layout shifts from the first paint on (CLS), recorded before the page's own scripts. */
  async function watchShifts(page) {
    await page.addInitScript(() => {
      window.__shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (e.hadRecentInput) continue;
          // What moved, and from where to where, for the failure message.
          const moved = e.sources.map((s) => `${s.node?.nodeName}.${s.node?.className ?? ''} ${JSON.stringify(s.previousRect)} -> ${JSON.stringify(s.currentRect)}`);
          window.__shifts.push(`${e.value}: ${moved.join('; ')}`);
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
  }
  const live = (page, n) => page.waitForFunction((n) => document.querySelectorAll('.sv-live').length >= n, n);

  test('the viewer takes over in place: no shift, no second copy, controls appear', async () => {
    for (const [p, controls] of [['harbour-cranes/', 4], ['', 2], ['tags/energy/', 2], ['river-restoration/', 9], ['hostile/', 2]]) {
      await withPage(browser, { width: 390, height: 844 }, async ({ page }) => {
        await watchShifts(page);
        await page.goto(srv.url(p));
        await live(page, controls);
        await page.waitForTimeout(300);
        assert.deepEqual(await page.evaluate(() => window.__shifts), [], `layout shifts on ${p}`);
        assert.equal(await page.locator('main > .sv-root').count(), 1);
        assert.ok((await page.locator('article').count()) <= 1);
        await page.getByRole('button', { name: 'Reading settings' }).waitFor();
      });
    }
  });

  test('Copy link, reading settings and section links work on a built page', async () => {
    await visit('harbour-cranes/', async ({ page, context }) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      const copy = page.getByRole('button', { name: 'Copy link to section: The numbers' });
      await copy.click();
      await copy.getByText('Link copied').waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${srv.url('harbour-cranes/')}#the-numbers`);
      const settings = page.getByRole('button', { name: 'Reading settings' });
      await settings.click();
      assert.equal(await settings.getAttribute('aria-expanded'), 'true');
      await page.getByRole('radio', { name: 'Dark' }).check();
      assert.equal(await page.locator('html').getAttribute('data-sv-theme'), 'dark');
      await page.keyboard.press('Escape');
      assert.equal(await settings.getAttribute('aria-expanded'), 'false');
      await shot(page, 'published-story-dark');
    });
    // The choice holds on the next page, before its first paint.
    await visit('river-restoration/', async ({ page }) => {
      assert.equal(await page.locator('html').getAttribute('data-sv-theme'), null);
      // Contents: a section link moves focus to its heading; Back returns.
      await page.getByRole('navigation', { name: 'Contents' }).getByRole('link', { name: 'What it cost' }).click();
      await page.waitForFunction(() => document.activeElement?.id === 'what-it-cost');
      assert.match(page.url(), /#what-it-cost$/);
      await page.goBack();
      assert.doesNotMatch(page.url(), /#what-it-cost$/);
    });
    // Arriving at a section's address focuses it.
    await visit('river-restoration/#floods-measured', async ({ page }) => {
      await page.waitForFunction(() => document.activeElement?.id === 'floods-measured');
    });
  });

  test('search covers every story of the site, within the page\'s tag, and keeps the address', async () => {
    await visit('', async ({ page }) => {
      const search = page.getByRole('searchbox', { name: 'Search stories' });
      await search.fill('CRANES');
      await page.getByText('1 story matching “CRANES”').waitFor();
      const results = page.locator('.sv-results .sv-entry-title a');
      assert.deepEqual(await results.allTextContents(), [STORY]);
      // The page's own list, filter and count step aside; focus stays in the field.
      assert.equal(await page.locator('.sv-catalog > .sv-entries').isVisible(), false);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'sv-search-input');
      assert.match(page.url(), /\?q=CRANES$/);
      // Accents and scripts: "芯片" finds the Chinese story.
      await search.fill('芯片');
      await page.getByText('1 story matching “芯片”').waitFor();
      // A result's tag leads to the tag's page; its title to the story's folder.
      await search.fill('cranes');
      await page.locator('.sv-results').getByRole('link', { name: 'Energy' }).waitFor();
      assert.equal(new URL(await page.locator('.sv-results').getByRole('link', { name: 'Energy' }).getAttribute('href')).pathname,
        `${MOUNT}tags/energy/`);
      await results.first().click();
      await h1(page, STORY).waitFor();
      assert.equal(new URL(page.url()).pathname, `${MOUNT}harbour-cranes/`);
      // Back: the search is still there.
      await page.goBack();
      await page.getByText('1 story matching “cranes”').waitFor();
      // Cleared, the page's list is back.
      await page.getByRole('searchbox', { name: 'Search stories' }).fill('');
      await page.locator('.sv-catalog > .sv-entries').waitFor();
      assert.equal(await page.locator('.sv-results .sv-entry').count(), 0);
    });
    await visit('tags/energy/', async ({ page }) => {
      await page.getByRole('searchbox', { name: 'Search stories' }).fill('sleeper');
      await page.getByText('No stories.').waitFor();
      // The full text, not only the list's: "overnight" is in the story's body.
      await page.getByRole('searchbox', { name: 'Search stories' }).fill('overnight');
      await page.getByText('1 story tagged “Energy” matching “overnight”').waitFor();
      await page.getByRole('searchbox', { name: 'Search stories' }).fill('container');
      await page.getByText('1 story tagged “Energy” matching “container”').waitFor();
    });
  });

  test('catalog -> story -> back and forward keep folder addresses', async () => {
    await visit('', async ({ page }) => {
      await h1(page, CATALOG).waitFor();
      await page.getByRole('link', { name: STORY }).click();
      await h1(page, STORY).waitFor();
      assert.equal(new URL(page.url()).pathname, `${MOUNT}harbour-cranes/`);
      await page.getByRole('link', { name: /Back to stories/ }).click();
      await h1(page, CATALOG).waitFor();
      await page.goBack();
      await h1(page, STORY).waitFor();
      assert.equal(new URL(page.url()).pathname, `${MOUNT}harbour-cranes/`);
      await page.goForward();
      await h1(page, CATALOG).waitFor();
      assert.equal(new URL(page.url()).pathname, MOUNT);
    });
  });

  test('built pages meet WCAG 2.2 AA (axe)', async () => {
    for (const p of ['', 'harbour-cranes/', 'chip-design-shenzhen/', 'tags/energy/']) {
      await visit(p, async ({ page }) => {
        await live(page, 1);
        const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze();
        assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`), [], p);
      });
    }
    await visit('', async ({ page }) => { await live(page, 1); await shot(page, 'published-catalog'); });
  });
});

test('a build that fails leaves the served site as it was', async () => {
  const before = fs.readFileSync(path.join(out, 'harbour-cranes', 'index.html'));
  const file = path.join(site, 'harbour-cranes', 'story.json');
  const good = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, good.replace(`"${STORY}"`, `"A new title"`).replace('"format"', '"sections": 1, "format"'));
  try {
    const r = build();
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /harbour-cranes\/story\.json: sections: error/);
    assert.match(r.stderr, /was not changed/);
  } finally {
    fs.writeFileSync(file, good);
  }
  assert.deepEqual(fs.readFileSync(path.join(out, 'harbour-cranes', 'index.html')), before);
  await visit('harbour-cranes/', { javaScriptEnabled: false }, async ({ page }) => {
    await h1(page, STORY).waitFor();
  });
});
