import { DEFAULT_CAPS, type FormatOptions, type ImportCaps } from '../importers/index.js';
import { readConfig } from './config.js';

export { defaultHome } from './default-home.js';


export type ConfigResult = { readonly kind: 'ok'; readonly caps: ImportCaps; readonly options: FormatOptions } | { readonly kind: 'error'; readonly message: string };

const ENV_CAPS: Array<[string, keyof ImportCaps, number]> = [
  ['LOCKER_MAX_FILE_MB', 'maxFileBytes', 1024 * 1024],
  ['LOCKER_MAX_LINE_KB', 'maxLineBytes', 1024],
  ['LOCKER_MAX_DEPTH', 'maxDepth', 1],
  ['LOCKER_MAX_RECORDS', 'maxRecordsPerFile', 1],
  ['LOCKER_MAX_BINARY_MB', 'maxBinaryBytes', 1024 * 1024],
  ['LOCKER_MAX_SECONDS', 'maxSeconds', 1],
];

/** Import limits: defaults, then `<home>/config.json` (`{"importCaps": {...}}`, read by config.ts), then `LOCKER_MAX_*` variables. */
export function loadCaps(home: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const read = readConfig(home);
  if (read.kind !== 'ok') return { kind: 'error', message: read.message };
  let caps: ImportCaps = { ...DEFAULT_CAPS, ...read.config.importCaps };
  let options: FormatOptions = { ...read.config.importOptions };
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
