/**
 * Three replicas of one locker on one pod doing thousands of random edits,
 * creates, deletes, conflict resolutions and syncs. At the end every
 * replica is equal, and no acknowledged edit vanished: the latest value
 * written to each field is still somewhere — in a replica or held in a
 * conflict — unless the record was deleted afterwards.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { listConflicts, resolve, syncWithPod } from '../shared/api/index.js';
import { iri, lit, RecordBuilder, recordFromTurtle, recordToJson } from '../shared/model/index.js';
import { withSeed } from './helpers/faults.js';
import { newAccount } from './helpers/pod.js';
import { PLAIN, replica, snapshotOf, type Replica } from './helpers/sync.js';

/**
 * The replicas are the person's own lockers: a batch of deletions one of them made is what the person
 * meant, so each sync accepts them (test/sync-deletions.test.ts shows what is held when it doesn't).
 */
async function sync(r: Replica) {
  const res = await syncWithPod(r.locker, { env: PLAIN }, { deletions: 'accept' });
  if (res.kind !== 'ok' || res.summary.errors.length) throw new Error(`sync failed: ${res.kind === 'error' ? res.message : JSON.stringify(res.summary.errors)}`);
  return res.summary;
}

// 1,000 by default: each sync lists every type's container (12 now), so 2,000 ops took ~6 min on 2 cores.
// LOCKER_RANDOM_OPS=5000 runs a deeper search.
const OPS = Number(process.env['LOCKER_RANDOM_OPS'] ?? 1000);
const open: Replica[] = [];
afterAll(() => {
  for (const r of open) r.close();
});

interface Written {
  readonly id: string;
  readonly field: 'name' | 'description';
  readonly value: string;
  readonly at: number;
}

function valuesHeld(rs: readonly Replica[], id: string, field: string): string[] {
  const out: string[] = [];
  for (const r of rs) {
    const s = r.locker.show(id);
    if (s.kind === 'ok') out.push(String(s.json.properties[field]));
    for (const c of listConflicts(r.locker)) if (c.id === id && c.remote) out.push(String(c.remote.properties[field]));
  }
  return out;
}

