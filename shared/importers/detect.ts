import { looksBinary } from './text.js';
import { sniffImage } from './media.js';
import type { FormatId } from './types.js';

export type Detection = { readonly kind: 'format'; readonly format: FormatId } | { readonly kind: 'unknown'; readonly message: string };

const SUPPORTED = 'Locker reads iCalendar (.ics), vCard (.vcf), bank statements (OFX/QFX, QIF, MT940, ISO 20022 CAMT.053 XML, CSV), Apple Health export.xml, FHIR JSON bundles, GPX, KML/KMZ, GeoJSON, Google location history, photos (JPEG, PNG, HEIC, WebP), mail (.eml, mbox), browser bookmarks, Goodreads exports, Mastodon and X/Twitter archives and Locker exports (.trig)';

/** Decides the format from the file's first bytes; the name is only a hint (a mislabelled file is read by what it is). */
export function detectFormat(head: Uint8Array, fileName: string): Detection {
  if (head.length === 0) return { kind: 'unknown', message: 'the file is empty' };
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return { kind: 'unknown', message: `this is a zip archive; unpack it first (${SUPPORTED})` };
  if (head[0] === 0x1f && head[1] === 0x8b) return { kind: 'unknown', message: `this is a gzip-compressed file; decompress it first (${SUPPORTED})` };
  if (sniffImage(head)) return { kind: 'format', format: 'photo' };
  if (looksBinary(head)) return { kind: 'unknown', message: `this is a binary file, not text (${SUPPORTED})` };
  let text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 4096));
  if (head[0] === 0xff || head[0] === 0xfe) text = new TextDecoder(head[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(head.subarray(2, 4096));
  text = text.replace(/^\uFEFF/, '');
  const firstLine = (text.trimStart().split(/\r?\n/, 1)[0] ?? '').trim().toUpperCase();
  if (firstLine.startsWith('BEGIN:VCALENDAR')) return { kind: 'format', format: 'ical' };
  if (firstLine.startsWith('BEGIN:VCARD')) return { kind: 'format', format: 'vcard' };
  if (/^<\?XML/i.test(firstLine) || /^<!DOCTYPE HEALTHDATA|^<HEALTHDATA/.test(firstLine)) {
    if (/<!DOCTYPE HealthData|<HealthData[\s>]/.test(text) || /<!DOCTYPE HealthData|<HealthData[\s>]/.test(new TextDecoder().decode(head))) return { kind: 'format', format: 'apple-health' };
  }
  const headText = new TextDecoder().decode(head);
  if (/<(?:[A-Za-z_][\w.-]*:)?Document[^>]*xmlns(?::[\w.-]+)?=["']urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\./.test(headText)) return { kind: 'format', format: 'camt' };
  if (/^\s*\{/.test(text)) {
    if (/"resourceType"\s*:\s*"Bundle"/.test(headText)) return { kind: 'format', format: 'fhir' };
    if (/"type"\s*:\s*"(FeatureCollection|Feature)"/.test(headText)) return { kind: 'format', format: 'geojson' };
    if (/activitystreams/.test(headText) && /"orderedItems"\s*:/.test(headText)) return { kind: 'format', format: 'activitypub' };
    if (/"(timelineObjects|semanticSegments)"\s*:/.test(headText) || (/"locations"\s*:/.test(headText) && /"latitudeE7"/.test(headText))) return { kind: 'format', format: 'takeout-location' };
  }
  // The iPhone's Timeline export: a bare array of segments with "startTime" and a visit, activity or timelinePath.
  if (/^\s*\[/.test(text) && /"startTime"\s*:/.test(headText) && /"(visit|activity|timelinePath)"\s*:/.test(headText)) return { kind: 'format', format: 'takeout-location' };
  if (/<gpx[\s>]/.test(headText) && (/^<\?XML/i.test(firstLine) || /^<GPX/.test(firstLine))) return { kind: 'format', format: 'gpx' };
  if (/<kml[\s>]/.test(headText) && (/^<\?XML/i.test(firstLine) || /^<KML/.test(firstLine))) return { kind: 'format', format: 'kml' };
  const rawHead = new TextDecoder('latin1').decode(head.subarray(0, 8192));
  if (/^From \S+ +\S+/.test(rawHead) && /\n(From|Date|Subject|Message-ID|Received|Return-Path):/i.test(rawHead)) return { kind: 'format', format: 'mbox' };
  // A message: header lines (the first may be indented by a careless writer), a From: and one more header that only mail has.
  if (/^[ \t]?(Return-Path|Received|Delivered-To|From|Date|Subject|Message-ID|MIME-Version|X-[A-Za-z-]+|To|Content-Type):[ \t]/i.test(rawHead) && /^[ \t]?From:/im.test(rawHead) && /^(Date|Message-ID|Subject|MIME-Version|Content-Type|To|Received):/im.test(rawHead)) return { kind: 'format', format: 'eml' };
  if (/^WINDOW\.YTD\.[A-Z_]+\.PART\d+\s*=/.test(firstLine)) return { kind: 'format', format: 'twitter' };
  if (/^<!DOCTYPE NETSCAPE-BOOKMARK-FILE-1>/.test(firstLine)) return { kind: 'format', format: 'bookmarks' };
  if (/^OFXHEADER\s*:/i.test(firstLine) || /^<OFX>/i.test(firstLine) || (/^<\?XML/i.test(firstLine) && /<\?OFX\b|<OFX>/i.test(text))) return { kind: 'format', format: 'ofx' };
  if (/^!(TYPE:|ACCOUNT|OPTION:|CLEAR:)/i.test(firstLine)) return { kind: 'format', format: 'qif' };
  if (/^(\{1:[^}]*\}.*)?:20:/.test(firstLine) || (/^:\d{2}[A-Z]?:/m.test(text) && /^:25:/m.test(text) && /^:61:|^:60[FM]:/m.test(text))) return { kind: 'format', format: 'mt940' };
  // A calendar or address book behind a line or two of something else (a separator, a note a program wrote first).
  if (/^BEGIN:VCARD[ \t]*\r?$/im.test(text) && /^END:VCARD[ \t]*\r?$/im.test(text)) return { kind: 'format', format: 'vcard' };
  if (/^BEGIN:VCALENDAR[ \t]*\r?$/im.test(text) && /^BEGIN:(VEVENT|VTODO|VTIMEZONE)[ \t]*\r?$/im.test(text)) return { kind: 'format', format: 'ical' };
  const code = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))?.trim() ?? '';
  const rdfStart = /^(@prefix|@base|prefix|base)\b/i.test(code) || code.startsWith('<');
  if (/\.trig$/i.test(fileName) && (rdfStart || code === '')) return { kind: 'format', format: 'trig' };
  if (rdfStart && /\{/.test(text)) return { kind: 'format', format: 'trig' };
  if (looksLikeCsv(text)) return { kind: 'format', format: looksLikeGoodreads(text.split(/\r?\n/, 1)[0] ?? '') ? 'goodreads' : 'csv-bank' };
  const looks = /^\s*[{[]/.test(text) ? 'JSON' : /^\s*</.test(text) ? 'XML or HTML' : undefined;
  return { kind: 'unknown', message: `not a format Locker knows${looks ? ` (it looks like ${looks})` : ''}; ${SUPPORTED}` };
}

/** A header line and at least one more line, split into three or more fields by the same delimiter. */
function looksLikeCsv(text: string): boolean {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '').slice(0, 3);
  if (lines.length < 2) return false;
  for (const d of [',', ';', '\t', '|']) {
    const counts = lines.map((l) => l.replace(/"[^"]*"/g, '').split(d).length);
    if ((counts[0] ?? 0) >= 3 && counts.every((c) => c >= 2)) return true;
  }
  return false;
}

export function looksLikeGoodreads(headerLine: string): boolean {
  return /\bBook Id\b/.test(headerLine) && /\bTitle\b/.test(headerLine) && /\bExclusive Shelf\b/.test(headerLine);
}
