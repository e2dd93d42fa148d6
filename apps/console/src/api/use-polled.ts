import { MeridianApiError } from '@meridian/client/browser';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

import { useSession } from './session.js';

export interface Polled<T> {
  data: T | undefined;
  error: unknown;
  /** Reads again now (after an action), without waiting for the next poll. */
  refresh: () => void;
}

/**
 * Reads `load` now and again every `intervalMs` while the tab is visible, so statuses stay live;
 * `intervalMs` null reads once. A change of `deps` reads again at once. A 401 (the key was revoked)
 * signs out. The last good answer stays on screen while a later read fails.
 */
export function usePolled<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  intervalMs: number | null = 3000,
): Polled<T> {
  const { signOut } = useSession();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    setData(undefined);
    setError(undefined);
  }, deps);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async (): Promise<void> => {
      if (document.visibilityState === 'visible') {
        try {
          const answer = await loadRef.current(controller.signal);
          if (!controller.signal.aborted) {
            setData(answer);
            setError(undefined);
          }
        } catch (failure) {
          if (controller.signal.aborted) {
            return;
          }
          if (failure instanceof MeridianApiError && failure.status === 401) {
            signOut();
            return;
          }
          setError(failure);
        }
      }
      if (intervalMs !== null && !controller.signal.aborted) {
        timer = setTimeout(() => void read(), intervalMs);
      }
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [...deps, tick, intervalMs]);

  const refresh = useCallback(() => setTick((value) => value + 1), []);
  return { data, error, refresh };
}
