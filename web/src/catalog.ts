/**
 * The service catalog, fetched once from GET /v1/catalog (public): names of
 * service types, projects and provider kinds in both languages come from the
 * API at run time, so the console never ships its own copy.
 */
import { signal } from '@preact/signals';
import { api } from './api/index.ts';
import type { Catalog, Named } from './api/types.ts';

export const catalog = signal<Catalog | null>(null);
let loading: Promise<Catalog> | undefined;

export function loadCatalog(): Promise<Catalog> {
  loading ??= api.get<Catalog>('/v1/catalog').then(
    (c) => (catalog.value = c),
    (e: unknown) => {
      // Let a later page try again instead of caching the failure.
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

/** A service type's names, or its id for both languages while the catalog is loading or lacks it. */
export function serviceTypeNames(id: string): Named {
  for (const p of catalog.value?.projects ?? []) {
    const s = p.serviceTypes.find((x) => x.id === id);
    if (s) return s;
  }
  return { zh: id, en: id };
}

export function providerKindNames(id: string): Named {
  return catalog.value?.providerKinds.find((k) => k.id === id) ?? { zh: id, en: id };
}
