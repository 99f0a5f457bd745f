/**
 * Bank and card statements: OFX 1.x (SGML) and 2.x (XML), QIF, MT940 and CSV
 * (presets, a saved mapping, a one-off mapping) become purchase records with
 * amount, currency, date and payee. Realistic samples with the messy parts:
 * legacy encodings, time zones, decimal commas, two-digit years, ambiguous
 * dates, missing fields, repeated identical lines.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../shared/importers/money.js';
import { ofxDate } from '../shared/importers/ofx.js';
import { parseDateAs } from '../shared/importers/csv-bank.js';
import { locker, lockerWith } from './helpers/cli.js';
import { homeAndFiles } from './helpers/home.js';

interface Tx {
  date: string;
  amount: string;
  currency: string;
  payee?: string;
  memo?: string;
}

/** Every purchase as date/amount/currency/payee/memo, sorted. */
async function transactions(home: string): Promise<Tx[]> {
  const list = JSON.parse((await locker(home, 'list', '--type', 'purchase', '--json')).stdout) as Array<{ id: string }>;
  const out: Tx[] = [];
  for (const { id } of list) {
    const j = JSON.parse((await locker(home, 'show', id, '--format', 'json')).stdout) as { properties: Record<string, unknown> };
    const p = j.properties;
    const price = p['totalPaymentDue'] as { price: string; priceCurrency: string };
    const seller = p['seller'] as { name: string } | undefined;
    out.push({ date: String(p['orderDate']), amount: Number(price.price).toFixed(2), currency: price.priceCurrency, ...(seller && { payee: seller.name }), ...(p['description'] !== undefined && { memo: String(p['description']) }) });
  }
  return out.sort((a, b) => `${a.date}${a.amount}${a.payee ?? ''}`.localeCompare(`${b.date}${b.amount}${b.payee ?? ''}`));
}

const OFX_SGML = [
  'OFXHEADER:100',
  'DATA:OFXSGML',
  'VERSION:102',
  'SECURITY:NONE',
  'ENCODING:USASCII',
  'CHARSET:1252',
  'COMPRESSION:NONE',
  'OLDFILEUID:NONE',
  'NEWFILEUID:NONE',
  '',
  '<OFX>',
  '<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240301120000[-5:EST]<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>',
  '<BANKMSGSRSV1>',
  '<STMTTRNRS>',
  '<TRNUID>1',
  '<STATUS><CODE>0<SEVERITY>INFO</STATUS>',
  '<STMTRS>',
  '<CURDEF>USD',
  '<BANKACCTFROM><BANKID>121000248<ACCTID>4417123456<ACCTTYPE>CHECKING</BANKACCTFROM>',
  '<BANKTRANLIST>',
  '<DTSTART>20240201<DTEND>20240229',
  '<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240205120000.000[-5:EST]<TRNAMT>-42.17<FITID>2024020501<NAME>CAFÉ MÜLLER<MEMO>POS purchase</STMTTRN>',
  '<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240215<TRNAMT>2500.00<FITID>2024021501<NAME>ACME PAYROLL</STMTTRN>',
  '<STMTTRN><TRNTYPE>CHECK<DTPOSTED>20240220000000<TRNAMT>-120.00<FITID>2024022001<CHECKNUM>1043<MEMO>Check 1043</STMTTRN>',
  '<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240229235959[+5.30:IST]<TRNAMT>-9.99<FITID>2024022902<NAME>Streaming &amp; Co</STMTTRN>',
  '</BANKTRANLIST>',
  '<LEDGERBAL><BALAMT>5000.00<DTASOF>20240229</LEDGERBAL>',
  '</STMTRS>',
  '</STMTTRNRS>',
  '</BANKMSGSRSV1>',
  '</OFX>',
  '',
].join('\r\n');

