/**
 * Money as banks write it (issue 17 point 6): QIF in the locker's default currency (set once, each
 * record marked as assumed, a stable `needs-currency` refusal naming the command when there is none),
 * MT940 `:61:` and `:86:` as several banks write them (an unreadable line skipped on its own), and
 * ISO 20022 CAMT.053 statements.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { details, statementLine } from '../shared/importers/mt940.js';
import { inferDateFormat } from '../shared/importers/csv-bank.js';
import { detectFormat } from '../shared/importers/detect.js';
import { openSource } from '../shared/importers/pipeline.js';
import { collectAsync, DEFAULT_CAPS, type FormatOptions, type ParsedItem } from '../shared/importers/index.js';
import { configFile } from '../shared/api/index.js';
import { locker, lockerWith } from './helpers/cli.js';
import { homeAndFiles } from './helpers/home.js';

async function items(name: string, text: string, options?: FormatOptions): Promise<ParsedItem[]> {
  const opened = await openSource({ name, bytes: Buffer.from(text, 'latin1') }, DEFAULT_CAPS, options);
  if (opened.kind !== 'ok') throw new Error(opened.failure.message);
  return collectAsync(opened.parsed);
}

/** A record's amount, currency, date, payee, memo and whether the currency was assumed. */
function summary(item: ParsedItem): Record<string, string | boolean | undefined> {
  if (!item.record) return { skipped: item.skipped.reason };
  const q = item.record.quads;
  const value = (p: string, s?: string) => q.find((x) => x.predicate.value.endsWith(p) && (s === undefined || x.subject.value.endsWith(s)))?.object.value;
  return {
    date: value('orderDate'),
    amount: value('price'),
    currency: value('priceCurrency'),
    payee: value('name', '#seller'),
    memo: value('description'),
    assumed: value('currencyAssumed') === 'true',
  };
}

const QIF = ['!Type:Bank', 'D03/04/2024', 'T-10.00', 'PShop', '^', 'DNext Tuesday', 'T-5.00', 'PBad date', '^', 'D05/04/2024', 'T12,5x', 'PBad amount', '^', 'D06/04/2024', 'T20.00', 'PRefund', '^', ''].join('\n');

