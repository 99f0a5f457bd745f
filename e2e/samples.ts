// Realistic sample files for the e2e suite and the README's screenshots: a calendar around today, an address
// book, a walk along Lake Zürich, places around the world, six months of a bank statement, weight and pulse
// readings, photos with EXIF positions, and a corpus of hostile text (markup and script URLs in names and notes).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { rng } from '../bench/generate.js';
import { jpegWithExif } from '../test/helpers/jpeg.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export const XSS = {
  name: '<img src=x onerror="window.__xss=1">Mallory',
  note: '<script>window.__xss=2</script>',
  url: 'javascript:window.__xss=3',
  event: '<svg onload="window.__xss=4">Party',
} as const;

function icsDate(d: Date): string {
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00Z`;
}

function calendar(now: Date): string {
  const r = rng(7);
  const titles = ['Dentist', 'Choir rehearsal', 'Lunch with Ann', 'Team meeting', 'Yoga', 'Flight to Lisbon', 'Parents’ evening', 'Café with Zoë', 'Doctor: check-up', 'Kraków trip planning', 'Bike repair', 'Book club: “Der Zauberberg”'];
  const events: string[] = [];
  for (let i = 0; i < 48; i++) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1 + Math.floor(r() * 85), 7 + Math.floor(r() * 11), r() < 0.5 ? 0 : 30));
    const end = new Date(start.getTime() + (1 + Math.floor(r() * 3)) * 1_800_000);
    events.push(`BEGIN:VEVENT\r\nUID:sample-${i}@locker.test\r\nDTSTAMP:${icsDate(now)}\r\nDTSTART:${icsDate(start)}\r\nDTEND:${icsDate(end)}\r\nSUMMARY:${titles[i % titles.length] ?? ''}\r\n${i % 5 === 0 ? 'LOCATION:Zürich HB\r\nGEO:47.378;8.540\r\n' : ''}END:VEVENT`);
  }
  events.push(`BEGIN:VEVENT\r\nUID:xss@locker.test\r\nDTSTAMP:${icsDate(now)}\r\nDTSTART:${icsDate(new Date(now.getTime() + 86_400_000))}\r\nSUMMARY:${XSS.event}\r\nDESCRIPTION:${XSS.note}\r\nURL:${XSS.url}\r\nEND:VEVENT`);
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Locker samples//EN\r\n${events.join('\r\n')}\r\nEND:VCALENDAR\r\n`;
}

function contacts(): string {
  const people = [
    ['Zoë Müller', 'zoe.mueller@example.ch', '+41 44 555 01 23', 'Musikhaus Zürich'],
    ['Bartosz Wójcik', 'bartosz@example.pl', '+48 12 555 0199', 'Kraków Bistro'],
    ['Inês Carvalho', 'ines@example.pt', '+351 21 555 0142', 'Lisboa Design'],
    ['Kenji Sato', 'kenji@example.jp', '+81 3 5555 0100', ''],
    ['Amara Okafor', 'amara@example.ng', '+234 1 555 0111', 'Lagos Health'],
  ];
  const cards = people.map(([fn, email, tel, org], i) => `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:00000000-0000-4000-8000-00000000000${i}\r\nFN:${fn}\r\nEMAIL:${email}\r\nTEL:${tel}\r\n${org ? `ORG:${org}\r\n` : ''}CATEGORIES:friends\r\nEND:VCARD`);
  cards.push(`BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:00000000-0000-4000-8000-0000000000ff\r\nFN:${XSS.name}\r\nNOTE:${XSS.note}\r\nURL:${XSS.url}\r\nEND:VCARD`);
  return `${cards.join('\r\n')}\r\n`;
}

function walk(now: Date): string {
  // Along the lake from Bellevue to Zürichhorn and back through Seefeld.
  const path: [number, number][] = [
    [47.3667, 8.5449], [47.3641, 8.5466], [47.3617, 8.5489], [47.3592, 8.5503], [47.3566, 8.5512], [47.3539, 8.5528], [47.3524, 8.5541], [47.3543, 8.5573], [47.3571, 8.5562], [47.3602, 8.5541], [47.3633, 8.5516], [47.3662, 8.5478],
  ];
  const pts: string[] = [];
  let t = new Date(now.getTime() - 20 * 86_400_000).getTime();
  for (let i = 0; i < path.length - 1; i++) {
    const a = path[i] ?? [0, 0];
    const b = path[i + 1] ?? [0, 0];
    for (let k = 0; k < 10; k++) {
      const f = k / 10;
      t += 15_000;
      pts.push(`<trkpt lat="${(a[0] + (b[0] - a[0]) * f).toFixed(6)}" lon="${(a[1] + (b[1] - a[1]) * f).toFixed(6)}"><ele>${406 + (k % 3)}</ele><time>${new Date(t).toISOString()}</time></trkpt>`);
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Locker samples" xmlns="http://www.topografix.com/GPX/1/1">\n<wpt lat="47.3524" lon="8.5541"><name>Zürichhorn</name><time>${new Date(t).toISOString()}</time></wpt>\n<trk><name>Evening walk by the lake</name><trkseg>${pts.join('')}</trkseg></trk>\n</gpx>\n`;
}

function places(): string {
  const cities: [string, number, number][] = [
    ['Café Odeon, Zürich', 8.5465, 47.3663], ['Time Out Market, Lisboa', -9.1456, 38.7069], ['Rynek Główny, Kraków', 19.9373, 50.0617], ['Shibuya Crossing, Tokyo', 139.7005, 35.6595],
    ['High Line, New York', -74.0048, 40.748], ['Ibirapuera Park, São Paulo', -46.6575, -23.5874], ['Bo-Kaap, Cape Town', 18.4147, -33.9207], ['Opera House, Sydney', 151.2153, -33.8568],
    ['Nyhavn, København', 12.5908, 55.6798], ['Marrakech Medina', -7.9891, 31.6295],
  ];
  return JSON.stringify({ type: 'FeatureCollection', features: cities.map(([name, lon, lat]) => ({ type: 'Feature', properties: { name }, geometry: { type: 'Point', coordinates: [lon, lat] } })) });
}

function statement(now: Date): string {
  const r = rng(11);
  const payees = ['Migros', 'Coop Pronto', 'SBB CFF FFS', 'Café Odeon', 'Digitec Galaxus', 'Swisscom', 'Apotheke am See', 'Buchhandlung Orell Füssli', 'Spotify', 'EWZ Strom'];
  const tx: string[] = [];
  for (let i = 0; i < 140; i++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 1) + Math.floor(r() * 175) * 86_400_000 + 12 * 3_600_000);
    const salary = i % 35 === 0;
    const amt = salary ? 6200 : -(3 + r() * (i % 9 === 0 ? 400 : 80));
    tx.push(`<STMTTRN><TRNTYPE>${salary ? 'CREDIT' : 'DEBIT'}<DTPOSTED>${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}120000[+1:CET]<TRNAMT>${amt.toFixed(2)}<FITID>S${i}<NAME>${salary ? 'Salary Example AG' : payees[i % payees.length]}<MEMO>Card ${1000 + i}</STMTTRN>`);
  }
  return `OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:UTF-8\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>CHF<BANKACCTFROM><BANKID>0700<ACCTID>CH93-0000-0000-0000</BANKACCTFROM><BANKTRANLIST>\n${tx.join('\n')}\n</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n`;
}

