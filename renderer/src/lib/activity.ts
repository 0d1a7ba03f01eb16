// Tells the core the user is here (app.activity), for automatic Away where the core cannot read the OS's idle
// time (the browser UI of the headless host). Throttled: one report per interval is plenty for a threshold
// counted in minutes, and keystrokes must not turn into a flood of commands.
export const ACTIVITY_REPORT_MS = 30_000;

/** Returns the function to call on every input event; `send` runs at most once per `minIntervalMs`. */
export function createActivityReporter(send: () => void, now: () => number = Date.now, minIntervalMs = ACTIVITY_REPORT_MS): () => void {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < minIntervalMs) return;
    last = t;
    send();
  };
}

/** Listens for key and pointer input on the window (capture, so nothing a component stops is missed). */
export function reportActivity(target: Pick<Window, 'addEventListener' | 'removeEventListener'>, send: () => void): () => void {
  const report = createActivityReporter(send);
  const options = { capture: true, passive: true } as const;
  target.addEventListener('keydown', report, options);
  target.addEventListener('pointerdown', report, options);
  return () => {
    target.removeEventListener('keydown', report, options);
    target.removeEventListener('pointerdown', report, options);
  };
}
