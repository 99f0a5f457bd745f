import type { RecordSummary } from '../../../shared/api/index.js';
import { call } from '../api/client.js';
import { Show } from '../ui/bits.js';
import { useLoad } from '../ui/hooks.js';
import { href } from '../ui/router.js';
import { RecordList } from './RecordRow.js';

/** A month: a grid of days with their events, and the same month as an agenda. `?month=YYYY-MM`; default this month. */
export function CalendarView({ month }: { month: string | null }) {
  const m = month && /^\d{4}-\d{2}$/.test(month) ? month : thisMonth();
  return <Month key={m} month={m} />;
}

function thisMonth(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** The day an event falls on: a date as written (all-day), a date-time in local time. */
function dayOf(start: string | undefined): { month: string; day: number } | undefined {
  if (!start) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(start)) return { month: start.slice(0, 7), day: Number(start.slice(8, 10)) };
  const d = new Date(start);
  if (Number.isNaN(d.getTime())) return undefined;
  return { month: `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`, day: d.getDate() };
}

function shift(month: string, by: number): string {
  const [y = 1970, mo = 1] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, mo - 1 + by, 1));
  return d.toISOString().slice(0, 7);
}

function Month({ month }: { month: string }) {
  const [y = 1970, mo = 1] = month.split('-').map(Number);
  const from = new Date(y, mo - 1, 1);
  const to = new Date(y, mo, 1);
  // A day either side: all-day events are kept at UTC midnight, which is another local day west or east of UTC.
  const [loaded] = useLoad(() => call('records.list', { type: 'event', from: new Date(from.getTime() - 86_400_000).toISOString(), to: new Date(to.getTime() + 86_400_000).toISOString(), limit: 5000 }), [month]);
  const events: typeof loaded = loaded.kind === 'ok' ? { kind: 'ok', value: loaded.value.filter((e) => dayOf(e.start)?.month === month) } : loaded;
  const title = from.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
  const lead = (from.getDay() + 6) % 7; // weeks start on Monday
  const days = new Date(y, mo, 0).getDate();
  const byDay = (items: readonly RecordSummary[]) => {
    const map = new Map<number, RecordSummary[]>();
    for (const e of items) {
      const d = dayOf(e.start);
      if (d) map.set(d.day, [...(map.get(d.day) ?? []), e]);
    }
    return map;
  };
  return (
    <>
      <nav className="month-nav" aria-label="Months">
        <a className="button" href={`${href('type', 'event')}?month=${shift(month, -1)}`} aria-label="Previous month">‹</a>
        <h2 aria-live="polite">{title}</h2>
        <a className="button" href={`${href('type', 'event')}?month=${shift(month, 1)}`} aria-label="Next month">›</a>
        <a className="button" href={`${href('type', 'event')}?month=${thisMonth()}`}>Today</a>
      </nav>
      <Show state={events}>
        {(items) => {
          const map = byDay(items);
          const cells = [...Array(lead).fill(0), ...Array.from({ length: days }, (_, i) => i + 1)] as number[];
          return (
            <>
              <table className="month">
                <caption className="visually-hidden">{title}</caption>
                <thead>
                  <tr>{['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => <th key={d} scope="col">{d}</th>)}</tr>
                </thead>
                <tbody>
                  {Array.from({ length: Math.ceil(cells.length / 7) }, (_, w) => (
                    <tr key={w}>
                      {Array.from({ length: 7 }, (_, i) => {
                        const day = cells[w * 7 + i] ?? 0;
                        const list = map.get(day) ?? [];
                        return (
                          <td key={i} className={day ? '' : 'off'}>
                            {day > 0 && <span className="day-n">{day}</span>}
                            {list.slice(0, 3).map((e) => (
                              <a key={e.id} className="ev" href={href('record', e.id)}>{e.title}</a>
                            ))}
                            {list.length > 3 && <span className="more">+{list.length - 3} more</span>}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2>Agenda</h2>
              {items.length === 0 ? <p className="muted">No events this month.</p> : <RecordList items={items} label={`Events in ${title}`} />}
            </>
          );
        }}
      </Show>
    </>
  );
}
