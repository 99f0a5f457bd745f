/**
 * The one-way import path, its first half: importers open what is on disk
 * into sources (and say what they refused or passed over) without a store.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CAPS, openInputs, type SourceEvent } from '../shared/importers/index.js';
import { FIXTURES } from './helpers/home.js';
import { makeZip } from './helpers/zip.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'locker-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function events(inputs: string[], signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  const name = (p: string) => path.relative(dir, p);
  const show = (e: SourceEvent): string => {
    switch (e.kind) {
      case 'input':
        return `input ${name(e.input.path)} ${e.input.index + 1}/${e.input.count}`;
      case 'source':
        return `source ${name(e.source.label)} ${e.source.opened.importer.id}${e.source.whole ? '' : ' (entry)'}`;
      case 'refused':
        return `refused ${name(e.label)}${e.input ? ' (input)' : ''}: ${e.message}`;
      case 'ignored':
        return `ignored ${name(e.label)}`;
      case 'archive-read':
        return `archive-read ${name(e.input.path)}`;
    }
  };
  for await (const e of openInputs(inputs, { caps: DEFAULT_CAPS, ...(signal && { signal }) })) out.push(show(e));
  return out;
}

describe('openInputs', () => {
  const folder = path.join(dir, 'in');
  mkdirSync(path.join(folder, '.hidden'), { recursive: true });
  copyFileSync(path.join(FIXTURES, 'calendar.ics'), path.join(folder, 'a.ics'));
  copyFileSync(path.join(FIXTURES, 'contacts.vcf'), path.join(folder, 'b.vcf'));
  writeFileSync(path.join(folder, '.hidden', 'c.ics'), 'not read');
  writeFileSync(path.join(folder, 'junk.bin'), Buffer.from([0, 1, 2, 3, 255, 254]));
  writeFileSync(path.join(folder, 'takeout.zip'), makeZip([{ name: 'Takeout/cal.ics', data: readFileSync(path.join(FIXTURES, 'calendar.ics')) }, { name: 'Takeout/pic.png', data: 'not a format Locker reads' }]));

  it('expands folders, opens each file into a source and each archive entry into its own, and says what it refused or passed over', async () => {
    expect(await events([folder, path.join(dir, 'missing.ics')])).toEqual([
      'refused missing.ics: no such file or folder',
      'input in/a.ics 1/4',
      'source in/a.ics ical',
      'input in/b.vcf 2/4',
      'source in/b.vcf vcard',
      'input in/junk.bin 3/4',
      expect.stringMatching(/^refused in\/junk\.bin \(input\): /),
      'input in/takeout.zip 4/4',
      'source in/takeout.zip/Takeout/cal.ics ical (entry)',
      'ignored in/takeout.zip/Takeout/pic.png',
      'archive-read in/takeout.zip',
    ]);
  });

  it('opens nothing once cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await events([path.join(folder, 'a.ics')], ac.signal)).toEqual(['refused in/a.ics: cancelled before it was read']);
  });
});
