// An mbox is split into messages by mbox-reader (postalsys, mboxo/mboxrd "From " lines), each message is
// one item, and a message is unreadable when postal-mime throws on it. A message without a Date: header
// is readable (postal-mime reads its sender, subject and body), as it is to mailparser.
import { Readable } from 'node:stream';
import { mboxReader } from 'mbox-reader';
import { messageReadable } from './mailref.js';
import type { ReferenceCounter } from './types.js';

export const counter: ReferenceCounter = {
  parser: 'mbox-reader@1.2.0 + postal-mime@4.0.0',
  item: 'a message of the mailbox',
  async count(bytes) {
    let items = 0;
    let unreadable = 0;
    for await (const message of mboxReader(Readable.from([bytes]))) {
      items += 1;
      if (!(await messageReadable(message.content))) unreadable += 1;
    }
    return { items, unreadable, wholeFileRefused: false };
  },
};
