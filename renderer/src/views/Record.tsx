import { useState } from 'react';
import type { JsonValue, PropertySpec, RecordJson } from '../../../shared/model/index.js';
import { binaryUrl, call } from '../api/client.js';
import { Page, Show } from '../ui/bits.js';
import { useLoad } from '../ui/hooks.js';
import { go, href } from '../ui/router.js';
import { useToast } from '../ui/Toasts.js';
import { deleteLater } from '../ui/pending.js';
import { fieldLabel, typeLabel, when } from '../ui/format.js';

const UNDO_MS = 8000;

export function RecordPage({ id, changed }: { id: string; changed: () => void }) {
  const [shown, reload] = useLoad(() => call('records.get', { id }), [id]);
  const [mode, setMode] = useState<'view' | 'edit' | 'turtle'>('view');
  const toast = useToast();

  return (
    <Show state={shown}>
      {(r) =>
        r.kind === 'absent' ? (
          <Page title="Not found">
            <p>This record is not in the locker (any more).</p>
          </Page>
        ) : (
          <Page
            title={r.json.title || '(untitled)'}
            actions={
              <>
                <button type="button" onClick={() => setMode(mode === 'edit' ? 'view' : 'edit')} aria-pressed={mode === 'edit'}>
                  Edit
                </button>
                <button type="button" onClick={() => setMode(mode === 'turtle' ? 'view' : 'turtle')} aria-pressed={mode === 'turtle'}>
                  RDF
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    // Deleting waits for the Undo window to pass: an undone delete never touched the store.
                    const pending = deleteLater(id, UNDO_MS, (res) => (res.ok ? changed() : toast({ text: `Could not delete: ${res.message}`, tone: 'error' })));
                    toast({ text: `Deleted “${r.json.title}” (kept 30 days in the Trash).`, action: { label: 'Undo', run: () => (pending.undo(), go(href('record', id))) } }, UNDO_MS);
                    go(href('type', r.json.type));
                  }}
                >
                  Delete
                </button>
              </>
            }
          >
            <p className="muted">
              {typeLabel(r.json.type)}
              {r.json.start ? ` · ${when(r.json.start)}` : ''} · changed {when(r.updated)}
            </p>
            {mode === 'edit' ? (
              <EditForm
                record={r.json}
                done={(saved) => {
                  setMode('view');
                  if (saved) {
                    reload();
                    changed();
                    toast({ text: 'Saved.' });
                  }
                }}
              />
            ) : mode === 'turtle' ? (
              <pre className="turtle" aria-label="The record as RDF (Turtle)">{r.turtle}</pre>
            ) : (
              <RecordFields record={r.json} />
            )}
          </Page>
        )
      }
    </Show>
  );
}

export function RecordFields({ record }: { record: RecordJson }) {
  const image = binaryUrl(record.properties['thumbnailUrl']) ?? binaryUrl(record.properties['contentUrl']);
  const full = binaryUrl(record.properties['contentUrl']);
  return (
    <>
      {image && (
        <figure className="photo-full">
          <img
            src={full ?? image}
            alt={record.title}
            onError={(e) => {
              // A picture the browser can't show (HEIC): the thumbnail made at import instead.
              if (image && !e.currentTarget.src.endsWith(image.slice(1))) e.currentTarget.src = image;
            }}
          />
        </figure>
      )}
      <dl className="fields">
        {Object.entries(record.properties).map(([k, v]) => (
          <Field key={k} name={k} value={v} />
        ))}
      </dl>
      {record.provenance && (
        <>
          <h2>Where it came from</h2>
          <dl className="fields provenance">
            {Object.entries(record.provenance).map(([k, v]) => (
              <Field key={k} name={k} value={v as JsonValue} />
            ))}
          </dl>
        </>
      )}
    </>
  );
}

function Field({ name, value }: { name: string; value: JsonValue }) {
  return (
    <>
      <dt>{fieldLabel(name)}</dt>
      <dd>
        <Value v={value} />
      </dd>
    </>
  );
}

