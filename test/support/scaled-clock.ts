// A real clock that runs timers faster: a timer for `ms` fires after `ms / factor` real milliseconds, and
// now() advances `factor` times as fast. Integration tests use it to see a 60 s registration refresh in
// about a second against a real server, without changing what goes on the wire.
import type { Clock, TimerHandle } from '../../electron/sip/clock';

export function scaledClock(factor: number): Clock {
  const start = Date.now();
  return {
    now: () => start + (Date.now() - start) * factor,
    setTimeout: (fn: () => void, ms: number): TimerHandle => {
      const t = setTimeout(fn, Math.max(0, ms / factor));
      t.unref?.();
      return t as unknown as TimerHandle;
    },
    clearTimeout: (handle: TimerHandle) => clearTimeout(handle as unknown as ReturnType<typeof setTimeout>),
  };
}
