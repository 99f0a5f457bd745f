import { useState } from 'react';
import type { Input, SettingsView } from '../../../shared/api/index.js';
import { call } from '../api/client.js';
import { ErrorBox, Page, Show } from '../ui/bits.js';
import { useAction, useLoad } from '../ui/hooks.js';
import { href } from '../ui/router.js';
import { useToast } from '../ui/Toasts.js';

/** What the core asks to have typed (the compiler checks it is the same phrase). */
const DELETE_EVERYTHING_PHRASE: Input<'data.deleteEverything'>['confirm'] = 'delete everything';

/** Where the data is, how secrets are kept, updates (off until the person agrees), export everything, delete everything. */
export function SettingsPage({ changed }: { changed: () => void }) {
  const [settings, reload] = useLoad(() => call('settings.get', {}), []);
  return (
    <Page title="Settings">
      <Show state={settings}>
        {(s) => (
          <>
            <YourData s={s} />
            <Updates s={s} reload={reload} />
            <DeleteEverything done={changed} />
            {s.version && <p className="muted">Locker {s.version}</p>}
          </>
        )}
      </Show>
    </Page>
  );
}

function YourData({ s }: { s: SettingsView }) {
  const { busy, result, run } = useAction(() => call('data.export', {}));
  return (
    <section aria-labelledby="set-data">
      <h2 id="set-data">Your data</h2>
      <dl className="fields">
        <dt>Kept in</dt>
        <dd><code>{s.dataFolder}</code></dd>
        <dt>Encrypted on disk</dt>
        <dd>{s.encrypted ? 'Yes' : 'No (the command `locker init --encrypt` encrypts it)'}</dd>
        <dt>Login secrets</dt>
        <dd>
          {'warning' in s.secrets && s.secrets.warning ? (
            <span className="error-text" role="note">
              {s.secrets.warning}
            </span>
          ) : (
            s.secrets.describe
          )}
        </dd>
      </dl>
      {s.settingsProblem && <ErrorBox message={s.settingsProblem} />}
      <p>
        <button type="button" onClick={() => void run()} disabled={busy} aria-busy={busy}>
          {busy ? 'Exporting…' : 'Export everything'}
        </button>{' '}
        <span className="muted">Every record as RDF (TriG), with photos and attachments beside it.</span>
      </p>
      <div aria-live="polite">
        {result?.kind === 'saved' && (
          <p data-testid="export-result">
            Saved {result.records.toLocaleString()} records{result.binaries ? ` and ${result.binaries.toLocaleString()} files` : ''} to <code>{result.file}</code>.
          </p>
        )}
        {result?.kind === 'cancelled' && <p className="muted">Nothing was exported.</p>}
        {(result?.kind === 'error' || result?.kind === 'failed') && <ErrorBox message={result.message} />}
      </div>
    </section>
  );
}

function Updates({ s, reload }: { s: SettingsView; reload: () => void }) {
  const { busy, result, run: toggle } = useAction(async (on: boolean) => {
    const r = await call('settings.set', { updates: on });
    reload();
    return r;
  });
  return (
    <section aria-labelledby="set-updates">
      <h2 id="set-updates">Updates</h2>
      <p>
        <label className="inline">
          <input type="checkbox" checked={s.updates.enabled} disabled={busy || !s.updates.available} onChange={(e) => void toggle(e.target.checked)} />
          Look for new versions of Locker once a day
        </label>
      </p>
      <p className="muted">
        {s.updates.available
          ? 'Off until you turn it on. Locker then asks before it downloads anything, and checks the signature of what it downloads.'
          : s.updates.reason}
      </p>
      {(result?.kind === 'error' || result?.kind === 'failed') && <ErrorBox message={result.message} />}
    </section>
  );
}

function DeleteEverything({ done }: { done: () => void }) {
  const toast = useToast();
  const [typed, setTyped] = useState('');
  const ready = typed.trim().toLowerCase() === DELETE_EVERYTHING_PHRASE;
  const { busy, result, run } = useAction(async () => {
    const r = await call('data.deleteEverything', { confirm: DELETE_EVERYTHING_PHRASE });
    if (r.kind === 'deleted') {
      setTyped('');
      toast({ text: `Deleted ${r.records.toLocaleString()} records from this computer.` });
      done();
    }
    return r;
  });
  return (
    <section aria-labelledby="set-delete">
      <h2 id="set-delete">Delete everything</h2>
      <p>
        Deletes every record, photo and attachment from this computer, forgets your pod login, and removes the pod kept on this computer, if there is one. A pod at a provider is
        not touched. This cannot be undone: export first if you may want your records back.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !busy) void run();
        }}
      >
        <div className="form-row">
          <label htmlFor="del-confirm">Type “{DELETE_EVERYTHING_PHRASE}” to confirm</label>
          <input id="del-confirm" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
        <p>
          <button type="submit" className="danger" disabled={!ready || busy} aria-busy={busy}>
            {busy ? 'Deleting…' : 'Delete everything'}
          </button>
        </p>
      </form>
      <div aria-live="polite">
        {result?.kind === 'deleted' && (
          <p data-testid="delete-result">
            Deleted {result.records.toLocaleString()} records and {result.binaries.toLocaleString()} files.{result.disconnected ? ' This computer is no longer connected to your pod.' : ''}
            {result.localPodRemoved ? ' The pod on this computer was removed.' : ''}
          </p>
        )}
        {result?.kind === 'has-grants' && (
          <p className="error" role="alert">
            {result.message} <a href={href('sharing')}>Go to Sharing</a>
          </p>
        )}
        {(result?.kind === 'error' || result?.kind === 'failed') && <ErrorBox message={result.message} />}
      </div>
    </section>
  );
}
