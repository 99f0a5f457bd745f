import { useState } from 'react';
import type { RecordType } from '../../../shared/model/index.js';
import { isRecordType, RECORD_TYPES } from '../../../shared/model/types.js';
import { call } from '../api/client.js';
import { ErrorBox, Page, Show } from '../ui/bits.js';
import { useLoad } from '../ui/hooks.js';
import { href } from '../ui/router.js';
import { useToast } from '../ui/Toasts.js';
import { typeLabel, when } from '../ui/format.js';
import type { RequestView } from '../../../shared/api/index.js';
import { RecordList } from './RecordRow.js';

export function ConsentView({ tab, purposes }: { tab: string; purposes: Readonly<Record<string, string>> }) {
  return (
    <Page title="Sharing">
      <nav className="tabs" aria-label="Sharing">
        <a href={href('sharing', 'grants')} aria-current={tab === 'grants' ? 'page' : undefined}>Who can see what</a>
        <a href={href('sharing', 'new')} aria-current={tab === 'new' ? 'page' : undefined}>Give access</a>
        <a href={href('sharing', 'request')} aria-current={tab === 'request' ? 'page' : undefined}>An app asks</a>
        <a href={href('sharing', 'audit')} aria-current={tab === 'audit' ? 'page' : undefined}>Check the pod</a>
      </nav>
      {tab === 'new' ? <NewGrant purposes={purposes} /> : tab === 'audit' ? <Audit /> : tab === 'request' ? <AppRequest /> : <Grants />}
    </Page>
  );
}

