// Loads the health report on mount and on demand, keeping the last result visible while a refresh runs.
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchHealth, type HealthOutcome } from '../api/health';

export interface HealthState {
  /** Null until the first request settles. */
  readonly outcome: HealthOutcome | null;
  readonly checkedAt: Date | null;
  readonly pending: boolean;
  readonly refresh: () => void;
}

export function useHealth(): HealthState {
  const [outcome, setOutcome] = useState<HealthOutcome | null>(null);
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const [pending, setPending] = useState(true);
  const inFlight = useRef<AbortController | null>(null);

  const load = useCallback(async () => {
    // Only the newest request may update the page; an older, slower one must not overwrite it.
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setPending(true);
    try {
      const next = await fetchHealth(controller.signal);
      if (controller.signal.aborted) return;
      setOutcome(next);
      setCheckedAt(new Date());
      setPending(false);
    } catch (error) {
      if (controller.signal.aborted) return;
      throw error;
    }
  }, []);

  useEffect(() => {
    void load();
    return () => inFlight.current?.abort();
  }, [load]);

  const refresh = useCallback(() => void load(), [load]);

  return { outcome, checkedAt, pending, refresh };
}
