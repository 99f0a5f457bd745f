// Google location history, read as plain JSON (no published parser reads all its shapes; this reading
// shares no code with Locker's importer). Items are what Locker makes one record of:
// - Records.json (`locations[]`): a UTC day of fixes (one track a day). A fix counts when it has numeric
//   latitudeE7/longitudeE7 in range, a `timestamp` (ISO 8601) or `timestampMs`, and an accuracy of 1000 m
//   or better (a worse one is a cell-tower guess, not where the person was); fixes without that are in no
//   day. A day is unreadable when it has fewer than two such fixes (a track needs two points).
// - Semantic Location History (`timelineObjects[]`): a placeVisit is one item (the visit), and the first
//   visit of each place (its placeId, else its coordinates to four decimals) one more (the place); an
//   activitySegment is one item. A visit is unreadable without E7 coordinates or a start time, a segment
//   without a start time or two positions (simplifiedRawPath, waypointPath, or start and end location).
//   childVisits are part of their visit, no item of their own.
// - The on-device Timeline (`semanticSegments[]` from Android, or the bare array an iPhone writes as
//   location-history.json, with "geo:lat,lon" strings): a segment with a visit is a visit item (and its
//   place, as above), else one with an activity an activity item, else one with a timelinePath a path
//   item; a segment with only timelineMemory is no item. A visit is unreadable without a position or a
//   start time, an activity without a start time or both ends, a path with fewer than two points.
//   rawSignals and userLocationProfile are not items.
// JSON that does not parse is refused as a whole.
import { decodeUtf8, type Reference, type ReferenceCounter } from './types.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v);

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

interface Pos {
  lat: number;
  lon: number;
}
const inRange = (p: Pos): Pos | undefined => (Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180 ? p : undefined);

function e7(o: unknown, lat: string, lon: string): Pos | undefined {
  const a = numeric(field(o, lat));
  const b = numeric(field(o, lon));
  return a === undefined || b === undefined ? undefined : inRange({ lat: a / 1e7, lon: b / 1e7 });
}

/** "48.1374°, 11.5755°" (Android) or "geo:27.720022,-97.347951" (iPhone). */
function textPos(v: unknown): Pos | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(?:geo:)?(-?\d+(?:\.\d+)?)°?\s*,\s*(-?\d+(?:\.\d+)?)°?\s*$/.exec(v);
  return m ? inRange({ lat: Number(m[1]), lon: Number(m[2]) }) : undefined;
}

/** An ISO 8601 date-time with a zone, as Google writes them. */
function isoTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v.trim())) return undefined;
  const t = Date.parse(v.trim());
  return Number.isNaN(t) ? undefined : t;
}
const time = (o: unknown, key: string): number | undefined => isoTime(field(o, key)) ?? numeric(field(o, `${key}Ms`));

class Tally {
  items = 0;
  unreadable = 0;
  private readonly places = new Set<string>();
  item(readable: boolean): void {
    this.items += 1;
    if (!readable) this.unreadable += 1;
  }
  visit(p: Pos | undefined, start: number | undefined, placeId: unknown): void {
    const readable = p !== undefined && start !== undefined;
    this.item(readable);
    if (!readable) return;
    const key = typeof placeId === 'string' && placeId.trim() ? placeId.trim() : `${p.lat.toFixed(4)},${p.lon.toFixed(4)}`;
    if (!this.places.has(key)) {
      this.places.add(key);
      this.item(true);
    }
  }
}

function records(locations: unknown[], t: Tally): void {
  const days = new Map<string, number>();
  for (const l of locations) {
    const p = e7(l, 'latitudeE7', 'longitudeE7');
    const at = time(l, 'timestamp');
    const accuracy = numeric(field(l, 'accuracy'));
    if (!p || at === undefined || (accuracy !== undefined && accuracy > 1000)) continue;
    const day = new Date(at).toISOString().slice(0, 10);
    days.set(day, (days.get(day) ?? 0) + 1);
  }
  for (const n of days.values()) t.item(n >= 2);
}

function timelineObjects(list: unknown[], t: Tally): void {
  for (const o of list) {
    const pv = field(o, 'placeVisit');
    const as = field(o, 'activitySegment');
    if (isObj(pv)) {
      t.visit(e7(pv['location'], 'latitudeE7', 'longitudeE7'), time(pv['duration'], 'startTimestamp'), field(pv, 'location', 'placeId'));
    } else if (isObj(as)) {
      const points = (v: unknown): number => (Array.isArray(v) ? v.filter((p) => e7(p, 'latE7', 'lngE7')).length : 0);
      const ends = [as['startLocation'], as['endLocation']].filter((l) => e7(l, 'latitudeE7', 'longitudeE7')).length;
      const positions = Math.max(points(field(as, 'simplifiedRawPath', 'points')), points(field(as, 'waypointPath', 'waypoints')), ends);
      t.item(time(as['duration'], 'startTimestamp') !== undefined && positions >= 2);
    }
  }
}

function segments(list: unknown[], t: Tally): void {
  for (const s of list) {
    if (!isObj(s)) continue;
    const start = isoTime(s['startTime']);
    const candidate = field(s, 'visit', 'topCandidate');
    if (isObj(candidate)) {
      const loc = candidate['placeLocation'];
      t.visit(textPos(isObj(loc) ? loc['latLng'] : loc), start, candidate['placeId'] ?? candidate['placeID']);
    } else if (isObj(s['activity'])) {
      const a = s['activity'];
      const end = (v: unknown) => textPos(isObj(v) ? v['latLng'] : v);
      t.item(start !== undefined && end(a['start']) !== undefined && end(a['end']) !== undefined);
    } else if (Array.isArray(s['timelinePath'])) {
      t.item(start !== undefined && s['timelinePath'].filter((p) => textPos(field(p, 'point'))).length >= 2);
    }
  }
}

function countTakeout(text: string): Reference {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { items: 0, unreadable: 0, wholeFileRefused: true };
  }
  const t = new Tally();
  if (Array.isArray(doc)) segments(doc, t);
  else if (Array.isArray(field(doc, 'locations'))) records(field(doc, 'locations') as unknown[], t);
  else if (Array.isArray(field(doc, 'timelineObjects'))) timelineObjects(field(doc, 'timelineObjects') as unknown[], t);
  else if (Array.isArray(field(doc, 'semanticSegments'))) segments(field(doc, 'semanticSegments') as unknown[], t);
  return { items: t.items, unreadable: t.unreadable, wholeFileRefused: false };
}

export const counter: ReferenceCounter = {
  parser: 'JSON.parse (a structural reading)',
  item: 'a day of fixes, a visit, a visited place, an activity or a path',
  count: (bytes) => countTakeout(decodeUtf8(bytes)),
};
