import type { JsonValue, RecordJson } from '../../../shared/model/index.js';
import { fieldLabel, text } from '../ui/format.js';

/** Two versions of a record, field by field; fields that differ are marked. */
export function SideBySide({ left, right, leftLabel, rightLabel, pick }: { left: RecordJson | undefined; right: RecordJson | undefined; leftLabel: string; rightLabel: string; pick?: { value: Record<string, 'left' | 'right'>; set: (field: string, side: 'left' | 'right') => void } }) {
  const keys = [...new Set([...Object.keys(left?.properties ?? {}), ...Object.keys(right?.properties ?? {})])];
  const show = (v: JsonValue | undefined) => (v === undefined ? '—' : text(v));
  return (
    <table className="data compare">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">{leftLabel}{!left && ' (deleted)'}</th>
          <th scope="col">{rightLabel}{!right && ' (deleted)'}</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => {
          const a = show(left?.properties[k]);
          const b = show(right?.properties[k]);
          const differs = a !== b;
          // Only plain values can be picked one by one (a nested email or address goes with its whole side).
          const plain = (v: JsonValue | undefined) => v === undefined || v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'));
          const pickable = pick !== undefined && differs && plain(left?.properties[k]) && plain(right?.properties[k]);
          return (
            <tr key={k} className={differs ? 'differs' : ''}>
              <th scope="row">{fieldLabel(k)}{differs && <span className="visually-hidden"> (differs)</span>}</th>
              <td>
                {pickable ? (
                  <label><input type="radio" name={`pick-${k}`} checked={pick.value[k] !== 'right'} onChange={() => pick.set(k, 'left')} /> {a}</label>
                ) : a}
              </td>
              <td>
                {pickable ? (
                  <label><input type="radio" name={`pick-${k}`} checked={pick.value[k] === 'right'} onChange={() => pick.set(k, 'right')} /> {b}</label>
                ) : b}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
