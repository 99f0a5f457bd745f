import ICAL from 'ical.js';
import { findIana } from 'windows-iana';

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

const zoneCache = new Map<string, string | undefined>();

/**
 * The IANA zone a TZID means, or undefined. Exports name zones many ways:
 * IANA itself (`Europe/Paris`), Windows (`W. Europe Standard Time`, mapped by
 * CLDR's table in windows-iana), quoted, or behind a vendor's prefix
 * (`/freeassociation.sourceforge.net/Tzfile/America/Los_Angeles`,
 * `/mozilla.org/20050126_1/Europe/Berlin`, `posix/Europe/Vaduz`,
 * `custom_America/New_York`).
 */
export function ianaZone(tzid: string): string | undefined {
  if (zoneCache.has(tzid)) return zoneCache.get(tzid);
  const name = tzid.trim().replace(/^"(.*)"$/, '$1').trim();
  let found: string | undefined;
  if (name !== '' && intlFormat(name)) found = name;
  found ??= findIana(name)[0];
  if (found === undefined) {
    // The longest tail of the name that is a zone: `/vendor/version/Area/City` → `Area/City`.
    const parts = name.replace(/^custom_/i, '').split('/').filter(Boolean);
    for (let i = 0; i < parts.length - 1 && found === undefined; i++) {
      const tail = parts.slice(i).join('/');
      if (/^[A-Za-z]/.test(tail) && intlFormat(tail)) found = tail;
    }
  }
  if (found !== undefined) found = intlFormat(found)?.resolvedOptions().timeZone ?? found;
  zoneCache.set(tzid, found);
  return found;
}

/** Outlook's display names carry a fixed offset, `(UTC+01:00) Amsterdam, Berlin…`: seconds east of UTC, or undefined. */
function displayOffset(tzid: string): number | undefined {
  const m = /\((?:UTC|GMT)\s*(?:([+-])(\d{1,2}):?(\d{2})?)?\)/i.exec(tzid);
  if (!m) return undefined;
  if (m[1] === undefined) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60);
}

/**
 * Converts an ical.js time. TZIDs defined by a VTIMEZONE in the file are
 * resolved by ical.js; a TZID without one (common in exports) is looked up as
 * an IANA zone (see ianaZone), or read as the fixed offset an Outlook display
 * name states; anything else stays floating, its TZID kept.
 */
export function toTimeLiteral(t: ICalTime, tzidParam?: string): TimeLiteral {
  if (t.isDate) return { text: `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`, isDate: true };
  const zone = t.zone;
  const given = tzidParam ?? (zone && zone.tzid !== 'floating' && zone.tzid !== 'UTC' ? zone.tzid : undefined);
  // The zone is kept under its IANA name where there is one (Windows and vendor names are mapped), else as written.
  const tzid = given === undefined ? undefined : (ianaZone(given) ?? given.trim().replace(/^"(.*)"$/, '$1'));
  if (zone && zone.tzid === 'UTC') return { text: `${wallClock(t)}Z`, isDate: false };
  if (zone && zone.tzid !== 'floating') {
    return { text: wallClock(t) + offsetText(t.utcOffset()), isDate: false, ...(tzid !== undefined && { tzid }) };
  }
  if (tzid) {
    const f = intlFormat(tzid);
    const fixed = f ? undefined : displayOffset(tzid);
    if (fixed !== undefined) return { text: wallClock(t) + offsetText(fixed), isDate: false, tzid };
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
