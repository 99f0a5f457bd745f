import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileDurable } from '../durable/index.js';
import type { CsvMapping } from '../importers/index.js';

/**
 * `<home>/config.json`: the settings a person writes by hand or the CLI
 * keeps for them (import limits, format options, saved CSV mappings, the
 * unlock agent's idle time). This module alone reads and writes it, through
 * one schema: a malformed file is an error value naming the file and the
 * field, never a throw, and is never overwritten. Keys the schema does not
 * know are kept, so a newer version's settings survive an older one's write.
 */
const CONFIG_FILE = 'config.json';

export function configFile(home: string): string {
  return path.join(home, CONFIG_FILE);
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
  signColumn: z.string().max(200).optional(),
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

const ConfigSchema = z
  .object({
    importCaps: CapsSchema.optional(),
    importOptions: OptionsSchema.optional(),
    /** Minutes without use after which the unlock agent forgets the key (`LOCKER_LOCK_AFTER` wins). */
    lockAfterMinutes: z.number().positive().optional(),
  })
  .passthrough();
export type LockerConfig = z.infer<typeof ConfigSchema>;

export type ConfigError =
  | { readonly kind: 'unreadable'; readonly file: string; readonly message: string }
  | { readonly kind: 'not-json'; readonly file: string; readonly message: string }
  | { readonly kind: 'invalid'; readonly file: string; readonly message: string };

/** No file is an empty configuration (`exists: false`): every setting has a default. */
export type ReadConfigResult = { readonly kind: 'ok'; readonly config: LockerConfig; readonly exists: boolean } | ConfigError;

export function readConfig(home: string): ReadConfigResult {
  const file = configFile(home);
  if (!existsSync(file)) return { kind: 'ok', config: {}, exists: false };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { kind: 'unreadable', file, message: `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { kind: 'not-json', file, message: `${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', file, message: `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  return { kind: 'ok', config: parsed.data, exists: true };
}

/**
 * Replaces config.json durably. Mode 0666 before the umask, as an ordinary
 * file: it holds addresses and settings, never records or secrets.
 */
export function writeConfig(home: string, config: LockerConfig): void {
  writeFileDurable(configFile(home), `${JSON.stringify(ConfigSchema.parse(config), null, 2)}\n`, { mode: 0o666 });
}

/** Keeps a CSV mapping (replacing one of the same name) for the next imports. A malformed config.json is left as it is and reported. */
export function saveCsvMapping(home: string, mapping: CsvMapping): { readonly kind: 'ok' } | ConfigError {
  const read = readConfig(home);
  if (read.kind !== 'ok') return read;
  const options = read.config.importOptions ?? {};
  const list = (options.csvMappings ?? []).filter((m) => m.name !== mapping.name);
  writeConfig(home, { ...read.config, importOptions: { ...options, csvMappings: [...list, CsvMappingSchema.parse(mapping)] } });
  return { kind: 'ok' };
}

export const CurrencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'a currency is a three-letter ISO 4217 code such as EUR, USD or GBP')
  .transform((c) => c.toUpperCase());

/**
 * The locker's default currency: what statements that don't say their own (QIF, CSV without a currency
 * column) are read in, each such record marked as assumed. `locker config currency EUR` or the app's
 * import screen set it; `LOCKER_CURRENCY` overrides it for one run.
 */
export function defaultCurrency(home: string): { readonly kind: 'ok'; readonly currency: string | undefined } | ConfigError {
  const read = readConfig(home);
  if (read.kind !== 'ok') return read;
  return { kind: 'ok', currency: read.config.importOptions?.currency?.toUpperCase() };
}

/** Keeps the default currency (a malformed config.json is left as it is and reported). */
export function saveDefaultCurrency(home: string, currency: string): { readonly kind: 'ok'; readonly currency: string } | ConfigError | { readonly kind: 'not-a-currency'; readonly message: string } {
  const parsed = CurrencySchema.safeParse(currency);
  if (!parsed.success) return { kind: 'not-a-currency', message: parsed.error.issues[0]?.message ?? 'not a currency code' };
  const read = readConfig(home);
  if (read.kind !== 'ok') return read;
  writeConfig(home, { ...read.config, importOptions: { ...read.config.importOptions, currency: parsed.data } });
  return { kind: 'ok', currency: parsed.data };
}
