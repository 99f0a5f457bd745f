import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../test/helpers/home.js';
import { iri, recordToJson, stableId, type LockerRecord } from '../model/index.js';
import { collect, DEFAULT_CAPS, type ParsedItem } from './types.js';
import { icalImporter } from './ical.js';

const ctx = { fileName: 'calendar.ics', caps: DEFAULT_CAPS, deadline: Date.now() + 60_000 };

function parse(text: string): LockerRecord[] {
  const r = icalImporter.parse(text, ctx);
  if (r.kind !== 'ok') throw new Error(r.failure.message);
  return collect(r.parsed).records;
}

const fixture = () => readFileSync(path.join(FIXTURES, 'calendar.ics'), 'utf8');
const byTitle = (records: LockerRecord[], title: string) => {
  const r = records.map(recordToJson).find((j) => j.title === title);
  if (!r) throw new Error(`no event ${title}`);
  return r;
};

describe('iCalendar importer', () => {
  it('reads every VEVENT of a real-looking export, with folded lines and non-ASCII text', () => {
    const records = parse(fixture());
    expect(records).toHaveLength(6);
    const dentist = byTitle(records, 'Dentist – check-up');
    expect(dentist.properties['description']).toBe('Kontrolle und Zahnreinigung. Bitte 10 Minuten früher da sein, Versichertenkarte mitbringen.');
    expect(dentist.properties['location']).toMatchObject({ name: 'Zahnarztpraxis Dr. Weiß, Bahnhofstraße 12, 8001 Zürich' });
    expect(dentist.properties['eventStatus']).toBe('schema:EventScheduled');
    // The CN parameter was folded across two lines.
    expect(dentist.properties['attendee']).toMatchObject({ name: 'Jörg Müller', email: 'joerg.mueller@example.de' });
    expect(dentist.properties['organizer']).toMatchObject({ name: 'Praxis Dr. Weiß', email: 'praxis@zahnarzt-weiss.example' });
  });

  it('resolves TZID through the VTIMEZONE (winter and summer offsets) and through IANA names without one', () => {
    const records = parse(fixture());
    expect(byTitle(records, 'Dentist – check-up').start).toBe('2026-03-03T09:15:00+01:00');
    expect(byTitle(records, 'Dentist – check-up').properties['timeZone']).toBe('Europe/Berlin');
    // New York has no VTIMEZONE in the file; 3 Nov 2026 is after the DST change (EST, -05:00).
    const ny = byTitle(records, 'Call with NY office');
    expect(ny.start).toBe('2026-11-03T14:00:00-05:00');
    expect(ny.properties['eventStatus']).toBe('schema:EventCancelled');
    const summer = parse(fixture().replace('20260303T091500', '20260703T091500'));
    expect(byTitle(summer, 'Dentist – check-up').start).toBe('2026-07-03T09:15:00+02:00');
  });

  it('keeps floating times floating and all-day events as dates with an inclusive end', () => {
    const records = parse(fixture());
    const brunch = byTitle(records, 'Brunch with Ann (floating time)');
    expect(brunch.start).toBe('2026-04-12T10:00:00');
    expect(brunch.properties['endDate']).toBe('2026-04-12T12:00:00');
    expect(brunch.properties['duration']).toBe('PT2H');
    const holiday = byTitle(records, 'Summer holiday – Lisboa 🏖️');
    expect(holiday.start).toBe('2026-07-10');
    expect(holiday.properties['endDate']).toBe('2026-07-23');
    expect(holiday.properties['keywords']).toEqual(['Travel', 'Family']);
  });

  it('keeps a recurrence as a rule with its exceptions, and a changed occurrence as its own record linked to the series', () => {
    const records = parse(fixture());
    const series = records.filter((r) => recordToJson(r).title.startsWith('Choir rehearsal'));
    expect(series).toHaveLength(2);
    const master = byTitle(records, 'Choir rehearsal');
    expect(master.properties['eventSchedule']).toMatchObject({
      repeatFrequency: 'P1W',
      byDay: 'schema:Monday',
      endDate: '2026-12-21T17:30:00Z',
      scheduleTimezone: 'Europe/Berlin',
      exceptDate: ['2026-04-06T18:30:00+02:00', '2026-05-25T18:30:00+02:00'],
      rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20261221T173000Z',
    });
    const changed = byTitle(records, 'Choir rehearsal (concert prep, longer)');
    expect(changed.properties['recurrenceId']).toBe('2026-03-02T18:30:00+01:00');
    expect(changed.properties['superEvent']).toBe(`https://locker.invalid/events/${master.id}.ttl#it`);
    expect(master.id).toBe(stableId('event', 'uid:choir-rehearsal@example.org'));
  });

  it('gives the same ids on every import: by UID, and by content when there is no UID', () => {
    const a = parse(fixture()).map((r) => r.id).sort();
    const b = parse(fixture()).map((r) => r.id).sort();
    expect(a).toEqual(b);
    const noUid = byTitle(parse(fixture()), 'Brunch with Ann (floating time)').id;
    const edited = parse(fixture().replace('Brunch with Ann (floating time)', 'Brunch with Ann and Bo'));
    expect(edited.map((r) => r.id)).not.toContain(noUid);
  });

  it('does not expand a daily rule over decades into thousands of records', () => {
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:daily', 'DTSTART:20000101T080000Z', 'RRULE:FREQ=DAILY', 'SUMMARY:Vitamins', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const records = parse(ics);
    expect(records).toHaveLength(1);
    expect(recordToJson(records[0] as LockerRecord).properties['eventSchedule']).toMatchObject({ repeatFrequency: 'P1D' });
  });

  it('refuses a truncated calendar whole, and skips an event without a start (with its line and text)', () => {
    const truncated = fixture().slice(0, fixture().indexOf('END:VEVENT'));
    const r = icalImporter.parse(truncated, ctx);
    expect(r.kind).toBe('failed');
    if (r.kind === 'failed') expect(r.failure.message).toMatch(/truncated/);
    const noStart = icalImporter.parse('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Nothing\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n', ctx);
    expect(noStart.kind).toBe('ok');
    if (noStart.kind === 'ok') {
      const items = [...(noStart.parsed.items as Iterable<ParsedItem>)];
      expect(items).toEqual([{ skipped: { line: 2, reason: 'event "Nothing": DTSTART is missing or not a date', raw: 'BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Nothing\r\nEND:VEVENT' } }]);
    }
  });

  it('keeps the time of a date-time mislabelled VALUE=DATE, and two such events at different times stay two', () => {
    const cal = (time: string) => `BEGIN:VEVENT\r\nSUMMARY:RC helicopters\r\nDTSTART;VALUE=DATE:20110805T${time}\r\nEND:VEVENT\r\n`;
    const records = parse(`BEGIN:VCALENDAR\r\n${cal('150000')}${cal('170000')}END:VCALENDAR\r\n`);
    expect(records).toHaveLength(2);
    expect(records.map((r) => recordToJson(r).properties['startDate'])).toEqual(['2011-08-05T15:00:00', '2011-08-05T17:00:00']);
  });

  it('a bad date in one event skips that event only', () => {
    const r = icalImporter.parse(`BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Good\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Bad\r\nDTSTART;VALUE=DATE:Next Year\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`, ctx);
    if (r.kind !== 'ok') throw new Error(r.failure.message);
    const items = [...(r.parsed.items as Iterable<ParsedItem>)];
    expect(items.map((i) => (i.skipped ? `skipped line ${i.skipped.line}` : 'record'))).toEqual(['record', 'skipped line 7']);
    expect(items[1]?.skipped?.reason).toMatch(/cannot be read/);
  });

  it('uses schema.org terms', () => {
    const r = parse(fixture())[0] as LockerRecord;
    expect(r.quads.some((q) => q.object.value === iri('schema', 'Event'))).toBe(true);
  });
});

