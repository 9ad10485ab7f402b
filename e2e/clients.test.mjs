// A built site read by the clients real readers and crawlers use, each
// compared with what a reader sees: Mozilla Readability (Firefox's reader
// mode), feedparser (a feed reader's parser), open-graph-scraper and
// metascraper (link previews), the Nu Html Checker, and Chromium with axe
// for label in name in Chinese and Arabic. The site: the samples (English,
// Chinese, Arabic), a story of hostile text and a long one.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { Readability } from '@mozilla/readability';
import ogs from 'open-graph-scraper';
import metascraper from 'metascraper';
import msAuthor from 'metascraper-author';
import msTitle from 'metascraper-title';
import msDescription from 'metascraper-description';
import msImage from 'metascraper-image';
import AxeBuilder from '@axe-core/playwright';
import { serve } from './server.mjs';
import { launch, withPage, shot, buildSite, HERE, WCAG } from './harness.mjs';

const ROOT = path.resolve(HERE, '..');
const SITE_URL = 'https://news.example/';
const HOSTILE = `</title><script>alert(1)</script> ]]> "q" 'a' <!-- & &amp; </script>`;
// Words of the page's own labels that must never be taken for a name.
const UI_WORDS = [/^By /, /作者/, /بقلم/];

let work, site, out, stories, browser, srv;

/** The long story: many sections, sub-headings, a table and code. */
function longStory() {
  const sections = [];
  for (let i = 1; i <= 30; i++) {
    sections.push({
      heading: `Part ${i} of the inquiry`,
      blocks: [
        `Paragraph one of part ${i}, long enough to read as a paragraph of a real report on the inquiry.`,
        { type: 'heading', text: `Findings of part ${i}`, level: 3 },
        `Paragraph two of part ${i}, with the findings that the committee published in its report.`,
        ...(i % 10 === 0 ? [
          { type: 'table', header: ['Year', 'Cases'], rows: [['2024', '12'], ['2025', '31']] },
          { type: 'code', text: `cases(${i})\n  .sum()`, language: 'rust' },
        ] : []),
      ],
    });
  }
  return {
    format: 'story/1', id: 'long-inquiry', lang: 'en', title: 'The long inquiry, in thirty parts',
    dek: 'What the committee found, part by part.', published: '2026-03-01',
    authors: [{ name: 'Ana Ruiz', url: 'https://example.com/staff/ana' }, 'Data Desk'], sections,
  };
}

/** Plain text of inline content (a string or runs). */
const plain = (t) => (typeof t === 'string' ? t : (t ?? []).map((r) => (typeof r === 'string' ? r : r.text)).join(''));
const squash = (s) => s.replace(/\s+/g, ' ').trim();

/** What a reader sees of a story, from its story.json. */
function facts(story) {
  const headings = [];
  const paragraphs = [];
  for (const s of story.sections) {
    if (s.heading) headings.push(s.heading);
    for (const b of s.blocks) {
      if (typeof b === 'string' || Array.isArray(b)) paragraphs.push(plain(b));
      else if (b.type === 'paragraph') paragraphs.push(plain(b.text));
      else if (b.type === 'heading') headings.push(b.text);
    }
  }
  return { headings, paragraphs: paragraphs.map(squash).filter(Boolean) };
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-clients-'));
  site = path.join(work, 'site');
  out = path.join(work, 'out');
  fs.cpSync(path.join(ROOT, 'static', 'samples'), site, { recursive: true });
  fs.rmSync(path.join(site, 'stories.json')); // made from the bundles
  fs.mkdirSync(path.join(site, 'hostile'));
  fs.copyFileSync(path.join(site, 'night-trains', 'hero-600.png'), path.join(site, 'hostile', 'hero.png'));
  fs.writeFileSync(path.join(site, 'hostile', 'story.json'), JSON.stringify({
    format: 'story/1', id: 'hostile', lang: 'en', title: HOSTILE, dek: HOSTILE, byline: HOSTILE, published: '2025-01-01',
    hero: { src: 'hero.png', alt: HOSTILE, width: 600, height: 337, caption: HOSTILE, credit: { author: HOSTILE } },
    // A heading equal to the title is dropped by Readability on purpose.
    sections: [{ heading: `Part ${HOSTILE}`, blocks: [HOSTILE, { type: 'quote', text: HOSTILE, cite: HOSTILE },
      { type: 'pullquote', text: HOSTILE, cite: HOSTILE },
      { type: 'gallery', caption: HOSTILE, images: [{ src: 'hero.png', alt: HOSTILE, caption: HOSTILE }, { src: 'hero.png', alt: 'B' }] },
      { type: 'video', src: 'https://youtu.be/dQw4w9WgXcQ', title: HOSTILE, caption: HOSTILE },
      { type: 'social', url: 'https://mastodon.social/@a/1', network: 'mastodon', author: HOSTILE, handle: HOSTILE, text: HOSTILE }] }],
  }));
  fs.mkdirSync(path.join(site, 'long'));
  fs.writeFileSync(path.join(site, 'long', 'story.json'), JSON.stringify(longStory()));
  buildSite(site, out);
  stories = fs.readdirSync(site)
    .filter((d) => fs.existsSync(path.join(site, d, 'story.json')))
    .map((folder) => ({ folder, json: JSON.parse(fs.readFileSync(path.join(site, folder, 'story.json'), 'utf8')) }));
  browser = await launch();
  srv = await serve({ root: out, mount: '/', csp: true });
});

