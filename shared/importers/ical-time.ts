import ICAL from 'ical.js';

type ICalTime = InstanceType<typeof ICAL.Time>;

/** A point in time as RDF wants it: an xsd:date, or an xsd:dateTime with offset (or floating, without one). */
export interface TimeLiteral {
  readonly text: string;
  readonly isDate: boolean;
  /** IANA/Olson or other TZID the value was given in, if any. */
  readonly tzid?: string;
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

function wallClock(t: ICalTime): string {
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
}

function offsetText(seconds: number): string {
  if (seconds === 0) return 'Z';
  const sign = seconds < 0 ? '-' : '+';
  const m = Math.round(Math.abs(seconds) / 60);
  return `${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

const intlCache = new Map<string, Intl.DateTimeFormat | null>();

function intlFormat(zone: string): Intl.DateTimeFormat | null {
  let f = intlCache.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      f = null;
    }
    intlCache.set(zone, f);
  }
  return f;
}

/** Offset (seconds east of UTC) of an IANA zone at a UTC instant, from the runtime's own tz database. */
function intlOffset(f: Intl.DateTimeFormat, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 1000);
}

/**
 * Converts an ical.js time. TZIDs defined by a VTIMEZONE in the file are
 * resolved by ical.js; a TZID without one (common in exports) is looked up as
 * an IANA zone; anything else stays floating, its TZID kept.
 */
export function toTimeLiteral(t: ICalTime, tzidParam?: string): TimeLiteral {
  if (t.isDate) return { text: `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`, isDate: true };
  const zone = t.zone;
  const tzid = tzidParam ?? (zone && zone.tzid !== 'floating' && zone.tzid !== 'UTC' ? zone.tzid : undefined);
  if (zone && zone.tzid === 'UTC') return { text: `${wallClock(t)}Z`, isDate: false };
  if (zone && zone.tzid !== 'floating') {
    return { text: wallClock(t) + offsetText(t.utcOffset()), isDate: false, ...(tzid !== undefined && { tzid }) };
  }
  if (tzid) {
    const f = intlFormat(tzid);
    if (f) {
      const guess = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
      let off = intlOffset(f, guess);
      const second = intlOffset(f, guess - off * 1000);
      if (second !== off) off = second;
      return { text: wallClock(t) + offsetText(off), isDate: false, tzid };
    }
    return { text: wallClock(t), isDate: false, tzid };
  }
  return { text: wallClock(t), isDate: false };
}

/** The day before an all-day DTEND (exclusive in iCalendar, inclusive in schema:endDate). */
export function previousDay(dateText: string): string {
  const d = new Date(`${dateText}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
