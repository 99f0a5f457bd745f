import { z } from 'zod';
import type { ExportEverythingResult, GrantView, ImportSummary } from '../shared/api/index.js';
import { ROUTES } from './menu.js';

/**
 * What the desktop app tells the person through the OS's notifications, as
 * pure functions: which notices are due and what they say. `main.ts` shows
 * them with Electron's `Notification` (when supported); a click focuses the
 * window and shows `route`. No runtime import of `electron`.
 *
 * Bodies are plain text, short, one line. Anything that comes from outside
 * (the names of imported files, a grant's agent, an update's version) goes
 * through `plainText`: control and bidi characters out, `<`, `>` and `&` made
 * harmless (some Linux notification servers read a body as markup), capped.
 */

export interface Notice {
  /** Stable for one occurrence (a grant's `id@until`, an import's start…); main replaces a shown notice of the same key. */
  readonly key: string;
  readonly title: string;
  readonly body: string;
  /** The screen a click opens. */
  readonly route: string;
}

export const MAX_TITLE = 64;
export const MAX_BODY = 240;
const MAX_NAME = 40;

// C0, DEL, C1 (line breaks, tabs, terminal escapes): a space each run.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
// Zero-width and bidi controls (a file name can hide or reverse text with them), BOM: removed.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** One line of plain text of at most `max` code points, safe to show whatever it came from. */
export function plainText(text: string, max: number): string {
  const flat = text
    .normalize('NFC')
    .replace(CONTROL, ' ')
    .replace(INVISIBLE, '')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/&/g, '＆')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** A file's name (not its folder) for a notice: plain, and when long, shortened in the middle so its extension stays. */
export function fileLabel(file: string): string {
  const base = file.split(/[\\/]/).filter(Boolean).pop() ?? file;
  const clean = plainText(base, Number.MAX_SAFE_INTEGER);
  const chars = [...clean];
  if (chars.length <= MAX_NAME) return clean || 'a file';
  return `${chars.slice(0, MAX_NAME - 9).join('')}…${chars.slice(-8).join('')}`;
}

function listFiles(files: readonly string[]): string {
  const names = files.slice(0, 2).map(fileLabel);
  const more = files.length - names.length;
  if (more > 0) return `${names.join(', ')} and ${more} more file${more === 1 ? '' : 's'}`;
  return names.join(' and ');
}

