/**
 * A bar chart, drawn as SVG by Chartist. Each chart is an image for
 * assistive technology, with a text alternative given by the caller (a
 * summary in its label, or a table next to it); the legend is plain HTML.
 */
import type { BarChart as Chartist, BarChartOptions, FixedScaleAxis, Label } from 'chartist';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatNumber } from '../i18n/index.ts';
import { ErrorNotice } from './feedback.tsx';

/** Category names beside horizontal bars take at most this share of the chart's width, and at most MAX_LABEL_PX. */
const LABEL_SHARE = 0.4;
const MAX_LABEL_PX = 200;
const MAX_BAR_PX = 22;
/** Axis labels are 0.75rem (`.ct-label` in styles.css); measured at that size to size the axes. */
const LABEL_REM = 0.75;
/** Space between an axis's labels and the plot, and under the value axis's labels. */
const GAP_PX = 10;
const VALUE_AXIS_PX = 22;

export interface BarSeries {
  label: string;
  data: number[];
  color: string;
}

export interface BarChartProps {
  labels: string[];
  series: BarSeries[];
  /** What the chart shows, read out instead of the drawing. */
  label: string;
  /** Bars along the x axis, categories down the side: long Chinese names stay readable at phone width. @default true */
  horizontal?: boolean;
  max?: number;
  /** px; by default horizontal charts grow with their rows. */
  height?: number;
}

type Measure = (text: string) => number;

/** Text width in the labels' font (the page's stack, so Chinese is measured in the CJK face it is drawn in). */
function measurer(el: HTMLElement): Measure {
  const px = LABEL_REM * parseFloat(getComputedStyle(document.documentElement).fontSize);
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return (text) => text.length * px;
  ctx.font = `${px}px ${getComputedStyle(el).fontFamily}`;
  return (text) => ctx.measureText(text).width;
}

/** The label, or as much of it as fits in px with an ellipsis; the whole name is in the caller's text. */
function fit(label: string, px: number, measure: Measure): string {
  if (measure(label) <= px) return label;
  let n = label.length - 1;
  while (n > 1 && measure(`${label.slice(0, n)}…`) > px) n--;
  return `${label.slice(0, n)}…`;
}

/**
 * Ticks of a scale with a known top (a score up to 1, a share up to 100): Chartist's own steps halve
 * (0.0625, 0.125…), these are round (0.1, 0.2, 25…), about one per 50 px.
 */
