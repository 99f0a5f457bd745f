// Imports one file into a fresh locker in its own process, so its peak memory is measured alone.
// With BENCH_PASSPHRASE set, the locker is an encrypted one (the key derivation is not timed).
const { encryptLocker, openLocker, unlockKey } = await import('../shared/api/index.js');
const [home, file] = process.argv.slice(2);
if (!home || !file) throw new Error('usage: import-child.ts <home> <file>');
const passphrase = process.env['BENCH_PASSPHRASE'];
let key;
if (passphrase) {
  const made = await encryptLocker(home, { passphrase, recoveryKey: false });
  if (made.kind !== 'ok') throw new Error(made.message);
  const k = await unlockKey(home, { kind: 'passphrase', passphrase });
  if (k.kind !== 'ok') throw new Error('unlock failed');
  key = k.key;
}
const opened = openLocker(home, {}, { key });
if (opened.kind !== 'ok') throw new Error(opened.message);
const t = performance.now();
const summary = await opened.locker.importFiles([file]);
const ms = performance.now() - t;
opened.locker.close();
process.stdout.write(`${JSON.stringify({ ms, imported: summary.imported, errors: summary.errors, rss_mb: process.resourceUsage().maxRSS / 1024 })}\n`);
