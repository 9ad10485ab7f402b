// The <story-viewer> element in a host page, as a publisher embeds it: the
// viewer's files under /assets/viewer/, the host page elsewhere
// (/site/news/), hostile host styles, the strict CSP, two elements.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { serve } from './server.mjs';
import { launch, withPage, shot, DIST, WCAG } from './harness.mjs';

const STORY = 'Harbour cranes go electric';
const HOST_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host page</title>
<link rel="stylesheet" href="hostile.css">
<script src="host.js"></script>
<script type="module" src="/assets/viewer/embed.js"></script>
</head><body>
<h1>The host's own heading</h1>
<p id="host-p">The host's own paragraph.</p>
<story-viewer id="featured" src="../../assets/viewer/samples/harbour-cranes/story.json"></story-viewer>
<story-viewer id="more" src="/assets/viewer/samples/stories.json"></story-viewer>
</body></html>`;
// As hostile as a host stylesheet gets.
const HOSTILE_CSS = `* { color: red !important; font-size: 40px; font-family: monospace !important; }
h1 { display: none; } p { margin: 100px; } a { display: none !important; } img { display: none; }`;
// The host listens to the viewer's events (an external file: the CSP forbids inline scripts).
const HOST_JS = `window.__events = [];
for (const name of ['story-load', 'story-error'])
  document.addEventListener(name, (e) => window.__events.push({ name, target: e.target.id, detail: e.detail }));`;

let browser, srv;
before(async () => {
  browser = await launch();
  srv = await serve({
    root: DIST, mount: '/assets/viewer/',
    extra: { '/site/news/page.html': HOST_PAGE, '/site/news/hostile.css': HOSTILE_CSS, '/site/news/host.js': HOST_JS },
  });
});
after(async () => { await srv?.close(); await browser?.close(); });

/** Runs `body` on the host page with its two elements (see `withPage`). */
function hostPage(body) {
  return withPage(browser, { allow: ['missing.json'], url: srv.origin + '/site/news/page.html' }, body);
}
const events = (page) => page.evaluate(() => window.__events);
const waitEvent = (page, name, target) => page.waitForFunction(
  ([n, t]) => window.__events.some((e) => e.name === n && e.target === t), [name, target]);

test('two elements draw a story and a catalog, untouched by hostile host styles', async () => {
  await hostPage(async ({ page }) => {
    const featured = page.locator('#featured');
    const heading = featured.getByRole('heading', { level: 1, name: STORY });
    await heading.waitFor();
    await page.locator('#more').getByRole('heading', { level: 1, name: 'Sample stories' }).waitFor();
    const style = await heading.evaluate((h) => { const s = getComputedStyle(h); return { color: s.color, display: s.display, font: s.fontFamily }; });
    assert.notEqual(style.color, 'rgb(255, 0, 0)');
    assert.equal(style.display, 'block');
    assert.doesNotMatch(style.font, /^monospace$/);
    const para = featured.locator('.sv-section p').first();
    assert.notEqual(await para.evaluate((p) => getComputedStyle(p).fontSize), '40px');
    assert.equal(await featured.getByRole('link', { name: 'View original source' }).isVisible(), true);
    // ...and the viewer's styles change nothing outside its elements.
    const host = await page.locator('#host-p').evaluate((p) => ({ size: getComputedStyle(p).fontSize, bg: getComputedStyle(document.body).backgroundColor }));
    assert.deepEqual(host, { size: '40px', bg: 'rgba(0, 0, 0, 0)' });
    assert.equal(await page.locator('body > h1').isVisible(), false);
    await shot(page, 'embed-hostile-host');
  });
});

test('events reach the host: story-load with id and title', async () => {
  await hostPage(async ({ page }) => {
    await waitEvent(page, 'story-load', 'featured');
    const e = (await events(page)).find((x) => x.target === 'featured');
    assert.deepEqual(e.detail, { id: 'harbour-cranes-go-electric', title: STORY });
  });
});

test('catalog -> story -> back inside an element leaves the host address, history and title alone', async () => {
  await hostPage(async ({ page }) => {
    const more = page.locator('#more');
    await more.getByRole('heading', { level: 1, name: 'Sample stories' }).waitFor();
    const before = await page.evaluate(() => ({ href: location.href, length: history.length, title: document.title }));
    await more.getByRole('link', { name: 'Night trains return to the northern line' }).click();
    await more.getByRole('heading', { level: 1, name: 'Night trains return to the northern line' }).waitFor();
    await waitEvent(page, 'story-load', 'more');
    await more.getByRole('link', { name: /Back to stories/ }).click();
    await more.getByRole('heading', { level: 1, name: 'Sample stories' }).waitFor();
    const afterwards = await page.evaluate(() => ({ href: location.href, length: history.length, title: document.title }));
    assert.deepEqual(afterwards, before);
    // The other element did not move.
    await page.locator('#featured').getByRole('heading', { level: 1, name: STORY }).waitFor();
  });
});

test('a section link scrolls within the element, leaving the host address alone', async () => {
  await hostPage(async ({ page }) => {
    const featured = page.locator('#featured');
    await featured.getByRole('heading', { level: 1, name: STORY }).waitFor();
    const before = await page.evaluate(() => ({ href: location.href, length: history.length }));
    await featured.getByRole('link', { name: 'the numbers' }).click();
    const target = featured.getByRole('heading', { level: 2, name: 'The numbers' });
    await page.waitForFunction((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; },
      await target.elementHandle());
    assert.deepEqual(await page.evaluate(() => ({ href: location.href, length: history.length })), before);
  });
});

test('changing src loads the new file; removing an element cleans it up', async () => {
  await hostPage(async ({ page }) => {
    await waitEvent(page, 'story-load', 'featured');
    const mounted = () => page.evaluate(async () => (await import('/assets/viewer/story-viewer.js')).mountedViewers());
    assert.equal(await mounted(), 2);
    await page.evaluate(() => document.getElementById('featured').setAttribute('src', '/assets/viewer/samples/night-trains/story.json'));
    await page.locator('#featured').getByRole('heading', { level: 1, name: 'Night trains return to the northern line' }).waitFor();
    assert.equal(await mounted(), 2);
    await page.evaluate(() => document.getElementById('featured').remove());
    assert.equal(await mounted(), 1);
    // An element added later starts by itself once the reader nears it.
    await page.evaluate(() => {
      const el = document.createElement('story-viewer');
      el.id = 'late';
      el.setAttribute('src', '/assets/viewer/samples/desert-solar/story.json');
      document.body.append(el);
    });
    await page.locator('#late').scrollIntoViewIfNeeded();
    await page.locator('#late').getByRole('heading', { level: 1, name: 'تعاونية شمسية في قلب الصحراء' }).waitFor();
    assert.equal(await mounted(), 2);
  });
});

test('a file that cannot be shown: an alert inside the element and a story-error event', async () => {
  await hostPage(async ({ page }) => {
    await page.evaluate(() => {
      const el = document.createElement('story-viewer');
      el.id = 'broken';
      el.setAttribute('src', 'missing.json');
      document.body.append(el);
    });
    const alert = page.locator('#broken').getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /not found \(HTTP 404\).*\/site\/news\/missing\.json/s);
    // A missing file stays missing: no "Try again".
    assert.equal(await page.locator('#broken').getByRole('button', { name: 'Try again' }).count(), 0);
    await waitEvent(page, 'story-error', 'broken');
    const e = (await events(page)).find((x) => x.target === 'broken');
    assert.match(e.detail.message, /missing\.json/);
  });
});

test('the embedding example page has no accessibility violations', async () => {
  await withPage(browser, {}, async ({ page, problems }) => {
    await page.goto(srv.url('embed-example.html'));
    await page.locator('#featured').getByRole('heading', { level: 1, name: STORY }).waitFor();
    await page.locator('#more').getByRole('heading', { level: 1, name: 'Sample stories' }).waitFor();
    // axe-core injects inline styles of its own (CSP reports); the page must be clean before it runs.
    assert.deepEqual(problems, []);
    const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
    assert.deepEqual(result.violations.map((v) => v.id), []);
    await shot(page, 'embed-example');
    problems.length = 0; // axe's own styles, reported as CSP violations: not the page's
  });
});

test('the viewer served from another origin works on the host page', async () => {
  // The viewer's files on one origin (with CORS), the host page on another,
  // whose policy names the viewer's origin.
  const viewer = await serve({ root: DIST, mount: '/viewer/', csp: false, cors: true });
  const page = HOST_PAGE.replace('/assets/viewer/embed.js', `${viewer.origin}/viewer/embed.js`)
    .replace('../../assets/viewer/samples/harbour-cranes/story.json', `${viewer.origin}/viewer/samples/harbour-cranes/story.json`)
    .replace('/assets/viewer/samples/stories.json', `${viewer.origin}/viewer/samples/stories.json`);
  const csp = `default-src 'self'; script-src 'self' ${viewer.origin} 'wasm-unsafe-eval'; style-src 'self' ${viewer.origin}; ` +
    `img-src 'self' ${viewer.origin}; connect-src 'self' ${viewer.origin}`;
  const host = await serve({ root: DIST, mount: '/none/', csp,
    extra: { '/site/page.html': page, '/site/hostile.css': HOSTILE_CSS, '/site/host.js': HOST_JS } });
  try {
    await withPage(browser, {}, async ({ page: p }) => {
      await p.goto(host.origin + '/site/page.html');
      await p.locator('#featured').getByRole('heading', { level: 1, name: STORY }).waitFor();
      await p.locator('#more').getByRole('link', { name: 'Night trains return to the northern line' }).click();
      await p.locator('#more').getByRole('heading', { level: 1, name: 'Night trains return to the northern line' }).waitFor();
      assert.notEqual(host.origin, viewer.origin);
    });
  } finally {
    await host.close();
    await viewer.close();
  }
});

describe('hosts with their own rules', () => {
  // The viewer's files on one server; host pages, each with its own policy, on others.
  const STORY_PATH = 'samples/harbour-cranes/story.json';
  const page = (body, css = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<link rel="stylesheet" href="host.css"><script src="host.js"></script>
<script type="module" src="VIEWER/embed.js"></script></head><body><h1>The host's heading</h1>${body}</body></html>`;
  const HOST_CSS = '.sidebar { width: 300px; } #custom { --sv-background: #000080; --sv-text: #ffffff; } ' +
    '.spacer { height: 4000px; } .grid { display: grid; grid-template-columns: repeat(5, 1fr); } .grid story-viewer { height: 400px; overflow: hidden; }';
  async function host(body, csp, viewer) {
    const html = page(body).replaceAll('VIEWER', viewer.origin + '/v');
    const csp2 = csp.replaceAll('VIEWER', viewer.origin);
    return serve({ root: DIST, mount: '/none/', csp: csp2, extra: { '/page.html': html, '/host.css': HOST_CSS, '/host.js': HOST_JS } });
  }
  const STRICT = "default-src 'self'; script-src 'self' VIEWER 'wasm-unsafe-eval'; style-src 'self' VIEWER; " +
    "img-src 'self' VIEWER; connect-src 'self' VIEWER";
  let viewer, other;
  before(async () => {
    viewer = await serve({ root: DIST, mount: '/v/', csp: false, cors: true });
    // Another origin that shares nothing: no Access-Control-Allow-Origin.
    other = await serve({ root: DIST, mount: '/o/', csp: false, cors: false });
  });
  after(async () => { await viewer?.close(); await other?.close(); });

  test('theme and heading-level: an embed follows its host, not the reader\'s system, unless asked', async () => {
    const body = ['light', 'dark', 'auto'].map((t) =>
      `<story-viewer id="${t}" ${t === 'light' ? '' : `theme="${t}"`} heading-level="2" src="VIEWER/v/${STORY_PATH}"></story-viewer>`).join('') +
      `<story-viewer id="custom" theme="dark" heading-level="2" src="VIEWER/v/${STORY_PATH}"></story-viewer>`;
    const h = await host(body.replaceAll('VIEWER', viewer.origin), STRICT, viewer);
    try {
      await withPage(browser, { colorScheme: 'dark', url: h.origin + '/page.html' }, async ({ page, problems }) => {
        for (const id of ['light', 'dark', 'auto', 'custom']) {
          await page.locator(`#${id}`).getByRole('heading', { level: 2, name: STORY }).waitFor();
        }
        const bg = (id) => page.locator(`#${id} .sv-root`).evaluate((e) => getComputedStyle(e).backgroundColor);
        assert.equal(await bg('light'), 'rgb(253, 252, 250)', 'no theme: light, whatever the system says');
        assert.equal(await bg('dark'), 'rgb(23, 23, 26)');
        assert.equal(await bg('auto'), 'rgb(23, 23, 26)', 'auto follows the (dark) system');
        await page.locator('#custom').getByRole('heading', { level: 2, name: STORY }).waitFor();
        assert.equal(await bg('custom'), 'rgb(0, 0, 128)', "the host's own --sv-* properties win over theme");
        // The host keeps its one h1; the story's sections are one level below its title.
        assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1);
        assert.ok((await page.locator('#dark').getByRole('heading', { level: 3 }).count()) >= 3);
        const result = await new AxeBuilder({ page }).include('#dark').withTags(WCAG).analyze();
        assert.deepEqual(result.violations.map((v) => v.id), [], 'the dark embed passes axe');
        problems.length = 0;
      });
    } finally { await h.close(); }
  });

  test('a catalog in a 300 px sidebar stacks its cards (the element\'s width decides, not the window\'s)', async () => {
    const h = await host(`<aside class="sidebar"><story-viewer id="side" src="${viewer.origin}/v/samples/stories.json"></story-viewer></aside>`, STRICT, viewer);
    try {
      await withPage(browser, { width: 1280, url: h.origin + '/page.html' }, async ({ page }) => {
        await page.locator('#side .sv-entry').first().waitFor();
        const tracks = await page.locator('#side .sv-entry').first().evaluate((e) => getComputedStyle(e).gridTemplateColumns.split(' ').length);
        assert.equal(tracks, 1, 'one column of cards in a narrow element');
        await shot(page, 'embed-sidebar');
      });
    } finally { await h.close(); }
  });

  test('a host whose policy forbids WebAssembly: a message in the element, an event naming the directive, the link kept', async () => {
    const noWasm = "default-src 'self'; script-src 'self' VIEWER; style-src 'self' VIEWER; connect-src 'self' VIEWER";
    const h = await host(`<story-viewer id="x" src="${viewer.origin}/v/${STORY_PATH}"><a href="${viewer.origin}/v/${STORY_PATH}">${STORY}</a></story-viewer>`, noWasm, viewer);
    try {
      await withPage(browser, { url: h.origin + '/page.html' }, async ({ page, problems }) => {
        const alert = page.locator('#x').getByRole('alert');
        await alert.waitFor();
        assert.match(await alert.textContent(), /Content-Security-Policy.*'wasm-unsafe-eval'.*script-src/);
        assert.equal(await page.getByRole('link', { name: STORY }).isVisible(), true, 'the host\'s link still leads to the story');
        await page.waitForFunction(() => window.__events.some((e) => e.name === 'story-error'));
        const e = await page.evaluate(() => window.__events.find((x) => x.name === 'story-error'));
        assert.equal(e.detail.directive, 'script-src');
        problems.length = 0; // the refusal itself is reported by the browser, as it should be
      });
    } finally { await h.close(); }
  });

  test('a host whose connect-src leaves out the viewer\'s own host: the message names the directive and the host', async () => {
    const noViewer = "default-src 'self'; script-src 'self' VIEWER 'wasm-unsafe-eval'; style-src 'self' VIEWER; connect-src 'self'";
    const h = await host(`<story-viewer id="x" src="${viewer.origin}/v/${STORY_PATH}"></story-viewer>`, noViewer, viewer);
    try {
      await withPage(browser, { url: h.origin + '/page.html' }, async ({ page, problems }) => {
        const alert = page.locator('#x').getByRole('alert');
        await alert.waitFor();
        assert.match(await alert.textContent(), new RegExp(`\\(connect-src\\).*Add ${viewer.origin} to its connect-src`));
        problems.length = 0;
      });
    } finally { await h.close(); }
  });

  test('a host whose connect-src leaves out the story\'s host: the message and the event name connect-src', async () => {
    const noConnect = "default-src 'self'; script-src 'self' VIEWER 'wasm-unsafe-eval'; style-src 'self' VIEWER; connect-src 'self' VIEWER";
    const h = await host(`<story-viewer id="x" src="${other.origin}/o/${STORY_PATH}"></story-viewer>`, noConnect, viewer);
    try {
      await withPage(browser, { url: h.origin + '/page.html' }, async ({ page, problems }) => {
        const alert = page.locator('#x').getByRole('alert');
        await alert.waitFor();
        assert.match(await alert.textContent(), /Content-Security-Policy.*connect-src/);
        await page.waitForFunction(() => window.__events.some((e) => e.name === 'story-error'));
        const e = await page.evaluate(() => window.__events.find((x) => x.name === 'story-error'));
        assert.equal(e.detail.directive, 'connect-src');
        problems.length = 0;
      });
    } finally { await h.close(); }
  });

  test('a story on another origin that sends no CORS header: the message says what that host must send', async () => {
    const h = await host(`<story-viewer id="x" src="${other.origin}/o/${STORY_PATH}"></story-viewer>`,
      STRICT.replace("connect-src 'self' VIEWER", `connect-src 'self' VIEWER ${other.origin}`), viewer);
    try {
      await withPage(browser, { url: h.origin + '/page.html' }, async ({ page, problems }) => {
        const alert = page.locator('#x').getByRole('alert');
        await alert.waitFor();
        assert.match(await alert.textContent(), new RegExp(`fetched from ${other.origin}.*Access-Control-Allow-Origin`));
        problems.length = 0; // the browser reports the CORS refusal itself
      });
    } finally { await h.close(); }
  });

  test('an element far below the fold fetches nothing until the reader nears it; loading="eager" opts out', async () => {
    const tall = '<div class="spacer"></div>';
    const body = `${tall}<story-viewer id="far" src="${viewer.origin}/v/${STORY_PATH}"></story-viewer>`;
    const h = await host(body, STRICT, viewer);
    const eager = await host(`${tall}<story-viewer id="far" loading="eager" src="${viewer.origin}/v/${STORY_PATH}"></story-viewer>`, STRICT, viewer);
    try {
      await withPage(browser, { height: 700 }, async ({ page }) => {
        const asked = [];
        page.on('request', (r) => asked.push(new URL(r.url()).pathname));
        await page.goto(h.origin + '/page.html');
        await page.waitForLoadState('networkidle');
        assert.deepEqual(asked.filter((p) => p.endsWith('.wasm') || p.endsWith('story.json') || p.endsWith('story-viewer.js')), [],
          'no viewer and no story fetched for an element out of sight');
        await page.locator('#far').scrollIntoViewIfNeeded();
        await page.locator('#far').getByRole('heading', { level: 1, name: STORY }).waitFor();
        assert.equal(asked.filter((p) => p.endsWith('.wasm')).length, 1);
      });
      await withPage(browser, { height: 700, url: eager.origin + '/page.html' }, async ({ page }) => {
        // Out of sight, but eager: drawn without scrolling.
        await page.locator('#far').getByRole('heading', { level: 1, name: STORY }).waitFor();
        assert.equal(await page.evaluate(() => window.scrollY), 0);
      });
    } finally { await h.close(); await eager.close(); }
  });

  test('ten elements on one page share one load of the viewer', async () => {
    const ten = Array.from({ length: 10 }, (_, i) =>
      `<story-viewer id="e${i}" src="${viewer.origin}/v/samples/stories.json"></story-viewer>`).join('');
    const h = await host(`<div class="grid">${ten}</div>`, STRICT, viewer);
    try {
      await withPage(browser, {}, async ({ page }) => {
        let wasm = 0;
        page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm += 1; });
        await page.goto(h.origin + '/page.html');
        for (let i = 0; i < 10; i++) {
          await page.locator(`#e${i}`).getByRole('heading', { level: 1, name: 'Sample stories' }).waitFor();
        }
        assert.equal(wasm, 1, 'one fetch of the wasm for ten elements');
      });
    } finally { await h.close(); }
  });

  test('reading settings in an embed only where the host allows them, applied to that element alone', async () => {
    const body = `<story-viewer id="allowed" reading-settings src="${viewer.origin}/v/${STORY_PATH}"></story-viewer>` +
      `<story-viewer id="plain" src="${viewer.origin}/v/${STORY_PATH}"></story-viewer>`;
    const h = await host(body, STRICT, viewer);
    try {
      await withPage(browser, { url: h.origin + '/page.html' }, async ({ page }) => {
        const allowed = page.locator('#allowed');
        await allowed.getByRole('heading', { level: 1, name: STORY }).waitFor();
        await page.locator('#plain').getByRole('heading', { level: 1, name: STORY }).waitFor();
        assert.equal(await page.locator('#plain').getByRole('button', { name: 'Reading settings' }).count(), 0);
        await allowed.getByRole('button', { name: 'Reading settings' }).click();
        await allowed.getByRole('radio', { name: 'Dark' }).check();
        const bg = (id) => page.locator(`#${id} .sv-root`).evaluate((e) => getComputedStyle(e).backgroundColor);
        assert.equal(await bg('allowed'), 'rgb(23, 23, 26)');
        assert.equal(await bg('plain'), 'rgb(253, 252, 250)', 'the other element, and the host page, are untouched');
        assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-sv-theme')), false);
        // Kept for the reader's next visit to this host.
        await page.reload();
        await page.locator('#allowed').getByRole('heading', { level: 1, name: STORY }).waitFor();
        await page.waitForFunction(() => document.getElementById('allowed').dataset.svTheme === 'dark');
        assert.equal(await bg('allowed'), 'rgb(23, 23, 26)');
      });
    } finally { await h.close(); }
  });

  test('a plain link inside the element reaches the story without JavaScript, and gives way to it with', async () => {
    const body = `<story-viewer id="x" src="${viewer.origin}/v/${STORY_PATH}"><a href="${viewer.origin}/v/${STORY_PATH}">Read: ${STORY}</a></story-viewer>`;
    const h = await host(body, STRICT, viewer);
    try {
      await withPage(browser, { javaScriptEnabled: false, url: h.origin + '/page.html' }, async ({ page }) => {
        assert.equal(await page.getByRole('link', { name: `Read: ${STORY}` }).isVisible(), true);
      });
      await withPage(browser, { url: h.origin + '/page.html' }, async ({ page }) => {
        await page.locator('#x').getByRole('heading', { level: 1, name: STORY }).waitFor();
        assert.equal(await page.getByRole('link', { name: `Read: ${STORY}` }).isVisible(), false);
      });
    } finally { await h.close(); }
  });
});
