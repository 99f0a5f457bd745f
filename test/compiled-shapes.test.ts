import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Quad } from '@rdfjs/types';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers/home.js';
import { icalImporter } from '../shared/importers/ical.js';
import { vcardImporter } from '../shared/importers/vcard.js';
import { collect, DEFAULT_CAPS } from '../shared/importers/types.js';
import { compiledFor, conformsFast } from '../shared/model/compiled.js';
import { recordToTurtle, iri, lit, literal, namedNode, quad, RECORD_TYPES, RecordBuilder, stableId, subjectIri, validateWithEngine, XSD, type LockerRecord } from '../shared/model/index.js';

const ctx = { fileName: 'x', caps: DEFAULT_CAPS, deadline: Date.now() + 60_000 };
const S = (l: string) => iri('schema', l);

function corpus(): LockerRecord[] {
  const out: LockerRecord[] = [];
  const ics = icalImporter.parse(readFileSync(path.join(FIXTURES, 'calendar.ics'), 'utf8'), ctx);
  const vcf = vcardImporter.parse(readFileSync(path.join(FIXTURES, 'contacts.vcf'), 'utf8'), ctx);
  if (ics.kind === 'ok') out.push(...collect(ics.parsed).records);
  if (vcf.kind === 'ok') out.push(...collect(vcf.parsed).records);
  const note = new RecordBuilder('note', stableId('note', 'n'));
  note.set(S('text'), lit.string('hello'));
  out.push(note.build());
  const place = new RecordBuilder('place', stableId('place', 'p'));
  place.set(S('name'), lit.string('Home'));
  const g = place.node('geo');
  place.set(S('geo'), g);
  place.add(g, S('latitude'), lit.decimal('47.37'));
  place.add(g, S('longitude'), lit.decimal('8.54'));
  out.push(place.build());
  return out;
}

/** Every way of breaking a record we can think of, applied to each literal and link in it. */
function mutations(r: LockerRecord): LockerRecord[] {
  const out: LockerRecord[] = [];
  const swap = (i: number, q: Quad) => out.push({ ...r, quads: r.quads.map((x, j) => (j === i ? q : x)) });
  r.quads.forEach((q, i) => {
    if (q.predicate.value === iri('rdf', 'type')) return;
    out.push({ ...r, quads: r.quads.filter((_, j) => j !== i) }); // remove it
    out.push({ ...r, quads: [...r.quads, quad(q.subject, q.predicate, literal('extra'))] }); // one more value
    const o = q.object;
    if (o.termType === 'Literal') {
      swap(i, quad(q.subject, q.predicate, literal(o.value, namedNode(XSD.integer))));
      swap(i, quad(q.subject, q.predicate, literal('2026-02-30', namedNode(XSD.date))));
      swap(i, quad(q.subject, q.predicate, literal('2026-13-01T10:00:00Z', namedNode(XSD.dateTime))));
      swap(i, quad(q.subject, q.predicate, literal('')));
      swap(i, quad(q.subject, q.predicate, namedNode(`https://x.example/${encodeURIComponent(o.value).slice(0, 20)}`)));
      swap(i, quad(q.subject, q.predicate, literal('999', namedNode(XSD.decimal))));
      swap(i, quad(q.subject, q.predicate, literal('bad\udc00lone')));
    } else {
      swap(i, quad(q.subject, q.predicate, literal(o.value)));
      swap(i, quad(q.subject, q.predicate, namedNode('mailto:nobody')));
      swap(i, quad(q.subject, q.predicate, namedNode(S('EventPostponed'))));
    }
  });
  return out;
}

describe('compiled shapes', () => {
  it('compile for every record type (no type silently falls back)', () => {
    for (const t of RECORD_TYPES) expect(compiledFor(t), t).toBe(true);
  });

  // The fast checks decide only "valid"; anything they reject goes to the engine, which has the last word.
  // So they must never accept what the engine rejects, and must accept the valid records.
  it('never accept what shacl-engine rejects, over hundreds of broken records', async () => {
    let checked = 0;
    let rejected = 0;
    for (const base of corpus()) {
      expect(conformsFast(base.type, subjectIri(base.type, base.id), base.quads), base.type).toBe(true);
      expect((await validateWithEngine(base)).ok).toBe(true);
      for (const r of mutations(base)) {
        const engine = await validateWithEngine(r);
        const fast = conformsFast(r.type, subjectIri(r.type, r.id), r.quads);
        if (fast === true && !engine.ok) throw new Error(`${r.type} engine=${JSON.stringify(engine)} fast=${fast}\n${recordToTurtle(r)}`);
        checked++;
        if (!engine.ok) rejected++;
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(200);
  });

  it('are stricter than the engine where XSD is: no 30 February', () => {
    const b = new RecordBuilder('event', stableId('event', 'feb'));
    b.set(S('name'), lit.string('x'));
    b.set(S('startDate'), lit.date('2026-02-30'));
    expect(conformsFast('event', subjectIri('event', b.build().id), b.build().quads)).toBe(false);
  });
});