/** A corpus file (test/corpus: files other software wrote), as its bytes are. */
const corpus = (name: string) => parse(new TextDecoder().decode(readFileSync(path.join(FIXTURES, '../corpus/ical', name))));
const json = (records: LockerRecord[]) => records.map(recordToJson);

describe('time zones and dates as exporters write them (issue 17 point 2)', () => {
  it('Outlook: a Windows zone name ("Pacific Standard Time", quoted) is kept as its IANA zone, at the offset its VTIMEZONE gives', () => {
    const [test4] = json(corpus('pyicalendar-timezone_same_start.ics'));
    expect(test4?.properties).toMatchObject({ startDate: '2017-02-24T12:00:00-08:00', timeZone: 'America/Los_Angeles' });
  });

  it('Evolution: a vendor-prefixed TZID (/freeassociation.sourceforge.net/Tzfile/America/Los_Angeles) is the IANA zone', () => {
    const [summ] = json(corpus('icalendar-evolution.ics'));
    expect(summ?.properties['timeZone']).toBe('America/Los_Angeles');
  });

  it('a Windows zone name with no VTIMEZONE in the file still gives the right offset, summer and winter', () => {
    const ev = (start: string) => `BEGIN:VEVENT\r\nUID:w-${start}\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:at ${start}\r\nDTSTART;TZID=W. Europe Standard Time:${start}\r\nEND:VEVENT\r\n`;
    const records = json(parse(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n${ev('20240115T090000')}${ev('20240715T090000')}END:VCALENDAR\r\n`));
    expect(records.map((r) => [r.properties['startDate'], r.properties['timeZone']])).toEqual([
      ['2024-01-15T09:00:00+01:00', 'Europe/Berlin'],
      ['2024-07-15T09:00:00+02:00', 'Europe/Berlin'],
    ]);
  });

  it('an Outlook display name as TZID, "(UTC+07:00) Bangkok, Hanoi, Jakarta", is read at its stated offset rather than floating', () => {
    const cal = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:d1\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:call\r\nDTSTART;TZID="(UTC+07:00) Bangkok, Hanoi, Jakarta":20240301T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    expect(json(parse(cal))[0]?.properties['startDate']).toBe('2024-03-01T10:00:00+07:00');
  });

  it('RDATE is kept: the extra dates of a recurring event (ical.js recur_instances), and of a date-only Google birthday', () => {
    const crazy = json(corpus('icaljs-recur_instances.ics')).find((r) => r.properties['startDate'] === '2012-10-02T10:00:00-07:00');
    expect(crazy?.properties['eventSchedule']).toMatchObject({ rdate: ['2012-11-05T10:00:00-08:00', '2012-11-10T10:00:00-08:00', '2012-11-30T10:00:00-08:00'] });
    const birthdays = json(corpus('icaljs-google_birthday.ics'));
    expect(birthdays.some((r) => JSON.stringify(r.properties['eventSchedule'] ?? '').includes('2013-12-10'))).toBe(true);
  });
});
