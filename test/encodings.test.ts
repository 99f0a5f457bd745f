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
