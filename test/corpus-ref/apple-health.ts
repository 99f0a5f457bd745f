// Apple Health export.xml, read with sax (isaacs; Locker reads it with saxes, a different parser). Items
// are what Locker makes one health entry of: each <Record> that is not inside a <Workout> (those inside a
// <Correlation>, a blood pressure's two readings, count: Apple repeats them at the top level too), and each
// <Workout>. A record is unreadable without a type, without a startDate that is a date-time with its UTC
// offset (Apple's "2019-07-19 10:36:11 -0700", or the compact "20150603050200+0100" of the iOS 8 exports),
// or without a value (a quantity type's value must be a number); a workout without its
// workoutActivityType or such a startDate. When sax in strict mode finds the XML not well-formed, the file
// is refused as a whole and read again in sax's loose mode (as a browser would), counted the same way.
import sax from 'sax';
import { decodeXml } from './gpx.js';
import type { Reference, ReferenceCounter } from './types.js';

/** A date-time with its offset, in either of the two ways Apple's exports have written it. */
export function appleDateTime(s: string | undefined): boolean {
  const v = (s ?? '').trim();
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2}) ?([+-])(\d{2}):?(\d{2})$/.exec(v) ??
    /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([+-])(\d{2})(\d{2})$/.exec(v);
  if (!m) return false;
  const [, y, mo, d, h, mi, sec, sign, oh, om] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${sec}${sign}${oh}:${om}`;
  const t = new Date(iso);
  // Date accepts 2015-02-30 (it rolls over): the day must be the one written.
  return !Number.isNaN(t.getTime()) && Number(d) >= 1 && Number(d) <= new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate() && Number(h) < 24;
}

const lower = (a: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(a).map(([k, v]) => [k.toLowerCase(), v]));

function recordReadable(a: Record<string, string>): boolean {
  const type = (a['type'] ?? '').trim();
  const value = (a['value'] ?? '').trim();
  if (!type || !appleDateTime(a['startdate']) || value === '') return false;
  return !type.startsWith('HKQuantityTypeIdentifier') || Number.isFinite(Number(value));
}

function read(text: string, strict: boolean): Reference & { failed: boolean } {
  const parser = sax.parser(strict, { lowercase: true });
  let items = 0;
  let unreadable = 0;
  let failed = false;
  let inWorkout = 0;
  parser.onopentag = (tag) => {
    const name = tag.name.toLowerCase();
    const a = lower(tag.attributes);
    if (name === 'workout') {
      inWorkout += 1;
      items += 1;
      if (!(a['workoutactivitytype'] ?? '').trim() || !appleDateTime(a['startdate'])) unreadable += 1;
    } else if (name === 'record' && inWorkout === 0) {
      items += 1;
      if (!recordReadable(a)) unreadable += 1;
    }
  };
  parser.onclosetag = (name) => {
    if (name.toLowerCase() === 'workout' && inWorkout > 0) inWorkout -= 1;
  };
  parser.onerror = () => {
    failed = true;
    // Loose mode reads on past what it cannot make sense of; strict mode stops here.
    parser.error = null;
    if (!strict) parser.resume();
  };
  try {
    parser.write(text).close();
  } catch {
    failed = true;
  }
  return { items, unreadable, wholeFileRefused: false, failed };
}

export const counter: ReferenceCounter = {
  parser: 'sax@1.6.1',
  item: 'a <Record> outside a <Workout>, or a <Workout>',
  count(bytes) {
    const text = decodeXml(bytes);
    const strict = read(text, true);
    if (!strict.failed) return { items: strict.items, unreadable: strict.unreadable, wholeFileRefused: false };
    const loose = read(text, false);
    return { items: loose.items, unreadable: loose.unreadable, wholeFileRefused: true };
  },
};
