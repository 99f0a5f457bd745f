import { binaryUrl } from '../api/client.js';
import { Show } from '../ui/bits.js';
import { useLoad } from '../ui/hooks.js';
import { href } from '../ui/router.js';
import { when } from '../ui/format.js';
import { loadDetailed } from './details.js';

const MAX = 1000;

/** Thumbnails from the locker itself (never from an address found in the data), lazily loaded. */
export function Photos() {
  const [state] = useLoad(() => loadDetailed('photo', MAX), []);
  return (
    <Show state={state} empty={(v) => v.records.length === 0}>
      {({ records, more }) => (
        <>
          {more && <p className="muted">The {MAX} most recent.</p>}
          <ul className="photo-grid" aria-label="Photos">
            {records.map((r) => {
              const src = binaryUrl(r.properties['thumbnailUrl']);
              return (
                <li key={r.id}>
                  <a href={href('record', r.id)} title={r.title}>
                    {src ? <img src={src} alt={r.title} loading="lazy" width={160} height={160} /> : <span className="no-thumb">{r.title}</span>}
                    <span className="photo-date">{when(r.start)}</span>
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
