import type { Quad, Term } from '@rdfjs/types';
import { NS, XSD } from './vocab.js';

/**
 * A small, fast Turtle writer for record documents (named-node subjects,
 * IRIs and literals as objects): IRIs inside the document are written as
 * `<#frag>`, other locker documents relative to it (`<../contacts/x.ttl#it>`),
 * known vocabularies with prefixes. n3's general Writer builds its base-IRI
 * matchers per document, which made it the slowest step of a large import.
 */
const PREFIX_LIST = Object.entries(NS).filter(([p]) => p !== 'sh');
const LOCAL_OK = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const RDF_TYPE = `${NS.rdf}type`;

function escapeString(s: string): string {
  return s.replace(/["\\\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '"':
        return '\\"';
      case '\\':
        return '\\\\';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}

function escapeIri(s: string): string {
  return s.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface Prefixed {
  readonly prefix: string;
  readonly ns: string;
  /** `prefix:local` */
  readonly name: string;
}

/**
 * IRIs already looked up against the known vocabularies (predicates, classes, datatypes repeat in every
 * record): their prefixed name, or null when none fits. Emptied when it grows past PREFIX_CACHE_MAX, so
 * the one-off IRIs of a long import (mailto:, tel:) cannot make it grow without bound.
 */
const prefixCache = new Map<string, Prefixed | null>();
const PREFIX_CACHE_MAX = 4096;

function prefixedName(value: string): Prefixed | null {
  const hit = prefixCache.get(value);
  if (hit !== undefined) return hit;
  let found: Prefixed | null = null;
  for (const [prefix, ns] of PREFIX_LIST) {
    if (value.startsWith(ns)) {
      const local = value.slice(ns.length);
      if (LOCAL_OK.test(local)) {
        found = { prefix, ns, name: `${prefix}:${local}` };
        break;
      }
    }
  }
  if (prefixCache.size >= PREFIX_CACHE_MAX) prefixCache.clear();
  prefixCache.set(value, found);
  return found;
}

export interface TurtleContext {
  /** The document IRI: `<doc#x>` is written `<#x>`. */
  readonly doc: string;
  /** The locker root: `<root>y` is written relative to the document (`../y`). */
  readonly root: string;
}

export function writeRecordTurtle(quads: readonly Quad[], ctx: TurtleContext): string {
  const used = new Map<string, string>();
  const containerUp = ctx.doc.startsWith(ctx.root) ? '../'.repeat(ctx.doc.slice(ctx.root.length).split('/').length - 1) : undefined;
  const iri = (value: string): string => {
    if (value.startsWith(ctx.doc) && (value.length === ctx.doc.length || value[ctx.doc.length] === '#')) return `<${escapeIri(value.slice(ctx.doc.length))}>`;
    const prefixed = prefixedName(value);
    if (prefixed) {
      used.set(prefixed.prefix, prefixed.ns);
      return prefixed.name;
    }
    if (containerUp !== undefined && value.startsWith(ctx.root)) return `<${containerUp}${escapeIri(value.slice(ctx.root.length))}>`;
    return `<${escapeIri(value)}>`;
  };
  const term = (t: Term): string => {
    if (t.termType === 'Literal') {
      const body = `"${escapeString(t.value)}"`;
      if (t.language) return `${body}@${t.language}`;
      if (t.datatype.value === XSD.string) return body;
      return `${body}^^${iri(t.datatype.value)}`;
    }
    if (t.termType === 'BlankNode') return `_:${t.value}`;
    return iri(t.value);
  };
  const bySubject = new Map<string, Quad[]>();
  for (const q of quads) {
    const list = bySubject.get(q.subject.value);
    if (list) list.push(q);
    else bySubject.set(q.subject.value, [q]);
  }
  const subjects = [...bySubject.keys()].sort((a, b) => Number(!a.endsWith('#it')) - Number(!b.endsWith('#it')));
  const blocks: string[] = [];
  for (const s of subjects) {
    const list = bySubject.get(s) ?? [];
    const subjectTerm = term((list[0] as Quad).subject);
    const byPred = new Map<string, string[]>();
    for (const q of list) {
      const p = q.predicate.value === RDF_TYPE ? 'a' : iri(q.predicate.value);
      const objs = byPred.get(p);
      if (objs) objs.push(term(q.object));
      else byPred.set(p, [term(q.object)]);
    }
    const lines = [...byPred].map(([p, objs]) => `${p} ${objs.join(', ')}`);
    blocks.push(`${subjectTerm} ${lines.join(';\n    ')}.`);
  }
  const header = [...used].map(([p, ns]) => `@prefix ${p}: <${ns}>.`).join('\n');
  return `${header}${header ? '\n\n' : ''}${blocks.join('\n')}\n`;
}
