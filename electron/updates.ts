import type { AppSettings, HostHooks } from '../shared/api/index.js';

/**
 * Updates, only with the person's consent (Settings → "Look for updates",
 * off until they say yes), through electron-updater. The policy is plain
 * TypeScript and the updater is handed in (no runtime import of `electron`
 * or `electron-updater` here), so tests drive it with a fake:
 *
 * - nothing is checked unless the person agreed, the app is an installed
 *   copy that can update itself, and `LOCKER_NO_UPDATES=1` is not set;
 * - a check ~30 s after start, then at most once a day (a failed check is
 *   tried again after an hour);
 * - an available update is a notification; it is downloaded only when the
 *   person clicks it and says yes, and installed only when they say so
 *   (`quitAndInstall`); nothing is installed on quit behind their back;
 * - revoking consent stops the checks, and whatever the updater still
 *   reports is ignored.
 *
 * electron-updater checks what it downloads against the sha512 in
 * `latest.yml` (and, on Windows, the installer's publisher signature; on
 * macOS, Squirrel.Mac only installs an app signed like the running one):
 * none of that is turned off here.
 */

export type UpdateSupport = NonNullable<HostHooks['updates']>;

/** What decides whether this copy can update itself (`main.ts` reads them from `app`, `process` and the resources folder). */
export interface UpdateSupportFacts {
  readonly isPackaged: boolean;
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `process.mas`: a Mac App Store build. */
  readonly mas: boolean;
  /** `process.windowsStore`: a Microsoft Store (appx) build. */
  readonly windowsStore: boolean;
  /** `<resources>/app-update.yml` exists (electron-builder writes it when the build says where updates come from). */
  readonly hasUpdateConfig: boolean;
  /** `<resources>/package-type` (electron-builder writes `deb`, `rpm`, `pacman`), when there is one. */
  readonly packageType?: string;
}

/** Whether this copy of the app can update itself with electron-updater, and why not. */
export function updateSupport(f: UpdateSupportFacts): UpdateSupport {
  const no = (reason: string): UpdateSupport => ({ available: false, reason });
  if (!f.isPackaged) return no('This copy of Locker runs from its sources, not an installed app, so it does not update itself.');
  if (f.mas) return no('This copy of Locker comes from the Mac App Store, which updates it.');
  if (f.windowsStore) return no('This copy of Locker comes from the Microsoft Store, which updates it.');
  switch (f.platform) {
    case 'darwin':
      break;
    case 'win32':
      if (f.env['PORTABLE_EXECUTABLE_DIR']) return no('This is a portable copy of Locker: download new versions from the website.');
      break;
    case 'linux':
      if (f.env['SNAP']) return no('This copy of Locker is a snap, which the Snap Store updates.');
      if (!f.env['APPIMAGE'] && !['deb', 'rpm', 'pacman'].includes(f.packageType ?? '')) return no('This copy of Locker was unpacked from an archive, so it cannot update itself: download new versions from the website.');
      break;
    default:
      return no(`Locker cannot update itself on ${f.platform}.`);
  }
  if (!f.hasUpdateConfig) return no('This build of Locker does not say where updates come from (no app-update.yml).');
  return { available: true };
}

/** What the settings screen is told (`HostHooks.updates`): `LOCKER_NO_UPDATES=1` turns updates off for this copy, whatever it could do. */
export function hostUpdates(support: UpdateSupport, env: Readonly<Record<string, string | undefined>>): UpdateSupport {
  if (env['LOCKER_NO_UPDATES'] === '1') return { available: false, reason: 'Update checks are turned off for this copy of Locker (LOCKER_NO_UPDATES=1).' };
  return support;
}

/** The first check after start. */
export const STARTUP_DELAY_MS = 30_000;
/** At most one (successful) check a day. */
export const CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** After a failed check (offline…). */
export const RETRY_MS = 60 * 60 * 1000;

export interface PlanInput {
  /** The person's choice (`settings.updates.enabled`). */
  readonly enabled: boolean;
  readonly support: UpdateSupport;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** When the app started (the first check waits `STARTUP_DELAY_MS` from then). */
  readonly startedMs: number;
  /** The last successful check, if any (kept in userData across restarts). */
  readonly lastCheckMs: number | undefined;
  readonly now: number;
}

export type UpdatePlan = { readonly kind: 'off'; readonly reason: string } | { readonly kind: 'check'; readonly delayMs: number };

