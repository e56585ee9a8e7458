/**
 * A bar chart. Each chart is an image for assistive technology, with a text
 * alternative given by the caller (a summary in its label, or a table next
 * to it); the legend is plain HTML.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorNotice } from './feedback.tsx';

const MAX_TICK_CHARS = 12;

export interface BarSeries {
  label: string;
  data: number[];
  color: string;
}

export interface BarChartProps {
  labels: string[];
  series: BarSeries[];
  /** What the chart shows, read out instead of the canvas. */
  label: string;
  /** Bars along the x axis, categories down the side: long Chinese names stay readable at phone width. @default true */
  horizontal?: boolean;
  max?: number;
  /** px; by default horizontal charts grow with their rows. */
  height?: number;
}

export function BarChart({ labels, series, label, horizontal = true, max, height }: BarChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<unknown>(null);
  const key = JSON.stringify({ labels, series, max, horizontal });
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let gone = false;
    import('./chartjs.ts').then(
      ({ Chart }) => {
        if (gone || !canvas.current) return;
        chart = new Chart(canvas.current, {
          type: 'bar',
          data: {
            labels,
            datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, borderWidth: 0, maxBarThickness: 22 })),
          },
          options: {
            indexAxis: horizontal ? 'y' : 'x',
            responsive: true,
            maintainAspectRatio: false,
            // Figures to read, not a show: no animation (this also keeps screenshots deterministic).
            animation: false,
            scales: {
              [horizontal ? 'x' : 'y']: { beginAtZero: true, ...(max !== undefined ? { max } : {}) },
              // Long catalog names would squeeze the bars at phone width: shortened on the axis, whole in the tooltip and the caller's text.
              [horizontal ? 'y' : 'x']: {
                ticks: {
                  callback(this: { getLabelForValue(v: number): string }, value: string | number) {
                    const l = this.getLabelForValue(Number(value));
                    return l.length > MAX_TICK_CHARS ? `${l.slice(0, MAX_TICK_CHARS - 1)}…` : l;
                  },
                },
              },
            },
          },
        });
      },
      (e: unknown) => setError(e),
    );
    return () => {
      gone = true;
      chart?.destroy();
    };
    // Redrawn when the data changes (key), not on every render with equal props.
  }, [key]);
  const h = height ?? (horizontal ? Math.max(120, labels.length * (16 + 12 * series.length) + 40) : 280);
  return (
    <div>
      {error !== null && <ErrorNotice error={error} />}
      <div class="chart" style={{ height: `${h}px` }}>
        <canvas ref={canvas} role="img" aria-label={label} />
      </div>
      {series.length > 1 && (
        <ul class="legend">
          {series.map((s) => (
            <li key={s.label}>
              <span class="swatch" style={{ background: s.color }} aria-hidden="true" />
              {s.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
