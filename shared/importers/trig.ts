import { Parser } from 'n3';
import type { Quad } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { binaryIri, LOCAL_ROOT, parseDocIri, RDF_TYPE, sha256Hex, TYPES, typeOfContainer, type LockerRecord } from '../model/index.js';
import type { BinaryWrite } from '../model/index.js';
import { sniffImage } from './media.js';
import { checkDeadline, failed, type ImportContext, type Importer, type ParseResult } from './types.js';

const MEDIA_BY_EXT: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic', pdf: 'application/pdf' };

/** A Locker export (TriG: one named graph per record, binaries in a folder beside it) read back as the same records. */
export const trigImporter: Importer = {
  id: 'trig',
  mediaType: 'application/trig',
  parse(source: string, ctx: ImportContext): ParseResult {
    let quads: Quad[];
    try {
      quads = new Parser({ format: 'application/trig', baseIRI: LOCAL_ROOT }).parse(source);
    } catch (e) {
      return failed('malformed', `not a valid TriG file: ${e instanceof Error ? e.message : String(e)}`);
    }
    checkDeadline(ctx);
    const graphs = new Map<string, Quad[]>();
    for (const q of quads) {
      if (q.graph.termType !== 'NamedNode') return failed('invalid', 'not a Locker export: it has triples outside of a record graph');
      const list = graphs.get(q.graph.value);
      const plain = DataFactory.quad(q.subject, q.predicate, q.object);
      if (list) list.push(plain);
      else graphs.set(q.graph.value, [plain]);
    }
    if (graphs.size > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} records in one file`);
    const records: LockerRecord[] = [];
    const binaries = new Map<string, BinaryWrite>();
    const filesPrefix = binaryIri('');
    for (const [graph, list] of graphs) {
      const where = parseDocIri(graph);
      const type = where && typeOfContainer(where.container);
      if (!where || !type) return failed('invalid', `not a Locker export: graph <${graph}> is not a record document`);
      const typed = list.some((q) => q.subject.value === `${graph}#it` && q.predicate.value === RDF_TYPE && q.object.value === TYPES[type].class);
      if (!typed) return failed('invalid', `record <${graph}> does not say it is a ${TYPES[type].label.toLowerCase()}`);
      records.push({ id: where.id, type, quads: list });
      for (const q of list) {
        if (q.object.termType !== 'NamedNode' || !q.object.value.startsWith(filesPrefix)) continue;
        const name = q.object.value.slice(filesPrefix.length);
        if (binaries.has(name) || !/^[a-f0-9]{32}\.[a-z0-9]{1,8}$/.test(name)) continue;
        const bytes = ctx.readSibling?.(name);
        if (!bytes) return failed('invalid', `record <${graph}> links to file ${name}, which is not beside the export`);
        if (bytes.byteLength > ctx.caps.maxBinaryBytes) return failed('too-large', `file ${name} is larger than the ${ctx.caps.maxBinaryBytes} byte limit`);
        const sha256 = sha256Hex(bytes);
        if (!sha256.startsWith(name.slice(0, 32))) return failed('invalid', `file ${name} does not match its digest (damaged or altered)`);
        const ext = name.split('.').pop() ?? '';
        binaries.set(name, { name, sha256, bytes, mediaType: sniffImage(bytes)?.type ?? MEDIA_BY_EXT[ext] ?? 'application/octet-stream' });
      }
    }
    const all = [...binaries.values()];
    return { kind: 'ok', parsed: { count: records.length, items: records.map((record, i) => ({ record, ...(i === 0 && { binaries: all }) })), keepsProvenance: true } };
  },
};

export { LOCAL_ROOT };
