// A Goodreads "Export Library" CSV (goodreads_library_export.csv), read with papaparse (Locker reads
// CSV with csv-parse), header names trimmed: every data row with at least one non-blank cell is one
// item (one book on a shelf, one reading record in Locker). A row is unreadable when it has no Title.
// papaparse reads a quote that does not open a field as a literal character, as a lenient reader does.
import Papa from 'papaparse';
import { decodeUtf8, type Reference, type ReferenceCounter } from './types.js';

export const counter: ReferenceCounter = {
  parser: 'papaparse@5.5.3',
  item: 'a book row of a Goodreads library export',
  count(bytes): Reference {
    const parsed = Papa.parse<Record<string, string | undefined>>(decodeUtf8(bytes), { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim() });
    let items = 0;
    let unreadable = 0;
    for (const row of parsed.data) {
      if (Object.values(row).every((v) => (v ?? '').trim() === '')) continue;
      items += 1;
      if ((row['Title'] ?? '').trim() === '') unreadable += 1;
    }
    return { items, unreadable, wholeFileRefused: false };
  },
};
