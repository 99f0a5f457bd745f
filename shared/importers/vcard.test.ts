import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../test/helpers/home.js';
import { recordToJson, sha256Hex } from '../model/index.js';
import { collect, DEFAULT_CAPS, type ParsedItem } from './types.js';
import { vcardImporter } from './vcard.js';

const ctx = { fileName: 'contacts.vcf', caps: DEFAULT_CAPS, deadline: Date.now() + 60_000 };

function parse(text: string) {
  const r = vcardImporter.parse(text, ctx);
  if (r.kind !== 'ok') throw new Error(r.failure.message);
  const all = collect(r.parsed);
  return { records: all.records.map(recordToJson), binaries: all.binaries };
}

const fixture = () => readFileSync(path.join(FIXTURES, 'contacts.vcf'), 'utf8');

describe('vCard importer', () => {
  it('reads many cards per file, vCard 3.0 and 4.0', () => {
    const { records } = parse(fixture());
    expect(records.map((r) => r.title).sort()).toEqual(['Ann Lee', 'Bob Smith', 'Dr. Jörg Müller', 'Praxis Dr. Weiß']);
  });

  it('keeps names, emails, phones, addresses, birthday and organisation as SolidOS contacts does', () => {
    const joerg = parse(fixture()).records.find((r) => r.title === 'Dr. Jörg Müller');
    expect(joerg?.properties).toMatchObject({
      fn: 'Dr. Jörg Müller',
      hasName: { type: 'vcard:Name', 'family-name': 'Müller', 'given-name': 'Jörg', 'honorific-prefix': 'Dr.' },
      hasEmail: { type: 'vcard:Work', value: 'mailto:joerg.mueller@example.de' },
      hasTelephone: { value: 'tel:+41791234567' },
      hasAddress: { type: 'vcard:Home', 'street-address': 'Seefeldstrasse 5', locality: 'Zürich', region: 'ZH', 'postal-code': '8008', 'country-name': 'Switzerland' },
      bday: '1981-04-15',
      'organization-name': 'Acme Rail GmbH',
      'organization-unit': 'Engineering',
      title: 'Lead engineer',
    });
  });

  it('handles vCard 4 specifics: tel: URIs, birthdays without a year, categories', () => {
    const ann = parse(fixture()).records.find((r) => r.title === 'Ann Lee');
    expect(ann?.properties).toMatchObject({ hasTelephone: { value: 'tel:+1-555-555-0199' }, bday: '--09-23', tag: ['friends', 'choir'] });
  });

  it('saves an embedded PHOTO as a binary of its own, named by digest, linked from the record', () => {
    const { records, binaries } = parse(fixture());
    expect(binaries).toHaveLength(1);
    const photo = binaries[0];
    expect(photo?.mediaType).toBe('image/jpeg');
    expect(photo && sha256Hex(photo.bytes)).toBe(photo?.sha256);
    expect(photo?.bytes[0]).toBe(0xff);
    const joerg = records.find((r) => r.title === 'Dr. Jörg Müller');
    expect(joerg?.properties['hasPhoto']).toBe(`https://locker.invalid/files/${photo?.name}`);
  });

  it('composes a name from N when FN is missing, and keys cards without UID by content', () => {
    const a = parse(fixture()).records.find((r) => r.title === 'Bob Smith');
    const b = parse(fixture()).records.find((r) => r.title === 'Bob Smith');
    expect(a?.id).toBe(b?.id);
  });

  it('keeps a photo given as a web address as a link and never downloads it', () => {
    const { records, binaries } = parse('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Web\r\nPHOTO:https://tracker.example/p.jpg\r\nEND:VCARD\r\n');
    expect(binaries).toHaveLength(0);
    expect(records[0]?.properties['hasPhoto']).toBe('https://tracker.example/p.jpg');
  });

  it('skips a card with a photo over the size cap and a card without any name, keeping the others, with their lines', () => {
    const big = `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nPHOTO;ENCODING=b;TYPE=JPEG:${'A'.repeat(4000)}\r\nEND:VCARD\r\n`;
    const good = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good\r\nEND:VCARD\r\n';
    const nameless = 'BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:who?\r\nEND:VCARD\r\n';
    const r = vcardImporter.parse(big + good + nameless, { ...ctx, caps: { ...DEFAULT_CAPS, maxBinaryBytes: 1000 } });
    if (r.kind !== 'ok') throw new Error(r.failure.message);
    const items = [...(r.parsed.items as Iterable<ParsedItem>)];
    expect(items.map((i) => (i.skipped ? `line ${i.skipped.line}: ${i.skipped.reason}` : `record ${recordToJson(i.record).title}`))).toEqual([
      'line 1: contact "Big": embedded photo is larger than the 1000 byte limit',
      'record Good',
      expect.stringMatching(/^line 10: .*has no name/),
    ]);
    expect(items[2]?.skipped?.raw).toBe(nameless.trimEnd());
  });

  it('one card ical.js cannot read does not take the file with it', () => {
    const r = vcardImporter.parse('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fine\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\nBDAY;VALUE=date:not a date\r\nEND:VCARD\r\n', ctx);
    if (r.kind !== 'ok') throw new Error(r.failure.message);
    const items = [...(r.parsed.items as Iterable<ParsedItem>)];
    expect(items.filter((i) => i.record).length + items.filter((i) => i.skipped).length).toBe(2);
    expect(items[0]?.record).toBeDefined();
  });
});
