import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CAPS, type FormatOptions, type ImportCaps } from '../importers/index.js';

/** The OS's per-user app-data folder for Locker; `LOCKER_HOME` (or `--home`) overrides it. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['LOCKER_HOME']) return path.resolve(env['LOCKER_HOME']);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'Locker');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Locker');
  return path.join(env['XDG_DATA_HOME'] ?? path.join(home, '.local', 'share'), 'locker');
}

const CapsSchema = z
  .object({
    maxFileBytes: z.number().int().positive(),
    maxLineBytes: z.number().int().positive(),
    maxDepth: z.number().int().positive(),
    maxRecordsPerFile: z.number().int().positive(),
    maxBinaryBytes: z.number().int().positive(),
    maxSeconds: z.number().positive(),
    maxStreamBytes: z.number().int().positive(),
  })
  .partial();

export const CsvMappingSchema = z.object({
  name: z.string().min(1).max(100),
  match: z.array(z.string().max(200)).max(50).optional(),
  date: z.string().min(1).max(200),
  amount: z.string().max(200).optional(),
  debit: z.string().max(200).optional(),
  credit: z.string().max(200).optional(),
  payee: z.string().max(200).optional(),
  memo: z.string().max(200).optional(),
  reference: z.string().max(200).optional(),
  category: z.string().max(200).optional(),
  currencyColumn: z.string().max(200).optional(),
  currency: z.string().regex(/^[A-Za-z]{3}$/).optional(),
  dateFormat: z.string().regex(/^(?=.*(YYYY|YY))(?=.*M)(?=.*D)[YMD./ -]{4,12}$/, 'use YYYY or YY, MM or M, DD or D and separators, e.g. DD.MM.YYYY'),
  decimal: z.enum(['.', ',']),
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
});

const OptionsSchema = z.object({
  currency: z.string().regex(/^[A-Za-z]{3}$/).optional(),
  qifDateOrder: z.enum(['mdy', 'dmy']).optional(),
  csvMappings: z.array(CsvMappingSchema).max(100).optional(),
});

const ConfigSchema = z.object({ importCaps: CapsSchema.optional(), importOptions: OptionsSchema.optional() }).passthrough();

export type ConfigResult = { readonly kind: 'ok'; readonly caps: ImportCaps; readonly options: FormatOptions } | { readonly kind: 'error'; readonly message: string };

const ENV_CAPS: Array<[string, keyof ImportCaps, number]> = [
  ['LOCKER_MAX_FILE_MB', 'maxFileBytes', 1024 * 1024],
  ['LOCKER_MAX_LINE_KB', 'maxLineBytes', 1024],
  ['LOCKER_MAX_DEPTH', 'maxDepth', 1],
  ['LOCKER_MAX_RECORDS', 'maxRecordsPerFile', 1],
  ['LOCKER_MAX_BINARY_MB', 'maxBinaryBytes', 1024 * 1024],
  ['LOCKER_MAX_SECONDS', 'maxSeconds', 1],
];

/** Import limits: defaults, then `<home>/config.json` (`{"importCaps": {...}}`), then `LOCKER_MAX_*` variables. */
export function loadCaps(home: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  let caps: ImportCaps = { ...DEFAULT_CAPS };
  let options: FormatOptions = {};
  const file = path.join(home, 'config.json');
  if (existsSync(file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      return { kind: 'error', message: `${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
    const parsed = ConfigSchema.safeParse(raw);
    if (!parsed.success) return { kind: 'error', message: `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
    caps = { ...caps, ...parsed.data.importCaps };
    options = { ...parsed.data.importOptions };
  }
  for (const [name, key, unit] of ENV_CAPS) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) return { kind: 'error', message: `${name} must be a positive number (got ${JSON.stringify(v)})` };
    caps = { ...caps, [key]: key === 'maxSeconds' ? n : Math.max(1, Math.round(n * unit)) };
  }
  const currency = env['LOCKER_CURRENCY'];
  if (currency !== undefined && currency !== '') {
    if (!/^[A-Za-z]{3}$/.test(currency)) return { kind: 'error', message: `LOCKER_CURRENCY must be a currency code such as EUR (got ${JSON.stringify(currency)})` };
    options = { ...options, currency: currency.toUpperCase() };
  }
  const order = env['LOCKER_QIF_DATES'];
  if (order !== undefined && order !== '') {
    if (order !== 'mdy' && order !== 'dmy') return { kind: 'error', message: `LOCKER_QIF_DATES is mdy or dmy (got ${JSON.stringify(order)})` };
    options = { ...options, qifDateOrder: order };
  }
  return { kind: 'ok', caps, options };
}
