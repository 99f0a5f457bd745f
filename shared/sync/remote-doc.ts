import { DataFactory, Parser } from 'n3';
import type { Quad, Term } from '@rdfjs/types';
import { quadsToTurtleAt, recordFromTurtle, type LockerRecord, type RecordType } from '../model/index.js';
import { needsPodRewrite, recordUrl, toLocalIri, toPodIri, type PodLayout } from '../pod/index.js';

const { namedNode, quad } = DataFactory;
const HTTP_SCHEMA = 'http://schema.org/';
const HTTPS_SCHEMA = 'https://schema.org/';

/** Binary names under `files/`. */
export const SAFE_BINARY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

function mapQuads(quads: readonly Quad[], map: (t: Term) => Term): Quad[] {
  return quads.map((q) => {
    const s = map(q.subject);
    const p = map(q.predicate);
    const o = map(q.object);
    return s === q.subject && p === q.predicate && o === q.object ? q : quad(s as Quad['subject'], p as Quad['predicate'], o as Quad['object']);
  });
}

/**
 * Parses a record document fetched from the pod into a local record:
 * relative IRIs resolve against the document's pod address, and IRIs under
 * the pod's locker root are mapped to the local root (a contact's
 * `Person/<id>/index.ttl#this` to `contacts/<id>.ttl#it`).
 * `at` is where the document was read (its record address unless it is being moved).
 * Throws on a syntax error (callers turn it into a value).
 */
export function parseRemoteRecord(type: RecordType, id: string, text: string, layout: PodLayout, at: string = recordUrl(layout, type, id)): LockerRecord {
  const parsed = new Parser({ baseIRI: at, format: 'text/turtle', blankNodePrefix: '' }).parse(text);
  // schema.org written as https:// (soukai apps) is the http:// Locker reads.
  const map = (t: Term): Term => {
    if (t.termType !== 'NamedNode') return t;
    const local = toLocalIri(layout, t.value);
    if (local !== t.value) return namedNode(local);
    if (t.value.startsWith(HTTPS_SCHEMA)) return namedNode(HTTP_SCHEMA + t.value.slice(HTTPS_SCHEMA.length));
    return t;
  };
  return { id, type, quads: mapQuads(parsed, map) };
}

/**
 * The body Locker writes to a record's pod document: the stored Turtle as it
 * is where the pod's layout is the store's (relative IRIs mean the same in
 * both), else written afresh with every IRI at its pod address.
 */
export function podBody(layout: PodLayout, type: RecordType, id: string, stored: string): string {
  return needsPodRewrite(type, stored) ? podTurtle(layout, recordFromTurtle(type, id, stored)) : stored;
}

/** A record written as Turtle at its pod address, every IRI mapped to the pod's layout. */
export function podTurtle(layout: PodLayout, record: LockerRecord): string {
  const map = (t: Term): Term => {
    if (t.termType !== 'NamedNode') return t;
    const pod = toPodIri(layout, t.value);
    return pod === t.value ? t : namedNode(pod);
  };
  return quadsToTurtleAt(mapQuads(record.quads, map), recordUrl(layout, record.type, record.id), layout.root);
}
