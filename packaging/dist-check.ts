/**
 * `npm run dist:check`: builds the Linux `dir` and `tar.gz` packages with
 * electron-builder, offline, and checks what came out.
 *
 * Here no Electron can be downloaded, so electron-builder is given a stub
 * Electron distribution (`stub-electron.ts`: a script that refuses to run,
 * carrying Electron 42's fuse wire), and the native addon is not rebuilt for
 * Electron's ABI (that needs Electron's headers): `-c.npmRebuild=false`.
 * Archives are made without compression (`-c.compression=store`, a fast
 * check of the layout; `npm run dist` compresses; `--compress` does too).
 * Everything is written to a temporary folder, removed afterwards unless
 * `--keep` is given or a check fails.
 *
 * Exits non-zero when any check fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getRawHeader, type DirectoryRecord, type FileRecord } from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { convertIcon } from 'app-builder-lib/out/util/iconConverter.js';
import { decodeIcns, decodeIco, icnsProblems, readPngInfo } from './icon-formats.js';
import { generateIcons, ICNS_TYPES, ICO_SIZES, RESOURCES_DIR, ROOT, SET_SIZES } from './icon-set.js';
import { ELECTRON_42_FUSE_DEFAULTS, expectedFuseWire, fuseName } from './fuses.js';
import { findSevenZip } from './seven-zip.js';
import { STUB_MARKER, writeStubElectron } from './stub-electron.js';

// ------------------------------------------------------------------ checklist

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}
const checks: Check[] = [];
function check(name: string, ok: boolean, detail = ''): boolean {
  checks.push({ name, ok, detail });
  process.stdout.write(`${ok ? '  ✓' : '  ✗'} ${name}${detail ? ` — ${detail}` : ''}\n`);
  return ok;
}
const timings: [string, number][] = [];
async function phase<T>(name: string, run: () => Promise<T> | T): Promise<T> {
  process.stdout.write(`\n▸ ${name}\n`);
  const started = performance.now();
  try {
    return await run();
  } finally {
    timings.push([name, performance.now() - started]);
  }
}
/** A path for messages: relative inside the repository, absolute elsewhere. */
const rel = (p: string): string => (p.startsWith(ROOT + path.sep) ? path.relative(ROOT, p) : p);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const keep = process.argv.includes('--keep');
/** `--compress`: electron-builder's default compression for the tar.gz (slow: ~2 more minutes here). */
const compress = process.argv.includes('--compress');
const started = performance.now();
const work = mkdtempSync(path.join(os.tmpdir(), 'locker-dist-check-'));
const outDir = path.join(work, 'out');
const stubDir = path.join(work, 'electron-stub');
const log = path.join(work, 'electron-builder.log');

// ------------------------------------------------------------------ 1. inputs

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

const electronVersion = await phase('inputs: the built UI and shell', () => {
  // `npm test` builds both before this runs; run alone, it builds what is missing (an existing build is used as it is).
  if (!existsSync(path.join(ROOT, 'renderer/dist/index.html'))) {
    process.stdout.write('  renderer/dist is missing: npm run build:ui\n');
    run(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'renderer', '--logLevel', 'warn']);
  }
  if (!existsSync(path.join(ROOT, 'electron/dist/main.js')) || !existsSync(path.join(ROOT, 'electron/dist/preload.cjs'))) {
    process.stdout.write('  electron/dist is missing: npm run build:electron\n');
    run(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), 'electron/build.ts']);
  }
  for (const file of ['renderer/dist/index.html', 'electron/dist/main.js', 'electron/dist/preload.cjs']) {
    const at = path.join(ROOT, file);
    check(`${file} exists`, existsSync(at), existsSync(at) ? `built ${statSync(at).mtime.toISOString()}` : 'build it: npm run build:ui && npm run build:electron');
  }
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
  check('electron is 42.x, the release whose fuse wire fuses.ts and the stub describe', version.startsWith('42.'), `electron ${version}${version.startsWith('42.') ? '' : ': update ELECTRON_42_FUSE_DEFAULTS (build/fuses/fuses.json5 of that release)'}`);
  return version;
});

// ------------------------------------------------------------------ 2. icons

