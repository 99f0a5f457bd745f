import { iri, lit, namedNode, RecordBuilder, sha256Hex, stableId } from '../model/index.js';
import { checkDeadline, failed, rawText, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

const S = (l: string) => iri('schema', l);

/**
 * A FHIR R4 JSON Bundle (a patient summary, as health portals and apps
 * export it): conditions, medications, immunizations, allergies and
 * observations become health entries; coded values keep their LOINC code as
 * the measured property. The Patient resource (the owner) is not a record.
 */
type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function concept(v: unknown): { text?: string; loinc?: string } {
  const c = obj(v);
  if (!c) return {};
  const codings = arr(c['coding']).map(obj).filter((x): x is Json => !!x);
  const loinc = codings.find((x) => str(x['system']) === 'http://loinc.org');
  const text = str(c['text']) ?? codings.map((x) => str(x['display'])).find(Boolean) ?? codings.map((x) => str(x['code'])).find(Boolean);
  return { ...(text && { text }), ...(loinc && str(loinc['code']) && { loinc: str(loinc['code']) }) };
}

/** FHIR dates: `2019`, `2019-05`, `2019-05-04`, or a dateTime with offset. Partial dates are taken as their first day. */
function fhirDate(v: unknown): { value: string; kind: 'date' | 'dateTime'; partial?: string } | undefined {
  const s = str(v);
  if (!s) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return { value: s.replace(/\.\d+/, ''), kind: 'dateTime' };
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return { value: s, kind: 'date' };
  if (/^\d{4}-\d{2}$/.test(s)) return { value: `${s}-01`, kind: 'date', partial: s };
  if (/^\d{4}$/.test(s)) return { value: `${s}-01-01`, kind: 'date', partial: s };
  return undefined;
}

function firstDate(...vs: unknown[]): ReturnType<typeof fhirDate> {
  for (const v of vs) {
    const d = fhirDate(v) ?? fhirDate(obj(v)?.['start']);
    if (d) return d;
  }
  return undefined;
}

interface Entry {
  readonly name: string;
  readonly date: ReturnType<typeof fhirDate>;
  readonly value?: string | undefined;
  readonly unit?: string | undefined;
  readonly loinc?: string | undefined;
  readonly notes: Array<string | undefined>;
}

function describe(r: Json): Entry | 'skip' | undefined {
  const type = str(r['resourceType']);
  const notes = arr(r['note']).map((n) => str(obj(n)?.['text']));
  switch (type) {
    case 'Condition': {
      const c = concept(r['code']);
      // recordedDate (R4) was assertedDate in STU3 and dateRecorded in DSTU2, where clinicalStatus is a plain code.
      return { name: `Condition: ${c.text ?? 'unnamed'}`, date: firstDate(r['onsetDateTime'], r['onsetPeriod'], r['recordedDate'], r['assertedDate'], r['dateRecorded'], obj(r['meta'])?.['lastUpdated']), value: concept(r['clinicalStatus']).text ?? str(r['clinicalStatus']), notes };
    }
    case 'MedicationStatement':
    case 'MedicationRequest':
    case 'MedicationOrder': {
      // MedicationOrder is DSTU2's MedicationRequest (dateWritten for authoredOn).
      const c = concept(r['medicationCodeableConcept']);
      const dosage = arr(r['dosage'] ?? r['dosageInstruction']).map((d) => str(obj(d)?.['text'])).find(Boolean);
      return { name: `Medication: ${c.text ?? str(obj(r['medicationReference'])?.['display']) ?? 'unnamed'}`, date: firstDate(r['effectiveDateTime'], r['effectivePeriod'], r['authoredOn'], r['dateWritten'], r['dateAsserted'], obj(r['dispenseRequest'])?.['validityPeriod'], r['dateEnded']), value: dosage, notes: [...notes, str(r['status'])] };
    }
    case 'Immunization': {
      // R4 says occurrenceDateTime; STU3 and DSTU2 say date.
      const c = concept(r['vaccineCode']);
      return { name: `Immunization: ${c.text ?? 'unnamed'}`, date: firstDate(r['occurrenceDateTime'], r['date'], r['recorded']), value: str(r['lotNumber']) && `lot ${str(r['lotNumber'])}`, notes: [...notes, str(r['status'])] };
    }
    case 'AllergyIntolerance': {
      const c = concept(r['code']);
      return { name: `Allergy: ${c.text ?? concept(r['substance']).text ?? 'unnamed'}`, date: firstDate(r['onsetDateTime'], r['onset'], r['recordedDate'], r['assertedDate']), value: concept(r['clinicalStatus']).text ?? str(r['clinicalStatus']) ?? str(r['status']), notes };
    }
    case 'Observation': {
      const c = concept(r['code']);
      const q = obj(r['valueQuantity']);
      let value: string | undefined;
      let unit: string | undefined;
      if (q && typeof q['value'] === 'number') {
        value = String(q['value']);
        unit = str(q['unit']) ?? str(q['code']);
      } else if (str(r['valueString'])) value = str(r['valueString']);
      else if (obj(r['valueCodeableConcept'])) value = concept(r['valueCodeableConcept']).text;
      else {
        // Blood pressure and the like: components, shown as one value (120/80 mmHg).
        const comps = arr(r['component']).map(obj).filter((x): x is Json => !!x);
        const parts = comps.map((cp) => obj(cp['valueQuantity'])).filter((x): x is Json => !!x && typeof x['value'] === 'number');
        if (parts.length) {
          value = parts.map((p) => String(p['value'])).join('/');
          unit = str(parts[0]?.['unit']);
        }
      }
      return { name: c.text ?? 'Observation', date: firstDate(r['effectiveDateTime'], r['effectivePeriod'], r['effectiveInstant'], r['issued']), value, unit, loinc: c.loinc, notes };
    }
    case 'Patient':
    case 'Practitioner':
    case 'Organization':
    case 'Encounter':
    case 'Provenance':
    case 'Composition':
      return 'skip';
    default:
      return undefined;
  }
}

export const fhirImporter: Importer = {
  id: 'fhir',
  mediaType: 'application/fhir+json',
  parse(text: string, ctx: ImportContext): ParseResult {
    let bundle: Json | undefined;
    try {
      bundle = obj(JSON.parse(text));
    } catch (e) {
      return failed('malformed', `not valid JSON: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`);
    }
    if (!bundle || bundle['resourceType'] !== 'Bundle') return failed('invalid', 'not a FHIR Bundle (resourceType is not "Bundle")');
    const items: ParsedItem[] = [];
    const skipped = new Map<string, number>();
    for (const [i, e] of arr(bundle['entry']).entries()) {
      checkDeadline(ctx);
      const entry = obj(e);
      const r = obj(entry?.['resource']);
      if (!r) continue;
      const d = describe(r);
      const type = str(r['resourceType']) ?? 'resource';
      if (d === 'skip') continue;
      if (!d) {
        skipped.set(type, (skipped.get(type) ?? 0) + 1);
        continue;
      }
      const at = { position: `entry[${i}]`, raw: rawText(JSON.stringify(r) ?? '') };
      if (!d.date) {
        items.push({ skipped: { ...at, reason: `${type} "${d.name.slice(0, 60)}" has no date Locker can read (and a health entry needs one)` } });
        continue;
      }
      const key = str(r['id']) ?? str(entry?.['fullUrl']) ?? sha256Hex(JSON.stringify(r));
      const b = new RecordBuilder('health', stableId('health', `fhir\u0000${type}\u0000${key}`));
      b.set(S('name'), lit.string(d.name.slice(0, 300)));
      b.set(S('observationDate'), d.date.kind === 'date' ? lit.date(d.date.value) : lit.dateTime(d.date.value));
      if (d.value !== undefined) b.set(S('value'), /^-?\d+(\.\d+)?$/.test(d.value) ? lit.decimal(d.value) : lit.string(d.value.slice(0, 300)));
      if (d.unit) b.set(S('unitText'), lit.string(d.unit.slice(0, 50)));
      if (d.loinc && /^[0-9A-Za-z-]{1,20}$/.test(d.loinc)) b.set(S('measuredProperty'), namedNode(`https://loinc.org/${d.loinc}/`));
      const notes = [...d.notes, d.date.partial && `date given as ${d.date.partial}`].filter((n): n is string => !!n);
      if (notes.length) b.set(S('description'), lit.string(notes.join('; ').slice(0, 1000)));
      items.push({ record: b.build(), source: at });
      if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} entries in one file`);
    }
    if (items.length === 0) return failed('invalid', `this FHIR bundle has no conditions, medications, immunizations, allergies or observations${skipped.size ? ` (only ${[...skipped.keys()].join(', ')})` : ''}`);
    return { kind: 'ok', parsed: { count: items.length, items } };
  },
};
