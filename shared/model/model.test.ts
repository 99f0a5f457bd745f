import { describe, expect, it } from 'vitest';
import { applyEdits, iri, lit, loadShapes, namedNode, RECORD_TYPES, RecordBuilder, recordToJson, stableId, timeValue, validateRecord, withProvenance, readProvenance, indexRecord, TYPES } from './index.js';

const S = (l: string) => iri('schema', l);

function dentist() {
  const b = new RecordBuilder('event', stableId('event', 'uid:d'));
  b.set(S('name'), lit.string('Dentist'));
  b.set(S('startDate'), lit.dateTime('2026-03-03T09:15:00+01:00'));
  return b.build();
}

describe('record model', () => {
  it('has a SHACL shape for every record type, targeting its class', () => {
    const shapes = loadShapes();
    for (const t of RECORD_TYPES) {
      expect(shapes.specs[t].length, t).toBeGreaterThan(2);
      expect(shapes.quads.some((q) => q.predicate.value === iri('sh', 'targetClass') && q.object.value === TYPES[t].class), t).toBe(true);
    }
  });

  it('derives stable, type-scoped ids', () => {
    expect(stableId('event', 'uid:x')).toBe(stableId('event', 'uid:x'));
    expect(stableId('event', 'uid:x')).not.toBe(stableId('contact', 'uid:x'));
    expect(stableId('event', 'uid:x')).toMatch(/^[a-z2-7]{20}$/);
  });

  it('accepts a valid record and names the field of each problem in plain words', async () => {
    expect(await validateRecord(dentist())).toEqual({ ok: true });
    const b = new RecordBuilder('event', stableId('event', 'uid:bad'));
    b.set(S('startDate'), lit.dateTime('2026-02-30T25:00:00Z'));
    const att = b.node('attendee-1');
    b.set(S('attendee'), att);
    b.add(att, S('email'), lit.string('not-an-address'));
    const r = await validateRecord(b.build());
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toContainEqual({ field: 'name', message: 'Title is required' });
      expect(r.problems).toContainEqual({ field: 'startDate', message: expect.stringMatching(/^Starts must be a date and time .* or a date .*\(got "2026-02-30T25:00:00Z"\)$/) });
      expect(r.problems).toContainEqual({ field: 'attendee.email', message: 'Attendee email is not in the expected format (got "not-an-address")' });
    }
  });

  it('accepts text outside the Basic Multilingual Plane (emoji, rare CJK)', async () => {
    const b = new RecordBuilder('note', stableId('note', 'n'));
    b.set(S('text'), lit.string('🏖️ 𠀋 ok'));
    expect(await validateRecord(b.build())).toEqual({ ok: true });
  });

  it('applies edits by property name, typed from the shape, and validates them', async () => {
    const edited = await applyEdits(dentist(), [
      { name: 'name', value: 'Dentist (moved)' },
      { name: 'startDate', value: '2026-03-10T10:00' },
    ]);
    expect(edited.kind).toBe('ok');
    if (edited.kind === 'ok') expect(recordToJson(edited.record)).toMatchObject({ title: 'Dentist (moved)', start: '2026-03-10T10:00:00' });
    expect(await applyEdits(dentist(), [{ name: 'startDate', value: 'next tuesday' }])).toMatchObject({ kind: 'invalid', problems: [{ field: 'startDate' }] });
    expect(await applyEdits(dentist(), [{ name: 'name', value: '' }])).toMatchObject({ kind: 'invalid', problems: [{ field: 'name', message: 'Title is required' }] });
    expect(await applyEdits(dentist(), [{ name: 'colour', value: 'red' }])).toMatchObject({ kind: 'unknown-property', name: 'colour' });
    expect(await applyEdits(dentist(), [{ name: 'attendee', value: 'x' }])).toEqual({ kind: 'not-editable', name: 'attendee' });
    expect(await applyEdits(dentist(), [{ name: 'url', value: 'not a link' }])).toMatchObject({ kind: 'invalid', problems: [{ field: 'url', message: expect.stringMatching(/must be a link/) }] });
  });

  it('records provenance with PROV-O, which does not count as a change of content', () => {
    const r = dentist();
    const p1 = withProvenance(r, { importer: 'ical', fileName: 'a.ics', sha256: 'ab'.repeat(32), mediaType: 'text/calendar', at: '2026-01-01T00:00:00Z' });
    const p2 = withProvenance(p1, { importer: 'ical', fileName: 'b.ics', sha256: 'cd'.repeat(32), at: '2026-02-01T00:00:00Z' });
    expect(readProvenance(p1)).toEqual({ importer: 'ical', fileName: 'a.ics', sha256: 'ab'.repeat(32), mediaType: 'text/calendar', at: '2026-01-01T00:00:00Z' });
    expect(readProvenance(p2)?.fileName).toBe('b.ics');
    expect(p2.quads.filter((q) => q.predicate.value === iri('prov', 'wasGeneratedBy'))).toHaveLength(1);
    expect(p2.quads.some((q) => q.object.equals(namedNode(iri('prov', 'Activity'))))).toBe(true);
    expect(indexRecord(p1).contentHash).toBe(indexRecord(r).contentHash);
    expect(indexRecord(p2).contentHash).toBe(indexRecord(r).contentHash);
  });

  it('reads xsd dates and times as instants; floating times count as UTC', () => {
    expect(timeValue('2026-03-03')).toBe(Date.UTC(2026, 2, 3));
    expect(timeValue('2026-03-03T09:15:00+01:00')).toBe(Date.UTC(2026, 2, 3, 8, 15));
    expect(timeValue('2026-03-03T09:15:00')).toBe(Date.UTC(2026, 2, 3, 9, 15));
    expect(timeValue('tomorrow')).toBeUndefined();
  });
});
