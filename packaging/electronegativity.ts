// `npm run lint:electron`: Doyensec's electronegativity over the desktop app, with no network.
//
// Scans what ships: the compiled shell (electron/dist/: main.js with the core bundled in, preload.cjs), the built
// renderer (renderer/dist/), package.json, and also the shell's sources (electron/*.ts), so that a finding has a line
// a person can read. Electronegativity takes one input folder and skips `.cjs`, so the files are copied into a temp
// folder laid out like the repository (preload.cjs as preload.cjs.js) and reported under their real paths.
//
// Fails (exit 1) on any HIGH or MEDIUM finding that packaging/electronegativity-allow.json does not explain. An entry
// there names the check, the files, a snippet of the flagged line, and why it is a false positive or accepted; it
// explains ONE finding in each of its files (a second, identical line is a new place and must be reviewed), and an
// entry that explains nothing is stale and fails too. LOW and INFORMATIONAL findings are shown and never fail. The
// tool's own way of hiding a finding, an `eng-disable` comment, fails the run wherever it is in the scanned files.
//
// Network: electronegativity fetches translations for $LANG at every start (1 s timeout), and its
// AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK fetches Electron's whole release list from GitHub with no timeout at all (it
// runs whatever electron version is given: `electronVersionOverride`/`-e` only feeds the version-dependent defaults
// of the other checks). Here its `got` is replaced for the run: the translation request is refused at once (the
// bundled en-US texts are used), that check is not run (and said so), and any other request fails the run. With
// --online, that check runs against GitHub with a 20 s timeout per request; a failed or timed-out request fails the
// run. The whole run has a deadline.
//
// Stricter than the tool (STRICTER below): an explicit `nodeIntegration: true` counts as HIGH (the tool says
// INFORMATIONAL), a CSP that is weak for certain as MEDIUM (the tool: LOW), and a security fix available for the
// installed Electron as HIGH (the tool: INFORMATIONAL for a devDependency, which electron always is).
//
// Usage: node bin/run-ts.js packaging/electronegativity.ts [--no-build] [--online]
//   Runs `npm run build:electron` / `npm run build:ui` first when their output is missing or older than its
//   sources, so that what is scanned is the code as it is.
//   --no-build  don't: a missing or stale build fails the run, naming the command to run
//   --online    also check the installed Electron against Electron's release notes (needs network)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const ROOT = path.resolve(import.meta.dirname, '..');
const ALLOW_FILE = path.join(import.meta.dirname, 'electronegativity-allow.json');
const TOOL_DIR = path.join(ROOT, 'node_modules', '@doyensec', 'electronegativity');
/** The whole scan (about 5 s here) must end within this, network or not. */
const DEADLINE_MS = 120_000;
const ONLINE_REQUEST_TIMEOUT_MS = 20_000;
/** The only check that needs the network. */
const NETWORK_CHECK = 'AvailableSecurityFixesGlobalCheck';
const NETWORK_CHECK_ID = 'AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK';
const FAILING: ReadonlySet<string> = new Set(['HIGH', 'MEDIUM']);
const SEVERITY_ORDER = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

/** Where this project counts a finding as more severe than electronegativity 1.10 rates it. */
const STRICTER: readonly { readonly check: string; readonly severity: string; readonly applies: (f: { readonly confidence: string }) => boolean; readonly why: string }[] = [
  {
    check: 'NODE_INTEGRATION_JS_CHECK',
    severity: 'HIGH',
    applies: () => true,
    why: 'the tool rates an explicit `nodeIntegration*: true` (or a value it cannot read) INFORMATIONAL and only a default-on one HIGH; Node in a renderer is never acceptable here',
  },
  {
    check: 'CSP_GLOBAL_CHECK',
    severity: 'MEDIUM',
    applies: (f) => f.confidence === 'CERTAIN',
    why: "the tool rates a CSP that csp-evaluator finds weak for certain (e.g. 'unsafe-inline', 'unsafe-eval', a missing object-src) LOW; the app's CSP is part of its defence",
  },
  {
    check: 'AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK',
    severity: 'HIGH',
    applies: () => true,
    why: 'the tool rates it INFORMATIONAL when electron is a devDependency, which it always is for electron-builder; it is still the runtime the app ships',
  },
];

