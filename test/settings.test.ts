import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openVault, PlainFileVault, SealedFileVault, sealerState, type Sealer } from '../shared/auth/index.js';
import { createHandlers, dispatch, exportFileName, settingsFile, type AppSettings, type HostHooks, type Locker } from '../shared/api/index.js';
import { exportPaths } from '../shared/export/index.js';
import { generateCalendar } from '../bench/generate.js';
import { openTemp } from './helpers/home.js';

/** A keychain stand-in that really encrypts (AES-256-GCM under a key of its own), as `safeStorage` does. */
function fakeSealer(opts: { available?: boolean; backend?: string; key?: Buffer } = {}): Sealer & { key: Buffer } {
  const key = opts.key ?? randomBytes(32);
  return {
    key,
    isEncryptionAvailable: () => opts.available ?? true,
    backend: () => opts.backend,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      return Buffer.concat([iv, c.update(plain, 'utf8'), c.final(), c.getAuthTag()]);
    },
    decryptString(sealed) {
      const b = Buffer.from(sealed);
      const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
      d.setAuthTag(b.subarray(b.length - 16));
      return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]).toString('utf8');
    },
  };
}

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.reverse()) c();
  cleanup = [];
});

function temp(): { locker: Locker; home: string } {
  const t = openTemp();
  cleanup.push(t.cleanup);
  return t;
}

/** Every byte of every file under `dir` (the database, its WAL, secrets…), as latin1 text to grep. */
function allBytes(dir: string): string {
  let out = '';
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out += readFileSync(path.join(e.parentPath, e.name)).toString('latin1');
  }
  return out;
}

describe('login secrets sealed with the desktop keychain (safeStorage seam)', () => {
  it('keeps only ciphertext on disk for what it writes, and still finds what the CLI wrote in the plain file', async () => {
    const { home } = temp();
    // The CLI (no keychain here) wrote one secret to secrets.json, e.g. `locker pod local start`.
    await new PlainFileVault(home).set('old', 'OLD-SECRET-93a1');
    await new PlainFileVault(home).set('cli-only', 'CLI-SECRET-44b0');
    const sealer = fakeSealer({ backend: 'gnome_libsecret' });
    const vault = await openVault(home, {}, undefined, sealer);
    expect(vault).toBeInstanceOf(SealedFileVault);
    expect(vault.protection).toBe('os-keychain');
    expect(vault.warning).toBeUndefined();
    await vault.set('refresh', 'REFRESH-TOKEN-5f2c');
    expect(await vault.get('refresh')).toBe('REFRESH-TOKEN-5f2c');
    expect(await vault.get('cli-only')).toBe('CLI-SECRET-44b0');
    expect(allBytes(home)).not.toContain('REFRESH-TOKEN-5f2c');
    // Written again here: sealed, and out of the plain file; what only the CLI wrote stays where the CLI reads it.
    await vault.set('old', 'OLD-SECRET-93a1');
    expect(allBytes(home)).not.toContain('OLD-SECRET-93a1');
    expect(await new PlainFileVault(home).get('cli-only')).toBe('CLI-SECRET-44b0');
    await vault.delete('refresh');
    expect(await vault.get('refresh')).toBeUndefined();
    // Deleted here: gone from both.
    await vault.delete('cli-only');
    expect(await vault.get('cli-only')).toBeUndefined();
    expect(await new PlainFileVault(home).get('cli-only')).toBeUndefined();
    expect(await vault.get('old')).toBe('OLD-SECRET-93a1');
  });

  it('treats a secret sealed by another keychain as missing, and lets it be replaced', async () => {
    const { home } = temp();
    await new SealedFileVault(home, fakeSealer()).set('k', 'v');
    const mine = new SealedFileVault(home, fakeSealer());
    expect(await mine.get('k')).toBeUndefined();
    await mine.set('k', 'v2');
    expect(await mine.get('k')).toBe('v2');
    await mine.delete('k');
    expect(await mine.get('k')).toBeUndefined();
  });

  it('falls back to the plain file with a warning when only the plain-text backend exists, or none', async () => {
    const { home } = temp();
    expect(sealerState(fakeSealer({ backend: 'basic_text' })).kind).toBe('unusable');
    expect(sealerState(fakeSealer({ backend: 'kwallet5' })).kind).toBe('usable');
    expect(sealerState(fakeSealer({ backend: undefined })).kind).toBe('usable');
    const basic = await openVault(home, {}, undefined, fakeSealer({ backend: 'basic_text' }));
    expect(basic.protection).toBe('plain-file');
    expect(basic.warning).toMatch(/plain-text backend "basic_text".*kept unencrypted/);
    const none = await openVault(home, {}, undefined, fakeSealer({ available: false }));
    expect(none.protection).toBe('plain-file');
    expect(none.warning).toMatch(/no keychain/);
  });

  it('shows where secrets are kept on the settings screen, warning included', async () => {
    const { locker } = temp();
    const api = createHandlers(locker, { pod: { env: {}, sealer: fakeSealer({ backend: 'basic_text' }) } });
    const view = await api['settings.get']({});
    expect(view.secrets.protection).toBe('plain-file');
    expect('warning' in view.secrets && view.secrets.warning).toMatch(/unencrypted/);
    const sealed = await createHandlers(locker, { pod: { env: {}, sealer: fakeSealer() } })['settings.get']({});
    expect(sealed.secrets.protection).toBe('os-keychain');
  });
});

