import { z } from 'zod';
import { writeFileDurable } from '../durable/index.js';
import { readJsonFile } from './json-file.js';

/**
 * `<home>/pod/state.json`. `port` and `baseUrl` outlive the daemon (the base
 * URL is baked into WebIDs and tokens); `pid` is present only while a daemon
 * serves, and is written once it is ready.
 */
export const LocalPodStateSchema = z.object({
  port: z.number().int().min(1).max(65535),
  baseUrl: z.string().url(),
  pid: z.number().int().positive().optional(),
  /** The Solid server under the daemon (to wait for it after a crash). */
  cssPid: z.number().int().positive().optional(),
  startedAt: z.string().optional(),
  stoppedAt: z.string().optional(),
});
export type LocalPodState = z.infer<typeof LocalPodStateSchema>;

export type ReadStateResult = { readonly kind: 'ok'; readonly state: LocalPodState } | { readonly kind: 'absent' } | { readonly kind: 'error'; readonly message: string };

export function readState(file: string): ReadStateResult {
  const r = readJsonFile(file, LocalPodStateSchema, 'a valid local pod state');
  return r.kind === 'ok' ? { kind: 'ok', state: r.value } : r;
}

/** Atomic and durable: a reader sees the old or the new state, never half of one. */
export function writeState(file: string, state: LocalPodState): void {
  writeFileDurable(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

/** The state without the live-process fields (after a stop, or a crash found later). */
export function stoppedState(state: LocalPodState, at = new Date()): LocalPodState {
  return { port: state.port, baseUrl: state.baseUrl, stoppedAt: at.toISOString() };
}
