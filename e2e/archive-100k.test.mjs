// A newsroom's archive at scale (#24): 100,000 stories generated here (not
// committed), built by the release `story` (in /dev/shm where there is one:
// half a million files), then read as a reader reads it: the newest
// stories first, a page of the list far back, the oldest story's page, and
// searches of the site's index (a word of the oldest story's title, a word
// of one story's text, and a word every story has). Prints the build's
// time and what each search fetched. STORY_ARCHIVE_STORIES=1000000 and
// STORY_ARCHIVE_DIR=/some/disk run it at another size, elsewhere (a
// million stories need about 40 GB and half an hour to build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, withPage, HERE, DIST } from './harness.mjs';

const N = Number(process.env.STORY_ARCHIVE_STORIES || 100_000);
const SHOWN = N.toLocaleString('en');
let browser, srv, tmp;

// Each story's text: 60 words drawn from 20,000 made-up ones with a
// Zipf-like spread (a few very common, most rare), as real text is.
const VOCABULARY = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}x`);
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const word = () => VOCABULARY[Math.floor(Math.exp(random() * Math.log(VOCABULARY.length))) - 1];

before(async () => {
  browser = await launch();
  const base = process.env.STORY_ARCHIVE_DIR || (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
  tmp = fs.mkdtempSync(path.join(base, 'story-e2e-100k-'));
  const site = path.join(tmp, 'site');
  const t0 = Date.now();
  for (let i = 0; i < N; i++) {
    const dir = path.join(site, String(Math.floor(i / 1000)).padStart(3, '0'), `s${i}`);
    fs.mkdirSync(dir, { recursive: true });
    const published = new Date(Date.UTC(2026, 10, 30) - i * 600_000).toISOString().replace('.000', '');
    const title = i === N - 1 ? 'The first lighthouse keeper' : `Harbour report ${i}`;
    fs.writeFileSync(path.join(dir, 'story.json'), JSON.stringify({
      format: 'story/1', id: `s${i}`, lang: 'en', title, published, tags: [i % 2 ? 'Ports' : 'Energy'],
      sections: [{ blocks: [`Report number ${i} from the harbour.`,
        Array.from({ length: 60 }, word).join(' ') + (i === 54_321 ? ' quasiperiodic' : '')] }],
    }));
  }
  const t1 = Date.now();
  const root = path.resolve(HERE, '..');
  execFileSync('cargo', ['build', '--release', '-q', '-p', 'story'], { cwd: root, stdio: 'inherit' });
  const r = spawnSync(path.join(root, 'target', 'release', 'story'),
    ['build', site, '--out', path.join(tmp, 'out'), '--url', 'https://news.example/', '--viewer', DIST, '--cache', path.join(tmp, 'cache')],
    { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  console.log(`${SHOWN} stories: generated in ${((t1 - t0) / 1000).toFixed(1)} s; ${r.stderr.trim().split('\n').filter((l) => /wrote|search index/.test(l)).join('; ')}`);
  fs.rmSync(site, { recursive: true, force: true });
  srv = await serve({ root: path.join(tmp, 'out'), mount: '/' });
});

after(async () => {
  await srv?.close();
  await browser?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('a big archive: the list, a page far back, the oldest story, and searches of the whole archive', async () => {
  await withPage(browser, { url: srv.url('') }, async ({ page }) => {
    await page.getByRole('link', { name: 'Harbour report 0', exact: true }).waitFor();
    const pager = page.getByRole('navigation', { name: 'Pages' });
    assert.match(await pager.textContent(), new RegExp(`Page 1 of ${N / 50}`));
    await page.goto(srv.url(`page/${N / 50}/`));
    await page.getByRole('link', { name: 'The first lighthouse keeper' }).click();
    await page.getByRole('heading', { level: 1, name: 'The first lighthouse keeper' }).waitFor();

    // Searches: what each downloads (every file of the site's search/) and
    // how long until the first results are drawn.
    let bodies = [];
    page.on('response', (res) => {
      if (res.url().includes('/search/')) bodies.push(res.body().then((b) => b.length));
    });
    const search = async (query, first, count) => {
      await page.goto(srv.url(''));
      bodies = [];
      const t = Date.now();
      await page.getByRole('searchbox', { name: 'Search stories' }).fill(query);
      await page.getByRole('link', { name: first }).first().waitFor({ timeout: 60_000 });
      const ms = Date.now() - t;
      await page.getByText(count).waitFor();
      const sizes = await Promise.all(bodies);
      const kb = sizes.reduce((a, b) => a + b, 0) / 1e3;
      console.log(`search "${query}" over ${SHOWN} stories: first results in ${ms} ms; ${sizes.length} files, ${kb.toFixed(1)} KB`);
      assert.ok(kb < 300, `${kb} KB for one query`);
    };
    await search('lighthouse', 'The first lighthouse keeper', '1 story matching “lighthouse”');
    await search('quasiperiodic', 'Harbour report 54321', '1 story matching “quasiperiodic”');
    // Every story has "harbour": the newest are listed, and the count says there are more.
    await search('harbour', 'Harbour report 0', '1000 stories matching “harbour” (the newest; there are more)');
  });
});