/** A value as text. Links into the locker become links; web addresses are shown, never fetched or made clickable into `javascript:`. */
function Value({ v }: { v: JsonValue }) {
  if (v === null) return null;
  if (Array.isArray(v))
    return (
      <ul className="values">
        {v.map((x, i) => (
          <li key={i}>
            <Value v={x} />
          </li>
        ))}
      </ul>
    );
  if (typeof v === 'object')
    return (
      <dl className="nested">
        {Object.entries(v).map(([k, x]) => (
          <Field key={k} name={k} value={x} />
        ))}
      </dl>
    );
  const s = String(v);
  const m = /^https:\/\/locker\.invalid\/([a-z]+)\/([a-z2-7]{20})(\.ttl)?(#.*)?$/.exec(s);
  if (m?.[2]) return <a href={href('record', m[2])}>{m[1]} record</a>;
  if (/^https?:\/\//i.test(s)) return <a href={s} target="_blank" rel="noopener noreferrer nofollow">{s}</a>;
  return <span className="value">{s.replace(/^mailto:|^tel:/, '')}</span>;
}

/** The form for a record, generated from its shape: one input per editable property, with the core's validation messages. */
function EditForm({ record, done }: { record: RecordJson; done: (saved: boolean) => void }) {
  const [specs] = useLoad(() => call('shapes.get', { type: record.type }), [record.type]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<readonly string[]>([]);
  const [busy, setBusy] = useState(false);

  const initial = (s: PropertySpec): string => {
    const v = record.properties[s.name];
    if (v === undefined || v === null) return '';
    return Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'object' ? '' : String(v);
  };

  return (
    <Show state={specs}>
      {(all) => {
        const editable = all.filter((s) => !s.nested && !s.isIri).sort((a, b) => a.order - b.order);
        const value = (s: PropertySpec) => values[s.name] ?? initial(s);
        const submit = async () => {
          setBusy(true);
          const set = editable
            .filter((s) => values[s.name] !== undefined && values[s.name] !== initial(s))
            .flatMap((s) => {
              const v = value(s);
              const many = s.maxCount === undefined || s.maxCount > 1;
              const parts = many ? v.split(',').map((x) => x.trim()).filter(Boolean) : [v.trim()];
              return parts.length ? parts.map((p) => ({ name: s.name, value: p })) : [{ name: s.name, value: '' }];
            });
          if (set.length === 0) return done(false);
          try {
            const r = await call('records.save', { id: record.id, set });
            if (r.kind === 'ok') return done(true);
            setProblems(r.kind === 'invalid' ? r.problems.map((p) => p.message) : r.kind === 'absent' ? ['This record was deleted meanwhile.'] : [`${r.kind}: ${'name' in r ? r.name : ''}`]);
          } catch (e) {
            setProblems([e instanceof Error ? e.message : String(e)]);
          } finally {
            setBusy(false);
          }
        };
        return (
          <form
            className="edit"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
            onKeyDown={(e) => e.key === 'Escape' && done(false)}
          >
            {problems.length > 0 && (
              <div role="alert" className="error">
                <p>Not saved:</p>
                <ul>
                  {problems.map((p, i) => (
                    <li key={i}>{p}</li>
                  ))}
                </ul>
              </div>
            )}
            {editable.map((s) => {
              const many = s.maxCount === undefined || s.maxCount > 1;
              const long = /note|description|text|content|body/i.test(s.name);
              const idFor = `f-${s.name}`;
              return (
                <div className="form-row" key={s.name}>
                  <label htmlFor={idFor}>
                    {s.label || fieldLabel(s.name)}
                    {s.minCount > 0 ? ' *' : ''}
                    {many && s.name === 'tag' ? ' (comma between tags)' : ''}
                  </label>
                  {long ? (
                    <textarea id={idFor} value={value(s)} onChange={(e) => setValues({ ...values, [s.name]: e.target.value })} rows={4} />
                  ) : (
                    <input id={idFor} value={value(s)} required={s.minCount > 0} placeholder={hint(s)} onChange={(e) => setValues({ ...values, [s.name]: e.target.value })} />
                  )}
                </div>
              );
            })}
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                Save
              </button>
              <button type="button" onClick={() => done(false)}>
                Cancel
              </button>
            </div>
          </form>
        );
      }}
    </Show>
  );
}

function hint(s: PropertySpec): string {
  const d = s.datatypes[0] ?? '';
  if (d.endsWith('#dateTime')) return '2026-11-29T14:30:00+01:00';
  if (d.endsWith('#date')) return '2026-11-29';
  if (d.endsWith('#decimal')) return '12.50';
  if (d.endsWith('#integer')) return '42';
  return '';
}

