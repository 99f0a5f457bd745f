// .kml: the <Placemark> elements (xmldom's reading) that hold a Point, a LineString or a gx:Track
// somewhere inside them (the kinds of shape Locker makes places and tracks of; a placemark with only a
// Polygon, or none at all, is no item). One is unreadable when the feature @tmcw/togeojson makes of it
// has no Point, LineString or MultiLineString (empty or broken coordinates). No .kmz is in the corpus
// yet (none found in a package with a point or a path in it), so a zip is not read here.
import { kml } from '@tmcw/togeojson';
import type { Geometry } from 'geojson';
import { parseXml } from './gpx.js';
import type { Reference, ReferenceCounter } from './types.js';

const SHAPES = new Set(['Point', 'LineString', 'Track']);
const READABLE = new Set(['Point', 'LineString', 'MultiLineString']);

function hasShape(g: Geometry | null | undefined): boolean {
  if (!g) return false;
  if (g.type === 'GeometryCollection') return g.geometries.some(hasShape);
  return READABLE.has(g.type);
}

function isItem(placemark: Element): boolean {
  const all = placemark.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) if (SHAPES.has(all[i]?.localName ?? '')) return true;
  return false;
}

function countKml(bytes: Buffer): Reference {
  const doc = parseXml(bytes);
  if (doc === null) return { items: 0, unreadable: 0, wholeFileRefused: true };
  const placemarks = Array.from(doc.getElementsByTagName('Placemark'));
  // kml() makes one feature per Placemark, in document order, before any overlay or network link.
  const features = kml(doc).features;
  let items = 0;
  let unreadable = 0;
  placemarks.forEach((p, i) => {
    if (!isItem(p)) return;
    items += 1;
    if (!hasShape(features[i]?.geometry)) unreadable += 1;
  });
  return { items, unreadable, wholeFileRefused: false };
}

export const counter: ReferenceCounter = {
  parser: '@tmcw/togeojson@7.1.4 with @xmldom/xmldom@0.9.12',
  item: 'a <Placemark> holding a Point, LineString or gx:Track',
  count: (bytes) => countKml(bytes),
};
