import type { Quad, Term } from '@rdfjs/types';
import { Store } from 'n3';
import { loadShapes } from './shapes.js';
import { RECORD_TYPES, type RecordType } from './types.js';
import { iri, XSD } from './vocab.js';

/**
 * The record shapes compiled to plain checks. shacl-engine needs ~200 µs per
 * event record here (measured: validation was 2/3 of a 100k import); these
 * checks take a few µs and implement exactly the SHACL Core constraints our
 * shapes use. A shape using anything else is not compiled, and the engine
 * validates it. The engine remains the reference: it writes every failure
 * message, and a test checks both agree on valid and broken records.
 */
const SH = (l: string) => iri('sh', l);
const SUPPORTED = new Set(['path', 'name', 'order', 'datatype', 'or', 'nodeKind', 'minCount', 'maxCount', 'pattern', 'flags', 'minLength', 'maxLength', 'in', 'minInclusive', 'maxInclusive', 'node', 'description'].map(SH));

interface PropCheck {
  readonly path: string;
  readonly datatypes: readonly string[];
  readonly iriOnly: boolean;
  readonly literalOnly: boolean;
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp | undefined;
  readonly minLength: number | undefined;
  readonly maxLength: number | undefined;
  readonly allowed: ReadonlySet<string> | undefined;
  readonly minInclusive: number | undefined;
  readonly maxInclusive: number | undefined;
  readonly node: string | undefined;
}

type Compiled = Map<string, PropCheck[]>;

const LEXICAL: Record<string, (v: string) => boolean> = {
  [XSD.string]: (v) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v),
  [XSD.integer]: (v) => /^[+-]?\d+$/.test(v),
  [XSD.decimal]: (v) => /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v),
  [XSD.boolean]: (v) => /^(true|false|1|0)$/.test(v),
  [XSD.date]: (v) => {
    const m = /^(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-](\d{2}):(\d{2}))?$/.exec(v);
    return m !== null && validDay(Number(m[1]), Number(m[2]), Number(m[3])) && validZone(m[5], m[6]);
  },
  [XSD.dateTime]: (v) => {
    const m = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))?$/.exec(v);
    if (!m) return false;
    const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
    const time = (h < 24 && mi < 60 && s < 60) || (h === 24 && mi === 0 && s === 0 && !m[7]);
    return time && validDay(Number(m[1]), Number(m[2]), Number(m[3])) && validZone(m[9], m[10]);
  },
};

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
  return d <= days;
}

function validZone(h: string | undefined, m: string | undefined): boolean {
  if (h === undefined) return true;
  const hh = Number(h);
  const mm = Number(m);
  return mm < 60 && (hh < 14 || (hh === 14 && mm === 0));
}

let compiled: Map<RecordType, Compiled | undefined> | undefined;

function compileAll(): Map<RecordType, Compiled | undefined> {
  const shapes = loadShapes();
  const store = new Store([...shapes.quads]);
  const one = (s: Term, p: string) => store.getObjects(s, p, null)[0];
  const list = (head: Term | undefined): Term[] => {
    const out: Term[] = [];
    for (let n = head; n && n.value !== iri('rdf', 'nil'); n = one(n, iri('rdf', 'rest'))) {
      const f = one(n, iri('rdf', 'first'));
      if (f) out.push(f);
    }
    return out;
  };
  const result = new Map<RecordType, Compiled | undefined>();
  for (const type of RECORD_TYPES) {
    const out: Compiled = new Map();
    let ok = true;
    const compileShape = (shape: string) => {
      if (out.has(shape) || !ok) return;
      const checks: PropCheck[] = [];
      out.set(shape, checks);
      for (const p of store.getQuads(shape, null, null, null)) {
        if (![SH('property'), SH('targetClass'), iri('rdf', 'type')].includes(p.predicate.value)) ok = false;
      }
      for (const prop of store.getObjects(shape, SH('property'), null)) {
        for (const q of store.getQuads(prop, null, null, null)) if (!SUPPORTED.has(q.predicate.value)) ok = false;
        const path = one(prop, SH('path'));
        if (!path || path.termType !== 'NamedNode') {
          ok = false;
          continue;
        }
        const datatypes: string[] = [];
        const dt = one(prop, SH('datatype'));
        if (dt) datatypes.push(dt.value);
        for (const alt of list(one(prop, SH('or')))) {
          const alts = store.getQuads(alt, null, null, null);
          const d = one(alt, SH('datatype'));
          if (!d || alts.length !== 1) ok = false;
          else datatypes.push(d.value);
        }
        if (dt && one(prop, SH('or'))) ok = false;
        const num = (name: string) => {
          const t = one(prop, SH(name));
          return t ? Number(t.value) : undefined;
        };
        const pattern = one(prop, SH('pattern'));
        const node = one(prop, SH('node'));
        const inList = one(prop, SH('in'));
        const kind = one(prop, SH('nodeKind'))?.value;
        if (kind && kind !== SH('IRI') && kind !== SH('Literal')) ok = false;
        checks.push({
          path: path.value,
          datatypes,
          iriOnly: kind === SH('IRI'),
          literalOnly: kind === SH('Literal'),
          min: num('minCount') ?? 0,
          max: num('maxCount') ?? Infinity,
          pattern: pattern ? new RegExp(pattern.value, one(prop, SH('flags'))?.value ?? '') : undefined,
          minLength: num('minLength'),
          maxLength: num('maxLength'),
          allowed: inList ? new Set(list(inList).map((t) => `${t.termType}|${t.value}`)) : undefined,
          minInclusive: num('minInclusive'),
          maxInclusive: num('maxInclusive'),
          node: node?.value,
        });
        if (node) compileShape(node.value);
      }
    };
    compileShape(shapes.shapeOf[type]);
    result.set(type, ok ? out : undefined);
  }
  return result;
}

