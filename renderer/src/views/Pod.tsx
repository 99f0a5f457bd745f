import { useRef, useState } from 'react';
import type { ConflictView, PodFailure, SyncProgress, SyncResult, SyncSummary } from '../../../shared/api/index.js';
import { bridge, call, newCallId } from '../api/client.js';
import { ErrorBox, Page, Show } from '../ui/bits.js';
import { useLoad } from '../ui/hooks.js';
import { href } from '../ui/router.js';
import { useToast } from '../ui/Toasts.js';
import { fieldLabel, text, typeLabel, when } from '../ui/format.js';
import { SideBySide } from './SideBySide.js';
import { podErrorWords } from '../ui/pod-errors.js';

export function PodView({ changed }: { changed: () => void }) {
  const [status, reloadStatus] = useLoad(() => call('status', {}), []);
  const [conflicts, reloadConflicts] = useLoad(() => call('conflicts.list', {}), []);
  const otherPod = useRef<HTMLDetailsElement>(null);
  const [sync, setSync] = useState<{ kind: 'idle' } | { kind: 'running'; callId: string; progress?: SyncProgress } | { kind: 'done'; result: SyncResult }>({ kind: 'idle' });

  const runSync = async (deletions?: 'accept' | 'restore') => {
    const callId = newCallId();
    setSync({ kind: 'running', callId });
    const off = bridge.onEvent((e) => {
      if (e.callId === callId && e.event.type === 'sync.progress') {
        const progress = e.event.progress;
        setSync((s) => (s.kind === 'running' ? { ...s, progress } : s));
      }
    });
    try {
      setSync({ kind: 'done', result: await call('sync.run', deletions ? { deletions } : {}, callId) });
    } catch (e) {
      setSync({ kind: 'done', result: { kind: 'error', code: 'internal', message: e instanceof Error ? e.message : String(e) } });
    } finally {
      off();
      reloadStatus();
      reloadConflicts();
      changed();
    }
  };

  return (
    <Page title="Pod & sync">
      <Show state={status}>
        {(s) =>
          s.pod.connected ? (
            <>
              <dl className="fields">
                <dt>Your pod</dt>
                <dd>{s.pod.root ?? '(not synced yet)'}{s.pod.local ? ' — on this computer' : ''}</dd>
                <dt>You are</dt>
                <dd>{s.pod.webId}</dd>
                <dt>Signed in with</dt>
                <dd>{s.pod.issuer}</dd>
                <dt>Last sync</dt>
                <dd data-testid="last-sync">{s.pod.lastSync ? when(s.pod.lastSync) : 'never'}</dd>
                <dt>Waiting to sync</dt>
                <dd>{s.pod.pending}</dd>
              </dl>
              <div className="actions">
                <button type="button" className="primary" disabled={sync.kind === 'running'} onClick={() => void runSync()}>
                  Sync now
                </button>
                {sync.kind === 'running' && (
                  <button type="button" onClick={() => void bridge.cancel(sync.callId)}>
                    Cancel
                  </button>
                )}
              </div>
              {sync.kind === 'running' && (
                <div className="progress-box" role="status">
                  <p>{sync.progress ? `${sync.progress.phase}: ${sync.progress.done} of ${sync.progress.total}` : 'Connecting…'}</p>
                  <progress max={sync.progress?.total || undefined} value={sync.progress?.total ? sync.progress.done : undefined} aria-label="Sync progress" />
                </div>
              )}
              {sync.kind === 'done' && sync.result.kind === 'ok' && sync.result.summary.held && <HeldDeletions held={sync.result.summary.held} decide={(d) => void runSync(d)} />}
              {sync.kind === 'done' &&
                (sync.result.kind === 'ok' ? (
                  <p role="status" data-testid="sync-result">
                    Synced: {sync.result.summary.pushed} sent, {sync.result.summary.pulled} received
                    {sync.result.summary.conflicts ? `, ${sync.result.summary.conflicts} changed on both sides (below)` : ''}
                    {sync.result.summary.errors.length ? `, ${sync.result.summary.errors.length} failed (they will be tried again)` : ''}.
                    {sync.result.summary.moved && ` Everything was copied to the new pod${sync.result.summary.moved.verified ? ', and the counts match' : ': the counts do not match yet, sync again'}.`}
                  </p>
                ) : (
                  <SyncFailed failure={sync.result} loginAgain={() => {
                    if (otherPod.current) {
                      otherPod.current.open = true;
                      otherPod.current.querySelector<HTMLInputElement>('input')?.focus();
                    }
                  }} />
                ))}
              <details className="other-pod" ref={otherPod}>
                <summary>Connect to another pod</summary>
                <p>Your records stay here; the next sync copies them to the new pod and checks the counts.</p>
                <Connect connected={() => (reloadStatus(), changed())} />
              </details>
            </>
          ) : (
            <>
              <p>This locker is not connected to a pod yet. Your records stay on this computer until you choose one.</p>
              <Connect connected={() => (reloadStatus(), changed())} />
            </>
          )
        }
      </Show>
      <h2>Changed on both sides</h2>
      <Show state={conflicts}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No conflicts.</p>
          ) : (
            <ul className="conflicts">
              {list.map((c) => (
                <li key={c.id}>
                  <Conflict c={c} resolved={() => (reloadConflicts(), reloadStatus(), changed())} />
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}

/** A failed sync, said by its code: "log in again" (with the way to do it) is not "the server is down". */
/**
 * The pod lost many records at once (another app deleting a folder, a mistake): nothing was deleted here.
 * The person sees which, and chooses: delete them here too, or put them back on the pod.
 */
function HeldDeletions({ held, decide }: { held: NonNullable<SyncSummary['held']>; decide: (d: 'accept' | 'restore') => void }) {
  return (
    <section className="held-deletions" role="alert" data-testid="held-deletions" aria-labelledby="held-title">
      <h2 id="held-title">
        {held.count} of your records are gone from the pod
      </h2>
      <p>Another app (or a person) deleted them there, all at once. Locker deleted nothing here: choose what should happen.</p>
      <ul>
        {held.records.slice(0, 50).map((r) => (
          <li key={r.id}>
            <a href={href('record', r.id)}>{r.title}</a> <span className="muted">({typeLabel(r.type)})</span>
          </li>
        ))}
        {held.count > 50 && <li className="muted">… and {held.count - 50} more</li>}
      </ul>
      <div className="actions">
        <button type="button" className="primary" onClick={() => decide('restore')}>
          Put them back on the pod
        </button>
        <button type="button" className="danger" onClick={() => decide('accept')}>
          Delete them here too
        </button>
      </div>
    </section>
  );
}

function SyncFailed({ failure, loginAgain }: { failure: PodFailure; loginAgain: () => void }) {
  const words = podErrorWords(failure);
  return (
    <div className="error" role="alert" data-testid="sync-result" data-code={failure.code}>
      <p>
        <strong>{words.headline}</strong> {words.advice}
      </p>
      {words.loginAgain && (
        <div className="actions">
          <button type="button" className="primary" onClick={loginAgain}>
            Log in again
          </button>
        </div>
      )}
      <details>
        <summary>Details</summary>
        <p className="muted">{failure.message}</p>
      </details>
    </div>
  );
}

/** Choosing a pod: one on this computer, or a provider's (log in in the browser, or with an app password). */
function Connect({ connected }: { connected: () => void }) {
  const [issuer, setIssuer] = useState('');
  const [pod, setPod] = useState('');
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState<'local' | 'provider' | undefined>();
  const [error, setError] = useState<string>();
  const [waiting, setWaiting] = useState<{ callId: string; url?: string }>();
  const toast = useToast();

  const local = async () => {
    setBusy('local');
    setError(undefined);
    try {
      const r = await call('pod.local', {});
      if (r.kind === 'ok') {
        toast({ text: `Your pod on this computer is ready: ${r.webId}${r.note ? `. ${r.note}` : ''}` }, 10_000);
        connected();
      } else setError(r.message);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };

  const provider = async () => {
    setBusy('provider');
    setError(undefined);
    const callId = newCallId();
    const interactive = !clientId && !secret;
    if (interactive) setWaiting({ callId });
    const off = bridge.onEvent((e) => {
      if (e.callId !== callId || e.event.type !== 'pod.login') return;
      const url = e.event.url;
      setWaiting({ callId, url });
      // The person asked to log in: their provider's page opens beside the app.
      window.open(url, '_blank', 'noopener,noreferrer');
    });
    try {
      const r = await call('pod.connect', { issuer: issuer.trim(), ...(pod.trim() && { pod: pod.trim() }), ...(!interactive && { clientId: clientId.trim(), clientSecret: secret }) }, callId);
      if (r.kind === 'ok') {
        toast({ text: `Connected as ${r.webId}.` });
        connected();
      } else setError(r.message);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      off();
      setBusy(undefined);
      setWaiting(undefined);
    }
  };

  return (
    <div className="connect">
      {error && <ErrorBox message={error} />}
      <section aria-labelledby="h-local">
        <h2 id="h-local">A pod on this computer</h2>
        <p>Locker runs a Solid server that only this computer can reach. Sharing with apps on this computer works at once.</p>
        <button type="button" className="primary" disabled={busy !== undefined} onClick={() => void local()}>
          {busy === 'local' ? 'Starting…' : 'Use a pod on this computer'}
        </button>
      </section>
      <section aria-labelledby="h-provider">
        <h2 id="h-provider">A pod from a provider</h2>
        <form
          className="edit"
          onSubmit={(e) => {
            e.preventDefault();
            void provider();
          }}
        >
          <div className="form-row">
            <label htmlFor="p-issuer">Your provider (where you log in) *</label>
            <input id="p-issuer" type="url" required placeholder="https://solidcommunity.net/" value={issuer} onChange={(e) => setIssuer(e.target.value)} />
          </div>
          <div className="form-row">
            <label htmlFor="p-pod">Your pod, if you have several (optional)</label>
            <input id="p-pod" type="url" placeholder="https://you.solidcommunity.net/" value={pod} onChange={(e) => setPod(e.target.value)} />
          </div>
          <details>
            <summary>Use an app password instead of logging in</summary>
            <div className="form-row">
              <label htmlFor="p-id">Client ID</label>
              <input id="p-id" autoComplete="off" value={clientId} onChange={(e) => setClientId(e.target.value)} />
            </div>
            <div className="form-row">
              <label htmlFor="p-secret">Client secret</label>
              <input id="p-secret" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
            </div>
          </details>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy !== undefined || !issuer}>
              {busy === 'provider' ? 'Connecting…' : clientId || secret ? 'Connect' : 'Log in'}
            </button>
            {waiting && (
              <button type="button" onClick={() => void bridge.cancel(waiting.callId)}>
                Cancel
              </button>
            )}
          </div>
          {waiting?.url && (
            <p role="status">
              Log in on the page that opened (if none did, <a href={waiting.url} target="_blank" rel="noopener noreferrer">open it</a>). Locker waits here.
            </p>
          )}
        </form>
      </section>
    </div>
  );
}

/** One conflict: both versions side by side; keep mine, keep theirs, or pick field by field. */
function Conflict({ c, resolved }: { c: ConflictView; resolved: () => void }) {
  const [picks, setPicks] = useState<Record<string, 'left' | 'right'>>({});
  const [error, setError] = useState<string>();
  const toast = useToast();
  const keep = async (which: 'local' | 'remote' | 'fields') => {
    setError(undefined);
    try {
      const r = await call('conflicts.resolve', { id: c.id, keep: which === 'remote' ? 'remote' : 'local' });
      if (r.kind !== 'ok') return setError(r.kind === 'absent' ? 'This conflict is already settled.' : r.message);
      if (which === 'fields' && c.remote) {
        // Keep mine, then take the fields picked from the pod's version: an ordinary edit, synced next time.
        const set = Object.entries(picks)
          .filter(([, side]) => side === 'right')
          .flatMap(([k]) => {
            const v = c.remote?.properties[k];
            if (v === undefined) return [{ name: k, value: '' }];
            return (Array.isArray(v) ? v : [v]).filter((x) => typeof x !== 'object' || x === null).map((x) => ({ name: k, value: text(x) }));
          });
        if (set.length) {
          const saved = await call('records.save', { id: c.id, set });
          if (saved.kind !== 'ok') return setError(saved.kind === 'invalid' ? saved.problems.map((p) => p.message).join('; ') : `could not take the pod's fields (${saved.kind})`);
        }
      }
      toast({ text: `“${c.title}” settled.` });
      resolved();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <article className="conflict" aria-label={`Conflict: ${c.title}`}>
      <h3>
        <a href={href('record', c.id)}>{c.title}</a> <span className="muted">({typeLabel(c.type)}, seen {when(c.detected)}; differs in {c.fields.map(fieldLabel).join(', ') || 'whether it exists'})</span>
      </h3>
      {error && <ErrorBox message={error} />}
      <SideBySide left={c.local} right={c.remote} leftLabel="On this computer" rightLabel="On the pod" pick={c.local && c.remote ? { value: picks, set: (f, side) => setPicks({ ...picks, [f]: side }) } : undefined} />
      <div className="actions">
        <button type="button" onClick={() => void keep('local')}>Keep mine</button>
        <button type="button" onClick={() => void keep('remote')}>Keep the pod’s</button>
        {c.local && c.remote && (
          <button type="button" className="primary" onClick={() => void keep('fields')}>
            Keep the fields I picked
          </button>
        )}
      </div>
    </article>
  );
}
