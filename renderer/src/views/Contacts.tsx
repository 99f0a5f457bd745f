import { Show } from '../ui/bits.js';
import { useLoad } from '../ui/hooks.js';
import { href } from '../ui/router.js';
import { deep, prop, text } from '../ui/format.js';
import { loadDetailed } from './details.js';

const MAX = 600;

export function Contacts() {
  const [state] = useLoad(() => loadDetailed('contact', MAX), []);
  return (
    <Show state={state} empty={(v) => v.records.length === 0}>
      {({ records, more }) => (
        <>
          {more && <p className="muted">The {MAX} most recent; search to find the others.</p>}
          <ul className="cards" aria-label="Contacts">
            {records.map((r) => {
              const initials = r.title.split(/\s+/).map((w) => w[0] ?? '').join('').slice(0, 2).toUpperCase();
              const org = text(prop(r, 'organization-name'));
              const email = text(deep(prop(r, 'hasEmail'), 'value'));
              const phone = text(deep(prop(r, 'hasTelephone'), 'value'));
              const tags = prop(r, 'tag');
              return (
                <li key={r.id}>
                  <a className="card" href={href('record', r.id)}>
                    <span className="avatar" aria-hidden="true">{initials}</span>
                    <span className="card-title">{r.title}</span>
                    {org && <span className="card-line">{org}</span>}
                    {email && <span className="card-line">{email}</span>}
                    {phone && <span className="card-line">{phone}</span>}
                    {tags !== undefined && <span className="tags">{(Array.isArray(tags) ? tags : [tags]).map((t, i) => <span className="tag" key={i}>{String(t)}</span>)}</span>}
                  </a>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Show>
  );
}
