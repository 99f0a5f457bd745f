import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../test/helpers/home.js';
import { recordToJson, sha256Hex, subjectIri } from '../model/index.js';
import { collect, DEFAULT_CAPS, type ParsedItem } from './types.js';
import { vcardImporter } from './vcard.js';

const ctx = { fileName: 'contacts.vcf', caps: DEFAULT_CAPS, deadline: Date.now() + 60_000 };

function parse(text: string) {
  const r = vcardImporter.parse(text, ctx);
  if (r.kind !== 'ok') throw new Error(r.failure.message);
  const all = collect(r.parsed);
  return { records: all.records.map(recordToJson), binaries: all.binaries, raw: all.records };
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
      hasEmail: { type: ['vcard:Work', 'vcard:Pref'], value: 'mailto:joerg.mueller@example.de' },
      hasTelephone: { value: 'tel:+41-79-123-45-67' },
      hasAddress: { type: ['vcard:Home', 'vcard:Pref'], 'street-address': 'Seefeldstrasse 5', locality: 'Zürich', region: 'ZH', 'postal-code': '8008', 'country-name': 'Switzerland' },
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

/** A corpus file (test/corpus: files other software wrote), imported as its bytes are. */
function corpus(name: string) {
  const bytes = readFileSync(path.join(FIXTURES, '../corpus/vcard', name));
  return parse(new TextDecoder().decode(bytes));
}

describe('vCard as people have it (issue 17 point 4, on files other software wrote)', () => {
  it('vCard 2.1: bare TEL;WORK;VOICE types, QUOTED-PRINTABLE labels with soft line breaks, PREF, X- properties kept', () => {
    const [gump] = corpus('vcard-vcard-2.1.vcf').records;
    expect(gump?.properties).toMatchObject({
      fn: 'Forrest Gump',
      hasTelephone: [
        { type: ['vcard:Work', 'vcard:Voice'], value: 'tel:111-555-1212' },
        { type: ['vcard:Home', 'vcard:Voice'], value: 'tel:404-555-1212' },
      ],
      hasEmail: { type: 'vcard:Pref', value: 'mailto:forrestgump@example.com' },
    });
    const kept = gump?.properties['vcardProperty'];
    expect(kept).toEqual(expect.arrayContaining(['X-FOO:FOO', expect.stringMatching(/^LABEL;TYPE=WORK.*100 Waters Edge\\nBaytown\\, LA 30314/)]));
  });

  it('Netscape and Palm 2.1 cards in lower case with bare types are read, every one of a file', () => {
    expect(corpus('turba-palm.vcf').records).toHaveLength(2);
    const [brad] = corpus('turba-brad.vcf').records;
    expect(brad?.title).toBeTruthy();
    const [dwalt] = corpus('turba-dwalt.vcf').records;
    const types = ([dwalt?.properties['hasTelephone']].flat() as Array<{ type?: string | string[] }>).map((t) => t.type);
    expect(types).toEqual(expect.arrayContaining(['vcard:Pager', 'vcard:Fax', 'vcard:Home', 'vcard:Work']));
  });

  it('Evolution 1.x: a bare QUOTED-PRINTABLE parameter, =0A line breaks decoded, no VERSION line', () => {
    const [stu] = corpus('turba-sfg.vcf').records;
    expect(stu?.properties).toMatchObject({ fn: 'Stuart Guthrie', 'organization-name': 'Eureka IT' });
    expect(JSON.stringify(stu?.properties['hasAddress'])).toContain('Rozelle\\nNSW 2039\\nAustralia');
  });

  it('RFC 6350: a quoted LABEL with escaped newlines on an ADR line that has no value is kept, and the card with it', () => {
    const [gump] = corpus('vcard-vcard-4.0.vcf').records;
    expect(gump?.properties['hasAddress']).toMatchObject({ type: 'vcard:Work', label: '42 Plantation St.\nBaytown, LA 30314\nUnited States of America' });
    expect(gump?.properties['hasTelephone']).toMatchObject({ type: ['vcard:Work', 'vcard:Voice'], value: 'tel:+1-111-555-1212' });
  });

  it('RFC 6350 properties: GEO as a geo: URI, IMPP, PREF=1, KIND, and what has no field kept as written', () => {
    const [doe] = corpus('icaljs-vcard.vcf').records;
    expect(doe?.properties).toMatchObject({ hasGeo: 'geo:37.386013,-122.082932', hasInstantMessage: 'xmpp:alice@example.com' });
    expect(doe?.properties['vcardProperty']).toEqual(expect.arrayContaining(['ANNIVERSARY:19960415', 'GENDER:M;Fellow', expect.stringMatching(/^RELATED;TYPE=friend:urn:uuid:/)]));
  });

  it('Apple itemN. groups: X-ABLabel names the phone, e-mail or address it groups (built-in labels as types, others as labels)', () => {
    const [apple] = corpus('vcardjson-Apple_Inc.vcf').records;
    const json = JSON.stringify(apple?.properties);
    expect(json).not.toContain('_$!<');
    const [john] = corpus('vcardparser-johndoe.vcf').records;
    expect(john?.properties['hasTelephone']).toMatchObject({ type: expect.arrayContaining(['vcard:Cell', 'vcard:Pref']) });
  });

  it('text outside the cards and a byte-order mark do not cost a card', () => {
    expect(corpus('vcardjson-outlook.vcf').records.map((r) => r.title)).toEqual(['Mustermann Hubert']);
    expect(corpus('vcardjson-vCardExport-outlook.vcf').records.map((r) => r.title)).toEqual(['Mustermann Hubert']);
  });
});

describe('vCard lines the corpus does not hold (written here from the specifications)', () => {
  it('a 2.1 QUOTED-PRINTABLE value in CHARSET=ISO-8859-1 with a soft line break, and a 2.1 BASE64 photo', () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64').toString('base64');
    const card = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=F6rg',
      'NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Stra=DFe 1=0D=0A=',
      'Z=FCrich',
      `PHOTO;ENCODING=BASE64;TYPE=PNG:${png.slice(0, 40)}`,
      ` ${png.slice(40)}`,
      '',
      'END:VCARD',
    ].join('\r\n');
    const { records, binaries } = parse(card);
    expect(records[0]?.properties).toMatchObject({ fn: 'Jörg Müller', note: 'Straße 1\nZürich' });
    expect(binaries).toHaveLength(1);
    expect(binaries[0]?.mediaType).toBe('image/png');
  });

  it('KIND:group with MEMBER urn:uuid: links to the member cards, and ALTID alternatives stay out of the name', () => {
    const text = [
      'BEGIN:VCARD', 'VERSION:4.0', 'UID:urn:uuid:a1', 'FN;ALTID=1;LANGUAGE=en:Anna', 'FN;ALTID=1;LANGUAGE=ru:Анна', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:4.0', 'KIND:group', 'FN:Choir', 'MEMBER:urn:uuid:a1', 'END:VCARD',
    ].join('\r\n');
    const { records, raw } = parse(text);
    const anna = records.find((r) => r.title === 'Anna');
    const choir = records.find((r) => r.title === 'Choir');
    const classes = raw.find((r) => r.id === choir?.id)?.quads.filter((q) => q.predicate.value.endsWith('#type') && q.subject.value === subjectIri('contact', choir?.id ?? '')).map((q) => q.object.value);
    expect(classes).toEqual(['http://www.w3.org/2006/vcard/ns#Individual', 'http://www.w3.org/2006/vcard/ns#Group']);
    expect([anna?.properties['vcardProperty']].flat()).toEqual(['FN;ALTID=1;LANGUAGE=ru:Анна']);
    expect(choir?.properties['hasMember']).toBe(subjectIri('contact', anna?.id ?? ''));
  });
});
