import { useMemo } from 'react';
import type { RecordJson } from '../../../shared/model/index.js';
import { Show } from '../ui/bits.js';
import { TimeChart } from '../ui/Chart.js';
import { useLoad } from '../ui/hooks.js';
import { href } from '../ui/router.js';
import { deep, money, num, text, when } from '../ui/format.js';
import { loadDetailed } from './details.js';

const MAX = 5000;

interface Row {
  readonly r: RecordJson;
  readonly amount: number;
  readonly currency: string;
  readonly payee: string;
}

function rowOf(r: RecordJson): Row | undefined {
  const amount = num(deep(r.properties, 'price'));
  if (amount === undefined) return undefined;
  const seller = deep(r.properties, 'seller');
  return { r, amount, currency: text(deep(r.properties, 'priceCurrency')) || '', payee: (seller && typeof seller === 'object' ? text(deep(seller, 'name')) : text(seller)) || r.title };
}

export function Purchases() {
  const [state] = useLoad(() => loadDetailed('purchase', MAX), []);
  return (
    <Show state={state} empty={(v) => v.records.length === 0}>
      {({ records, more }) => <Table rows={records.flatMap((r) => rowOf(r) ?? [])} more={more} />}
    </Show>
  );
}

function Table({ rows, more }: { rows: Row[]; more: boolean }) {
  const totals = useMemo(() => {
    const t = new Map<string, { in: number; out: number }>();
    for (const r of rows) {
      const e = t.get(r.currency) ?? { in: 0, out: 0 };
      if (r.amount >= 0) e.in += r.amount;
      else e.out += r.amount;
      t.set(r.currency, e);
    }
    return [...t.entries()];
  }, [rows]);
  const main = totals.sort((a, b) => Math.abs(b[1].out) - Math.abs(a[1].out))[0]?.[0];
  const chart = useMemo(() => {
    const months = new Map<string, number>();
    for (const r of rows) {
      if (r.currency !== main || r.amount >= 0 || !r.r.start) continue;
      const m = r.r.start.slice(0, 7);
      months.set(m, (months.get(m) ?? 0) - r.amount);
    }
    const keys = [...months.keys()].sort();
    return { x: keys.map((k) => Date.parse(`${k}-01T00:00:00Z`) / 1000), series: [{ label: `Spent (${main ?? ''})`, values: keys.map((k) => Math.round((months.get(k) ?? 0) * 100) / 100) }] };
  }, [rows, main]);
  return (
    <>
      {more && <p className="muted">The {MAX} most recent.</p>}
      <ul className="totals" aria-label="Totals">
        {totals.map(([c, t]) => (
          <li key={c}>
            <span>Spent</span> <strong>{money(-t.out, c)}</strong> <span>Received</span> <strong>{money(t.in, c)}</strong>
          </li>
        ))}
      </ul>
      {chart.x.length > 1 && <TimeChart x={chart.x} series={chart.series} label={`Money spent per month, ${main ?? ''}`} bars />}
      <table className="data">
        <caption className="visually-hidden">Transactions</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Payee</th>
            <th scope="col" className="num">Amount</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 1000).map((r) => (
            <tr key={r.r.id}>
              <td>{when(r.r.start)}</td>
              <td><a href={href('record', r.r.id)}>{r.payee}</a></td>
              <td className={`num ${r.amount < 0 ? 'neg' : 'pos'}`}>{money(r.amount, r.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > 1000 && <p className="muted">The table shows the latest 1,000; the totals and chart count all {rows.length.toLocaleString()}.</p>}
    </>
  );
}
