/**
 * The catalog's service types as <option>s grouped by key project, in the
 * page's language: the one list every service-type picker shows (posting a
 * need or an offering, a programme's scope, the waiting-needs filter).
 * Empty while the catalog is loading.
 */
import type { Catalog } from '../api/types.ts';
import { catalog } from '../catalog.ts';
import { pick } from '../i18n/index.ts';

export function ServiceTypeOptions({ from }: { from?: Catalog | null | undefined }) {
  const cat = from ?? catalog.value;
  return (
    <>
      {cat?.projects.map((p) => (
        <optgroup key={p.id} label={pick(p)}>
          {p.serviceTypes.map((s) => (
            <option key={s.id} value={s.id}>
              {pick(s)}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  );
}
