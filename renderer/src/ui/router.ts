import { useEffect, useState } from 'react';

/** A hash route: `#/type/event?month=2026-11` → { path: ['type','event'], query }. Works the same from http:// and file://. */
export interface Route {
  readonly path: readonly string[];
  readonly query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const [p = '', q = ''] = h.split('?');
  return { path: p.split('/').filter(Boolean).map(decodePart), query: new URLSearchParams(q) };
}

/** A part of the address, %-decoded; a broken escape is kept as typed (never an exception that blanks the app). */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return parseRoute(hash);
}

export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function go(to: string): void {
  location.hash = to.replace(/^#/, '');
}