describe('three replicas, random edits', () => {
  it(`${OPS} random operations end with equal replicas and nothing acknowledged lost`, { timeout: 1_200_000 }, async () => {
    await withSeed('sync-random', async (random, seed) => {
      const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(random() * xs.length)];
      const account = await newAccount('wac');
      const rs = [await replica(account), await replica(account), await replica(account)];
      open.push(...rs);
      const [first] = rs;
      if (!first) throw new Error('no replica');
      // A small shared set of records, so that edits collide often.
      const seedRecords = Array.from({ length: 12 }, (_, i) => {
        const b = new RecordBuilder('event', `seed${i}`);
        b.add(b.subject, iri('schema', 'name'), lit.string(`Seed ${i}`));
        b.add(b.subject, iri('schema', 'startDate'), lit.dateTime(`2026-01-${String(i + 1).padStart(2, '0')}T10:00:00Z`));
        return b.build();
      });
      first.locker.store.putRecords(seedRecords);
      for (const r of rs) await sync(r);

      const written: Written[] = [];
      const deletedAt = new Map<string, number>();
      const settledAt = new Map<string, number>();
      const created: Array<{ id: string; at: number }> = [];
      const counts = { edit: 0, create: 0, delete: 0, sync: 0, resolve: 0, conflicts: 0 };
      for (let op = 0; op < OPS; op++) {
        const r = pick(rs);
        if (!r) continue;
        const roll = random();
        const live = r.locker.list({ type: 'event' }).map((e) => e.id);
        if (roll < 0.55) {
          const id = pick(live);
          if (!id) continue;
          const field = random() < 0.5 ? 'name' : 'description';
          const value = `${field} ${op}`;
          const out = await r.locker.edit(id, [{ name: field, value }]);
          if (out.kind !== 'ok') throw new Error(`edit failed: ${JSON.stringify(out)}`);
          written.push({ id, field, value, at: op });
          counts.edit++;
        } else if (roll < 0.62) {
          const id = `new${op}`;
          const b = new RecordBuilder('event', id);
          b.add(b.subject, iri('schema', 'name'), lit.string(`Created ${op}`));
          b.add(b.subject, iri('schema', 'startDate'), lit.dateTime('2026-02-01T09:00:00Z'));
          r.locker.store.putRecords([b.build()]);
          created.push({ id, at: op });
          counts.create++;
        } else if (roll < 0.67) {
          const id = pick(live);
          if (!id) continue;
          await r.locker.delete(id);
          deletedAt.set(id, op);
          counts.delete++;
        } else if (roll < 0.72) {
          const c = pick(listConflicts(r.locker));
          if (!c) continue;
          const keep = pick(['local', 'remote', 'merged'] as const) ?? 'local';
          const out = await resolve(r.locker, c.id, keep);
          if (out.kind === 'invalid') await resolve(r.locker, c.id, 'remote');
          else if (out.kind !== 'ok') throw new Error(`resolve failed: ${JSON.stringify(out)}`);
          // Resolving is the person choosing: whatever the discarded side wrote is legitimately gone.
          settledAt.set(c.id, op);
          counts.resolve++;
        } else {
          const res = await syncWithPod(r.locker, { env: PLAIN }, { deletions: 'accept' });
          if (res.kind !== 'ok' || res.summary.errors.length) throw new Error(`sync failed: ${res.kind === 'error' ? res.message : JSON.stringify(res.summary.errors)}`);
          counts.sync++;
        }
      }
      // Let everything settle without resolving anything.
      for (let round = 0; round < 3; round++) for (const r of rs) await sync(r);
      counts.conflicts = rs.reduce((n, r) => n + listConflicts(r.locker).length, 0);

      // Nothing acknowledged was lost: the latest write of every field is still held somewhere.
      const latest = new Map<string, Written>();
      for (const w of written) latest.set(`${w.id} ${w.field}`, w);
      for (const w of latest.values()) {
        if ((deletedAt.get(w.id) ?? -1) > w.at || (settledAt.get(w.id) ?? -1) > w.at) continue;
        expect(valuesHeld(rs, w.id, w.field), `${w.field} of ${w.id} written at op ${w.at}`).toContain(w.value);
      }
      for (const c of created) {
        if ((deletedAt.get(c.id) ?? -1) > c.at || (settledAt.get(c.id) ?? -1) > c.at) continue;
        expect(rs.some((r) => r.locker.show(c.id).kind === 'ok' || listConflicts(r.locker).some((x) => x.id === c.id)), `created ${c.id}`).toBe(true);
      }

      // Settle the conflicts (take the pod's version) and converge.
      for (let round = 0; round < 6; round++) {
        for (const r of rs) for (const c of listConflicts(r.locker)) await resolve(r.locker, c.id, 'remote');
        for (const r of rs) await sync(r);
        if (rs.every((r) => listConflicts(r.locker).length === 0)) break;
      }
      for (const r of rs) await sync(r);
      const [s0, ...others] = rs.map((r) => snapshotOf(r.locker));
      for (const s of others) expect(s).toEqual(s0);
      expect(rs.every((r) => listConflicts(r.locker).length === 0)).toBe(true);
      // Every replica's records parse and have the fields the shape requires.
      for (const [id, rdf] of s0 ?? []) {
        const json = recordToJson(recordFromTurtle('event', id, rdf));
        expect(json.properties['name'], id).toBeTruthy();
      }
      console.log(`sync-random seed ${seed}: ${JSON.stringify(counts)}, ${s0?.size ?? 0} records at the end`);
      expect(counts.sync).toBeGreaterThan(OPS / 5);
    });
  });
});
