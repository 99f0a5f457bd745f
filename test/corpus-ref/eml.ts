// An .eml file is one message, one item (Locker makes one message record of it). It is unreadable when
// postal-mime throws on it. A message without a Date: header is readable here: postal-mime, like
// mailparser, reads its sender, recipients, subject and body.
import { messageReadable } from './mailref.js';
import type { ReferenceCounter } from './types.js';

export const counter: ReferenceCounter = {
  parser: 'postal-mime@4.0.0',
  item: 'a message (the file)',
  async count(bytes) {
    return { items: 1, unreadable: (await messageReadable(bytes)) ? 0 : 1, wholeFileRefused: false };
  },
};
