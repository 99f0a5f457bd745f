import path from 'node:path';
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

/**
 * Electron fuses of the packaged app: one list, used by the afterPack hook
 * (`after-pack.ts`, which flips them) and by `dist-check.ts` (which reads them
 * back from the packaged executable). https://www.electronjs.org/docs/latest/tutorial/fuses
 *
 * `@electron/fuses` 1.8 (2.x needs Node 22) names the first 8 fuses. Electron 42's
 * wire has 9: the ninth, `wasm_trap_handlers` (on), has no name there and is left as
 * Electron ships it.
 */

/** A fuse's byte on the wire: ASCII '0' off, '1' on, 'r' removed (Electron's build/fuses/build.py). */
export const FUSE_OFF = 0x30;
export const FUSE_ON = 0x31;
export const FUSE_REMOVED = 0x72;

/** The fuse wire's marker in Electron's binary, followed by the wire version byte (1), the wire length, and one byte per fuse. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron 42's fuses as shipped (build/fuses/fuses.json5 at v42.0.0), in wire order.
 * The stub Electron of `stub-electron.ts` carries exactly this wire.
 */
export const ELECTRON_42_FUSE_DEFAULTS = [
  ['run_as_node', true],
  ['cookie_encryption', false],
  ['node_options', true],
  ['node_cli_inspect', true],
  ['embedded_asar_integrity_validation', false],
  ['only_load_app_from_asar', false],
  ['load_browser_process_specific_v8_snapshot', false],
  ['grant_file_protocol_extra_privileges', true],
  ['wasm_trap_handlers', true],
] as const;

/**
 * What Locker sets, and why:
 * - RunAsNode off: `ELECTRON_RUN_AS_NODE=1 Locker …` would otherwise turn the signed app into a plain
 *   Node that runs any script with the app's identity (and its keychain/TCC grants). Consequence:
 *   `child_process.fork` and spawning `process.execPath` as Node do not work in the packaged app;
 *   helper processes must be `utilityProcess.fork`.
 * - EnableCookieEncryption on: the cookie store is encrypted with the OS key (one-way; the app keeps no
 *   cookies of value, but nothing is lost by it).
 * - EnableNodeOptionsEnvironmentVariable off, EnableNodeCliInspectArguments off: no code or debugger
 *   injected through NODE_OPTIONS / --inspect.
 * - EnableEmbeddedAsarIntegrityValidation on, OnlyLoadAppFromAsar on: only the app.asar whose hash is
 *   embedded in the (signed) executable is loaded (checked on macOS and Windows; Linux has no check).
 * - LoadBrowserProcessSpecificV8Snapshot off: as shipped; no custom snapshot.
 * - GrantFileProtocolExtraPrivileges off: the app is served from `app://locker`, never file://.
 */
export const LOCKER_FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
} as const satisfies Record<FuseV1Options, boolean>;

/** The config handed to `flipFuses` for one packaged platform and arch. */
export function lockerFuseConfig(platform: string, arch: string): FuseV1Config {
  return {
    version: FuseVersion.V1,
    // An arm64 Mac refuses a binary whose ad-hoc signature no longer matches; a real signature follows anyway.
    resetAdHocDarwinSignature: (platform === 'darwin' || platform === 'mas') && arch === 'arm64',
    ...LOCKER_FUSES,
  };
}

/** The wire (one character per fuse) a packaged Electron 42 must carry after the hook: Locker's fuses, the rest as shipped. */
export function expectedFuseWire(): string {
  return ELECTRON_42_FUSE_DEFAULTS.map(([, on], i) => {
    const set = (LOCKER_FUSES as Partial<Record<number, boolean>>)[i];
    return (set ?? on) ? '1' : '0';
  }).join('');
}

/** The default wire as characters ('101100011' for Electron 42). */
export function defaultFuseWire(): string {
  return ELECTRON_42_FUSE_DEFAULTS.map(([, on]) => (on ? '1' : '0')).join('');
}

/** A fuse's name for messages: @electron/fuses' name, else Electron's own. */
export function fuseName(index: number): string {
  return FuseV1Options[index] ?? ELECTRON_42_FUSE_DEFAULTS[index]?.[0] ?? `fuse ${index}`;
}

export interface PackagedNames {
  /** `appInfo.productFilename` (Windows .exe and macOS .app name). */
  readonly productFilename: string;
  /** The Linux executable (`LinuxPackager.executableName`). */
  readonly executableName: string;
}

/**
 * The file whose fuse wire is flipped, as electron-builder lays out `appOutDir`:
 * `<productFilename>.exe` on Windows, the executable inside `<productFilename>.app` on macOS
 * (@electron/fuses goes from there to `Electron Framework.framework`, where the wire is),
 * and `<executableName>` on Linux.
 */
export function packagedExecutable(appOutDir: string, platform: string, names: PackagedNames): string {
  switch (platform) {
    case 'win32':
      return path.join(appOutDir, `${names.productFilename}.exe`);
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${names.productFilename}.app`, 'Contents', 'MacOS', names.productFilename);
    case 'linux':
      return path.join(appOutDir, names.executableName);
    default:
      throw new Error(`no packaged executable known for platform "${platform}"`);
  }
}
