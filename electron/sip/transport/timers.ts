// The clock the transport schedules keep-alives and connect timeouts on; tests inject a fake one.

export interface TransportTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

/** Real timers, unref'd so an idle keep-alive never keeps the process alive on its own. */
export const realTimers: TransportTimers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  now: () => Date.now(),
};
