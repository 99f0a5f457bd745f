/**
 * kill -9 at random moments of a sync (pushing and pulling), with edits in
 * between; after a restart everything resumes: no duplicates on the pod, no
 * lost edit, replicas equal.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocker, type Locker } from '../shared/api/index.js';
import { shardOf } from '../shared/pod/index.js';
import { generateCalendar } from '../bench/generate.js';
import { withSeed } from './helpers/faults.js';
import { BIN } from './helpers/cli.js';
import { tempHome } from './helpers/home.js';
import { login, newAccount, shardedNames } from './helpers/pod.js';
import { replica, snapshotOf, sync, type Replica } from './helpers/sync.js';

const open: Replica[] = [];
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const r of open) r.close();
  for (const c of cleanups) c();
});

/** Runs `locker sync` in a child process and SIGKILLs it after `ms` (or lets it finish). */
function syncProcess(home: string, killAfterMs: number): Promise<{ killed: boolean; code: number | null }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKER_') && !k.startsWith('VITEST')));
  const child = spawn(process.execPath, [BIN, '--home', home, 'sync', '--json'], { env: { ...env, LOCKER_VAULT: 'plain' }, stdio: 'ignore' });
  return new Promise((resolve) => {
    let killed = false;
    const t = setTimeout(() => {
      killed = child.exitCode === null;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ killed, code });
    });
  });
}

function reopen(r: Replica): Locker {
  const o = openLocker(r.home, {});
  if (o.kind !== 'ok') throw new Error(o.message);
  return o.locker;
}

describe('kill -9 during sync', () => {
  it('resumes after kills while pushing and pulling, without duplicates or lost edits', { timeout: 300_000 }, async () => {
    await withSeed('sync-crash', async (random, seed) => {
      const account = await newAccount('wac');
      const a = await replica(account);
      const b = await replica(account);
      open.push(a, b);
      const { home: tmp, cleanup } = tempHome('locker-crash-files-');
      cleanups.push(cleanup);
      const ics = path.join(tmp, 'big.ics');
      writeFileSync(ics, generateCalendar(400, seed));
      await a.locker.importFiles([ics]);
      // The lockers are used by child processes now: close ours while they run.
      a.locker.close();
      b.locker.close();

      let kills = 0;
      const edits = new Map<string, string>();
      for (let round = 0; round < 6; round++) {
        const r = await syncProcess(a.home, 150 + Math.floor(random() * 1500));
        if (r.killed) kills++;
        // Edit a few records between the kills (some already pushed, some not yet).
        const la = reopen(a);
        const ids = la.list({ type: 'event' }).map((e) => e.id);
        for (let k = 0; k < 5; k++) {
          const id = ids[Math.floor(random() * ids.length)] ?? '';
          const v = `edited in round ${round}.${k}`;
          expect((await la.edit(id, [{ name: 'description', value: v }])).kind).toBe('ok');
          edits.set(id, v);
        }
        la.close();
      }
      expect((await syncProcess(a.home, 120_000)).code).toBe(0);
      // Pulling side: B is killed while it fetches the 400 records.
      for (let round = 0; round < 4; round++) {
        const r = await syncProcess(b.home, 150 + Math.floor(random() * 1200));
        if (r.killed) kills++;
      }
      expect((await syncProcess(b.home, 120_000)).code).toBe(0);
      expect(kills).toBeGreaterThan(2);

      const la = reopen(a);
      const lb = reopen(b);
      try {
        for (const [id, v] of edits) {
          const s = la.show(id);
          if (s.kind !== 'ok') throw new Error(`${id} lost`);
          expect(s.json.properties['description']).toBe(v);
        }
        const sa = snapshotOf(la);
        expect(sa.size).toBe(400);
        const sb = snapshotOf(lb);
        const differing = [...sa.keys()].filter((id) => sa.get(id) !== sb.get(id));
        expect(differing.map((id) => `${id}\nA: ${JSON.stringify(la.store.sync.row(id))} ${sa.get(id)}\nB: ${JSON.stringify(lb.store.sync.row(id))} ${sb.get(id)}`).slice(0, 2)).toEqual([]);
        expect(sb).toEqual(sa);
        // The pod holds each record exactly once, and nothing else.
        const s = await login(account);
        try {
          const names = await shardedNames(s.fetch, `${account.podUrl}locker/events/`);
          expect(names).toEqual([...sa.keys()].map((id) => `${shardOf(id)}/${id}.ttl`).sort());
        } finally {
          await s.close();
        }
        // A sync right after changes nothing.
        const o = { locker: la, home: a.home, close: () => undefined };
        expect(await sync(o)).toMatchObject({ pushed: 0, pulled: 0, conflicts: 0 });
      } finally {
        la.close();
        lb.close();
      }
    });
  });
});
