import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, tempHome } from './helpers/home.js';
import { locker, lockerJson, lockerProcess } from './helpers/cli.js';

interface Item {
  id: string;
  type: string;
  title: string;
  start?: string;
  updated: string;
}
interface Shown {
  id: string;
  type: string;
  title: string;
  start?: string;
  properties: Record<string, unknown>;
  provenance?: { importer: string; fileName?: string; sha256?: string; at: string };
  updated: string;
}

const ics = path.join(FIXTURES, 'calendar.ics');
const vcf = path.join(FIXTURES, 'contacts.vcf');
const homes: Array<() => void> = [];
const fresh = () => {
  const t = tempHome();
  homes.push(t.cleanup);
  return t.home;
};
afterAll(() => homes.forEach((c) => c()));

describe('the locker command, as in the README', () => {
  let home: string;
  let dentistId: string;

  beforeAll(async () => {
    home = fresh();
  });

  it('imports a calendar and an address book', async () => {
    const summary = await lockerJson(home, 'import', ics, vcf);
    expect(summary).toEqual({ imported: 10, updated: 0, unchanged: 0, skipped: 0, duplicates: 0, seen: 10, errors: [], skippedItems: [] });
  });

  it('lists events with the JSON shape of the CLI contract', async () => {
    const items = await lockerJson<Item[]>(home, 'list', '--type', 'event');
    expect(items).toHaveLength(6);
    for (const i of items) {
      expect(Object.keys(i).sort()).toEqual(['id', 'start', 'title', 'type', 'updated']);
      expect(i.type).toBe('event');
      expect(Number.isNaN(Date.parse(i.updated))).toBe(false);
    }
    const contacts = await lockerJson<Item[]>(home, 'list', '--type', 'contact');
    expect(contacts.map((c) => c.title)).toEqual(['Ann Lee', 'Bob Smith', 'Dr. Jörg Müller', 'Praxis Dr. Weiß']);
    expect(Object.keys(contacts[0] as Item).sort()).toEqual(['id', 'title', 'type', 'updated']);
    const spring = await lockerJson<Item[]>(home, 'list', '--from', '2026-03-01', '--to', '2026-04-01');
    expect(spring.map((i) => i.title)).toEqual(['Choir rehearsal (concert prep, longer)', 'Dentist – check-up']);
  });

  it('searches by prefix and without accents, best first', async () => {
    const hits = await lockerJson<Item[]>(home, 'search', 'dentist');
    expect(hits[0]?.title).toBe('Dentist – check-up');
    dentistId = hits[0]?.id ?? '';
    expect((await lockerJson<Item[]>(home, 'search', 'zur')).map((h) => h.title).sort()).toEqual(['Dentist – check-up', 'Dr. Jörg Müller']);
    expect((await lockerJson<Item[]>(home, 'search', 'choir reh')).map((h) => h.title).sort()).toEqual(['Choir rehearsal', 'Choir rehearsal (concert prep, longer)']);
  });

  it('shows a record with its properties and provenance', async () => {
    const shown = await lockerJson<Shown>(home, 'show', dentistId, '--format', 'json');
    expect(shown).toMatchObject({ id: dentistId, type: 'event', title: 'Dentist – check-up', start: '2026-03-03T09:15:00+01:00' });
    expect(shown.properties['name']).toBe('Dentist – check-up');
    expect(shown.provenance).toMatchObject({ importer: 'ical', fileName: 'calendar.ics' });
    expect(shown.provenance?.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Attendees and organizer are linked to the contacts with the same email.
    const joerg = (await lockerJson<Item[]>(home, 'search', 'Jörg', '--type', 'contact'))[0];
    expect(shown.properties['attendee']).toMatchObject({ email: 'joerg.mueller@example.de', sameAs: `https://locker.invalid/contacts/${joerg?.id}.ttl#it` });
    const turtle = await locker(home, 'show', dentistId, '--format', 'turtle');
    expect(turtle.stdout).toContain('<#it> a schema:Event');
  });

  it('edits a record by property name, validated against its shape', async () => {
    const ok = await locker(home, 'edit', dentistId, '--set', 'name=Dentist (moved)', '--set', 'startDate=2026-03-10T09:15:00+01:00');
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    const shown = await lockerJson<Shown>(home, 'show', dentistId);
    expect(shown).toMatchObject({ title: 'Dentist (moved)', start: '2026-03-10T09:15:00+01:00' });
    expect((await lockerJson<Item[]>(home, 'search', 'moved')).map((h) => h.id)).toEqual([dentistId]);
    const bad = await locker(home, 'edit', dentistId, '--set', 'startDate=soon');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^locker: not saved: startDate: Starts must be a date and time/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect((await lockerJson<Shown>(home, 'show', dentistId)).title).toBe('Dentist (moved)');
  });

  it('re-importing the same files updates instead of duplicating', async () => {
    const again = await lockerJson(home, 'import', ics, vcf);
    expect(again).toEqual({ imported: 0, updated: 1, unchanged: 9, skipped: 0, duplicates: 0, seen: 10, errors: [], skippedItems: [] });
    expect(await lockerJson<Item[]>(home, 'list')).toHaveLength(10);
  });

  it('exports to TriG with binaries beside it, and import reads it back to the same records', async () => {
    const out = path.join(fresh(), 'backup.trig');
    const exported = await lockerJson<{ records: number; binaries: number; file: string; filesDir: string }>(home, 'export', '--out', out);
    expect(exported).toMatchObject({ records: 10, binaries: 1, file: out });
    expect(readdirSync(path.join(path.dirname(out), 'backup.files'))).toHaveLength(1);
    const other = fresh();
    expect(await lockerJson(other, 'import', out)).toEqual({ imported: 10, updated: 0, unchanged: 0, skipped: 0, duplicates: 0, seen: 10, errors: [], skippedItems: [] });
    const a = await lockerJson<Item[]>(home, 'list');
    const b = await lockerJson<Item[]>(other, 'list');
    expect(b.map((i) => i.id)).toEqual(a.map((i) => i.id));
    for (const item of a) {
      const x = await lockerJson<Shown>(home, 'show', item.id);
      const y = await lockerJson<Shown>(other, 'show', item.id);
      expect({ ...y, updated: '' }).toEqual({ ...x, updated: '' });
      const tx = await locker(home, 'show', item.id, '--format', 'turtle');
      const ty = await locker(other, 'show', item.id, '--format', 'turtle');
      expect(ty.stdout).toBe(tx.stdout);
    }
    // The photo's bytes survive the round trip.
    const joerg = (await lockerJson<Item[]>(other, 'search', 'Jörg'))[0];
    const photo = String((await lockerJson<Shown>(other, 'show', joerg?.id ?? '')).properties['hasPhoto']);
    const name = photo.split('/').pop() ?? '';
    const dirExport = path.join(fresh(), 'again');
    await lockerJson(other, 'export', '--out', dirExport);
    expect(readFileSync(path.join(dirExport, 'files', name))).toEqual(readFileSync(path.join(path.dirname(out), 'backup.files', name)));
    expect(existsSync(path.join(dirExport, 'locker.trig'))).toBe(true);
    // Importing the export into the locker it came from changes nothing.
    expect(await lockerJson(home, 'import', out)).toEqual({ imported: 0, updated: 0, unchanged: 10, skipped: 0, duplicates: 0, seen: 10, errors: [], skippedItems: [] });
  });

  it('links contacts imported after the events', async () => {
    const h = fresh();
    await lockerJson(h, 'import', ics);
    const before = await lockerJson<Shown>(h, 'show', dentistId);
    expect(before.properties['attendee']).not.toHaveProperty('sameAs');
    await lockerJson(h, 'import', vcf);
    const after = await lockerJson<Shown>(h, 'show', dentistId);
    expect(after.properties['attendee']).toHaveProperty('sameAs');
    expect(after.properties['organizer']).toHaveProperty('sameAs');
  });

  it('deletes a record', async () => {
    expect(await locker(home, 'delete', dentistId)).toMatchObject({ code: 0 });
    expect(await locker(home, 'show', dentistId)).toMatchObject({ code: 1, stderr: `locker: no record ${dentistId}\n` });
    expect(await locker(home, 'delete', dentistId)).toMatchObject({ code: 1 });
  });

  it('rejects bad usage with one line on stderr and a non-zero exit', async () => {
    for (const args of [['list', '--type', 'spaceship'], ['show', 'nope'], ['frobnicate'], ['list', '--bogus'], ['edit', dentistId]]) {
      const r = await locker(home, ...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });

  it('works as a real process: only JSON on stdout', () => {
    const h = fresh();
    const r = lockerProcess(h, ['import', ics, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ imported: 6, updated: 0, unchanged: 0, skipped: 0, duplicates: 0, seen: 6, errors: [], skippedItems: [] });
    const l = lockerProcess(h, ['search', 'holiday', '--json']);
    expect(JSON.parse(l.stdout)).toHaveLength(1);
    const viaEnv = lockerProcess(h, ['list', '--json'].slice(0), {});
    expect(JSON.parse(viaEnv.stdout)).toHaveLength(6);
  });
});
