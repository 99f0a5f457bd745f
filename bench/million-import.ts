// Imports the files of a generated mixed locker into a fresh locker, in a process of its own, so that its peak
// memory is measured alone. Prints one JSON line: time, counts, peak RSS, and RSS sampled as the import goes.
const { openLocker } = await import('../shared/api/index.js');
const [home, ...files] = process.argv.slice(2);
if (!home || files.length === 0) throw new Error('usage: million-import.ts <home> <file|folder>...');
const opened = openLocker(home, {});
if (opened.kind !== 'ok') throw new Error(opened.message);
const samples: Array<{ s: number; rss_mb: number; heap_mb: number }> = [];
const t = performance.now();
const timer = setInterval(() => {
  const m = process.memoryUsage();
  samples.push({ s: Math.round((performance.now() - t) / 100) / 10, rss_mb: Math.round(m.rss / 1048576), heap_mb: Math.round(m.heapUsed / 1048576) });
}, 2000);
/** Time and records per format (by file extension): each file is committed at once, so the time since the last commit is its own. */
const perFormat: Record<string, { files: number; ms: number; imported: number }> = {};
let last = performance.now();
let lastCount = 0;
const summary = await opened.locker.importFiles(files, {
  onCommitted: (label, ids) => {
    const now = performance.now();
    const ext = /\.([a-z]+)$/i.exec(label)?.[1] ?? 'other';
    const f = (perFormat[ext] ??= { files: 0, ms: 0, imported: 0 });
    f.files++;
    f.ms += Math.round(now - last);
    f.imported += ids.length;
    last = now;
    lastCount += ids.length;
  },
});
const ms = performance.now() - t;
clearInterval(timer);
opened.locker.close();
process.stdout.write(
  `${JSON.stringify({ ms, imported: summary.imported, skipped: summary.skipped, errors: summary.errors, committed: lastCount, rss_mb: process.resourceUsage().maxRSS / 1024, samples, perFormat })}\n`,
);
