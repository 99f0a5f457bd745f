import type { Door } from './call.js';
import { clean } from './format.js';
import { PodUsageError, type PodIo } from './pod.js';

/**
 * `locker trash [--json]`: what was deleted here or on the pod in the last 30 days.
 * `locker trash restore <id>...`: puts records back (the next sync writes them to the pod again).
 */
export async function trashCommand(args: readonly string[], o: { json?: boolean | undefined }, door: Door, io: PodIo): Promise<number> {
  const [sub, ...ids] = args;
  if (sub === undefined) {
    const list = await door.call('trash.list', {});
    if (o.json) io.out(`${JSON.stringify(list)}\n`);
    else if (list.length === 0) io.out('the trash is empty\n');
    else for (const t of list) io.out(`${t.id}  ${t.type.padEnd(8)}  ${new Date(t.deletedMs).toISOString().slice(0, 16)}  ${t.source === 'pod' ? 'deleted on the pod' : 'deleted here'}  ${clean(t.title)}\n`);
    return 0;
  }
  if (sub !== 'restore' || ids.length === 0) throw new PodUsageError('usage: locker trash [--json] | locker trash restore <id>...');
  let failed = 0;
  const results = [];
  for (const id of ids) {
    const r = await door.call('trash.restore', { id });
    results.push(r);
    if (r.kind === 'restored') {
      if (!o.json) io.out(`restored ${r.type} ${clean(r.title)} (${r.id}): the next sync writes it to the pod\n`);
      continue;
    }
    failed++;
    io.err(`locker: ${r.id}: ${r.kind === 'absent' ? 'not in the trash' : 'a record with this id is in the locker again; the trash keeps its copy'}\n`);
  }
  if (o.json) io.out(`${JSON.stringify(results)}\n`);
  return failed === 0 ? 0 : 1;
}
