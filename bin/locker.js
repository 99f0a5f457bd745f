#!/usr/bin/env node
// The `locker` command. It runs the compiled CLI in dist/cli/ (`npm run build:cli`, done by `npm install`,
// `npm start` and `npm test`) while that build is current: none of the source files it was built from
// (listed in dist/cli/build.json) changed since the build started. Otherwise, and with
// LOCKER_FROM_SOURCE=1, it runs the TypeScript sources through tsx's loader: slower to start (about a
// second), never out of date.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/** True when dist/cli/ holds a build made from the sources as they are now. */
function compiledIsCurrent() {
  if (process.env.LOCKER_FROM_SOURCE === '1') return false;
  try {
    const build = JSON.parse(readFileSync(new URL('dist/cli/build.json', root), 'utf8'));
    if (typeof build.startedMs !== 'number' || !Array.isArray(build.inputs)) return false;
    for (const file of build.inputs) if (statSync(new URL(file, root)).mtimeMs > build.startedMs) return false;
    return true;
  } catch {
    return false; // no build, a damaged one, or a source file gone: the sources decide
  }
}

let main;
if (compiledIsCurrent()) ({ main } = await import('../dist/cli/main.js'));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
