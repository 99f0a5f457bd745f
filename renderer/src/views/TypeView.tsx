import { isRecordType } from '../../../shared/model/types.js';
import { call } from '../api/client.js';
import { Page } from '../ui/bits.js';
import { useLoad } from '../ui/hooks.js';
import { typeLabel } from '../ui/format.js';
import { Contacts } from './Contacts.js';
import { CalendarView } from './Calendar.js';
import { MapView } from './MapView.js';
import { Photos } from './Photos.js';
import { Purchases } from './Purchases.js';
import { HealthView } from './Health.js';
import { VirtualList } from './Timeline.js';

/** Each kind of record in the view that fits it; the rest as a list. */
export function TypeView({ type, query }: { type: string; query: URLSearchParams }) {
  const [counts] = useLoad(() => call('records.counts', {}), [type]);
  if (!isRecordType(type)) return <Page title="Unknown kind"><p>Locker has no records of this kind.</p></Page>;
  const total = counts.kind === 'ok' ? (counts.value[type] ?? 0) : undefined;
  const title = typeLabel(type, true);
  switch (type) {
    case 'contact':
      return <Page title={title}><Contacts /></Page>;
    case 'event':
      return <Page title={title}><CalendarView month={query.get('month')} /></Page>;
    case 'place':
    case 'track':
      return <Page title={title}><MapView type={type} /></Page>;
    case 'photo':
      return <Page title={title}><Photos /></Page>;
    case 'purchase':
      return <Page title={title}><Purchases /></Page>;
    case 'health':
      return <Page title={title}><HealthView kind={query.get('kind')} /></Page>;
    default:
      return (
        <Page title={title}>
          {total === 0 ? <p className="muted">No {title.toLowerCase()} yet. Import a file to begin.</p> : <VirtualList key={type} total={total} type={type} label={title} />}
        </Page>
      );
  }
}
