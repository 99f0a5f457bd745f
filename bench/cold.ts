// Cold start: a fresh process opens a 100k-record locker and answers its first query.
const t0 = performance.now();
const { openLocker } = await import('../shared/api/index.js');
const home = process.argv[2];
if (!home) throw new Error('usage: cold.ts <home>');
const opened = openLocker(home, {});
if (opened.kind !== 'ok') throw new Error(opened.message);
const first = opened.locker.list({ type: 'event', limit: 50 });
const t1 = performance.now();
const hits = opened.locker.search('dentist');
const t2 = performance.now();
opened.locker.close();
process.stdout.write(`${JSON.stringify({ cold_start_ms: t1 - t0, first_search_ms: t2 - t1, rows: first.length + hits.length })}\n`);
