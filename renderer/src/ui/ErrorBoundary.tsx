import { Component, type ErrorInfo, type ReactNode } from 'react';

/** A screen that fails to render shows what happened and a way on, instead of a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { message?: string }> {
  override state: { message?: string } = {};

  static getDerivedStateFromError(e: unknown): { message: string } {
    return { message: e instanceof Error ? e.message : String(e) };
  }

  override componentDidCatch(e: unknown, info: ErrorInfo): void {
    console.warn('locker: a screen failed', e, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.message === undefined) return this.props.children;
    return (
      <section className="page">
        <h1 id="page-title" tabIndex={-1}>
          This screen could not be shown
        </h1>
        <p className="error" role="alert">
          {this.state.message}
        </p>
        <p>
          <a href="#/home">Go home</a>
        </p>
      </section>
    );
  }
}
