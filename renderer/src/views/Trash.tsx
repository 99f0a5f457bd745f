import { useState } from 'react';
import type { Outputs } from '../../../shared/api/index.js';
import { call } from '../api/client.js';
import { ErrorBox, Page, Show } from '../ui/bits.js';
import { useLoad } from '../ui/hooks.js';
import { useToast } from '../ui/Toasts.js';
import { typeLabel, when } from '../ui/format.js';
import { go, href } from '../ui/router.js';

type TrashEntry = Outputs['trash.list'][number];

const DAY = 86_400_000;
const KEPT_DAYS = 30;

/** Records deleted here, or deleted on the pod by another app or device, for 30 days: each can be put back. */
export function TrashView({ changed }: { changed: () => void }) {
  const [entries, reload] = useLoad(() => call('trash.list', {}), []);
  return (
    <Page title="Trash">
      <p>What was deleted in the last {KEPT_DAYS} days — here, or on your pod by another app — with its photos and attachments. Restoring puts it back in the locker, and the next sync puts it back on the pod.</p>
      <Show state={entries}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">The trash is empty.</p>
          ) : (
            <table className="data" aria-label="Deleted records">
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Deleted</th>
                  <th scope="col">Where</th>
                  <th scope="col">Kept until</th>
                  <th scope="col"><span className="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {list.map((t) => (
                  <Row key={t.id} t={t} done={() => (reload(), changed())} />
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </Page>
  );
}

function Row({ t, done }: { t: TrashEntry; done: () => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const restore = async () => {
    setBusy(true);
    const r = await call('trash.restore', { id: t.id });
    setBusy(false);
    if (r.kind === 'restored') {
      toast({ text: `“${r.title}” is back.`, action: { label: 'Open', run: () => go(href('record', r.id)) } });
      done();
    } else setError(r.kind === 'exists' ? 'A record with the same identity is in your locker again (imported since); the trash keeps this copy.' : 'It is no longer in the trash.');
  };
  return (
    <tr>
      <td>
        <span className="muted">{typeLabel(t.type)}:</span> {t.title}
        {error && <ErrorBox message={error} />}
      </td>
      <td>{when(new Date(t.deletedMs).toISOString())}</td>
      <td>{t.source === 'pod' ? 'On the pod' : 'Here'}</td>
      <td>{when(new Date(t.deletedMs + KEPT_DAYS * DAY).toISOString().slice(0, 10))}</td>
      <td>
        <button type="button" onClick={() => void restore()} disabled={busy} aria-label={`Restore ${t.title}`}>
          Restore
        </button>
      </td>
    </tr>
  );
}
