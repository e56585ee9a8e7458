/**
 * A table of figures with a caption: the text alternative next to each
 * chart, and any list of rows an operator reads (import errors, ledgers).
 * Scrolls inside its own box, so a wide table never widens a phone's page.
 * `prose`: the last column is wording (the rows an import refused), which
 * wraps beside a narrow first column instead of scrolling out of sight.
 */
import type { ComponentChildren } from 'preact';

export interface DataRow {
  key: string;
  /** The row header (first column). */
  head: ComponentChildren;
  cells: ComponentChildren[];
}

export function DataTable({ caption, columns, rows, prose = false }: { caption: string; columns: string[]; rows: DataRow[]; prose?: boolean }) {
  return (
    <div class={prose ? 'table-wrap prose' : 'table-wrap'} tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.head}</th>
              {r.cells.map((c, i) => (
                <td key={i}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
