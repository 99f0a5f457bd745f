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
