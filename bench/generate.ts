/** A realistic, reproducible iCalendar file of n events (Europe/Berlin, folded CRLF lines, accents, rules, attendees). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WHAT = ['Dentist', 'Team meeting', 'Lunch', 'Yoga', 'Doctor', 'Call', 'Dinner', 'Flight', 'Concert', 'Review', 'Haircut', 'Workshop', 'Choir rehearsal', 'Parents evening', 'Café', 'Football', 'Physio', 'Interview', 'Standup', 'Birthday'];
const WITH = ['with Ann', 'with Jörg Müller', 'with the team', 'at Zürich HB', 'in München', 'with Zoë', 'with François', 'at the café', 'with Björn', 'in Kraków', 'with Siobhán', 'in São Paulo', ''];
const PLACES = ['Bahnhofstraße 12, 8001 Zürich', 'Café Central, Wien', 'St. Peter', 'Praxis Dr. Weiß', 'Marienplatz 1, München', 'Room 4.12', 'Online', 'Rue de Rivoli 99, Paris', 'Plac Mariacki, Kraków'];
const WORDS = 'agenda notes bring documents remember parking budget quarterly planning review slides invoice tickets passport prescription follow-up chapter rehearsal program lyrics pitch'.split(' ');
const PEOPLE = ['ann.lee@example.org', 'joerg.mueller@example.de', 'bob@example.com', 'zoe@example.net', 'francois@example.fr'];

function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    while (end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--; // never split a UTF-8 sequence
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74;
  }
  return parts.join('\r\n ');
}

const pad = (n: number) => String(n).padStart(2, '0');

export function generateCalendar(n: number, seed = 42): string {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const out: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Locker bench//EN',
    'BEGIN:VTIMEZONE',
    'TZID:Europe/Berlin',
    'BEGIN:DAYLIGHT',
    'TZOFFSETFROM:+0100',
    'TZOFFSETTO:+0200',
    'DTSTART:19700329T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
    'END:DAYLIGHT',
    'BEGIN:STANDARD',
    'TZOFFSETFROM:+0200',
    'TZOFFSETTO:+0100',
    'DTSTART:19701025T030000',
    'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
    'END:STANDARD',
    'END:VTIMEZONE',
  ];
  const base = Date.UTC(2015, 0, 1);
  for (let i = 0; i < n; i++) {
    const t = new Date(base + Math.floor(r() * 12 * 365) * 86400000);
    const day = `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}`;
    out.push('BEGIN:VEVENT', `UID:bench-${i}-${seed}@locker.example`, 'DTSTAMP:20260101T000000Z');
    if (r() < 0.1) {
      const next = new Date(t.getTime() + 86400000);
      out.push(`DTSTART;VALUE=DATE:${day}`, `DTEND;VALUE=DATE:${next.getUTCFullYear()}${pad(next.getUTCMonth() + 1)}${pad(next.getUTCDate())}`);
    } else {
      const h = 7 + Math.floor(r() * 12);
      out.push(`DTSTART;TZID=Europe/Berlin:${day}T${pad(h)}${pad(Math.floor(r() * 4) * 15)}00`, `DTEND;TZID=Europe/Berlin:${day}T${pad(h + 1)}0000`);
    }
    out.push(fold(`SUMMARY:${pick(WHAT)} ${pick(WITH)}`.trim()));
    if (r() < 0.7) out.push(fold(`LOCATION:${pick(PLACES).replace(/,/g, '\\,')}`));
    if (r() < 0.5) out.push(fold(`DESCRIPTION:${Array.from({ length: 8 + Math.floor(r() * 20) }, () => pick(WORDS)).join(' ')}`));
    if (r() < 0.05) out.push('RRULE:FREQ=WEEKLY;COUNT=10');
    if (r() < 0.3) out.push(fold(`ATTENDEE;CN=Guest;PARTSTAT=ACCEPTED:mailto:${pick(PEOPLE)}`));
    out.push('END:VEVENT');
  }
  out.push('END:VCALENDAR', '');
  return out.join('\r\n');
}

const HK_HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
]>
<HealthData locale="de_CH">
 <ExportDate value="2024-03-01 08:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1985-04-12" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"/>
`;

const HK_TYPES: ReadonlyArray<[string, string, () => string]> = [
  ['HKQuantityTypeIdentifierHeartRate', 'count/min', () => ''],
  ['HKQuantityTypeIdentifierStepCount', 'count', () => ''],
  ['HKQuantityTypeIdentifierActiveEnergyBurned', 'kcal', () => ''],
  ['HKQuantityTypeIdentifierDistanceWalkingRunning', 'km', () => ''],
  ['HKQuantityTypeIdentifierBodyMass', 'kg', () => ''],
];

/**
 * Writes an Apple Health export of about `targetBytes` to `out` (streamed, so
 * a 200 MB file never exists in memory): the DOCTYPE Apple writes, records of
 * several types with time zones and metadata, workouts with statistics.
 */
