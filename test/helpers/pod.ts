import { inject } from 'vitest';
import { loginWithClientCredentials, type PodSession } from '../../shared/auth/index.js';
import { createCssAccount, type CssAccount } from '../../shared/localpod/index.js';

export type Flavour = 'wac' | 'acp';

export function cssUrl(flavour: Flavour): string {
  return flavour === 'acp' ? inject('cssAcp') : inject('cssWac');
}

let counter = 0;
/** A new account with its own pod on the run's server (names are unique per run). */
export async function newAccount(flavour: Flavour, prefix = 'u'): Promise<CssAccount> {
  const name = `${prefix}${process.pid}x${++counter}x${Math.floor(Math.random() * 1e6)}`;
  const r = await createCssAccount(cssUrl(flavour), name);
  if (r.kind !== 'ok') throw new Error(r.message);
  return r.account;
}

export async function login(account: CssAccount): Promise<PodSession> {
  const r = await loginWithClientCredentials({ issuer: account.issuer, clientId: account.clientId, clientSecret: account.clientSecret });
  if (r.kind !== 'ok') throw new Error(r.message);
  return r.session;
}
