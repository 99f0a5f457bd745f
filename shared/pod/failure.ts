/**
 * A pod failure as a value the caller switches on: what kind of trouble it is
 * (`code`), the HTTP status when the server answered, and a sentence for the
 * person. The UI tells "log in again" (`needs-login`) from "the server is
 * down" (`unreachable`, `server-error`) by the code, never by the message.
 */
import type { HttpError } from './http.js';

export type PodErrorCode =
  /** No pod is connected to this locker. */
  | 'not-connected'
  /** The login is missing, expired or refused (401, a missing secret, a refresh token no longer accepted). */
  | 'needs-login'
  /** Logged in, but this agent may not do that (403). */
  | 'forbidden'
  | 'not-found'
  /** Someone else wrote first (409, 412). */
  | 'conflict'
  /** No answer: no connection, no answer in time. */
  | 'unreachable'
  /** The server answered with a failure of its own (5xx, 429 after retries). */
  | 'server-error'
  /** The server answered something Locker cannot use (another 4xx, a malformed document). */
  | 'bad-answer'
  | 'cancelled'
  /** Not the pod: something on this computer failed while working with it (a disk error, a bug). */
  | 'internal';

export interface PodFailure {
  readonly kind: 'error';
  readonly code: PodErrorCode;
  /** The HTTP status of the answer, when there was one. */
  readonly status?: number;
  readonly message: string;
}

function codeForStatus(status: number): PodErrorCode {
  if (status === 401) return 'needs-login';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429 || status >= 500) return 'server-error';
  return 'bad-answer';
}

/** The failure an `HttpError` stands for. */
export function httpFailure(e: HttpError): PodFailure {
  if (e.failure === 'cancelled') return { kind: 'error', code: 'cancelled', message: e.message };
  if (e.failure !== 'status') return { kind: 'error', code: 'unreachable', message: e.message };
  return { kind: 'error', code: codeForStatus(e.status), status: e.status, message: e.message };
}

export function podError(code: PodErrorCode, message: string, status?: number): PodFailure {
  return { kind: 'error', code, message, ...(status !== undefined && { status }) };
}
