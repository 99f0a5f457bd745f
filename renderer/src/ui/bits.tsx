import type { ReactNode } from 'react';
import type { Loaded } from './hooks.js';

export function Show<T>({ state, children, empty }: { state: Loaded<T>; children: (v: T) => ReactNode; empty?: (v: T) => boolean }) {
  if (state.kind === 'loading') return <p className="muted" aria-busy="true">Loading…</p>;
  if (state.kind === 'error') return <ErrorBox message={state.message} />;
  if (empty?.(state.value)) return <p className="muted">Nothing here yet. Import a file to begin (Import, or drop a file on this window).</p>;
  return <>{children(state.value)}</>;
}

export function ErrorBox({ message }: { message: string }) {
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
