// Browser benchmark (not a test): parse + validate in wasm beside the
// browser's own JSON.parse of the same text, in the same page, on a story at
// the format's limits (50,000 blocks, ~7.9 MiB; written by
// `cargo run --release -p story-format --example bench -- --write ../target/bench-story.json`).
// Prints medians of 9 runs and the ratio. Run with `./dev bench`.
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, openPage, DIST, HERE } from './harness.mjs';

const storyFile = path.resolve(HERE, '..', 'target', 'bench-story.json');
const srv = await serve({ root: DIST, mount: '/', extra: { '/bench/story.json': fs.readFileSync(storyFile) } });
const browser = await launch();
try {
  const { page } = await openPage(browser);
  await page.goto(srv.url(''));
  await page.getByRole('heading', { level: 1 }).waitFor();
  const result = await page.evaluate(async () => {
    const { checkDocument } = await import('./story-viewer.js');
    const url = new URL('/bench/story.json', location.href).href;
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const median = (f) => {
      const times = [];
      for (let i = 0; i < 9; i++) { const t = performance.now(); f(); times.push(performance.now() - t); }
      times.sort((a, b) => a - b);
      return times[4];
    };
    const errors = checkDocument(bytes, url);
    return {
      mib: bytes.length / 1048576, errors,
      jsonParse: median(() => JSON.parse(text)),
      wasm: median(() => checkDocument(bytes, url)),
    };
  });
  if (result.errors !== 0) throw new Error(`the benchmark story has ${result.errors} errors`);
  console.log(`story: ${result.mib.toFixed(2)} MiB, 50000 blocks (Chromium, median of 9 runs)`);
  console.log(`JSON.parse (text, baseline):        ${result.jsonParse.toFixed(2)} ms`);
  console.log(`wasm parse + validate (bytes):      ${result.wasm.toFixed(2)} ms`);
  console.log(`ratio wasm / JSON.parse:            ${(result.wasm / result.jsonParse).toFixed(2)}x (goal: within 1.5x)`);
} finally {
  await browser.close();
  await srv.close();
}
