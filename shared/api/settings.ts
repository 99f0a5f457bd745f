import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { openVault, readConnection, secretKey, connectionFile, type TokenVault } from '../auth/index.js';
import { writeFileDurable } from '../durable/index.js';
import type { ExportSummary } from '../export/index.js';
import { localPasswordKey, localPodPaths, readAccount, stopLocalPod } from '../localpod/index.js';
import type { Locker } from './locker.js';
import type { PodEnv } from './pod.js';

/**
 * The settings screen's operations: what the app keeps where, the person's
 * choice about updates, "export everything" and "delete everything".
 *
 * Preferences are per locker, in `<home>/settings.json` (no secret in it).
 * What only the host can do (a save dialog, whether it can update itself) it
 * brings as `HostHooks`.
 */

export interface AppSettings {
  /** Whether the app may look for updates. Off until the person says yes; `decidedMs` is when they chose. */
  readonly updates: { readonly enabled: boolean; readonly decidedMs?: number };
}

const SettingsSchema = z.object({ updates: z.object({ enabled: z.boolean(), decidedMs: z.number().int().nonnegative().optional() }).strict() }).strict();

export const DEFAULT_SETTINGS: AppSettings = { updates: { enabled: false } };

export function settingsFile(home: string): string {
  return path.join(home, 'settings.json');
}