await phase('icons (npm run icons) from renderer/public/icon.svg', async () => {
  await generateIcons();
  const setDir = path.join(RESOURCES_DIR, 'icons');
  const sizes = SET_SIZES.filter((n) => {
    const file = path.join(setDir, `${n}x${n}.png`);
    const info = existsSync(file) ? readPngInfo(readFileSync(file)) : undefined;
    return info?.width === n && info.height === n;
  });
  check('Linux icon set: a PNG of the stated size for each of 16…1024', sizes.length === SET_SIZES.length, `${sizes.join(', ')}`);
  const big = readPngInfo(readFileSync(path.join(RESOURCES_DIR, 'icon.png')));
  check('icon.png is 1024×1024', big?.width === 1024 && big.height === 1024);
  const ico = decodeIco(readFileSync(path.join(RESOURCES_DIR, 'icon.ico')));
  const icoOk = ico.length === ICO_SIZES.length && ico.every((e, i) => e.size === ICO_SIZES[i] && readPngInfo(e.png)?.width === e.size);
  check('icon.ico holds PNG entries 16…256 of their stated sizes', icoOk, ico.map((e) => e.size).join(', '));
  const icns = decodeIcns(readFileSync(path.join(RESOURCES_DIR, 'icon.icns')));
  const problems = icnsProblems(icns);
  check('icon.icns holds PNG elements ic07…ic14 of their sizes', problems.length === 0 && icns.map((e) => e.type).join() === ICNS_TYPES.join(), problems.join('; ') || icns.map((e) => e.type).join(', '));
  // electron-builder's own icon resolution, with the config's sources: the files are taken as they are (no conversion tool, no download).
  const roots = [RESOURCES_DIR, ROOT];
  const iconOut = path.join(work, 'icon-convert');
  const set = await convertIcon({ sources: ['icons'], fallbackSources: [], roots, format: 'set', outDir: iconOut });
  check("electron-builder's icon resolver takes packaging/resources/icons as the Linux set", !set.isFallback && set.icons.map((i) => i.size).join() === SET_SIZES.join(), set.icons.map((i) => `${i.size}`).join(', '));
  const win = await convertIcon({ sources: ['icon.ico'], fallbackSources: [], roots, format: 'ico', outDir: iconOut });
  check('… and icon.ico as the Windows icon (256 px)', !win.isFallback && win.icons[0]?.file === path.join(RESOURCES_DIR, 'icon.ico') && win.icons[0]?.size === 256);
  const mac = await convertIcon({ sources: ['icon.icns'], fallbackSources: [], roots, format: 'icns', outDir: iconOut });
  check('… and icon.icns as the macOS icon', !mac.isFallback && mac.icons[0]?.file === path.join(RESOURCES_DIR, 'icon.icns'));
});

// ------------------------------------------------------------------ 3. build

const built = await phase(`electron-builder --linux dir tar.gz (stub Electron, no native rebuild${compress ? '' : ', archives stored'})`, async () => {
  await writeStubElectron(stubDir, electronVersion);
  mkdirSync(outDir, { recursive: true });
  const cli = path.join(ROOT, 'node_modules/electron-builder/cli.js');
  const args = [
    cli,
    '--linux',
    'dir',
    'tar.gz',
    '--config',
    'electron-builder.yml',
    '--publish',
    'never',
    `-c.electronDist=${stubDir}`,
    '-c.npmRebuild=false',
    `-c.directories.output=${outDir}`,
    ...(compress ? [] : ['-c.compression=store']),
    '-c.afterAllArtifactBuild=./packaging/dist-check-config.mjs',
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' };
  // tar.gz needs 7-Zip: electron-builder downloads its own unless given one, so it gets the one npm installed (7zip-bin).
  const sevenZip = findSevenZip(env, path.join(work, '7zip'));
  if (!check('7-Zip for the tar.gz runs', sevenZip.kind === 'ok', sevenZip.kind === 'ok' ? `${sevenZip.from}: ${rel(sevenZip.path)}` : sevenZip.message)) return false;
  if (sevenZip.kind === 'ok') env.ELECTRON_BUILDER_7ZIP_PATH = sevenZip.path;
  process.stdout.write(`  electronDist: ${rel(stubDir)} (a stub: no Electron can be downloaded here)\n  log: ${log}\n`);
  const out = createWriteStream(log);
  const status = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  await new Promise<void>((resolve) => out.end(resolve));
  // electron-builder's log, one line each, without its very long dependency listings.
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    process.stdout.write(`  | ${line.length > 200 ? `${line.slice(0, 200)}…` : line}\n`);
  }
  return check('electron-builder finished', status === 0, `exit ${status}`);
});