describe('QIF in the locker default currency', () => {
  it('refuses with needs-currency when there is no default, and marks every record read with one as assumed', async () => {
    const none = await openSource({ name: 'x.qif', bytes: Buffer.from(QIF) }, DEFAULT_CAPS, {});
    expect(none).toMatchObject({ kind: 'failed', failure: { code: 'needs-currency' } });
    const got = (await items('x.qif', QIF, { currency: 'EUR' })).map(summary);
    expect(got).toEqual([
      { date: '2024-03-04', amount: '-10.00', currency: 'EUR', payee: 'Shop', memo: undefined, assumed: true },
      { skipped: 'no readable date ("Next Tuesday")' },
      { skipped: 'no readable amount ("12,5x")' },
      { date: '2024-06-04', amount: '20.00', currency: 'EUR', payee: 'Refund', memo: undefined, assumed: true },
    ]);
  });

  it('`locker config currency` keeps the default in config.json; `import --currency` is for one import; the refusal names the command', async () => {
    const { home, files } = homeAndFiles('locker-bank-');
    const file = path.join(files, 'export.qif');
    writeFileSync(file, QIF);
    const refused = await locker(home, 'import', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('locker config currency EUR');
    expect((await locker(home, 'config', 'currency')).stdout).toMatch(/no default currency/);
    expect((await locker(home, 'config', 'currency', 'euro')).code).toBe(2);
    const once = JSON.parse((await locker(home, 'import', file, '--currency', 'chf', '--json')).stdout) as { imported: number; skipped: number };
    expect(once).toMatchObject({ imported: 2, skipped: 2 });
    expect((await locker(home, 'config', 'currency', 'gbp')).code).toBe(0);
    expect(JSON.parse(readFileSync(configFile(home), 'utf8'))).toMatchObject({ importOptions: { currency: 'GBP' } });
    expect((await locker(home, 'config', 'currency')).stdout).toMatch(/^GBP/);
    const other = path.join(files, 'other.qif');
    writeFileSync(other, ['!Type:CCard', 'D2024-05-01', 'T-3.20', 'PBakery', '^', ''].join('\n'));
    const r = await locker(home, 'import', other, '--json');
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse((await locker(home, 'search', 'Bakery', '--json')).stdout) as Array<{ id: string }>;
    const shown = (await locker(home, 'show', list[0]?.id ?? '')).stdout;
    expect(shown).toMatch(/priceCurrency: GBP/);
    expect(shown).toMatch(/currencyAssumed: true/);
    // LOCKER_CURRENCY still overrides for a run.
    const third = path.join(files, 'third.qif');
    writeFileSync(third, ['!Type:Cash', 'D2024-05-02', 'T-1.00', 'PKiosk', '^', ''].join('\n'));
    expect((await lockerWith({ LOCKER_CURRENCY: 'usd' }, home, 'import', third)).code).toBe(0);
    const kiosk = JSON.parse((await locker(home, 'search', 'Kiosk', '--json')).stdout) as Array<{ id: string }>;
    expect((await locker(home, 'show', kiosk[0]?.id ?? '')).stdout).toMatch(/priceCurrency: USD/);
  });
});

describe('MT940 as banks write it', () => {
  it('reads :61: with and without entry date, funds code, reversals, comma or no decimals, references and supplementary details', () => {
    expect(statementLine('1407290729C500NTRF29-07-2014 10:05//B4G2')).toMatchObject({ valueDate: '2014-07-29', entryDate: '2014-07-29', amount: '500', type: 'NTRF', reference: '29-07-2014 10:05', bankReference: 'B4G2' });
    expect(statementLine('140729C500,NMSCNONREF')).toMatchObject({ valueDate: '2014-07-29', entryDate: undefined, amount: '500', type: 'NMSC', reference: undefined });
    expect(statementLine('0909250925DR583,92NMSC1110030403010139//1234')).toMatchObject({ amount: '-583.92', reference: '1110030403010139', bankReference: '1234' });
    expect(statementLine('1301020102RD12,00NTRFNONREF')).toMatchObject({ amount: '12.00' }); // a debit reversed: money back in
    expect(statementLine('1301020102RC12,00NTRFNONREF')).toMatchObject({ amount: '-12.00' }); // a credit reversed: money out
    expect(statementLine('1312311231D1,50FMSCNONREF//0123\nKontofuehrungsgebuehr')).toMatchObject({ valueDate: '2013-12-31', amount: '-1.50', type: 'FMSC', bankReference: '0123', supplementary: 'Kontofuehrungsgebuehr' });
    expect(statementLine('1401021231D7,00NMSCNONREF')).toMatchObject({ valueDate: '2014-01-02', entryDate: '2013-12-31' });
    expect(typeof statementLine('garbage')).toBe('string');
    expect(typeof statementLine('141331C5,00NTRF')).toBe('string');
  });

  it('reads :86: of German, Polish, Dutch and free-text banks as payee and memo', () => {
    expect(details('166?00SEPA-UEBERWEISUNG?109310?20EREF+NOTPROVIDED?21SVWZ+Miete Juli?30DEUTDEFF?31DE89370400440532013000?32Max Mustermann?34997')).toEqual({ payee: 'Max Mustermann', memo: 'Miete Juli' });
    expect(details('020~00VENDOR PAYMENT~20Invoice 17/2014~21 paid~3010201026~32ACME SP. Z O.O.')).toEqual({ payee: 'ACME SP. Z O.O.', memo: 'Invoice 17/2014 paid' });
    expect(details('/TRTP/SEPA OVERBOEKING/IBAN/NL46ABNA0499998748/BIC/ABNANL2A/NAME/J. JANSEN/REMI/Factuur 2014-07/EREF/NOTPROVIDED')).toEqual({ payee: 'J. JANSEN', memo: 'Factuur 2014-07' });
    expect(details('/CNTP/NL08INGB0000001234/INGBNL2A/Gemeente Utrecht/UTRECHT/\n/REMI/USTD//Parkeervergunning 2014/')).toEqual({ payee: 'Gemeente Utrecht', memo: 'Parkeervergunning 2014' });
    expect(details('CARD PAYMENT\nCOFFEE HOUSE LONDON')).toEqual({ memo: 'CARD PAYMENT COFFEE HOUSE LONDON' });
  });

  it('imports every readable line and skips an unreadable :61: with its line, reason and text', async () => {
    const text = [
      ':20:STARTUMS',
      ':25:10020030/1234567',
      ':28C:1/1',
      ':60F:C140728EUR1000,00',
      ':61:1407290729C500NTRF29-07-2014 10:05//B4G2',
      ':86:166?00GUTSCHRIFT?20Rechnung 42?32Hans Meier',
      ':61:14XX29D12,00NMSCNONREF',
      ':86:broken line',
      ':61:140730D25NMSCNONREF',
      ':86:/NAME/Bakkerij/REMI/Brood/',
      ':62F:C140730EUR1463,00',
      '-',
      '',
    ].join('\r\n');
    const got = await items('statement.sta', text);
    expect(got.map(summary)).toEqual([
      { date: '2014-07-29', amount: '500', currency: 'EUR', payee: 'Hans Meier', memo: 'Rechnung 42', assumed: false },
      { skipped: expect.stringMatching(/not a statement line/) },
      { date: '2014-07-30', amount: '-25', currency: 'EUR', payee: 'Bakkerij', memo: 'Brood', assumed: false },
    ]);
    expect(got[1]?.skipped).toMatchObject({ line: 7, raw: ':61:14XX29D12,00NMSCNONREF\n:86:broken line' });
  });
});

const CAMT = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>053D2014-07-29T22:01:07.0N140000000</MsgId><CreDtTm>2014-07-29T22:01:07.0+02:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>0352C5320140729220107</Id>
      <Acct><Id><IBAN>DE14740618130000033626</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Ntry>
        <Amt Ccy="EUR">2.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2014-07-29</Dt></BookgDt><ValDt><Dt>2014-07-29</Dt></ValDt>
        <AcctSvcrRef>2014072900001</AcctSvcrRef>
        <BkTxCd><Prtry><Cd>NMSC+201</Cd><Issr>ZKA</Issr></Prtry></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties><Cdtr><Nm>Bäckerei Schmidt</Nm></Cdtr><CdtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></CdtrAcct></RltdPties>
          <RmtInf><Ustrd>Brötchen</Ustrd><Ustrd>Kasse 3</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2014-07-30</Dt></BookgDt><ValDt><Dt>2014-07-30</Dt></ValDt>
        <AcctSvcrRef>2014073000002</AcctSvcrRef>
        <AddtlNtryInf>SAMMELGUTSCHRIFT</AddtlNtryInf>
        <NtryDtls>
          <Btch><NbOfTxs>2</NbOfTxs></Btch>
          <TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">100.00</Amt></TxAmt></AmtDtls><RltdPties><Dbtr><Nm>Anna</Nm></Dbtr></RltdPties><RmtInf><Ustrd>Beitrag Juli</Ustrd></RmtInf></TxDtls>
          <TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">200.00</Amt></TxAmt></AmtDtls><RltdPties><Dbtr><Pty><Nm>Bernd</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>Beitrag Juli und August</Ustrd></RmtInf></TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">abc</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <BookgDt><Dt>2014-07-30</Dt></BookgDt>
      </Ntry>
      <Ntry>
        <Amt Ccy="USD">19.99</Amt><CdtDbtInd>DBIT</CdtDbtInd>
        <ValDt><DtTm>2014-07-31T10:00:00</DtTm></ValDt>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;

describe('ISO 20022 CAMT.053', () => {
  it('is recognised by its Document namespace, whatever its version', () => {
    expect(detectFormat(Buffer.from(CAMT), 'statement.xml')).toEqual({ kind: 'format', format: 'camt' });
    expect(detectFormat(Buffer.from(CAMT.replace('camt.053.001.02', 'camt.053.001.08')), 'x.xml')).toEqual({ kind: 'format', format: 'camt' });
    expect(detectFormat(Buffer.from(CAMT.replace('camt.053.001.02', 'pain.001.001.03')), 'x.xml').kind).toBe('unknown');
  });

  it('reads each entry (a batch as one, with its parts in the description), skips an unreadable one with its line', async () => {
    const got = await items('camt.xml', Buffer.from(CAMT).toString('latin1'));
    expect(got.map(summary)).toEqual([
      { date: '2014-07-29', amount: '-2.50', currency: 'EUR', payee: 'Bäckerei Schmidt', memo: 'Brötchen; Kasse 3', assumed: false },
      { date: '2014-07-30', amount: '300.00', currency: 'EUR', payee: undefined, memo: 'Anna: Beitrag Juli; Bernd: Beitrag Juli und August', assumed: false },
      { skipped: 'no readable amount ("abc")' },
      { date: '2014-07-31', amount: '-19.99', currency: 'USD', payee: undefined, memo: undefined, assumed: false },
    ]);
    expect(got[2]?.skipped?.line).toBe(30);
    expect(got[2]?.skipped?.raw).toMatch(/^<Ntry>[\s\S]*abc[\s\S]*<\/Ntry>$/);
  });

  it('gives the same ids on a second reading and different ids to different entries', async () => {
    const a = (await items('camt.xml', CAMT)).flatMap((i) => (i.record ? [i.record.id] : []));
    const b = (await items('camt.xml', CAMT)).flatMap((i) => (i.record ? [i.record.id] : []));
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(3);
  });

  it('refuses hostile XML as a whole', async () => {
    const evil = CAMT.replace('<Document', '<!DOCTYPE Document [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<Document').replace('Kasse 3', '&b;');
    expect(await openSource({ name: 'evil.xml', bytes: Buffer.from(evil) }, DEFAULT_CAPS)).toMatchObject({ kind: 'failed' });
  });
});

describe('CSV dates no preset knows (issue 17 point 6)', () => {
  it('are read in the order the file itself shows, else the locker’s date order, and a guess is said', () => {
    expect(inferDateFormat(['2/8/15', '2/24/15'])).toEqual({ format: 'M/D/YY', guessed: false });
    expect(inferDateFormat(['24.02.2015', '01.03.2015'])).toEqual({ format: 'D.M.YYYY', guessed: false });
    expect(inferDateFormat(['10/02/2018'])).toEqual({ format: 'M/D/YYYY', guessed: true });
    expect(inferDateFormat(['10/02/2018'], 'dmy')).toEqual({ format: 'D/M/YYYY', guessed: true });
    expect(inferDateFormat(['2018-02-25 12:34:56 +0000'])).toEqual({ format: 'YYYY-MM-DD', guessed: false });
    // Both orders shown, or two layouts in one column: no format, so each row is reported rather than misread.
    expect(inferDateFormat(['13/01/2018', '01/13/2018'])).toBeUndefined();
    expect(inferDateFormat(['13/01/2018', '2018-01-13'])).toBeUndefined();
  });
});
