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
  | { kind: 'done'; summary: ImportSummary; names: string[] }
  | { kind: 'failed'; message: string };

const FORMATS = '.ics,.vcf,.gpx,.kml,.kmz,.geojson,.json,.ofx,.qfx,.qif,.sta,.mt940,.csv,.xml,.mbox,.eml,.html,.jpg,.jpeg,.png,.heic,.zip,.trig,.locker';

export function ImportView({ done }: { done: () => void }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const start = async (files: File[]) => {
    if (files.length === 0) return;
    const paths = canUpload ? undefined : pathsOf(files);
    if (!canUpload && !paths) {
      setState({ kind: 'failed', message: 'These files are not on this computer’s disk: save them first, then drop them here.' });
      return;
    }
    if (paths) return run((callId) => call('import.start', { paths }, callId), [], files);
    const ids: string[] = [];
    const errors: { file: string; message: string }[] = [];
    for (const [i, f] of files.entries()) {
      setState({ kind: 'uploading', name: f.name, sent: 0, size: f.size, index: i, count: files.length });
      const r = await upload(f, (sent) => setState({ kind: 'uploading', name: f.name, sent, size: f.size, index: i, count: files.length }));
      if (r.kind === 'ok') ids.push(r.id);
      else errors.push({ file: f.name, message: r.message });
    }
    if (ids.length === 0) {
      setState({ kind: 'done', summary: { ...EMPTY_SUMMARY, errors }, names: files.map((f) => f.name) });
      return;
    }
    return run((callId) => call('import.uploads', { ids }, callId), errors, files);
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
      setState({ kind: 'done', summary: { ...summary, errors: [...errors, ...summary.errors] }, names: files.map((f) => f.name) });
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
        Calendars (.ics), address books (.vcf), places and trips (GPX, KML, GeoJSON, Google Takeout), photos, bank statements (OFX, QIF, MT940, CSV), Apple Health and FHIR, mail (mbox, .eml),
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
