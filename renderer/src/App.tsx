import { useEffect, useRef, useState } from 'react';
import type { LockerStatus } from '../../shared/api/index.js';
import { bridge, call } from './api/client.js';
import { useLoad } from './ui/hooks.js';
import { go, href, useRoute } from './ui/router.js';
import { ToastHost } from './ui/Toasts.js';
import { TypeIcon } from './ui/TypeIcon.js';
import { TYPE_LABELS, typeLabel } from './ui/format.js';
import { Home } from './views/Home.js';
import { Timeline } from './views/Timeline.js';
import { SearchView } from './views/Search.js';
import { RecordPage } from './views/Record.js';
import { TypeView } from './views/TypeView.js';
import { ImportView } from './views/Import.js';
import { PodView } from './views/Pod.js';
import { ConsentView } from './views/Consent.js';
import { DuplicatesView } from './views/Duplicates.js';
import { TrashView } from './views/Trash.js';
import { DropImport } from './views/DropImport.js';
import { SettingsPage } from './views/Settings.js';
import { ErrorBoundary } from './ui/ErrorBoundary.js';

type Theme = 'light' | 'dark';

/** A screen the desktop app's menu, tray or a notification may ask for: `#/section` or `#/section/arg`, nothing else. */
export function isAppRoute(to: string): boolean {
  return to.length <= 200 && /^#\/[a-z]+(\/[A-Za-z0-9_-]+)?$/.test(to);
}