export function updatePlan(i: PlanInput): UpdatePlan {
  if (i.env['LOCKER_NO_UPDATES'] === '1') return { kind: 'off', reason: 'LOCKER_NO_UPDATES=1 is set' };
  if (!i.support.available) return { kind: 'off', reason: i.support.reason };
  if (!i.enabled) return { kind: 'off', reason: 'you have not allowed Locker to look for updates' };
  const first = i.startedMs + STARTUP_DELAY_MS;
  // A last check "in the future" (the clock was moved back) counts as now.
  const next = i.lastCheckMs === undefined ? 0 : Math.min(i.lastCheckMs, i.now) + CHECK_INTERVAL_MS;
  return { kind: 'check', delayMs: Math.max(0, Math.max(first, next) - i.now) };
}

/** What is used of electron-updater's `AppUpdater` (its `autoUpdater`), so that a fake can stand in. */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  allowDowngrade: boolean;
  forceDevUpdateConfig: boolean;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available' | 'update-downloaded', listener: (info: { readonly version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Nothing happens by itself: no download without a yes, no install on quit, no pre-releases or downgrades, no dev config. */
export function configureUpdater(updater: UpdaterLike): void {
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  updater.allowPrerelease = false;
  updater.allowDowngrade = false;
  updater.forceDevUpdateConfig = false;
}

export interface UpdateUi {
  /** An update can be had: tell the person (a notification); `consider` is what a click on it does. */
  available(version: string, consider: () => void): void;
  /** "Download Locker X now?" */
  confirmDownload(version: string): Promise<boolean>;
  /** "Locker X is downloaded. Restart to install it now?" */
  confirmInstall(version: string): Promise<boolean>;
  log(line: string): void;
}

export interface UpdateControllerOptions {
  /** The updater, created on first use (electron-updater's `autoUpdater` is built the first time it is read). */
  readonly updater: () => UpdaterLike;
  readonly support: UpdateSupport;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly startedMs: number;
  readonly now?: () => number;
  /** Where the last successful check is kept (userData). */
  readonly lastCheck: { read(): number | undefined; write(ms: number): void };
  readonly ui: UpdateUi;
}

/**
 * Runs the plan: `apply(settings)` at start and whenever the settings change
 * (`HostHooks.onSettingsChanged`); `stop()` on quit.
 */
export class UpdateController {
  private enabled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private updater: UpdaterLike | undefined;
  private offered: string | undefined;
  private downloading = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: UpdateControllerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The plan for these settings, as it stands now. */
  plan(settings: AppSettings): UpdatePlan {
    return updatePlan({ enabled: settings.updates.enabled, support: this.opts.support, env: this.opts.env, startedMs: this.opts.startedMs, lastCheckMs: this.opts.lastCheck.read(), now: this.now() });
  }

  apply(settings: AppSettings): UpdatePlan {
    const plan = this.stopped ? ({ kind: 'off', reason: 'Locker is quitting' } as const) : this.plan(settings);
    this.enabled = plan.kind === 'check';
    this.clear();
    if (plan.kind === 'check') this.schedule(plan.delayMs);
    else this.offered = undefined;
    return plan;
  }

  stop(): void {
    this.stopped = true;
    this.enabled = false;
    this.offered = undefined;
    this.clear();
  }

  /** What a click on the "available" notification does: ask, then download on a yes (never otherwise). */
  async consider(): Promise<void> {
    const version = this.offered;
    if (!this.enabled || version === undefined || this.downloading || !this.updater) return;
    const yes = await this.opts.ui.confirmDownload(version);
    // Consent may have been revoked while the dialog was open.
    if (!yes || !this.enabled || this.offered !== version) return;
    this.downloading = true;
    try {
      await this.updater.downloadUpdate();
    } catch (e) {
      this.opts.ui.log(`locker: the update could not be downloaded: ${message(e)}`);
    } finally {
      this.downloading = false;
    }
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    this.clear();
    this.timer = setTimeout(() => void this.check(), delayMs);
  }

  private ensureUpdater(): UpdaterLike {
    if (this.updater) return this.updater;
    const u = this.opts.updater();
    configureUpdater(u);
    u.on('update-available', (info) => {
      if (!this.enabled) return;
      this.offered = info.version;
      this.opts.ui.available(info.version, () => void this.consider());
    });
    u.on('update-downloaded', (info) => {
      if (!this.enabled) return;
      void this.opts.ui.confirmInstall(info.version).then((yes) => {
        if (yes && this.enabled) u.quitAndInstall(false, true);
      });
    });
    u.on('error', (e) => this.opts.ui.log(`locker: updater: ${message(e)}`));
    this.updater = u;
    return u;
  }

  private async check(): Promise<void> {
    this.timer = undefined;
    if (!this.enabled) return;
    try {
      await this.ensureUpdater().checkForUpdates();
      this.opts.lastCheck.write(this.now());
      if (this.enabled) this.schedule(CHECK_INTERVAL_MS);
    } catch (e) {
      this.opts.ui.log(`locker: looking for updates failed (${message(e)}); trying again in an hour`);
      if (this.enabled) this.schedule(RETRY_MS);
    }
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
