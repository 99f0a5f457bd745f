/**
 * Reading and the web: browser bookmarks (Netscape format) and a Goodreads
 * library export.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLocker } from '../shared/api/index.js';
import { locker } from './helpers/cli.js';
import { homeAndFiles } from './helpers/home.js';

function all(home: string, type: 'bookmark' | 'reading'): Array<Record<string, unknown>> {
  const o = openLocker(home, {});
  if (o.kind !== 'ok') throw new Error(o.message);
  try {
    return o.locker
      .list({ type })
      .map((s) => {
        const r = o.locker.show(s.id);
        return r.kind === 'ok' ? (r.json.properties as Record<string, unknown>) : {};
      })
      .sort((a, b) => String(a['name']).localeCompare(String(b['name'])));
  } finally {
    o.locker.close();
  }
}

const BOOKMARKS = `<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks Menu</H1>
<DL><p>
    <DT><H3 ADD_DATE="1600000000" LAST_MODIFIED="1700000000">Reisen &amp; Orte</H3>
    <DL><p>
        <DT><A HREF="https://www.sbb.ch/de" ADD_DATE="1650000000" TAGS="train,swiss">SBB – Fahrplan</A>
        <DD>Timetable &amp; tickets
        <DT><A HREF="javascript:alert(document.cookie)">Evil bookmarklet</A>
        <DT><A HREF="https://example.org/<script>" ADD_DATE="1650000001">&lt;script&gt;alert(1)&lt;/script&gt;</A>
    </DL><p>
    <DT><A HREF="https://en.wikipedia.org/wiki/Z%C3%BCrich" ADD_DATE="1700000000000000">Zürich – Wikipedia</A>
    <DT><A HREF="place:sort=8&amp;maxResults=10">Recent tags</A>
</DL><p>
`;

describe('bookmarks', () => {
  it('links with their folder, tags, description and date; bookmarklets and internal places passed over; text stays text', async () => {
    const { home, files } = homeAndFiles('locker-bm-');
    writeFileSync(path.join(files, 'bookmarks.html'), BOOKMARKS);
    const r = await locker(home, 'import', path.join(files, 'bookmarks.html'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const b = all(home, 'bookmark');
    expect(b.map((x) => [x['name'], x['url'], x['keywords'] ?? null, x['dateCreated'] ?? null])).toEqual([
      ['<script>alert(1)</script>', 'https://example.org/%3Cscript%3E', 'Reisen & Orte', '2022-04-15T05:20:01Z'],
      ['SBB – Fahrplan', 'https://www.sbb.ch/de', 'Reisen & Orte', '2022-04-15T05:20:00Z'],
      ['Zürich – Wikipedia', 'https://en.wikipedia.org/wiki/Z%C3%BCrich', null, '2023-11-14T22:13:20Z'],
    ]);
    expect(b[1]).toMatchObject({ description: 'Timetable & tickets', tag: ['train', 'swiss'] });
    expect(JSON.parse((await locker(home, 'import', path.join(files, 'bookmarks.html'), '--json')).stdout)).toMatchObject({ imported: 0, unchanged: 3 });
  });
});

const GOODREADS = [
  'Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies',
  '234225,"Dune (Dune, #1)",Frank Herbert,"Herbert, Frank",,"=""0441172717""","=""9780441172719""",5,4.26,Ace Books,Paperback,604,1990,1965,2023/08/14,2023/07/01,"sci-fi, favorites","sci-fi (#3), favorites (#1)",read,"A classic.<br/>Spice must flow.",,,1,0',
  '11,Der Zauberberg,Thomas Mann,"Mann, Thomas",,"=""""","=""""",0,4.1,Fischer,Taschenbuch,,1991,1924,,2024/01/02,,,to-read,,,,0,0',
  '12,"Les Misérables",Victor Hugo,"Hugo, Victor","Norman Denny, Someone Else","=""0140444300""","=""9780140444308""",0,4.2,Penguin,Paperback,1232,1982,1862,,2024/02/10,,,currently-reading,,,,0,0',
].join('\n');

describe('Goodreads', () => {
  it('books with their shelf, dates, rating, review, authors and ISBNs', async () => {
    const { home, files } = homeAndFiles('locker-gr-');
    writeFileSync(path.join(files, 'goodreads_library_export.csv'), GOODREADS);
    const r = await locker(home, 'import', path.join(files, 'goodreads_library_export.csv'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const books = all(home, 'reading');
    expect(books.map((b) => [b['name'], String(b['actionStatus']), b['endTime'] ?? null])).toEqual([
      ['Der Zauberberg', 'schema:PotentialActionStatus', null],
      ['Dune (Dune, #1)', 'schema:CompletedActionStatus', '2023-08-14'],
      ['Les Misérables', 'schema:ActiveActionStatus', null],
    ]);
    expect(books[1]?.['object']).toMatchObject({ name: 'Dune (Dune, #1)', isbn: ['9780441172719', '0441172717'], numberOfPages: 604, datePublished: '1965', author: { name: 'Frank Herbert' } });
    expect(books[1]?.['review']).toMatchObject({ reviewBody: 'A classic.\nSpice must flow.', reviewRating: { ratingValue: 5 } });
    expect([(books[2]?.['object'] as Record<string, unknown>)['author']].flat()).toHaveLength(3);
  });
});
