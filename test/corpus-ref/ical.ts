// .ics: the VEVENTs directly under each VCALENDAR of ICAL.parse(file). An event is unreadable when
// `new ICAL.Event(vevent)` or reading its startDate throws, or startDate is null. When ICAL.parse
// refuses the file as a whole, each BEGIN:VEVENT…END:VEVENT block is parsed alone inside an empty
// VCALENDAR instead (one that still fails is unreadable), and wholeFileRefused is true.
import ICAL from 'ical.js';
import { decodeUtf8, type Reference, type ReferenceCounter } from './types.js';

/** ICAL.parse gives one jCal component, or an array of them when the text has several at top level. */
function topLevel(parsed: unknown): unknown[][] {
  if (!Array.isArray(parsed)) return [];
  if (typeof parsed[0] === 'string') return [parsed];
  return parsed.filter((c): c is unknown[] => Array.isArray(c) && typeof c[0] === 'string');
}

export function parses(text: string): unknown[][] | null {
  try {
    return topLevel(ICAL.parse(text));
  } catch {
    return null;
  }
}

/**
 * The blocks from a BEGIN:<name> line to the next END:<name> line, names matched without case and
 * trailing blanks allowed (Netscape wrote `begin:vcard `); a line that starts with a blank is a folded
 * continuation, never a BEGIN or END.
 */
export function blocks(text: string, name: string): string[] {
  const pattern = new RegExp(`^BEGIN:${name}[ \\t]*\\r?$[\\s\\S]*?^END:${name}[ \\t]*\\r?$`, 'gim');
  return text.match(pattern) ?? [];
}

function eventReadable(vevent: InstanceType<typeof ICAL.Component>): boolean {
  try {
    const event = new ICAL.Event(vevent);
    const start: unknown = event.startDate;
    return start !== null && start !== undefined;
  } catch {
    return false;
  }
}

function countIcal(text: string): Reference {
  const roots = parses(text);
  if (roots !== null) {
    let items = 0;
    let unreadable = 0;
    for (const root of roots) {
      const calendar = new ICAL.Component(root);
      if (calendar.name !== 'vcalendar') continue;
      for (const vevent of calendar.getAllSubcomponents('vevent')) {
        items += 1;
        if (!eventReadable(vevent)) unreadable += 1;
      }
    }
    return { items, unreadable, wholeFileRefused: false };
  }
  const events = blocks(text, 'VEVENT');
  let unreadable = 0;
  for (const block of events) {
    const alone = parses(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Locker//corpus-counts//EN\r\n${block.trim()}\r\nEND:VCALENDAR\r\n`);
    const vevent = alone?.[0] === undefined ? undefined : new ICAL.Component(alone[0]).getFirstSubcomponent('vevent');
    if (vevent === undefined || vevent === null || !eventReadable(vevent)) unreadable += 1;
  }
  return { items: events.length, unreadable, wholeFileRefused: true };
}

export const counter: ReferenceCounter = {
  parser: 'ical.js@2.2.1',
  item: 'a VEVENT directly under a VCALENDAR',
  count: (bytes) => countIcal(decodeUtf8(bytes)),
};
