import { withoutSecrets } from '../crypto/index.js';
import { spawn } from 'node:child_process';

/**
 * Opens a URL in the user's default browser for the CLI's interactive login.
 * Never throws: when no browser can be started the result says why, and the
 * CLI prints the URL anyway.
 */

export type OpenBrowserResult = { readonly kind: 'opened'; readonly command: string } | { readonly kind: 'unavailable'; readonly message: string };

export interface OpenBrowserOptions {
  readonly platform?: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
  /** How long to wait for the opener to fail before taking it as started (default 3 s). */
  readonly settleMs?: number;
}

interface Opener {
  readonly command: string;
  readonly args: readonly string[];
}

function openerFor(url: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Opener | string {
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // `start` goes through cmd.exe, which would treat `&` and `%` in the URL as syntax: let the URL handler open it.
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  // Linux and the BSDs. Without a graphical session xdg-open would start a text browser or nothing at all.
  if (!env['DISPLAY'] && !env['WAYLAND_DISPLAY'] && !env['BROWSER']) return 'no graphical session (DISPLAY and WAYLAND_DISPLAY are not set)';
  return { command: 'xdg-open', args: [url] };
}

export function openSystemBrowser(url: string, opts: OpenBrowserOptions = {}): Promise<OpenBrowserResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve({ kind: 'unavailable', message: 'not a valid URL' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return Promise.resolve({ kind: 'unavailable', message: `will not open a ${parsed.protocol} URL` });
  const env = opts.env ?? process.env;
  const opener = openerFor(parsed.href, opts.platform ?? process.platform, env);
  if (typeof opener === 'string') return Promise.resolve({ kind: 'unavailable', message: opener });

  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: OpenBrowserResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    // The opener may keep running as long as the browser does: after settleMs, take it as opened and let it go.
    const timer = setTimeout(() => {
      child.unref();
      finish({ kind: 'opened', command: opener.command });
    }, opts.settleMs ?? 3000);
    const child = spawn(opener.command, [...opener.args], { env: withoutSecrets(env), stdio: 'ignore', detached: process.platform !== 'win32', windowsHide: true });
    child.once('error', (e: NodeJS.ErrnoException) => finish({ kind: 'unavailable', message: e.code === 'ENOENT' ? `${opener.command} is not installed` : `${opener.command} failed to start: ${e.message}` }));
    child.once('exit', (code, signal) =>
      finish(code === 0 ? { kind: 'opened', command: opener.command } : { kind: 'unavailable', message: `${opener.command} found no browser (${code !== null ? `exit code ${code}` : `signal ${signal}`})` }),
    );
  });
}
