import { DataFactory, Store } from 'n3';
import type { DatasetCore, Quad, Term } from '@rdfjs/types';
import type { Validator, ShaclFactory, ValidationResult } from 'shacl-engine';
import { subjectIri, type LockerRecord } from './record.js';
import { loadShapes, type PropertySpec } from './shapes.js';
import { conformsFast } from './compiled.js';
import { TYPES } from './types.js';
import { iri, localName, XSD } from './vocab.js';

/** One thing wrong with a record, named the way a person edits it. */
export interface ValidationProblem {
  /** Property local name, e.g. `startDate`; nested ones as `hasEmail.value`. */
  readonly field: string;
  readonly message: string;
}

export type ValidationOutcome = { readonly ok: true } | { readonly ok: false; readonly problems: readonly ValidationProblem[] };

const factory: ShaclFactory = {
  ...DataFactory,
  dataset: (quads?: Quad[]) => new Store(quads ?? []) as unknown as DatasetCore,
} as unknown as ShaclFactory;

let validator: Validator | undefined;
let detailed: Validator | undefined;
let labels: Map<string, string> | undefined;
const datatypesOf = new Map<string, readonly string[]>();

/**
 * shacl-engine (and rdf-validation, grapoi under it) is loaded on the first
 * record that the compiled checks cannot pass: a read-only command (search,
 * list, show) never loads it, and most imports don't either.
 */
async function getValidator(): Promise<Validator> {
  if (!validator) {
    const { Validator } = await import('shacl-engine');
    const shapes = loadShapes();
    const shapeData = new Store([...shapes.quads]) as unknown as DatasetCore;
    validator = new Validator(shapeData, { factory });
    detailed = new Validator(shapeData, { factory, details: true });
    labels = new Map();
    for (const specs of Object.values(shapes.specs)) for (const s of specs as PropertySpec[]) {
      labels.set(s.path, s.label);
      datatypesOf.set(s.path, s.datatypes);
    }
  }
  return validator;
}

const DATATYPE_WORDS: Record<string, string> = {
  [XSD.date]: 'a date (YYYY-MM-DD)',
  [XSD.dateTime]: 'a date and time (YYYY-MM-DDThh:mm:ss±hh:mm)',
  [XSD.integer]: 'a whole number',
  [XSD.decimal]: 'a number',
  [XSD.string]: 'text',
  [XSD.boolean]: 'true or false',
};

const SH = (l: string) => iri('sh', l);

function describe(r: ValidationResult, prefix: string, parentLabel?: string): ValidationProblem[] {
  const pathTerm = r.path?.[0]?.predicates[0];
  const field = prefix + (pathTerm ? localName(pathTerm.value) : 'record');
  const nested = (r as unknown as { results?: ValidationResult[] }).results ?? [];
  const component = r.constraintComponent.value;
  if (component === SH('NodeConstraintComponent') && nested.length > 0) {
    const own = pathTerm ? (labels?.get(pathTerm.value) ?? localName(pathTerm.value)) : undefined;
    return nested.flatMap((n) => describe(n, `${field}.`, own));
  }
  const ownLabel = pathTerm ? (labels?.get(pathTerm.value) ?? localName(pathTerm.value)) : 'record';
  const label = parentLabel ? `${parentLabel} ${ownLabel === parentLabel ? 'value' : ownLabel}` : ownLabel;
  const value = r.value?.term;
  const shown = value ? ` (got ${JSON.stringify(value.value.length > 60 ? `${value.value.slice(0, 57)}...` : value.value)})` : '';
  const arg = (name: string): string => {
    const v = r.args[name] as Term | undefined;
    return v && typeof v === 'object' && 'value' in v ? v.value : String(v);
  };
  let message: string;
  switch (component) {
    case SH('MinCountConstraintComponent'):
      message = arg('minCount') === '1' ? `${label} is required` : `${label} needs at least ${arg('minCount')} values`;
      break;
    case SH('MaxCountConstraintComponent'):
      message = `${label} can have at most ${arg('maxCount')} value${arg('maxCount') === '1' ? '' : 's'}`;
      break;
    case SH('DatatypeConstraintComponent'):
      message = `${label} must be ${DATATYPE_WORDS[arg('datatype')] ?? localName(arg('datatype'))}${shown}`;
      break;
    case SH('OrConstraintComponent'): {
      const kinds = (pathTerm ? datatypesOf.get(pathTerm.value) : undefined) ?? [];
      message = kinds.length
        ? `${label} must be ${kinds.map((k) => DATATYPE_WORDS[k] ?? localName(k)).join(' or ')}${shown}`
        : `${label} has a value of the wrong kind${shown}`;
      break;
    }
    case SH('NodeKindConstraintComponent'):
      message = `${label} must be a link${shown}`;
      break;
    case SH('PatternConstraintComponent'):
      message = `${label} is not in the expected format${shown}`;
      break;
    case SH('MinLengthConstraintComponent'):
      message = `${label} cannot be empty`;
      break;
    case SH('InConstraintComponent'):
      message = `${label} is not one of the allowed values${shown}`;
      break;
    case SH('MinInclusiveConstraintComponent'):
    case SH('MaxInclusiveConstraintComponent'):
      message = `${label} is out of range${shown}`;
      break;
    default:
      message = `${label} is not valid${shown}`;
  }
  return [{ field, message }];
}

