import { iri, lit, RecordBuilder, stableId, type LockerRecord } from '../model/index.js';
import { ImportAbort } from './types.js';

const S = (l: string) => iri('schema', l);
const GSP = (l: string) => iri('gsp', l);

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
  readonly ele?: number | undefined;
  /** ms since 1970 */
  readonly time?: number | undefined;
}

/** At most this many points per track (a day of 1-second GPS is 86,400). */
export const MAX_TRACK_POINTS = 200_000;

export function validPoint(p: GeoPoint): boolean {
  return Number.isFinite(p.lat) && Number.isFinite(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180;
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function distanceMeters(a: GeoPoint, b: GeoPoint): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function trackLength(segments: readonly (readonly GeoPoint[])[]): number {
  let total = 0;
  for (const seg of segments) for (let i = 1; i < seg.length; i++) total += distanceMeters(seg[i - 1] as GeoPoint, seg[i] as GeoPoint);
  return total;
}

const n6 = (x: number) => String(Math.round(x * 1e6) / 1e6);

/**
 * The points as WKT: `LINESTRING` (one segment) or `MULTILINESTRING`, with
 * Z (elevation) when every point has one and M (seconds since 1970) when
 * every point has a time.
 */
export function toWkt(segments: readonly (readonly GeoPoint[])[]): string {
  const all = segments.flat();
  const z = all.length > 0 && all.every((p) => p.ele !== undefined && Number.isFinite(p.ele));
  const m = all.length > 0 && all.every((p) => p.time !== undefined && Number.isFinite(p.time));
  const dims = z && m ? ' ZM' : z ? ' Z' : m ? ' M' : '';
  const coord = (p: GeoPoint) => [n6(p.lon), n6(p.lat), ...(z ? [String(Math.round((p.ele ?? 0) * 10) / 10)] : []), ...(m ? [String(Math.round((p.time ?? 0) / 1000))] : [])].join(' ');
  const line = (seg: readonly GeoPoint[]) => `(${seg.map(coord).join(', ')})`;
  const segs = segments.filter((s) => s.length >= 2);
  if (segs.length === 1) return `LINESTRING${dims} ${line(segs[0] as GeoPoint[])}`;
  return `MULTILINESTRING${dims} (${segs.map(line).join(', ')})`;
}

export function formatDistance(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(2)} km` : `${Math.round(m)} m`;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export interface TrackInput {
  readonly name: string;
  readonly segments: readonly (readonly GeoPoint[])[];
  readonly description?: string | undefined;
  /** Start and end when the points carry no times (a planned route, a Takeout segment). */
  readonly start?: number | undefined;
  readonly end?: number | undefined;
  readonly distanceMeters?: number | undefined;
  readonly tag?: string | undefined;
}

/** One track as one record: its points a WKT geometry; distance computed from them unless given. */
export function trackRecord(t: TrackInput, key: string): LockerRecord {
  const segments = t.segments.map((s) => s.filter(validPoint)).filter((s) => s.length >= 2);
  const count = segments.reduce((n, s) => n + s.length, 0);
  if (count > MAX_TRACK_POINTS) throw new ImportAbort({ kind: 'too-large', message: `track "${t.name.slice(0, 60)}" has ${count} points, more than ${MAX_TRACK_POINTS}` });
  const b = new RecordBuilder('track', stableId('track', key));
  b.set(S('name'), lit.string(t.name.slice(0, 300) || 'Track'));
  let first: number | undefined;
  let last: number | undefined;
  for (const seg of segments) {
    for (const p of seg) {
      if (p.time === undefined || !Number.isFinite(p.time)) continue;
      if (first === undefined || p.time < first) first = p.time;
      if (last === undefined || p.time > last) last = p.time;
    }
  }
  const start = first ?? t.start;
  const end = last ?? t.end;
  if (start !== undefined && Number.isFinite(start)) b.set(S('departureTime'), lit.dateTime(iso(start)));
  if (end !== undefined && Number.isFinite(end)) b.set(S('arrivalTime'), lit.dateTime(iso(end)));
  if (t.description) b.set(S('description'), lit.string(t.description.slice(0, 2000)));
  const meters = t.distanceMeters ?? (segments.length ? trackLength(segments) : undefined);
  if (meters !== undefined && meters > 0) b.set(S('distance'), lit.string(formatDistance(meters)));
  if (segments.length) {
    const g = b.node('path');
    b.set(GSP('hasGeometry'), g);
    b.typeOf(g, GSP('Geometry'));
    b.add(g, GSP('asWKT'), lit.typed(toWkt(segments), GSP('wktLiteral')));
  }
  if (t.tag) b.set(iri('lk', 'tag'), lit.string(t.tag.slice(0, 100)));
  return b.build();
}

export interface PlaceInput {
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly ele?: number | undefined;
  readonly address?: string | undefined;
  readonly description?: string | undefined;
  readonly tag?: string | undefined;
}

/** A place with its WGS84 position (schema:GeoCoordinates). */
export function placeRecord(p: PlaceInput, key: string): LockerRecord {
  if (!validPoint(p)) throw new ImportAbort({ kind: 'invalid', message: `place "${p.name.slice(0, 60)}" has no valid position (${p.lat}, ${p.lon})` });
  const b = new RecordBuilder('place', stableId('place', key));
  b.set(S('name'), lit.string(p.name.slice(0, 300) || `${n6(p.lat)}, ${n6(p.lon)}`));
  if (p.address) b.set(S('address'), lit.string(p.address.slice(0, 500)));
  if (p.description) b.set(S('description'), lit.string(p.description.slice(0, 2000)));
  const g = b.node('geo');
  b.set(S('geo'), g);
  b.typeOf(g, S('GeoCoordinates'));
  b.add(g, S('latitude'), lit.decimal(n6(p.lat)));
  b.add(g, S('longitude'), lit.decimal(n6(p.lon)));
  if (p.ele !== undefined && Number.isFinite(p.ele)) b.add(g, S('elevation'), lit.decimal(String(Math.round(p.ele * 10) / 10)));
  if (p.tag) b.set(iri('lk', 'tag'), lit.string(p.tag.slice(0, 100)));
  return b.build();
}

/** A visit (Takeout place visit): an event at the place, from arrival to departure. */
export function visitRecord(v: { name: string; lat: number; lon: number; address?: string | undefined; start: number; end?: number | undefined }, key: string): LockerRecord {
  const b = new RecordBuilder('event', stableId('event', key));
  b.set(S('name'), lit.string(`Visit: ${v.name}`.slice(0, 300)));
  b.set(S('startDate'), lit.dateTime(iso(v.start)));
  if (v.end !== undefined && Number.isFinite(v.end)) b.set(S('endDate'), lit.dateTime(iso(v.end)));
  const place = b.node('location');
  b.set(S('location'), place);
  b.typeOf(place, S('Place'));
  b.add(place, S('name'), lit.string(v.name.slice(0, 300)));
  if (validPoint(v)) {
    const g = b.node('geo');
    b.add(place, S('geo'), g);
    b.typeOf(g, S('GeoCoordinates'));
    b.add(g, S('latitude'), lit.decimal(n6(v.lat)));
    b.add(g, S('longitude'), lit.decimal(n6(v.lon)));
  }
  if (v.address) b.set(S('description'), lit.string(v.address.slice(0, 500)));
  return b.build();
}

/** An ISO 8601 time (with or without zone: without one it is taken as UTC) as ms, or undefined. */
export function parseTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = s.trim();
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(t)) return undefined;
  const withZone = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(t) || !t.includes('T') ? t : `${t}Z`;
  const ms = Date.parse(withZone);
  return Number.isFinite(ms) ? ms : undefined;
}
