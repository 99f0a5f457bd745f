import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A small time chart (uPlot, canvas): x in seconds since 1970, one or more series. */
export function TimeChart({ x, series, label, bars = false }: { x: readonly number[]; series: readonly { label: string; values: readonly (number | null)[] }[]; label: string; bars?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || x.length === 0) return;
    const styles = getComputedStyle(document.documentElement);
    const ink = styles.getPropertyValue('--ink').trim() || '#222';
    const accent = styles.getPropertyValue('--accent').trim() || '#2f5d8a';
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height: 220,
        axes: [{ stroke: ink }, { stroke: ink }],
        legend: { show: series.length > 1 },
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: accent, fill: bars ? `${accent}55` : undefined, width: 2, ...(bars && { paths: uPlot.paths.bars?.({ size: [0.8, 40] }) }) }))],
      },
      [[...x], ...series.map((s) => [...s.values])] as uPlot.AlignedData,
      el,
    );
    const onResize = () => plot.setSize({ width: Math.max(320, el.clientWidth), height: 220 });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      plot.destroy();
    };
  }, [x, series, bars]);
  return <div ref={box} className="chart" role="img" aria-label={label} />;
}