describe('settings', () => {
  it('keeps updates off until the person says yes, and tells the host', async () => {
    const { locker, home } = temp();
    const changes: AppSettings[] = [];
    const host: HostHooks = { updates: { available: true }, onSettingsChanged: (s) => changes.push(s), version: '1.2.3' };
    const api = createHandlers(locker, { host });
    const before = await api['settings.get']({});
    expect(before.updates).toEqual({ enabled: false, available: true });
    expect(before.version).toBe('1.2.3');
    expect(before.dataFolder).toBe(path.resolve(home));
    const set = await api['settings.set']({ updates: true });
    expect(set.kind).toBe('ok');
    expect(changes.map((c) => c.updates.enabled)).toEqual([true]);
    expect(JSON.parse(readFileSync(settingsFile(home), 'utf8'))).toMatchObject({ updates: { enabled: true } });
    expect((await api['settings.get']({})).updates.enabled).toBe(true);
    await api['settings.set']({ updates: false });
    expect(changes.map((c) => c.updates.enabled)).toEqual([true, false]);
  });

  it('says why a browser-mode locker does not update itself', async () => {
    const { locker } = temp();
    const view = await createHandlers(locker)['settings.get']({});
    expect(view.updates.available).toBe(false);
    expect(view.updates.reason).toMatch(/not an installed desktop app/);
  });

  it('never silently resets a damaged settings file', async () => {
    const { locker, home } = temp();
    writeFileSync(settingsFile(home), '{"updates": {"enabled": "yes"}}');
    const api = createHandlers(locker);
    expect((await api['settings.get']({})).settingsProblem).toMatch(/settings\.json is not a settings file/);
    const set = await api['settings.set']({ updates: true });
    expect(set.kind).toBe('error');
    expect(readFileSync(settingsFile(home), 'utf8')).toContain('"yes"');
  });
});

const ICS = (summary: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:planted-1@test\r\nDTSTAMP:20261101T100000Z\r\nDTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nSUMMARY:${summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

const EML = (secret: string) =>
  [
    'From: Ann Example <ann@example.org>',
    'To: me@example.org',
    'Subject: the plan',
    'Date: Tue, 03 Nov 2026 10:00:00 +0000',
    'Message-ID: <planted-2@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'See the attached notes.',
    '--b1',
    'Content-Type: text/plain; name="notes.txt"',
    'Content-Disposition: attachment; filename="notes.txt"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(`notes: ${secret}\n`).toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');

async function importPlanted(locker: Locker, home: string): Promise<void> {
  const dir = path.join(home, 'in');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'cal.ics'), ICS('PLANTED-EVENT-7c41'));
  writeFileSync(path.join(dir, 'mail.eml'), EML('PLANTED-ATTACHMENT-0d9e'));
  const r = await locker.importFiles([dir]);
  expect(r.errors).toEqual([]);
}

describe('export everything', () => {
  it('writes every record and binary where the host says', async () => {
    const { locker, home } = temp();
    await importPlanted(locker, home);
    const out = path.join(home, 'out', 'all.trig');
    let suggested = '';
    const api = createHandlers(locker, { host: { chooseExportPath: async (s) => ((suggested = s), out) } });
    const r = await api['data.export']({});
    expect(r.kind).toBe('saved');
    if (r.kind !== 'saved') return;
    expect(r.file).toBe(out);
    expect(r.records).toBeGreaterThanOrEqual(2);
    expect(r.binaries).toBe(1);
    expect(readFileSync(out, 'utf8')).toContain('PLANTED-EVENT-7c41');
    expect(r.filesDir && readdirSync(r.filesDir).map((f) => readFileSync(path.join(r.filesDir ?? '', f), 'utf8')).join('')).toContain('PLANTED-ATTACHMENT-0d9e');
    expect(path.basename(suggested)).toMatch(/^locker-export-\d{4}-\d\d-\d\d(-\d+)?\.trig$/);
  });

  it('does nothing when the person cancels the save dialog, and refuses a relative path', async () => {
    const { locker } = temp();
    expect(await createHandlers(locker, { host: { chooseExportPath: async () => undefined } })['data.export']({})).toEqual({ kind: 'cancelled' });
    expect((await createHandlers(locker, { host: { chooseExportPath: async () => 'rel/out.trig' } })['data.export']({})).kind).toBe('error');
  });

  it('never picks the name of an export already there', () => {
    // The binaries folder is named as the exporter names it.
    const taken = new Set(['/d/locker-export-2026-11-29.trig', exportPaths('/d/locker-export-2026-11-29-2.trig').filesDir]);
    expect(exportFileName('/d', new Date('2026-11-29T12:00:00Z'), (p) => taken.has(p))).toBe('/d/locker-export-2026-11-29-3.trig');
    expect(exportFileName('/d', new Date('2026-11-30T12:00:00Z'), (p) => taken.has(p))).toBe('/d/locker-export-2026-11-30.trig');
  });
});

