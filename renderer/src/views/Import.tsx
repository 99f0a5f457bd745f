import { useEffect, useRef, useState } from 'react';
import type { ImportProgress, ImportSummary } from '../../../shared/api/index.js';
import { bridge, call, canUpload, newCallId, pathsOf, upload } from '../api/client.js';
import { ErrorBox, Page } from '../ui/bits.js';
import { href } from '../ui/router.js';

/** Files dropped anywhere on the window wait here until the Import page takes them. */
let pending: File[] = [];
export function queueFiles(files: File[]): void {
  pending = [...pending, ...files];
  window.dispatchEvent(new Event(QUEUED));
}
const QUEUED = 'locker-import-queued';

type State =
  | { kind: 'idle' }
  | { kind: 'uploading'; name: string; sent: number; size: number; index: number; count: number }
  | { kind: 'importing'; callId: string; progress?: ImportProgress; started: number }
  | { kind: 'done'; summary: ImportSummary; names: string[]; files: File[] }
  | { kind: 'failed'; message: string };

const FORMATS = '.ics,.vcf,.gpx,.kml,.kmz,.geojson,.json,.ofx,.qfx,.qif,.sta,.mt940,.csv,.xml,.mbox,.eml,.html,.jpg,.jpeg,.png,.heic,.zip,.trig,.locker';

