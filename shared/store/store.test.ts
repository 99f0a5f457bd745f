import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lit, RecordBuilder, recordToTurtle, stableId, iri, type LockerRecord } from '../model/index.js';
import { tempHome } from '../../test/helpers/home.js';
import { openStore, type Store } from './index.js';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';

const S = (l: string) => iri('schema', l);

function event(key: string, name: string, start: string, description = ''): LockerRecord {
  const b = new RecordBuilder('event', stableId('event', key));
  b.set(S('name'), lit.string(name));
  b.set(S('startDate'), start.length === 10 ? lit.date(start) : lit.dateTime(start));
  if (description) b.set(S('description'), lit.string(description));
  return b.build();
}

let store: Store;
let cleanup: () => void;
let file: string;

beforeEach(() => {
  const t = tempHome();
  file = path.join(t.home, 'locker.db');
  const opened = openStore(file);
  if (opened.kind !== 'ok') throw new Error(opened.message);
  store = opened.store;
  cleanup = () => {
    store.close();
    t.cleanup();
  };
});
afterEach(() => cleanup());

describe('store', () => {
  it('stores records and reads them back as the same triples', () => {
    const e = event('a', 'Dentist', '2026-03-03T09:15:00+01:00');
    expect(store.putRecords([e])).toEqual(['created']);
    const back = store.getRecord(e.id);
    expect(back && recordToTurtle(back)).toBe(recordToTurtle(e));
    expect(store.get(e.id)?.syncState).toBe('local');
  });

  it('moves a schema-4 locker to schema 5: the unused (type, updated_ms) index goes, its records stay', () => {
    store.putRecords([event('a', 'Dentist', '2026-03-03')]);
    store.close();
    const raw = new Database(file);
    raw.exec('CREATE INDEX records_type_updated ON records (type, updated_ms) WHERE deleted = 0');
    raw.pragma('user_version = 4');
    raw.close();
    const again = openStore(file);
    if (again.kind !== 'ok') throw new Error(again.message);
    store = again.store;
    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(5);
      expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'records_type_updated'").all()).toEqual([]);
    } finally {
      check.close();
    }
    expect(store.list().map((r) => r.title)).toEqual(['Dentist']);
  });

  it('reports unchanged content as unchanged and changed content as updated', () => {
    const e = event('a', 'Dentist', '2026-03-03');
    store.putRecords([e]);
    expect(store.putRecords([e])).toEqual(['unchanged']);
    expect(store.putRecords([event('a', 'Dentist (moved)', '2026-03-10')])).toEqual(['updated']);
    expect(store.list().map((r) => r.title)).toEqual(['Dentist (moved)']);
  });

  it('queries by type and by time range', () => {
    store.putRecords([event('a', 'Jan', '2026-01-15'), event('b', 'Feb', '2026-02-15T10:00:00Z'), event('c', 'Apr', '2026-04-01')]);
    const c = new RecordBuilder('contact', stableId('contact', 'x'));
    c.set(iri('vcard', 'fn'), lit.string('Ann'));
    store.putRecords([c.build()]);
    expect(store.list({ type: 'contact' }).map((r) => r.title)).toEqual(['Ann']);
    const q1 = store.list({ fromMs: Date.parse('2026-01-01'), toMs: Date.parse('2026-04-01') });
    expect(q1.map((r) => r.title)).toEqual(['Jan', 'Feb']);
    expect(store.list({ type: 'event' }).map((r) => r.title)).toEqual(['Apr', 'Feb', 'Jan']);
    expect(store.counts()).toEqual({ event: 3, contact: 1 });
  });

  it('finds words as prefixes, without accents or case, best title match first', () => {
    store.putRecords([
      event('a', 'Trip to Zürich', '2026-05-01'),
      event('b', 'Lunch', '2026-05-02', 'at the café near Zurich main station'),
      event('c', 'Dentist', '2026-05-03', 'Dr. Müller'),
    ]);
    expect(store.search('zur').map((r) => r.title)).toEqual(['Trip to Zürich', 'Lunch']);
    expect(store.search('ZÜRICH').map((r) => r.title)).toEqual(['Trip to Zürich', 'Lunch']);
    expect(store.search('mull').map((r) => r.title)).toEqual(['Dentist']);
    expect(store.search('cafe zur').map((r) => r.title)).toEqual(['Lunch']);
    expect(store.search('dentist nothing')).toEqual([]);
    // FTS5 syntax in the input is taken literally, never as an operator or an error.
    expect(store.search('"dent* OR NEAR(')).toEqual([]);
    expect(store.search('***')).toEqual([]);
  });

  it('answers a single letter with the newest matches, unranked, leaving out deleted records and other types', () => {
    store.putRecords([event('a', 'Zoo', '2026-05-01'), event('b', 'Lunch', '2026-05-02', 'zucchini'), event('c', 'Dentist', '2026-05-03'), event('d', 'Zither lesson', '2026-05-04')]);
    expect(store.search('z').map((r) => r.title)).toEqual(['Zither lesson', 'Lunch', 'Zoo']);
    expect(store.search('Ž', { limit: 2 }).map((r) => r.title)).toEqual(['Zither lesson', 'Lunch']);
    expect(store.search('z', { type: 'contact' })).toEqual([]);
    const zoo = store.search('zoo')[0]?.id ?? '';
    store.delete(zoo);
    expect(store.search('z').map((r) => r.title)).toEqual(['Zither lesson', 'Lunch']);
  });

  it('keeps the search index in step with edits and deletes', () => {
    store.putRecords([event('a', 'Dentist', '2026-05-03')]);
    store.putRecords([event('a', 'Orthodontist', '2026-05-03')]);
    expect(store.search('dentist')).toEqual([]);
    expect(store.search('ortho')).toHaveLength(1);
    expect(store.delete(stableId('event', 'a'))).toEqual({ kind: 'deleted' });
    expect(store.search('ortho')).toEqual([]);
    expect(store.delete(stableId('event', 'a'))).toEqual({ kind: 'absent' });
  });

  it('keeps the base version for sync: a local edit marks it modified, a delete leaves a tombstone', () => {
    const e = event('a', 'Dentist', '2026-05-03');
    store.putRecords([e]);
    store.sync.setBase(e.id, recordToTurtle(e), store.get(e.id)?.contentHash ?? '', '"etag-1"', undefined);
    expect(store.get(e.id)).toMatchObject({ syncState: 'synced', base: { rdf: recordToTurtle(e), etag: '"etag-1"' } });
    store.putRecords([event('a', 'Dentist (moved)', '2026-05-04')]);
    expect(store.get(e.id)).toMatchObject({ syncState: 'modified', title: 'Dentist (moved)', base: { rdf: recordToTurtle(e), etag: '"etag-1"' } });
    store.delete(e.id);
    expect(store.get(e.id)).toMatchObject({ deleted: true, syncState: 'deleted', base: { etag: '"etag-1"' } });
    expect(store.getRecord(e.id)).toBeUndefined();
    expect(store.list()).toEqual([]);
  });

  it('survives closing and reopening, and refuses a file that is not a database', async () => {
    store.putRecords([event('a', 'Dentist', '2026-05-03')]);
    store.close();
    const again = openStore(file);
    expect(again.kind).toBe('ok');
    if (again.kind === 'ok') {
      expect(again.store.list()).toHaveLength(1);
      store = again.store;
    }
    const { writeFileSync } = await import('node:fs');
    const junk = path.join(path.dirname(file), 'junk.db');
    writeFileSync(junk, 'this is not sqlite'.repeat(100));
    const bad = openStore(junk);
    expect(bad.kind === 'error' && bad.message).toMatch(/not a Locker database/);
  });

  it('rolls back every record of a batch when one fails', () => {
    const good = event('a', 'Good', '2026-05-03');
    const broken = { ...event('b', 'Bad', '2026-05-03'), type: 'nonsense' } as unknown as LockerRecord;
    expect(() => store.putRecords([good, broken])).toThrow();
    expect(store.list()).toEqual([]);
  });
});
