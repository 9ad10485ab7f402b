// `story serve` (#24), as an author uses it: the site served on loopback
// with the strict CSP; a save reloads the open page with the change; a save
// that breaks the story shows the check's lines in the page, and the fix
// brings the story back. Prints the time from a save to the reloaded page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, withPage, HERE, DIST } from './harness.mjs';

let browser, server, tmp, url;
const site = () => path.join(tmp, 'site');
const story = (i, title) => JSON.stringify({
  format: 'story/1', id: `s${i}`, lang: 'en', title, published: `2026-11-0${i + 1}`,
  sections: [{ heading: 'What happened', blocks: [`The text of story ${i}.`] }],
});

before(async () => {
  browser = await launch();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'story-serve-e2e-'));
  for (let i = 0; i < 3; i++) {
    fs.mkdirSync(path.join(site(), `s${i}`), { recursive: true });
    fs.writeFileSync(path.join(site(), `s${i}`, 'story.json'), story(i, `Story number ${i}`));
  }
  const root = path.resolve(HERE, '..');
  execFileSync('cargo', ['build', '-q', '-p', 'story'], { cwd: root, stdio: 'inherit' });
  server = spawn(path.join(root, 'target', 'debug', 'story'),
    ['serve', site(), '--port', '0', '--viewer', DIST, '--cache', path.join(tmp, 'cache')], { stdio: ['ignore', 'ignore', 'pipe'] });
  url = await new Promise((resolve, reject) => {
    let err = '';
    server.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/story serve: (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`story serve exited ${code}: ${err}`)));
  });
});

after(async () => {
  server?.kill();
  await browser?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the site is served with the strict CSP, and only served pages get the reload script', async () => {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(await res.text(), /\/\.story-serve\/reload\.js/);
  const built = path.join(os.tmpdir(), `story-serve-${server.pid}`, 'site', 'index.html');
  assert.doesNotMatch(fs.readFileSync(built, 'utf8'), /story-serve/, 'the built files themselves are as story build writes them');
  const wasm = await fetch(`${url}story-viewer_bg.wasm`, { headers: { 'accept-encoding': 'br' } });
  assert.equal(wasm.headers.get('content-encoding'), 'br');
  assert.equal((await fetch(`${url}..%2f..%2fetc/passwd`)).status, 404);
});

test('a save reloads the page; a broken save shows the check lines; the fix brings the story back', async () => {
  await withPage(browser, { url: `${url}s1/`, allow: ['s1/'] }, async ({ page }) => {
    await page.getByRole('heading', { level: 1, name: 'Story number 1' }).waitFor();
    const file = path.join(site(), 's1', 'story.json');

    const saved = Date.now();
    fs.writeFileSync(file, story(1, 'Story number 1, corrected'));
    await page.getByRole('heading', { level: 1, name: 'Story number 1, corrected' }).waitFor();
    console.log(`story serve: save to reloaded page ${Date.now() - saved} ms (3 stories)`);

    fs.writeFileSync(file, '{ "format": "story/1", "title": ');
    await page.getByRole('heading', { level: 1, name: 'The site could not be built' }).waitFor();
    const lines = await page.locator('pre').textContent();
    assert.match(lines, /s1\/story\.json: line 1, column \d+: error:/);

    fs.writeFileSync(file, story(1, 'Story number 1, fixed'));
    await page.getByRole('heading', { level: 1, name: 'Story number 1, fixed' }).waitFor();
  });
});

test("a save reloads the pages it changed and no other: the saved story's at once, the list after the whole build", async () => {
  await withPage(browser, { url: `${url}s2/` }, async ({ page: other }) => {
    await withPage(browser, { url }, async ({ page: list }) => {
      await other.getByRole('heading', { level: 1, name: 'Story number 2' }).waitFor();
      await list.getByRole('link', { name: 'Story number 1, fixed' }).waitFor();
      // A mark that a reload would wipe.
      for (const p of [other, list]) await p.evaluate(() => { window.notReloaded = true; });
      fs.writeFileSync(path.join(site(), 's1', 'story.json'), story(1, 'Story number 1, retitled'));
      await list.getByRole('link', { name: 'Story number 1, retitled' }).waitFor();
      assert.equal(await list.evaluate(() => window.notReloaded), undefined, 'the list reloaded');
      // The whole build is done (the list shows it); the other story's page stayed.
      await new Promise((done) => setTimeout(done, 300));
      assert.equal(await other.evaluate(() => window.notReloaded), true, "another story's page did not reload");

      fs.writeFileSync(path.join(site(), 's2', 'story.json'), story(2, 'Story number 2, retitled'));
      await other.getByRole('heading', { level: 1, name: 'Story number 2, retitled' }).waitFor();
      assert.equal(await other.evaluate(() => window.notReloaded), undefined);
    });
  });
});
