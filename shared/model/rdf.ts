import { Parser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { docIri, LOCAL_ROOT, type LockerRecord } from './record.js';
import { writeRecordTurtle } from './turtle.js';
import type { RecordType } from './types.js';

/** Parses Turtle; relative IRIs resolve against `base`. Throws on syntax errors (callers turn them into values). */
function parseTurtle(text: string, base: string): Quad[] {
  return new Parser({ baseIRI: base, format: 'text/turtle' }).parse(text);
}

/** The stored form of a record: Turtle relative to its own document, valid under any root. */
export function recordToTurtle(record: LockerRecord): string {
  return writeRecordTurtle(record.quads, { doc: docIri(record.type, record.id), root: LOCAL_ROOT });
}

/** A record's quads as Turtle relative to another document and root (its copy on a pod, whose layout can differ from the store's). */
export function quadsToTurtleAt(quads: readonly Quad[], doc: string, root: string): string {
  return writeRecordTurtle(quads, { doc, root });
}

export function recordFromTurtle(type: RecordType, id: string, text: string, root?: string): LockerRecord {
  return { id, type, quads: parseTurtle(text, docIri(type, id, root)) };
}

/** Groups quads by subject, the main subject (`#it`) first, so the Turtle reads top-down. */
export function sortForWriting(quads: readonly Quad[]): Quad[] {
  const order = new Map<string, number>();
  for (const q of quads) if (!order.has(q.subject.value)) order.set(q.subject.value, q.subject.value.endsWith('#it') ? -1 : order.size);
  return quads
    .map((q, i) => ({ q, i }))
    .sort((a, b) => (order.get(a.q.subject.value) ?? 0) - (order.get(b.q.subject.value) ?? 0) || a.i - b.i)
    .map((x) => x.q);
}