export async function writeAppleHealth(out: string, targetBytes: number, seed = 3): Promise<{ records: number; workouts: number; bytes: number }> {
  const { createWriteStream } = await import('node:fs');
  const { once } = (await import('node:events')).EventEmitter;
  const r = rng(seed);
  const stream = createWriteStream(out);
  let bytes = 0;
  let records = 0;
  let workouts = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!stream.write(s)) await once(stream, 'drain');
  };
  await write(HK_HEAD);
  let t = Date.UTC(2019, 0, 1);
  const stamp = (ms: number, tz: number) => {
    const d = new Date(ms + tz * 3600_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${tz >= 0 ? '+' : '-'}${pad(Math.abs(tz))}00`;
  };
  while (bytes < targetBytes) {
    t += Math.floor(60_000 + r() * 600_000);
    const tz = t % 7 === 0 ? 2 : 1;
    if (r() < 0.002) {
      workouts++;
      const dur = (20 + r() * 60).toFixed(4);
      const start = stamp(t, tz);
      const end = stamp(t + Number(dur) * 60_000, tz);
      await write(
        ` <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="${dur}" durationUnit="min" sourceName="Jörg’s Apple Watch" sourceVersion="10.1" creationDate="${end}" startDate="${start}" endDate="${end}">\n  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="${start}" endDate="${end}" sum="${(r() * 12).toFixed(3)}" unit="km"/>\n  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="${start}" endDate="${end}" sum="${(200 + r() * 500).toFixed(1)}" unit="kcal"/>\n </Workout>\n`,
      );
      continue;
    }
    const [type, unit] = HK_TYPES[Math.floor(r() * HK_TYPES.length)] ?? HK_TYPES[0] ?? ['', '', () => ''];
    const value = type.endsWith('HeartRate') ? String(55 + Math.floor(r() * 90)) : type.endsWith('StepCount') ? String(Math.floor(r() * 900)) : type.endsWith('BodyMass') ? (60 + r() * 10).toFixed(1) : (r() * 3).toFixed(5);
    const start = stamp(t, tz);
    const end = stamp(t + 60_000, tz);
    records++;
    await write(
      ` <Record type="${type}" sourceName="Jörg’s Apple Watch" sourceVersion="10.1" device="&lt;&lt;HKDevice: 0x283a1c0f0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:10.1&gt;" unit="${unit}" creationDate="${end}" startDate="${start}" endDate="${end}" value="${value}">\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n </Record>\n`,
    );
  }
  await write(' <ActivitySummary dateComponents="2024-02-29" activeEnergyBurned="512.3" activeEnergyBurnedGoal="600" activeEnergyBurnedUnit="kcal"/>\n</HealthData>\n');
  stream.end();
  await once(stream, 'close');
  return { records, workouts, bytes };
}

// ---------------------------------------------------------------------------------------------------------------
// A mixed locker of many formats (bench/million.ts): each writer streams its file, so a generated million records
// never sits in memory, and writes exactly `n` records (ids unique across files: every writer takes its own `tag`).

type Write = (s: string) => Promise<void>;

async function streamTo(out: string, body: (write: Write) => Promise<void>): Promise<number> {
  const { createWriteStream } = await import('node:fs');
  const { once } = (await import('node:events')).EventEmitter;
  const stream = createWriteStream(out);
  let bytes = 0;
  let buffered: string[] = [];
  let size = 0;
  const flush = async () => {
    if (!buffered.length) return;
    const s = buffered.join('');
    buffered = [];
    size = 0;
    bytes += Buffer.byteLength(s);
    if (!stream.write(s)) await once(stream, 'drain');
  };
  await body(async (s) => {
    buffered.push(s);
    size += s.length;
    if (size >= 1 << 20) await flush();
  });
  await flush();
  stream.end();
  await once(stream, 'close');
  return bytes;
}

const PAYEES = ['REWE Markt', 'Café Müller', 'SBB CFF FFS', 'Amazon', 'Bäckerei Schön', 'Stadtwerke', 'Zürich Versicherung', 'Kraków Bistro', 'Praxis Dr. Weiß', 'Konzerthaus Wien', 'Yoga Studio Prana', 'Passport office', 'Lufthansa Flight', 'Dentist Dr. Stern'];
const PLACE_KIND = ['Café', 'Restaurant', 'Dentist', 'Yoga studio', 'Concert hall', 'Station', 'Bakery', 'Office', 'Park', 'Museum', 'Pharmacy', 'Bookshop'];
const TOWNS = ['Zürich', 'München', 'Kraków', 'Wien', 'Paris', 'São Paulo', 'Berlin', 'Basel', 'Lyon', 'Gdańsk', 'Bern', 'Köln'];
const SENDERS = ['Ann Lee <ann.lee@example.org>', 'Jörg Müller <joerg.mueller@example.de>', 'Bob <bob@example.com>', 'Zoë <zoe@example.net>', 'François <francois@example.fr>', 'Siobhán <siobhan@example.ie>', 'Björn <bjorn@example.se>'];

function picker(seed: number): { r: () => number; pick: <T>(xs: readonly T[]) => T } {
  const r = rng(seed);
  return { r, pick: <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T };
}
const BASE_MS = Date.UTC(2015, 0, 1);
const SPAN_MS = 12 * 365 * 86400000;

/** An mbox of `n` plain-text messages (mboxrd: a body line starting with "From " is escaped), subjects and words from the calendar's vocabulary. */
export function writeMbox(out: string, n: number, tag: string, seed = 11): Promise<number> {
  const { r, pick } = picker(seed);
  return streamTo(out, async (write) => {
    for (let i = 0; i < n; i++) {
      const d = new Date(BASE_MS + Math.floor(r() * SPAN_MS));
      const body = Array.from({ length: 10 + Math.floor(r() * 40) }, () => pick(WORDS)).join(' ');
      await write(
        `From sender@example.org ${d.toUTCString().replace(',', '')}\nFrom: ${pick(SENDERS)}\nTo: me@example.net\nSubject: ${r() < 0.3 ? 'Re: ' : ''}${pick(WHAT)} ${pick(WITH)}\nDate: ${d.toUTCString()}\nMessage-ID: <${tag}-${i}@mail.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nHello,\n\n${body}.\n\nSee you at ${pick(PLACES)}.\n\n`,
      );
    }
  });
}

/** `n` single messages as .eml files in `folder`. */
export async function writeEmlFolder(folder: string, n: number, tag: string, seed = 12): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { r, pick } = picker(seed);
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < n; i++) {
    const d = new Date(BASE_MS + Math.floor(r() * SPAN_MS));
    writeFileSync(
      join(folder, `${tag}-${i}.eml`),
      `From: ${pick(SENDERS)}\r\nTo: me@example.net\r\nSubject: ${pick(WHAT)} ${pick(WITH)}\r\nDate: ${d.toUTCString()}\r\nMessage-ID: <${tag}-${i}@mail.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${Array.from({ length: 20 }, () => pick(WORDS)).join(' ')}\r\n`,
    );
  }
}

/** A GeoJSON FeatureCollection of `n` named points (places). */
export function writeGeoJsonPlaces(out: string, n: number, tag: string, seed = 13): Promise<number> {
  const { r, pick } = picker(seed);
  return streamTo(out, async (write) => {
    await write('{"type":"FeatureCollection","features":[\n');
    for (let i = 0; i < n; i++) {
      const f = { type: 'Feature', properties: { name: `${pick(PLACE_KIND)} ${pick(TOWNS)} ${tag}${i}`, address: r() < 0.5 ? pick(PLACES) : undefined, description: r() < 0.3 ? Array.from({ length: 6 }, () => pick(WORDS)).join(' ') : undefined }, geometry: { type: 'Point', coordinates: [Number((5 + r() * 15).toFixed(6)), Number((45 + r() * 10).toFixed(6))] } };
      await write(`${i ? ',\n' : ''}${JSON.stringify(f)}`);
    }
    await write('\n]}\n');
  });
}

/** A KML document of `n` placemarks with a point. */
export function writeKmlPlaces(out: string, n: number, tag: string, seed = 14): Promise<number> {
  const { r, pick } = picker(seed);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return streamTo(out, async (write) => {
    await write('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Saved places</name>\n');
    for (let i = 0; i < n; i++) {
      await write(`<Placemark><name>${esc(`${pick(PLACE_KIND)} ${pick(TOWNS)} ${tag}${i}`)}</name><description>${esc(Array.from({ length: 5 }, () => pick(WORDS)).join(' '))}</description><Point><coordinates>${(5 + r() * 15).toFixed(6)},${(45 + r() * 10).toFixed(6)},0</coordinates></Point></Placemark>\n`);
    }
    await write('</Document></kml>\n');
  });
}

/** A GPX file of `tracks` tracks (30 points each) and `waypoints` waypoints: tracks + waypoints records. */
export function writeGpx(out: string, tracks: number, waypoints: number, tag: string, seed = 15): Promise<number> {
  const { r, pick } = picker(seed);
  return streamTo(out, async (write) => {
    await write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="bench" xmlns="http://www.topografix.com/GPX/1/1">\n');
    for (let i = 0; i < waypoints; i++) await write(`<wpt lat="${(45 + r() * 10).toFixed(6)}" lon="${(5 + r() * 15).toFixed(6)}"><name>${pick(PLACE_KIND)} ${pick(TOWNS)} ${tag}w${i}</name></wpt>\n`);
    for (let t = 0; t < tracks; t++) {
      const start = BASE_MS + Math.floor(r() * SPAN_MS);
      const lat = 45 + r() * 10;
      const lon = 5 + r() * 15;
      const pts = Array.from({ length: 30 }, (_, k) => `<trkpt lat="${(lat + k * 0.0005).toFixed(6)}" lon="${(lon + k * 0.0004).toFixed(6)}"><ele>${400 + k}</ele><time>${new Date(start + k * 10_000).toISOString()}</time></trkpt>`).join('');
      await write(`<trk><name>${pick(['Run', 'Ride', 'Walk', 'Hike'])} in ${pick(TOWNS)} ${tag}t${t}</name><trkseg>${pts}</trkseg></trk>\n`);
    }
    await write('</gpx>\n');
  });
}

/** An OFX (SGML) bank statement of `n` transactions. */
export function writeOfx(out: string, n: number, tag: string, seed = 16): Promise<number> {
  const { r, pick } = picker(seed);
  return streamTo(out, async (write) => {
    await write(`OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nCHARSET:1252\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>${tag}</BANKACCTFROM><BANKTRANLIST>\n`);
    for (let i = 0; i < n; i++) {
      const d = new Date(BASE_MS + Math.floor(r() * SPAN_MS));
      await write(`<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}0000[+1:CET]<TRNAMT>-${(r() * 200).toFixed(2)}<FITID>${tag}-${i}<NAME>${pick(PAYEES)}<MEMO>${pick(WORDS)} ${pick(WORDS)} ${i}</STMTTRN>\n`);
    }
    await write('</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n');
  });
}

/** A Sparkasse-style CSV statement of `n` lines. */
export function writeCsvBank(out: string, n: number, tag: string, seed = 17): Promise<number> {
  const { r, pick } = picker(seed);
  return streamTo(out, async (write) => {
    await write('"Auftragskonto";"Buchungstag";"Verwendungszweck";"Beguenstigter/Zahlungspflichtiger";"Betrag";"Waehrung"\n');
    for (let i = 0; i < n; i++) {
      const d = new Date(BASE_MS + Math.floor(r() * SPAN_MS));
      await write(`"DE${tag}";"${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${String(d.getUTCFullYear()).slice(2)}";"${pick(WORDS)} ${tag}-${i}";"${pick(PAYEES)}";"-${(r() * 99).toFixed(2).replace('.', ',')}";"EUR"\n`);
    }
  });
}

/** An Apple Health export.xml of exactly `n` quantity records (no workouts), streamed. */
export function writeAppleHealthRecords(out: string, n: number, seed = 18): Promise<number> {
  const r = rng(seed);
  const stamp = (ms: number, tz: number) => {
    const d = new Date(ms + tz * 3600_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${tz >= 0 ? '+' : '-'}${pad(Math.abs(tz))}00`;
  };
  return streamTo(out, async (write) => {
    await write(HK_HEAD);
    let t = Date.UTC(2019, 0, 1);
    for (let i = 0; i < n; i++) {
      t += Math.floor(60_000 + r() * 600_000);
      const tz = t % 7 === 0 ? 2 : 1;
      const [type, unit] = HK_TYPES[Math.floor(r() * HK_TYPES.length)] ?? HK_TYPES[0] ?? ['', '', () => ''];
      const value = type.endsWith('HeartRate') ? String(55 + Math.floor(r() * 90)) : type.endsWith('StepCount') ? String(Math.floor(r() * 900)) : type.endsWith('BodyMass') ? (60 + r() * 10).toFixed(1) : (r() * 3).toFixed(5);
      await write(
        ` <Record type="${type}" sourceName="Jörg’s Apple Watch" sourceVersion="10.1" device="&lt;&lt;HKDevice: 0x283a1c0f0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:10.1&gt;" unit="${unit}" creationDate="${stamp(t + 60_000, tz)}" startDate="${stamp(t, tz)}" endDate="${stamp(t + 60_000, tz)}" value="${value}">\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n </Record>\n`,
      );
    }
    await write('</HealthData>\n');
  });
}

