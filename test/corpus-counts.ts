// Recomputes the reference counts of test/corpus/manifest.json with ical.js, read directly (none of
// Locker's importer code is involved), so the corpus test can hold Locker's import to what an
// independent reader finds in each file.
//
//   node bin/run-ts.js test/corpus-counts.ts           prints a table; exits 1 if a count or a file differs
//   node bin/run-ts.js test/corpus-counts.ts --write   stores the recomputed counts in the manifest
//
// What is counted (test/corpus/README.md says the same):
// - .ics: the VEVENTs directly under each VCALENDAR of ICAL.parse(file). An event is unreadable when
//   `new ICAL.Event(vevent)` or reading its startDate throws, or startDate is null. When ICAL.parse
//   refuses the file as a whole, each BEGIN:VEVENT…END:VEVENT block is parsed alone inside an empty
//   VCALENDAR instead (one that still fails is unreadable), and wholeFileRefused is true.
// - .vcf: the BEGIN:VCARD…END:VCARD blocks of the file, each parsed alone with ICAL.parse (one bad card
//   makes ical.js refuse a whole file); a block whose parse throws, or that is not a VCARD, is unreadable.
//   wholeFileRefused says whether ICAL.parse refuses the file as a whole.
// Every file's SHA-256 is checked against the manifest too: the corpus holds bytes exactly as their
// package ships them, and --write never changes a digest.
import ICAL from 'ical.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Reference {
  items: number;
  unreadable: number;
  wholeFileRefused: boolean;
}

interface CorpusEntry {
  file: string;
  format: 'ical' | 'vcard';
  source: string;
  version: string;
  path: string;
  package: string;
  upstream: string;
  licence: string;
  sha256: string;
  notes: string;
  reference: Reference;
  /** A one-off reading by a second parser (node-ical, vcf) run through npx; this script keeps it as it is. */
  crossCheck?: { parser: string; items?: number; unreadable?: number; refused?: string };
}

const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));
const MANIFEST = path.join(CORPUS_DIR, 'manifest.json');
const FORMAT_DIRS = { ical: 'ical', vcard: 'vcard' } as const;

/** Text as a reader that assumes UTF-8 sees it: invalid bytes become U+FFFD, a BOM is dropped. */
function decode(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
}

/** ICAL.parse gives one jCal component, or an array of them when the text has several at top level. */
function topLevel(parsed: unknown): unknown[][] {
  if (!Array.isArray(parsed)) return [];
  if (typeof parsed[0] === 'string') return [parsed];
  return parsed.filter((c): c is unknown[] => Array.isArray(c) && typeof c[0] === 'string');
}

function eventReadable(vevent: InstanceType<typeof ICAL.Component>): boolean {
  try {
    const event = new ICAL.Event(vevent);
    const start: unknown = event.startDate;
    return start !== null && start !== undefined;
  } catch {
    return false;
  }
}

/**
 * The blocks from a BEGIN:<name> line to the next END:<name> line, names matched without case and
 * trailing blanks allowed (Netscape wrote `begin:vcard `); a line that starts with a blank is a folded
 * continuation, never a BEGIN or END.
 */
function blocks(text: string, name: string): string[] {
  const pattern = new RegExp(`^BEGIN:${name}[ \\t]*\\r?$[\\s\\S]*?^END:${name}[ \\t]*\\r?$`, 'gim');
  return text.match(pattern) ?? [];
}

function parses(text: string): unknown[][] | null {
  try {
    return topLevel(ICAL.parse(text));
  } catch {
    return null;
  }
}

