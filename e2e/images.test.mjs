// A story with a camera photo (GPS, camera and author in its EXIF) and a
// photo whose EXIF says "turned", built by `story build` and read back as
// readers and their tools would: exiftool on every published image, a
// phone and a desktop Chromium on the page, and a bad image refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, withPage, shot, buildSite, HERE, DIST } from './harness.mjs';

const ROOT = path.resolve(HERE, '..');
const FIXTURES = path.join(ROOT, 'crates', 'story', 'tests', 'images');
let work, site, out, browser, srv;

/** What exiftool reads from files: one object of tags per file. */
function exif(files) {
  return JSON.parse(execFileSync('exiftool', ['-json', '-a', '-G1', ...files], { encoding: 'utf8' }));
}

/** Every file below `dir`, with its size. */
function listing(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)} ${fs.statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-images-'));
  site = path.join(work, 'site');
  out = path.join(work, 'out');
  fs.mkdirSync(path.join(site, 'photos'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'photo.jpg'), path.join(site, 'photos', 'valley.jpg'));
  fs.copyFileSync(path.join(FIXTURES, 'rotated.jpg'), path.join(site, 'photos', 'turned.jpg'));
  fs.writeFileSync(path.join(site, 'photos', 'story.json'), JSON.stringify({
    format: 'story/1', id: 'photos', title: 'A valley, photographed', published: '2026-01-02',
    hero: { src: 'valley.jpg', alt: 'Green hills under a pale sky', credit: { author: 'A. Photographer' } },
    sections: [{ heading: 'The photos', blocks: ['Taken on the hills.', { type: 'image', src: 'turned.jpg', alt: 'A small turned photo' }] }],
  }));
  buildSite(site, out);
  browser = await launch();
  srv = await serve({ root: out, mount: '/', csp: true });
});

after(async () => {
  await browser?.close();
  await srv?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('exiftool finds no GPS, camera or author in any published image, and the photos stand upright', () => {
  const original = exif([path.join(FIXTURES, 'photo.jpg')])[0];
  assert.ok(Object.keys(original).some((k) => k.includes('GPSLatitude')), 'exiftool reads the fixture\'s GPS');
  const images = fs.readdirSync(path.join(out, 'photos')).filter((f) => /\.(jpe?g|png|webp)$/.test(f));
  assert.ok(images.length >= 10, images.join(' '));
  const found = [];
  for (const tags of exif(images.map((f) => path.join(out, 'photos', f)))) {
    for (const k of Object.keys(tags)) {
      if (/GPS|Make|Model|SerialNumber|Artist|Orientation|XMP/.test(k)) found.push(`${tags.SourceFile}: ${k}`);
    }
  }
  assert.deepEqual(found, []);
  const turned = exif([path.join(out, 'photos', 'turned.jpg')])[0];
  assert.deepEqual([turned['File:ImageWidth'], turned['File:ImageHeight']], [48, 64]);
});

test('a phone and a desktop fetch different files for the same hero, both WebP, neither the original', async () => {
  const fetched = {};
  for (const [name, opts] of [
    ['phone', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true }],
    ['desktop', { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 }],
  ]) {
    const context = await browser.newContext(opts);
    const page = await context.newPage();
    const got = [];
    page.on('request', (r) => { if (r.resourceType() === 'image') got.push(new URL(r.url()).pathname); });
    await page.goto(srv.url('photos/'));
    await page.getByRole('img', { name: 'Green hills under a pale sky' }).waitFor();
    await page.waitForFunction(() => document.querySelector('.sv-hero img').complete);
    fetched[name] = got.filter((p) => p.includes('/photos/valley'));
    await shot(page, `images-${name}`);
    await context.close();
  }
  assert.equal(fetched.phone.length, 1, fetched.phone.join(' '));
  assert.equal(fetched.desktop.length, 1, fetched.desktop.join(' '));
  assert.notEqual(fetched.phone[0], fetched.desktop[0]);
  for (const p of [...fetched.phone, ...fetched.desktop]) {
    assert.match(p, /valley\.[0-9a-f]{8}-\d+\.webp$/);
  }
  // A 390 px screen at 3x needs about 1170 px; a 46rem column at 1x, 736.
  assert.match(fetched.phone[0], /-1200\.webp$/);
  assert.match(fetched.desktop[0], /-800\.webp$/);
});

test('the page reads right with its pictures, with and without JavaScript', async () => {
  await withPage(browser, { url: srv.url('photos/'), javaScriptEnabled: false }, async ({ page }) => {
    await page.getByRole('heading', { level: 1, name: 'A valley, photographed' }).waitFor();
    const hero = page.getByRole('img', { name: 'Green hills under a pale sky' });
    assert.equal(await hero.evaluate((i) => i.naturalWidth > 0), true);
    const box = await hero.boundingBox();
    assert.ok(Math.abs(box.width / box.height - 1.5) < 0.01, 'the hero keeps its 3:2 shape');
  });
});

test('a bad image is refused by name, and the site is left as it was', () => {
  const before = listing(out);
  const bomb = Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR', 'latin1'),
    Buffer.from([0, 0, 0xc3, 0x50, 0, 0, 0xc3, 0x50, 8, 2, 0, 0, 0, 0x15, 0x8a, 0x37, 0x16]),
  ]);
  fs.writeFileSync(path.join(site, 'photos', 'bomb.png'), bomb);
  const story = JSON.parse(fs.readFileSync(path.join(site, 'photos', 'story.json'), 'utf8'));
  story.sections[0].blocks.push({ type: 'image', src: 'bomb.png', alt: 'A bomb' });
  fs.writeFileSync(path.join(site, 'photos', 'story.json'), JSON.stringify(story));
  const bin = path.join(ROOT, 'target', 'debug', 'story');
  const r = spawnSync(bin, ['build', site, '--out', out, '--url', 'https://news.example/', '--viewer', DIST], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /photos\/bomb\.png.*50000 x 50000/);
  assert.deepEqual(listing(out), before);
});
