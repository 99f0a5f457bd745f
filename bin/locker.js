#!/usr/bin/env node
// The `locker` command. The CLI is written in TypeScript and loaded through
// tsx's loader, so the package runs from source without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
