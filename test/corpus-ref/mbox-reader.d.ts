// mbox-reader ships no types: what test/corpus-ref/mbox.ts uses of it.
declare module 'mbox-reader' {
  import type { Readable } from 'node:stream';
  export function mboxReader(input: Readable, options?: { gz?: boolean }): AsyncGenerator<{ content: Buffer; returnPath?: string; time?: Date | false }>;
}
