import { useEffect, useState } from 'react';
import type { RecordSummary } from '../../../shared/api/index.js';
import { call } from '../api/client.js';
import { ErrorBox, Page } from '../ui/bits.js';
import { RecordList } from './RecordRow.js';

/** Results as you type: every keystroke asks the index (a few ms); an answer to an older query is dropped. */
export function SearchView({ text }: { text: string }) {
  const [state, setState] = useState<{ q: string; items: readonly RecordSummary[]; ms: number } | { q: string; error: string }>();
  useEffect(() => {
    let live = true;
    if (!text.trim()) {
      setState(undefined);
      return;
    }
    const t0 = performance.now();
    call('search', { text, limit: 50 }).then(
      (items) => live && setState({ q: text, items, ms: performance.now() - t0 }),
      (e: unknown) => live && setState({ q: text, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [text]);
  return (
    <Page title="Search">
      {!text.trim() && <p className="muted">Type in the search box: words match as prefixes, accents ignored.</p>}
      {state && 'error' in state && <ErrorBox message={state.error} />}
      {state && 'items' in state && (
        <>
          <p className="muted" role="status" data-testid="search-status">
            {state.items.length === 0 ? `Nothing matches “${state.q}”.` : `${state.items.length === 50 ? 'The first 50' : state.items.length} result${state.items.length === 1 ? '' : 's'} for “${state.q}”`}
          </p>
          <RecordList items={state.items} label="Search results" />
        </>
      )}
    </Page>
  );
}
