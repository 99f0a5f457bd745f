/**
 * Grants against real Community Solid Servers (WAC and ACP): a golden access
 * matrix — owner, bot, another agent, anonymous × resources × modes —
 * checked with each agent's own login before a grant, after it, after a
 * revoke and after expiry.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodSession } from '../shared/auth/index.js';
import { addClientCredentials, type CssAccount } from '../shared/localpod/index.js';
import { BIN, locker, lockerJson } from './helpers/cli.js';
import { FIXTURES } from './helpers/home.js';
import { login, newAccount, podDoc, type Flavour } from './helpers/pod.js';
import { PLAIN, replica, sync, type Replica } from './helpers/sync.js';
import { settleGrants, withPod } from '../shared/api/index.js';

type Outcome = 'ok' | 'denied' | 'anonymous';

interface World {
  owner: CssAccount;
  bot: CssAccount;
  r: Replica;
  sessions: { owner: PodSession; bot: PodSession; other: PodSession };
  eventDoc: string;
  contactDoc: string;
}

function outcome(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 401) return 'anonymous';
  if (status === 403) return 'denied';
  throw new Error(`unexpected status ${status}`);
}

/** What each agent can do, asked with its own login. */
async function matrix(w: World): Promise<Record<string, Record<string, Outcome>>> {
  const pod = w.owner.podUrl;
  const agents: Record<string, typeof fetch> = { owner: w.sessions.owner.fetch, bot: w.sessions.bot.fetch, other: w.sessions.other.fetch, anonymous: fetch };
  const out: Record<string, Record<string, Outcome>> = {};
  for (const [name, f] of Object.entries(agents)) {
    const row: Record<string, Outcome> = {};
    row['read events/'] = outcome((await f(`${pod}locker/events/`)).status);
    row['read event'] = outcome((await f(w.eventDoc)).status);
    row['read contacts/'] = outcome((await f(`${pod}locker/contacts/`)).status);
    row['read contact'] = outcome((await f(w.contactDoc)).status);
    const post = await f(`${pod}locker/notes/`, { method: 'POST', headers: { 'content-type': 'text/turtle' }, body: '<#it> a <http://schema.org/NoteDigitalDocument>; <http://schema.org/name> "from the matrix".' });
    row['append notes/'] = outcome(post.status);
    if (post.status === 201) {
      const loc = post.headers.get('location');
      if (loc) await w.sessions.owner.fetch(loc, { method: 'DELETE' });
    }
    const current = await w.sessions.owner.fetch(w.eventDoc);
    const body = await current.text();
    row['write event'] = outcome((await f(w.eventDoc, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body })).status);
    out[name] = row;
  }
  return out;
}

const CLOSED = { 'read events/': 'denied', 'read event': 'denied', 'read contacts/': 'denied', 'read contact': 'denied', 'append notes/': 'denied', 'write event': 'denied' } as const;
const ANON = { 'read events/': 'anonymous', 'read event': 'anonymous', 'read contacts/': 'anonymous', 'read contact': 'anonymous', 'append notes/': 'anonymous', 'write event': 'anonymous' } as const;
const OWNER = { 'read events/': 'ok', 'read event': 'ok', 'read contacts/': 'ok', 'read contact': 'ok', 'append notes/': 'ok', 'write event': 'ok' } as const;
const BOT_GRANTED = { ...CLOSED, 'read events/': 'ok', 'read event': 'ok', 'append notes/': 'ok' } as const;

async function ownerHasControl(w: World): Promise<void> {
  for (const c of ['events/', 'notes/', 'contacts/', '']) {
    const head = await w.sessions.owner.fetch(`${w.owner.podUrl}locker/${c}`, { method: 'HEAD' });
    const acl = /<([^>]+)>;\s*rel="acl"/.exec(head.headers.get('link') ?? '')?.[1];
    if (!acl) throw new Error('no acl link');
    // Reading an access-control document needs Control.
    expect([200, 404], `owner's Control over ${c || 'locker/'}`).toContain((await w.sessions.owner.fetch(acl)).status);
    const put = await w.sessions.owner.fetch(`${w.owner.podUrl}locker/${c}control-check.ttl`, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: '<#a> <#b> "c".' });
    expect(put.status).toBeLessThan(300);
    await w.sessions.owner.fetch(`${w.owner.podUrl}locker/${c}control-check.ttl`, { method: 'DELETE' });
  }
}

