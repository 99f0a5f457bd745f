import type { ImportProgress } from '../shared/api/index.js';
import type { JsonValue, RecordJson } from '../shared/model/index.js';
import type { RecordSummary } from '../shared/store/index.js';

/** One line per record: id, type, time, title. Control characters from imported data are never printed raw. */
export function formatList(items: readonly RecordSummary[]): string {
  return items.map((r) => `${r.id}  ${r.type.padEnd(8)}  ${(r.start ?? '').slice(0, 16).padEnd(16)}  ${clean(r.title)}\n`).join('');
}

export function clean(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ');
}

function valueText(v: JsonValue, indent: string): string {
  if (Array.isArray(v)) return v.map((x) => `\n${indent}- ${valueText(x, `${indent}  `)}`).join('');
  if (v !== null && typeof v === 'object') {
    return Object.entries(v)
      .map(([k, x]) => `\n${indent}${k}: ${valueText(x, `${indent}  `)}`)
      .join('');
  }
  return clean(String(v));
}

export function formatShow(r: RecordJson, updated: string): string {
  const lines = [`${clean(r.title)}`, `  id: ${r.id}`, `  type: ${r.type}`];
  if (r.start) lines.push(`  start: ${r.start}`);
  for (const [k, v] of Object.entries(r.properties)) lines.push(`  ${k}: ${valueText(v, '    ')}`);
  if (r.provenance) lines.push(`  source: ${r.provenance.importer}${r.provenance.fileName ? ` from ${clean(r.provenance.fileName)}` : ''} at ${r.provenance.at}`);
  lines.push(`  updated: ${updated}`);
  return `${lines.join('\n')}\n`;
}

/** One line of import progress: records done (of how many, when known), bytes read of a streamed file, records per second. */
export function progressLine(p: ImportProgress, elapsedMs?: number): string {
  const name = p.file.split(/[\\/]/).pop() ?? p.file;
  const count = p.total ? ` ${p.done}/${p.total}` : p.done ? ` ${p.done}` : '';
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  const bytes = !p.total && p.bytes ? ` (${mb(p.bytes)} read)` : '';
  const rate = elapsedMs && elapsedMs > 500 && p.done ? `, ${Math.round(p.done / (elapsedMs / 1000))} records/s` : '';
  return `[${p.fileIndex + 1}/${p.fileCount}] ${clean(name).slice(0, 40)}: ${p.phase}${count}${bytes}${rate}`;
}