/** Whether the record's type has a compiled checker (else only the engine can validate it). */
export function compiledFor(type: RecordType): boolean {
  compiled ??= compileAll();
  return compiled.get(type) !== undefined;
}

/**
 * The length of `s` in code points (as sh:minLength/maxLength count), counted without spreading it into
 * an array, or — for a string longer than 2·bound+1 UTF-16 units, which has more than `bound` code points
 * whatever it holds — its length in units, which lies on the same side of `bound`.
 */
function codePoints(s: string, bound: number): number {
  if (s.length > 2 * bound + 1) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function valueOk(c: PropCheck, v: Term, index: Map<string, Map<string, Term[]>>, shapes: Compiled, depth: number): boolean {
  if (c.iriOnly && v.termType !== 'NamedNode') return false;
  if (c.literalOnly && v.termType !== 'Literal') return false;
  if (c.datatypes.length) {
    if (v.termType !== 'Literal') return false;
    const dt = v.datatype.value;
    if (!c.datatypes.includes(dt)) return false;
    const lex = LEXICAL[dt];
    if (lex && !lex(v.value)) return false;
  }
  if (c.pattern && (v.termType === 'BlankNode' || !c.pattern.test(v.value))) return false;
  if (c.minLength !== undefined && (v.termType === 'BlankNode' || codePoints(v.value, c.minLength) < c.minLength)) return false;
  if (c.maxLength !== undefined && (v.termType === 'BlankNode' || codePoints(v.value, c.maxLength) > c.maxLength)) return false;
  if (c.allowed && !c.allowed.has(`${v.termType}|${v.value}`)) return false;
  if (c.minInclusive !== undefined || c.maxInclusive !== undefined) {
    if (v.termType !== 'Literal') return false;
    const n = Number(v.value);
    if (!Number.isFinite(n) || (c.minInclusive !== undefined && n < c.minInclusive) || (c.maxInclusive !== undefined && n > c.maxInclusive)) return false;
  }
  if (c.node) return nodeOk(c.node, v.value, index, shapes, depth + 1);
  return true;
}

function nodeOk(shape: string, focus: string, index: Map<string, Map<string, Term[]>>, shapes: Compiled, depth: number): boolean {
  if (depth > 16) return false;
  const props = index.get(focus);
  for (const c of shapes.get(shape) ?? []) {
    const values = props?.get(c.path) ?? [];
    if (values.length < c.min || values.length > c.max) return false;
    for (const v of values) if (!valueOk(c, v, index, shapes, depth)) return false;
  }
  return true;
}

/** true/false when the compiled shapes decide, undefined when only the engine can. */
export function conformsFast(type: RecordType, subject: string, quads: readonly Quad[]): boolean | undefined {
  compiled ??= compileAll();
  const shapes = compiled.get(type);
  if (!shapes) return undefined;
  const index = new Map<string, Map<string, Term[]>>();
  for (const q of quads) {
    let props = index.get(q.subject.value);
    if (!props) index.set(q.subject.value, (props = new Map()));
    const list = props.get(q.predicate.value);
    if (list) list.push(q.object);
    else props.set(q.predicate.value, [q.object]);
  }
  return nodeOk(loadShapes().shapeOf[type], subject, index, shapes, 0);
}

