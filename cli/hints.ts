import type { ImportError, PodErrorCode } from '../shared/api/index.js';

/**
 * The core's failures name no command (the desktop app shows them too): the
 * CLI adds, by code, which of its commands gets you out.
 */
const HINTS: Partial<Record<PodErrorCode, string>> = {
  'not-connected': 'run `locker pod local start` or `locker pod connect --issuer URL …`',
  'needs-login': 'log in again with `locker pod connect --issuer URL --interactive` (or --client-id ID --client-secret S)',
  forbidden: 'this login may not do that on the pod: `locker pod status` shows who you are logged in as',
};

/** A failure's message, with the CLI's way out when its code has one. */
export function failureText(r: { readonly message: string; readonly code?: PodErrorCode | undefined }): string {
  const hint = r.code ? HINTS[r.code] : undefined;
  return hint ? `${r.message}: ${hint}` : r.message;
}

/** An import refusal, with the CLI's way round it (the environment variables and flags it reads). */
export function importErrorText(e: ImportError): string {
  if (e.code === 'needs-secret') return `${e.message}: give it ${e.needs === 'identity' ? 'with --key-file' : 'with LOCKER_BACKUP_PASSPHRASE, LOCKER_PASSPHRASE or at the prompt'}`;
  if (e.code === 'needs-currency') return `${e.message}: set it once with \`locker config currency EUR\` (your currency's code), or import this file with --currency EUR`;
  if (e.code === 'too-large') return `${e.message} (LOCKER_MAX_FILE_MB or importCaps.maxFileBytes in config.json)`;
  return e.message;
}

/** The command-line options behind the payload fields a grant or request names. */
const FLAGS: Record<string, string> = { until: '--until', for: '--for', purpose: '--purpose', types: '--type', paths: '--path', agent: '--agent', client: '--client', modes: '--modes' };

/** A refusal of what was given, saying which option it was about. */
export function fieldText(r: { readonly message: string; readonly field?: string | undefined }): string {
  const flag = r.field ? FLAGS[r.field] : undefined;
  return flag ? `${flag}: ${r.message}` : r.message;
}