export function ImportView({ done }: { done: () => void }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const start = async (files: File[], currency?: string) => {
    if (files.length === 0) return;
    const extra = currency ? { currency } : {};
    const paths = canUpload ? undefined : pathsOf(files);
    if (!canUpload && !paths) {
      setState({ kind: 'failed', message: 'These files are not on this computer’s disk: save them first, then drop them here.' });
      return;
    }
    if (paths) return run((callId) => call('import.start', { paths, ...extra }, callId), [], files);
    const ids: string[] = [];
    const errors: { file: string; message: string }[] = [];
    for (const [i, f] of files.entries()) {
      setState({ kind: 'uploading', name: f.name, sent: 0, size: f.size, index: i, count: files.length });
      const r = await upload(f, (sent) => setState({ kind: 'uploading', name: f.name, sent, size: f.size, index: i, count: files.length }));
      if (r.kind === 'ok') ids.push(r.id);
      else errors.push({ file: f.name, message: r.message });
    }
    if (ids.length === 0) {
      setState({ kind: 'done', summary: { ...EMPTY_SUMMARY, errors }, names: files.map((f) => f.name), files });
      return;
    }
    return run((callId) => call('import.uploads', { ids, ...extra }, callId), errors, files);
  };

  /** One import call with its progress and Cancel. */
  const run = async (importCall: (callId: string) => Promise<ImportSummary>, errors: { file: string; message: string }[], files: File[]) => {
    const callId = newCallId();
    setState({ kind: 'importing', callId, started: Date.now() });
    const off = bridge.onEvent((e) => {
      if (e.callId === callId && e.event.type === 'import.progress') {
        const progress = e.event.progress;
        setState((s) => (s.kind === 'importing' && s.callId === callId ? { ...s, progress } : s));
      }
    });
    try {
      const summary = await importCall(callId);
      setState({ kind: 'done', summary: { ...summary, errors: [...errors, ...summary.errors] }, names: files.map((f) => f.name), files });
      done();
    } catch (e) {
      setState({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    } finally {
      off();
    }
  };

  // Files dropped anywhere on the window (on arrival here, or while here).
  const startRef = useRef(start);
  startRef.current = start;
  useEffect(() => {
    const take = () => {
      if (!pending.length) return;
      const files = pending;
      pending = [];
      void startRef.current(files);
    };
    take();
    window.addEventListener(QUEUED, take);
    return () => window.removeEventListener(QUEUED, take);
  }, []);

  const busy = state.kind === 'uploading' || state.kind === 'importing';
  return (
    <Page title="Import">
      <p>
        Calendars (.ics), address books (.vcf), places and trips (GPX, KML, GeoJSON, Google Takeout), photos, bank statements (OFX, QIF, MT940, CAMT.053, CSV), Apple Health and FHIR, mail (mbox, .eml),
        bookmarks, Goodreads, Mastodon and Twitter archives, whole .zip exports, and Locker backups. Importing the same file again changes nothing.
      </p>
      <div
        className={`dropzone ${over ? 'over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          e.stopPropagation();
          setOver(false);
          if (!busy) void start([...e.dataTransfer.files]);
        }}
      >
        <p>Drop files here, or</p>
        <label className="button primary">
          Choose files…
          <input
            ref={input}
            className="visually-hidden"
            type="file"
            multiple
            accept={FORMATS}
            disabled={busy}
            data-testid="file-input"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              void start(files);
            }}
          />
        </label>
      </div>
      <Status state={state} />
      {state.kind === 'done' && <AskCurrency summary={state.summary} files={state.files} retry={(files, currency) => void start(files, currency)} />}
    </Page>
  );
}

function Status({ state }: { state: State }) {
  switch (state.kind) {
    case 'idle':
      return null;
    case 'uploading':
      return (
        <div className="progress-box" role="status">
          <p>
            Reading {state.name} ({state.index + 1} of {state.count})…
          </p>
          <progress max={state.size || 1} value={state.sent} aria-label={`Reading ${state.name}`} />
        </div>
      );
    case 'importing': {
      const p = state.progress;
      const total = p?.total;
      const secs = (Date.now() - state.started) / 1000;
      const rate = p && secs > 0.5 ? Math.round(p.done / secs) : undefined;
      return (
        <div className="progress-box" role="status">
          <p>
            {p ? `${phaseText(p.phase)} ${p.file.split(/[\\/]/).pop() ?? ''}${p.format ? ` (${formatName(p.format)})` : ''}: ${p.done.toLocaleString()}${total ? ` of ${total.toLocaleString()}` : ''} records` : 'Starting…'}
            {rate ? ` (${rate.toLocaleString()}/s)` : ''}
          </p>
          <progress max={total ?? undefined} value={total ? p?.done : undefined} aria-label="Import progress" />
          <button type="button" onClick={() => void bridge.cancel(state.callId)}>
            Cancel
          </button>
        </div>
      );
    }
    case 'failed':
      return <ErrorBox message={state.message} />;
    case 'done': {
      const s = state.summary;
      return (
        <div className="summary" role="status" data-testid="import-summary">
          <h2>Done</h2>
          <p>
            {s.imported.toLocaleString()} new, {s.updated.toLocaleString()} updated, {s.unchanged.toLocaleString()} unchanged
            {s.skipped > 0 ? `, ${s.skipped.toLocaleString()} skipped` : ''}
            {s.duplicates > 0 ? `, ${s.duplicates.toLocaleString()} repeated within a file` : ''}. <a href={href('timeline')}>See them on the timeline</a>.
          </p>
          {s.skippedItems.length > 0 && (
            <>
              <h3>Skipped: these items could not be read (the rest of each file was imported)</h3>
              <ul className="errors skipped-items" data-testid="skipped-items">
                {s.skippedItems.slice(0, SKIPPED_SHOWN).map((e, i) => (
                  <li key={i}>
                    <strong>
                      {e.file.split(/[\\/]/).pop()}
                      {e.line !== undefined ? `, line ${e.line}` : e.position !== undefined ? `, at ${e.position}` : ''}
                    </strong>
                    : {e.reason}
                    {e.raw && (
                      <details>
                        <summary>The text in the file</summary>
                        <pre className="raw">{e.raw}</pre>
                      </details>
                    )}
                  </li>
                ))}
              </ul>
              {s.skippedItems.length > SKIPPED_SHOWN && <p className="muted">…and {(s.skippedItems.length - SKIPPED_SHOWN).toLocaleString()} more.</p>}
            </>
          )}
          {(s.warnings ?? []).length > 0 && (
            <>
              <h3>Imported, with a warning</h3>
              <ul className="errors warnings" data-testid="import-warnings">
                {(s.warnings ?? []).map((w, i) => (
                  <li key={i}>
                    <strong>{w.file.split(/[\\/]/).pop()}</strong>: {w.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          {s.errors.length > 0 && (
            <>
              <h3>Not imported</h3>
              <ul className="errors">
                {s.errors.map((e, i) => (
                  <li key={i}>
                    <strong>{e.file.split(/[\\/]/).pop()}</strong>: {e.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      );
    }
  }
}

const COMMON_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'CAD', 'AUD', 'JPY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK'];

/**
 * Asked once: a QIF (or CSV) statement doesn't say its currency and the locker has no default. The answer
 * becomes the locker's default (Settings keep it in config.json) and the files are imported again with it.
 */
function AskCurrency({ summary, files, retry }: { summary: ImportSummary; files: File[]; retry: (files: File[], currency: string) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const needing = summary.errors.filter((e) => e.code === 'needs-currency').map((e) => e.file.split(/[\\/]/).pop());
  const again = files.filter((f) => needing.includes(f.name));
  if (needing.length === 0) return null;
  const submit = async () => {
    const currency = value.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) return setError('Give a three-letter currency code, such as EUR, USD or GBP.');
    const r = await call('settings.currency', { currency });
    if (r.kind !== 'ok') return setError(r.message);
    setError(undefined);
    if (again.length > 0) retry(again, currency);
  };
  return (
    <form
      className="ask-currency"
      data-testid="ask-currency"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Which currency are these statements in?</h2>
      <p>
        {needing.join(', ')} {needing.length === 1 ? 'does' : 'do'} not say {needing.length === 1 ? 'its' : 'their'} currency (QIF files never do). Locker will use your answer for such
        statements from now on, and mark each of their records as “currency assumed”.
      </p>
      <label htmlFor="ask-currency-code">Currency code</label>{' '}
      <input
        id="ask-currency-code"
        list="ask-currency-list"
        value={value}
        maxLength={3}
        size={5}
        autoComplete="off"
        aria-invalid={error !== undefined}
        aria-describedby={error ? 'ask-currency-error' : undefined}
        onChange={(e) => setValue(e.target.value)}
      />
      <datalist id="ask-currency-list">
        {COMMON_CURRENCIES.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>{' '}
      <button type="submit" className="button primary">
        {again.length > 0 ? 'Import with this currency' : 'Save as the default currency'}
      </button>
      {again.length === 0 && <p className="muted">Add the files again after saving.</p>}
      {error && (
        <p id="ask-currency-error" role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

/** Skipped items listed on the page; the rest are counted. */
const SKIPPED_SHOWN = 200;
const EMPTY_SUMMARY: ImportSummary = { imported: 0, updated: 0, unchanged: 0, skipped: 0, duplicates: 0, seen: 0, errors: [], skippedItems: [] };

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  ical: 'iCalendar',
  vcard: 'vCard',
  trig: 'Locker export (TriG)',
  ofx: 'OFX bank statement',
  qif: 'QIF statement',
  mt940: 'MT940 statement',
  camt: 'ISO 20022 CAMT statement',
  'csv-bank': 'bank CSV',
  gpx: 'GPX',
  kml: 'KML',
  geojson: 'GeoJSON',
  'takeout-location': 'Google location history',
  photo: 'photo',
  'apple-health': 'Apple Health',
  fhir: 'FHIR',
  mbox: 'mailbox',
  eml: 'e-mail',
  bookmarks: 'bookmarks',
  goodreads: 'Goodreads',
  activitypub: 'Mastodon / ActivityPub archive',
  twitter: 'Twitter archive',
};

function formatName(id: string): string {
  return FORMAT_NAMES[id] ?? id;
}

function phaseText(phase: ImportProgress['phase']): string {
  return { reading: 'Reading', validating: 'Checking', writing: 'Saving', done: 'Finished', failed: 'Stopped at' }[phase];
}
