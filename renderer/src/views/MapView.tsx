import { geoEquirectangular, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { useMemo, useRef, useState } from 'react';
import land50 from 'world-atlas/land-50m.json';
import type { RecordJson } from '../../../shared/model/index.js';
import { Show } from '../ui/bits.js';
import { useLoad } from '../ui/hooks.js';
import { go, href } from '../ui/router.js';
import { deep, num, text } from '../ui/format.js';
import { loadDetailed } from './details.js';

const MAX = 3000;
const W = 960;
const H = 520;

/** Land outlines shipped with the app (Natural Earth 1:50m via world-atlas): the map needs no tile server and works offline. */
const LAND = feature(land50 as unknown as Topology, (land50 as unknown as Topology<{ land: GeometryCollection }>).objects.land);

type Line = [number, number][];
interface Located {
  readonly r: RecordJson;
  readonly point?: [number, number];
  readonly lines: Line[];
}

/** WKT `LINESTRING [Z|M|ZM] (lon lat …, …)` / `MULTILINESTRING ((…), (…))` → lines of [lon, lat]. */
export function parseWkt(wkt: string): Line[] {
  const body = /^\s*(?:MULTI)?LINESTRING\s*(?:ZM|Z|M)?\s*\(([\s\S]*)\)\s*$/i.exec(wkt)?.[1];
  if (!body) return [];
  const parts = body.includes('(') ? body.split(/\)\s*,\s*\(/).map((p) => p.replace(/[()]/g, '')) : [body];
  return parts
    .map((p) =>
      p
        .split(',')
        .map((xy) => xy.trim().split(/\s+/).map(Number))
        .filter((c): c is [number, number] => c.length >= 2 && Number.isFinite(c[0]) && Number.isFinite(c[1]))
        .map(([x, y]) => [x, y] as [number, number]),
    )
    .filter((l) => l.length > 1);
}

function locate(r: RecordJson): Located {
  const lat = num(deep(r.properties, 'latitude'));
  const lon = num(deep(r.properties, 'longitude'));
  const wkt = deep(r.properties, 'asWKT');
  const lines = typeof wkt === 'string' ? parseWkt(wkt) : [];
  return { r, ...(lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && { point: [lon, lat] as [number, number] }), lines };
}

export function MapView({ type }: { type: 'place' | 'track' }) {
  const [state] = useLoad(() => loadDetailed(type, MAX), [type]);
  return (
    <Show state={state} empty={(v) => v.records.length === 0}>
      {({ records, more }) => <Located records={records} more={more} />}
    </Show>
  );
}

interface View {
  readonly k: number;
  readonly x: number;
  readonly y: number;
}
const HOME: View = { k: 1, x: 0, y: 0 };

/** Zooms by `f` keeping the point (px, py) of the picture where it is. */
function zoomAt(v: View, f: number, px: number, py: number): View {
  const k = Math.min(64, Math.max(1, v.k * f));
  const r = k / v.k;
  return k === 1 ? HOME : { k, x: px - (px - v.x) * r, y: py - (py - v.y) * r };
}

function Located({ records, more }: { records: RecordJson[]; more: boolean }) {
  const items = useMemo(() => records.map(locate), [records]);
  return <MapOf items={items} more={more} />;
}

function MapOf({ items, more }: { items: Located[]; more: boolean }) {
  const [selected, setSelected] = useState<string>();
  const placed = useMemo(() => items.filter((i) => i.point || i.lines.length), [items]);
  const [view, setView] = useState<View>(HOME);
  const drag = useRef<{ x: number; y: number; v: View } | undefined>(undefined);
  const svg = useRef<SVGSVGElement>(null);
  const toPicture = (clientX: number, clientY: number): [number, number] => {
    const box = svg.current?.getBoundingClientRect();
    return box ? [((clientX - box.left) / box.width) * W, ((clientY - box.top) / box.height) * H] : [W / 2, H / 2];
  };
  const { path, project } = useMemo(() => {
    const coords: [number, number][] = placed.flatMap((i) => [...(i.point ? [i.point] : []), ...i.lines.flat()]);
    const fit: GeoPermissibleObjects = coords.length ? { type: 'MultiPoint', coordinates: coords } : { type: 'Sphere' };
    const projection = geoEquirectangular().fitExtent([[30, 30], [W - 30, H - 30]], fit);
    // Never zoom in further than a city block, nor out beyond the world.
    if (projection.scale() > 2_000_000) projection.scale(2_000_000);
    return { path: geoPath(projection), project: (c: [number, number]) => projection(c) ?? [0, 0] };
  }, [placed]);
  // The outlines and routes are drawn once per projection, not on every frame of a drag.
  const landD = useMemo(() => path(LAND) ?? '', [path]);
  const routes = useMemo(() => placed.flatMap((i) => i.lines.map((l, k) => ({ key: `${i.r.id}-${k}`, id: i.r.id, d: path({ type: 'LineString', coordinates: l }) ?? '' }))), [placed, path]);
  const sel = placed.find((i) => i.r.id === selected);
  return (
    <>
      {more && <p className="muted">The {MAX} most recent are on the map.</p>}
      <figure className="map">
        <div className="map-tools" role="group" aria-label="Zoom">
          <button type="button" aria-label="Zoom in" onClick={() => setView((v) => zoomAt(v, 2, W / 2, H / 2))}>+</button>
          <button type="button" aria-label="Zoom out" onClick={() => setView((v) => zoomAt(v, 0.5, W / 2, H / 2))}>−</button>
          <button type="button" aria-label="Show everything" onClick={() => setView(HOME)}>⤢</button>
        </div>
        <svg
          ref={svg}
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={`Map of ${placed.length} records`}
          onWheel={(e) => {
            const [px, py] = toPicture(e.clientX, e.clientY);
            setView((v) => zoomAt(v, e.deltaY < 0 ? 1.25 : 0.8, px, py));
          }}
          onPointerDown={(e) => {
            drag.current = { x: e.clientX, y: e.clientY, v: view };
            (e.target as Element).setPointerCapture?.(e.pointerId);
          }}
          onPointerMove={(e) => {
            const d = drag.current;
            const box = svg.current?.getBoundingClientRect();
            if (!d || !box) return;
            setView({ ...d.v, x: d.v.x + ((e.clientX - d.x) / box.width) * W, y: d.v.y + ((e.clientY - d.y) / box.height) * H });
          }}
          onPointerUp={() => (drag.current = undefined)}
        >
          <rect className="sea" width={W} height={H} />
          <g transform={`translate(${view.x} ${view.y}) scale(${view.k})`}>
          <path className="land" d={landD} />
          {routes.map((t) => (
            <path key={t.key} className={`track ${t.id === selected ? 'sel' : ''}`} d={t.d} />
          ))}
          {placed.map((i) => {
            if (!i.point) return null;
            const [x, y] = project(i.point);
            return <circle key={i.r.id} className={`pin ${i.r.id === selected ? 'sel' : ''}`} cx={x} cy={y} r={(i.r.id === selected ? 7 : 5) / view.k} onClick={() => setSelected(i.r.id)} />;
          })}
          </g>
        </svg>
        <figcaption className="muted">Land outlines: Natural Earth. {items.length - placed.length > 0 ? `${items.length - placed.length} without a position are only in the list.` : ''}</figcaption>
      </figure>
      {sel && (
        <p>
          <strong>{sel.r.title}</strong> {text(deep(sel.r.properties, 'address'))} <a href={href('record', sel.r.id)}>Open</a>
        </p>
      )}
      <ul className="rows" aria-label="On the map">
        {items.map((i) => (
          <li key={i.r.id}>
            <button type="button" className={`row ${i.r.id === selected ? 'selected' : ''}`} onClick={() => setSelected(i.r.id)} onDoubleClick={() => go(href('record', i.r.id))} aria-pressed={i.r.id === selected}>
              <span className="row-title">{i.r.title || '(untitled)'}</span>
              <span className="row-type">{i.point ? `${i.point[1].toFixed(4)}, ${i.point[0].toFixed(4)}` : i.lines.length ? `${i.lines.reduce((n, l) => n + l.length, 0)} points` : 'no position'}</span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
