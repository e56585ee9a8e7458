/**
 * Small helpers shared by the benchmarks: percentiles, rounding and the
 * tables printed to the terminal and written as markdown for the README.
 */

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles: every reported value is one that was measured. */
export function percentiles(values: readonly number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => (s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.length ? s[s.length - 1]! : Number.NaN };
}

export function median(values: readonly number[]): number {
  return percentiles(values).p50;
}

export const round = (x: number, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

export type Cell = string | number | boolean | null | undefined;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Lines printed under the table: units, caveats, how a figure was obtained. */
  notes?: string[];
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return '–';
  if (typeof c === 'number') return Number.isFinite(c) ? String(c) : '–';
  return String(c);
}

/** Fixed-width text for the terminal. */
export function renderText(t: Table): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map(cellText))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [t.title, line(t.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map((r) => line(r.map(cellText)))];
  for (const n of t.notes ?? []) out.push(`  ${n}`);
  return out.join('\n');
}

/** GitHub markdown, for bench/results/latest.md and the README. */
export function renderMarkdown(t: Table, level = 3): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = [
    `${'#'.repeat(level)} ${t.title}`,
    '',
    `| ${t.columns.map(esc).join(' | ')} |`,
    `|${t.columns.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map((c) => esc(cellText(c))).join(' | ')} |`),
  ];
  if (t.notes?.length) out.push('', ...t.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

/** A target and whether the measurement meets it. */
export interface TargetCheck {
  part: 'solver' | 'e2e' | 'bundles' | 'imports' | 'kpis' | 'round';
  target: string;
  measured: string;
  /** null: not measured (the part did not run or did not report the figure). */
  met: boolean | null;
}

export const verdict = (met: boolean | null) => (met === null ? 'NOT MEASURED' : met ? 'MET' : 'MISSED');
