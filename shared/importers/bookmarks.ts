import { iri, lit, namedNode, RecordBuilder, stableId } from '../model/index.js';
import { checkDeadline, failed, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

const S = (l: string) => iri('schema', l);

/**
 * Browser bookmarks in the Netscape bookmark file format (what Firefox,
 * Chrome, Safari and Edge export): each link with its title, the folder it
 * sits in, its tags and when it was added. Read with a tolerant tokenizer
 * (these files are not well-formed HTML); nothing in them is ever fetched,
 * and only http(s) and ftp addresses are kept (bookmarklets — `javascript:` —
 * and browser-internal places are passed over).
 */
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+\d*);/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (ENTITIES[k] !== undefined) return ENTITIES[k];
    const code = k.startsWith('#x') ? parseInt(k.slice(2), 16) : k.startsWith('#') ? parseInt(k.slice(1), 10) : NaN;
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

const text = (s: string) => decode(s.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) out[(m[1] ?? '').toUpperCase()] = decode(m[3] ?? m[4] ?? m[5] ?? '');
  return out;
}

/** A URL worth keeping as a bookmark, normalised, or undefined. */
export function bookmarkUrl(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return undefined;
  }
  return ['http:', 'https:', 'ftp:'].includes(u.protocol) ? u.href : undefined;
}

export const bookmarksImporter: Importer = {
  id: 'bookmarks',
  mediaType: 'text/html',
  parse(source: string, ctx: ImportContext): ParseResult {
    const folders: string[] = [];
    let pendingFolder: string | undefined;
    const items: ParsedItem[] = [];
    let skipped = 0;
    let last: { b: RecordBuilder; url: string } | undefined;
    const flush = () => {
      if (last) items.push({ record: last.b.build() });
      last = undefined;
    };
    const token = /<(\/?)(DL|H3|A|DD)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = token.exec(source))) {
      if (++n % 5000 === 0) checkDeadline(ctx);
      const closing = m[1] === '/';
      const tag = (m[2] ?? '').toUpperCase();
      if (tag === 'DL') {
        if (closing) folders.pop();
        else {
          folders.push(pendingFolder ?? '');
          pendingFolder = undefined;
        }
        continue;
      }
      if (closing) continue;
      if (tag === 'H3') {
        const end = source.indexOf('</', token.lastIndex);
        pendingFolder = text(source.slice(token.lastIndex, end < 0 ? undefined : end));
        continue;
      }
      if (tag === 'DD') {
        // A description: the text up to the next tag, for the bookmark just read.
        const end = source.indexOf('<', token.lastIndex);
        const d = text(source.slice(token.lastIndex, end < 0 ? undefined : end));
        if (last && d) last.b.set(S('description'), lit.string(d.slice(0, 2000)));
        continue;
      }
      flush();
      const a = attrs(m[3] ?? '');
      const rest = source.slice(token.lastIndex, token.lastIndex + 8192);
      const end = rest.search(/<\/A>/i);
      const title = text(end < 0 ? '' : rest.slice(0, end));
      const url = bookmarkUrl(a['HREF'] ?? '');
      if (!url) {
        skipped++;
        continue;
      }
      const path = folders.filter(Boolean).join(' / ');
      const b = new RecordBuilder('bookmark', stableId('bookmark', `bookmark\u0000${url}\u0000${path}`));
      b.set(S('name'), lit.string((title || url).slice(0, 500)));
      b.set(S('url'), namedNode(url));
      const added = Number(a['ADD_DATE']);
      if (Number.isFinite(added) && added > 0) {
        // Seconds since 1970; some browsers write microseconds.
        const ms = added > 1e14 ? added / 1000 : added > 1e11 ? added : added * 1000;
        const d = new Date(ms);
        if (Number.isFinite(d.getTime()) && d.getUTCFullYear() > 1990 && d.getUTCFullYear() < 2200) b.set(S('dateCreated'), lit.dateTime(d.toISOString().replace('.000Z', 'Z')));
      }
      if (path) b.set(S('keywords'), lit.string(path.slice(0, 500)));
      for (const t of (a['TAGS'] ?? '').split(',').map((x) => x.trim()).filter(Boolean).slice(0, 50)) b.set(iri('lk', 'tag'), lit.string(t.slice(0, 100)));
      last = { b, url };
      if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} bookmarks in one file`);
    }
    flush();
    if (items.length === 0) return failed('invalid', `no web bookmarks in this file${skipped ? ` (${skipped} bookmarklets or internal links passed over)` : ''}`);
    // Bookmarklets (javascript:) and browser-internal links (place:, chrome://) are not web pages: said, not kept.
    const warnings = skipped > 0 ? [`${skipped} bookmarklet${skipped === 1 ? '' : 's'} or browser-internal link${skipped === 1 ? '' : 's'} ${skipped === 1 ? 'was' : 'were'} passed over`] : [];
    return { kind: 'ok', parsed: { count: items.length, items, ...(warnings.length > 0 && { warnings }) } };
  },
};
