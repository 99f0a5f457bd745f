import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, flipFuses, getCurrentFuseWire } from '@electron/fuses';
import type { AfterPackContext } from 'electron-builder';
import { Arch } from 'electron-builder';
import { afterAll, describe, expect, it } from 'vitest';
import afterPack from '../packaging/after-pack.js';
import { defaultFuseWire, expectedFuseWire, FUSE_SENTINEL, LOCKER_FUSES, lockerFuseConfig, packagedExecutable } from '../packaging/fuses.js';
import { STUB_MARKER, stubExecutable, writeStubElectron } from '../packaging/stub-electron.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'locker-fuses-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The wire as '0'/'1'/'r' characters, read by @electron/fuses itself. */
async function wireOf(file: string): Promise<string> {
  const wire = (await getCurrentFuseWire(file)) as unknown as Record<string, number | string>;
  const states = Object.keys(wire).filter((k) => /^\d+$/.test(k)).map((k) => String.fromCharCode(Number(wire[k])));
  return states.join('');
}

function linuxContext(appOutDir: string, arch = Arch.x64): AfterPackContext {
  return {
    appOutDir,
    outDir: path.dirname(appOutDir),
    electronPlatformName: 'linux',
    arch,
    targets: [],
    packager: { appInfo: { productFilename: 'Locker' }, executableName: 'locker' },
  } as unknown as AfterPackContext;
}

describe('the fuse list', () => {
  it("is Electron 42's wire with Locker's 8 named fuses set and the ninth (wasm_trap_handlers) left on", () => {
    expect(defaultFuseWire()).toBe('101100011');
    expect(expectedFuseWire()).toBe('010011001');
    expect(LOCKER_FUSES[FuseV1Options.RunAsNode]).toBe(false);
    expect(LOCKER_FUSES[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });

  it('resets the ad-hoc signature on arm64 Macs only', () => {
    expect(lockerFuseConfig('darwin', 'arm64').resetAdHocDarwinSignature).toBe(true);
    expect(lockerFuseConfig('mas', 'arm64').resetAdHocDarwinSignature).toBe(true);
    expect(lockerFuseConfig('darwin', 'x64').resetAdHocDarwinSignature).toBe(false);
    expect(lockerFuseConfig('linux', 'arm64').resetAdHocDarwinSignature).toBe(false);
  });

  it('finds the executable as electron-builder lays out each platform', () => {
    const names = { productFilename: 'Locker', executableName: 'locker' };
    expect(packagedExecutable('/o', 'win32', names)).toBe(path.join('/o', 'Locker.exe'));
    expect(packagedExecutable('/o', 'darwin', names)).toBe(path.join('/o', 'Locker.app', 'Contents', 'MacOS', 'Locker'));
    expect(packagedExecutable('/o', 'mas', names)).toBe(path.join('/o', 'Locker.app', 'Contents', 'MacOS', 'Locker'));
    expect(packagedExecutable('/o', 'linux', names)).toBe(path.join('/o', 'locker'));
    expect(() => packagedExecutable('/o', 'beos', names)).toThrow(/no packaged executable/);
  });
});

describe('the stub Electron', () => {
  it('carries one fuse wire that @electron/fuses reads: version 1, 9 fuses, as Electron 42 ships them', async () => {
    const bytes = stubExecutable();
    expect(bytes.indexOf(FUSE_SENTINEL)).toBe(bytes.lastIndexOf(FUSE_SENTINEL));
    const at = bytes.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    expect([bytes[at], bytes[at + 1]]).toEqual([1, 9]);
    const file = path.join(tmp, 'wire');
    writeFileSync(file, bytes);
    expect((await getCurrentFuseWire(file)).version).toBe('1');
    expect(await wireOf(file)).toBe('101100011');
  });

  it('says it is a stub and exits 1 when run', async () => {
    const dir = await writeStubElectron(path.join(tmp, 'dist'), '42.11.18');
    const run = spawnSync(path.join(dir, 'electron'), { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(STUB_MARKER);
    expect(readFileSync(path.join(dir, 'version'), 'utf8')).toBe('42.11.18');
  });

  it('refuses a wire that is not fuse characters', () => {
    expect(() => stubExecutable('10x')).toThrow(/bad fuse wire/);
  });
});

describe('the afterPack hook', () => {
  it("flips Locker's fuses in the Linux executable and checks them", async () => {
    const appOutDir = path.join(tmp, 'linux-unpacked');
    mkdirSync(appOutDir, { recursive: true });
    writeFileSync(path.join(appOutDir, 'locker'), stubExecutable());
    await afterPack(linuxContext(appOutDir));
    expect(await wireOf(path.join(appOutDir, 'locker'))).toBe('010011001');
    // Flipping again changes nothing.
    await afterPack(linuxContext(appOutDir));
    expect(await wireOf(path.join(appOutDir, 'locker'))).toBe('010011001');
  });

  it("fails the build when the binary's wire is not Electron 42's (an 8-fuse Electron 41)", async () => {
    const appOutDir = path.join(tmp, 'electron-41');
    mkdirSync(appOutDir, { recursive: true });
    writeFileSync(path.join(appOutDir, 'locker'), stubExecutable('10110001'));
    await expect(afterPack(linuxContext(appOutDir))).rejects.toThrow(/wasm_trap_handlers: absent, expected 1/);
  });

  it('fails when the executable is not where electron-builder puts it', async () => {
    await expect(afterPack(linuxContext(path.join(tmp, 'nowhere')))).rejects.toThrow(/ENOENT/);
  });

  it('is loaded by electron-builder through after-pack.mjs, which has no TypeScript loader of its own', async () => {
    const appOutDir = path.join(tmp, 'through-shim');
    mkdirSync(appOutDir, { recursive: true });
    writeFileSync(path.join(appOutDir, 'locker'), stubExecutable());
    chmodSync(path.join(appOutDir, 'locker'), 0o755);
    // Plain Node (no vitest transform), resolving the hook as app-builder-lib's resolveFunction does.
    const script = `
      const { resolveFunction } = require('app-builder-lib/out/util/resolve');
      (async () => {
        const hook = await resolveFunction('module', './packaging/after-pack.mjs', 'afterPack', process.cwd());
        const context = ${JSON.stringify({ appOutDir, outDir: tmp, electronPlatformName: 'linux', arch: Arch.x64, targets: [] })};
        await hook({ ...context, packager: { appInfo: { productFilename: 'Locker' }, executableName: 'locker' } });
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(await wireOf(path.join(appOutDir, 'locker'))).toBe('010011001');
  });

  it('expectedFuseWire is what @electron/fuses makes of lockerFuseConfig', async () => {
    const file = path.join(tmp, 'untouched');
    writeFileSync(file, stubExecutable());
    await flipFuses(file, lockerFuseConfig('linux', 'x64'));
    expect(await wireOf(file)).toBe(expectedFuseWire());
  });
});
