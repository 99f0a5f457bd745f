import ICAL from 'ical.js';
import { iri, lit, namedNode, RecordBuilder, sha256Hex, stableId, subjectIri, type LockerRecord } from '../model/index.js';
import { previousDay, toTimeLiteral, type TimeLiteral } from './ical-time.js';
import { scanContentLines } from './text.js';
import { blockItems } from './blocks.js';
import { failed, type ImportContext, type Importer, type ParseResult } from './types.js';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;
type ICalTime = InstanceType<typeof ICAL.Time>;

const S = (l: string) => iri('schema', l);
const LK = (l: string) => iri('lk', l);

const FREQ: Record<string, [string, string]> = {
  SECONDLY: ['PT', 'S'],
  MINUTELY: ['PT', 'M'],
  HOURLY: ['PT', 'H'],
  DAILY: ['P', 'D'],
  WEEKLY: ['P', 'W'],
  MONTHLY: ['P', 'M'],
  YEARLY: ['P', 'Y'],
};
const DAYS: Record<string, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
const STATUS: Record<string, string> = { CANCELLED: 'EventCancelled', CONFIRMED: 'EventScheduled', TENTATIVE: 'EventScheduled' };

function timeLit(t: TimeLiteral) {
  return t.isDate ? lit.date(t.text) : lit.dateTime(t.text);
}

function text(c: Component, name: string): string | undefined {
  const v = c.getFirstPropertyValue(name);
  if (v === null || v === undefined) return undefined;
  const s = (typeof v === 'string' ? v : String(v)).trim();
  return s === '' ? undefined : s;
}

function timeOf(p: Property | null): { time: ICalTime; tzid: string | undefined } | undefined {
  if (!p) return undefined;
  const v = p.getFirstValue();
  if (!(v instanceof ICAL.Time)) return undefined;
  const tz = p.getParameter('tzid');
  return { time: v, tzid: typeof tz === 'string' ? tz : undefined };
}

function mailAddress(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^mailto:(.+)$/i.exec(value.trim());
  const addr = (m?.[1] ?? value).trim();
  return /^[^@\s]+@[^@\s]+$/.test(addr) ? addr.toLowerCase() : undefined;
}

function addPerson(b: RecordBuilder, predicate: string, fragment: string, p: Property): void {
  const email = mailAddress(p.getFirstValue());
  const cn = p.getParameter('cn');
  const name = typeof cn === 'string' ? cn.trim() : undefined;
  if (!email && !name) return;
  const node = b.node(fragment);
  b.set(predicate, node);
  b.typeOf(node, S('Person'));
  if (name) b.add(node, S('name'), lit.string(name));
  if (email) b.add(node, S('email'), lit.string(email));
}

function addSchedule(b: RecordBuilder, ev: Component, start: TimeLiteral): void {
  const rrules = ev.getAllProperties('rrule');
  const rdates = ev.getAllProperties('rdate');
  if (rrules.length === 0 && rdates.length === 0) return;
  const node = b.node('schedule');
  b.set(S('eventSchedule'), node);
  b.typeOf(node, S('Schedule'));
  let first = true;
  for (const p of rrules) {
    const r = p.getFirstValue() as InstanceType<typeof ICAL.Recur>;
    b.add(node, LK('rrule'), lit.string(r.toString()));
    if (!first) continue;
    first = false;
    const f = FREQ[r.freq];
    if (f) b.add(node, S('repeatFrequency'), lit.string(`${f[0]}${r.interval || 1}${f[1]}`));
    if (r.count) b.add(node, S('repeatCount'), lit.integer(r.count));
    if (r.until) b.add(node, S('endDate'), timeLit(toTimeLiteral(r.until)));
    const parts = r.parts as Record<string, Array<string | number> | undefined>;
    for (const d of parts['BYDAY'] ?? []) {
      const day = DAYS[String(d).slice(-2)];
      if (day) b.add(node, S('byDay'), namedNode(S(day)));
    }
    for (const m of parts['BYMONTH'] ?? []) b.add(node, S('byMonth'), lit.integer(Number(m)));
    for (const m of parts['BYMONTHDAY'] ?? []) b.add(node, S('byMonthDay'), lit.integer(Number(m)));
  }
  // RDATE: occurrences beyond (or instead of) the rule; a PERIOD counts by its start.
  for (const p of rdates) {
    const tz = p.getParameter('tzid');
    for (const v of p.getValues()) {
      const t = v instanceof ICAL.Period ? v.start : v;
      if (t instanceof ICAL.Time) b.add(node, LK('rdate'), timeLit(toTimeLiteral(t, typeof tz === 'string' ? tz : undefined)));
    }
  }
  if (start.tzid) b.add(node, S('scheduleTimezone'), lit.string(start.tzid));
  for (const p of ev.getAllProperties('exdate')) {
    const tz = p.getParameter('tzid');
    for (const v of p.getValues()) {
      if (v instanceof ICAL.Time) b.add(node, S('exceptDate'), timeLit(toTimeLiteral(v, typeof tz === 'string' ? tz : undefined)));
    }
  }
}

