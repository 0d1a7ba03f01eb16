// Spreads work over time: at most `perSecond` starts per second, evenly spaced, in the order asked (the first
// contacts of the list — the visible rows — go first). Used for SUBSCRIBEs so that a large contact list never
// floods a federation link (protocol.md §2.7 item 44: sipe spreads them at about 25/s; §2.11 item 56: edges
// throttle discovered partners at 20 msg/s and put > 1000 distinct URIs on a watch list).
import type { Clock, TimerHandle } from '../../sip/clock';

interface Entry {
  readonly run: () => void;
  cancelled: boolean;
}

export class Pacer {
  private readonly queue: Entry[] = [];
  private head = 0;
  private timer: TimerHandle | undefined;
  private nextAt = Number.NEGATIVE_INFINITY;
  readonly intervalMs: number;

  constructor(
    private readonly clock: Clock,
    perSecond: number,
  ) {
    if (!(perSecond > 0)) throw new RangeError('perSecond must be > 0');
    this.intervalMs = 1000 / perSecond;
  }

  /** Queues `run`; returns a function that removes it from the queue if it has not run yet. */
  schedule(run: () => void): () => void {
    const entry: Entry = { run, cancelled: false };
    this.queue.push(entry);
    this.pump();
    return () => {
      entry.cancelled = true;
    };
  }

  /** Entries still waiting (cancelled ones excluded). */
  get waiting(): number {
    let n = 0;
    for (let i = this.head; i < this.queue.length; i++) if (!this.queue[i]!.cancelled) n++;
    return n;
  }

  /** Drops everything queued. */
  clear(): void {
    for (let i = this.head; i < this.queue.length; i++) this.queue[i]!.cancelled = true;
    this.queue.length = 0;
    this.head = 0;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    if (this.timer) return;
    for (;;) {
      while (this.head < this.queue.length && this.queue[this.head]!.cancelled) this.head++;
      if (this.head >= this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
        return;
      }
      const now = this.clock.now();
      if (now < this.nextAt) {
        this.timer = this.clock.setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, this.nextAt - now);
        return;
      }
      const entry = this.queue[this.head++]!;
      this.nextAt = now + this.intervalMs;
      entry.run();
    }
  }
}
