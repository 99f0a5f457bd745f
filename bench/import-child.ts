// Imports one file into a fresh locker in its own process, so its peak memory is measured alone.
const { openLocker } = await import('../shared/api/index.js');
const [home, file] = process.argv.slice(2);
if (!home || !file) throw new Error('usage: import-child.ts <home> <file>');
const opened = openLocker(home, {});
if (opened.kind !== 'ok') throw new Error(opened.message);
const t = performance.now();
const summary = await opened.locker.importFiles([file]);
const ms = performance.now() - t;
opened.locker.close();
process.stdout.write(`${JSON.stringify({ ms, imported: summary.imported, errors: summary.errors, rss_mb: process.resourceUsage().maxRSS / 1024 })}\n`);
