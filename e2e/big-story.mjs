// The story at the limits of the format, as publishers write one: 2,000
// sections of 25 blocks (every block kind), 50,000 blocks in all. Shared by
// the end-to-end test and the benchmarks; and a catalog of 10,000 entries.
export function bigStory() {
  const sections = [];
  for (let s = 0; s < 2000; s++) {
    const blocks = [];
    for (let b = 0; b < 25; b++) {
      const t = `Paragraph ${s}.${b}: the eight cranes ran on diesel that idled between lifts.`;
      blocks.push(b % 5 === 1 ? ['Prices fell ', { text: 'by a third', strong: true }, ` (${s}.${b}).`]
        : b % 5 === 2 ? { type: 'quote', text: t, cite: 'the engineer' }
        : b % 5 === 3 ? { type: 'list', items: ['one', 'two', t] } : t);
    }
    sections.push({ heading: `Part ${s}`, blocks });
  }
  return { format: 'story/1', id: 'big', title: 'A story at the limits', published: '2026-03-14', source: { name: 'S' }, sections };
}

/** Init script: records every long task (start, duration) in `window.__longTasks`. */
export function recordLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** A catalog of `n` entries with varied words in three scripts. */
export function bigCatalog(n) {
  const words = ['harbour', 'cranes', 'electric', 'night', 'trains', 'river', 'library', 'robots', 'solar', 'desert',
    'école', 'Süd', 'café', '港口', '芯片', '学生', 'صحيفة', 'شمسية', 'energy', 'ports'];
  const pick = (i, k) => words[(i * 7 + k * 13) % words.length];
  const stories = [];
  for (let i = 0; i < n; i++) {
    stories.push({
      id: `s${i}`, title: `${pick(i, 1)} ${pick(i, 2)} story ${i}`, dek: `A dek about ${pick(i, 3)} and ${pick(i, 4)}.`,
      published: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}`, source: { name: `${pick(i, 5)} Daily` },
      href: `s${i}/story.json`, tags: [pick(i, 6), pick(i, 7)],
    });
  }
  return JSON.stringify({ format: 'story-index/1', title: 'Ten thousand', stories });
}
