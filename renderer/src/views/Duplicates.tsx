import { useState } from 'react';
import type { DuplicatePair } from '../../../shared/api/index.js';
import { call } from '../api/client.js';
import { ErrorBox, Page, Show } from '../ui/bits.js';
import { useLoad } from '../ui/hooks.js';
import { useToast } from '../ui/Toasts.js';
import { typeLabel } from '../ui/format.js';
import { SideBySide } from './SideBySide.js';

/** Likely duplicates across sources, never merged without the person saying so. */
export function DuplicatesView({ changed }: { changed: () => void }) {
  const [pairs, reload] = useLoad(() => call('duplicates.list', {}), []);
  return (
    <Page title="Duplicates">
      <p>The same person, place or thing imported from two sources. Merging keeps the first and fills in what it lacks from the second.</p>
      <Show state={pairs}>
        {(list) => (list.length === 0 ? <p className="muted">No likely duplicates.</p> : <ul className="conflicts">{list.map((p) => <li key={`${p.a.id}-${p.b.id}`}><Pair p={p} done={() => (reload(), changed())} /></li>)}</ul>)}
      </Show>
    </Page>
  );
}

function Pair({ p, done }: { p: DuplicatePair; done: () => void }) {
  const [both] = useLoad(() => call('records.details', { ids: [p.a.id, p.b.id] }), [p.a.id, p.b.id]);
  const [error, setError] = useState<string>();
  const toast = useToast();
  const merge = async (keep: string, other: string) => {
    const r = await call('duplicates.merge', { keep, other });
    if (r.kind === 'ok') {
      toast({ text: `Merged into “${r.json.title}”.` });
      done();
    } else setError('message' in r ? r.message : `one of them is gone (${r.id})`);
  };
  return (
    <article className="conflict" aria-label={`Possible duplicate: ${p.a.title}`}>
      <h3>
        {typeLabel(p.type)}: {p.a.title} / {p.b.title} <span className="muted">({p.reasons.join('; ')})</span>
      </h3>
      {error && <ErrorBox message={error} />}
      <Show state={both}>
        {(recs) => <SideBySide left={recs.find((r) => r.id === p.a.id)} right={recs.find((r) => r.id === p.b.id)} leftLabel={p.a.source ?? 'First'} rightLabel={p.b.source ?? 'Second'} />}
      </Show>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void merge(p.a.id, p.b.id)}>Merge, keep the first</button>
        <button type="button" onClick={() => void merge(p.b.id, p.a.id)}>Merge, keep the second</button>
        <button type="button" onClick={() => void call('duplicates.dismiss', { a: p.a.id, b: p.b.id }).then(done)}>Not the same</button>
      </div>
    </article>
  );
}
