import { createWriteStream, mkdirSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Writer } from 'n3';
import { DataFactory } from 'n3';
import { commitDurable } from '../durable/index.js';
import { docIri, LOCAL_ROOT, NS, recordFromTurtle, sortForWriting } from '../model/index.js';
import type { Store } from '../store/index.js';

export interface ExportSummary {
  readonly records: number;
  readonly binaries: number;
  /** The TriG file written. */
  readonly file: string;
  /** The folder the binaries were written to, when there were any. */
  readonly filesDir: string | undefined;
}

/** Where an export goes: `x.trig` → `x.trig` + `x.files/`; a folder → `folder/locker.trig` + `folder/files/`. */
export function exportPaths(out: string): { file: string; filesDir: string } {
  const isDir = (existsSync(out) && statSync(out).isDirectory()) || !/\.trig$/i.test(out);
  if (isDir) return { file: path.join(out, 'locker.trig'), filesDir: path.join(out, 'files') };
  return { file: out, filesDir: out.replace(/\.trig$/i, '.files') };
}

/**
 * Writes every record as one named graph (graph = the record's document IRI)
 * to `stream` and ends it; returns how many records there were and which
 * binaries they link to. Used by `exportTrig` and by the sealed backup.
 */
export async function writeTrig(store: Store, stream: Writable, filesDirName: string): Promise<{ records: number; binaryNames: Set<string> }> {
  const prefixes: Record<string, string> = { ...NS };
  delete prefixes['sh'];
  const writer = new Writer(stream, { format: 'application/trig', prefixes, baseIRI: LOCAL_ROOT });
  let records = 0;
  const binaryNames = new Set<string>();
  stream.write(`# Locker export, ${new Date().toISOString()}. One named graph per record; binaries in ${filesDirName}/.\n@base <${LOCAL_ROOT}>.\n`);
  for (const r of store.iterate()) {
    const rec = recordFromTurtle(r.type, r.id, r.rdf);
    const graph = DataFactory.namedNode(docIri(r.type, r.id));
    for (const q of sortForWriting(rec.quads)) writer.addQuad(q.subject, q.predicate, q.object, graph);
    for (const b of store.binariesOf(r.id)) binaryNames.add(b);
    records++;
    if (stream.writableNeedDrain) await once(stream, 'drain');
  }
  await new Promise<void>((resolve, reject) => writer.end((err) => (err ? reject(err) : resolve())));
  return { records, binaryNames };
}

/**
 * Writes every record as one named graph of a TriG file and every binary as
 * a file beside it. The TriG file appears only when complete (written to a
 * temporary name, then `commitDurable`: fsync, rename, fsync of the folder).
 */
export async function exportTrig(store: Store, out: string): Promise<ExportSummary> {
  const { file, filesDir } = exportPaths(out);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial-${process.pid}`;
  const stream = createWriteStream(tmp, { encoding: 'utf8' });
  try {
    const { records, binaryNames } = await writeTrig(store, stream, path.basename(filesDir));
    if (!stream.closed) await once(stream, 'close');
    if (binaryNames.size > 0) {
      mkdirSync(filesDir, { recursive: true });
      for (const name of binaryNames) {
        const b = store.getBinary(name);
        if (b) writeFileSync(path.join(filesDir, name), b.bytes);
      }
    }
    commitDurable(tmp, file);
    return { records, binaries: binaryNames.size, file, filesDir: binaryNames.size > 0 ? filesDir : undefined };
  } catch (e) {
    stream.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
}
