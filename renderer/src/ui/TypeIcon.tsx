import { TYPE_LABELS } from './format.js';

/** A small coloured badge per kind of record (text, so it needs no emoji font). */
export function TypeIcon({ type }: { type: string }) {
  return (
    <span className="ticon" data-type={type} aria-hidden="true">
      {TYPE_LABELS[type]?.icon ?? '?'}
    </span>
  );
}