function health(now: Date): string {
  const r = rng(5);
  const entries = [];
  for (let i = 0; i < 40; i++) {
    const d = new Date(now.getTime() - (40 - i) * 3 * 86_400_000);
    entries.push({ resource: { resourceType: 'Observation', id: `w${i}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] }, effectiveDateTime: d.toISOString(), valueQuantity: { value: Math.round((72 - i * 0.05 + r()) * 10) / 10, unit: 'kg' } } });
    entries.push({ resource: { resourceType: 'Observation', id: `h${i}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] }, effectiveDateTime: d.toISOString(), valueQuantity: { value: Math.round(58 + r() * 20), unit: '/min' } } });
  }
  return JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: entries });
}

async function photo(i: number, taken: Date, gps: { lat: number; lon: number }): Promise<Buffer> {
  const hues = [[220, 120, 60], [60, 140, 200], [90, 170, 110], [200, 80, 120], [240, 200, 90], [120, 100, 200]];
  const [r = 128, g = 128, b = 128] = hues[i % hues.length] ?? [];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="rgb(${r},${g},${b})"/><stop offset="1" stop-color="rgb(${255 - r},${255 - g},${255 - b})"/></linearGradient></defs><rect width="800" height="600" fill="url(#g)"/><circle cx="${200 + i * 80}" cy="250" r="90" fill="rgba(255,255,255,0.7)"/><rect y="430" width="800" height="170" fill="rgba(0,40,60,0.45)"/></svg>`;
  const body = await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
  const stamp = `${taken.getUTCFullYear()}:${pad(taken.getUTCMonth() + 1)}:${pad(taken.getUTCDate())} ${pad(taken.getUTCHours())}:${pad(taken.getUTCMinutes())}:00`;
  const withExif = jpegWithExif({ width: 800, height: 600, make: 'FUJIFILM', model: 'X100V', taken: stamp, offset: '+01:00', gps });
  // Splice that file's EXIF segment (APP1, right after SOI) into the real picture.
  const len = withExif.readUInt16BE(4);
  const app1 = withExif.subarray(2, 4 + len);
  return Buffer.concat([body.subarray(0, 2), app1, body.subarray(2)]);
}

/** Writes the sample files into `dir`; returns their paths. */
export async function writeSamples(dir: string, now = new Date()): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string | Buffer> = {
    'calendar.ics': calendar(now),
    'contacts.vcf': contacts(),
    // The same person again, as another service exports her: a likely duplicate to merge.
    'phone-contacts.vcf': `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoe Mueller\r\nEMAIL;TYPE=HOME:zoe.mueller@example.ch\r\nTEL;TYPE=CELL:+41 79 555 44 33\r\nBDAY:1990-04-12\r\nEND:VCARD\r\n`,
    'lake-walk.gpx': walk(now),
    'favourite-places.geojson': places(),
    'statement.ofx': statement(now),
    'health-summary.json': health(now),
  };
  const spots = [{ lat: 47.3667, lon: 8.5449 }, { lat: 38.7069, lon: -9.1456 }, { lat: 50.0617, lon: 19.9373 }, { lat: 46.0207, lon: 7.7491 }, { lat: 47.3524, lon: 8.5541 }, { lat: 35.6595, lon: 139.7005 }];
  for (const [i, gps] of spots.entries()) files[`IMG_${4200 + i}.jpg`] = await photo(i, new Date(now.getTime() - (i + 1) * 9 * 86_400_000), gps);
  const out: string[] = [];
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), body);
    out.push(path.join(dir, name));
  }
  return out;
}

export function copyInto(dir: string, files: readonly string[]): void {
  for (const f of files) copyFileSync(f, path.join(dir, path.basename(f)));
}