const OFX_XML = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
  <CREDITCARDMSGSRSV1>
    <CCSTMTTRNRS>
      <TRNUID>0</TRNUID>
      <STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
      <CCSTMTRS>
        <CURDEF>EUR</CURDEF>
        <CCACCTFROM><ACCTID>XXXX-XXXX-XXXX-4242</ACCTID></CCACCTFROM>
        <BANKTRANLIST>
          <DTSTART>20240101000000[+1:CET]</DTSTART>
          <DTEND>20240131000000[+1:CET]</DTEND>
          <STMTTRN>
            <TRNTYPE>DEBIT</TRNTYPE>
            <DTPOSTED>20240112183000[+1:CET]</DTPOSTED>
            <TRNAMT>-63.40</TRNAMT>
            <FITID>CC-0001</FITID>
            <NAME>Bäckerei Kraków &amp; Söhne</NAME>
          </STMTTRN>
          <STMTTRN>
            <TRNTYPE>DEBIT</TRNTYPE>
            <DTPOSTED>20240120</DTPOSTED>
            <TRNAMT>-15.00</TRNAMT>
            <FITID>CC-0002</FITID>
            <NAME>Parking</NAME>
            <CURRENCY><CURRATE>1.0842</CURRATE><CURSYM>USD</CURSYM></CURRENCY>
          </STMTTRN>
        </BANKTRANLIST>
      </CCSTMTRS>
    </CCSTMTTRNRS>
  </CREDITCARDMSGSRSV1>
