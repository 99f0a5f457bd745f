// .geojson: the Features of a FeatureCollection (or the one Feature the file is) whose geometry is a
// Point, LineString or MultiLineString (the shapes Locker makes places and tracks of; polygons,
// GeometryCollections and null geometries are no item). One is unreadable when
// @placemarkio/check-geojson's scavenge() rejects it (bad positions, a wrong structure). When the
// checker cannot read the file at all, it is refused as a whole and nothing is counted.
import { getIssues, scavenge } from '@placemarkio/check-geojson';
import { decodeUtf8, type Reference, type ReferenceCounter } from './types.js';

const SHAPES = new Set(['Point', 'LineString', 'MultiLineString']);
type Json = Record<string, unknown>;
const isItem = (f: unknown): boolean => {
  const g = (f as Json | null)?.['geometry'] as Json | null | undefined;
  return typeof g?.['type'] === 'string' && SHAPES.has(g['type']);
};

function countGeojson(text: string): Reference {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    return { items: 0, unreadable: 0, wholeFileRefused: true };
  }
  if (doc['type'] === 'Feature') {
    if (!isItem(doc)) return { items: 0, unreadable: 0, wholeFileRefused: false };
    const errors = getIssues(text).filter((i) => i.severity === 'error');
    return { items: 1, unreadable: errors.length > 0 ? 1 : 0, wholeFileRefused: false };
  }
  const features = Array.isArray(doc['features']) ? (doc['features'] as unknown[]) : [];
  let rejected: unknown[];
  try {
    rejected = scavenge(text).rejected.map((r) => r.feature as unknown);
  } catch {
    return { items: 0, unreadable: 0, wholeFileRefused: true };
  }
  return { items: features.filter(isItem).length, unreadable: rejected.filter(isItem).length, wholeFileRefused: false };
}

export const counter: ReferenceCounter = {
  parser: '@placemarkio/check-geojson@0.1.14',
  item: 'a Feature with a Point, LineString or MultiLineString geometry',
  count: (bytes) => countGeojson(decodeUtf8(bytes)),
};
