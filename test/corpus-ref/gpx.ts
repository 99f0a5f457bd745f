// .gpx: the <wpt>, <trk> and <rte> elements of the file as @xmldom/xmldom reads it (the places and
// tracks Locker makes). One is unreadable when @tmcw/togeojson makes no feature of it: a waypoint
// without a numeric lat/lon, a track or route without a segment of two points or more. When xmldom
// reports a fatal error the file is refused as a whole (items counted 0).
import { gpx } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import type { Reference, ReferenceCounter } from './types.js';

/** Text as an XML reader sees it: decoded by the encoding the XML declaration names (UTF-8 when none). */
export function decodeXml(bytes: Buffer): string {
  const head = bytes.subarray(0, 200).toString('latin1');
  const label = /^\uFEFF?<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1] ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: false, ignoreBOM: false });
  } catch {
    decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  }
  return decoder.decode(bytes);
}

/** The document, or null when xmldom finds the XML not well-formed. */
export function parseXml(bytes: Buffer): Document | null {
  let fatal = false;
  const doc = new DOMParser({
    onError: (level) => {
      if (level === 'fatalError') fatal = true;
    },
  }).parseFromString(decodeXml(bytes), 'text/xml');
  return fatal ? null : (doc as unknown as Document);
}

function countGpx(bytes: Buffer): Reference {
  const doc = parseXml(bytes);
  if (doc === null) return { items: 0, unreadable: 0, wholeFileRefused: true };
  const features = gpx(doc).features;
  let items = 0;
  let unreadable = 0;
  for (const [tag, kind] of [['wpt', 'Point'], ['trk', 'trk'], ['rte', 'rte']] as const) {
    const elements = doc.getElementsByTagName(tag).length;
    const made = features.filter((f) => (kind === 'Point' ? f.geometry?.type === 'Point' : f.properties?.['_gpxType'] === kind)).length;
    items += elements;
    unreadable += Math.max(0, elements - made);
  }
  return { items, unreadable, wholeFileRefused: false };
}

export const counter: ReferenceCounter = {
  parser: '@tmcw/togeojson@7.1.4 with @xmldom/xmldom@0.9.12',
  item: 'a <wpt>, <trk> or <rte> element',
  count: (bytes) => countGpx(bytes),
};