for (const flavour of ['wac', 'acp'] as const satisfies readonly Flavour[]) {
  describe(`grants on ${flavour.toUpperCase()}`, () => {
    let w: World;
    const closers: Array<() => Promise<void> | void> = [];
    beforeAll(async () => {
      const owner = await newAccount(flavour, 'owner');
      const bot = await newAccount(flavour, 'bot');
      const other = await newAccount(flavour, 'other');
      const r = await replica(owner);
      closers.push(() => r.close());
      await r.locker.importFiles([path.join(FIXTURES, 'calendar.ics'), path.join(FIXTURES, 'contacts.vcf')]);
      await sync(r);
      const sessions = { owner: await login(owner), bot: await login(bot), other: await login(other) };
      for (const s of Object.values(sessions)) closers.push(() => s.close());
      // The notes container exists on the pod (a note synced once and deleted keeps it).
      await sessions.owner.fetch(`${owner.podUrl}locker/notes/`, { method: 'PUT', headers: { 'content-type': 'text/turtle' } });
      const ev = r.locker.list({ type: 'event' })[0]?.id;
      const ct = r.locker.list({ type: 'contact' })[0]?.id;
      w = { owner, bot, r, sessions, eventDoc: podDoc(owner.podUrl, 'events', ev ?? ''), contactDoc: `${owner.podUrl}locker/contacts/Person/${ct}/index.ttl` };
    });
    afterAll(async () => {
      for (const c of closers.reverse()) await c();
    });

    it('opens exactly what was granted, and a revoke closes it again without touching a hand-added rule', async () => {
      expect(await matrix(w)).toEqual({ owner: OWNER, bot: CLOSED, other: CLOSED, anonymous: ANON });

      const g1 = await lockerJson<{ id: string }>(w.r.home, 'grant', '--agent', w.bot.webId, '--type', 'event', '--modes', 'read', '--purpose', 'dpv:ServiceProvision', '--for', '1h');
      const g2 = await lockerJson<{ id: string }>(w.r.home, 'grant', '--agent', w.bot.webId, '--path', 'notes/', '--modes', 'append', '--for', '1h');
      expect(await matrix(w)).toEqual({ owner: OWNER, bot: BOT_GRANTED, other: CLOSED, anonymous: ANON });
      await ownerHasControl(w);

      // Both sides hold the contract: the bot reads its own ledger entry.
      const grants = await lockerJson<Array<{ id: string; ledger: string; timeLeft: string; purposeLabel: string; what: string[] }>>(w.r.home, 'grants');
      const mine = grants.find((g) => g.id === g1.id);
      expect(mine?.what).toEqual(['event']);
      expect(mine?.timeLeft).toMatch(/^(59 minutes|1 hour)$/);
      expect(mine?.purposeLabel).toBe('to provide a service you asked for');
      const ledger = await w.sessions.bot.fetch(mine?.ledger ?? '');
      expect(ledger.status).toBe(200);
      const text = await ledger.text();
      expect(text).toContain('odrl:Agreement');
      expect(text).toContain(w.bot.webId);
      expect(text).toContain('https://w3id.org/dpv#ServiceProvision');
      expect(text).toContain('odrl:dateTime');
      expect((await w.sessions.other.fetch(mine?.ledger ?? '')).status).toBe(403);

      // Someone else adds a rule of their own to the events container's access document.
      const aclUrl = /<([^>]+)>;\s*rel="acl"/.exec((await w.sessions.owner.fetch(`${w.owner.podUrl}locker/events/`, { method: 'HEAD' })).headers.get('link') ?? '')?.[1] ?? '';
      const other = (await w.sessions.other.fetch(w.sessions.other.webId)).url.replace(/#.*$/, '') + '#me';
      const hand =
        flavour === 'wac'
          ? `<#hand> a <http://www.w3.org/ns/auth/acl#Authorization>; <http://www.w3.org/ns/auth/acl#agent> <${other}>; <http://www.w3.org/ns/auth/acl#accessTo> <${w.owner.podUrl}locker/events/>; <http://www.w3.org/ns/auth/acl#default> <${w.owner.podUrl}locker/events/>; <http://www.w3.org/ns/auth/acl#mode> <http://www.w3.org/ns/auth/acl#Read>.`
          : `<${aclUrl}> <http://www.w3.org/ns/solid/acp#accessControl> <#hand>; <http://www.w3.org/ns/solid/acp#memberAccessControl> <#hand>. <#hand> <http://www.w3.org/ns/solid/acp#apply> <#hand-p>. <#hand-p> <http://www.w3.org/ns/solid/acp#allow> <http://www.w3.org/ns/auth/acl#Read>; <http://www.w3.org/ns/solid/acp#anyOf> <#hand-m>. <#hand-m> <http://www.w3.org/ns/solid/acp#agent> <${other}>.`;
      const patch = await w.sessions.owner.fetch(aclUrl, { method: 'PATCH', headers: { 'content-type': 'text/n3' }, body: `@prefix solid: <http://www.w3.org/ns/solid/terms#>. <#p> a solid:InsertDeletePatch; solid:inserts { ${hand} }.` });
      expect(patch.status).toBeLessThan(300);

      // The audit flags the rule Locker did not write.
      const audit = await lockerJson<{ rules: Array<{ resource: string; by: string; who: string[]; flagged: boolean }> }>(w.r.home, 'audit');
      expect(audit.rules.some((r) => r.flagged && r.who.includes(other) && r.resource.endsWith('locker/events/'))).toBe(true);
      expect(audit.rules.some((r) => r.by === `grant ${g1.id}` && !r.flagged)).toBe(true);

      // Fire the bot: every grant of it goes; the hand-added rule stays.
      const fired = await locker(w.r.home, 'revoke', '--agent', w.bot.webId, '--json');
      expect(fired.code).toBe(0);
      expect((JSON.parse(fired.stdout) as { revoked: string[] }).revoked.sort()).toEqual([g1.id, g2.id].sort());
      expect(await matrix(w)).toEqual({ owner: OWNER, bot: CLOSED, other: { ...CLOSED, 'read events/': 'ok', 'read event': 'ok' }, anonymous: ANON });
      await ownerHasControl(w);
      // The revocation is in the ledger too, and the bot can read it.
      expect((await w.sessions.bot.fetch((mine?.ledger ?? '').replace(/\.ttl$/, '-ended.ttl'))).status).toBe(200);
      expect(await lockerJson(w.r.home, 'grants')).toEqual([]);
      expect((await locker(w.r.home, 'revoke', g1.id)).stderr).toMatch(/already been revoked/);
    });

    it('a grant past its time is revoked on the next run', async () => {
      const g = await lockerJson<{ id: string }>(w.r.home, 'grant', '--agent', w.bot.webId, '--type', 'contact', '--for', '3s');
      expect((await w.sessions.bot.fetch(w.contactDoc)).status).toBe(200);
      expect((await w.sessions.bot.fetch(w.eventDoc)).status).toBe(403); // a grant on contacts never opens events
      await new Promise((res) => setTimeout(res, 3500));
      const listed = await locker(w.r.home, 'grants');
      expect(listed.stderr).toContain(`grant ${g.id} expired and was revoked`);
      expect((await w.sessions.bot.fetch(w.contactDoc)).status).toBe(403);
      const all = await lockerJson<Array<{ id: string; state: string }>>(w.r.home, 'grants', '--all');
      expect(all.find((x) => x.id === g.id)?.state).toBe('expired');
      await ownerHasControl(w);
    });

    it('a grant interrupted by a crash (never acknowledged) is taken back by the next run', async () => {
      const g = await lockerJson<{ id: string }>(w.r.home, 'grant', '--agent', w.bot.webId, '--type', 'event', '--for', '1h');
      expect((await w.sessions.bot.fetch(w.eventDoc)).status).toBe(200);
      // As if the process died after writing the rules but before marking the grant active.
      w.r.locker.store.grants.setState(g.id, 'pending');
      const later = Date.now() + 5 * 60_000;
      const settled = await withPod(w.r.locker, { env: PLAIN }, ({ session, ctx }) => settleGrants(w.r.locker, ctx, session.webId, later));
      expect(settled).toMatchObject({ finished: [g.id] });
      expect((await w.sessions.bot.fetch(w.eventDoc)).status).toBe(403);
      expect(w.r.locker.store.grants.get(g.id)?.state).toBe('revoked');
    });

    it('while the app runs, a timer revokes a grant when its time is up', async () => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKER_') && !k.startsWith('VITEST')));
      const child = spawn(process.execPath, [BIN, '--home', w.r.home, 'sync', '--watch'], { env: { ...env, LOCKER_VAULT: 'plain', LOCKER_WATCH_GRANT_MS: '300' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      try {
        const g = await lockerJson<{ id: string }>(w.r.home, 'grant', '--agent', w.bot.webId, '--type', 'event', '--for', '2s');
        expect((await w.sessions.bot.fetch(w.eventDoc)).status).toBe(200);
        const deadline = Date.now() + 15_000;
        while (!err.includes(`grant ${g.id} expired and was revoked`) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
        expect(err).toContain(`grant ${g.id} expired and was revoked`);
        expect((await w.sessions.bot.fetch(w.eventDoc)).status).toBe(403);
      } finally {
        child.kill('SIGTERM');
        await new Promise((res) => child.once('exit', res));
      }
    });

    it(flavour === 'acp' ? 'a bot using another client id is refused' : 'a client restriction is reported as not enforceable', async () => {
      const second = await addClientCredentials(w.bot.issuer, w.bot, 'second-app');
      if (second.kind !== 'ok') throw new Error(second.message);
      const r = await locker(w.r.home, 'grant', '--agent', w.bot.webId, '--client', w.bot.clientId, '--type', 'event', '--for', '1h', '--json');
      expect(r.code).toBe(0);
      const id = (JSON.parse(r.stdout) as { id: string }).id;
      const otherApp = await login({ ...w.bot, clientId: second.clientId, clientSecret: second.clientSecret });
      try {
        expect((await w.sessions.bot.fetch(w.eventDoc)).status).toBe(200);
        if (flavour === 'acp') {
          expect(r.stderr).toBe('');
          expect((await otherApp.fetch(w.eventDoc)).status).toBe(403);
        } else {
          expect(r.stderr).toMatch(/WAC, which cannot restrict a grant to one app/);
          expect((await otherApp.fetch(w.eventDoc)).status).toBe(200);
        }
      } finally {
        await otherApp.close();
      }
      expect((await locker(w.r.home, 'revoke', id)).code).toBe(0);
      expect((await w.sessions.bot.fetch(w.eventDoc)).status).toBe(403);
    });
  });
}

describe('grant input', () => {
  it('refuses the whole pod, unknown types, bad modes, purposes and durations with one clear line', async () => {
    const owner = await newAccount('wac');
    const r = await replica(owner);
    try {
      const cases: Array<[string[], RegExp]> = [
        [['grant', '--agent', 'https://bot.example/#me', '--path', '/'], /--path: a path must be one of Locker's containers/],
        [['grant', '--agent', 'https://bot.example/#me', '--path', '../'], /--path: a path must be one of Locker's containers/],
        [['grant', '--agent', 'https://bot.example/#me'], /--type: say what to share/],
        [['grant', '--agent', 'https://bot.example/#me', '--type', 'secrets'], /unknown type/],
        [['grant', '--agent', 'https://bot.example/#me', '--type', 'event', '--modes', 'control'], /unknown mode/],
        [['grant', '--agent', 'https://bot.example/#me', '--type', 'event', '--purpose', 'because'], /DPV term/],
        [['grant', '--agent', 'https://bot.example/#me', '--type', 'event', '--for', 'forever'], /duration/],
        [['grant', '--agent', 'not a url', '--type', 'event'], /WebID/],
        [['grant', '--agent', owner.webId, '--type', 'event'], /that is you/],
      ];
      for (const [args, msg] of cases) {
        const out = await locker(r.home, ...args);
        expect(out.code, args.join(' ')).not.toBe(0);
        expect(out.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(out.stderr).toMatch(msg);
      }
      expect(await lockerJson(r.home, 'grants', '--all')).toEqual([]);
    } finally {
      r.close();
    }
  });
});
