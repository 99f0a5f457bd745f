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
