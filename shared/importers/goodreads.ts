import { parse } from 'csv-parse/sync';
import { iri, lit, namedNode, RecordBuilder, stableId } from '../model/index.js';
import { checkDeadline, failed, rawText, type ImportContext, type Importer, type ParsedItem, type ParseResult } from './types.js';

const S = (l: string) => iri('schema', l);

/**
 * A Goodreads library export (`goodreads_library_export.csv`; StoryGraph and
 * others write the same columns): each book as a reading — read, being read
 * or wanted (its shelf), when it was finished, the rating and review.
 */
const STATUS: Readonly<Record<string, string>> = { read: 'CompletedActionStatus', 'currently-reading': 'ActiveActionStatus', 'to-read': 'PotentialActionStatus' };

/** Goodreads writes ISBNs as `="0441172717"`. */
const isbn = (s: string | undefined) => (s ?? '').replace(/^="?|"$/g, '').replace(/[^0-9Xx]/g, '');

/** `2019/05/04` or `2019-05-04` → ISO date. */
function day(s: string | undefined): string | undefined {
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec((s ?? '').trim());
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isFinite(d.getTime()) && d.getUTCDate() === Number(m[3]) ? d.toISOString().slice(0, 10) : undefined;
}

export { looksLikeGoodreads } from './detect.js';

export const goodreadsImporter: Importer = {
  id: 'goodreads',
  mediaType: 'text/csv',
  parse(text: string, ctx: ImportContext): ParseResult {
    let rows: Array<Record<string, string>>;
    try {
      // Columns padded to line up (a spreadsheet saved as fixed-width CSV) are read trimmed, names and values alike.
      rows = parse(text.replace(/^\uFEFF/, ''), { columns: (header: string[]) => header.map((h) => h.trim()), trim: true, relax_column_count: true, skip_empty_lines: true, bom: true, max_record_size: ctx.caps.maxLineBytes }) as Array<Record<string, string>>;
    } catch (e) {
      return failed('malformed', `not a valid CSV file: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    const items: ParsedItem[] = [];
    rows.forEach((r, i) => {
      if (i % 2000 === 0) checkDeadline(ctx);
      const title = (r['Title'] ?? '').trim();
      // Line numbers count records (a review with line breaks spans more lines than one).
      const at = { line: i + 2, raw: rawText(Object.values(r).join(',')) };
      if (!title) {
        items.push({ skipped: { ...at, reason: `book ${r['Book Id'] ? `${r['Book Id'].slice(0, 20)} ` : ''}has no title` } });
        return;
      }
      const b = new RecordBuilder('reading', stableId('reading', `goodreads\u0000${r['Book Id'] ?? title}`));
      b.set(S('name'), lit.string(title.slice(0, 500)));
      const book = b.node('book');
      b.set(S('object'), book);
      b.typeOf(book, S('Book'));
      b.add(book, S('name'), lit.string(title.slice(0, 500)));
      const authors = [r['Author'], ...(r['Additional Authors'] ?? '').split(',')].map((a) => (a ?? '').trim()).filter(Boolean).slice(0, 20);
      authors.forEach((a, k) => {
        const p = b.node(`author-${k + 1}`);
        b.add(book, S('author'), p);
        b.typeOf(p, S('Person'));
        b.add(p, S('name'), lit.string(a.slice(0, 200)));
      });
      for (const code of [isbn(r['ISBN13']), isbn(r['ISBN'])].filter((x) => x.length === 10 || x.length === 13)) b.add(book, S('isbn'), lit.string(code));
      const pages = Number(r['Number of Pages']);
      if (Number.isInteger(pages) && pages > 0) b.add(book, S('numberOfPages'), lit.integer(pages));
      if (r['Publisher']?.trim()) b.add(book, S('publisher'), lit.string(r['Publisher'].trim().slice(0, 200)));
      const year = (r['Original Publication Year'] || r['Year Published'] || '').trim();
      if (/^-?\d{1,4}$/.test(year)) b.add(book, S('datePublished'), lit.string(year));
      const shelf = (r['Exclusive Shelf'] ?? '').trim();
      const status = STATUS[shelf];
      if (status) b.set(S('actionStatus'), namedNode(S(status)));
      const added = day(r['Date Added']);
      if (added) b.set(S('startTime'), lit.date(added));
      const read = day(r['Date Read']);
      if (read) b.set(S('endTime'), lit.date(read));
      const rating = Number(r['My Rating']);
      const reviewText = (r['My Review'] ?? '').replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, '').trim();
      if ((Number.isFinite(rating) && rating > 0) || reviewText) {
        const rev = b.node('review');
        b.set(S('review'), rev);
        b.typeOf(rev, S('Review'));
        if (reviewText) b.add(rev, S('reviewBody'), lit.string(reviewText.slice(0, 20000)));
        if (rating > 0) {
          const rt = b.node('rating');
          b.add(rev, S('reviewRating'), rt);
          b.typeOf(rt, S('Rating'));
          b.add(rt, S('ratingValue'), lit.integer(rating));
          b.add(rt, S('bestRating'), lit.integer(5));
        }
      }
      for (const s of [shelf, ...(r['Bookshelves'] ?? '').split(',')].map((x) => x.trim()).filter(Boolean)) b.set(iri('lk', 'tag'), lit.string(s.slice(0, 100)));
      items.push({ record: b.build(), source: at });
    });
    if (items.length > ctx.caps.maxRecordsPerFile) return failed('too-large', `more than ${ctx.caps.maxRecordsPerFile} books in one file`);
    if (items.length === 0) return failed('invalid', 'this reading list has no books');
    return { kind: 'ok', parsed: { count: items.length, items } };
  },
};
