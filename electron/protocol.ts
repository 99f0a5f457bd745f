import { readFile } from 'node:fs/promises';
import { assetHeaders, binaryAnswer, CONTENT_SECURITY_POLICY, resolveAsset, type AppResponse, type BinarySource } from './policy.js';

/**
 * What `app://locker/…` answers, as plain TypeScript (no runtime import of
 * `electron`): `main.ts` hands every request of the scheme to
 * `answerAppRequest` and turns the answer into a `Response`; the e2e suite
 * (`e2e/bridge.e2e.test.ts`) answers the browser's requests with the same
 * function. The decisions are the pure functions of `policy.ts`
 * (`binaryAnswer`, `resolveAsset`); this adds the I/O: reading the renderer's
 * files and the store's binaries, and turning a failure into a 500 and a log
 * line.
 *
 * - `GET`/`HEAD` only (405 otherwise).
 * - `/api/binary/<name>`: the locker's binaries (photos, thumbnails), as
 *   `locker serve` answers them.
 * - anything else: a file of the built renderer, or 400/403/404.
 */
export interface AppRequestOptions {
  /** The built renderer (`renderer/dist`). */
  readonly rendererRoot: string;
  /** The open locker's store (`locker.store`). */
  readonly binaries: BinarySource;
  readonly log: (line: string) => void;
}

export async function answerAppRequest(request: { readonly url: string; readonly method: string }, opts: AppRequestOptions): Promise<AppResponse> {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return refusal(405);
  let binary: AppResponse | undefined;
  try {
    binary = binaryAnswer(request.url, method, opts.binaries);
  } catch (e) {
    // The store could not be read (the locker is closing, a disk error): a 500 and a line in the log, never a stack in the page.
    opts.log(`locker: could not read a binary: ${e instanceof Error ? e.message : String(e)}`);
    return refusal(500);
  }
  if (binary) return binary;
  const found = resolveAsset(request.url, opts.rendererRoot);
  if (found.kind === 'refused') return refusal(found.status);
  let body: Buffer;
  try {
    body = await readFile(found.path);
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? e.code : undefined;
    if (code === 'ENOENT' || code === 'EISDIR') return refusal(404);
    opts.log(`locker: could not read ${found.path}: ${e instanceof Error ? e.message : String(e)}`);
    return refusal(500);
  }
  return { status: 200, headers: assetHeaders(found.contentType), body: method === 'HEAD' ? null : new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
}

/** A refusal or failure: no body, the app's CSP, no sniffing. */
function refusal(status: number): AppResponse {
  return { status, headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }, body: null };
}
