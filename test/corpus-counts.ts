// Recomputes the reference counts of the corpus (test/corpus/manifests/<format>.json) with an
// independent reader per format (test/corpus-ref/: published parsers called directly, none of Locker's
// importer code involved), so the corpus test can hold Locker's import to what that reader finds.
//
//   node bin/run-ts.js test/corpus-counts.ts           prints a table; exits 1 if a count or a file differs
//   node bin/run-ts.js test/corpus-counts.ts --write   stores the recomputed counts in the manifests
//
// What an item is, per format, is said by each counter in test/corpus-ref/ (and test/corpus/README.md).
// Every file's SHA-256 is checked against its manifest too: the corpus holds bytes exactly as their
// package ships them, and --write never changes a digest. A file in a format folder that no manifest
// lists fails the check.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusFormats, counterFor, type Reference } from './corpus-ref/index.js';

interface CorpusEntry {
  file: string;
  /** The folder under test/corpus/, and the key of its counter in corpus-ref/index.ts. */
  format: string;
  source: string;
  version: string;
  path: string;
  package: string;
  upstream: string;
  licence: string;
  sha256: string;
  notes: string;
  reference: Reference;
  /** A one-off reading by a second parser run through npx; this script keeps it as it is. */
  crossCheck?: { parser: string; items?: number; unreadable?: number; refused?: string };
}

const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));
const MANIFESTS = path.join(CORPUS_DIR, 'manifests');

/** Every manifest's entries, each format's in its own file (manifests/<format>.json). */
function readManifests(): Map<string, CorpusEntry[]> {
  const out = new Map<string, CorpusEntry[]>();
  for (const name of readdirSync(MANIFESTS).filter((n) => n.endsWith('.json')).sort()) {
    out.set(name, JSON.parse(readFileSync(path.join(MANIFESTS, name), 'utf8')) as CorpusEntry[]);
  }
  return out;
}

async function recount(entry: CorpusEntry): Promise<{ reference: Reference; sha256: string; parser: string }> {
  const bytes = readFileSync(path.join(CORPUS_DIR, entry.file));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const counter = await counterFor(entry.format);
  if (counter === undefined) throw new Error(`${entry.file}: no reference counter for the format "${entry.format}" in corpus-ref/index.ts`);
  return { reference: await counter.count(bytes, entry.file), sha256, parser: counter.parser };
}

const sameReference = (a: Reference | undefined, b: Reference): boolean =>
  a !== undefined && a.items === b.items && a.unreadable === b.unreadable && a.wholeFileRefused === b.wholeFileRefused;

const show = (r: Reference | undefined): string => (r === undefined ? '—' : `${r.items}/${r.unreadable}${r.wholeFileRefused ? ' (file refused)' : ''}`);

async function main(argv: string[]): Promise<number> {
  const write = argv.includes('--write');
  const unknown = argv.filter((a) => a !== '--write');
  if (unknown.length > 0) {
    process.stderr.write(`usage: node bin/run-ts.js test/corpus-counts.ts [--write]\n(unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const manifests = readManifests();
  const entries = [...manifests.values()].flat();
  const problems: string[] = [];
  const rows: string[][] = [['file', 'items/unreadable', 'status']];
  let changed = 0;
  for (const entry of entries) {
    const { reference, sha256, parser } = await recount(entry);
    let status = 'ok';
    if (sha256 !== entry.sha256) {
      status = 'BYTES DIFFER from the manifest sha256';
      problems.push(`${entry.file}: sha256 is ${sha256}, the manifest says ${entry.sha256}`);
    } else if (!sameReference(entry.reference, reference)) {
      status = `${write ? 'updated' : 'DIFFERS'}: manifest ${show(entry.reference)}`;
      changed += 1;
      if (write) entry.reference = reference;
      else problems.push(`${entry.file}: ${parser} counts ${show(reference)}, the manifest says ${show(entry.reference)}`);
    }
    rows.push([entry.file, show(reference), status]);
  }
  const listed = new Set(entries.map((e) => e.file));
  for (const dir of corpusFormats()) {
    for (const name of readdirSync(path.join(CORPUS_DIR, dir))) {
      if (!listed.has(`${dir}/${name}`)) problems.push(`${dir}/${name} is in the corpus but in no manifest (manifests/${dir}.json)`);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
  const total = (format: string): string => {
    const of = entries.filter((e) => e.format === format);
    return `${of.length} ${format} files, ${of.reduce((n, e) => n + e.reference.items, 0)} items, ${of.reduce((n, e) => n + e.reference.unreadable, 0)} unreadable`;
  };
  process.stdout.write(`\n${corpusFormats().map(total).join('; ')}\n`);
  if (write && changed > 0) {
    for (const [name, list] of manifests) writeFileSync(path.join(MANIFESTS, name), `${JSON.stringify(list, null, 2)}\n`);
    process.stdout.write(`manifests: ${changed} reference${changed === 1 ? '' : 's'} written\n`);
  }
  for (const p of problems) process.stderr.write(`${p}\n`);
  return problems.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