after(async () => {
  await browser?.close();
  await srv?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const pageFile = (folder) => path.join(out, folder, 'index.html');
const pageUrl = (folder) => `${SITE_URL}${folder}/`;

describe('reader mode (Mozilla Readability)', () => {
  test('keeps every heading, the hero with its caption and credit, the dek and the whole text', () => {
    for (const { folder, json } of stories) {
      const dom = new JSDOM(fs.readFileSync(pageFile(folder), 'utf8'), { url: pageUrl(folder) });
      const article = new Readability(dom.window.document).parse();
      assert.ok(article, `${folder}: Readability found an article`);
      const doc = new JSDOM(article.content).window.document;
      const text = squash(article.textContent);
      const { headings, paragraphs } = facts(json);
      // The headline may come back as a heading too (Readability keeps it
      // when it cannot match it to the title, as with Chinese): not a loss.
      const kept = [...doc.querySelectorAll('h2, h3, h4')].map((h) => squash(h.textContent))
        .filter((h, i) => !(i === 0 && h === squash(json.title)));
      assert.deepEqual(kept, headings.map(squash), `${folder}: headings`);
      if (json.dek) assert.ok(text.includes(squash(json.dek)), `${folder}: the dek`);
      for (const p of paragraphs) assert.ok(text.includes(p), `${folder}: lost "${p.slice(0, 60)}"`);
      if (json.hero) {
        const img = [...doc.querySelectorAll('img')].find((i) => i.src === new URL(json.hero.src, pageUrl(folder)).href);
        assert.ok(img, `${folder}: the hero image`);
        assert.equal(img.alt, json.hero.alt, `${folder}: the hero's alt text`);
        const caption = squash(img.closest('figure')?.querySelector('figcaption')?.textContent ?? '');
        if (json.hero.caption) assert.ok(caption.includes(squash(plain(json.hero.caption))), `${folder}: hero caption`);
        if (json.hero.credit?.author) assert.ok(caption.includes(squash(json.hero.credit.author)), `${folder}: hero credit`);
      }
    }
  });
});

describe('feeds', () => {
  /** The built file an address of the site stands for, and whether its fragment exists there. */
  function resolves(href) {
    const u = new URL(href);
    let file = path.join(out, decodeURIComponent(u.pathname));
    if (u.pathname.endsWith('/')) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) return `${href}: no file ${file}`;
    if (u.hash && !fs.readFileSync(file, 'utf8').includes(`id="${decodeURIComponent(u.hash.slice(1))}"`)) {
      return `${href}: no element with that id`;
    }
    return null;
  }

  test('feedparser reads the Atom feed, and every link in it reaches the page it names', () => {
    const r = spawnSync('python3', [path.join(HERE, 'feeds.py'), path.join(out, 'feed.xml'), `${SITE_URL}feed.xml`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [feed] = JSON.parse(r.stdout);
    assert.equal(feed.version, 'atom10');
    assert.equal(feed.bozo, false);
    assert.equal(feed.entries.length, stories.length);
    const problems = [];
    let internal = 0;
    for (const e of feed.entries) {
      for (const href of e.links) {
        if (href.startsWith(SITE_URL)) {
          internal += 1;
          const p = resolves(href);
          if (p) problems.push(`${e.title}: ${p}`);
        } else if (!/^(https?|mailto):/.test(href)) problems.push(`${e.title}: ${href} is not absolute`);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(internal > 0, 'the feed has links into the site (section links)');
    const cranes = feed.entries.find((e) => e.title === 'Harbour cranes go electric');
    assert.deepEqual(cranes.authors, ['Mei Lin', 'Tom Ashdown'], 'the authors as data, not the byline split');
    const trains = feed.entries.find((e) => e.title.startsWith('Night trains'));
    assert.deepEqual(trains.authors, ['Jonas Berg']);
    const hostile = feed.entries.find((e) => e.title === HOSTILE);
    assert.ok(hostile, 'hostile text comes back as text');
    // The media blocks as feedparser keeps them: the video's stand-in and
    // the post's link survive its sanitizer, and their text stays text.
    assert.ok(hostile.links.includes('https://www.youtube.com/watch?v=dQw4w9WgXcQ'), hostile.links.join(' '));
    assert.ok(hostile.links.includes('https://mastodon.social/@a/1'), hostile.links.join(' '));
    assert.ok(hostile.text.split(HOSTILE).length - 1 >= 9, hostile.text);
  });

  test('the JSON Feed puts version first, and its links are absolute and reach their pages', () => {
    const raw = fs.readFileSync(path.join(out, 'feed.json'), 'utf8');
    const feed = JSON.parse(raw);
    assert.equal(Object.keys(feed)[0], 'version');
    const problems = [];
    for (const item of feed.items) {
      for (const [, href] of item.content_html.matchAll(/href="([^"]*)"/g)) {
        const h = href.replaceAll('&amp;', '&');
        if (h.startsWith(SITE_URL)) {
          const p = resolves(h);
          if (p) problems.push(p);
        } else if (!/^(https?|mailto):/.test(h)) problems.push(`${item.title}: ${h} is not absolute (JSON Feed has no base)`);
      }
    }
    assert.deepEqual(problems, []);
  });
});

describe('link previews', () => {
  const scrape = metascraper([msAuthor(), msTitle(), msDescription(), msImage()]);

  test('open-graph-scraper and metascraper: title, description, the hero with size and alt, the author without UI words', async () => {
    for (const { folder, json } of stories) {
      const html = fs.readFileSync(pageFile(folder), 'utf8');
      const { result: og } = await ogs({ html });
      assert.equal(og.ogTitle, json.title, `${folder}: og:title`);
      assert.ok(og.ogDescription?.length > 0, `${folder}: og:description`);
      // The hero's preview version (1200 px wide, or the image's own width
      // when narrower), made by the build beside the original.
      let hero;
      if (json.hero) {
        const [img] = og.ogImage;
        const stem = new URL(json.hero.src, pageUrl(folder)).href.replace(/\.[a-z]+$/, '');
        const m = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]{8}-(\\d+)\\.jpg$`).exec(img.url);
        assert.ok(m, `${folder}: og:image ${img.url}`);
        const w = Math.min(1200, json.hero.width);
        assert.equal(Number(m[1]), w, `${folder}: the preview's width`);
        // The height the build measured: the file's own, within a pixel of the story's claim.
        assert.equal(Number(img.width), w, `${folder}: image width`);
        assert.ok(Math.abs(Number(img.height) - json.hero.height * w / json.hero.width) <= 1, `${folder}: image height ${img.height}`);
        assert.equal(img.alt, json.hero.alt, `${folder}: image alt`);
        hero = img.url;
      }
      // `news.example` is not a real TLD: metascraper's own URL check would refuse it.
      const meta = await scrape({ html, url: pageUrl(folder), validateUrl: false });
      // metascraper curls straight quotes; the words are ours.
      const straight = (t) => t.replace(/[“”]/g, '"').replace(/[‘’]/g, "'");
      assert.equal(straight(meta.title), json.title, `${folder}: metascraper title`);
      if (hero) assert.equal(meta.image, hero, `${folder}: metascraper image`);
      const names = json.authors?.map((a) => (typeof a === 'string' ? a : a.name)).join(', ')
        ?? json.byline?.replace(/^By /, '');
      assert.equal(meta.author ? straight(meta.author) : undefined, names, `${folder}: metascraper author`);
      for (const w of UI_WORDS) assert.ok(!w.test(meta.author ?? ''), `${folder}: a UI word in "${meta.author}"`);
    }
  });

  test('the lists are named by the site, not "Stories"', async () => {
    const { result: og } = await ogs({ html: fs.readFileSync(path.join(out, 'index.html'), 'utf8') });
    assert.equal(og.ogSiteName, 'news.example');
    assert.match(og.ogDescription, /^\d+ stories from news\.example$/);
  });
});

test('the Nu Html Checker finds no errors in any page', () => {
  const pages = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name === 'embed-code.html') {
        // A snippet to paste: checked as a page that pasted it.
        const file = path.join(work, `${path.basename(d)}-pasted.html`);
        fs.writeFileSync(file, '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body>' +
          fs.readFileSync(path.join(d, e.name), 'utf8') + '</body></html>');
        pages.push(file);
      } else if (e.name.endsWith('.html')) pages.push(path.join(d, e.name));
    }
  };
  walk(out);
  const jar = path.join(HERE, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  const r = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'text', ...pages], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${pages.length} pages:\n${r.stderr}${r.stdout}`);
  assert.ok(pages.length > 10, `${pages.length} pages checked`);
});

describe('label in name, in Chinese and Arabic', () => {
  for (const [folder, lang] of [['chip-design-shenzhen', 'zh'], ['desert-solar', 'ar']]) {
    test(`${lang}: every control's visible words start its accessible name; axe finds nothing`, async () => {
      await withPage(browser, { url: srv.url(`${folder}/`) }, async ({ page }) => {
        // The live controls replace their stand-ins once the viewer runs.
        await page.locator('.sv-island.sv-live .sv-copy').first().waitFor();
        const controls = await page.locator('button:visible, a:visible').evaluateAll((els) => els.map((e) => ({
          visible: e.innerText.replace(/\s+/g, ' ').trim(),
          label: (e.getAttribute('aria-label') ?? e.innerText).replace(/\s+/g, ' ').trim(),
        })));
        assert.ok(controls.length > 3);
        for (const c of controls) {
          assert.ok(c.label.startsWith(c.visible), `"${c.visible}" is not the start of "${c.label}"`);
        }
        const axe = await new AxeBuilder({ page }).withTags(WCAG).analyze();
        assert.deepEqual(axe.violations.map((v) => v.id), []);
        await shot(page, `clients-${lang}`);
      });
    });
  }
});
