/**
 * Process entry of the embedded pod's daemon:
 *   node --import tsx shared/localpod/daemon.ts <home>
 * Started detached by `startLocalPod`; stops on SIGTERM/SIGINT.
 */
import { DAEMON_EXIT, runDaemon } from './serve.js';

const home = process.argv[2];
if (!home) {
  process.stderr.write('usage: daemon.ts <locker home>\n');
  process.exit(DAEMON_EXIT.usage);
}
const code = await runDaemon(home, { log: (line) => process.stdout.write(`${new Date().toISOString()} [${process.pid}] ${line}\n`) });
process.exit(code);
