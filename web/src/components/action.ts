/** What a form or a button sends: one hook instead of busy and error flags in every component. */
import { useState } from 'preact/hooks';

export interface Action {
  /** True while the request runs: the control is disabled, so a second click sends nothing. */
  busy: boolean;
  /** The last attempt's error, for the form's notice and its fields; cleared by the next attempt. */
  error: unknown;
  /** Runs `act`, busy meanwhile, keeping its error. */
  run(act: () => Promise<void>): Promise<void>;
  setError(error: unknown): void;
}

/**
 * `settle`: 'always' frees the control after a success too; 'onError' keeps
 * it busy after a success, for a form its success replaces or leaves (its
 * button never flashes back on under a page about to change).
 */
export function useAction(settle: 'always' | 'onError' = 'always'): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (act: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await act();
      if (settle === 'always') setBusy(false);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}
