// `./dev bench`: the image pipeline of `story build` (not a test). Prints,
// each measured in this run:
// - a photo-heavy story's images as a phone fetches them (Lighthouse 12,
//   mobile): bytes and LCP, against the same page as builds before the
//   pipeline published it (the originals, no srcset);
// - image work for the same photos: `story build` cold and with the cache
//   warm, against Hugo's resize + WebP (same widths, formats and crops)
//   when `hugo` is installed;
// - peak memory of a build with twenty 12-megapixel photos.
// The photos: STORY_BENCH_PHOTOS (a folder of JPEGs, e.g. a real article's),
// else synthetic ones at 3-12 megapixels (crates/story/examples/make_photos.rs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { serve } from './server.mjs';
import { DIST, HERE } from './harness.mjs';

const ROOT = path.resolve(HERE, '..');
const STORY = path.join(ROOT, 'target', 'release', 'story');
const MAKE = path.join(ROOT, 'target', 'release', 'examples', 'make_photos');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-image-bench-'));
const ms = (t) => `${Math.round(t)} ms`;
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;

function photos(dir, count, sizes) {
  execFileSync(MAKE, [dir, String(count), ...sizes]);
  return fs.readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).map((f) => path.join(dir, f));
}

/** A site with one story showing every photo: the first as its hero. */
function siteOf(files, dir) {
  const bundle = path.join(dir, 'report');
  fs.mkdirSync(bundle, { recursive: true });
  const names = files.map((f, i) => { const n = `p${i}${path.extname(f).toLowerCase()}`; fs.copyFileSync(f, path.join(bundle, n)); return n; });
  fs.writeFileSync(path.join(bundle, 'story.json'), JSON.stringify({
    format: 'story/1', id: 'report', title: 'A report in photographs', published: '2026-01-02',
    hero: { src: names[0], alt: 'The first photograph' },
    sections: [{ heading: 'Photographs', blocks: names.slice(1).flatMap((n, i) => [`Paragraph ${i + 1} about what the photograph shows.`, { type: 'image', src: n, alt: `Photograph ${i + 2}` }]) }],
  }));
  return names;
}

/** `story build` (release) with its wall time, peak memory and what it printed. */
function build(site, out, cache, url = 'https://news.example/') {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', STORY, 'build', site, '--out', out, '--url', url, '--viewer', DIST, '--cache', cache], { encoding: 'utf8' });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(r.stdout + r.stderr);
  const peakKb = Number(r.stderr.trim().split('\n').pop());
  const encoded = /images: (\d+) encoded, (\d+) from the cache/.exec(r.stderr);
  return { wall, peak: peakKb * 1024, encoded: Number(encoded[1]), cached: Number(encoded[2]) };
}

/** Hugo's version of the same work: 4 widths in WebP and JPEG, three crops, per photo. */
function hugo(files, dir) {
  if (spawnSync('hugo', ['version']).status !== 0) return null;
  fs.mkdirSync(path.join(dir, 'content', 'report'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'layouts', '_default'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.toml'), 'baseURL = "https://news.example/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n');
  files.forEach((f, i) => fs.copyFileSync(f, path.join(dir, 'content', 'report', `p${i}.jpg`)));
  fs.writeFileSync(path.join(dir, 'content', 'report', 'index.md'), '---\ntitle: A report\n---\nText.\n');
  fs.writeFileSync(path.join(dir, 'layouts', '_default', 'single.html'), `{{ range .Resources.ByType "image" }}
{{ $img := . }}{{ range slice 480 800 1200 1600 }}{{ if lt . $img.Width }}
<img src="{{ ($img.Resize (printf "%dx webp q75 Lanczos" .)).RelPermalink }}"><img src="{{ ($img.Resize (printf "%dx jpg q80 Lanczos" .)).RelPermalink }}">{{ end }}{{ end }}
{{ range slice "1200x675" "1200x900" "1200x1200" }}<img src="{{ ($img.Fill (printf "%s jpg q80 Lanczos" .)).RelPermalink }}">{{ end }}
{{ end }}`);
  fs.writeFileSync(path.join(dir, 'layouts', '_default', 'list.html'), '');
  const run = () => {
    const t = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', 'hugo', '--quiet', '-s', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stdout + r.stderr);
    return { wall: performance.now() - t, peak: Number(r.stderr.trim().split('\n').pop()) * 1024 };
  };
  fs.rmSync(path.join(dir, 'resources'), { recursive: true, force: true });
  const cold = run();
  const warm = run();
  return { cold, warm };
}

/** The built page as builds before the pipeline wrote it: each <picture> an <img> of the original. */
function asBefore(out, before, site) {
  fs.cpSync(out, before, { recursive: true });
  const page = path.join(before, 'report', 'index.html');
  const html = fs.readFileSync(page, 'utf8').replace(/<picture><source[^>]*>(<img [^>]*>)<\/picture>/g, (_, img) =>
    img.replace(/ srcset="[^"]*"/, '').replace(/ sizes="[^"]*"/, '').replace(/ src="([^"]*)"/, (m, src) => {
      fs.copyFileSync(path.join(site, 'report', src), path.join(before, 'report', `original-${src}`));
      return ` src="original-${src}"`;
    }));
  fs.writeFileSync(page, html);
}

