import { invoke, type CallContext, type CallInput, type LockerApi, type LockerEvent, type Operation, type Outputs } from '../shared/api/index.js';

/**
 * The CLI's one door into the core: every command that does something to
 * the locker calls an operation of the same handler map that `locker serve`
 * and the desktop serve (`shared/api/contract.ts`), with the payload checked
 * by the same schema. Commands get a `Door`, never the `Locker`.
 */

export { BadRequestError } from './errors.js';
import { BadRequestError } from './errors.js';

export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: ((e: LockerEvent) => void) | undefined;
  /** Asks for an encrypted backup's secret when one is met (`import.start`, `backup.restore`). */
  readonly unseal?: CallContext['unseal'];
}

export interface Door {
  /** The locker's folder (for what is kept beside it, such as `config.json`). */
  readonly home: string;
  readonly encrypted: boolean;
  call<K extends Operation>(op: K, payload: CallInput<K>, opts?: CallOptions): Promise<Outputs[K]>;
}

/** The door of one opened locker, over its handler map (built once per command). */
export function openDoor(api: LockerApi, facts: { readonly home: string; readonly encrypted: boolean }): Door {
  return {
    ...facts,
    async call(op, payload, opts = {}) {
      const ctx: CallContext = { ...(opts.signal && { signal: opts.signal }), ...(opts.onEvent && { emit: opts.onEvent }), ...(opts.unseal && { unseal: opts.unseal }) };
      const r = await invoke(api, op, payload, ctx);
      if (r.kind === 'bad-request') throw new BadRequestError(r.message);
      return r.value;
    },
  };
}
