import { parseTime, placeRecord, trackRecord, validPoint, type GeoPoint } from './geo.js';
import { checkDeadline, failed, ImportAbort, rawText, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

/**
 * GeoJSON (RFC 7946): Point features become places, LineString and
 * MultiLineString features tracks (with per-point times from the common
 * `coordTimes`/`times` property when present). Polygons are passed over.
 */
type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function pos(c: unknown, time?: unknown): GeoPoint | undefined {
  if (!Array.isArray(c) || c.length < 2) return undefined;
  const [lon, lat, ele] = c as unknown[];
  if (typeof lon !== 'number' || typeof lat !== 'number') return undefined;
  return { lat, lon, ...(typeof ele === 'number' && { ele }), time: typeof time === 'string' ? parseTime(time) : typeof time === 'number' ? time : undefined };
}

function line(coords: unknown, times: unknown): GeoPoint[] {
  if (!Array.isArray(coords)) return [];
  const ts = Array.isArray(times) ? times : [];
  return coords.map((c, i) => pos(c, ts[i])).filter((p): p is GeoPoint => !!p);
}

export const geojsonImporter: Importer = {
  id: 'geojson',
  mediaType: 'application/geo+json',
  parse(text: string, ctx: ImportContext): ParseResult {
    let doc: Json | undefined;
    try {
      doc = obj(JSON.parse(text));
    } catch (e) {
      return failed('malformed', `not valid JSON: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`);
    }
    const features = doc?.['type'] === 'FeatureCollection' && Array.isArray(doc['features']) ? (doc['features'] as unknown[]) : doc?.['type'] === 'Feature' ? [doc] : undefined;
    if (!features) return failed('invalid', 'not a GeoJSON FeatureCollection or Feature');
    const items: ParsedItem[] = [];
    let skipped = 0;
    try {
      features.forEach((f, i) => {
        if (i % 5000 === 0) checkDeadline(ctx);
        const feat = obj(f);
        const geom = obj(feat?.['geometry']);
        const props = obj(feat?.['properties']) ?? {};
        const name = str(props['name']) ?? str(props['title']) ?? str(props['Name']);
        const description = str(props['description']) ?? str(props['desc']);
        const times = props['coordTimes'] ?? props['times'];
        const type = geom?.['type'];
        const at = { position: doc?.['type'] === 'Feature' ? 'the feature' : `features[${i}]`, raw: rawText(JSON.stringify(f) ?? '') };
        if (type === 'Point') {
          const p = pos(geom?.['coordinates']);
          const label = name ?? `Point ${i + 1}`;
          if (!p || !validPoint(p)) {
            items.push({ skipped: { ...at, reason: `point "${label.slice(0, 60)}" has no valid position` } });
            return;
          }
          items.push({ record: placeRecord({ name: label, lat: p.lat, lon: p.lon, ele: p.ele, description, address: str(props['address']) }, `geojson-place\u0000${p.lat}\u0000${p.lon}\u0000${label}`), source: at });
        } else if (type === 'LineString' || type === 'MultiLineString') {
          const segs = type === 'LineString' ? [line(geom?.['coordinates'], times)] : ((geom?.['coordinates'] as unknown[]) ?? []).map((c, k) => line(c, Array.isArray(times) ? times[k] : undefined));
          const label = name ?? `Track ${i + 1} of ${ctx.fileName}`;
          const usable = segs.map((sg) => sg.filter(validPoint)).filter((sg) => sg.length >= 2);
          const first = usable[0]?.[0];
          if (!first) {
            items.push({ skipped: { ...at, reason: `line "${label.slice(0, 60)}" has no two points with a valid position` } });
            return;
          }
          items.push({ record: trackRecord({ name: label, segments: segs, description, start: parseTime(str(props['time']) ?? str(props['start'])), end: parseTime(str(props['end'])) }, `geojson-track\u0000${label}\u0000${first.lat}\u0000${first.lon}\u0000${first.time ?? ''}\u0000${segs.flat().length}`), source: at });
        } else skipped++;
      });
    } catch (e) {
      if (e instanceof ImportAbort) return { kind: 'failed', failure: e.failure };
      throw e;
    }
    if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} records in one file`);
    if (items.length === 0) return failed('invalid', `this GeoJSON has no points or lines${skipped ? ` (${skipped} other shapes)` : ''}`);
    return { kind: 'ok', parsed: { count: items.length, items, ...(skipped > 0 && { warnings: [`${skipped} feature${skipped === 1 ? '' : 's'} of other shapes (polygons, or no geometry) ${skipped === 1 ? 'was' : 'were'} not read`] }) } };
  },
};
