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
          return (
            <tr key={k} className={differs ? 'differs' : ''}>
              <th scope="row">{fieldLabel(k)}{differs && <span className="visually-hidden"> (differs)</span>}</th>
              <td>
                {pick && differs ? (
                  <label><input type="radio" name={`pick-${k}`} checked={pick.value[k] !== 'right'} onChange={() => pick.set(k, 'left')} /> {a}</label>
                ) : a}
              </td>
              <td>
                {pick && differs ? (
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
