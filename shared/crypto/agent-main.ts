/**
 * Process entry of the unlock agent (started by `startAgent`):
 *   node --import tsx shared/crypto/agent-main.ts <home> <idleMs>
 * The key arrives on stdin as one line of hex.
 */
import { DataKey } from './data-key.js';
import { runAgent } from './agent.js';

const [home, idle] = process.argv.slice(2);
const idleMs = Number(idle);
if (!home || !Number.isFinite(idleMs) || idleMs <= 0) {
  process.stderr.write('usage: agent-main.ts <home> <idleMs>\n');
  process.exit(2);
}
let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) {
  input += String(chunk);
  if (input.includes('\n') || input.length > 200) break;
}
const key = DataKey.fromHex(input.trim());
input = '';
if (!key) {
  process.stderr.write('no key on stdin\n');
  process.exit(2);
}
process.on('SIGTERM', () => process.exit(0));
await runAgent(home, key, { idleMs });
process.exit(0);