/** The saved settings; the defaults when there are none. A damaged file is an error (never silently reset). */
export function readSettings(home: string): { readonly kind: 'ok'; readonly settings: AppSettings } | { readonly kind: 'error'; readonly message: string } {
  const file = settingsFile(home);
  if (!existsSync(file)) return { kind: 'ok', settings: DEFAULT_SETTINGS };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { kind: 'error', message: `${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'error', message: `${file} is not a settings file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  return { kind: 'ok', settings: parsed.data };
}

function writeSettings(home: string, settings: AppSettings): void {
  writeFileDurable(settingsFile(home), `${JSON.stringify(settings, null, 2)}\n`);
}

/** What a host (the desktop app, `locker serve`) adds to the settings operations. */
export interface HostHooks {
  /** Where "export everything" writes: the desktop asks with a save dialog (undefined: the person cancelled). Default: the Downloads folder. */
  readonly chooseExportPath?: (suggested: string) => Promise<string | undefined>;
  /** Whether this app can update itself (only a packaged desktop app can), and why not. */
  readonly updates?: { readonly available: true } | { readonly available: false; readonly reason: string };
  /** Told after the settings changed (the desktop starts or stops its update checks). */
  readonly onSettingsChanged?: (settings: AppSettings) => void;
  /** The app's version, shown on the settings screen. */
  readonly version?: string;
  /** Set when this host cannot run the pod on this computer (a packaged desktop app cannot start Node child processes), and why. */
  readonly localPodUnavailable?: string;
}

export interface SettingsView {
  readonly dataFolder: string;
  readonly encrypted: boolean;
  readonly secrets: { readonly protection: string; readonly describe: string; readonly warning?: string } | { readonly protection: 'unknown'; readonly describe: string };
  readonly updates: { readonly enabled: boolean; readonly available: boolean; readonly reason?: string };
  readonly version?: string;
  readonly settingsProblem?: string;
}

export async function settingsView(locker: Locker, penv: PodEnv, host: HostHooks): Promise<SettingsView> {
  const read = readSettings(locker.home);
  const settings = read.kind === 'ok' ? read.settings : DEFAULT_SETTINGS;
  let secrets: SettingsView['secrets'];
  try {
    const vault = await openVault(locker.home, penv.env ?? process.env, locker.dataKey, penv.sealer);
    secrets = { protection: vault.protection, describe: vault.describe, ...(vault.warning !== undefined && { warning: vault.warning }) };
  } catch (e) {
    secrets = { protection: 'unknown', describe: `Where login secrets are kept could not be found out: ${e instanceof Error ? e.message : String(e)}` };
  }
  const updates = host.updates ?? { available: false, reason: 'This copy of Locker is not an installed desktop app, so it does not update itself.' };
  return {
    dataFolder: path.resolve(locker.home),
    encrypted: locker.encrypted,
    secrets,
    updates: { enabled: settings.updates.enabled, available: updates.available, ...(!updates.available && { reason: updates.reason }) },
    ...(host.version !== undefined && { version: host.version }),
    ...(read.kind === 'error' && { settingsProblem: read.message }),
  };
}

export function setUpdates(locker: Locker, host: HostHooks, enabled: boolean, now = Date.now()): { readonly kind: 'ok'; readonly settings: AppSettings } | { readonly kind: 'error'; readonly message: string } {
  const read = readSettings(locker.home);
  if (read.kind === 'error') return read;
  const settings: AppSettings = { ...read.settings, updates: { enabled, decidedMs: now } };
  writeSettings(locker.home, settings);
  host.onSettingsChanged?.(settings);
  return { kind: 'ok', settings };
}

export type ExportEverythingResult = ({ readonly kind: 'saved' } & ExportSummary) | { readonly kind: 'cancelled' } | { readonly kind: 'error'; readonly message: string };

/** `locker-export-2026-11-29.trig` in `folder`, with `-2`, `-3`… when that name or its binaries folder (`….files`, see export/trig.ts) is taken: never overwrites. */
export function exportFileName(folder: string, now: Date, exists: (p: string) => boolean = existsSync): string {
  const day = now.toISOString().slice(0, 10);
  for (let n = 1; ; n++) {
    const name = path.join(folder, `locker-export-${day}${n === 1 ? '' : `-${n}`}.trig`);
    if (!exists(name) && !exists(name.replace(/\.trig$/, '.files'))) return name;
  }
}

/** The person's Downloads folder when there is one, else their home folder. */
function downloadsFolder(): string {
  const d = path.join(os.homedir(), 'Downloads');
  return existsSync(d) ? d : os.homedir();
}

/** Every record as TriG, and the binaries (photos, attachments) beside it, where the host says (by default: a new file in Downloads). */
export async function exportEverything(locker: Locker, host: HostHooks, now = new Date()): Promise<ExportEverythingResult> {
  const suggested = exportFileName(downloadsFolder(), now);
  const target = host.chooseExportPath ? await host.chooseExportPath(suggested) : suggested;
  if (target === undefined) return { kind: 'cancelled' };
  if (!path.isAbsolute(target)) return { kind: 'error', message: 'the export needs an absolute path' };
  try {
    return { kind: 'saved', ...(await locker.exportTo(target)) };
  } catch (e) {
    return { kind: 'error', message: `the export could not be written to ${target}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** What the person must type to delete everything. */
export { DELETE_EVERYTHING_PHRASE } from './contract.js';

export type DeleteEverythingResult =
  | { readonly kind: 'deleted'; readonly records: number; readonly binaries: number; readonly disconnected: boolean; readonly localPodRemoved: boolean }
  /** Grants still open access on the pod: they must be revoked first, or the person could no longer end them from here. */
  | { readonly kind: 'has-grants'; readonly count: number; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Deletes everything this locker keeps on this computer: records, binaries,
 * conflicts, grant history, sync notes (the database is rewritten so nothing
 * lingers in free pages), the pod connection and its login secret, and the
 * embedded local pod with its data. A pod elsewhere is not touched. Refused
 * while a grant is open: its rules live on the pod, and only this locker
 * knows them to revoke.
 */
export async function deleteEverything(locker: Locker, penv: PodEnv): Promise<DeleteEverythingResult> {
  const openGrants = (): DeleteEverythingResult | undefined => {
    const open = locker.store.grants.list().filter((g) => g.state === 'active' || g.state === 'pending' || g.state === 'revoking');
    if (open.length === 0) return undefined;
    return {
      kind: 'has-grants',
      count: open.length,
      message: `${open.length === 1 ? 'One app or bot still has' : `${open.length} apps or bots still have`} access to your pod. Revoke ${open.length === 1 ? 'it' : 'them'} on the Sharing screen first: after deleting, Locker could no longer end ${open.length === 1 ? 'that access' : 'those accesses'}.`,
    };
  };
  // Refused before anything is cancelled; then running imports are cancelled (they would write their next file after
  // the wipe), and the grant check and the wipe run under one hold of the write lock, so no grant is settled between.
  const early = openGrants();
  if (early) return early;
  locker.cancelImports();
  let wiped = false;
  try {
    const r = await locker.wipe(openGrants);
    if (r.kind === 'refused') return r.why;
    wiped = true;
    const vault = await openVault(locker.home, penv.env ?? process.env, locker.dataKey, penv.sealer);
    const disconnected = await forgetPod(locker, vault);
    const localPodRemoved = await removeLocalPod(locker.home, vault);
    return { kind: 'deleted', records: r.records, binaries: r.binaries, disconnected, localPodRemoved };
  } catch (e) {
    return { kind: 'error', message: `${wiped ? 'the records were deleted, but ' : ''}not everything could be deleted: ${e instanceof Error ? e.message : String(e)}` };
  }
}

async function forgetPod(locker: Locker, vault: TokenVault): Promise<boolean> {
  const read = readConnection(locker.home);
  if (read.kind !== 'ok') return false;
  await vault.delete(secretKey(read.connection));
  rmSync(connectionFile(locker.home), { force: true });
  return true;
}

async function removeLocalPod(home: string, vault: TokenVault): Promise<boolean> {
  const paths = localPodPaths(home);
  if (!existsSync(paths.dir)) return false;
  const stopped = await stopLocalPod(home);
  if (stopped.kind === 'error') throw new Error(`the local pod could not be stopped: ${stopped.message}`);
  const account = readAccount(paths.account);
  if (account.kind === 'ok') {
    const a = account.account;
    await vault.delete(localPasswordKey(a.issuer, a.email));
    await vault.delete(secretKey({ issuer: a.issuer, method: 'client-credentials', webId: a.webId }));
  }
  rmSync(paths.dir, { recursive: true, force: true });
  return true;
}