const PAIR = /[\ud800-\udbff][\udc00-\udfff]/g;

/**
 * rdf-validation (used by shacl-engine 1.1) rejects every UTF-16 surrogate in
 * xsd:string, so any emoji or rare CJK character would fail. Valid pairs are
 * swapped for U+FFFD in the copy that gets validated; lone surrogates (truly
 * invalid) still fail.
 */
function forValidation(q: Quad): Quad {
  const o = q.object;
  if (o.termType !== 'Literal' || !PAIR.test(o.value)) return q;
  PAIR.lastIndex = 0;
  const value = o.value.replace(PAIR, '\ufffd');
  return DataFactory.quad(q.subject, q.predicate, o.language ? DataFactory.literal(value, o.language) : DataFactory.literal(value, o.datatype), q.graph);
}

/** Checks a record against its type's shape. Never throws for bad data: problems come back as values. */
export async function validateRecord(record: LockerRecord): Promise<ValidationOutcome> {
  const subject = DataFactory.namedNode(subjectIri(record.type, record.id));
  const hasType = record.quads.some((q) => q.subject.equals(subject) && q.predicate.value === iri('rdf', 'type') && q.object.value === TYPES[record.type].class);
  if (!hasType) return { ok: false, problems: [{ field: 'type', message: `record is not a ${TYPES[record.type].label.toLowerCase()}` }] };
  if (conformsFast(record.type, subject.value, record.quads) === true) return { ok: true };
  return validateWithEngine(record);
}

/** Validation by shacl-engine alone (the reference the compiled checks are tested against). */
export async function validateWithEngine(record: LockerRecord): Promise<ValidationOutcome> {
  const v = await getValidator();
  const subject = DataFactory.namedNode(subjectIri(record.type, record.id));
  // Validate only the record's own shape, from its main subject: no target resolution over all shapes.
  const data = { dataset: new Store(record.quads.map(forValidation)) as unknown as DatasetCore, terms: [subject] };
  const shapes = [{ terms: [DataFactory.namedNode(loadShapes().shapeOf[record.type])] }];
  const quick = await v.validate(data, shapes);
  if (quick.conforms) return { ok: true };
  // Only a failing record pays for the detailed report (nested results name the inner field).
  const report = await (detailed as Validator).validate(data, shapes);
  if (report.conforms) return { ok: true };
  const problems = report.results.flatMap((r) => describe(r, ''));
  const unique = [...new Map(problems.map((p) => [`${p.field}|${p.message}`, p])).values()];
  return { ok: false, problems: unique };
}

export function formatProblems(problems: readonly ValidationProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}

/**
 * Validates many records at once (one dataset, one pass per record type):
 * much faster than one call per record. Returns the indexes of the records
 * that failed; check those one by one with `validateRecord` for the details.
 */
export async function findInvalid(records: readonly LockerRecord[]): Promise<number[]> {
  const shapeOf = loadShapes().shapeOf;
  const bad: number[] = [];
  const byType = new Map<string, number[]>();
  records.forEach((r, i) => {
    const list = byType.get(r.type);
    if (list) list.push(i);
    else byType.set(r.type, [i]);
  });
  for (const [type, all] of byType) {
    const indexes = all.filter((i) => {
      const r = records[i] as LockerRecord;
      return conformsFast(r.type, subjectIri(r.type, r.id), r.quads) !== true;
    });
    if (indexes.length === 0) continue;
    const quads: Quad[] = [];
    const terms = [];
    for (const i of indexes) {
      const r = records[i] as LockerRecord;
      for (const q of r.quads) quads.push(forValidation(q));
      terms.push(DataFactory.namedNode(subjectIri(r.type, r.id)));
    }
    const v = await getValidator();
    const report = await v.validate({ dataset: new Store(quads) as unknown as DatasetCore, terms }, [{ terms: [DataFactory.namedNode(shapeOf[type as LockerRecord['type']])] }]);
    if (report.conforms) continue;
    // Something in this batch is wrong: find which records, one by one.
    for (const i of indexes) if (!(await validateRecord(records[i] as LockerRecord)).ok) bad.push(i);
  }
  return bad.sort((a, b) => a - b);
}
