import { flipFuses, getCurrentFuseWire } from '@electron/fuses';
import type { AfterPackContext } from 'electron-builder';
import { Arch } from 'electron-builder';
import { expectedFuseWire, fuseName, lockerFuseConfig, packagedExecutable } from './fuses.js';

/**
 * electron-builder's `afterPack` hook (loaded through `after-pack.mjs`): flips
 * Locker's fuses (`fuses.ts`) in the packaged executable. It runs after the app
 * is copied in and before anything is signed, so the signature covers the
 * flipped fuses. electron-builder's own `electronFuses` option is not used:
 * this hook is the one place fuses are set.
 */
export default async function afterPack(context: AfterPackContext): Promise<void> {
  const platform = context.electronPlatformName;
  const arch = Arch[context.arch];
  const packager = context.packager as AfterPackContext['packager'] & { readonly executableName?: string };
  const productFilename = packager.appInfo.productFilename;
  const executable = packagedExecutable(context.appOutDir, platform, {
    productFilename,
    executableName: packager.executableName ?? productFilename,
  });
  const sentinels = await flipFuses(executable, lockerFuseConfig(platform, arch));
  // Read the wire back: a wire that does not say what was asked is a broken build, not a warning.
  const wire = await getCurrentFuseWire(executable);
  const expected = expectedFuseWire();
  const problems: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const got = (wire as unknown as Record<number, number | undefined>)[i];
    if (got !== expected.charCodeAt(i)) problems.push(`${fuseName(i)}: ${got === undefined ? 'absent' : String.fromCharCode(got)}, expected ${expected[i]}`);
  }
  if (problems.length > 0) throw new Error(`fuses of ${executable} are not as configured: ${problems.join('; ')}`);
  process.stdout.write(`  • afterPack: fuses flipped (${sentinels} wire${sentinels === 1 ? '' : 's'}) in ${executable}: ${expected}\n`);
}
