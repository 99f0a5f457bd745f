import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockerProcess } from './helpers/cli.js';
import { FIXTURES, tempHome } from './helpers/home.js';
import { snapshot } from './helpers/snapshot.js';

const t = tempHome('locker-bad-');
const home = path.join(t.home, 'home');
const files = path.join(t.home, 'files');
afterAll(() => t.cleanup());

const calendar = readFileSync(path.join(FIXTURES, 'calendar.ics'), 'utf8');

function write(name: string, content: string | Uint8Array): string {
  const p = path.join(files, name);
  writeFileSync(p, content);
  return p;
}

beforeAll(() => {
  mkdirSync(files, { recursive: true });
  const r = lockerProcess(home, ['import', path.join(FIXTURES, 'calendar.ics'), path.join(FIXTURES, 'contacts.vcf'), '--json']);
  expect(r.code).toBe(0);
});

/** Runs an import that must fail: one clear line on stderr, non-zero exit, and the store exactly as it was. */
function refused(file: string, expected: RegExp, env: NodeJS.ProcessEnv = {}): string {
  const before = snapshot(home);
  const r = lockerProcess(home, ['import', file], env);
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^locker: /);
  expect(lines[0]).toMatch(expected);
  expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // never a stack trace
  expect(snapshot(home)).toEqual(before);
  return lines[0] as string;
}

describe('bad input leaves the store exactly as it was', () => {
  it('a truncated calendar', () => {
    refused(write('cut.ics', calendar.slice(0, Math.floor(calendar.length * 0.6))), /truncated/);
  });

  it('a calendar with one broken event among good ones: the good ones are kept, the broken one is reported (partial, exit 3)', () => {
    const broken = calendar.replace('DTSTART;VALUE=DATE:20260710\r\n', '').replace('UID:summer', 'UID:new-summer');
    const file = write('broken.ics', broken);
    const before = snapshot(home);
    const r = lockerProcess(home, ['import', file, '--json']);
    expect(r.code, r.stderr).toBe(3);
    const summary = JSON.parse(r.stdout) as { imported: number; updated: number; unchanged: number; skipped: number; duplicates: number; seen: number; skippedItems: { file: string; line?: number; reason: string; raw: string }[] };
    expect(summary.skipped).toBe(1);
    const lines = broken.split('\n');
    let begin = lines.findIndex((l) => l.startsWith('UID:new-summer'));
    while (begin > 0 && !lines[begin]?.startsWith('BEGIN:VEVENT')) begin--;
    expect(summary.skippedItems).toEqual([{ file, line: begin + 1, reason: expect.stringMatching(/Summer holiday.*DTSTART is missing/), raw: expect.stringContaining('UID:new-summer') }]);
    expect(summary.seen).toBe(summary.imported + summary.updated + summary.unchanged + summary.skipped + summary.duplicates);
    expect(summary.unchanged).toBeGreaterThan(0);
    // Nothing of the broken event is in the store; the others are as they were.
    expect(snapshot(home)).toEqual(before);
    const printed = lockerProcess(home, ['import', file]);
    expect(printed.code).toBe(3);
    expect(printed.stdout).toMatch(/^imported 0, updated 0, unchanged \d+, skipped 1\n$/);
    expect(printed.stderr).toMatch(/^locker: skipped .*broken\.ics:\d+: event "Summer holiday[^"]*": DTSTART is missing/);
  });

  it('a binary file', () => {
    const bytes = randomBytes(64 * 1024);
    bytes[10] = 0;
    refused(write('photo.ics', bytes), /binary file/);
  });

  it('a mislabelled file: JSON named .ics', () => {
    refused(write('events.ics', JSON.stringify({ events: [{ title: 'x' }] })), /looks like JSON/);
  });

  it('a zip archive', () => {
    refused(write('takeout.vcf', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(100)])), /zip archive/);
  });

  it('deep nesting', () => {
    const deep = `BEGIN:VCALENDAR\r\n${'BEGIN:VEVENT\r\n'.repeat(5000)}${'END:VEVENT\r\n'.repeat(5000)}END:VCALENDAR\r\n`;
    refused(write('deep.ics', deep), /nested deeper than 16 levels/);
  });

  it('a giant line', () => {
    const giant = calendar.replace('SUMMARY:Dentist – check-up', `SUMMARY:${'x'.repeat(17 * 1024 * 1024)}`);
    refused(write('giant.ics', giant), /line \d+ is longer than the limit of 16777216 characters/);
  });

  it('100 MB of junk', () => {
    const p = path.join(files, 'junk.vcf');
    const fd = openSync(p, 'w');
    const chunk = Buffer.from('lorem ipsum dolor sit amet; '.repeat(37449));
    for (let written = 0; written < 100 * 1024 * 1024; written += chunk.length) writeSync(fd, chunk);
    closeSync(fd);
    refused(p, /not a format Locker knows/);
  });

  it('an empty file and a missing file', () => {
    refused(write('empty.ics', ''), /empty/);
    refused(path.join(files, 'nope.ics'), /no such file/);
  });

  it('a vCard that ends in the middle of a card', () => {
    const vcf = readFileSync(path.join(FIXTURES, 'contacts.vcf'), 'utf8');
    refused(write('cut.vcf', vcf.slice(0, vcf.lastIndexOf('END:VCARD'))), /truncated/);
  });

  it('limits are configurable: file size, line length and time', () => {
    refused(write('big.ics', calendar + ' '.repeat(0)), /the file is 2\.\d KB, larger than the 1.0 KB limit/, { LOCKER_MAX_FILE_MB: '0.001' });
    refused(write('line.ics', calendar), /longer than the limit of 10 characters/, { LOCKER_MAX_LINE_KB: String(10 / 1024) });
    const many = ['BEGIN:VCALENDAR', 'VERSION:2.0'];
    for (let i = 0; i < 20000; i++) many.push('BEGIN:VEVENT', `UID:e${i}`, 'DTSTART:20260101T100000Z', `SUMMARY:Event ${i}`, 'END:VEVENT');
    many.push('END:VCALENDAR', '');
    refused(write('slow.ics', many.join('\r\n')), /took longer than the 0\.001 s limit/, { LOCKER_MAX_SECONDS: '0.001' });
    const cfg = lockerProcess(home, ['import', path.join(files, 'slow.ics')], { LOCKER_MAX_FILE_MB: 'lots' });
    expect(cfg.stderr.trim()).toBe('locker: LOCKER_MAX_FILE_MB must be a positive number (got "lots")');
  });

  it('a mislabelled but valid file is read by what it is', () => {
    const vcfAsIcs = write('contacts.ics', readFileSync(path.join(FIXTURES, 'contacts.vcf')));
    const r = lockerProcess(home, ['import', vcfAsIcs, '--json']);
    expect(JSON.parse(r.stdout)).toEqual({ imported: 0, updated: 0, unchanged: 4, skipped: 0, duplicates: 0, seen: 4, errors: [], skippedItems: [] });
  });

  it('a legacy Windows-1252 vCard is decoded, not mangled', () => {
    const latin = Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fran\xe7ois B\xe9rard\r\nEND:VCARD\r\n', 'latin1');
    const r = lockerProcess(home, ['import', write('legacy.vcf', latin), '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 1 });
    const s = lockerProcess(home, ['search', 'francois', '--json']);
    expect(JSON.parse(s.stdout)[0].title).toBe('François Bérard');
  });
});