/** A FHIR Bundle of `n` Observations (body weight, blood pressure, glucose). */
export function writeFhirBundle(out: string, n: number, tag: string, seed = 19): Promise<number> {
  const { r, pick } = picker(seed);
  const codes = [
    ['29463-7', 'Body weight', 'kg', 60, 10],
    ['8867-4', 'Heart rate', '/min', 55, 40],
    ['2339-0', 'Glucose', 'mg/dL', 80, 40],
  ] as const;
  return streamTo(out, async (write) => {
    await write('{"resourceType":"Bundle","type":"collection","entry":[\n');
    for (let i = 0; i < n; i++) {
      const [code, display, unit, base, spread] = pick(codes);
      const resource = { resourceType: 'Observation', id: `${tag}-${i}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code, display }] }, effectiveDateTime: new Date(BASE_MS + Math.floor(r() * SPAN_MS)).toISOString(), valueQuantity: { value: Number((base + r() * spread).toFixed(1)), unit } };
      await write(`${i ? ',\n' : ''}${JSON.stringify({ fullUrl: `urn:uuid:${tag}-${i}`, resource })}`);
    }
    await write('\n]}\n');
  });
}

export interface MixedFile {
  readonly path: string;
  readonly type: 'event' | 'message' | 'place' | 'track' | 'purchase' | 'health';
  readonly records: number;
  readonly format: string;
}

/**
 * A mixed locker of `total` records written into `dir` as the files a person
 * would import: 30 % events (.ics, 50,000 a file), 20 % mail (mbox + .eml),
 * 15 % places and tracks (GeoJSON, KML, GPX), 15 % purchases (OFX, CSV),
 * 20 % health (Apple Health export.xml, FHIR). Returns the files, largest share first.
 */
export async function writeMixedLocker(dir: string, total: number): Promise<MixedFile[]> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  mkdirSync(dir, { recursive: true });
  const files: MixedFile[] = [];
  const share = (f: number) => Math.round(total * f);
  const split = (n: number, per: number) => {
    const parts: number[] = [];
    for (let left = n; left > 0; left -= per) parts.push(Math.min(per, left));
    return parts;
  };
  // Events: 30 %.
  const events = share(0.3);
  let k = 0;
  for (const n of split(events, 50_000)) {
    const p = join(dir, `calendar-${++k}.ics`);
    writeFileSync(p, generateCalendar(n, 100 + k));
    files.push({ path: p, type: 'event', records: n, format: 'ical' });
  }
  // Mail: 20 % (0.5 % of it single .eml files).
  const mail = share(0.2);
  const eml = Math.round(mail * 0.005);
  k = 0;
  for (const n of split(mail - eml, 50_000)) {
    const p = join(dir, `mail-${++k}.mbox`);
    await writeMbox(p, n, `mb${k}`, 200 + k);
    files.push({ path: p, type: 'message', records: n, format: 'mbox' });
  }
  if (eml > 0) {
    const p = join(dir, 'eml');
    await writeEmlFolder(p, eml, 'eml');
    files.push({ path: p, type: 'message', records: eml, format: 'eml' });
  }
  // Places and tracks: 15 % (GeoJSON 90 %, KML 6.7 %, GPX 3.3 % of which a fifth tracks).
  const places = share(0.15);
  const kml = Math.round(places * 0.067);
  const gpx = Math.round(places * 0.033);
  const gpxTracks = Math.round(gpx / 5);
  k = 0;
  for (const n of split(places - kml - gpx, 45_000)) {
    const p = join(dir, `places-${++k}.geojson`);
    await writeGeoJsonPlaces(p, n, `g${k}-`, 300 + k);
    files.push({ path: p, type: 'place', records: n, format: 'geojson' });
  }
  if (kml > 0) {
    const p = join(dir, 'saved.kml');
    await writeKmlPlaces(p, kml, 'k');
    files.push({ path: p, type: 'place', records: kml, format: 'kml' });
  }
  if (gpx > 0) {
    const p = join(dir, 'outdoor.gpx');
    await writeGpx(p, gpxTracks, gpx - gpxTracks, 'x');
    files.push({ path: p, type: 'place', records: gpx - gpxTracks, format: 'gpx' }, { path: p, type: 'track', records: gpxTracks, format: 'gpx' });
  }
  // Purchases: 15 % (two thirds OFX).
  const purchases = share(0.15);
  const csv = Math.round(purchases / 3);
  k = 0;
  for (const n of split(purchases - csv, 50_000)) {
    const p = join(dir, `bank-${++k}.ofx`);
    await writeOfx(p, n, `acct${k}`, 400 + k);
    files.push({ path: p, type: 'purchase', records: n, format: 'ofx' });
  }
  k = 0;
  for (const n of split(csv, 25_000)) {
    const p = join(dir, `sparkasse-${++k}.csv`);
    await writeCsvBank(p, n, `c${k}`, 500 + k);
    files.push({ path: p, type: 'purchase', records: n, format: 'csv-bank' });
  }
  // Health: the rest (FHIR 5 % of it, the Apple Health export the remainder).
  const health = total - files.reduce((a, f) => a + f.records, 0);
  const fhir = Math.round(health * 0.05);
  if (fhir > 0) {
    const p = join(dir, 'clinic-bundle.json');
    await writeFhirBundle(p, fhir, 'obs');
    files.push({ path: p, type: 'health', records: fhir, format: 'fhir' });
  }
  const hk = join(dir, 'export.xml');
  await writeAppleHealthRecords(hk, health - fhir);
  files.push({ path: hk, type: 'health', records: health - fhir, format: 'apple-health' });
  return files;
}
