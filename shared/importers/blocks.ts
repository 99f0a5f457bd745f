import { checkDeadline, ImportAbort, rawText, type ImportContext, type ItemSource, type ParsedItem } from './types.js';
import type { BinaryWrite, LockerRecord } from '../model/index.js';

/** What converting one block gives: its record (and binaries), or why it was skipped. */
export type BlockResult = { readonly record: LockerRecord; readonly binaries?: readonly BinaryWrite[] } | string;

/**
 * The items of a file cut into content blocks (`[start, end)` offsets, in
 * order: VEVENTs, VCARDs): each block converted on its own, with its line
 * (1-based, where it begins) and text kept for messages. A block the parser
 * throws on is skipped (as `what cannot be read: …`) and the file goes on;
 * `ImportAbort` (a cap, the time limit) still stops the file.
 */
export function* blockItems(source: string, blocks: ReadonlyArray<readonly [number, number]>, ctx: ImportContext, what: string, convert: (block: string) => BlockResult): Generator<ParsedItem> {
  let line = 1;
  let counted = 0;
  for (let n = 0; n < blocks.length; n++) {
    if ((n & 1023) === 0) checkDeadline(ctx);
    const [a, b] = blocks[n] as readonly [number, number];
    for (let i = source.indexOf('\n', counted); i >= 0 && i < a; i = source.indexOf('\n', i + 1)) line++;
    counted = a;
    const block = source.slice(a, b);
    const at: ItemSource = { line, raw: rawText(block.trimEnd()) };
    let r: BlockResult;
    try {
      r = convert(block);
    } catch (e) {
      if (e instanceof ImportAbort) throw e;
      r = `${what} cannot be read: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`;
    }
    if (typeof r === 'string') yield { skipped: { ...at, reason: r } };
    else yield { record: r.record, ...(r.binaries && { binaries: r.binaries }), source: at };
  }
}
