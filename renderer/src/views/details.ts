import type { RecordJson, RecordType } from '../../../shared/model/index.js';
import { call } from '../api/client.js';
import { isPendingDelete } from '../ui/pending.js';

/** Summaries of one type (newest first) with their full records, fetched in batches. */
export async function loadDetailed(type: RecordType, max: number, range?: { from: string; to: string }): Promise<{ records: RecordJson[]; more: boolean }> {
  const list = await call('records.list', { type, limit: max + 1, ...(range && { from: range.from, to: range.to }) });
  const ids = list.slice(0, max).map((r) => r.id).filter((id) => !isPendingDelete(id));
  const records: RecordJson[] = [];
  for (let i = 0; i < ids.length; i += 500) records.push(...(await call('records.details', { ids: ids.slice(i, i + 500) })));
  return { records, more: list.length > max };
}
