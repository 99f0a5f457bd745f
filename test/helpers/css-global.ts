/**
 * vitest globalSetup: one Community Solid Server per access-control system
 * (WAC `file.json`, ACP `file-acp.json`), started once per test run on free
 * loopback ports; tests create their own accounts on them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startCss, type CssProcess } from '../../shared/localpod/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    cssWac: string;
    cssAcp: string;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

let servers: CssProcess[] = [];
let dataRoot = '';

export async function setup(project: TestProject): Promise<void> {
  dataRoot = mkdtempSync(path.join(os.tmpdir(), 'locker-css-'));
  const start = async (flavour: 'wac' | 'acp') => {
    const port = await freePort();
    const baseUrl = `http://localhost:${port}/`;
    const r = await startCss({ flavour, dataDir: path.join(dataRoot, flavour), baseUrl, port });
    if (r.kind !== 'ok') throw new Error(r.message);
    servers.push(r.css);
    return baseUrl;
  };
  const [wac, acp] = await Promise.all([start('wac'), start('acp')]);
  project.provide('cssWac', wac);
  project.provide('cssAcp', acp);
}

export async function teardown(): Promise<void> {
  if (process.env['LOCKER_CSS_LOG']) for (const s of servers) process.stderr.write(`--- ${s.baseUrl}\n${s.recentLog()}\n`);
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
  if (dataRoot) rmSync(dataRoot, { recursive: true, force: true });
}
