/**
 * Turns what a person types into an FTS5 query: every word must match, as a
 * prefix, case- and accent-insensitively (the index uses `unicode61
 * remove_diacritics 2`, so "zur" finds "Zürich"). Words are quoted, so FTS5
 * syntax in the input (AND, NEAR, quotes, `*`, `:`) is taken literally.
 */
export interface FtsQuery {
  /** Match expression over all columns. */
  readonly all: string;
  /** The same, restricted to the title column. */
  readonly titleOnly: string;
  readonly words: readonly string[];
}

const MAX_WORDS = 16;
const MAX_WORD_LENGTH = 64;

export function toFtsQuery(text: string): FtsQuery | undefined {
  const words = (text.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS).map((w) => w.slice(0, MAX_WORD_LENGTH));
  if (words.length === 0) return undefined;
  const terms = words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' ');
  return { all: terms, titleOnly: `title : (${terms})`, words };
}
