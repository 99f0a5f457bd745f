import { useMemo } from 'react';
import type { RecordJson } from '../../../shared/model/index.js';
import { Show } from '../ui/bits.js';
import { TimeChart } from '../ui/Chart.js';
import { useLoad } from '../ui/hooks.js';
import { href } from '../ui/router.js';
import { deep, num, text, when } from '../ui/format.js';
import { loadDetailed } from './details.js';

const MAX = 5000;

/** Observations grouped by what they measure (their name), one chart per kind. */
export function HealthView({ kind }: { kind: string | null }) {
  const [state] = useLoad(() => loadDetailed('health', MAX), []);
  return (
    <Show state={state} empty={(v) => v.records.length === 0}>
      {({ records }) => <Kinds records={records} kind={kind} />}
    </Show>
  );
}

function kindOf(r: RecordJson): string {
  return text(r.properties['name']) || r.title.replace(/[\d.,]+\s*\S*$/, '').trim() || 'Other';
}

function Kinds({ records, kind }: { records: RecordJson[]; kind: string | null }) {
  const groups = useMemo(() => {
    const g = new Map<string, RecordJson[]>();
    for (const r of records) g.set(kindOf(r), [...(g.get(kindOf(r)) ?? []), r]);
    return [...g.entries()].sort((a, b) => b[1].length - a[1].length);
  }, [records]);
  const current = groups.find(([k]) => k === kind) ?? groups[0];
  const series = useMemo(() => {
    const pts = (current?.[1] ?? [])
      .map((r) => ({ t: r.start ? Date.parse(r.start) / 1000 : NaN, v: num(deep(r.properties, 'value')) }))
      .filter((p): p is { t: number; v: number } => Number.isFinite(p.t) && p.v !== undefined)
      .sort((a, b) => a.t - b.t);
    return { x: pts.map((p) => p.t), values: pts.map((p) => p.v) };
  }, [current]);
  const unit = current ? text(deep(current[1][0]?.properties, 'unitText')) : '';
  return (
    <>
      <nav className="chips" aria-label="What was measured">
        {groups.map(([k, list]) => (
          <a key={k} className="chip" href={`${href('type', 'health')}?kind=${encodeURIComponent(k)}`} aria-current={k === current?.[0] ? 'true' : undefined}>
            {k} <span className="count">{list.length}</span>
          </a>
        ))}
      </nav>
      {current && series.x.length > 1 && <TimeChart x={series.x} series={[{ label: `${current[0]}${unit ? ` (${unit})` : ''}`, values: series.values }]} label={`${current[0]} over time`} />}
      {current && (
        <table className="data">
          <caption className="visually-hidden">{current[0]}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col" className="num">Value</th>
            </tr>
          </thead>
          <tbody>
            {current[1].slice(0, 500).map((r) => (
              <tr key={r.id}>
                <td>{when(r.start)}</td>
                <td><a href={href('record', r.id)}>{r.title}</a></td>
                <td className="num">{text(deep(r.properties, 'value'))} {text(deep(r.properties, 'unitText'))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
