import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

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
  if (!existsSync(file)) return { kind: 'absent' };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { kind: 'error', message: `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const parsed = LocalPodStateSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'error', message: `${file} is not a valid local pod state: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  return { kind: 'ok', state: parsed.data };
}

/** Atomic: a reader sees the old or the new state, never half of one. */
export function writeState(file: string, state: LocalPodState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/** The state without the live-process fields (after a stop, or a crash found later). */
export function stoppedState(state: LocalPodState, at = new Date()): LocalPodState {
  return { port: state.port, baseUrl: state.baseUrl, stoppedAt: at.toISOString() };
}