/**
 * The natural key of a VEVENT: its UID (plus RECURRENCE-ID for a changed
 * occurrence), or, without one, every content line of it but DTSTAMP (which
 * an export rewrites each time): two events that differ in anything at all
 * never share a key, and the same event exported again keeps its key.
 */
function eventKey(ev: Component, recurrence: TimeLiteral | undefined, block: string): string {
  const uid = text(ev, 'uid');
  if (uid) return recurrence ? `uid:${uid}|${recurrence.text}` : `uid:${uid}`;
  const lines = block
    .replace(/\r?\n[ \t]/g, '')
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !/^DTSTAMP[;:]/i.test(l));
  return `content:${sha256Hex(lines.join('\n'))}`;
}

/**
 * Dates that carry a time although labelled `VALUE=DATE` (`DTSTART;VALUE=DATE:20110805T150000`, written by some
 * exporters): the label is dropped so that the time is kept, as node-ical keeps it, instead of the day alone.
 */
export function unlabelMislabelledDates(block: string): string {
  return block.replace(/^((?:DTSTART|DTEND|DUE|RECURRENCE-ID|EXDATE|RDATE)(?:;[^:\r\n]*)?);VALUE=DATE((?:;[^:\r\n]*)?):(\d{8}T\d{6}Z?(?:,\d{8}T\d{6}Z?)*)(?=\r?$)/gim, (_m, head: string, rest: string, value: string) => `${head}${rest}:${value}`);
}

function convertEvent(ev: Component, block: string): LockerRecord | string {
  const startP = timeOf(ev.getFirstProperty('dtstart'));
  const summary = text(ev, 'summary');
  const what = summary ? `event "${summary.slice(0, 60)}"` : `event ${text(ev, 'uid') ?? '(no UID)'}`;
  if (!startP) return `${what}: DTSTART is missing or not a date`;
  const start = toTimeLiteral(startP.time, startP.tzid);
  const recurrenceP = timeOf(ev.getFirstProperty('recurrence-id'));
  const recurrence = recurrenceP ? toTimeLiteral(recurrenceP.time, recurrenceP.tzid) : undefined;
  const id = stableId('event', eventKey(ev, recurrence, block));
  const b = new RecordBuilder('event', id);
  b.set(S('name'), lit.string(summary ?? '(no title)'));
  b.set(S('startDate'), timeLit(start));
  if (start.tzid) b.set(LK('timeZone'), lit.string(start.tzid));
  const endP = timeOf(ev.getFirstProperty('dtend'));
  let end: TimeLiteral | undefined;
  if (endP) end = toTimeLiteral(endP.time, endP.tzid);
  else {
    const dur = ev.getFirstPropertyValue('duration');
    if (dur instanceof ICAL.Duration) {
      const t = startP.time.clone();
      t.addDuration(dur);
      end = toTimeLiteral(t, startP.tzid);
      b.set(S('duration'), lit.string(dur.toString()));
    }
  }
  if (end) {
    if (end.isDate && start.isDate) {
      const last = previousDay(end.text);
      if (last > start.text) b.set(S('endDate'), lit.date(last));
    } else b.set(S('endDate'), timeLit(end));
  }
  b.set(S('description'), text(ev, 'description') ? lit.string(text(ev, 'description') as string) : undefined);
  const location = text(ev, 'location');
  const geo = ev.getFirstPropertyValue('geo');
  if (location || Array.isArray(geo)) {
    const place = b.node('location');
    b.set(S('location'), place);
    b.typeOf(place, S('Place'));
    b.add(place, S('name'), lit.string(location ?? 'Location'));
    if (Array.isArray(geo) && geo.length === 2) {
      const [la, lo] = geo.map(Number);
      if (la !== undefined && lo !== undefined && Math.abs(la) <= 90 && Math.abs(lo) <= 180) {
        const g = b.node('location-geo');
        b.add(place, S('geo'), g);
        b.typeOf(g, S('GeoCoordinates'));
        b.add(g, S('latitude'), lit.decimal(la));
        b.add(g, S('longitude'), lit.decimal(lo));
      }
    }
  }
  const status = STATUS[(text(ev, 'status') ?? '').toUpperCase()];
  if (status) b.set(S('eventStatus'), namedNode(S(status)));
  const url = text(ev, 'url');
  if (url && /^https?:\/\/\S+$/i.test(url)) b.set(S('url'), namedNode(url));
  for (const p of ev.getAllProperties('categories')) for (const c of p.getValues()) if (typeof c === 'string' && c.trim()) b.set(S('keywords'), lit.string(c.trim()));
  const organizer = ev.getFirstProperty('organizer');
  if (organizer) addPerson(b, S('organizer'), 'organizer', organizer);
  ev.getAllProperties('attendee').forEach((p, i) => addPerson(b, S('attendee'), `attendee-${i + 1}`, p));
  const uid = text(ev, 'uid');
  if (uid) b.set(S('identifier'), lit.string(uid));
  if (recurrence && uid) {
    b.set(S('superEvent'), namedNode(subjectIri('event', stableId('event', `uid:${uid}`))));
    b.set(LK('recurrenceId'), timeLit(recurrence));
  } else addSchedule(b, ev, start);
  return b.build();
}

