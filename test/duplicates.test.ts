/**
 * Likely duplicates across sources are proposed with their reasons, never
 * merged silently; a merge takes the missing fields and removes the other;
 * a dismissed pair is not proposed again.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locker } from './helpers/cli.js';
import { homeAndFiles } from './helpers/home.js';

interface Pair {
  type: string;
  a: { id: string; title: string; source?: string };
  b: { id: string; title: string; source?: string };
  reasons: string[];
}

describe('duplicates', () => {
  it('the same person from the phone and from a Takeout archive is proposed, merged on request, and gone from the proposals', async () => {
    const { home, files } = homeAndFiles('locker-dup-');
    writeFileSync(path.join(files, 'phone.vcf'), ['BEGIN:VCARD', 'VERSION:3.0', 'UID:phone-123', 'FN:Zoë Müller', 'N:Müller;Zoë;;;', 'TEL;TYPE=CELL:+41 79 123 45 67', 'EMAIL:zoe@example.net', 'END:VCARD', ''].join('\r\n'));
    writeFileSync(path.join(files, 'All Contacts.vcf'), ['BEGIN:VCARD', 'VERSION:3.0', 'UID:takeout-987', 'FN:Zoe Mueller', 'N:Mueller;Zoe;;;', 'EMAIL;TYPE=INTERNET:ZOE@example.net', 'BDAY:1990-02-03', 'ORG:Example AG', 'END:VCARD', 'BEGIN:VCARD', 'VERSION:3.0', 'UID:takeout-555', 'FN:Bob Other', 'EMAIL:bob@example.com', 'END:VCARD', ''].join('\r\n'));
    expect((await locker(home, 'import', files)).code).toBe(0);
    const pairs = JSON.parse((await locker(home, 'duplicates', '--json')).stdout) as Pair[];
    expect(pairs).toHaveLength(1);
    expect(pairs[0]?.reasons).toEqual(['same email zoe@example.net']);
    expect([pairs[0]?.a.source, pairs[0]?.b.source].sort()).toEqual(['All Contacts.vcf', 'phone.vcf']);
    // Nothing was merged by looking.
    expect((JSON.parse((await locker(home, 'list', '--type', 'contact', '--json')).stdout) as unknown[]).length).toBe(3);

    const phone = [pairs[0]?.a, pairs[0]?.b].find((x) => x?.source === 'phone.vcf');
    const takeout = [pairs[0]?.a, pairs[0]?.b].find((x) => x?.source === 'All Contacts.vcf');
    const merged = await locker(home, 'merge', phone?.id ?? '', takeout?.id ?? '', '--json');
    expect(merged.code, merged.stderr).toBe(0);
    const shown = JSON.parse((await locker(home, 'show', phone?.id ?? '', '--format', 'json')).stdout) as { properties: Record<string, unknown> };
    expect(shown.properties['fn']).toBe('Zoë Müller'); // the kept record's name stays
    expect(shown.properties['bday']).toBe('1990-02-03'); // taken from the other
    expect(shown.properties['organization-name']).toBe('Example AG');
    expect(shown.properties['hasTelephone']).toBeDefined();
    expect([shown.properties['hasEmail']].flat()).toHaveLength(1); // the same address is not doubled
    expect((await locker(home, 'show', takeout?.id ?? '')).code).toBe(1);
    expect(JSON.parse((await locker(home, 'duplicates', '--json')).stdout)).toEqual([]);
  });

  it('the same payment in an OFX and a CSV statement is proposed; identical lines of one statement are not; a dismissed pair stays dismissed', async () => {
    const { home, files } = homeAndFiles('locker-dup-');
    writeFileSync(
      path.join(files, 'bank.ofx'),
      ['OFXHEADER:100', 'DATA:OFXSGML', '', '<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>1</BANKACCTFROM><BANKTRANLIST>', '<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240301<TRNAMT>-4.50<FITID>a1<NAME>Café</STMTTRN>', '<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240301<TRNAMT>-4.50<FITID>a2<NAME>Café</STMTTRN>', '</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>'].join('\n'),
    );
    writeFileSync(path.join(files, 'export.csv'), ['Date,Description,Amount,Currency', '2024-03-02,Bakery,-3.00,EUR', '2024-03-05,Books,-20.00,EUR'].join('\n'));
    writeFileSync(path.join(files, 'other.csv'), ['Date,Description,Amount,Currency', '2024-03-05,BOOKSHOP LTD,-20.00,EUR'].join('\n'));
    expect((await locker(home, 'import', files)).code).toBe(0);
    const pairs = JSON.parse((await locker(home, 'duplicates', '--type', 'purchase', '--json')).stdout) as Pair[];
    expect(pairs.map((p) => [p.a.title, p.b.title].sort())).toEqual([['BOOKSHOP LTD', 'Books']]);
    expect(pairs[0]?.reasons[0]).toContain('same day, amount and currency');
    expect((await locker(home, 'duplicates', '--dismiss', pairs[0]?.a.id ?? '', pairs[0]?.b.id ?? '')).code).toBe(0);
    expect(JSON.parse((await locker(home, 'duplicates', '--json')).stdout)).toEqual([]);
    const text = await locker(home, 'merge', pairs[0]?.a.id ?? '', 'nosuchid');
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('no record nosuchid');
  });
});
