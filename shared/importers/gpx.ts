import { parseTime, placeRecord, trackRecord, validPoint, type GeoPoint } from './geo.js';
import { children, nodeSource, parseXmlTree, textOf, type XmlNode } from './xml-tree.js';
import { failed, ImportAbort, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

/**
 * GPX 1.0/1.1: waypoints become places; each track (its segments) and each
 * route becomes one track record whose points are kept in its geometry.
 */
function point(n: XmlNode): GeoPoint {
  const ele = textOf(n, 'ele');
  return { lat: Number(n.attrs['lat']), lon: Number(n.attrs['lon']), ...(ele !== undefined && { ele: Number(ele) }), time: parseTime(textOf(n, 'time')) };
}

export const gpxImporter: Importer = {
  id: 'gpx',
  mediaType: 'application/gpx+xml',
  parse(text: string, ctx: ImportContext): ParseResult {
    try {
      const root = parseXmlTree(text, ctx, 'GPX');
      const gpx = root.children.find((c) => c.name === 'gpx');
      if (!gpx) return failed('invalid', 'no <gpx> element: not a GPX file');
      const items: ParsedItem[] = [];
      const file = ctx.fileName;
      children(gpx, 'wpt').forEach((w, i) => {
        const p = point(w);
        const name = textOf(w, 'name') ?? `Waypoint ${i + 1}`;
        const source = nodeSource(text, w);
        if (!validPoint(p)) {
          items.push({ skipped: { ...source, reason: `waypoint "${name.slice(0, 60)}" has no valid position (lat ${w.attrs['lat'] ?? 'missing'}, lon ${w.attrs['lon'] ?? 'missing'})` } });
          return;
        }
        items.push({ record: placeRecord({ name, lat: p.lat, lon: p.lon, ele: p.ele, description: textOf(w, 'desc') ?? textOf(w, 'cmt'), tag: textOf(w, 'sym') }, `gpx-wpt\u0000${p.lat}\u0000${p.lon}\u0000${name}`), source });
      });
      const tracks = [...children(gpx, 'trk').map((t) => ({ t, segs: children(t, 'trkseg').map((s) => children(s, 'trkpt').map(point)) })), ...children(gpx, 'rte').map((t) => ({ t, segs: [children(t, 'rtept').map(point)] }))];
      tracks.forEach(({ t, segs }, i) => {
        const name = textOf(t, 'name') ?? `${t.name === 'rte' ? 'Route' : 'Track'} ${i + 1} of ${file}`;
        const pts = segs.flat();
        const valid = pts.filter(validPoint);
        const source = nodeSource(text, t);
        // A track needs a path: one point (or none) is reported, not dropped unseen.
        if (valid.length < 2) {
          const what = t.name === 'rte' ? 'route' : 'track';
          items.push({ skipped: { ...source, reason: `${what} "${name.slice(0, 60)}" has ${valid.length === 0 ? 'no points' : 'one point'}${pts.length > valid.length ? ` with a valid position (of ${pts.length})` : ''}: a path needs two` } });
          return;
        }
        const firstPoint = valid[0] as GeoPoint;
        const key = `gpx-${t.name}\u0000${name}\u0000${firstPoint.lat}\u0000${firstPoint.lon}\u0000${firstPoint.time ?? ''}\u0000${pts.length}`;
        items.push({ record: trackRecord({ name, segments: segs, description: textOf(t, 'desc') ?? textOf(t, 'cmt'), tag: textOf(t, 'type') }, key), source });
      });
      if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} records in one file`);
      if (items.length === 0) return failed('invalid', 'this GPX file has no waypoints, tracks or routes');
      return { kind: 'ok', parsed: { count: items.length, items } };
    } catch (e) {
      if (e instanceof ImportAbort) return { kind: 'failed', failure: e.failure };
      throw e;
    }
  },
};
