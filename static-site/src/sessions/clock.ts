// Time as present mode reads it: the current instant and a tick every so often. The page takes a clock rather than
// calling Date.now and setInterval itself, so a test can hold time still and move it on by exact amounts.
import { createContext, useContext, useEffect, useState } from 'react';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `tick` every `ms` milliseconds until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const id = setInterval(tick, ms);
    return () => clearInterval(id);
  },
};

export const ClockContext = createContext<Clock>(systemClock);

export function useClock(): Clock {
  return useContext(ClockContext);
}

/** The clock's time, read again every `ms` while `running`. */
export function useNow(clock: Clock, running: boolean, ms = 250): number {
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    setNow(clock.now());
    if (!running) return;
    return clock.every(ms, () => setNow(clock.now()));
  }, [clock, running, ms]);
  return now;
}

/** Minutes and seconds, `m:ss` (`h:mm:ss` past an hour), of a length in milliseconds, rounded up to the second. */
export function formatSpan(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}
