/**
 * The 7-Zip that electron-builder needs for tar.gz/zip/7z targets.
 *
 * electron-builder 26 downloads its own 7-Zip on first use, which fails on a
 * machine that reaches only the npm registry. The `7zip-bin` package ships
 * 7za for Linux, macOS and Windows inside the npm tarball, so it is taken from
 * there — unless `ELECTRON_BUILDER_7ZIP_PATH` already names one. npm does not
 * keep the executable bit of that file on every platform, so it is copied
 * into a folder of ours and made executable there (node_modules is left as
 * npm wrote it).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type SevenZip = { readonly kind: 'ok'; readonly path: string; readonly from: 'env' | '7zip-bin' } | { readonly kind: 'missing'; readonly message: string };

/** A runnable 7za: the one `env` names, else 7zip-bin's copied into `workDir`. */
export function findSevenZip(env: NodeJS.ProcessEnv, workDir: string): SevenZip {
  const given = env['ELECTRON_BUILDER_7ZIP_PATH'];
  if (given) return runs(given) ? { kind: 'ok', path: given, from: 'env' } : { kind: 'missing', message: `ELECTRON_BUILDER_7ZIP_PATH=${given} does not run` };
  let shipped: string;
  try {
    shipped = (createRequire(import.meta.url)('7zip-bin') as { path7za: string }).path7za;
  } catch {
    return { kind: 'missing', message: 'the 7zip-bin package is not installed: run npm install' };
  }
  if (!existsSync(shipped)) return { kind: 'missing', message: `7zip-bin ships no 7za for ${process.platform}/${process.arch} (${shipped})` };
  mkdirSync(workDir, { recursive: true });
  const copy = path.join(workDir, path.basename(shipped));
  copyFileSync(shipped, copy);
  chmodSync(copy, 0o755);
  return runs(copy) ? { kind: 'ok', path: copy, from: '7zip-bin' } : { kind: 'missing', message: `7zip-bin's 7za (${shipped}) does not run on this machine` };
}

/** 7za with no arguments prints its banner and exits 0. */
function runs(exe: string): boolean {
  const r = spawnSync(exe, [], { stdio: 'ignore', timeout: 20_000 });
  return r.status === 0;
}