// ------------------------------------------------------------------ 4. checks

const appOut = path.join(outDir, 'linux-unpacked');
const resources = path.join(appOut, 'resources');
const asarFile = path.join(resources, 'app.asar');
const executable = path.join(appOut, 'locker');

interface AsarEntry {
  readonly path: string;
  readonly file?: FileRecord;
}
function asarEntries(dir: DirectoryRecord, prefix = ''): AsarEntry[] {
  const entries: AsarEntry[] = [];
  for (const [name, node] of Object.entries(dir.files)) {
    const p = `${prefix}/${name}`;
    if ('files' in node) entries.push({ path: p }, ...asarEntries(node as DirectoryRecord, p));
    else if ('link' in node) entries.push({ path: p });
    else entries.push({ path: p, file: node as FileRecord });
  }
  return entries;
}
function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name), base) : [path.relative(base, path.join(dir, d.name)).split(path.sep).join('/')]));
}

if (built) {
  await phase('the dir output (linux-unpacked)', () => {
    const exe = existsSync(executable) ? readFileSync(executable) : undefined;
    check('the executable was renamed to "locker" (linux.executableName) and is executable', exe !== undefined && (statSync(executable).mode & 0o111) !== 0);
    check('… and it is the stub, not a real Electron (this build cannot run)', exe?.includes(STUB_MARKER) === true);
    check('no "electron" executable left beside it', !existsSync(path.join(appOut, 'electron')));
    check("Electron's license kept (LICENSE.electron.txt)", existsSync(path.join(appOut, 'LICENSE.electron.txt')));
    check('resources/app.asar exists', existsSync(asarFile));
    const updateYml = path.join(resources, 'app-update.yml');
    const update = existsSync(updateYml) ? readFileSync(updateYml, 'utf8') : '';
    check('resources/app-update.yml names the generic update feed', /provider: generic/.test(update) && /url: https:\/\/updates\.locker\.example\/linux/.test(update), update.trim().replace(/\n/g, '; '));
  });

  await phase('app.asar', () => {
    if (!existsSync(asarFile)) return check('app.asar readable', false);
    const entries = asarEntries(getRawHeader(asarFile).header);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    const has = (p: string): boolean => byPath.get(p)?.file !== undefined;
    const { headerSize } = getRawHeader(asarFile);
    /** A packed file's bytes: the header's offsets count from the end of the 8-byte size prefix and the header. */
    const packed = (p: string): Buffer => {
      const file = byPath.get(p)?.file;
      if (!file || file.unpacked) throw new Error(`${p} is not packed in app.asar`);
      const bytes = Buffer.alloc(file.size);
      const fd = openSync(asarFile, 'r');
      try {
        readSync(fd, bytes, 0, file.size, 8 + headerSize + Number(file.offset));
      } finally {
        closeSync(fd);
      }
      return bytes;
    };

    const top = [...new Set(entries.map((e) => e.path.split('/')[1]))].sort();
    check('top level holds only electron/, renderer/, shapes/, node_modules/, package.json', top.join() === ['electron', 'node_modules', 'package.json', 'renderer', 'shapes'].join(), top.join(', '));
    const own = entries.filter((e) => e.file && !e.path.startsWith('/node_modules/'));
    const strays = own.filter((e) => !/^\/(electron\/dist|renderer\/dist|shapes)\//.test(e.path) && e.path !== '/package.json');
    check('nothing of the app outside electron/dist, renderer/dist, shapes, package.json', strays.length === 0, strays.map((e) => e.path).slice(0, 5).join(', '));
    const banned = entries.filter((e) => /^\/(test|e2e|bench|scratch|docs|cli|shared|packaging|stubs|types|examples)(\/|$)|\/\.locker-|\/\.git(\/|$)/.test(e.path) || (!e.path.startsWith('/node_modules/') && /\.tsx?$/.test(e.path)));
    check('no test/, e2e/, bench/, scratch/, sources (.ts), .locker-* or .git', banned.length === 0, banned.map((e) => e.path).slice(0, 5).join(', '));

    check('electron/dist/main.js and preload.cjs', has('/electron/dist/main.js') && has('/electron/dist/preload.cjs'));
    const shell = filesUnder(path.join(ROOT, 'electron/dist')).filter((f) => !f.endsWith('.map'));
    const missingShell = shell.filter((f) => !has(`/electron/dist/${f}`));
    check(`electron/dist: all ${shell.length} built files (tray icons included)`, missingShell.length === 0, missingShell.join(', '));
    const maps = entries.filter((e) => e.path.endsWith('.map') && !e.path.startsWith('/node_modules/'));
    check('no source maps of the app (they would ship the core’s source)', maps.length === 0, maps.map((e) => e.path).slice(0, 3).join(', '));
    const renderer = filesUnder(path.join(ROOT, 'renderer/dist'));
    const missingUi = renderer.filter((f) => !has(`/renderer/dist/${f}`));
    check(`renderer/dist: all ${renderer.length} built files`, missingUi.length === 0, missingUi.join(', '));
    if (has('/renderer/dist/index.html')) {
      const html = packed('/renderer/dist/index.html').toString('utf8');
      const refs = [...html.matchAll(/(?:src|href)="\.?\/?([^"#?]+)"/g)].map((m) => m[1] ?? '').filter((r) => !/^[a-z]+:/i.test(r));
      const missingRefs = refs.filter((r) => !has(`/renderer/dist/${r}`));
      check('every file index.html loads is in the asar', refs.length > 0 && missingRefs.length === 0, `${refs.join(', ')}${missingRefs.length ? `; missing ${missingRefs.join(', ')}` : ''}`);
    }
    const shapes = readdirSync(path.join(ROOT, 'shapes')).filter((f) => f.endsWith('.ttl'));
    const missingShapes = shapes.filter((f) => !has(`/shapes/${f}`));
    check(`shapes/*.ttl (${shapes.length}), found by main.js as ../../shapes`, missingShapes.length === 0, missingShapes.join(', '));

    if (has('/package.json')) {
      const pkg = JSON.parse(packed('/package.json').toString('utf8')) as { main?: string; desktopName?: string; devDependencies?: unknown; scripts?: unknown };
      check('package.json: main is electron/dist/main.js, present in the asar', pkg.main === 'electron/dist/main.js' && has(`/${pkg.main}`), `main: ${pkg.main}`);
      check('package.json: desktopName locker.desktop (extraMetadata), scripts removed', pkg.desktopName === 'locker.desktop' && pkg.scripts === undefined);
    } else check('package.json in the asar', false);

    // main.js keeps npm packages external: each one it imports must be packaged.
    if (has('/electron/dist/main.js')) {
      const main = packed('/electron/dist/main.js').toString('utf8');
      const specifiers = [...main.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"'./][^"']*)["']/gm)].map((m) => m[1] ?? '');
      const packages = [...new Set(specifiers.filter((s) => !s.startsWith('node:') && s !== 'electron').map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/')))].sort();
      const missing = packages.filter((p) => !has(`/node_modules/${p}/package.json`));
      check(`every npm package main.js imports is packaged (${packages.length})`, packages.length > 0 && missing.length === 0, missing.length ? `missing: ${missing.join(', ')}` : packages.join(', '));
    }
    const excluded = ['tsx', 'esbuild'].filter((p) => has(`/node_modules/${p}/package.json`));
    check('tsx and esbuild left out (the packaged app runs no TypeScript)', excluded.length === 0, excluded.join(', '));
    const addonSources = entries.filter((e) => /^\/node_modules\/better-sqlite3-multiple-ciphers\/(deps|src|build\/Release\/obj)/.test(e.path));
    check("the addon's sources and object files left out", addonSources.length === 0, addonSources.slice(0, 3).map((e) => e.path).join(', '));
    const nodeModules = new Set(entries.map((e) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(e.path)?.[1]).filter((n): n is string => n !== undefined));
    const size = entries.reduce((sum, e) => sum + (e.file && !e.file.unpacked ? e.file.size : 0), 0);
    process.stdout.write(`  (${entries.length} entries, ${nodeModules.size} top-level packages, ${(size / 1e6).toFixed(1)} MB packed)\n`);

    // Native code.
    const addon = '/node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node';
    const addonEntry = byPath.get(addon)?.file;
    const unpackedAddon = path.join(resources, 'app.asar.unpacked', addon);
    check('better_sqlite3.node is marked unpacked in the asar (not packed inside it)', addonEntry?.unpacked === true);
    const elf = existsSync(unpackedAddon) ? readFileSync(unpackedAddon).subarray(0, 4).toString('latin1') : '';
    check('… and is in app.asar.unpacked as a shared object', elf === '\x7fELF', rel(unpackedAddon));
    const packedNative = entries.filter((e) => e.file && !e.file.unpacked && /\.(node|so(\.\d+)*|dylib|dll)$/.test(e.path));
    check('no native file (.node, .so, .dylib, .dll) packed inside the asar', packedNative.length === 0, packedNative.slice(0, 5).map((e) => e.path).join(', '));
    const sharpNative = entries.filter((e) => e.file?.unpacked && /^\/node_modules\/@img\/sharp-[^/]+\/lib\/[^/]+\.node$/.test(e.path));
    const vips = entries.filter((e) => e.file?.unpacked && /^\/node_modules\/@img\/sharp-libvips-[^/]+\/lib\/libvips-cpp\.so/.test(e.path));
    check("sharp's binding and libvips are unpacked", sharpNative.length > 0 && vips.length > 0 && [...sharpNative, ...vips].every((e) => existsSync(path.join(resources, 'app.asar.unpacked', e.path))), [...sharpNative, ...vips].map((e) => e.path.split('/').pop()).join(', '));
    return true;
  });

  await phase('fuses, read back from the packaged executable', async () => {
    const expected = expectedFuseWire();
    const wire = await getCurrentFuseWire(executable);
    const states = wire as unknown as Record<number, number | undefined>;
    const got = Array.from({ length: ELECTRON_42_FUSE_DEFAULTS.length }, (_, i) => String.fromCharCode(states[i] ?? 0x3f)).join('');
    for (let i = 0; i < expected.length; i++) {
      const want = expected[i] === '1' ? 'on' : 'off';
      const was = ELECTRON_42_FUSE_DEFAULTS[i]?.[1] ? 'on' : 'off';
      check(`${fuseName(i)} ${want}${want === was ? ' (as Electron ships it)' : ` (flipped from ${was})`}`, got[i] === expected[i]);
    }
    check('the wire is exactly the configured one: the afterPack hook ran', wire.version === '1' && got === expected, `wire ${got}, expected ${expected}`);
  });

  await phase('effective configuration (as the build used it)', () => {
    const file = path.join(outDir, 'builder-effective-config.json');
    if (!check('builder-effective-config.json written by the afterAllArtifactBuild hook', existsSync(file))) return;
    type Assoc = { ext: string | string[]; mimeType?: string; role?: string; rank?: string };
    const config = JSON.parse(readFileSync(file, 'utf8')) as {
      appId?: string;
      productName?: string;
      asar?: boolean;
      afterPack?: string;
      electronFuses?: unknown;
      fileAssociations?: Assoc[];
      nsis?: { perMachine?: boolean; oneClick?: boolean; allowElevation?: boolean };
      mac?: { hardenedRuntime?: boolean; entitlements?: string; entitlementsInherit?: string; target?: { target: string }[] };
      win?: { target?: { target: string }[] };
      linux?: { target?: string[]; category?: string; executableName?: string };
      publish?: { provider?: string; url?: string };
    };
    check('appId org.locker.desktop, productName Locker, asar on', config.appId === 'org.locker.desktop' && config.productName === 'Locker' && config.asar === true);
    const exts = (config.fileAssociations ?? []).flatMap((a) => (Array.isArray(a.ext) ? a.ext : [a.ext]));
    const wanted = ['ics', 'vcf', 'gpx', 'kml', 'kmz', 'geojson', 'ofx', 'qfx', 'qif', 'mt940', 'eml', 'mbox', 'trig'];
    check('fileAssociations cover the imported formats (.ics, .vcf, .gpx …)', wanted.every((e) => exts.includes(e)), exts.join(', '));
    check('… each with a MIME type, none claiming .csv/.xml/.json/.zip', (config.fileAssociations ?? []).every((a) => !!a.mimeType) && !exts.some((e) => ['csv', 'xml', 'json', 'zip'].includes(e)));
    check('… and only .locker as owner on macOS (rank Alternate elsewhere)', (config.fileAssociations ?? []).every((a) => (a.rank === 'Owner') === (a.ext === 'locker')));
    check('Windows: NSIS, per-user, no elevation', config.win?.target?.some((t) => t.target === 'nsis') === true && config.nsis?.perMachine === false && config.nsis.allowElevation === false && config.nsis.oneClick === false);
    const plist = (p?: string): string => (p && existsSync(path.join(ROOT, p)) ? readFileSync(path.join(ROOT, p), 'utf8') : '');
    const keys = (p?: string): string[] => [...plist(p).matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1] ?? '');
    check(
      'macOS: dmg + zip, hardened runtime, entitlements files present (allow-jit only)',
      config.mac?.hardenedRuntime === true && keys(config.mac.entitlements).join() === 'com.apple.security.cs.allow-jit' && keys(config.mac.entitlementsInherit).join() === 'com.apple.security.cs.allow-jit' && ['dmg', 'zip'].every((t) => config.mac?.target?.some((x) => x.target === t)),
      `${config.mac?.entitlements}, ${config.mac?.entitlementsInherit}`,
    );
    check('Linux: AppImage, deb, tar.gz; executable locker', ['AppImage', 'deb', 'tar.gz'].every((t) => config.linux?.target?.includes(t)) && config.linux?.executableName === 'locker', `${config.linux?.target?.join(', ')}; ${config.linux?.category}`);
    check('fuses by the afterPack hook only (no electronFuses)', config.afterPack === './packaging/after-pack.mjs' && config.electronFuses == null);
    check('publish: generic provider', config.publish?.provider === 'generic', config.publish?.url ?? '');
  });

  await phase('tar.gz', () => {
    const tarball = readdirSync(outDir).find((f) => f.endsWith('.tar.gz'));
    if (!check('a .tar.gz was written', tarball !== undefined, tarball ?? '')) return;
    const listed = spawnSync('tar', ['-tvzf', path.join(outDir, tarball ?? '')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    // `tar -tv` lines: mode owner size date time name[ -> target]; directories are left out (type d).
    const members = listed.stdout
      .split('\n')
      .map((line) => /^(\S)\S*\s+\S+\s+\d+\s+\S+\s+\S+\s+(.+)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ type: m[1], name: (m[1] === 'l' ? (m[2] ?? '').replace(/ -> .*$/, '') : (m[2] ?? '')).replace(/\/$/, '') }));
    const names = members.filter((m) => m.type !== 'd').map((m) => m.name);
    const root = names[0]?.split('/')[0] ?? '';
    const want = ['locker', 'resources/app.asar', 'resources/app-update.yml', 'resources/app.asar.unpacked/node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node'];
    const missing = want.filter((w) => !names.includes(`${root}/${w}`));
    check('it lists the executable, app.asar, app-update.yml and the unpacked addon', listed.status === 0 && missing.length === 0, `${names.length} files under ${root}/${missing.length ? `; missing ${missing.join(', ')}` : ''}`);
    const dirFiles = filesUnder(appOut).sort();
    const tarFiles = names.map((n) => n.slice(root.length + 1)).sort();
    check('… the same files as the dir output', dirFiles.join('\n') === tarFiles.join('\n'), `${tarFiles.length} files`);
    const extracted = path.join(work, 'from-tar');
    mkdirSync(extracted, { recursive: true });
    const x = spawnSync('tar', ['-xzf', path.join(outDir, tarball ?? ''), '-C', extracted, `${root}/locker`]);
    const exe = path.join(extracted, root, 'locker');
    const same = x.status === 0 && existsSync(exe) && readFileSync(exe).equals(readFileSync(executable));
    check("… and its executable is the dir's, fuses flipped", same);
  });
}

// ------------------------------------------------------------------ summary

const failed = checks.filter((c) => !c.ok);
const total = performance.now() - started;
process.stdout.write('\nTimings\n');
for (const [name, ms] of timings) process.stdout.write(`  ${seconds(ms).padStart(8)}  ${name}\n`);
process.stdout.write(`  ${seconds(total).padStart(8)}  total\n`);
process.stdout.write(
  '\nNot checked here: a real Electron (the executable is a stub), the addon rebuilt for Electron\'s ABI\n' +
    '(better_sqlite3.node is the Node build), AppImage, deb, NSIS, dmg, signing and notarization.\n',
);
if (failed.length > 0) {
  process.stdout.write(`\n${failed.length} of ${checks.length} checks FAILED:\n${failed.map((c) => `  ✗ ${c.name}${c.detail ? ` — ${c.detail}` : ''}`).join('\n')}\n`);
  process.stdout.write(`Output kept for inspection: ${work}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`\nAll ${checks.length} checks passed.\n`);
  if (keep) process.stdout.write(`Output kept: ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
