import { DataFactory, Parser } from 'n3';
import type { Quad, Term } from '@rdfjs/types';
import { docIri, LOCAL_ROOT, type LockerRecord, type RecordType } from '../model/index.js';

const { namedNode, quad } = DataFactory;
const HTTP_SCHEMA = 'http://schema.org/';
const HTTPS_SCHEMA = 'https://schema.org/';

/** Record ids that can be file names on any pod (and in local IRIs). */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Binary names under `files/`. */
export const SAFE_BINARY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/** The record id of a member URL `…/<id>.ttl`, or undefined when it isn't one of Locker's names. */
export function idOfMember(containerUrl: string, memberUrl: string): string | undefined {
  if (!memberUrl.startsWith(containerUrl)) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(memberUrl.slice(containerUrl.length));
  } catch {
    return undefined;
  }
  if (!name.endsWith('.ttl')) return undefined;
  const id = name.slice(0, -4);
  return SAFE_ID.test(id) ? id : undefined;
}

/**
 * Parses a record document fetched from the pod into a local record:
 * relative IRIs resolve as if the document lived in the local root, and
 * absolute IRIs under the pod's locker root are mapped to the local root.
 * Throws on a syntax error (callers turn it into a value).
 */
export function parseRemoteRecord(type: RecordType, id: string, text: string, podRoot: string): LockerRecord {
  const localDoc = docIri(type, id);
  const parsed = new Parser({ baseIRI: localDoc, format: 'text/turtle', blankNodePrefix: '' }).parse(text);
  // Absolute IRIs under the pod's root come home; schema.org written as https:// (soukai apps) is the http:// Locker reads.
  const map = (t: Term): Term => {
    if (t.termType !== 'NamedNode') return t;
    if (t.value.startsWith(podRoot)) return namedNode(LOCAL_ROOT + t.value.slice(podRoot.length));
    if (t.value.startsWith(HTTPS_SCHEMA)) return namedNode(HTTP_SCHEMA + t.value.slice(HTTPS_SCHEMA.length));
    return t;
  };
  const quads: Quad[] = parsed.map((q) => {
    const s = map(q.subject);
    const p = map(q.predicate);
    const o = map(q.object);
    return s === q.subject && p === q.predicate && o === q.object ? q : quad(s as Quad['subject'], p as Quad['predicate'], o as Quad['object']);
  });
  return { id, type, quads };
}