function initialTheme(): Theme {
  const saved = localStorage.getItem('locker.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function App() {
  const route = useRoute();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  // Loaded once, and again after anything that changes it (imports, edits, syncs, grants call reloadStatus).
  const [status, reloadStatus] = useLoad<LockerStatus>(() => call('status', {}), []);
  const search = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState(route.path[0] === 'search' ? (route.query.get('q') ?? '') : '');

  // Arriving at a search by address (a link, Back): the box shows what is searched.
  const routeQ = route.path[0] === 'search' ? (route.query.get('q') ?? '') : undefined;
  useEffect(() => {
    setQ(routeQ ?? '');
  }, [routeQ]);

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
    localStorage.setItem('locker.theme', theme);
  }, [theme]);

  // The desktop app's menu, tray and notifications ask for a screen; a file opened with Locker changed the records.
  // A screen is shown again (reloading its data) on `app.changed`, except one where the person may be typing or
  // watching their own work (a record's edit form, the import page): those keep their state.
  const [generation, setGeneration] = useState(0);
  const sectionNow = useRef<string | undefined>(undefined);
  sectionNow.current = route.path[0];
  useEffect(() => {
    if (!window.locker) return;
    return bridge.onEvent(({ callId, event }) => {
      if (callId !== undefined) return;
      if (event.type === 'app.navigate' && isAppRoute(event.to)) go(event.to);
      else if (event.type === 'app.changed') {
        reloadStatus();
        if (sectionNow.current !== 'record' && sectionNow.current !== 'import' && sectionNow.current !== 'settings') setGeneration((g) => g + 1);
      }
    });
  }, [reloadStatus]);

  // "/" jumps to search from anywhere but a text field.
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && t && !/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) && !t.isContentEditable) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);

  // Focus the new page's title so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (document.activeElement !== search.current) document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [route.path.join('/')]);

  const counts = status.kind === 'ok' ? status.value.counts : {};
  const [section, arg] = route.path;
  let view;
  switch (section) {
    case undefined:
    case 'home':
      view = <Home status={status} reload={reloadStatus} />;
      break;
    case 'timeline':
      view = <Timeline total={status.kind === 'ok' ? status.value.total : undefined} />;
      break;
    case 'search':
      view = <SearchView text={q} />;
      break;
    case 'record':
      view = arg ? <RecordPage key={arg} id={arg} changed={reloadStatus} /> : null;
      break;
    case 'type':
      view = arg ? <TypeView type={arg} query={route.query} /> : null;
      break;
    case 'import':
      view = <ImportView done={reloadStatus} />;
      break;
    case 'pod':
      view = <PodView changed={reloadStatus} />;
      break;
    case 'sharing':
      view = <ConsentView tab={arg ?? 'grants'} purposes={status.kind === 'ok' ? status.value.purposes : {}} />;
      break;
    case 'duplicates':
      view = <DuplicatesView changed={reloadStatus} />;
      break;
    case 'trash':
      view = <TrashView changed={reloadStatus} />;
      break;
    case 'settings':
      view = <SettingsPage changed={reloadStatus} />;
      break;
    default:
      view = <p>There is no page here. <a href={href('home')}>Go home</a>.</p>;
  }

  return (
    <ToastHost>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('page-title')?.focus())}>
        Skip to content
      </a>
      <div className="app">
        <nav className="side" aria-label="Sections">
          <a className="brand" href={href('home')}>
            <img src="./icon.svg" alt="" width="24" height="24" /> Locker
          </a>
          <ul>
            <li><a href={href('home')} aria-current={section === undefined || section === 'home' ? 'page' : undefined}>Home</a></li>
            <li><a href={href('timeline')} aria-current={section === 'timeline' ? 'page' : undefined}>Timeline</a></li>
          </ul>
          <h2 className="side-head">Your records</h2>
          <ul>
            {Object.keys(TYPE_LABELS).map((t) => (
              <li key={t}>
                <a href={href('type', t)} aria-current={section === 'type' && arg === t ? 'page' : undefined}>
                  <TypeIcon type={t} /> {typeLabel(t, true)}
                  {counts[t as keyof typeof counts] ? <span className="count">{counts[t as keyof typeof counts]}</span> : null}
                </a>
              </li>
            ))}
          </ul>
          <h2 className="side-head">Manage</h2>
          <ul>
            <li><a href={href('import')} aria-current={section === 'import' ? 'page' : undefined}>Import</a></li>
            <li><a href={href('duplicates')} aria-current={section === 'duplicates' ? 'page' : undefined}>Duplicates</a></li>
            <li><a href={href('trash')} aria-current={section === 'trash' ? 'page' : undefined}>Trash</a></li>
            <li><a href={href('pod')} aria-current={section === 'pod' ? 'page' : undefined}>Pod &amp; sync</a></li>
            <li><a href={href('sharing')} aria-current={section === 'sharing' ? 'page' : undefined}>Sharing</a></li>
            <li><a href={href('settings')} aria-current={section === 'settings' ? 'page' : undefined}>Settings</a></li>
          </ul>
        </nav>
        <div className="main-col">
          <header className="top">
            <form
              role="search"
              onSubmit={(e) => {
                e.preventDefault();
                go(`#/search?q=${encodeURIComponent(q)}`);
              }}
            >
              <label htmlFor="q" className="visually-hidden">Search everything</label>
              <input
                id="q"
                ref={search}
                type="search"
                placeholder="Search everything  ( / )"
                autoComplete="off"
                value={q}
                onChange={(e) => {
                  const text = e.target.value;
                  setQ(text);
                  // The first keystroke opens the results page; the rest only rewrite its address (no navigation per key).
                  if (section === 'search') history.replaceState(null, '', `#/search?q=${encodeURIComponent(text)}`);
                  else go(`#/search?q=${encodeURIComponent(text)}`);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') {
                    setQ('');
                    search.current?.blur();
                  }
                }}
              />
            </form>
            <button type="button" className="plain" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
              {theme === 'dark' ? '☀' : '☾'}
            </button>
          </header>
          <main id="main">
            <ErrorBoundary key={`${route.path.join('/')}#${generation}`}>{view}</ErrorBoundary>
          </main>
        </div>
      </div>
      <DropImport done={reloadStatus} />
    </ToastHost>
  );
}
