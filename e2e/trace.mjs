// Where a cold load's main-thread time goes (a tool, not a test): loads an
// address of dist/ in Chromium with tracing on and prints each task of the
// page's main thread longer than --over ms (default 15): when it started
// (ms from navigation), how long it took, and the trace events that took
// most of it. The story and the catalog at the format's limits are served
// too, at /big/story.json and /big/catalog.json.
//
//   node e2e/trace.mjs                                  the seed story, ?src=
//   node e2e/trace.mjs '?src=/big/story.json' --runs 3 --over 30
//
// Build dist/ first (./dev build). Figures from it: docs/perf.md.
import { serve } from './server.mjs';
import { launch, DIST } from './harness.mjs';
import { bigStory, bigCatalog } from './big-story.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : fallback;
};
const runs = option('--runs', 1);
const over = option('--over', 15);
const address = args[0] ?? '?src=samples/harbour-cranes/story.json';

const srv = await serve({ root: DIST, mount: '/', extra: {
  '/big/story.json': JSON.stringify(bigStory()),
  '/big/catalog.json': bigCatalog(10_000),
} });
const browser = await launch();
try {
  for (let run = 1; run <= runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await browser.startTracing(page, { categories: ['devtools.timeline', 'v8', 'v8.wasm', 'blink.user_timing', 'loading', 'disabled-by-default-devtools.timeline'] });
    await page.goto(srv.url(address));
    // Loaded and quiet: no request for half a second.
    await page.waitForLoadState('networkidle');
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
    await context.close();
    report(run, trace.traceEvents ?? trace);
  }
} finally {
  await browser.close();
  await srv.close();
}

function report(run, events) {
  const mainThread = events.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain'
    && events.some((x) => x.pid === e.pid && x.tid === e.tid && x.name === 'ParseHTML'));
  const { pid, tid } = mainThread;
  const start = events.find((e) => e.pid === pid && e.name === 'navigationStart')?.ts ?? 0;
  const mine = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.ts >= start);
  const ms = (us) => (us / 1000).toFixed(1);
  console.log(`run ${run}: tasks over ${over} ms on the main thread of ${address}`);
  for (const task of mine.filter((e) => e.name === 'RunTask' && e.dur > over * 1000)) {
    const inside = {};
    for (const e of mine) {
      if (e !== task && e.name !== 'RunTask' && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && e.dur > 300) {
        inside[e.name] = (inside[e.name] ?? 0) + e.dur;
      }
    }
    const top = Object.entries(inside).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, d]) => `${n} ${ms(d)}`).join(', ');
    console.log(`  at ${ms(task.ts - start).padStart(7)} ms: ${ms(task.dur).padStart(6)} ms  ${top}`);
  }
}
