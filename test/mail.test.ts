/**
 * Mail: an mbox (streamed) and .eml files become messages; senders and
 * recipients are linked to contacts by address, replies share their thread,
 * attachments are binaries, HTML bodies are kept as text.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLocker } from '../shared/api/index.js';
import { locker } from './helpers/cli.js';
import { FIXTURES, homeAndFiles } from './helpers/home.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

const MBOX = [
  'From ann.lee@example.org Tue Mar  5 08:15:00 2024',
  'Return-Path: <ann.lee@example.org>',
  'From: Ann Lee <ann.lee@example.org>',
  'To: Me <me@example.net>, Bob <bob@example.com>',
  'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_Z=C3=BCrich?=',
  'Date: Tue, 5 Mar 2024 09:15:00 +0100',
  'Message-ID: <m1@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'Hallo!',
  '>From the lake, the view is great.',
  '',
  'From me@example.net Tue Mar  5 10:00:00 2024',
  'From: Me <me@example.net>',
  'To: Ann Lee <ann.lee@example.org>',
  'Subject: Re: Grüße aus Zürich',
  'Date: Tue, 5 Mar 2024 10:00:00 +0000',
  'Message-ID: <m2@example.net>',
  'In-Reply-To: <m1@example.org>',
  'References: <m1@example.org>',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'Lovely, thanks.',
  '',
  'From shop@example.com Wed Mar  6 12:00:00 2024',
  'From: "Shop" <shop@example.com>',
  'To: me@example.net',
  'Subject: Your invoice',
  'Date: Wed, 6 Mar 2024 12:00:00 -0500',
  'Message-ID: <inv-77@example.com>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><body><p>Thanks for <b>shopping</b>!</p><script>alert(1)</script><img src="https://tracker.example/p.gif"></body></html>',
  '--b1',
  'Content-Type: application/pdf; name="invoice-77.pdf"',
  'Content-Disposition: attachment; filename="invoice-77.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  PDF.toString('base64'),
  '--b1--',
  '',
].join('\n');

describe('mail', () => {
  it('an mbox becomes messages linked to contacts, in threads, with attachments; HTML kept as text', async () => {
    const { home, files } = homeAndFiles('locker-mail-');
    writeFileSync(path.join(files, 'Inbox.mbox'), MBOX);
    expect((await locker(home, 'import', path.join(FIXTURES, 'contacts.vcf'))).code).toBe(0);
    const r = await locker(home, 'import', path.join(files, 'Inbox.mbox'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 3, errors: [] });
    const o = openLocker(home, {});
    if (o.kind !== 'ok') throw new Error(o.message);
    try {
      const list = o.locker.list({ type: 'message' });
      const get = (title: string) => {
        const id = list.find((m) => m.title === title)?.id ?? '';
        const s = o.locker.show(id);
        if (s.kind !== 'ok') throw new Error(`no message ${title}`);
        return s.json.properties as Record<string, unknown>;
      };
      const first = get('Grüße aus Zürich');
      expect(first['dateSent']).toBe('2024-03-05T08:15:00Z');
      expect(first['text']).toBe('Hallo!\n>From the lake, the view is great.'.replace('>From', 'From'));
      const ann = o.locker.search('Ann Lee', { type: 'contact' })[0];
      expect(first['sender']).toMatchObject({ email: 'ann.lee@example.org', name: 'Ann Lee', sameAs: expect.stringContaining(ann?.id ?? 'missing') });
      expect([first['toRecipient']].flat()).toHaveLength(2);
      const reply = get('Re: Grüße aus Zürich');
      expect((reply['isPartOf'] as Record<string, unknown>)['identifier']).toBe((first['isPartOf'] as Record<string, unknown>)['identifier']);
      const invoice = get('Your invoice');
      expect(invoice['text']).toBe('Thanks for shopping!');
      expect(String(invoice['text'])).not.toMatch(/<script|<p>|tracker/);
      const attachment = String(invoice['messageAttachment']).split('/').pop() ?? '';
      expect(attachment).toMatch(/\.pdf$/);
      expect(Buffer.from(o.locker.store.getBinary(attachment)?.bytes ?? []).equals(PDF)).toBe(true);
    } finally {
      o.locker.close();
    }
    expect(JSON.parse((await locker(home, 'import', path.join(files, 'Inbox.mbox'), '--json')).stdout)).toMatchObject({ imported: 0, unchanged: 3 });
    // The same message saved as .eml is the same record (by Message-ID).
    writeFileSync(path.join(files, 'invoice.eml'), MBOX.slice(MBOX.indexOf('From: "Shop"')));
    expect(JSON.parse((await locker(home, 'import', path.join(files, 'invoice.eml'), '--json')).stdout)).toMatchObject({ imported: 0, unchanged: 1 });
  });
});

describe('mail without a Date: header, and one message that cannot be kept (issue 17 point 1)', () => {
  it('takes the Received: time, else the mbox From line; a message over a cap is skipped with its line, the others kept', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const mbox = [
      'From a@example.org Sat Jan  3 10:00:00 2004',
      'Received: from mx.example.org by mail.example.net; Sat, 3 Jan 2004 10:00:05 +0000',
      'From: a@example.org',
      'Subject: no date, but received',
      '',
      'one',
      'From b@example.org Sun Jan  4 11:30:00 2004',
      'From: b@example.org',
      'Subject: no date, no Received',
      '',
      'two',
      'From c@example.org Mon Jan  5 12:00:00 2004',
      'From: c@example.org',
      'Date: Mon, 5 Jan 2004 12:00:00 +0000',
      'Subject: too big an attachment',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--b',
      'Content-Type: application/octet-stream; name="big.bin"',
      'Content-Disposition: attachment; filename="big.bin"',
      '',
      big,
      '--b--',
      '',
    ].join('\n');
    const { home, files } = homeAndFiles('locker-mail-');
    writeFileSync(path.join(files, 'old.mbox'), mbox);
    writeFileSync(path.join(home, 'config.json'), JSON.stringify({ importCaps: { maxBinaryBytes: 1024 * 1024 } }));
    const r = await locker(home, 'import', path.join(files, 'old.mbox'), '--json');
    expect(r.code, r.stderr).toBe(3);
    const s = JSON.parse(r.stdout) as { imported: number; skipped: number; seen: number; skippedItems: Array<{ line?: number; reason: string; raw: string }> };
    expect(s).toMatchObject({ imported: 2, skipped: 1, seen: 3 });
    expect(s.skippedItems[0]).toMatchObject({ line: 13, reason: expect.stringMatching(/big\.bin.*larger than/) });
    expect(s.skippedItems[0]?.raw).toMatch(/^From: c@example.org/);
    const o = openLocker(home, {});
    if (o.kind !== 'ok') throw new Error(o.message);
    try {
      const sent = o.locker.list({ type: 'message' }).map((m) => [m.title, m.start]);
      expect(sent.sort()).toEqual([
        ['no date, but received', '2004-01-03T10:00:05Z'],
        ['no date, no Received', '2004-01-04T11:30:00Z'],
      ]);
    } finally {
      o.locker.close();
    }
  });
});
