// Coalesces presence changes: at most one event per `intervalMs` (default 50 ms, shared/ipc/contract.ts
// `presence.changed`), carrying every contact changed since the last one. An isolated change goes out at once
// (freshness); a burst (sign-in, 500 NOTIFYs) becomes a few events instead of hundreds of renders.
import type { Clock, TimerHandle } from '../../sip/clock';

export class ChangeCoalescer<T> {
  private readonly pending = new Map<string, T>();
  private timer: TimerHandle | undefined;
  private lastEmit = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (items: T[]) => void,
    private readonly intervalMs = 50,
  ) {}

  /** Records the latest value for `key`; schedules an emission. */
  add(key: string, value: T): void {
    this.pending.set(key, value);
    if (this.timer) return;
    const wait = Math.max(0, this.lastEmit + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  /** Emits now whatever is pending. */
  flush(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const items = [...this.pending.values()];
    this.pending.clear();
    this.lastEmit = this.clock.now();
    this.emit(items);
  }

  dispose(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
