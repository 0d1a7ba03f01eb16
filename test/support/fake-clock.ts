// A deterministic clock for protocol tests (architecture.md house rule 9): time moves only when a test calls
// advance(), and timers due at the same instant fire in the order they were scheduled.
import type { Clock, TimerHandle } from '../../electron/sip/clock';

interface Pending {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  private current = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Pending>();

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, ms), fn });
    return { id } as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete((handle as unknown as { id: number }).id);
  }

  now(): number {
    return this.current;
  }

  /** Number of timers still scheduled. */
  get pendingCount(): number {
    return this.timers.size;
  }

  /** Due times (absolute, ms) of the scheduled timers, soonest first. */
  pendingDueTimes(): number[] {
    return [...this.timers.values()].map((t) => t.due).sort((a, b) => a - b);
  }

  /**
   * Moves time forward by ms, firing every timer that falls due on the way (including timers scheduled by
   * callbacks, if they fall inside the window), each at its own instant.
   */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.timers.delete(next.id);
      this.current = next.due;
      next.fn();
    }
    this.current = target;
  }

  /** Advances to the next scheduled timer and fires it (and any others due then). Returns false if none. */
  advanceToNext(): boolean {
    const next = this.earliest();
    if (!next) return false;
    this.advance(next.due - this.current);
    return true;
  }

  private earliest(): Pending | undefined {
    let best: Pending | undefined;
    for (const t of this.timers.values()) {
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    return best;
  }
}
