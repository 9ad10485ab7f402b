// Embedding by URL, as publishers do it: a site built by `story build` on
// one origin, host pages on another, each with a strict policy of its own.
// - A real oEmbed consumer (@extractus/oembed-extractor, what Ghost uses)
//   discovers a story by its page's address.
// - WordPress keeps what its filter keeps of the response
//   (`wpFilterOembedResult`, e2e/wordpress.mjs) and its own wp-embed.js
//   (Debian's package) sizes the sandboxed frame from its messages.
// - The <story-viewer> element draws a built story from its HTML, also
//   where the host's policy refuses WebAssembly; the snippet shows the
//   story with no script at all.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extract } from '@extractus/oembed-extractor';
import { serve, CSP, embedCsp } from './server.mjs';
import { launch, openPage, withPage, shot, DIST, HERE } from './harness.mjs';
import { wpEmbedScript, wpFilterOembedResult } from './wordpress.mjs';
import { execFileSync, spawnSync } from 'node:child_process';

const ROOT = path.resolve(HERE, '..');
const STORY = 'Harbour cranes go electric';
const LONG = 'Rivers that run again'; // river-restoration: contents, more sections
let browser, site, host, work, out, json;

/** The host page: `body` in an ordinary article layout, with `head` extras. */
const hostPage = (body, head = '', bodyClass = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>A host page</title>
<link rel="stylesheet" href="/host.css">${head}</head>
<body class="${bodyClass}"><main><h1>A host page</h1><p>The host's own text, above the embed.</p>${body}<p>And below it.</p></main></body></html>`;

// WordPress's front end keeps embeds within the column (wp-includes/css).
const HOST_CSS = `body { font: 16px/1.5 sans-serif; margin: 0; } main { max-width: 640px; margin: 0 auto; padding: 1em; }
.narrow main { max-width: 280px; padding: 0; } iframe { max-width: 100%; border: 0; display: block; }`;

before(async () => {
  execFileSync('cargo', ['build', '-q', '-p', 'story'], { cwd: ROOT, stdio: 'inherit' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-oembed-'));
  out = path.join(work, 'out');
  fs.cpSync(path.join(ROOT, 'static', 'samples'), path.join(work, 'site'), { recursive: true });
  // The site, with CORS as the README asks for embedding, its embed pages
  // framable from anywhere and everything else only by itself.
  site = await serve({ root: out, mount: '/news/', cors: true, csp: (p) => (p.endsWith('/embed.html') ? embedCsp() : CSP) });
  const r = spawnSync(path.join(ROOT, 'target', 'debug', 'story'),
    ['build', path.join(work, 'site'), '--out', out, '--url', site.url(), '--viewer', DIST], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  json = (p) => JSON.parse(fs.readFileSync(path.join(out, p), 'utf8'));
  const pages = {};
  host = await serve({ root: work, mount: '/nothing/', csp: (p) => pages[p]?.csp ?? "default-src 'self'",
    routes: Object.fromEntries(['/wp.html', '/narrow.html', '/plain.html', '/element.html', '/element-wasm.html',
      '/settings.html', '/snippet.html', '/other.html', '/other/story.json'].map((p) => [p, (req, res, headers) => {
      const page = pages[p];
      res.writeHead(page ? 200 : 404, { ...headers, 'Content-Type': p.endsWith('.json') ? 'application/json' : 'text/html; charset=utf-8' });
      res.end(page?.body ?? 'not found');
    }])),
    extra: { '/host.css': HOST_CSS, '/wp-embed.js': wpEmbedScript() } });
  host.pages = pages;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await host?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** A host page at `path`, with its own policy. */
function hostAt(p, body, { csp, head = '', bodyClass = '' } = {}) {
  host.pages[p] = { body: hostPage(body, head, bodyClass), csp };
  return host.origin + p;
}

const S = () => site.origin; // the site's origin, for host policies

describe('oEmbed', () => {
  test('a real oEmbed consumer discovers a story by its page address', async () => {
    const page = site.url('harbour-cranes/');
    const html = await (await fetch(page)).text();
    assert.match(html, /<link rel="alternate" type="application\/json\+oembed" href="[^"]+\/harbour-cranes\/oembed.json"/);
    const o = await extract(page);
    assert.equal(o.method, 'auto-discovery');
    assert.equal(o.version, '1.0');
    assert.equal(o.type, 'rich');
    assert.equal(o.title, STORY);
    assert.equal(o.provider_name, 'Sample stories');
    assert.equal(o.provider_url, site.url());
    assert.equal(o.author_name, 'Mei Lin, Tom Ashdown');
    assert.equal(o.width, 600);
    assert.ok(o.height >= 200 && o.height <= 4000, `height ${o.height}`);
    // The thumbnail is a real image of the size it says.
    const thumb = await fetch(o.thumbnail_url);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
    assert.equal(o.thumbnail_width, 1200);
    assert.match(o.html, /^<blockquote[^>]*><a href="[^"]+\/harbour-cranes\/">Harbour cranes go electric<\/a><\/blockquote><iframe [^>]*src="[^"]+\/harbour-cranes\/embed.html"/);
    // Every built story has one.
    for (const e of json('stories.json').stories) {
      const folder = e.href.replace(/story\.json$/, '');
      assert.equal(json(`${folder}oembed.json`).title, e.title, folder);
    }
  });

  test('the embed page is the story alone, readable without JavaScript, and small', async () => {
    await withPage(browser, { url: site.url('harbour-cranes/embed.html'), javaScriptEnabled: false }, async ({ page }) => {
      await page.getByRole('heading', { level: 1, name: STORY }).waitFor();
      const story = json('harbour-cranes/story.json');
      for (const s of story.sections.filter((s) => s.heading)) {
        assert.equal(await page.getByRole('heading', { level: 2, name: s.heading }).count(), 1, s.heading);
      }
      assert.equal(await page.getByRole('link', { name: 'Sample stories' }).getAttribute('href'), site.url('harbour-cranes/'));
      assert.equal(await page.locator('script').count(), 1, 'embed-frame.js only');
      assert.equal(await page.locator('meta[name="robots"]').getAttribute('content'), 'noindex');
      assert.equal(await page.getByRole('button').count(), 0, 'no controls that need the viewer');
    });
    const bytes = ['harbour-cranes/embed.html', 'viewer.css', 'embed-frame.js']
      .map((f) => fs.statSync(path.join(out, f)).size);
    assert.ok(bytes.reduce((a, b) => a + b) < 40_000, `embed page, stylesheet and script: ${bytes} bytes`);
  });
});

/** WordPress's post: the story's oEmbed `html` as WordPress keeps it, and wp-embed.js. */
async function wordpressPost(folder, p, narrow = false) {
  const o = await extract(site.url(folder));
  const kept = wpFilterOembedResult(o.html);
  assert.ok(kept, 'WordPress keeps the response');
  assert.match(kept, /<iframe class="wp-embedded-content" sandbox="allow-scripts" security="restricted" style="[^"]+" src="[^"]+embed.html#\?secret=Ab3dE5gH7j" data-secret="Ab3dE5gH7j"/);
  return hostAt(p, kept, {
    head: '<script src="/wp-embed.js"></script>',
    bodyClass: narrow ? 'narrow' : '',
    // WordPress writes the clip as a style attribute, hence 'unsafe-inline'.
    csp: `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; frame-src ${S()}; img-src 'self'`,
  });
}

describe('in WordPress', () => {
  test('the sandboxed frame shows the whole story and WordPress sets its height', async () => {
    const url = await wordpressPost('harbour-cranes/', '/wp.html');
    await withPage(browser, { url }, async ({ page }) => {
      const iframe = page.locator('iframe.wp-embedded-content');
      // Shown once the frame has spoken: WordPress then drops the clip and hides the fallback.
      await page.waitForFunction(() => !document.querySelector('iframe').hasAttribute('style'));
      assert.equal(await page.locator('blockquote').evaluate((b) => getComputedStyle(b).display), 'none');
      const frame = page.frameLocator('iframe.wp-embedded-content');
      await frame.getByRole('heading', { level: 1, name: STORY }).waitFor();
      const story = json('harbour-cranes/story.json');
      for (const s of story.sections.filter((s) => s.heading)) {
        await frame.getByRole('heading', { level: 2, name: s.heading }).waitFor();
      }
      const inner = page.frames().find((f) => f.url().includes('embed.html'));
      assert.equal(await inner.evaluate(() => self.origin), 'null', 'an opaque origin');
      // WordPress's height: the page's own, between its bounds of 200 and 1,000 px.
      await page.waitForFunction(() => Number(document.querySelector('iframe').height) !== 0);
      const full = await inner.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
      await page.waitForFunction((h) => Number(document.querySelector('iframe').height) === h, Math.min(Math.max(full, 200), 1000));
      assert.equal(Math.round((await iframe.boundingBox()).width), 600);
      await shot(page, 'oembed-wordpress');
      // A link to the story's own site opens in the window (WordPress's link message).
      await frame.getByRole('link', { name: 'Sample stories' }).click();
      await page.waitForURL(site.url('harbour-cranes/'));
      await page.getByRole('heading', { level: 1, name: STORY }).waitFor();
    });
  });

  test('the frame follows a 280 px column, and its height follows the lines', async () => {
    const url = await wordpressPost('harbour-cranes/', '/narrow.html', true);
    await withPage(browser, { url, width: 320, height: 1250 }, async ({ page }) => {
      await page.waitForFunction(() => !document.querySelector('iframe').hasAttribute('style'));
      const inner = page.frames().find((f) => f.url().includes('embed.html'));
      await inner.getByRole('heading', { level: 1, name: STORY }).waitFor();
      // The frame takes the column's width once the host has laid it out
      // (on a loaded machine, a frame after its first layout at 320 px).
      await inner.waitForFunction(() => window.innerWidth === 280, null, { timeout: 10000 }).catch(() => {});
      const { width, scroll, client } = await inner.evaluate(() => ({
        width: window.innerWidth, scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.equal(width, 280);
      assert.ok(scroll <= client, `nothing wider than the frame: ${scroll} > ${client}`);
      const full = await inner.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
      assert.ok(full > 1000, 'longer at 280 px than at 600');
      await page.waitForFunction(() => Number(document.querySelector('iframe').height) === 1000);
      await shot(page, 'oembed-wordpress-280');
    });
  });

  test('section links move within the frame', async () => {
    const url = await wordpressPost('river-restoration/', '/wp.html');
    await withPage(browser, { url }, async ({ page }) => {
      await page.waitForFunction(() => !document.querySelector('iframe').hasAttribute('style'));
      const inner = page.frames().find((f) => f.url().includes('embed.html'));
      const toc = inner.getByRole('navigation', { name: 'Contents' });
      const first = toc.getByRole('link').last();
      const name = await first.textContent();
      await first.click();
      await inner.waitForFunction(() => window.scrollY > 0);
      assert.equal(await inner.evaluate(() => document.activeElement.textContent), name);
      assert.equal(page.url(), url, 'the host page stays');
      assert.equal(page.context().pages().length, 1, 'no new window');
    });
  });
});

describe('other hosts', () => {
  test('the response pasted as it is: links open in a new tab, the generic height message', async () => {
    const o = await extract(site.url('harbour-cranes/'));
    hostAt('/plain.html', o.html, { csp: `default-src 'self'; frame-src ${S()}` });
    const heights = [];
    await withPage(browser, {}, async ({ page, context }) => {
      await page.exposeBinding('__height', (_, h) => heights.push(h));
      await page.addInitScript(() => window.addEventListener('message', (e) => {
        if (e.data?.type === 'story-viewer-height') window.__height(e.data.height);
      }));
      await page.goto(host.origin + '/plain.html');
      const frame = page.frameLocator('iframe');
      await frame.getByRole('heading', { level: 1, name: STORY }).waitFor();
      const inner = page.frames().find((f) => f.url().includes('embed.html'));
      const full = await inner.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
      for (let i = 0; i < 50 && heights.at(-1) !== full; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(heights.at(-1), full, `heights told: ${heights}`);
      const popup = context.waitForEvent('page');
      await frame.getByRole('link', { name: 'Sample stories' }).click();
      const opened = await popup;
      await opened.waitForLoadState();
      assert.equal(opened.url(), site.url('harbour-cranes/'));
      assert.equal(page.url(), host.origin + '/plain.html', 'the host page stays');
    });
  });
});

describe('the <story-viewer> element', () => {
  const element = (folder, attrs = '') => `<story-viewer src="${site.url(`${folder}story.json`)}" ${attrs}>` +
    `<a href="${site.url(folder)}">The story</a></story-viewer><script type="module" src="${site.url('embed.js')}"></script>`;
  // A host that allows the viewer's files but not WebAssembly.
  const noWasm = () => `default-src 'self'; script-src 'self' ${S()}; style-src 'self' ${S()}; connect-src 'self' ${S()}; img-src 'self' ${S()}`;
  const withWasm = () => noWasm().replace(`script-src 'self' ${S()}`, `script-src 'self' ${S()} 'wasm-unsafe-eval'`);
  /** Paths the page asked the site for. */
  const watch = (page) => {
    const asked = [];
    page.on('request', (r) => { if (r.url().startsWith(S())) asked.push(new URL(r.url()).pathname); });
    return asked;
  };
  /** The element's events, as the page hears them from its start. */
  const listen = async (page) => {
    const events = [];
    await page.exposeBinding('__event', (_, e) => events.push(e));
    await page.addInitScript(() => {
      for (const type of ['story-load', 'story-error']) {
        document.addEventListener(type, (e) => window.__event({ type, ...e.detail }));
      }
    });
    return events;
  };

  test('draws a built story from its HTML where the host refuses WebAssembly', async () => {
    const url = hostAt('/element.html', element('harbour-cranes/', 'heading-level="2"'), { csp: noWasm() });
    await withPage(browser, {}, async ({ page }) => {
      const asked = watch(page);
      const events = await listen(page);
      await page.goto(url);
      const el = page.locator('story-viewer');
      await el.getByRole('heading', { level: 2, name: STORY }).waitFor();
      const story = json('harbour-cranes/story.json');
      for (const s of story.sections.filter((s) => s.heading)) {
        assert.equal(await el.getByRole('heading', { level: 3, name: s.heading }).count(), 1, s.heading);
      }
      assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, "the host's own h1 only");
      assert.equal(await el.getByRole('main').count(), 0, 'no second main landmark');
      assert.equal(await el.getByRole('alert').count(), 0);
      assert.equal(await page.getByRole('link', { name: 'The story' }).isVisible(), false, 'the fallback link gives way');
      for (let i = 0; i < 20 && !events.length; i++) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(events, [{ type: 'story-load', id: 'harbour-cranes-go-electric', title: STORY }]);
      assert.ok(asked.includes('/news/harbour-cranes/embed.html'));
      assert.deepEqual(asked.filter((p) => /\.wasm$|story-viewer\.js$|story\.json$/.test(p)), [], 'neither the viewer nor the data');
      // Links lead to the site, absolute; images come from it.
      assert.equal(await el.getByRole('link', { name: 'Sample stories' }).getAttribute('href'), site.url('harbour-cranes/'));
      await el.locator('img').first().evaluate((img) => img.decode());
      await shot(page, 'oembed-element-no-wasm');
    });
  });

  test('section links move within the element, not the host address', async () => {
    const url = hostAt('/element.html', element('river-restoration/', 'loading="eager"'), { csp: noWasm() });
    await withPage(browser, { url }, async ({ page }) => {
      const el = page.locator('story-viewer');
      const toc = el.getByRole('navigation', { name: 'Contents' });
      const last = toc.getByRole('link').last();
      const name = await last.textContent();
      await last.click();
      await page.waitForFunction(() => window.scrollY > 0);
      assert.equal(page.url(), url, 'no #fragment on the host page');
      assert.equal(await page.evaluate(() => document.querySelector('story-viewer').shadowRoot.activeElement?.textContent), name);
    });
  });

  test('with reading-settings, the viewer adds its control and draws nothing else', async () => {
    const url = hostAt('/element-wasm.html', element('harbour-cranes/', 'reading-settings'), { csp: withWasm() });
    await withPage(browser, {}, async ({ page }) => {
      const asked = watch(page);
      await page.goto(url);
      const el = page.locator('story-viewer');
      await el.getByRole('heading', { level: 1, name: STORY }).waitFor();
      const button = el.getByRole('button', { name: 'Reading settings' });
      await button.click();
      await el.getByRole('radio', { name: 'Dark' }).check();
      assert.equal(await el.getAttribute('data-sv-theme'), 'dark', 'the choice applies to the element');
      assert.ok(asked.some((p) => p.endsWith('.wasm')));
      assert.deepEqual(asked.filter((p) => p.endsWith('story.json')), [], 'the story is not fetched again');
      assert.equal(await el.getByRole('heading', { level: 1, name: STORY }).count(), 1, 'nor drawn twice');
      assert.equal(await page.evaluate(() => document.querySelector('story-viewer').shadowRoot.querySelectorAll('article').length), 1);
    });
  });

  test('asking for settings where WebAssembly is refused: the story stays, the host hears why', async () => {
    const url = hostAt('/settings.html', element('harbour-cranes/', 'reading-settings'), { csp: noWasm() });
    const { page, context, problems } = await openPage(browser);
    try {
      const events = await listen(page);
      await page.goto(url);
      const el = page.locator('story-viewer');
      await el.getByRole('heading', { level: 1, name: STORY }).waitFor();
      for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(events[0]?.type, 'story-load');
      assert.equal(events[1]?.type, 'story-error');
      assert.equal(events[1].directive, 'script-src', JSON.stringify(events[1]));
      assert.equal(await el.getByRole('alert').count(), 0, 'no message over a whole story');
      assert.equal(await el.getByRole('heading', { level: 1, name: STORY }).count(), 1);
      assert.ok(problems.length > 0 && problems.every((p) => /CSP violation: script-src.*wasm-eval|WebAssembly/i.test(p)),
        problems.join('\n'));
    } finally {
      await context.close();
    }
  });

  test('the snippet shows the story with no script, and embed.js fetches nothing for it', async () => {
    const snippet = fs.readFileSync(path.join(out, 'harbour-cranes', 'embed-code.html'), 'utf8');
    const url = hostAt('/snippet.html', snippet, { csp: noWasm() });
    await withPage(browser, { url, javaScriptEnabled: false }, async ({ page }) => {
      await page.locator('story-viewer').getByRole('heading', { level: 1, name: STORY }).waitFor();
      assert.equal(await page.getByRole('link', { name: STORY }).isVisible(), false, 'the fallback link is not drawn');
    });
    await withPage(browser, {}, async ({ page }) => {
      const asked = watch(page);
      const events = await listen(page);
      await page.goto(url);
      await page.locator('story-viewer').getByRole('heading', { level: 1, name: STORY }).waitFor();
      await page.waitForLoadState('networkidle');
      assert.deepEqual(asked.filter((p) => /embed\.html$|story\.json$|\.wasm$/.test(p)), []);
      assert.deepEqual(events, [{ type: 'story-load', id: 'harbour-cranes-go-electric', title: STORY }]);
    });
  });

  test('a story on another host is read as data, never as HTML', async () => {
    host.pages['/other/story.json'] = { body: fs.readFileSync(path.join(out, 'harbour-cranes', 'story.json'), 'utf8') };
    const body = `<story-viewer src="/other/story.json"></story-viewer><script type="module" src="${site.url('embed.js')}"></script>`;
    const url = hostAt('/other.html', body, { csp: withWasm() });
    // The story's images are not copied to the other host.
    await withPage(browser, { allow: ['/other/hero', '/other/yard'] }, async ({ page }) => {
      const asked = watch(page);
      await page.goto(url);
      await page.locator('story-viewer').getByRole('heading', { level: 1, name: STORY }).waitFor();
      assert.deepEqual(asked.filter((p) => p.endsWith('embed.html')), []);
      assert.ok(asked.some((p) => p.endsWith('.wasm')), 'the viewer drew it');
    });
  });
});
