import type { Quad } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { docIri, lit, type LockerRecord } from './record.js';
import { iri, RDF_TYPE } from './vocab.js';

const { namedNode, quad } = DataFactory;
const PROV = (l: string) => iri('prov', l);
const S = (l: string) => iri('schema', l);

/** Where a record came from: which importer read which file (by name and digest), and when. */
export interface Provenance {
  /** e.g. `ical`, `vcard`, `trig`, `manual`. */
  readonly importer: string;
  /** The source file's base name (never its full path). */
  readonly fileName?: string;
  readonly sha256?: string;
  readonly mediaType?: string;
  /** ISO 8601. */
  readonly at: string;
}

const IMPORTER_AGENT_BASE = 'https://w3id.org/locker/importers/';
const ACTIVITY = 'prov-activity';
/** The fragment of a record's source entity (the file it came from). */
export const PROVENANCE_SOURCE = 'prov-source';
const SOURCE = PROVENANCE_SOURCE;
const WAS_GENERATED_BY = PROV('wasGeneratedBy');
const ACTIVITY_SUFFIX = `#${ACTIVITY}`;
const SOURCE_SUFFIX = `#${SOURCE}`;

/** True for the quads that only say where a record came from (so they don't count as a change of content). */
export function isProvenanceQuad(q: Quad, doc: string): boolean {
  if (q.predicate.value === WAS_GENERATED_BY) return true;
  // `<doc>#prov-activity` or `<doc>#prov-source`, without building either string (this runs for every quad indexed).
  const s = q.subject.value;
  const rest = s.length - doc.length;
  return ((rest === ACTIVITY_SUFFIX.length && s.endsWith(ACTIVITY_SUFFIX)) || (rest === SOURCE_SUFFIX.length && s.endsWith(SOURCE_SUFFIX))) && s.startsWith(doc);
}

/** Replaces the record's provenance with `p` (PROV-O: Activity, SoftwareAgent, Entity). */
export function withProvenance(record: LockerRecord, p: Provenance): LockerRecord {
  const doc = docIri(record.type, record.id);
  const kept = record.quads.filter((q) => !isProvenanceQuad(q, doc));
  const it = namedNode(`${doc}#it`);
  const act = namedNode(`${doc}#${ACTIVITY}`);
  const src = namedNode(`${doc}#${SOURCE}`);
  const out: Quad[] = [
    ...kept,
    quad(it, namedNode(PROV('wasGeneratedBy')), act),
    quad(act, namedNode(RDF_TYPE), namedNode(PROV('Activity'))),
    quad(act, namedNode(PROV('wasAssociatedWith')), namedNode(IMPORTER_AGENT_BASE + p.importer)),
    quad(act, namedNode(PROV('endedAtTime')), lit.dateTime(p.at)),
  ];
  if (p.fileName !== undefined || p.sha256 !== undefined) {
    out.push(quad(act, namedNode(PROV('used')), src), quad(src, namedNode(RDF_TYPE), namedNode(PROV('Entity'))));
    if (p.fileName !== undefined) out.push(quad(src, namedNode(S('name')), lit.string(p.fileName)));
    if (p.sha256 !== undefined) out.push(quad(src, namedNode(S('sha256')), lit.string(p.sha256)));
    if (p.mediaType !== undefined) out.push(quad(src, namedNode(S('encodingFormat')), lit.string(p.mediaType)));
  }
  return { ...record, quads: out };
}

/** Reads the provenance back from a record, if it has any. */
export function readProvenance(record: LockerRecord): Provenance | undefined {
  const doc = docIri(record.type, record.id);
  const act = `${doc}#${ACTIVITY}`;
  const src = `${doc}#${SOURCE}`;
  const get = (s: string, p: string) => record.quads.find((q) => q.subject.value === s && q.predicate.value === p)?.object.value;
  const agent = get(act, PROV('wasAssociatedWith'));
  const at = get(act, PROV('endedAtTime'));
  if (!agent || !at) return undefined;
  const fileName = get(src, S('name'));
  const sha256 = get(src, S('sha256'));
  const mediaType = get(src, S('encodingFormat'));
  return {
    importer: agent.startsWith(IMPORTER_AGENT_BASE) ? agent.slice(IMPORTER_AGENT_BASE.length) : agent,
    at,
    ...(fileName !== undefined && { fileName }),
    ...(sha256 !== undefined && { sha256 }),
    ...(mediaType !== undefined && { mediaType }),
  };
}
