import type { RecordSummary } from '../../../shared/api/index.js';
import { href } from '../ui/router.js';
import { TypeIcon } from '../ui/TypeIcon.js';
import { isPendingDelete } from '../ui/pending.js';
import { typeLabel, when } from '../ui/format.js';

/** One record in a list: its kind, title and time. Imported text is rendered as text, never as markup. */
export function RecordRow({ r }: { r: RecordSummary }) {
  return (
    <a className="row" href={href('record', r.id)}>
      <TypeIcon type={r.type} />
      <span className="row-title">{r.title || '(untitled)'}</span>
      <span className="row-type">{typeLabel(r.type)}</span>
      <time className="row-time" dateTime={r.start}>{when(r.start)}</time>
    </a>
  );
}

export function RecordList({ items, label }: { items: readonly RecordSummary[]; label: string }) {
  return (
    <ul className="rows" aria-label={label}>
      {items.filter((r) => !isPendingDelete(r.id)).map((r) => (
        <li key={r.id}>
          <RecordRow r={r} />
        </li>
      ))}
    </ul>
  );
}
