// A Netscape bookmark file (what browsers export) parsed by htmlparser2 (Locker reads it with its own
// tokenizer). An item is an <A> element whose HREF is a web address (http, https or ftp), which is what
// Locker keeps as a bookmark; bookmarklets (javascript:) and browser-internal places (place:, chrome:)
// are not bookmarks and are not counted. None is unreadable: a link has no field that can be invalid.
import { parseDocument, DomUtils } from 'htmlparser2';
import { decodeUtf8, type ReferenceCounter } from './types.js';

function webAddress(href: string | undefined): boolean {
  try {
    return ['http:', 'https:', 'ftp:'].includes(new URL((href ?? '').trim()).protocol);
  } catch {
    return false;
  }
}

export const counter: ReferenceCounter = {
  parser: 'htmlparser2@10.1.0',
  item: 'an <A> whose HREF is an http, https or ftp address',
  count(bytes) {
    const doc = parseDocument(decodeUtf8(bytes), { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true });
    const links = DomUtils.getElementsByTagName('a', doc, true).filter((a) => webAddress(a.attribs['href']));
    return { items: links.length, unreadable: 0, wholeFileRefused: false };
  },
};
