/**
 * Text encodings: a format that mandates UTF-8 is read as UTF-8 even where
 * its bytes are bad (U+FFFD there, and a warning) — never re-decoded as
 * Windows-1252 into mojibake; a format that allows a legacy charset still
 * gets one. (No packaged file with invalid UTF-8 was found for the corpus,
 * so these bytes are made here.)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locker } from './helpers/cli.js';
import { homeAndFiles, openTemp } from './helpers/home.js';

const t = openTemp();
afterAll(() => t.cleanup());
const card = (version: string) => Buffer.concat([Buffer.from(`BEGIN:VCARD\r\nVERSION:${version}\r\nFN:Jos`), Buffer.from([0xe9]), Buffer.from(' M'), Buffer.from([0xfc]), Buffer.from(`ller ${version}\r\nEND:VCARD\r\n`)]);

describe('text encodings', () => {
  it('a vCard 4.0 (UTF-8 by RFC 6350) with invalid bytes: U+FFFD where they are bad, a warning, no mojibake', async () => {
    const { files } = homeAndFiles('locker-enc-');
    const file = path.join(files, 'v4.vcf');
    writeFileSync(file, card('4.0'));
    const s = await t.locker.importFiles([file]);
    expect(s.imported).toBe(1);
    expect(s.warnings).toEqual([{ file, message: expect.stringMatching(/^2 byte sequences are not valid UTF-8/) }]);
    expect(t.locker.search('ller 4.0').map((r) => r.title)).toEqual(['Jos\uFFFD M\uFFFDller 4.0']);
  });

  it('a vCard 3.0 with the same bytes is a legacy Windows-1252 export: read as such, without a warning', async () => {
    const { files } = homeAndFiles('locker-enc-');
    const file = path.join(files, 'v3.vcf');
    writeFileSync(file, card('3.0'));
    const s = await t.locker.importFiles([file]);
    expect(s.imported).toBe(1);
    expect(s.warnings).toBeUndefined();
    expect(t.locker.search('josé müller').map((r) => r.title)).toEqual(['José Müller 3.0']);
  });

  it('the CLI says so on stderr, and the import is complete (exit 0)', async () => {
    const { home, files } = homeAndFiles('locker-enc-');
    const file = path.join(files, 'v4.vcf');
    writeFileSync(file, card('4.0'));
    const r = await locker(home, 'import', file);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^locker: warning: .*v4\.vcf: 2 byte sequences are not valid UTF-8/);
  });
});

describe('a charset the file declares is how it is read (issue 17 point 5)', () => {
  const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

  it('OFX 1.x CHARSET:1250 (a Polish bank): Łódź, not the Windows-1252 reading £ód\u0178', async () => {
    const { files } = homeAndFiles('locker-enc-');
    const file = path.join(files, 'pl.ofx');
    const tx = (id: string) => bytes(`<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240105<TRNAMT>-12.50<FITID>${id}<NAME>Kawiarnia `, [0xa3, 0xf3, 0x64, 0x9f], '</STMTTRN>\r\n');
    writeFileSync(file, Buffer.concat([bytes('OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1250\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>PLN<BANKACCTFROM><BANKID>1<ACCTID>2</BANKACCTFROM><BANKTRANLIST>\r\n'), tx('a1'), bytes('</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n')]));
    const s = await t.locker.importFiles([file]);
    expect(s).toMatchObject({ imported: 1, errors: [] });
    expect(t.locker.search('Kawiarnia').map((r) => r.title).join()).toContain('Łódź');
  });

  it('XML declaring ISO-8859-15 (a GPX): the euro sign of 0xA4, not ¤', async () => {
    const { files } = homeAndFiles('locker-enc-');
    const file = path.join(files, 'euro.gpx');
    writeFileSync(file, bytes('<?xml version="1.0" encoding="ISO-8859-15"?>\n<gpx version="1.1" creator="t"><wpt lat="48.1" lon="11.5"><name>Parkplatz 2', [0xa4], ' pro Stunde</name></wpt></gpx>\n'));
    const s = await t.locker.importFiles([file]);
    expect(s).toMatchObject({ imported: 1, errors: [] });
    expect(t.locker.search('Parkplatz').map((r) => r.title)).toEqual(['Parkplatz 2€ pro Stunde']);
  });

  it('a vCard 2.1 with CHARSET=ISO-8859-2 on 8-bit values (an old Nokia export): Łukasz Żółć', async () => {
    const { files } = homeAndFiles('locker-enc-');
    const file = path.join(files, 'nokia.vcf');
    writeFileSync(file, bytes('BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-2:', [0xbf, 0xf3, 0xb3, 0xe6], ';', [0xa3], 'ukasz\r\nTEL;CELL:+48 600 100 200\r\nEND:VCARD\r\n'));
    const s = await t.locker.importFiles([file]);
    expect(s).toMatchObject({ imported: 1, errors: [] });
    expect(t.locker.search('Łukasz').map((r) => r.title)).toEqual(['Łukasz żółć']);
  });
});

describe('letters of their own are found without their stroke', () => {
  it('"lucja zoltowska" finds Łucja Żółtowska, "strasse" Straße, "soren" Søren', async () => {
    const { files } = homeAndFiles('locker-enc-');
    const file = path.join(files, 'names.vcf');
    writeFileSync(file, 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Łucja Żółtowska\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Søren Kierkegaard\r\nADR:;;Hauptstraße 1;Berlin;;;\r\nEND:VCARD\r\n');
    await t.locker.importFiles([file]);
    expect(t.locker.search('lucja zoltowska').map((r) => r.title)).toEqual(['Łucja Żółtowska']);
    expect(t.locker.search('soren').map((r) => r.title)).toEqual(['Søren Kierkegaard']);
    expect(t.locker.search('hauptstrasse').map((r) => r.title)).toEqual(['Søren Kierkegaard']);
  });
});