/** iCalendar (RFC 5545): each VEVENT becomes one event record; recurrences stay rules, not thousands of copies. */
export const icalImporter: Importer = {
  id: 'ical',
  mediaType: 'text/calendar',
  parse(source: string, ctx: ImportContext): ParseResult {
    const scan = scanContentLines(source, ctx.caps, 'VCALENDAR');
    if (scan.kind === 'error') return failed('malformed', `not a valid iCalendar file: ${scan.message}`);
    if (scan.components > ctx.caps.maxRecordsPerFile * 4) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} items`);
    // Events are cut out of the text and parsed one at a time (time zones once, up front),
    // so the parsed form of a 100k-event calendar never exists in memory as a whole.
    const blocks = splitBlocks(source);
    let parent: Component;
    try {
      const tz = blocks.timezones.map(([a, b]) => source.slice(a, b)).join('');
      parent = new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\n${tz}END:VCALENDAR\r\n`) as never);
    } catch (e) {
      return failed('malformed', `not a valid iCalendar file: ${e instanceof Error ? e.message : String(e)}`);
    }
    const count = blocks.events.length;
    if (count > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} events in one file`);
    // One event that ical.js cannot read (a date of "Next Year") is skipped; the calendar goes on.
    const items = blockItems(source, blocks.events, ctx, 'this event', (block) => {
      const r = convertEvent(new ICAL.Component(ICAL.parse(unlabelMislabelledDates(block)) as never, parent), block);
      return typeof r === 'string' ? r : { record: r };
    });
    // To-dos and journal entries are not events: said, not passed over in silence.
    const others = (source.match(/^BEGIN:(VTODO|VJOURNAL)[ \t]*\r?$/gim) ?? []).length;
    const warnings = [...(scan.warning !== undefined ? [scan.warning] : []), ...(others > 0 ? [`${others} to-do${others === 1 ? '' : 's'} or journal entr${others === 1 ? 'y' : 'ies'} (VTODO, VJOURNAL) ${others === 1 ? 'was' : 'were'} not read: Locker keeps events`] : [])];
    return { kind: 'ok', parsed: { count, items, ...(warnings.length > 0 && { warnings }) } };
  },
};

/** Offsets of the VEVENT and VTIMEZONE blocks directly inside each VCALENDAR (the structure was checked by the pre-scan). */
function splitBlocks(text: string): { events: Array<[number, number]>; timezones: Array<[number, number]> } {
  const events: Array<[number, number]> = [];
  const timezones: Array<[number, number]> = [];
  let depth = 0;
  let blockStart = -1;
  let blockKind: 'event' | 'tz' | undefined;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const c = text.charCodeAt(pos);
    if (c === 66 || c === 98 || c === 69 || c === 101) {
      const head = text.slice(pos, Math.min(end, pos + 20)).toUpperCase();
      if (head.startsWith('BEGIN:')) {
        depth++;
        if (depth === 2) {
          blockStart = pos;
          blockKind = head.startsWith('BEGIN:VEVENT') ? 'event' : head.startsWith('BEGIN:VTIMEZONE') ? 'tz' : undefined;
        }
      } else if (head.startsWith('END:')) {
        if (depth === 2 && blockKind) (blockKind === 'event' ? events : timezones).push([blockStart, Math.min(end + 1, text.length)]);
        depth--;
      }
    }
    pos = end + 1;
  }
  return { events, timezones };
}