function Grants() {
  const [all, setAll] = useState(false);
  const [grants, reload] = useLoad(() => call('grants.list', { all }), [all]);
  const [error, setError] = useState<string>();
  const toast = useToast();
  const revoke = async (which: { id: string } | { agent: string }, what: string) => {
    if (!confirm(`${what}?`)) return;
    setError(undefined);
    try {
      const r = await call('grants.revoke', which);
      if (r.kind === 'ok') toast({ text: `Done: ${r.revoked.length} grant${r.revoked.length === 1 ? '' : 's'} ended.` });
      else setError(r.message);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    reload();
  };
  return (
    <>
      <label className="inline">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Show ended grants too
      </label>
      {error && <ErrorBox message={error} />}
      <Show state={grants}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">Nobody has access to your records. <a href={href('sharing', 'new')}>Give an app access…</a></p>
          ) : (
            <table className="data grants">
              <caption className="visually-hidden">Grants</caption>
              <thead>
                <tr>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Why</th>
                  <th scope="col">Until</th>
                  <th scope="col"><span className="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {list.map((g) => (
                  <tr key={g.id} data-grant={g.id}>
                    <td>
                      <span className="agent">{g.agent}</span>
                      {g.client && <span className="muted"> using {g.client}</span>}
                    </td>
                    <td>{g.modes.join(', ')}: {g.what.map((w) => (isRecordType(w) ? typeLabel(w, true) : w)).join(', ')}</td>
                    <td>{g.purposeLabel}</td>
                    <td>{g.state === 'active' ? `${g.timeLeft} left (${when(g.until)})` : `${g.state}${g.ended ? ` ${when(g.ended)}` : ''}`}</td>
                    <td className="actions">
                      {g.state === 'active' && (
                        <>
                          <button type="button" onClick={() => void revoke({ id: g.id }, `End this grant to ${g.agent}`)}>Revoke</button>
                          <button type="button" className="danger" onClick={() => void revoke({ agent: g.agent }, `Fire ${g.agent}: end every grant it has`)}>Fire</button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </>
  );
}

const DURATIONS: readonly [string, number][] = [
  ['1 day', 1],
  ['1 week', 7],
  ['30 days', 30],
  ['90 days', 90],
  ['1 year', 365],
];

/** The new-grant wizard: who, which records (previewed), what they may do, why, for how long. */
function NewGrant({ purposes }: { purposes: Readonly<Record<string, string>> }) {
  const [agent, setAgent] = useState('');
  const [client, setClient] = useState('');
  const [types, setTypes] = useState<RecordType[]>([]);
  const [modes, setModes] = useState<('read' | 'append' | 'write')[]>(['read']);
  const [purpose, setPurpose] = useState('ServiceProvision');
  const [days, setDays] = useState(30);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const [preview] = useLoad(async () => Promise.all(types.map(async (t) => ({ t, items: await call('records.list', { type: t, limit: 5 }) }))), [types.join()]);
  const [counts] = useLoad(() => call('records.counts', {}), []);

  const submit = async () => {
    setError(undefined);
    setBusy(true);
    try {
      const r = await call('grants.create', { agent: agent.trim(), ...(client.trim() && { client: client.trim() }), types, modes, purpose: `dpv:${purpose}`, until: new Date(Date.now() + days * 86_400_000).toISOString() });
      if (r.kind === 'ok') {
        toast({ text: `${r.grant.agent} may now ${r.grant.modes.join(', ')} ${r.grant.what.map((w) => (isRecordType(w) ? typeLabel(w, true).toLowerCase() : w)).join(', ')}.${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}` });
        location.hash = href('sharing', 'grants');
      } else setError(r.message);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="edit wizard"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {error && <ErrorBox message={error} />}
      <div className="form-row">
        <label htmlFor="g-agent">Who (their WebID) *</label>
        <input id="g-agent" type="url" required placeholder="https://bot.example/profile/card#me" value={agent} onChange={(e) => setAgent(e.target.value)} />
      </div>
      <div className="form-row">
        <label htmlFor="g-client">Only through this app (client ID, optional)</label>
        <input id="g-client" type="url" placeholder="https://app.example/id" value={client} onChange={(e) => setClient(e.target.value)} />
      </div>
      <fieldset>
        <legend>Which records *</legend>
        {RECORD_TYPES.map((t) => {
          const n = counts.kind === 'ok' ? (counts.value[t] ?? 0) : 0;
          return (
            <label key={t} className="inline">
              <input type="checkbox" checked={types.includes(t)} onChange={(e) => setTypes(e.target.checked ? [...types, t] : types.filter((x) => x !== t))} /> {typeLabel(t, true)} ({n})
            </label>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>What they may do</legend>
        {(['read', 'append', 'write'] as const).map((m) => (
          <label key={m} className="inline">
            <input type="checkbox" checked={modes.includes(m)} onChange={(e) => setModes(e.target.checked ? [...modes, m] : modes.filter((x) => x !== m))} /> {m === 'read' ? 'Read' : m === 'append' ? 'Add new' : 'Change and delete'}
          </label>
        ))}
      </fieldset>
      <div className="form-row">
        <label htmlFor="g-purpose">Why</label>
        <select id="g-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)}>
          {Object.entries(purposes).map(([k, label]) => (
            <option key={k} value={k}>{label}</option>
          ))}
        </select>
      </div>
      <div className="form-row">
        <label htmlFor="g-days">For how long</label>
        <select id="g-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {DURATIONS.map(([l, d]) => (
            <option key={d} value={d}>{l}</option>
          ))}
        </select>
      </div>
      <h2>What they will see</h2>
      {types.length === 0 ? (
        <p className="muted">Choose which records above.</p>
      ) : (
        <Show state={preview}>
          {(groups) => (
            <>
              {groups.map(({ t, items }) => (
                <section key={t} aria-label={`Preview: ${typeLabel(t, true)}`}>
                  <h3>
                    {typeLabel(t, true)}: all {counts.kind === 'ok' ? (counts.value[t] ?? 0) : ''}, now and later, such as
                  </h3>
                  {items.length ? <RecordList items={items} label={typeLabel(t, true)} /> : <p className="muted">none yet</p>}
                </section>
              ))}
            </>
          )}
        </Show>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || types.length === 0 || modes.length === 0 || !agent}>
          Give access
        </button>
      </div>
    </form>
  );
}

function Audit() {
  const [report] = useLoad(() => call('audit.run', {}), []);
  return (
    <Show state={report}>
      {(r) =>
        r.kind === 'error' ? (
          <ErrorBox message={r.message} />
        ) : (
          <>
            <p>
              The rules actually on your pod ({r.report.accessControl.toUpperCase()}). Rules marked ⚠ were not written by Locker.
            </p>
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">Where</th>
                  <th scope="col">Who</th>
                  <th scope="col">May</th>
                  <th scope="col">Written by</th>
                </tr>
              </thead>
              <tbody>
                {r.report.rules.map((rule, i) => (
                  <tr key={i} className={rule.flagged ? 'flagged' : ''}>
                    <td>{rule.resource}</td>
                    <td>{rule.who.join(', ') || 'anyone'}{rule.clients.length ? ` (app ${rule.clients.join(', ')})` : ''}</td>
                    <td>{rule.allow.join(', ')}{rule.deny.length ? `; denied ${rule.deny.join(', ')}` : ''}</td>
                    <td>{rule.flagged ? '⚠ ' : ''}{rule.by}{rule.note ? ` — ${rule.note}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {r.report.foreign.length > 0 && (
              <section data-testid="foreign-documents">
                <h2>Other apps’ files in Locker’s folders</h2>
                <p>Locker leaves these alone: it never overwrites or deletes them.</p>
                <ul>
                  {r.report.foreign.map((url) => (
                    <li key={url}>
                      <code>{url}</code>
                    </li>
                  ))}
                </ul>
              </section>
            )}
          </>
        )
      }
    </Show>
  );
}

/** An app's access request: who it is (from its client-ID document), why, for how long, and the actual records it would see. */
function AppRequest() {
  const [source, setSource] = useState(new URLSearchParams(location.hash.split('?')[1] ?? '').get('from') ?? '');
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'reading' } | { kind: 'error'; message: string } | { kind: 'shown'; view: RequestView; source: string }>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const read = async () => {
    setState({ kind: 'reading' });
    try {
      const r = await call('request.read', { source: source.trim() });
      setState(r.kind === 'ok' ? { kind: 'shown', view: r.view, source: source.trim() } : r);
    } catch (e) {
      setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };
  const allow = async (from: string, digest: string, leaveOut: readonly string[]) => {
    setBusy(true);
    try {
      const r = await call('request.grant', { source: from, digest, ...(leaveOut.length && { leaveOut: [...leaveOut] }) });
      if (r.kind === 'ok') {
        const what = r.grants.map((g) => `${g.modes.join(', ')} ${g.what.map((w) => (isRecordType(w) ? typeLabel(w, true).toLowerCase() : w)).join(', ')}`).join('; ');
        toast({ text: `${r.grants[0]?.agent ?? 'The app'} may now ${what}.` });
        location.hash = href('sharing', 'grants');
      } else setState({ kind: 'error', message: r.message });
    } catch (e) {
      setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <form
        className="edit"
        onSubmit={(e) => {
          e.preventDefault();
          void read();
        }}
      >
        <div className="form-row">
          <label htmlFor="r-source">The app's address (its client ID)</label>
          <input id="r-source" type="url" required placeholder="https://app.example/id" value={source} onChange={(e) => setSource(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" disabled={state.kind === 'reading' || !source}>
            {state.kind === 'reading' ? 'Reading…' : 'Read what it asks'}
          </button>
        </div>
      </form>
      {state.kind === 'error' && <ErrorBox message={state.message} />}
      {state.kind === 'shown' && <RequestScreen view={state.view} busy={busy} allow={(leaveOut) => void allow(state.source, state.view.digest, leaveOut)} decline={() => setState({ kind: 'idle' })} />}
    </>
  );
}

function needLabel(modes: readonly string[]): string {
  if (modes.includes('write')) return 'Read and change';
  if (modes.includes('append')) return modes.includes('read') ? 'Read and add to' : 'Add to';
  return 'Read';
}

function RequestScreen({ view, busy, allow, decline }: { view: RequestView; busy: boolean; allow: (leaveOut: readonly string[]) => void; decline: () => void }) {
  const req = view.request;
  const [leaveOut, setLeaveOut] = useState<readonly string[]>([]);
  const [previews] = useLoad(async () => Promise.all(view.needs.map(async (n) => ({ n, items: await call('records.list', { type: n.type, limit: 3 }) }))), [view]);
  return (
    <article className="request" aria-label={`Access request from ${req.name ?? req.clientId}`}>
      <header className="request-head">
        {view.logo ? <img className="app-logo" src={view.logo} alt="" width={56} height={56} /> : <span className="app-logo app-logo-none" aria-hidden="true">?</span>}
        <div>
          <h2>{req.name ?? 'An app without a name'} asks to see some of your records</h2>
          <p className="muted">
            {req.clientId}
            {req.homepage && (
              <>
                {' · '}
                <a href={req.homepage} target="_blank" rel="noopener noreferrer nofollow">{req.homepage}</a>
              </>
            )}
          </p>
        </div>
      </header>
      <dl className="fields">
        <dt>Why</dt>
        <dd>{view.purposeLabel ?? 'it does not say (it cannot be granted without a purpose)'}</dd>
        <dt>Until</dt>
        <dd>{when(view.until)}</dd>
      </dl>
      <h3>What it would see</h3>
      <Show state={previews}>
        {(list) => (
          <ul className="needs">
            {list.map(({ n, items }) => (
              <li key={`${n.need}-${n.type}`}>
                {!n.required && (
                  <label className="inline">
                    <input type="checkbox" checked={!leaveOut.includes(n.need)} onChange={(e) => setLeaveOut(e.target.checked ? leaveOut.filter((x) => x !== n.need) : [...leaveOut, n.need])} /> Include
                  </label>
                )}
                <strong>
                  {needLabel(n.modes)} your {typeLabel(n.type, true).toLowerCase()}
                </strong>{' '}
                ({n.count} record{n.count === 1 ? '' : 's'}, now and later){n.required ? '' : ', optional'}
                {items.length > 0 && <RecordList items={items} label={`Examples: ${typeLabel(n.type, true)}`} />}
              </li>
            ))}
          </ul>
        )}
      </Show>
      {req.notes.length > 0 && (
        <ul className="muted">
          {req.notes.map((note, i) => (
            <li key={i}>{note}</li>
          ))}
        </ul>
      )}
      {view.logoNote && <p className="muted">The app's logo is not shown: {view.logoNote}.</p>}
      <div className="actions">
        <button type="button" className="primary" disabled={busy || view.needs.every((n) => leaveOut.includes(n.need)) || !req.purpose} onClick={() => allow(leaveOut)}>
          Allow
        </button>
        <button type="button" onClick={decline}>
          Decline
        </button>
      </div>
    </article>
  );
}
