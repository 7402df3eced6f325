// A clock for tests: time stands still until the test moves it on, and every tick due on the way runs.
import { act } from '@testing-library/react';
import type { Clock } from '../sessions/clock';

export function manualClock(start = Date.parse('2027-03-01T18:00:00Z')) {
  let now = start;
  const timers = new Set<{ ms: number; next: number; tick: () => void }>();
  const clock: Clock = {
    now: () => now,
    every: (ms, tick) => {
      const timer = { ms, next: now + ms, tick };
      timers.add(timer);
      return () => timers.delete(timer);
    },
  };
  /** Moves time on by `ms`, running each tick when it falls due. */
  const advance = (ms: number) =>
    act(() => {
      const end = now + ms;
      for (;;) {
        const due = [...timers].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.ms;
        due.tick();
      }
      now = end;
    });
  return { clock, advance };
}
