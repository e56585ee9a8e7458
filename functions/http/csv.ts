/**
 * The one way a route answers CSV: a declaration names its columns and how
 * its JSON result becomes rows (RouteDecl.csv); api.ts serves it when the
 * caller's Accept asks for text/csv. UTF-8 with a byte-order mark, so
 * spreadsheet software opens Chinese text correctly; RFC 4180 quoting, CRLF.
 */
import type { CsvDecl } from './route-decl.ts';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
const BOM = '\uFEFF';

/** Accept asks for CSV (and prefers it to JSON when it names both, by order). */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.indexOf('application/json');
  return csv >= 0 && (json < 0 || csv < json);
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : String(v);
  // A text cell that starts like a formula is shown as text, not run by the spreadsheet.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  return BOM + [columns, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** The CSV body of a route's result. */
export function csvOf(decl: CsvDecl, out: unknown): string {
  return toCsv(decl.columns, (decl.rows as (o: unknown) => ReadonlyArray<ReadonlyArray<unknown>>)(out));
}
