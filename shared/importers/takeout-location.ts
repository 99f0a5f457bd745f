import { parseTime, placeRecord, trackRecord, visitRecord, type GeoPoint } from './geo.js';
import { checkDeadline, failed, ImportAbort, rawText, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

/**
 * Google location history, in its three shapes:
 * - Takeout `Records.json` (raw fixes, E7 coordinates): one track per day (UTC);
 * - Takeout Semantic Location History (`2023_MARCH.json`, `timelineObjects`):
 *   place visits become visit events (and the place a place record), activity
 *   segments tracks with their mode, distance and path;
 * - the on-device Timeline export (`semanticSegments`): the same from visits,
 *   activities and timeline paths.
 */
type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

function e7(o: Json | undefined, lat = 'latitudeE7', lon = 'longitudeE7'): GeoPoint | undefined {
  const a = num(o?.[lat]);
  const b = num(o?.[lon]);
  return a === undefined || b === undefined ? undefined : { lat: a / 1e7, lon: b / 1e7 };
}

function when(o: Json | undefined, key: string): number | undefined {
  return parseTime(str(o?.[key])) ?? num(o?.[`${key}Ms`]);
}

/** `"48.1374°, 11.5755°"` (Android's Timeline export) or `"geo:27.720022,-97.347951"` (the iPhone's), in range. */
function latLng(s: unknown): GeoPoint | undefined {
  const m = /^\s*(?:geo:)?(-?\d+(?:\.\d+)?)°?\s*,\s*(-?\d+(?:\.\d+)?)°?\s*$/.exec(typeof s === 'string' ? s : '');
  const p = m ? { lat: Number(m[1]), lon: Number(m[2]) } : undefined;
  return p && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180 ? p : undefined;
}

/** A position given as `{ latLng: "…" }` (Android) or as the string itself (iPhone). */
const position = (v: unknown): GeoPoint | undefined => latLng(obj(v)?.['latLng'] ?? v);

const MODE: Readonly<Record<string, string>> = {
  WALKING: 'Walk',
  ON_FOOT: 'Walk',
  RUNNING: 'Run',
  CYCLING: 'Bike ride',
  IN_PASSENGER_VEHICLE: 'Drive',
  IN_VEHICLE: 'Drive',
  IN_BUS: 'Bus',
  IN_TRAIN: 'Train',
  IN_SUBWAY: 'Subway',
  IN_TRAM: 'Tram',
  FLYING: 'Flight',
  IN_FERRY: 'Ferry',
  MOTORCYCLING: 'Motorcycle ride',
};
const mode = (t: string | undefined) => (t ? (MODE[t] ?? t.replace(/^IN_/, '').replace(/_/g, ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase())) : 'Journey');

export const takeoutLocationImporter: Importer = {
  id: 'takeout-location',
  mediaType: 'application/json',
  parse(text: string, ctx: ImportContext): ParseResult {
    let doc: Json | undefined;
    let bare = false;
    try {
      const parsed: unknown = JSON.parse(text);
      // The iPhone writes its Timeline export (location-history.json) as a bare array of segments.
      bare = Array.isArray(parsed);
      doc = bare ? { semanticSegments: parsed } : obj(parsed);
    } catch (e) {
      return failed('malformed', `not valid JSON: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`);
    }
    if (!doc) return failed('invalid', 'not a location history file');
    const items: ParsedItem[] = [];
    const warnings: string[] = [];
    const skip = (position: string, value: unknown, reason: string) => push({ skipped: { position, raw: rawText(JSON.stringify(value) ?? ''), reason } });
    const places = new Set<string>();
    const push = (item: ParsedItem) => {
      items.push(item);
      if (items.length > ctx.caps.maxRecordsPerFile) throw new ImportAbort({ kind: 'too-large', message: `more than ${ctx.caps.maxRecordsPerFile} records in one file` });
    };
    const visit = (at: string, value: unknown, p: GeoPoint | undefined, name: string, address: string | undefined, placeId: string | undefined, start: number | undefined, end: number | undefined) => {
      if (!p || start === undefined) return skip(at, value, `a visit without ${p ? 'a start time' : 'a position'}`);
      push({ record: visitRecord({ name, lat: p.lat, lon: p.lon, address, start, end }, `takeout-visit\u0000${placeId ?? `${p.lat},${p.lon}`}\u0000${start}`) });
      const key = placeId ?? `${p.lat.toFixed(4)},${p.lon.toFixed(4)}`;
      if (!places.has(key)) {
        places.add(key);
        push({ record: placeRecord({ name, lat: p.lat, lon: p.lon, address }, `takeout-place\u0000${key}`) });
      }
    };
    try {
      if (Array.isArray(doc['locations'])) {
        // Raw fixes, grouped by UTC day into one track each.
        const days = new Map<string, GeoPoint[]>();
        let unplaced = 0;
        let coarse = 0;
        arr(doc['locations']).forEach((l, i) => {
          if (i % 20000 === 0) checkDeadline(ctx);
          const o = obj(l);
          const p = e7(o);
          const t = when(o, 'timestamp');
          if (!p || t === undefined || Math.abs(p.lat) > 90 || Math.abs(p.lon) > 180) {
            unplaced++;
            return;
          }
          const acc = num(o?.['accuracy']);
          if (acc !== undefined && acc > 1000) {
            coarse++; // a cell-tower guess, not a place the person was
            return;
          }
          const day = new Date(t).toISOString().slice(0, 10);
          const list = days.get(day) ?? [];
          list.push({ ...p, time: t });
          days.set(day, list);
        });
        for (const [day, pts] of [...days].sort(([a], [b]) => a.localeCompare(b))) {
          pts.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
          if (pts.length < 2) {
            skip(`locations (${day})`, pts[0], `${day} has one fix: a day's track needs two`);
            continue;
          }
          push({ record: trackRecord({ name: `Location history, ${day}`, segments: [pts], tag: 'location history' }, `takeout-records\u0000${day}`) });
        }
        if (coarse > 0) warnings.push(`${coarse} fix${coarse === 1 ? '' : 'es'} less accurate than 1 km (cell-tower guesses) ${coarse === 1 ? 'was' : 'were'} left out`);
        if (unplaced > 0) warnings.push(`${unplaced} fix${unplaced === 1 ? '' : 'es'} without a valid position or time ${unplaced === 1 ? 'was' : 'were'} left out`);
      } else if (Array.isArray(doc['timelineObjects'])) {
        arr(doc['timelineObjects']).forEach((t, i) => {
          if (i % 5000 === 0) checkDeadline(ctx);
          const o = obj(t);
          const pv = obj(o?.['placeVisit']);
          const as = obj(o?.['activitySegment']);
          if (pv) {
            const loc = obj(pv['location']);
            const dur = obj(pv['duration']);
            visit(`timelineObjects[${i}]`, t, e7(loc), str(loc?.['name']) ?? str(loc?.['address'])?.split('\n')[0] ?? 'Somewhere', str(loc?.['address'])?.replace(/\n/g, ', '), str(loc?.['placeId']), when(dur, 'startTimestamp'), when(dur, 'endTimestamp'));
          } else if (as) {
            const dur = obj(as['duration']);
            const start = when(dur, 'startTimestamp');
            const end = when(dur, 'endTimestamp');
            const raw = arr(obj(as['simplifiedRawPath'])?.['points']).map((p): GeoPoint | undefined => {
              const o2 = obj(p);
              const g = e7(o2, 'latE7', 'lngE7');
              return g && { ...g, time: when(o2, 'timestamp') };
            });
            const way = arr(obj(as['waypointPath'])?.['waypoints']).map((p) => e7(obj(p), 'latE7', 'lngE7'));
            const ends = [e7(obj(as['startLocation'])), e7(obj(as['endLocation']))];
            const path = [raw, way, ends].map((l) => l.filter((p): p is GeoPoint => !!p)).find((l) => l.length >= 2) ?? [];
            const timed = path.every((p) => p.time !== undefined) ? path : path.map((p) => ({ lat: p.lat, lon: p.lon }));
            const type = str(as['activityType']);
            if (start === undefined) return skip(`timelineObjects[${i}]`, t, 'an activity segment without a start time');
            push({ record: trackRecord({ name: mode(type), segments: [timed], start, end, distanceMeters: num(as['distance']), tag: type?.toLowerCase() }, `takeout-segment\u0000${start}\u0000${end ?? ''}\u0000${type ?? ''}`) });
          }
        });
      } else if (Array.isArray(doc['semanticSegments'])) {
        arr(doc['semanticSegments']).forEach((s, i) => {
          if (i % 5000 === 0) checkDeadline(ctx);
          const o = obj(s);
          const start = parseTime(str(o?.['startTime']));
          const end = parseTime(str(o?.['endTime']));
          const v = obj(obj(o?.['visit'])?.['topCandidate']);
          const a = obj(o?.['activity']);
          const at = bare ? `[${i}]` : `semanticSegments[${i}]`;
          const path = arr(o?.['timelinePath'])
            .map((p): GeoPoint | undefined => {
              const g = latLng(obj(p)?.['point']);
              // Android gives each point its time; the iPhone minutes from the segment's start.
              const offset = num(obj(p)?.['durationMinutesOffsetFromStartTime']);
              return g && { ...g, time: parseTime(str(obj(p)?.['time'])) ?? (start !== undefined && offset !== undefined ? start + offset * 60_000 : undefined) };
            })
            .filter((p): p is GeoPoint => !!p);
          if (v) {
            const p = position(v['placeLocation']);
            const label = str(v['semanticType'])?.replace(/_/g, ' ').toLowerCase();
            visit(at, s, p, label ? label.replace(/^./, (c) => c.toUpperCase()) : 'Somewhere', undefined, str(v['placeId']) ?? str(v['placeID']), start, end);
          } else if (a) {
            const type = str(obj(a['topCandidate'])?.['type']);
            const ends = [position(a['start']), position(a['end'])].filter((p): p is GeoPoint => !!p);
            if (start === undefined) return skip(at, s, 'an activity without a start time');
            push({ record: trackRecord({ name: mode(type?.toUpperCase()), segments: [ends], start, end, distanceMeters: num(a['distanceMeters']), tag: type?.toLowerCase() }, `timeline-activity\u0000${start}\u0000${end ?? ''}\u0000${type ?? ''}`) });
          } else if (Array.isArray(o?.['timelinePath'])) {
            if (path.length < 2 || start === undefined) return skip(at, s, start === undefined ? 'a path without a start time' : `a path of ${path.length === 0 ? 'no points' : 'one point'}: it needs two`);
            push({ record: trackRecord({ name: `Path, ${new Date(start).toISOString().slice(0, 10)}`, segments: [path], start, end, tag: 'location history' }, `timeline-path\u0000${start}`) });
          }
        });
      } else return failed('invalid', 'not a Google location history file (no locations, timelineObjects or semanticSegments)');
    } catch (e) {
      if (e instanceof ImportAbort) return { kind: 'failed', failure: e.failure };
      throw e;
    }
    if (items.length === 0) return failed('invalid', `this location history holds no places or journeys Locker can read${warnings.length ? ` (${warnings.join('; ')})` : ''}`);
    return { kind: 'ok', parsed: { count: items.length, items, ...(warnings.length > 0 && { warnings }) } };
  },
};
