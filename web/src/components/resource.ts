/** Loading state for a page's data: one hook instead of ad-hoc flags in every page. */
import { useCallback, useEffect, useState } from 'preact/hooks';

export type Resource<T> =
  | { state: 'loading'; reload: () => void }
  | { state: 'error'; error: unknown; reload: () => void }
  | { state: 'ready'; data: T; reload: () => void };

export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [value, setValue] = useState<{ state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ready'; data: T }>({
    state: 'loading',
  });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setValue({ state: 'ready', data }),
      (error: unknown) => current && setValue({ state: 'error', error }),
    );
    // A late answer for an older request (deps changed, page left) is dropped.
    return () => {
      current = false;
    };
    // The caller names the deps (as with useEffect); a reload bumps the generation.
  }, [...deps, generation]);
  return { ...value, reload };
}
