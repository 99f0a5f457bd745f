import { useEffect } from 'react';
import type { LockerStatus } from '../../../shared/api/index.js';
import { call } from '../api/client.js';
import { Page, Show } from '../ui/bits.js';
import { useLoad, type Loaded } from '../ui/hooks.js';
import { href } from '../ui/router.js';
import { TypeIcon } from '../ui/TypeIcon.js';
import { TYPE_LABELS, typeLabel, when } from '../ui/format.js';
import { RecordList } from './RecordRow.js';

export function Home({ status, reload }: { status: Loaded<LockerStatus>; reload: () => void }) {
  const [recent] = useLoad(() => call('records.list', { limit: 8 }), []);
  // The home view is where state is read: fresh on every visit (grants may have expired, a sync may have run).
  useEffect(() => reload(), [reload]);
  return (
    <Page title="Your locker">
      <Show state={status}>
        {(s) => (
          <>
            <p className="lead">
              {s.total === 0 ? 'Nothing here yet: import a file to begin.' : `${s.total.toLocaleString()} records, kept on this computer${s.encrypted ? ', encrypted' : ''}.`}{' '}
              {s.pod.connected ? (
                <a href={href('pod')}>
                  Synced with your pod{s.pod.lastSync ? ` ${when(s.pod.lastSync)}` : ' (never yet)'}
                  {s.pod.pending ? `, ${s.pod.pending} waiting` : ''}
                  {s.pod.conflicts ? `, ${s.pod.conflicts} to decide` : ''}.
                </a>
              ) : (
                <a href={href('pod')}>Not connected to a pod.</a>
              )}{' '}
              {s.activeGrants ? <a href={href('sharing')}>{s.activeGrants} app{s.activeGrants === 1 ? '' : 's'} may see some of it.</a> : 'Nobody else can see it.'}
            </p>
            <ul className="tiles" aria-label="Records by kind">
              {Object.keys(TYPE_LABELS).map((t) => {
                const n = s.counts[t as keyof typeof s.counts] ?? 0;
                return (
                  <li key={t}>
                    <a className={`tile ${n ? '' : 'tile-empty'}`} href={href('type', t)}>
                      <span className="tile-icon"><TypeIcon type={t} /></span>
                      <span className="tile-n">{n.toLocaleString()}</span>
                      <span className="tile-label">{typeLabel(t, true)}</span>
                    </a>
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </Show>
      <h2>Latest</h2>
      <Show state={recent} empty={(v) => v.length === 0}>
        {(items) => <RecordList items={items} label="Latest records" />}
      </Show>
      <p>
        <a href={href('timeline')}>See everything on the timeline →</a>
      </p>
    </Page>
  );
}
