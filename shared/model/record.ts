import { DataFactory } from 'n3';
import type { NamedNode, Quad, Quad_Object, Quad_Subject, Term } from '@rdfjs/types';
import { TYPES, type RecordType } from './types.js';
import { RDF_TYPE, XSD } from './vocab.js';

const { namedNode, literal, quad } = DataFactory;

/**
 * Where records live before a pod is connected. Stored RDF is written relative
 * to each record's document, so the same text is valid under a pod's root.
 */
export const LOCAL_ROOT = 'https://locker.invalid/';

/** A record: one RDF document about one subject (`<doc>#it`). */
export interface LockerRecord {
  readonly id: string;
  readonly type: RecordType;
  readonly quads: readonly Quad[];
}

export function docIri(type: RecordType, id: string, root: string = LOCAL_ROOT): string {
  return `${root}${TYPES[type].container}/${id}.ttl`;
}

export function subjectIri(type: RecordType, id: string, root: string = LOCAL_ROOT): string {
  return `${docIri(type, id, root)}#it`;
}

/** `<root>files/<name>`: binary resources (photo bytes, attachments) are documents of their own. */
export function binaryIri(name: string, root: string = LOCAL_ROOT): string {
  return `${root}files/${name}`;
}

/** Splits a local record IRI back into its type container and id. */
export function parseDocIri(iriText: string, root: string = LOCAL_ROOT): { container: string; id: string } | undefined {
  if (!iriText.startsWith(root)) return undefined;
  const m = /^([a-z-]+)\/([A-Za-z0-9_-]+)\.ttl(?:#.*)?$/.exec(iriText.slice(root.length));
  return m && m[1] && m[2] ? { container: m[1], id: m[2] } : undefined;
}

/** A binary resource linked from a record (photo bytes, an attachment): named by its digest, a document of its own on the pod. */
export interface BinaryWrite {
  readonly name: string;
  readonly mediaType: string;
  readonly sha256: string;
  readonly bytes: Uint8Array;
}

export const lit = {
  string: (v: string) => literal(v),
  lang: (v: string, lang: string) => literal(v, lang),
  date: (v: string) => literal(v, namedNode(XSD.date)),
  dateTime: (v: string) => literal(v, namedNode(XSD.dateTime)),
  integer: (v: number) => literal(String(Math.trunc(v)), namedNode(XSD.integer)),
  decimal: (v: string | number) => literal(String(v), namedNode(XSD.decimal)),
  boolean: (v: boolean) => literal(String(v), namedNode(XSD.boolean)),
  typed: (v: string, datatype: string) => literal(v, namedNode(datatype)),
};

/** Collects the quads of one record; nested nodes get fragment IRIs (never blank nodes, which N3 Patch can't address). */
export class RecordBuilder {
  readonly doc: string;
  readonly subject: NamedNode;
  private readonly out: Quad[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly type: RecordType,
    readonly id: string,
  ) {
    this.doc = docIri(type, id);
    this.subject = namedNode(`${this.doc}#it`);
    this.add(this.subject, namedNode(RDF_TYPE), namedNode(TYPES[type].class));
  }

  /** A node inside this record's document: `<doc>#fragment`. */
  node(fragment: string): NamedNode {
    return namedNode(`${this.doc}#${fragment}`);
  }

  add(s: Quad_Subject, p: string | NamedNode, o: Quad_Object | undefined | null): this {
    if (o === undefined || o === null) return this;
    if (o.termType === 'Literal' && o.value === '') return this;
    const pred = typeof p === 'string' ? p : p.value;
    const key = `${s.value} ${pred} ${objectKey(o)}`;
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.out.push(quad(s, typeof p === 'string' ? namedNode(p) : p, o));
    }
    return this;
  }

  /** Adds to the main subject. */
  set(p: string, o: Quad_Object | undefined | null): this {
    return this.add(this.subject, p, o);
  }

  typeOf(s: Quad_Subject, classIri: string): this {
    return this.add(s, RDF_TYPE, namedNode(classIri));
  }

  build(): LockerRecord {
    return { id: this.id, type: this.type, quads: [...this.out] };
  }
}

/**
 * termKey for telling a builder's objects apart. n3's terms carry it already as their `id` (a literal's
 * `"value"@lang` or `"value"^^datatype`), which n3 otherwise re-slices on every read of `value`, `language`
 * and `datatype`; other RDF/JS terms fall back to termKey. Never stored: contentHash keeps termKey.
 */
function objectKey(t: Term): string {
  const id = (t as { id?: unknown }).id;
  return typeof id === 'string' ? `${t.termType}:${id}` : termKey(t);
}

export function termKey(t: Term): string {
  if (t.termType === 'Literal') return `"${t.value}"@${t.language}^^${t.datatype.value}`;
  return `${t.termType}:${t.value}`;
}

export { namedNode, literal, quad };