</OFX>
`;

describe('OFX and QFX', () => {
  it('reads an OFX 1.x (SGML, Windows-1252) bank statement and an OFX 2.x (XML) card statement', async () => {
    const { home, files } = homeAndFiles('locker-money-');
    // A .qfx named file whose content is SGML with Windows-1252 bytes (É, Ü).
    writeFileSync(path.join(files, 'checking.qfx'), Buffer.from(OFX_SGML, 'latin1'));
    writeFileSync(path.join(files, 'card.ofx'), OFX_XML);
    const r = await locker(home, 'import', path.join(files, 'checking.qfx'), path.join(files, 'card.ofx'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 6, errors: [] });
    expect(await transactions(home)).toEqual([
      { date: '2024-01-12T18:30:00+01:00', amount: '-63.40', currency: 'EUR', payee: 'Bäckerei Kraków & Söhne' },
      { date: '2024-01-20', amount: '-15.00', currency: 'USD', payee: 'Parking' },
      { date: '2024-02-05T12:00:00-05:00', amount: '-42.17', currency: 'USD', payee: 'CAFÉ MÜLLER', memo: 'POS purchase' },
      { date: '2024-02-15', amount: '2500.00', currency: 'USD', payee: 'ACME PAYROLL' },
      { date: '2024-02-20', amount: '-120.00', currency: 'USD', memo: 'Check 1043' },
      { date: '2024-02-29T23:59:59+05:30', amount: '-9.99', currency: 'USD', payee: 'Streaming & Co' },
    ]);
    // Re-importing (even renamed) changes nothing; ids come from the bank's FITIDs.
    writeFileSync(path.join(files, 'statement.txt'), Buffer.from(OFX_SGML, 'latin1'));
    expect(JSON.parse((await locker(home, 'import', path.join(files, 'statement.txt'), '--json')).stdout)).toMatchObject({ imported: 0, unchanged: 4 });
    // Provenance says where each came from.
    const one = JSON.parse((await locker(home, 'search', 'payroll', '--json')).stdout) as Array<{ id: string }>;
    const shown = JSON.parse((await locker(home, 'show', one[0]?.id ?? '', '--format', 'json')).stdout) as { provenance: { importer: string; fileName: string } };
    expect(shown.provenance).toMatchObject({ importer: 'ofx', fileName: 'checking.qfx' });
  });

  it('refuses entity declarations and cut files without writing anything', async () => {
    const { home, files } = homeAndFiles('locker-money-');
    const evil = OFX_XML.replace('<?OFX', '<!DOCTYPE OFX [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<?OFX').replace('<NAME>Parking</NAME>', '<NAME>&b;</NAME>');
    writeFileSync(path.join(files, 'evil.ofx'), evil);
    const r = await locker(home, 'import', path.join(files, 'evil.ofx'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DOCTYPE');
    writeFileSync(path.join(files, 'cut.ofx'), OFX_SGML.slice(0, OFX_SGML.indexOf('<TRNAMT>2500')) + '<TRNAMT>');
    const cut = await locker(home, 'import', path.join(files, 'cut.ofx'));
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/cut short/);
    expect(await transactions(home)).toEqual([]);
    // A whole statement with one unreadable amount keeps the rest and says which was skipped.
    writeFileSync(path.join(files, 'one-bad.ofx'), OFX_SGML.replace('<TRNAMT>2500', '<TRNAMT>2,5x00'));
    const partial = await locker(home, 'import', path.join(files, 'one-bad.ofx'), '--json');
    expect(partial.code, partial.stderr).toBe(3);
    const summary = JSON.parse(partial.stdout) as { skipped: number; skippedItems: { line: number; reason: string; raw: string }[] };
    expect(summary.skipped).toBe(1);
    expect(summary.skippedItems[0]).toMatchObject({ reason: expect.stringMatching(/no readable amount/), raw: expect.stringMatching(/^<STMTTRN>[\s\S]*2,5x00/) });
    expect(summary.skippedItems[0]?.line).toBeGreaterThan(1);
    expect((await transactions(home)).length).toBeGreaterThan(0);
  });

  it('reads OFX dates with and without times and zones', () => {
    expect(ofxDate('20240105')).toBe('2024-01-05');
    expect(ofxDate('20240105120000')).toBe('2024-01-05T12:00:00Z');
    expect(ofxDate('20240105120000.123[-5:EST]')).toBe('2024-01-05T12:00:00-05:00');
    expect(ofxDate('20240105083000[+9:JST]')).toBe('2024-01-05T08:30:00+09:00');
    expect(ofxDate('20240105083000[-3.30:NST]')).toBe('2024-01-05T08:30:00-03:30');
    expect(ofxDate('20240105083000[5.5:IST]')).toBe('2024-01-05T08:30:00+05:30');
    expect(ofxDate('20240231')).toBeUndefined();
  });
});

describe('QIF', () => {
  const QIF = [
    '!Type:Cat',
    'NGroceries',
    'E',
    '^',
    '!Type:Bank',
    "D31/12'23",
    'T-1,234.56',
    'PLandlord Ltd',
    'MRent December',
    'LHousing:Rent',
    '^',
    "D 2/01'24",
    'T-4.50',
    'PBäckerei Schön',
    'N101',
    '^',
    "D 2/01'24",
    'T-4.50',
    'PBäckerei Schön',
    'N101',
    '^',
    'D15/01/2024',
    'U2,000.00',
    'T2,000.00',
    'PSalary',
    'C*',
    '^',
  ].join('\r\n');

  it('infers day-first dates from the file, keeps repeated identical lines apart, and reads Windows-1252', async () => {
    const { home, files } = homeAndFiles('locker-money-');
    writeFileSync(path.join(files, 'export.qif'), Buffer.from(QIF, 'latin1'));
    const noCurrency = await locker(home, 'import', path.join(files, 'export.qif'), '--json');
    expect(noCurrency.code).toBe(1);
    expect(JSON.parse(noCurrency.stdout).errors[0]).toMatchObject({ code: 'needs-currency' });
    const told = await locker(home, 'import', path.join(files, 'export.qif'));
    expect(told.stderr).toContain('locker config currency');
    expect(told.stderr).not.toContain('LOCKER_CURRENCY');
    const r = await lockerWith({ LOCKER_CURRENCY: 'gbp' }, home, 'import', path.join(files, 'export.qif'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(await transactions(home)).toEqual([
      { date: '2023-12-31', amount: '-1234.56', currency: 'GBP', payee: 'Landlord Ltd', memo: 'Rent December' },
      { date: '2024-01-02', amount: '-4.50', currency: 'GBP', payee: 'Bäckerei Schön' },
      { date: '2024-01-02', amount: '-4.50', currency: 'GBP', payee: 'Bäckerei Schön' },
      { date: '2024-01-15', amount: '2000.00', currency: 'GBP', payee: 'Salary' },
    ]);
    expect(JSON.parse((await lockerWith({ LOCKER_CURRENCY: 'GBP' }, home, 'import', path.join(files, 'export.qif'), '--json')).stdout)).toMatchObject({ imported: 0, unchanged: 4 });
  });

  it('uses the configured order when no date tells, and refuses a file that mixes orders', async () => {
    const { home, files } = homeAndFiles('locker-money-');
    writeFileSync(path.join(files, 'ambiguous.qif'), ['!Type:CCard', 'D03/04/2024', 'T-10.00', 'PShop', '^', ''].join('\n'));
    expect((await lockerWith({ LOCKER_CURRENCY: 'USD' }, home, 'import', path.join(files, 'ambiguous.qif'))).code).toBe(0);
    expect((await transactions(home))[0]?.date).toBe('2024-03-04'); // month first by default
    const other = homeAndFiles('locker-money-');
    expect((await lockerWith({ LOCKER_CURRENCY: 'EUR', LOCKER_QIF_DATES: 'dmy' }, other.home, 'import', path.join(files, 'ambiguous.qif'))).code).toBe(0);
    expect((await transactions(other.home))[0]?.date).toBe('2024-04-03');
    writeFileSync(path.join(files, 'mixed.qif'), ['!Type:Bank', 'D13/01/2024', 'T-1', '^', 'D01/13/2024', 'T-2', '^'].join('\n'));
    const mixed = await lockerWith({ LOCKER_CURRENCY: 'USD' }, home, 'import', path.join(files, 'mixed.qif'));
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain('mix day-first and month-first');
  });
});

describe('MT940', () => {
  const MT940 = [
    '{1:F01DEUTDEFFAXXX0000000000}{2:I940DEUTDEFFXXXXN}{4:',
    ':20:STARTUMSE',
    ':25:10020030/1234567890',
    ':28C:00001/001',
    ':60F:C240131EUR1234,56',
    ':61:2402010201DR45,00NDDTNONREF//POS 1234',
    ':86:005?00LASTSCHRIFT?20EREF+ZAHLUNG 0815?21Strom Februar?32Stadtwerke Düsseldorf?33 AG',
    ':61:2402020202CR1500,00NTRFNONREF',
    ':86:166?00GUTSCHRIFT?20Gehalt Februar 2024?32Muster GmbH',
    ':61:240203D3,50NMSCKAFFEE',
    ':86:Kaffeebar am Markt',
    ':62F:C240203EUR2686,06',
    '-}',
  ].join('\r\n');

  it('reads a statement with structured and free-text details, debits and credits, ISO-8859-1', async () => {
    const { home, files } = homeAndFiles('locker-money-');
    writeFileSync(path.join(files, 'umsaetze.sta'), Buffer.from(MT940, 'latin1'));
    const r = await locker(home, 'import', path.join(files, 'umsaetze.sta'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(await transactions(home)).toEqual([
      { date: '2024-02-01', amount: '-45.00', currency: 'EUR', payee: 'Stadtwerke Düsseldorf AG', memo: 'EREF+ZAHLUNG 0815Strom Februar' },
      { date: '2024-02-02', amount: '1500.00', currency: 'EUR', payee: 'Muster GmbH', memo: 'Gehalt Februar 2024' },
      { date: '2024-02-03', amount: '-3.50', currency: 'EUR', memo: 'Kaffeebar am Markt' },
    ]);
  });
});

describe('CSV statements', () => {
  it('recognises common layouts by their header: German (semicolons, decimal commas, DD.MM.YY), US (MM/DD/YYYY), Revolut (a currency per row)', async () => {
    const { home, files } = homeAndFiles('locker-money-');
    writeFileSync(
      path.join(files, 'sparkasse.csv'),
      Buffer.from(
        [
          '"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"BIC (SWIFT-Code)";"Betrag";"Waehrung";"Info"',
          '"DE44500105175407324931";"28.02.24";"28.02.24";"KARTENZAHLUNG";"Einkauf; Filiale 12";"REWE Markt GmbH";"DE02120300000000202051";"BYLADEM1001";"-1.234,50";"EUR";"Umsatz gebucht"',
          '"DE44500105175407324931";"01.03.24";"01.03.24";"GUTSCHRIFT";"Rückerstattung";"Müller & Söhne";"";"";"12,5";"EUR";"Umsatz gebucht"',
        ].join('\r\n'),
        'latin1',
      ),
    );
    writeFileSync(path.join(files, 'chase.csv'), ['Transaction Date,Post Date,Description,Category,Type,Amount,Memo', '01/05/2024,01/06/2024,"AMAZON MKTPL*AB12CD, SEATTLE",Shopping,Sale,-23.99,', '01/07/2024,01/07/2024,Payment Thank You,,Payment,500.00,'].join('\n'));
    writeFileSync(path.join(files, 'revolut.csv'), ['Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,Balance', 'CARD_PAYMENT,Current,2024-03-01 10:11:12,2024-03-02 09:00:00,Bolt,-7.20,0.00,PLN,COMPLETED,100.00'].join('\n'));
    const r = await locker(home, 'import', files, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(await transactions(home)).toEqual([
      { date: '2024-01-05', amount: '-23.99', currency: 'USD', payee: 'AMAZON MKTPL*AB12CD, SEATTLE' },
      { date: '2024-01-07', amount: '500.00', currency: 'USD', payee: 'Payment Thank You' },
      { date: '2024-02-28', amount: '-1234.50', currency: 'EUR', payee: 'REWE Markt GmbH', memo: 'Einkauf; Filiale 12' },
      { date: '2024-03-01', amount: '12.50', currency: 'EUR', payee: 'Müller & Söhne', memo: 'Rückerstattung' },
      { date: '2024-03-02', amount: '-7.20', currency: 'PLN', payee: 'Bolt' },
    ]);
  });

  it('an unknown layout asks for a mapping; a one-off mapping imports it and --save-map keeps it for next time', async () => {
    const { home, files } = homeAndFiles('locker-money-');
    const file = path.join(files, 'mybank.csv');
    writeFileSync(file, ['Datum|Empfänger|Soll|Haben|Notiz', '05.02.2024|Bäckerei|3,20||Brötchen', '06.02.2024|Arbeitgeber||2.100,00|Lohn'].join('\n'));
    const unknown = await locker(home, 'import', file);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--csv-map');
    expect(unknown.stderr).toContain('"Datum"');
    const map = 'date=Datum,payee=Empfänger,debit=Soll,credit=Haben,memo=Notiz,dateFormat=DD.MM.YYYY,decimal=comma,currency=EUR';
    const bad = await locker(home, 'import', file, '--csv-map', 'date=Datum,dateFormat=nonsense,decimal=comma');
    expect(bad.code).toBe(2);
    const ok = await locker(home, 'import', file, '--csv-map', map, '--save-map', 'mybank', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(await transactions(home)).toEqual([
      { date: '2024-02-05', amount: '-3.20', currency: 'EUR', payee: 'Bäckerei', memo: 'Brötchen' },
      { date: '2024-02-06', amount: '2100.00', currency: 'EUR', payee: 'Arbeitgeber', memo: 'Lohn' },
    ]);
    // Saved: a new file of the same bank imports with no mapping given.
    writeFileSync(path.join(files, 'mybank-march.csv'), ['Datum|Empfänger|Soll|Haben|Notiz', '02.03.2024|Kino|12,00||'].join('\n'));
    const next = await locker(home, 'import', path.join(files, 'mybank-march.csv'), '--json');
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ imported: 1 });
    // A row with no amount at all is skipped with its row number; the rest of that file is kept.
    writeFileSync(path.join(files, 'mybank-april.csv'), ['Datum|Empfänger|Soll|Haben|Notiz', '01.04.2024|Kino|5,00||', '02.04.2024|Kino|||'].join('\n'));
    const broken = await locker(home, 'import', path.join(files, 'mybank-april.csv'));
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/mybank-april\.csv:3: no readable amount/);
    expect(await transactions(home)).toHaveLength(4);
  });

  it('reads amounts and dates the way statements write them', () => {
    expect(parseAmount('1.234,56')).toBe('1234.56');
    expect(parseAmount('1,234.56')).toBe('1234.56');
    expect(parseAmount('-12,5')).toBe('-12.5');
    expect(parseAmount('(12.50)')).toBe('-12.50');
    expect(parseAmount('12.50-')).toBe('-12.50');
    expect(parseAmount('1 234,56 €')).toBe('1234.56');
    expect(parseAmount("1'234.50")).toBe('1234.50');
    expect(parseAmount('1,234')).toBe('1234');
    expect(parseAmount('1,234', ',')).toBe('1.234');
    expect(parseAmount('abc')).toBeUndefined();
    expect(parseAmount('1.2.3,4,5')).toBeUndefined();
    expect(parseDateAs('DD.MM.YY', '28.02.24')).toBe('2024-02-28');
    expect(parseDateAs('MM/DD/YYYY', '02/30/2024')).toBeUndefined();
    expect(parseDateAs('YYYY-MM-DD', '2024-03-02 09:00:00')).toBe('2024-03-02');
    expect(parseDateAs('D.M.YYYY', '5.3.2024')).toBe('2024-03-05');
  });
});