const rel = (p: string): string => path.relative(ROOT, p).split(path.sep).join('/');
const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const complain = (line: string): void => void process.stderr.write(`lint:electron: ${line}\n`);
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// ---------------------------------------------------------------------------------------------------------------
// What is scanned, and whether it is built

interface Build {
  readonly what: string;
  readonly command: string;
  readonly script: string;
  readonly outputs: readonly string[];
  /** Folders whose sources the outputs are built from (tests, dist and node_modules left out). */
  readonly sources: readonly string[];
}

const BUILDS: readonly Build[] = [
  { what: 'the desktop shell', command: 'npm run build:electron', script: 'build:electron', outputs: ['electron/dist/main.js', 'electron/dist/preload.cjs'], sources: ['electron', 'shared'] },
  { what: 'the renderer', command: 'npm run build:ui', script: 'build:ui', outputs: ['renderer/dist/index.html'], sources: ['renderer', 'shared'] },
];

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

const SOURCE = /\.(ts|tsx|js|mjs|cjs|html|css)$/;
const NOT_SOURCE = /(^|[\\/])(dist|node_modules)([\\/]|$)|\.test\.tsx?$/;

/** Why a build is missing or older than its sources, or undefined when it is fine. */
function buildProblem(b: Build): string | undefined {
  const missing = b.outputs.filter((o) => !existsSync(path.join(ROOT, o)));
  if (missing.length > 0) return `${missing.join(', ')} missing`;
  const built = Math.min(...b.outputs.map((o) => statSync(path.join(ROOT, o)).mtimeMs));
  for (const folder of b.sources) {
    for (const file of walk(path.join(ROOT, folder))) {
      const r = rel(file);
      if (SOURCE.test(r) && !NOT_SOURCE.test(r) && statSync(file).mtimeMs > built) return `${r} is newer than ${b.outputs.join(', ')}`;
    }
  }
  return undefined;
}

/** Builds what is missing or stale (unless --no-build: then says which command to run). False when the scan cannot go on. */
function ensureBuilt(build: boolean): boolean {
  let ok = true;
  for (const b of BUILDS) {
    const problem = buildProblem(b);
    if (!problem) continue;
    if (!build) {
      complain(`${b.what} is not built or out of date (${problem}): run \`${b.command}\` (or leave out --no-build)`);
      ok = false;
      continue;
    }
    say(`lint:electron: building ${b.what} (${problem}): ${b.command}`);
    const r = spawnSync('npm', ['run', '--silent', b.script], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
    if (r.status !== 0) {
      complain(`\`${b.command}\` failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`})`);
      ok = false;
    } else if (b.outputs.some((o) => !existsSync(path.join(ROOT, o)))) {
      complain(`\`${b.command}\` did not make ${b.outputs.join(', ')}`);
      ok = false;
    }
  }
  return ok;
}

interface Scanned {
  /** Its path in the repository, as findings are reported. */
  readonly file: string;
  /** Its path in the scan folder (electronegativity reads .js/.ts/.html/package.json only). */
  readonly stagedAs: string;
}

