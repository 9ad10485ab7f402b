import fs from 'node:fs';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, openPage, HERE } from './harness.mjs';
const file = (name) => fs.readFileSync(path.resolve(HERE, '..', 'target', name));
const srv = await serve({ root: '/tmp/distp', mount: '/', extra: { '/bench/story.json': file('bench-story.json') } });
const browser = await launch();
try {
  const { page } = await openPage(browser);
  await page.goto(srv.url(''));
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.evaluate(async () => {
    const { checkDocument } = await import('./story-viewer.js');
    const url = new URL('/bench/story.json', location.href).href;
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    window.__run = () => checkDocument(bytes, url);
    for (let i = 0; i < 5; i++) window.__run();
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const t = await page.evaluate(() => { const t0 = performance.now(); for (let i = 0; i < 20; i++) window.__run(); return (performance.now() - t0) / 20; });
  const { profile } = await cdp.send('Profiler.stop');
  console.log('ms per run', t.toFixed(1));
  const self = new Map(); const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas; let total = 0;
  profile.samples.forEach((id, i) => { const n = byId.get(id); const k = n.callFrame.functionName || '(anon)'; self.set(k, (self.get(k) || 0) + dt[i]); total += dt[i]; });
  [...self].sort((a, b) => b[1] - a[1]).slice(0, 45).forEach(([k, v]) => console.log((100 * v / total).toFixed(1).padStart(5), k.slice(0, 140)));
} finally { await browser.close(); srv.close(); }