function notice(key: string, title: string, body: string, route: string): Notice {
  return { key, title: plainText(title, MAX_TITLE), body: plainText(body, MAX_BODY), route };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

// Grants ----------------------------------------------------------------

/** How long before a grant ends the person is told. */
const GRANT_WARNING_MS = 24 * 60 * 60 * 1000;
/** More grants ending at once than this: one notice for all of them. */
const MAX_GRANT_NOTICES = 3;

export type GrantFacts = Pick<GrantView, 'id' | 'agent' | 'what' | 'until' | 'state'>;

/** One grant's expiry (a grant that is extended gets a new key, so it is told again before its new end). */
export const grantNoticeKey = (g: Pick<GrantView, 'id' | 'until'>): string => `${g.id}@${g.until}`;

/** Who a grant is for: the host of its agent's WebID (`bot.example`), or the agent as given. */
export function agentLabel(agent: string): string {
  const host = URL.canParse(agent) ? new URL(agent).hostname : '';
  return plainText(host || agent, MAX_NAME);
}

function inHours(untilMs: number, now: number): string {
  const hours = Math.ceil((untilMs - now) / 3_600_000);
  return hours <= 1 ? 'within the hour' : `in ${hours} hours`;
}

/**
 * Active grants ending within `GRANT_WARNING_MS` that have not been told
 * (by `grantNoticeKey`): a notice each, or one for all when there are many.
 * `keys` are to be added to the told set (all of them, also those summed up).
 */
export function expiringGrantNotices(grants: readonly GrantFacts[], told: ReadonlySet<string>, now: number): { readonly notices: readonly Notice[]; readonly keys: readonly string[] } {
  const due = grants.filter((g) => {
    const until = Date.parse(g.until);
    return g.state === 'active' && Number.isFinite(until) && until > now && until - now <= GRANT_WARNING_MS && !told.has(grantNoticeKey(g));
  });
  const keys = due.map(grantNoticeKey);
  if (due.length === 0) return { notices: [], keys };
  if (due.length > MAX_GRANT_NOTICES) {
    const agents = [...new Set(due.map((g) => agentLabel(g.agent)))];
    const body = `${agents.slice(0, 3).join(', ')}${agents.length > 3 ? ` and ${agents.length - 3} more` : ''} will no longer see your records. Extend access on the Sharing screen.`;
    return { notices: [notice(`grants@${keys.join(',')}`, `${plural(due.length, 'access', 'accesses')} end within a day`, body, ROUTES.sharing)], keys };
  }
  const notices = due.map((g) => {
    const what = g.what.length === 0 ? 'your records' : g.what.slice(0, 3).map((w) => plainText(w, 24)).join(', ') + (g.what.length > 3 ? '…' : '');
    return notice(grantNoticeKey(g), `Access for ${agentLabel(g.agent)} ends ${inHours(Date.parse(g.until), now)}`, `It may see: ${what}. Extend it on the Sharing screen if it should go on.`, ROUTES.sharing);
  });
  return { notices, keys };
}

const ToldSchema = z.array(z.string().max(400)).max(10_000);

/** The told set as saved in userData (`notified-grants.json`); garbage is an empty set (worst case: a notice told twice). */
export function parseTold(text: string | undefined): Set<string> {
  if (text === undefined) return new Set();
  try {
    const parsed = ToldSchema.safeParse(JSON.parse(text));
    return new Set(parsed.success ? parsed.data : []);
  } catch {
    return new Set();
  }
}

/** The told set to save: only keys whose end has not passed (older ones can never come up again). */
export function serializeTold(told: ReadonlySet<string>, now: number): string {
  const keep = [...told].filter((k) => {
    const until = Date.parse(k.slice(k.lastIndexOf('@') + 1));
    return Number.isFinite(until) && until > now;
  });
  return `${JSON.stringify(keep.sort())}\n`;
}

// Conflicts -------------------------------------------------------------

/** A notice when there are more conflicts than at the last look; none at the first look (the tray shows them). */
export function conflictNotice(previous: number | undefined, current: number): Notice | undefined {
  if (previous === undefined || current <= previous) return undefined;
  const fresh = current - previous;
  return notice(
    `conflicts@${current}`,
    fresh === 1 ? 'A record changed in two places' : `${fresh} records changed in two places`,
    `${plural(current, 'conflict')} to review: choose which version to keep on the Pod screen.`,
    ROUTES.pod,
  );
}

// Import ----------------------------------------------------------------

export type ImportOutcome = { readonly kind: 'ok'; readonly summary: ImportSummary } | { readonly kind: 'failed'; readonly message: string };

/** A finished import of files the OS handed to Locker: what was added, from which files, which failed. */
export function importNotice(outcome: ImportOutcome, files: readonly string[], key: string): Notice {
  if (outcome.kind === 'failed') return notice(key, 'Import failed', `${listFiles(files)} could not be imported. Nothing was changed.`, ROUTES.import);
  const s = outcome.summary;
  const done: string[] = [];
  if (s.imported > 0) done.push(`${plural(s.imported, 'record')} added`);
  if (s.updated > 0) done.push(`${plural(s.updated, 'record')} updated`);
  const failedFiles = [...new Set(s.errors.map((e) => e.file))];
  const failed = failedFiles.length > 0 ? ` ${failedFiles.length === 1 ? `${fileLabel(failedFiles[0] ?? '')} could not be read` : `${failedFiles.length} files could not be read`}.` : '';
  const what = done.length > 0 ? `${done.join(', ')} from ${listFiles(files)}.` : s.unchanged > 0 ? `Nothing new in ${listFiles(files)}: ${plural(s.unchanged, 'record was', 'records were')} already in Locker.` : `Nothing was found to import in ${listFiles(files)}.`;
  const skipped = s.skipped > 0 ? ` ${plural(s.skipped, 'item')} could not be read and ${s.skipped === 1 ? 'was' : 'were'} skipped.` : '';
  const title = failedFiles.length > 0 ? (done.length > 0 ? 'Import finished with problems' : 'Import failed') : s.skipped > 0 ? 'Import finished with problems' : 'Import finished';
  return notice(key, title, `${what}${failed}${skipped}`, failedFiles.length > 0 || s.skipped > 0 ? ROUTES.import : ROUTES.timeline);
}

// Export ----------------------------------------------------------------

/** "Export everything…" from the menu; undefined when the person cancelled the save dialog. */
export function exportNotice(result: ExportEverythingResult, key: string): Notice | undefined {
  switch (result.kind) {
    case 'cancelled':
      return undefined;
    case 'saved':
      return notice(key, 'Export saved', `${plural(result.records, 'record')}${result.binaries > 0 ? ` and ${plural(result.binaries, 'file')}` : ''} written to ${fileLabel(result.file)}.`, ROUTES.settings);
    case 'error':
      return notice(key, 'Export failed', 'Nothing complete was written. Try again, or choose another folder.', ROUTES.settings);
  }
}

// Updates ---------------------------------------------------------------

/** A new version (its number is from the update server: plain-texted). A click asks whether to download it. */
export function updateNotice(version: string): Notice {
  const v = plainText(version, 32);
  return notice(`update@${v}`, `Locker ${v} is available`, 'Click to download it. Nothing is downloaded or installed until you say so.', ROUTES.settings);
}

// Sync ------------------------------------------------------------------

/** A sync started from the tray or the menu failed (one the page started shows its own error). */
export function syncFailedNotice(message: string, key: string): Notice {
  return notice(key, 'Sync failed', `${plainText(message, 160)} Your records are safe here; Locker tries again next time.`, ROUTES.pod);
}
