/** `<home>/config.json`: one module reads and writes it (shared/api/config.ts). */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { configFile, loadCaps, readConfig, saveCsvMapping, writeConfig } from '../shared/api/index.js';
import type { CsvMapping } from '../shared/importers/index.js';
import { tempHome } from './helpers/home.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function home(): string {
  const t = tempHome('locker-config-');
  cleanups.push(t.cleanup);
  return t.home;
}

const mapping = (name: string, amount = 'Amount'): CsvMapping => ({ name, match: ['Date', amount], date: 'Date', amount, dateFormat: 'DD.MM.YYYY', decimal: ',' });

describe('config.json', () => {
  it('no file is the empty configuration', () => {
    expect(readConfig(home())).toEqual({ kind: 'ok', config: {}, exists: false });
  });

  it('round-trips, keeping keys it does not know', () => {
    const h = home();
    const config = { importCaps: { maxDepth: 4 }, importOptions: { currency: 'EUR', qifDateOrder: 'dmy' as const }, lockAfterMinutes: 30, fromANewerVersion: { x: [1, 2] } };
    writeConfig(h, config);
    expect(readConfig(h)).toEqual({ kind: 'ok', config, exists: true });
    expect(JSON.parse(readFileSync(configFile(h), 'utf8'))).toEqual(config);
    expect(readdirSync(h)).toEqual(['config.json']);
    const caps = loadCaps(h, {});
    expect(caps).toMatchObject({ kind: 'ok', caps: { maxDepth: 4 }, options: { currency: 'EUR', qifDateOrder: 'dmy' } });
  });

  it('saves CSV mappings, replacing one of the same name, and leaves the rest of the file alone', () => {
    const h = home();
    writeFileSync(configFile(h), JSON.stringify({ importCaps: { maxDepth: 9 }, note: 'mine' }));
    expect(saveCsvMapping(h, mapping('bank'))).toEqual({ kind: 'ok' });
    expect(saveCsvMapping(h, mapping('card'))).toEqual({ kind: 'ok' });
    expect(saveCsvMapping(h, mapping('bank', 'Betrag'))).toEqual({ kind: 'ok' });
    const read = readConfig(h);
    expect(read).toMatchObject({ kind: 'ok', config: { importCaps: { maxDepth: 9 }, note: 'mine' } });
    if (read.kind !== 'ok') return;
    expect(read.config.importOptions?.csvMappings?.map((m) => [m.name, m.amount])).toEqual([
      ['card', 'Amount'],
      ['bank', 'Betrag'],
    ]);
  });

  it('a file that is not JSON is an error value, never overwritten', () => {
    const h = home();
    writeFileSync(configFile(h), '{ nope');
    expect(readConfig(h)).toMatchObject({ kind: 'not-json', file: configFile(h), message: expect.stringMatching(/config\.json is not valid JSON/) });
    expect(saveCsvMapping(h, mapping('bank'))).toMatchObject({ kind: 'not-json' });
    expect(readFileSync(configFile(h), 'utf8')).toBe('{ nope');
    expect(loadCaps(h, {})).toMatchObject({ kind: 'error', message: expect.stringMatching(/not valid JSON/) });
  });

  it('a file against the schema is an error value naming the field, never overwritten', () => {
    const h = home();
    for (const [bad, field] of [
      [{ importCaps: { maxDepth: -1 } }, /importCaps\.maxDepth/],
      [{ importOptions: { qifDateOrder: 'ymd' } }, /importOptions\.qifDateOrder/],
      [{ lockAfterMinutes: 'soon' }, /lockAfterMinutes/],
      [[1, 2], /expected object/],
    ] as const) {
      writeFileSync(configFile(h), JSON.stringify(bad));
      expect(readConfig(h)).toMatchObject({ kind: 'invalid', message: expect.stringMatching(field) });
      expect(saveCsvMapping(h, mapping('bank'))).toMatchObject({ kind: 'invalid' });
      expect(JSON.parse(readFileSync(configFile(h), 'utf8'))).toEqual(bad);
    }
  });
});