describe('delete everything', () => {
  it('needs the typed phrase', async () => {
    const { locker } = temp();
    const r = await dispatch(createHandlers(locker), 'data.deleteEverything', { confirm: 'yes' });
    expect(r.kind).toBe('bad-request');
    expect(r.kind === 'bad-request' && r.message).toMatch(/type "delete everything"/);
  });

  it('removes every record, binary and the pod login from this computer, leaving no trace in the files', async () => {
    const { locker, home } = temp();
    await importPlanted(locker, home);
    // A pod connection with its secret in the (plain) vault.
    const conn = { issuer: 'https://idp.example/', webId: 'https://me.example/profile/card#me', podUrl: 'https://me.example/', method: 'client-credentials', clientId: 'c1', connectedAt: new Date().toISOString() };
    writeFileSync(path.join(home, 'pod.json'), JSON.stringify(conn));
    const vault = await openVault(home, { LOCKER_VAULT: 'plain' });
    await vault.set(`client-secret ${conn.issuer} ${conn.webId}`, 'PLANTED-SECRET-11aa');
    const secretKeyUsed = Object.keys(JSON.parse(readFileSync(path.join(home, 'secrets.json'), 'utf8')) as object);
    expect(secretKeyUsed).toHaveLength(1);
    const api = createHandlers(locker, { pod: { env: { LOCKER_VAULT: 'plain' } } });
    expect(allBytes(home)).toContain('PLANTED-EVENT-7c41');

    const r = await dispatch(api, 'data.deleteEverything', { confirm: 'delete everything' });
    expect(r.kind).toBe('ok');
    const v = r.kind === 'ok' ? (r.value as { kind: string; records: number; binaries: number; disconnected: boolean }) : undefined;
    expect(v).toMatchObject({ kind: 'deleted', binaries: 1, disconnected: true });
    expect(v?.records).toBeGreaterThanOrEqual(2);
    expect(await api['records.counts']({})).toEqual({});
    expect(existsSync(path.join(home, 'pod.json'))).toBe(false);
    // The in/ folder holds the source files the test wrote; everything else is the locker's.
    const lockerFiles = allBytes(home).replace(readFileSync(path.join(home, 'in', 'cal.ics'), 'latin1'), '').replace(readFileSync(path.join(home, 'in', 'mail.eml'), 'latin1'), '');
    expect(lockerFiles).not.toContain('PLANTED-EVENT-7c41');
    expect(lockerFiles).not.toContain('PLANTED-ATTACHMENT-0d9e');
    // The secret under the connection's own key is gone (whatever else the vault holds).
    const left = existsSync(path.join(home, 'secrets.json')) ? readFileSync(path.join(home, 'secrets.json'), 'utf8') : '';
    expect(left).not.toContain('PLANTED-SECRET-11aa');
    // The locker still works afterwards.
    const again = await locker.importFiles([path.join(home, 'in', 'cal.ics')]);
    expect(again.errors).toEqual([]);
    expect((await api['records.counts']({})).event).toBe(1);
  });

  it('cancels an import still running: nothing of it comes back after the wipe', async () => {
    const { locker, home } = temp();
    const dir = path.join(home, 'big');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a-big.ics'), generateCalendar(20_000, 7));
    writeFileSync(path.join(dir, 'b-more.ics'), ICS('AFTER-THE-WIPE-3e1f'));
    let started!: () => void;
    const reading = new Promise<void>((r) => (started = r));
    const importing = locker.importFiles([dir], { onProgress: (p) => p.phase === 'validating' && started() });
    await reading;
    const r = await createHandlers(locker)['data.deleteEverything']({ confirm: 'delete everything' });
    expect(r.kind).toBe('deleted');
    const summary = await importing;
    expect(summary.errors.length).toBeGreaterThanOrEqual(1);
    expect(summary.errors.every((e) => /cancel/.test(e.message))).toBe(true);
    expect(locker.store.counts()).toEqual({});
    expect(locker.search('AFTER-THE-WIPE')).toEqual([]);
  });

  it('is refused while an app still has access to the pod, and then deletes nothing', async () => {
    const { locker, home } = temp();
    await importPlanted(locker, home);
    locker.store.grants.insert({ id: 'g1', agent: 'https://bot.example/card#me', client: undefined, targets: [], modes: ['read'], purpose: 'https://w3id.org/dpv#ServiceProvision', createdMs: Date.now(), untilMs: Date.now() + 86_400_000, podRoot: 'https://me.example/', accessControl: 'wac', ledger: 'https://me.example/locker/grants/g1', request: undefined });
    const r = await createHandlers(locker)['data.deleteEverything']({ confirm: 'delete everything' });
    expect(r.kind).toBe('has-grants');
    expect(r.kind === 'has-grants' && r.message).toMatch(/Revoke it on the Sharing screen first/);
    expect(Object.values(await createHandlers(locker)['records.counts']({})).reduce((a, b) => a + (b ?? 0), 0)).toBeGreaterThanOrEqual(2);
  });
});