function roundTicks(max: number, px: number): number[] {
  const raw = max / Math.max(2, Math.min(10, Math.floor(px / 50)));
  const unit = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * unit).find((s) => s >= raw * (1 - 1e-9)) ?? max;
  const ticks: number[] = [];
  for (let i = 0; i * step <= max * (1 + 1e-9); i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

const tick = (v: Label) => (typeof v === 'number' ? formatNumber(v, Math.min(2, (String(v).split('.')[1] ?? '').length)) : String(v));

interface Layout {
  options: BarChartOptions;
  barPx: number;
}

/**
 * Chartist takes the room of its axes in px, not from their labels:
 * measured here for the chart's current width (and again when it changes).
 */
function layout(p: {
  labels: string[];
  seriesCount: number;
  values: number[];
  horizontal: boolean;
  max?: number;
  width: number;
  height: number;
  measure: Measure;
  fixedScale: typeof FixedScaleAxis;
}): Layout {
  const { labels, seriesCount, horizontal, max, width, height, measure } = p;
  const rows = Math.max(1, labels.length);
  // Counts get whole-number ticks; fractions (the score breakdown, up to 1) keep theirs.
  const counts = p.values.every(Number.isInteger) && (max === undefined || Number.isInteger(max));
  const top = Math.max(max ?? 0, ...p.values, 1);
  // The last value tick is drawn after the plot, left-aligned on its line: room for it (ticks may round up past the data).
  const lastTick = measure(`${tick(counts ? Math.ceil(top) : top)}0`);
  const valueAxis = (px: number) => ({
    low: 0,
    labelInterpolationFnc: tick,
    ...(max !== undefined ? { type: p.fixedScale, high: max, ticks: roundTicks(max, px) } : { onlyInteger: counts, scaleMinSpace: 40 }),
  });
  if (horizontal) {
    const names = labels.map((l) => fit(l, Math.min(MAX_LABEL_PX, Math.floor(width * LABEL_SHARE)) - GAP_PX, measure));
    const namesPx = Math.ceil(Math.max(0, ...names.map(measure))) + GAP_PX;
    const right = Math.max(12, Math.ceil(lastTick));
    const plot = height - 8 - VALUE_AXIS_PX;
    const barPx = Math.max(4, Math.min(MAX_BAR_PX, Math.floor((plot / rows) * 0.8 / seriesCount)));
    return {
      barPx,
      options: {
        horizontalBars: true,
        seriesBarDistance: barPx + 2,
        chartPadding: { top: 8, right, bottom: 0, left: 0 },
        axisX: { ...valueAxis(width - namesPx - right), offset: VALUE_AXIS_PX },
        axisY: { offset: namesPx, showGrid: false, labelInterpolationFnc: (_: Label, i: number) => names[i] ?? '' },
      },
    };
  }
  const valueAxisPx = Math.ceil(Math.max(measure(tick(top)), lastTick)) + GAP_PX;
  const column = (width - valueAxisPx - 12) / rows;
  const names = labels.map((l) => fit(l, column - 4, measure));
  const barPx = Math.max(4, Math.min(MAX_BAR_PX, Math.floor((column * 0.8) / seriesCount)));
  return {
    barPx,
    options: {
      seriesBarDistance: barPx + 2,
      chartPadding: { top: 8, right: 12, bottom: 0, left: 0 },
      axisX: { offset: VALUE_AXIS_PX, showGrid: false, labelInterpolationFnc: (_: Label, i: number) => names[i] ?? '' },
      axisY: { ...valueAxis(height - 8 - VALUE_AXIS_PX), offset: valueAxisPx },
    },
  };
}

export function BarChart({ labels, series, label, horizontal = true, max, height }: BarChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<unknown>(null);
  const key = JSON.stringify({ labels, series, max, horizontal });
  const h = height ?? (horizontal ? Math.max(120, labels.length * (16 + 12 * series.length) + 40) : 280);
  useEffect(() => {
    let chart: Chartist | undefined;
    let resized: ResizeObserver | undefined;
    let gone = false;
    import('./chartist.ts').then(
      ({ BarChart: Chart, FixedScaleAxis: fixedScale }) => {
        const el = box.current;
        if (gone || !el) return;
        // Chartist puts the first category at the bottom and the first series lowest in its group: reversed, both read top-down like the legend and the table.
        const drawn = horizontal ? [...series].reverse() : series;
        const rowLabels = horizontal ? [...labels].reverse() : labels;
        const measure = measurer(el);
        let width = el.clientWidth;
        const arrange = () =>
          layout({ labels: rowLabels, seriesCount: drawn.length, values: series.flatMap((s) => s.data), horizontal, max, width, height: h, measure, fixedScale });
        let current = arrange();
        const c = new Chart(el, { labels: rowLabels, series: drawn.map((s) => (horizontal ? [...s.data].reverse() : s.data)) }, current.options);
        c.on('draw', (d) => {
          if (d.type !== 'bar') return;
          // element.style (the CSSOM), not a style attribute: the CSP allows the one and refuses the other.
          const bar = d.element.getNode<SVGElement>().style;
          bar.stroke = drawn[d.seriesIndex]?.color ?? '';
          bar.strokeWidth = `${current.barPx}px`;
        });
        chart = c;
        // Label room is measured for a width: measured again when it changes (Chartist itself only redraws, with the old sizes).
        resized = new ResizeObserver(() => {
          if (gone || el.clientWidth === width || el.clientWidth === 0) return;
          width = el.clientWidth;
          current = arrange();
          c.update(undefined, current.options);
        });
        resized.observe(el);
      },
      (e: unknown) => setError(e),
    );
    return () => {
      gone = true;
      resized?.disconnect();
      chart?.detach();
    };
    // Redrawn when the data changes (key), not on every render with equal props.
  }, [key, h]);
  return (
    <div>
      {error !== null && <ErrorNotice error={error} />}
      <div ref={box} class="chart ct-chart" role="img" aria-label={label} style={{ height: `${h}px` }} />
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
