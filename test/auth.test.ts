import { describe, expect, it } from 'vitest';
import { loginWithClientCredentials, retryTransient } from '../shared/auth/index.js';
import { newAccount } from './helpers/pod.js';

describe('client-credentials login', () => {
  it('tries a login again when its connection drops, and not when it is refused or the secret is wrong', async () => {
    const dropped = Object.assign(new TypeError('fetch failed'), { cause: new Error('socket hang up') });
    let calls = 0;
    expect(await retryTransient(async () => (++calls === 1 ? Promise.reject(dropped) : 'in'), [1, 1])).toBe('in');
    expect(calls).toBe(2);
    calls = 0;
    await expect(retryTransient(async () => (++calls, Promise.reject(dropped)), [1, 1])).rejects.toBe(dropped);
    expect(calls).toBe(3);
    for (const final of [new Error('invalid_client'), new Error('connect ECONNREFUSED 127.0.0.1:1')]) {
      calls = 0;
      await expect(retryTransient(async () => (++calls, Promise.reject(final)), [1, 1])).rejects.toBe(final);
      expect(calls).toBe(1);
    }
  });

  it('logs in, reads a private resource, and logs in again before the token expires', async () => {
    const account = await newAccount('wac');
    let clock = Date.now();
    const r = await loginWithClientCredentials({ issuer: account.issuer, clientId: account.clientId, clientSecret: account.clientSecret }, { now: () => clock });
    if (r.kind !== 'ok') throw new Error(r.message);
    const s = r.session;
    try {
      expect(s.webId).toBe(account.webId);
      const first = s.expiresAt();
      expect(first).toBeGreaterThan(Date.now());
      expect((await s.fetch(`${account.podUrl}profile/card`)).status).toBe(200);
      // A private container: anonymous → 401, the session → 200/404.
      const put = await s.fetch(`${account.podUrl}private/x.ttl`, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: '<#a> <#b> <#c>.' });
      expect(put.status).toBe(201);
      expect((await fetch(`${account.podUrl}private/x.ttl`)).status).toBe(401);
      // Pretend the token is about to expire: the next request logs in anew first.
      clock = (first ?? 0) - 30_000;
      await new Promise((res) => setTimeout(res, 1100));
      const res = await s.fetch(`${account.podUrl}private/x.ttl`);
      expect(res.status).toBe(200);
      expect(s.expiresAt()).toBeGreaterThan(first ?? 0);
    } finally {
      await s.close();
    }
  });

  it('a wrong secret is a clear error without the secret in it', async () => {
    const account = await newAccount('wac');
    const r = await loginWithClientCredentials({ issuer: account.issuer, clientId: account.clientId, clientSecret: 'wrong-secret-value' });
    expect(r.kind).toBe('error');
    if (r.kind === 'error') {
      expect(r.message).toMatch(/login to .* failed/);
      expect(r.message).not.toContain('wrong-secret-value');
    }
  });
});
