// An injectable clock (architecture.md house rule 9): every protocol timer (RFC 3261 §17 timers A–M,
// registration refresh) is scheduled through this seam so tests can drive time with a fake clock.

/** Opaque handle returned by Clock.setTimeout. */
export type TimerHandle = object;

export interface Clock {
  /** Runs fn once after ms milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Milliseconds since an arbitrary fixed origin (monotonic in the system clock). */
  now(): number;
}

/** The real clock: Node timers and performance.now(). Timers are unref'd so a pending refresh never keeps a CLI alive. */
export const systemClock: Clock = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  now() {
    return performance.now();
  },
};
