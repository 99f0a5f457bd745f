#!/usr/bin/env node
// `npm run build:cli` (run by `npm install`, `npm start` and `npm test`): compiles the CLI into dist/cli/.
//
// - One ES module per entry (main.js; daemon.js and agent-main.js, the local pod's and the unlock
//   agent's processes, which their launchers look for beside themselves) plus shared chunks, with code
//   splitting: every `import()` of the sources stays a separate chunk, loaded only when reached, so
//   `locker search` never parses the importers, the pod code or the server.
// - npm packages stay in node_modules (native ones like better-sqlite3 and sharp must; the large and
//   lazily loaded ones gain nothing from bundling), except the few pure-JavaScript libraries every
//   command opening a locker loads (BUNDLED): one file is read and compiled much faster than the
//   hundred small modules each of them is spread over.
// - build.json records when the build started and every source file it read: bin/locker.js runs the
//   compiled CLI only while none of them is newer, and the sources through tsx otherwise.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'dist', 'cli');

/** Packages compiled into the bundle (with what they import): pure JavaScript, loaded by every command that opens a locker. */
export const BUNDLED = ['zod', 'n3', 'shacl-engine'];

/** True when `spec` (an import path) names a package outside BUNDLED: it stays an import of node_modules. */
function external(spec) {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) return false;
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  return !BUNDLED.includes(name);
}

const startedMs = Date.now();
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
let result;
try {
  result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'cli/main.ts', daemon: 'shared/localpod/daemon.ts', 'agent-main': 'shared/crypto/agent-main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    // A bundled CommonJS library may call require(): give the ES module one.
    banner: { js: "import { createRequire as __lockerRequire } from 'node:module'; const require = __lockerRequire(import.meta.url);" },
    plugins: [
      {
        name: 'node-modules-external',
        setup(b) {
          // readable-stream is Node's own stream module, repackaged for browsers (114 CommonJS files for n3 alone):
          // in Node, n3 gets node:stream itself.
          b.onResolve({ filter: /^readable-stream$/ }, () => ({ path: 'node:stream', external: true }));
          // Only from the sources: what a bundled package imports is bundled with it unless it is a package of its own outside BUNDLED.
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('node:') || !external(args.path) ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
} catch {
  // esbuild printed the errors.
  process.exit(1);
}
const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/') || f.endsWith('/package.json'));
// The bundled packages' package.json: an upgrade of one makes the build stale too.
for (const name of BUNDLED) inputs.push(`node_modules/${name}/package.json`);
writeFileSync(path.join(outdir, 'build.json'), `${JSON.stringify({ startedMs, inputs: [...new Set(inputs)].sort() }, null, 1)}\n`);
writeFileSync(path.join(outdir, 'package.json'), '{ "type": "module" }\n');
