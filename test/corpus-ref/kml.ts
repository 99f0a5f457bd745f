// .kml: the <Placemark> elements (xmldom's reading) that hold a Point, a LineString or a gx:Track
// somewhere inside them (the kinds of shape Locker makes places and tracks of; a placemark with only a
// Polygon, or none at all, is no item). One is unreadable when the feature @tmcw/togeojson makes of it
// has no Point, LineString or MultiLineString (empty or broken coordinates). A .kmz (a zip) is opened
// with yauzl and every .kml entry in it counted so (doc.kml and the files its network links name: an
// importer reads each of them); its pictures and models are no items. A zip yauzl cannot open is refused
// as a whole, and so is a .kmz when one of its .kml entries is.
import { kml } from '@tmcw/togeojson';
import yauzl from 'yauzl';
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

/** The .kml entries of a zip, by name, inflated. */
async function kmlEntries(bytes: Buffer): Promise<Buffer[]> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true });
  const out: Buffer[] = [];
  for await (const entry of zip.eachEntry()) {
    if (!/\.kml$/i.test(entry.fileName)) continue;
    const parts: Buffer[] = [];
    for await (const c of await zip.openReadStreamPromise(entry)) parts.push(c as Buffer);
    out.push(Buffer.concat(parts));
  }
  return out;
}

async function countKmz(bytes: Buffer): Promise<Reference> {
  let kmls: Buffer[];
  try {
    kmls = await kmlEntries(bytes);
  } catch {
    return { items: 0, unreadable: 0, wholeFileRefused: true };
  }
  const counts = kmls.map(countKml);
  return {
    items: counts.reduce((n, c) => n + c.items, 0),
    unreadable: counts.reduce((n, c) => n + c.unreadable, 0),
    wholeFileRefused: counts.some((c) => c.wholeFileRefused),
  };
}

export const counter: ReferenceCounter = {
  parser: '@tmcw/togeojson@7.1.4 with @xmldom/xmldom@0.9.12 (and yauzl@3.4.0 for .kmz)',
  item: 'a <Placemark> holding a Point, LineString or gx:Track',
  count: (bytes, file) => (/\.kmz$/i.test(file) ? countKmz(bytes) : countKml(bytes)),
};