function countIcal(text: string): Reference {
  const roots = parses(text);
  if (roots !== null) {
    let items = 0;
    let unreadable = 0;
    for (const root of roots) {
      const calendar = new ICAL.Component(root);
      if (calendar.name !== 'vcalendar') continue;
      for (const vevent of calendar.getAllSubcomponents('vevent')) {
        items += 1;
        if (!eventReadable(vevent)) unreadable += 1;
      }
    }
    return { items, unreadable, wholeFileRefused: false };
  }
  const events = blocks(text, 'VEVENT');
  let unreadable = 0;
  for (const block of events) {
    const alone = parses(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Locker//corpus-counts//EN\r\n${block.trim()}\r\nEND:VCALENDAR\r\n`);
    const vevent = alone?.[0] === undefined ? undefined : new ICAL.Component(alone[0]).getFirstSubcomponent('vevent');
    if (vevent === undefined || vevent === null || !eventReadable(vevent)) unreadable += 1;
  }
  return { items: events.length, unreadable, wholeFileRefused: true };
}

function countVcard(text: string): Reference {
  const cards = blocks(text, 'VCARD');
  let unreadable = 0;
  for (const card of cards) {
    const roots = parses(card);
    if (roots === null || roots.length !== 1 || roots[0]?.[0] !== 'vcard') unreadable += 1;
  }
  return { items: cards.length, unreadable, wholeFileRefused: parses(text) === null };
}

function readManifest(): CorpusEntry[] {
  return JSON.parse(readFileSync(MANIFEST, 'utf8')) as CorpusEntry[];
}

function recount(entry: CorpusEntry): { reference: Reference; sha256: string } {
  const bytes = readFileSync(path.join(CORPUS_DIR, entry.file));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = decode(bytes);
  return { reference: entry.format === 'ical' ? countIcal(text) : countVcard(text), sha256 };
}

const sameReference = (a: Reference | undefined, b: Reference): boolean =>
  a !== undefined && a.items === b.items && a.unreadable === b.unreadable && a.wholeFileRefused === b.wholeFileRefused;

const show = (r: Reference | undefined): string => (r === undefined ? '—' : `${r.items}/${r.unreadable}${r.wholeFileRefused ? ' (file refused)' : ''}`);

function main(argv: string[]): number {
  const write = argv.includes('--write');
  const unknown = argv.filter((a) => a !== '--write');
  if (unknown.length > 0) {
    process.stderr.write(`usage: node bin/run-ts.js test/corpus-counts.ts [--write]\n(unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const entries = readManifest();
  const problems: string[] = [];
  const rows: string[][] = [['file', 'items/unreadable', 'status']];
  let changed = 0;
  for (const entry of entries) {
    const { reference, sha256 } = recount(entry);
    let status = 'ok';
    if (sha256 !== entry.sha256) {
      status = 'BYTES DIFFER from the manifest sha256';
      problems.push(`${entry.file}: sha256 is ${sha256}, the manifest says ${entry.sha256}`);
    } else if (!sameReference(entry.reference, reference)) {
      status = `${write ? 'updated' : 'DIFFERS'}: manifest ${show(entry.reference)}`;
      changed += 1;
      if (write) entry.reference = reference;
      else problems.push(`${entry.file}: ical.js counts ${show(reference)}, the manifest says ${show(entry.reference)}`);
    }
    rows.push([entry.file, show(reference), status]);
  }
  const listed = new Set(entries.map((e) => e.file));
  for (const dir of Object.values(FORMAT_DIRS)) {
    for (const name of readdirSync(path.join(CORPUS_DIR, dir))) {
      if (!listed.has(`${dir}/${name}`)) problems.push(`${dir}/${name} is in the corpus but not in manifest.json`);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
  const total = (format: CorpusEntry['format']): string => {
    const of = entries.filter((e) => e.format === format);
    return `${of.length} ${format} files, ${of.reduce((n, e) => n + e.reference.items, 0)} items, ${of.reduce((n, e) => n + e.reference.unreadable, 0)} unreadable`;
  };
  process.stdout.write(`\n${total('ical')}; ${total('vcard')}\n`);
  if (write && changed > 0) {
    writeFileSync(MANIFEST, `${JSON.stringify(entries, null, 2)}\n`);
    process.stdout.write(`manifest.json: ${changed} reference${changed === 1 ? '' : 's'} written\n`);
  }
  for (const p of problems) process.stderr.write(`${p}\n`);
  return problems.length > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
