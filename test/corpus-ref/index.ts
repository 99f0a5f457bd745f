/**
 * One reference counter per corpus format: the folder test/corpus/<format>/ holds the files, the
 * module test/corpus-ref/<format>.ts exports `counter` (a ReferenceCounter), and
 * test/corpus/manifests/<format>.json lists the files. A new format needs nothing registered here.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReferenceCounter } from './types.js';

const CORPUS_DIR = fileURLToPath(new URL('../corpus/', import.meta.url));
const NOT_FORMATS = new Set(['licenses', 'manifests']);

/** The format folders of the corpus. */
export function corpusFormats(): string[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_FORMATS.has(d.name))
    .map((d) => d.name)
    .sort();
}

/** The counter of one format; undefined when test/corpus-ref/<format>.ts does not exist. */
export async function counterFor(format: string): Promise<ReferenceCounter | undefined> {
  if (!/^[a-z0-9-]+$/.test(format) || !corpusFormats().includes(format)) return undefined;
  const mod = (await import(`./${format}.js`)) as { counter?: ReferenceCounter };
  return mod.counter;
}

export type { Reference, ReferenceCounter } from './types.js';
