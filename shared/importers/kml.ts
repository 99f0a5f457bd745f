import { parseTime, placeRecord, trackRecord, validPoint, type GeoPoint } from './geo.js';
import { child, descendants, nodeSource, parseXmlTree, textOf, type XmlNode } from './xml-tree.js';
import { failed, ImportAbort, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

/**
 * KML (and KMZ, which is a zip with a doc.kml: the archive path opens it):
 * placemarks with a Point become places, with a LineString (or several,
 * a MultiGeometry) or a gx:Track become tracks; TimeStamp/TimeSpan give times.
 */
function coordinates(text: string | undefined): GeoPoint[] {
  if (!text) return [];
  return text
    .trim()
    .split(/\s+/)
    .map((t) => t.split(',').map(Number))
    .filter((c) => c.length >= 2)
    .map(([lon = NaN, lat = NaN, ele]) => ({ lat, lon, ...(ele !== undefined && Number.isFinite(ele) && { ele }) }));
}

function gxTrack(t: XmlNode): GeoPoint[] {
  const whens = t.children.filter((c) => c.name === 'when').map((c) => parseTime(c.text.trim()));
  const coords = t.children.filter((c) => c.name === 'coord').map((c) => c.text.trim().split(/\s+/).map(Number));
  return coords.map(([lon = NaN, lat = NaN, ele], i) => ({ lat, lon, ...(ele !== undefined && Number.isFinite(ele) && { ele }), time: whens[i] }));
}

export const kmlImporter: Importer = {
  id: 'kml',
  mediaType: 'application/vnd.google-earth.kml+xml',
  parse(text: string, ctx: ImportContext): ParseResult {
    try {
      const root = parseXmlTree(text, ctx, 'KML');
      const kml = root.children.find((c) => c.name === 'kml');
      if (!kml) return failed('invalid', 'no <kml> element: not a KML file');
      const items: ParsedItem[] = [];
      let ignored = 0;
      descendants(kml, 'Placemark').forEach((pm, i) => {
        const name = textOf(pm, 'name') ?? `Placemark ${i + 1}`;
        const description = textOf(pm, 'description')?.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
        const stamp = parseTime(textOf(child(pm, 'TimeStamp'), 'when'));
        const span = child(pm, 'TimeSpan');
        const begin = parseTime(textOf(span, 'begin')) ?? stamp;
        const end = parseTime(textOf(span, 'end'));
        const point = descendants(pm, 'Point')[0];
        const lines = descendants(pm, 'LineString').map((l) => coordinates(textOf(l, 'coordinates')));
        const tracks = descendants(pm, 'Track').map(gxTrack);
        const segments = [...lines, ...tracks].map((s) => s.filter(validPoint)).filter((s) => s.length >= 2);
        const source = nodeSource(text, pm);
        if (segments.length) {
          const first = segments[0]?.[0];
          items.push({ record: trackRecord({ name, segments, description, start: begin, end }, `kml-track\u0000${name}\u0000${first?.lat}\u0000${first?.lon}\u0000${begin ?? ''}\u0000${segments.flat().length}`), source });
          return;
        }
        const [p] = point ? coordinates(textOf(point, 'coordinates')) : [];
        if (p && validPoint(p)) {
          items.push({ record: placeRecord({ name, lat: p.lat, lon: p.lon, ele: p.ele, description, address: textOf(pm, 'address') }, `kml-place\u0000${p.lat}\u0000${p.lon}\u0000${name}`), source });
          return;
        }
        // A placemark of a shape Locker keeps (a point, a path) that has no usable position is reported; polygons and
        // placemarks without any geometry are not items Locker reads.
        if (point || lines.length || tracks.length) items.push({ skipped: { ...source, reason: `placemark "${name.slice(0, 60)}" has no valid ${point ? 'position' : 'path (two points or more)'}` } });
        else ignored++;
      });
      if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} records in one file`);
      // A KML that only links to others (NetworkLink, as a KMZ's doc.kml often does) has nothing to import, and is no error.
      const links = descendants(kml, 'NetworkLink').length;
      if (items.length === 0 && links > 0 && ignored === 0) return { kind: 'ok', parsed: { count: 0, items: [], warnings: [`it only links to ${links} other file${links === 1 ? '' : 's'} (NetworkLink), which Locker never fetches`] } };
      if (items.length === 0) return failed('invalid', `this KML file has no placemarks with a point or a path${ignored ? ` (${ignored} with other shapes or none)` : ''}`);
      return { kind: 'ok', parsed: { count: items.length, items, ...(ignored > 0 && { warnings: [`${ignored} placemark${ignored === 1 ? '' : 's'} with no point or path (a polygon, or no geometry) ${ignored === 1 ? 'was' : 'were'} not read`] }) } };
    } catch (e) {
      if (e instanceof ImportAbort) return { kind: 'failed', failure: e.failure };
      throw e;
    }
  },
};
