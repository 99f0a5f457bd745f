/**
 * What a CLI command loads, seen from outside: each command runs as a real
 * `locker` process under a module-tracing hook (test/helpers/trace-modules.mjs)
 * that writes every module it resolves. `--help` loads no package at all;
 * search, list and show load none of the heavy ones (image, mail, login,
 * server, crypto, parsers); the compiled build in dist/cli is what runs, and a
 * source newer than the build falls back to the TypeScript sources.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const HOOK = path.join(ROOT, 'test/helpers/trace-modules.mjs');
const FIXTURE = path.join(ROOT, 'test/fixtures/calendar.ics');
/** Packages a read-only command must never load. */
const HEAVY = ['sharp', 'mailparser', '@inrupt/solid-client-authn-node', '@solid/community-server', 'ws', 'age-encryption', 'ical.js', 'yauzl', 'tar-stream', 'exifr', 'csv-parse', 'saxes', 'html-to-text', 'tsx', 'readable-stream'];

let dir: string;
let home: string;

/** Runs `locker args…` traced; returns its exit code, stdout and the packages and project files it loaded. */
function traced(args: string[], env: Record<string, string> = {}) {
  const out = path.join(dir, `trace-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(process.execPath, ['--import', HOOK, path.join(ROOT, 'bin/locker.js'), '--home', home, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOCKER_TRACE_MODULES: out, LOCKER_FROM_SOURCE: '', ...env },
  });
  const lines = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : [];
  const packages = new Set<string>();
  for (const l of lines) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(l.replace(/\\/g, '/'));
    if (m?.[1]) packages.add(m[1]);
  }
  const own = lines.map((l) => l.replace(/^file:\/\//, '')).filter((l) => l.startsWith(ROOT) && !l.includes('/node_modules/')).map((l) => path.relative(ROOT, l));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, packages, own };
}

beforeAll(() => {
  // `npm test` builds dist/cli before vitest runs; a bare `vitest run` may not have.
  if (!existsSync(path.join(ROOT, 'dist/cli/build.json'))) {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'bin/build-cli.js')], { encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
  }
  dir = mkdtempSync(path.join(os.tmpdir(), 'locker-startup-'));
  home = path.join(dir, 'home');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('locker loads only what the command needs', () => {
  it('--help loads no package and none of the core', () => {
    const r = traced(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: locker/);
    expect([...r.packages]).toEqual([]);
    expect(r.own).toContain('dist/cli/main.js');
    // The entry and the few small chunks it shares (record types, default home, prompt): not the 1.7 MB of the rest.
    const loaded = r.own.filter((f) => f.startsWith('dist/cli/') && f.endsWith('.js'));
    const bytes = loaded.reduce((n, f) => n + statSync(path.join(ROOT, f)).size, 0);
    expect(bytes).toBeLessThan(64 * 1024);
    expect(r.own.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  it('an .ics import loads the calendar parser but not mail, images, login or the server', () => {
    const r = traced(['import', FIXTURE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/imported [1-9]/);
    expect(r.packages.has('ical.js')).toBe(true);
    for (const p of ['sharp', 'mailparser', '@inrupt/solid-client-authn-node', '@solid/community-server', 'ws', 'age-encryption', 'tsx']) expect(r.packages.has(p), p).toBe(false);
  });

  it('search, list and show load none of the heavy packages, and run compiled', () => {
    const found = traced(['search', 'dentist', '--json']);
    expect(found.code, found.stderr).toBe(0);
    const hits = JSON.parse(found.stdout) as Array<{ id: string }>;
    expect(hits.length).toBeGreaterThan(0);
    const list = traced(['list', '--type', 'event']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.trim().split('\n').length).toBeGreaterThan(1);
    const show = traced(['show', hits[0]?.id ?? '']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/Dentist/i);
    for (const r of [found, list, show]) {
      expect(HEAVY.filter((p) => r.packages.has(p))).toEqual([]);
      expect(r.packages.has('better-sqlite3-multiple-ciphers')).toBe(true);
      expect(r.own).toContain('dist/cli/main.js');
      expect(r.own.filter((f) => f.endsWith('.ts'))).toEqual([]);
    }
  });

  it('a source newer than the build, or LOCKER_FROM_SOURCE=1, runs the TypeScript sources instead', () => {
    const forced = traced(['--help'], { LOCKER_FROM_SOURCE: '1' });
    expect(forced.code).toBe(0);
    expect(forced.own).toContain('cli/main.ts');
    expect(forced.own).not.toContain('dist/cli/main.js');

    const build = JSON.parse(readFileSync(path.join(ROOT, 'dist/cli/build.json'), 'utf8')) as { startedMs: number; inputs: string[] };
    expect(build.inputs).toContain('cli/root.ts');
    const file = path.join(ROOT, 'cli/root.ts');
    const before = statSync(file);
    try {
      const later = new Date(build.startedMs + 60_000);
      utimesSync(file, later, later);
      const stale = traced(['--help']);
      expect(stale.code).toBe(0);
      expect(stale.own).toContain('cli/main.ts');
      expect(stale.own).not.toContain('dist/cli/main.js');
    } finally {
      utimesSync(file, before.atime, before.mtime);
    }
    expect(traced(['--help']).own).toContain('dist/cli/main.js');
  });
});
