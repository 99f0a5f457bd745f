// Child process for the crash test: imports files one by one and acknowledges each
// on stdout only after its transaction committed. The parent kills it with SIGKILL.
import { writeSync } from 'node:fs';
import path from 'node:path';
import { openLocker } from '../../shared/api/index.js';

const [home, ...files] = process.argv.slice(2);
if (!home) throw new Error('usage: import-child <home> <file>...');
const opened = openLocker(home, {});
if (opened.kind !== 'ok') {
  writeSync(2, `${opened.message}\n`);
  process.exit(1);
}
writeSync(1, 'start\n');
for (const file of files) {
  const summary = await opened.locker.importFiles([file], {
    onCommitted: (f) => writeSync(1, `ack ${path.basename(f)}\n`),
  });
  if (summary.errors.length) {
    writeSync(2, `${JSON.stringify(summary.errors)}\n`);
    process.exit(1);
  }
}
opened.locker.close();
writeSync(1, 'done\n');
