import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { RecordSummary } from '../../../shared/api/index.js';
import type { RecordType } from '../../../shared/model/index.js';
import { call } from '../api/client.js';
import { ErrorBox, Page } from '../ui/bits.js';
import { RecordRow } from './RecordRow.js';

const PAGE = 500;
const ROW = 44;

/**
 * Everything, newest first, in one virtualized list: only the rows on screen
 * exist in the page, and pages of 500 summaries are fetched as they scroll in.
 */
export function Timeline({ total }: { total: number | undefined }) {
  return (
    <Page title="Timeline">
      <VirtualList total={total} label="Timeline" />
    </Page>
  );
}

/** All records (or those of one type), newest first. */
export function VirtualList({ total, type, label }: { total: number | undefined; type?: RecordType; label: string }) {
  const parent = useRef<HTMLDivElement>(null);
  const pages = useRef(new Map<number, RecordSummary[] | 'loading'>());
  const [, setVersion] = useState(0);
  const [error, setError] = useState<string>();
  const count = total ?? 0;
  const v = useVirtualizer({ count, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 12 });
  const items = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) {
      if (pages.current.has(p)) continue;
      pages.current.set(p, 'loading');
      call('records.list', { limit: PAGE, offset: p * PAGE, ...(type && { type }) }).then(
        (rows) => {
          pages.current.set(p, rows);
          setVersion((x) => x + 1);
        },
        (e: unknown) => {
          pages.current.delete(p);
          setError(e instanceof Error ? e.message : String(e));
        },
      );
    }
  }, [first, last, type]);

  const at = (i: number): RecordSummary | undefined => {
    const page = pages.current.get(Math.floor(i / PAGE));
    return page === 'loading' || !page ? undefined : page[i % PAGE];
  };

  return (
    <>
      {error && <ErrorBox message={error} />}
      {total === 0 && <p className="muted">Nothing here yet. Import a file to begin.</p>}
      <div ref={parent} className="timeline" tabIndex={0} aria-label={`${label}: ${count.toLocaleString()} records, newest first`}>
        <ul style={{ height: v.getTotalSize() }} className="virtual rows">
          {items.map((it) => {
            const r = at(it.index);
            const prev = it.index > 0 ? at(it.index - 1) : undefined;
            const month = r?.start?.slice(0, 7);
            const newMonth = month !== undefined && month !== prev?.start?.slice(0, 7);
            return (
              <li key={it.key} className="virtual-row" data-index={it.index} style={{ transform: `translateY(${it.start}px)`, height: ROW }}>
                {r ? (
                  <>
                    {newMonth && <span className="month-mark">{new Date(`${month}-15`).toLocaleDateString(undefined, { month: 'short', year: 'numeric' })}</span>}
                    <RecordRow r={r} />
                  </>
                ) : (
                  <span className="row muted">…</span>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </>
  );
}