async function phone(chrome, url) {
  const { lhr } = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
  const images = lhr.audits['network-requests'].details.items.filter((i) => i.resourceType === 'Image');
  return {
    bytes: images.reduce((n, i) => n + (i.transferSize ?? 0), 0),
    count: images.length,
    lcp: lhr.audits['largest-contentful-paint'].numericValue,
  };
}

try {
  const given = process.env.STORY_BENCH_PHOTOS;
  const files = given
    ? fs.readdirSync(given).filter((f) => /\.jpe?g$/i.test(f)).sort().map((f) => path.join(given, f))
    : photos(path.join(work, 'photos'), 8, ['2000x1500', '3000x2000', '4000x3000', '3600x2400']);
  const originals = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  console.log(`Images: ${files.length} photos${given ? ` from ${given}` : ' (synthetic, 3-12 MP)'}, ${mb(originals)} in all`);
  const site = path.join(work, 'site');
  siteOf(files, site);

  // Image work, cold then warm, beside Hugo's.
  const out = path.join(work, 'out');
  const cache = path.join(work, 'cache');
  const cold = build(site, out, cache);
  const warm = build(site, out, cache);
  console.log(`  story build, cold cache: ${ms(cold.wall)} (${cold.encoded} images encoded), peak ${mb(cold.peak)}`);
  console.log(`  story build, warm cache: ${ms(warm.wall)} (${warm.encoded} encoded, ${warm.cached} from the cache): ${(100 * warm.wall / cold.wall).toFixed(1)}% of cold`);
  const h = hugo(files, path.join(work, 'hugo'));
  if (h) {
    console.log(`  hugo (resize + WebP), cold: ${ms(h.cold.wall)}, peak ${mb(h.cold.peak)}; warm: ${ms(h.warm.wall)}`);
    console.log(`  story / hugo, cold: ${(cold.wall / h.cold.wall).toFixed(2)}x; warm: ${(warm.wall / h.warm.wall).toFixed(2)}x`);
  } else {
    console.log('  (apt-get install hugo to compare with Hugo in the same run)');
  }

  // What a phone fetches, before and after.
  const served = path.join(work, 'served');
  fs.mkdirSync(served);
  const pub = await serve({ root: served });
  build(site, path.join(served, 'after'), cache, pub.url('after/'));
  asBefore(path.join(served, 'after'), path.join(served, 'before'), site);
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const before = await phone(chrome, pub.url('before/report/'));
    const after = await phone(chrome, pub.url('after/report/'));
    console.log(`  phone (Lighthouse mobile), before: ${before.count} images, ${mb(before.bytes)}, LCP ${ms(before.lcp)}`);
    console.log(`  phone (Lighthouse mobile), after:  ${after.count} images, ${mb(after.bytes)}, LCP ${ms(after.lcp)}`);
    console.log(`  after / before: bytes ${(100 * after.bytes / before.bytes).toFixed(1)}%, LCP ${(after.lcp / before.lcp).toFixed(2)}x; after / all originals: ${(100 * after.bytes / originals).toFixed(1)}%`);
  } finally {
    await chrome.kill();
    await pub.close();
  }

  // Peak memory with twenty 12-megapixel photos.
  const big = photos(path.join(work, 'big'), 20, ['4000x3000']);
  const bigSite = path.join(work, 'big-site');
  siteOf(big, bigSite);
  const b = build(bigSite, path.join(work, 'big-out'), path.join(work, 'big-cache'));
  console.log(`  twenty 12 MP photos: ${ms(b.wall)} cold, peak memory ${mb(b.peak)}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
