/** A card's facts as a definition list: label, value; a falsy row is left out (an optional fact). */
import { Fragment, type ComponentChildren } from 'preact';

export type Fact = [label: string, value: ComponentChildren] | false | null | undefined | '';

export function Facts({ rows }: { rows: Fact[] }) {
  return (
    <dl class="facts">
      {rows.map(
        (r) =>
          r && (
            <Fragment key={r[0]}>
              <dt>{r[0]}</dt>
              <dd>{r[1]}</dd>
            </Fragment>
          ),
      )}
    </dl>
  );
}