function scannedFiles(): Scanned[] {
  const shipped = [...walk(path.join(ROOT, 'electron', 'dist')), ...walk(path.join(ROOT, 'renderer', 'dist'))].filter((f) => /\.(js|cjs|mjs|html?)$/.test(f));
  const sources = readdirSync(path.join(ROOT, 'electron'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts') && f !== 'build.ts')
    .map((f) => path.join(ROOT, 'electron', f));
  return [...shipped, ...sources, path.join(ROOT, 'package.json')].map((f) => {
    const file = rel(f);
    return { file, stagedAs: /\.(cjs|mjs)$/.test(file) ? `${file}.js` : file };
  });
}

/** Electronegativity hides a finding whose line carries an `eng-disable` comment: here only the allow-list explains. */
function inlineDisables(files: readonly Scanned[]): string[] {
  const out: string[] = [];
  for (const s of files) {
    readFileSync(path.join(ROOT, s.file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/eng-disable/.test(line)) out.push(`${s.file}:${i + 1}: ${line.trim().slice(0, 100)}`);
      });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Running electronegativity (its JS API, dist/runner.js), with its network in our hands

interface ToolIssue {
  readonly id: string;
  readonly file: string;
  readonly location: { readonly line: number; readonly column: number };
  readonly sample?: string;
  readonly description: string;
  readonly shortenedURL?: string;
  readonly severity: { readonly name: string };
  readonly confidence: { readonly name: string };
  readonly manualReview?: boolean;
}

interface ToolResult {
  readonly globalChecks: number;
  readonly atomicChecks: number;
  readonly errors: readonly { readonly file: string; readonly message: string; readonly tolerable: boolean }[];
  readonly issues: readonly ToolIssue[];
}

interface ToolOptions {
  input: string;
  isRelative: boolean;
  electronVersionOverride: string;
  customScan: string[];
  excludeFromScan: string[];
  severitySet?: string;
  confidenceSet?: string;
}

type Run = (options: ToolOptions) => Promise<ToolResult>;
type Request = (url: string, options?: object) => Promise<unknown>;
type Got = Request & { head: Request; extend(options: object): Got };

interface Finding {
  readonly check: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** As this project counts it (see STRICTER). */
  readonly severity: string;
  /** As electronegativity rated it. */
  readonly toolSeverity: string;
  readonly confidence: string;
  readonly sample: string;
  readonly description: string;
  readonly url: string;
}

interface ScanResult {
  readonly findings: Finding[];
  readonly problems: string[];
  readonly notes: string[];
  readonly checks: number;
}

async function scan(stage: string, files: readonly Scanned[], electronVersion: string, online: boolean): Promise<ScanResult> {
  const toolRequire = createRequire(path.join(TOOL_DIR, 'package.json'));
  const toolPackage = z.object({ version: z.string(), i18nSource: z.string() }).parse(toolRequire('./package.json'));
  const problems: string[] = [];
  const notes: string[] = [];

  // Its `got`, replaced in the module cache before the tool loads it.
  const gotPath = toolRequire.resolve('got');
  const realGot = online ? (toolRequire('got') as Got).extend({ timeout: { request: ONLINE_REQUEST_TIMEOUT_MS }, retry: { limit: 1 } }) : undefined;
  const request =
    (method: 'get' | 'head'): Request =>
    async (url, options) => {
      if (url.startsWith(toolPackage.i18nSource)) throw new Error('translations are not fetched (the bundled en-US texts are used)');
      if (!realGot) {
        problems.push(`electronegativity tried to reach ${url} although the scan is offline (a check that needs the network is not excluded)`);
        throw new Error('no network in an offline scan');
      }
      try {
        return await (method === 'head' ? realGot.head(url, options) : realGot(url, options));
      } catch (e) {
        problems.push(`--online: ${method.toUpperCase()} ${url} failed: ${message(e)}`);
        throw e;
      }
    };
  const fakeGot = Object.assign(request('get'), { head: request('head') });
  toolRequire.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: fakeGot, children: [], paths: [] } as unknown as NodeJS.Module;

  // The tool talks on the console (translations, the release list); kept, and shown as notes.
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  const keep = (...args: unknown[]): void => {
    const line = args.map((a) => (typeof a === 'string' ? a : message(a))).join(' ');
    if (!/Could not retrieve updated translations/.test(line)) notes.push(line.replace(/\x1b\[[0-9;]*m/g, ''));
  };
  const lang = process.env['LANG'];
  process.env['LANG'] = 'en-US';
  console.log = console.warn = console.error = console.info = keep;
  let result: ToolResult;
  try {
    const run = toolRequire('./dist/runner.js') as Run;
    result = await run({
      input: stage,
      isRelative: true,
      electronVersionOverride: electronVersion,
      customScan: [],
      excludeFromScan: online ? [] : [NETWORK_CHECK.toLowerCase()],
    });
  } finally {
    Object.assign(console, saved);
    if (lang === undefined) delete process.env['LANG'];
    else process.env['LANG'] = lang;
  }

  const original = new Map(files.map((f) => [f.stagedAs, f.file]));
  const realPath = (f: string): string => original.get(f.split(path.sep).join('/')) ?? f;
  for (const e of result.errors) {
    if (e.tolerable) notes.push(`parse warning in ${realPath(path.relative(stage, e.file))}: ${e.message}`);
    else problems.push(`${realPath(path.relative(stage, e.file))} could not be parsed, so it was not checked: ${e.message}`);
  }
  if (result.atomicChecks === 0) problems.push('electronegativity ran no checks');
  if (!online) notes.push(`${NETWORK_CHECK_ID} not run: it needs the network (--online checks Electron ${electronVersion} against Electron's release notes)`);

  const findings = result.issues.map((i): Finding => {
    const finding: Finding = {
      check: i.id,
      file: realPath(i.file),
      line: i.location.line,
      column: i.location.column,
      severity: i.severity.name,
      toolSeverity: i.severity.name,
      confidence: i.confidence.name,
      sample: i.sample ?? '',
      description: i.description,
      url: i.shortenedURL ?? '',
    };
    const stricter = STRICTER.find((s) => s.check === finding.check && s.applies(finding) && SEVERITY_ORDER.indexOf(s.severity) < SEVERITY_ORDER.indexOf(finding.severity));
    return stricter ? { ...finding, severity: stricter.severity } : finding;
  });
  return { findings, problems, notes, checks: result.atomicChecks + result.globalChecks };
}

// ---------------------------------------------------------------------------------------------------------------
// The allow-list

const Entry = z
  .object({
    /** The check's id as electronegativity reports it, e.g. SANDBOX_JS_CHECK. */
    check: z.string().regex(/^[A-Z0-9_]+$/, 'a check id, e.g. SANDBOX_JS_CHECK'),
    /** Repository paths; the entry explains one finding in each. */
    files: z.array(z.string().min(1)).min(1),
    /** Part of the flagged line (the finding's sample), at least 12 characters; leave out only for findings without a line. */
    snippet: z.string().min(12).optional(),
    /** Why it is a false positive or accepted: one sentence a reviewer can check against the code. */
    reason: z.string().min(40),
  })
  .strict();
type Entry = z.infer<typeof Entry>;
const AllowList = z.object({ $comment: z.string().optional(), allow: z.array(Entry) }).strict();

function loadAllowList(): Entry[] {
  const parsed = AllowList.safeParse(JSON.parse(readFileSync(ALLOW_FILE, 'utf8')));
  if (!parsed.success) throw new Error(`${rel(ALLOW_FILE)} is not a valid allow-list: ${z.prettifyError(parsed.error)}`);
  return parsed.data.allow;
}

type Status = { readonly kind: 'fail' } | { readonly kind: 'allowed'; readonly entry: number } | { readonly kind: 'note' };

/**
 * Each failing finding is explained by the first entry that names its check and file, whose snippet is in its line,
 * and that has not explained a finding in that file yet. Entry/file pairs that explain nothing are stale.
 */
function judge(findings: readonly Finding[], entries: readonly Entry[]): { statuses: Status[]; stale: string[] } {
  const used = new Set<string>();
  const statuses = findings.map((f): Status => {
    if (!FAILING.has(f.severity)) return { kind: 'note' };
    const entry = entries.findIndex((e, n) => e.check === f.check && e.files.includes(f.file) && (e.snippet === undefined || f.sample.includes(e.snippet)) && !used.has(`${n}\0${f.file}`));
    if (entry === -1) return { kind: 'fail' };
    used.add(`${entry}\0${f.file}`);
    return { kind: 'allowed', entry };
  });
  const stale = entries.flatMap((e, n) => e.files.filter((file) => !used.has(`${n}\0${file}`)).map((file) => `#${n + 1} ${e.check} in ${file}${e.snippet ? ` ("${e.snippet}")` : ''}: it explains no HIGH or MEDIUM finding there: take that file out of the entry (or the entry out of the list)`));
  return { statuses, stale };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd());
}

const clip = (s: string, n: number): string => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

async function main(): Promise<number> {
  const started = performance.now();
  let args;
  try {
    args = parseArgs({ options: { 'no-build': { type: 'boolean', default: false }, online: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } }, strict: true }).values;
  } catch (e) {
    complain(message(e));
    return 2;
  }
  if (args.help) {
    say('usage: node bin/run-ts.js packaging/electronegativity.ts [--no-build] [--online]');
    return 0;
  }
  if (!existsSync(path.join(TOOL_DIR, 'dist', 'runner.js'))) {
    complain('@doyensec/electronegativity is not installed: run `npm ci`');
    return 1;
  }
  const electronPackage = path.join(ROOT, 'node_modules', 'electron', 'package.json');
  if (!existsSync(electronPackage)) {
    complain('the electron package is not installed: run `npm ci`');
    return 1;
  }
  const electronVersion = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(electronPackage, 'utf8'))).version;
  const entries = loadAllowList();
  if (!ensureBuilt(!args['no-build'])) return 1;

  const files = scannedFiles();
  const disabled = inlineDisables(files);
  const stage = mkdtempSync(path.join(os.tmpdir(), 'locker-electronegativity-'));
  let result: ScanResult;
  try {
    for (const f of files) {
      const to = path.join(stage, f.stagedAs);
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(path.join(ROOT, f.file), to);
    }
    const deadline = setTimeout(() => {
      complain(`electronegativity did not finish within ${DEADLINE_MS / 1000} s${args.online ? ' (is the network hanging? --online)' : ''}`);
      rmSync(stage, { recursive: true, force: true });
      process.exit(1);
    }, DEADLINE_MS);
    try {
      result = await scan(stage, files, electronVersion, args.online);
    } finally {
      clearTimeout(deadline);
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }

  const findings = [...result.findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || a.check.localeCompare(b.check) || a.file.localeCompare(b.file) || a.line - b.line);
  const { statuses, stale } = judge(findings, entries);
  const statusText = (s: Status): string => (s.kind === 'fail' ? 'FAIL' : s.kind === 'allowed' ? `allowed #${s.entry + 1}` : 'shown');

  say(`electronegativity ${z.object({ version: z.string() }).parse(JSON.parse(readFileSync(path.join(TOOL_DIR, 'package.json'), 'utf8'))).version}, Electron ${electronVersion}, ${result.checks} checks, ${files.length} files: ${files.map((f) => f.file).join(', ')}`);
  say();
  if (findings.length === 0) say('No findings.');
  else {
    const rows = [['STATUS', 'SEVERITY', 'CONFIDENCE', 'CHECK', 'WHERE', 'LINE'], ...findings.map((f, i) => [statusText(statuses[i] ?? { kind: 'fail' }), f.severity === f.toolSeverity ? f.severity : `${f.severity} (tool: ${f.toolSeverity})`, f.confidence, f.check, `${f.file}:${f.line}:${f.column}`, clip(f.sample || f.description, 90)])];
    for (const line of table(rows)) say(line);
  }
  const usedEntries = [...new Set(statuses.flatMap((s) => (s.kind === 'allowed' ? [s.entry] : [])))].sort((a, b) => a - b);
  if (usedEntries.length > 0) {
    say();
    say(`Explained in ${rel(ALLOW_FILE)}:`);
    for (const n of usedEntries) say(`  #${n + 1} ${entries[n]?.check}: ${entries[n]?.reason}`);
  }
  const raised = STRICTER.filter((s) => findings.some((f) => f.check === s.check && f.severity !== f.toolSeverity));
  if (raised.length > 0) {
    say();
    say('Counted as more severe than electronegativity rates them:');
    for (const s of raised) say(`  ${s.check} → ${s.severity}: ${s.why}`);
  }
  const failed = findings.filter((_, i) => statuses[i]?.kind === 'fail');
  if (failed.length > 0) {
    say();
    say('Not explained (fix the code, or add an entry with a reason to the allow-list):');
    for (const f of failed) say(`  ${f.severity} ${f.check} at ${f.file}:${f.line}: ${f.description}${f.url ? ` (${f.url})` : ''}`);
  }
  const problems = [...result.problems, ...stale.map((s) => `stale allow-list entry ${s}`), ...disabled.map((d) => `inline eng-disable comment (explain the finding in ${rel(ALLOW_FILE)} instead): ${d}`)];
  if (problems.length > 0) {
    say();
    for (const p of problems) say(`PROBLEM: ${p}`);
  }
  if (result.notes.length > 0) {
    say();
    for (const n of result.notes) say(`note: ${n}`);
  }
  const bySeverity = SEVERITY_ORDER.map((s) => `${findings.filter((f) => f.severity === s).length} ${s.toLowerCase()}`).join(', ');
  const ok = failed.length === 0 && problems.length === 0;
  say();
  say(`${ok ? 'OK' : 'FAILED'}: ${findings.length} findings (${bySeverity}); ${usedEntries.length} explained by the allow-list, ${failed.length} not explained, ${problems.length} problems; ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return ok ? 0 : 1;
}

process.exitCode = await main().catch((e: unknown) => {
  complain(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return 1;
});
