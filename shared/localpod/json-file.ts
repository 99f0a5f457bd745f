import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';

export type JsonFileResult<T> = { readonly kind: 'ok'; readonly value: T } | { readonly kind: 'absent' } | { readonly kind: 'error'; readonly message: string };

/** Reads and validates a small JSON file; `what` names it in messages ("a valid local pod state"). */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S, what: string): JsonFileResult<z.infer<S>> {
  if (!existsSync(file)) return { kind: 'absent' };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { kind: 'error', message: `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? { kind: 'ok', value: parsed.data } : { kind: 'error', message: `${file} is not ${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
}
