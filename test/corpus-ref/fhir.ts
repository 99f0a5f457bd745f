// FHIR JSON Bundle: a plain structural reading (no FHIR parser keeps a patient's entries apart the
// way a person reads them). Items are the `entry[].resource`s of the Bundle that are a Condition,
// MedicationStatement, MedicationRequest (DSTU2: MedicationOrder), Immunization, AllergyIntolerance or Observation (the
// clinical entries Locker keeps; Patient, Encounter, Claim… are no item). One is unreadable when none
// of the elements that date it in DSTU2, STU3 or R4 holds a FHIR date or dateTime (the spec's regular
// expression for the type): a dated entry is what a health record is.
import { decodeUtf8, type Reference, type ReferenceCounter } from './types.js';

type Json = Record<string, unknown>;

/** The regular expression of the FHIR `dateTime` type (which every `date` and `instant` also matches). */
const DATE_TIME =
  /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?)?)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)?)?)?$/;

/** The elements that date each kind of entry, R4 names first, then STU3's and DSTU2's. */
const DATED_BY: Readonly<Record<string, readonly string[]>> = {
  Condition: ['onsetDateTime', 'onsetPeriod', 'recordedDate', 'assertedDate', 'dateRecorded'],
  MedicationStatement: ['effectiveDateTime', 'effectivePeriod', 'dateAsserted'],
  MedicationRequest: ['authoredOn', 'dispenseRequest.validityPeriod'],
  // DSTU2's name for MedicationRequest.
  MedicationOrder: ['dateWritten', 'dateEnded'],
  Immunization: ['occurrenceDateTime', 'recorded', 'date'],
  AllergyIntolerance: ['onsetDateTime', 'recordedDate', 'assertedDate', 'onset'],
  Observation: ['effectiveDateTime', 'effectivePeriod', 'effectiveInstant', 'issued'],
};

function at(r: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Json)[k] : undefined), r);
}

/** A date in the element: a dateTime string, or a Period whose start (or end) is one. */
function dated(v: unknown): boolean {
  if (typeof v === 'string') return DATE_TIME.test(v);
  if (v && typeof v === 'object') return dated((v as Json)['start']) || dated((v as Json)['end']);
  return false;
}

function countFhir(text: string): Reference {
  let bundle: Json;
  try {
    bundle = JSON.parse(text) as Json;
  } catch {
    return { items: 0, unreadable: 0, wholeFileRefused: true };
  }
  let items = 0;
  let unreadable = 0;
  for (const e of Array.isArray(bundle['entry']) ? (bundle['entry'] as unknown[]) : []) {
    const r = (e as Json | null)?.['resource'] as Json | undefined;
    const fields = typeof r?.['resourceType'] === 'string' ? DATED_BY[r['resourceType']] : undefined;
    if (!r || !fields) continue;
    items += 1;
    if (!fields.some((f) => dated(at(r, f)))) unreadable += 1;
  }
  return { items, unreadable, wholeFileRefused: bundle['resourceType'] !== 'Bundle' };
}

export const counter: ReferenceCounter = {
  parser: 'JSON.parse and the FHIR dateTime pattern (plain structural reading)',
  item: 'a Condition, MedicationStatement, MedicationRequest or MedicationOrder, Immunization, AllergyIntolerance or Observation entry',
  count: (bytes) => countFhir(decodeUtf8(bytes)),
};
