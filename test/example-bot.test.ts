/**
 * The example bot (examples/coach-bot) as its own process with its own
 * identity: refused without a grant, reads upcoming events and writes a
 * digest note with one, refused again after the bot is fired.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { iri, lit, RecordBuilder } from '../shared/model/index.js';
import { locker, lockerJson, ROOT } from './helpers/cli.js';
import { login, newAccount, podDoc } from './helpers/pod.js';
import { replica, sync } from './helpers/sync.js';

function runBot(args: string[], secret: string): { code: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCKER_') && !k.startsWith('VITEST')));
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'examples/coach-bot/bot.ts'), ...args], { encoding: 'utf8', env: { ...env, BOT_CLIENT_SECRET: secret }, cwd: ROOT, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the example bot', () => {
  it('gets 403 without a grant, writes a digest of upcoming events with one, and nothing after it is fired', async () => {
    const owner = await newAccount('wac', 'owner');
    const bot = await newAccount('wac', 'coachbot');
    const r = await replica(owner);
    try {
      const day = 86_400_000;
      const event = (id: string, name: string, inDays: number) => {
        const b = new RecordBuilder('event', id);
        b.add(b.subject, iri('schema', 'name'), lit.string(name));
        b.add(b.subject, iri('schema', 'startDate'), lit.dateTime(new Date(Date.now() + inDays * day).toISOString()));
        return b.build();
      };
      r.locker.store.putRecords([event('soon1', 'Dentist\u0007 <b>check-up</b>', 1), event('soon2', 'Team dinner', 3), event('past1', 'Old meeting', -2), event('later1', 'Conference', 30)]);
      await r.locker.importFiles([path.join(ROOT, 'test/fixtures/contacts.vcf')]);
      await sync(r);
      const args = ['--issuer', bot.issuer, '--client-id', bot.clientId, '--pod', owner.podUrl, '--days', '7', '--json'];

      const refused = runBot(args, bot.clientSecret);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/no access to .*locker\/events\/ \(403\): ask the owner for a grant/);

      await lockerJson(r.home, 'grant', '--agent', bot.webId, '--type', 'event', '--modes', 'read', '--purpose', 'dpv:ServiceProvision', '--for', '1h');
      // Reading alone is not enough to write the digest.
      const readOnly = runBot(args, bot.clientSecret);
      expect(readOnly.code).toBe(3);
      expect(readOnly.stderr).toMatch(/no access to .*locker\/notes\//);
      await lockerJson(r.home, 'grant', '--agent', bot.webId, '--path', 'notes/', '--modes', 'append', '--for', '1h');
      const ok = runBot(args, bot.clientSecret);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      const out = JSON.parse(ok.stdout) as { events: number; note: string };
      expect(out.events).toBe(2);

      // The owner's next sync brings the note in, listing exactly the upcoming events.
      const pulled = await sync(r);
      expect(pulled.pulled).toBe(1);
      const [note] = r.locker.list({ type: 'note' });
      if (!note) throw new Error('no note pulled');
      expect(note.title).toBe('Digest: 2 events in the next 7 days');
      const shown = r.locker.show(note.id);
      if (shown.kind !== 'ok') throw new Error('absent');
      const text = String(shown.json.properties['text']);
      expect(text).toContain('Dentist <b>check-up</b>');
      expect(text).not.toContain('\u0007');
      expect(text).toContain('Team dinner');
      expect(text).not.toContain('Old meeting');
      expect(text).not.toContain('Conference');

      // The grants never opened contacts; firing the bot closes everything.
      const s = await login(bot);
      try {
        const ct = r.locker.list({ type: 'contact' })[0]?.id ?? '';
        expect((await s.fetch(`${owner.podUrl}locker/contacts/Person/${ct}/index.ttl`)).status).toBe(403);
        expect((await locker(r.home, 'revoke', '--agent', bot.webId)).code).toBe(0);
        expect((await s.fetch(podDoc(owner.podUrl, 'events', 'soon1'))).status).toBe(403);
      } finally {
        await s.close();
      }
      expect(runBot(args, bot.clientSecret).code).toBe(3);
    } finally {
      r.close();
    }
  });
});
