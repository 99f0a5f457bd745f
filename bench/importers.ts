// Records/s per importer: a generated file of each format imported into a fresh locker (in this process).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openLocker } from '../shared/api/index.js';
import { rng } from './generate.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

type Gen = (n: number) => { file: string; body: string | Buffer };

const r = rng(21);
const payees = ['REWE Markt', 'Café Müller', 'SBB CFF FFS', 'Amazon', 'Bäckerei Schön', 'Stadtwerke', 'Zürich Versicherung', 'Kraków Bistro'];
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 3_600_000);

const GENERATORS: Record<string, Gen> = {
  ofx: (n) => ({
    file: 'statement.ofx',
    body: `OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>42</BANKACCTFROM><BANKTRANLIST>\n${Array.from({ length: n }, (_, i) => {
      const d = day(i);
      return `<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}0000[+1:CET]<TRNAMT>-${(r() * 200).toFixed(2)}<FITID>F${i}<NAME>${pick(payees)}<MEMO>Card ${i}</STMTTRN>`;
    }).join('\n')}\n</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n`,
  }),
  qif: (n) => ({ file: 'export.qif', body: `!Type:Bank\n${Array.from({ length: n }, (_, i) => { const d = day(i); return `D${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}\nT-${(r() * 90).toFixed(2)}\nP${pick(payees)}\nM#${i}\n^`; }).join('\n')}\n` }),
  mt940: (n) => ({ file: 'umsatz.sta', body: `:20:STARTUMSE\n:25:10020030/123\n:28C:1/1\n:60F:C200101EUR1000,00\n${Array.from({ length: n }, (_, i) => { const d = day(i); return `:61:${String(d.getUTCFullYear()).slice(2)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}D${(r() * 90).toFixed(2).replace('.', ',')}NDDTNONREF//${i}\n:86:005?20Purpose ${i}?32${pick(payees)}`; }).join('\n')}\n:62F:C200101EUR1,00\n-\n` }),
  csv: (n) => ({ file: 'sparkasse.csv', body: `"Auftragskonto";"Buchungstag";"Verwendungszweck";"Beguenstigter/Zahlungspflichtiger";"Betrag";"Waehrung"\n${Array.from({ length: n }, (_, i) => { const d = day(i); return `"DE1";"${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${String(d.getUTCFullYear()).slice(2)}";"Ref ${i}";"${pick(payees)}";"-${(r() * 99).toFixed(2).replace('.', ',')}";"EUR"`; }).join('\n')}\n` }),
  gpx: (n) => ({ file: 'tracks.gpx', body: `<?xml version="1.0"?>\n<gpx version="1.1" creator="bench" xmlns="http://www.topografix.com/GPX/1/1">\n${Array.from({ length: n }, (_, t) => `<trk><name>Run ${t}</name><trkseg>${Array.from({ length: 50 }, (_, k) => `<trkpt lat="${(47 + r() * 0.1).toFixed(6)}" lon="${(8 + r() * 0.1).toFixed(6)}"><ele>${400 + k}</ele><time>${new Date(day(t).getTime() + k * 10_000).toISOString()}</time></trkpt>`).join('')}</trkseg></trk>`).join('\n')}\n</gpx>\n` }),
  geojson: (n) => ({ file: 'places.geojson', body: JSON.stringify({ type: 'FeatureCollection', features: Array.from({ length: n }, (_, i) => ({ type: 'Feature', properties: { name: `${pick(payees)} ${i}` }, geometry: { type: 'Point', coordinates: [8 + r(), 47 + r()] } })) }) }),
  fhir: (n) => ({ file: 'bundle.json', body: JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: Array.from({ length: n }, (_, i) => ({ resource: { resourceType: 'Observation', id: `o${i}`, code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] }, effectiveDateTime: day(i).toISOString(), valueQuantity: { value: 60 + r() * 10, unit: 'kg' } } })) }) }),
  mbox: (n) => ({ file: 'Inbox.mbox', body: Array.from({ length: n }, (_, i) => `From x@example.org Tue Mar  5 08:15:00 2024\nFrom: Person ${i % 50} <p${i % 50}@example.org>\nTo: me@example.net\nSubject: Message ${i} über Zürich\nDate: ${day(i).toUTCString()}\nMessage-ID: <m${i}@example.org>\nContent-Type: text/plain; charset=utf-8\n\nHello ${i},\nsee you at ${pick(payees)}.\n`).join('\n') }),
  bookmarks: (n) => ({ file: 'bookmarks.html', body: `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n${Array.from({ length: n }, (_, i) => `<DT><A HREF="https://example.org/page/${i}" ADD_DATE="${1600000000 + i * 60}" TAGS="a,b">Page ${i} – Zürich</A>`).join('\n')}\n</DL><p>\n` }),
  goodreads: (n) => ({ file: 'goodreads_library_export.csv', body: `Book Id,Title,Author,Additional Authors,ISBN,ISBN13,My Rating,Number of Pages,Original Publication Year,Date Read,Date Added,Bookshelves,Exclusive Shelf,My Review\n${Array.from({ length: n }, (_, i) => `${i},"Book ${i}: Kraków",Author ${i % 300},,"=""""","=""""",${i % 6},${100 + (i % 500)},${1900 + (i % 120)},2023/01/${pad((i % 28) + 1)},2022/12/01,"fav",read,`).join('\n')}\n` }),
  mastodon: (n) => ({ file: 'outbox.json', body: JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', id: 'outbox.json', type: 'OrderedCollection', orderedItems: Array.from({ length: n }, (_, i) => ({ id: `https://s.example/a/${i}`, type: 'Create', published: day(i).toISOString(), object: { id: `https://s.example/n/${i}`, type: 'Note', published: day(i).toISOString(), content: `<p>Post ${i} about <a href="#">#käse</a></p>`, tag: [{ type: 'Hashtag', name: '#käse' }] } })) }) }),
};

const SIZES: Record<string, number> = { ofx: 20_000, qif: 20_000, mt940: 20_000, csv: 20_000, gpx: 2_000, geojson: 20_000, fhir: 20_000, mbox: 5_000, bookmarks: 20_000, goodreads: 20_000, mastodon: 20_000 };

export async function benchImporters(dir: string, log: (s: string) => void): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, gen] of Object.entries(GENERATORS)) {
    const n = Math.round((SIZES[name] ?? 10_000) * Number(process.env['BENCH_IMPORTER_SCALE'] ?? 1));
    const home = path.join(dir, `imp-${name}`);
    mkdirSync(home, { recursive: true });
    const { file, body } = gen(n);
    const at = path.join(home, file);
    writeFileSync(at, body);
    const o = openLocker(path.join(home, 'locker'), { LOCKER_CURRENCY: 'EUR' });
    if (o.kind !== 'ok') throw new Error(o.message);
    const t = performance.now();
    const s = await o.locker.importFiles([at]);
    const ms = performance.now() - t;
    o.locker.close();
    if (s.errors.length) throw new Error(`${name}: ${s.errors[0]?.message ?? ''}`);
    out[`import_${name}_per_s`] = Math.round(s.imported / (ms / 1000));
    log(`${name}: ${s.imported} records in ${Math.round(ms)} ms`);
  }
  return out;
}
