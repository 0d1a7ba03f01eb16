// How long to wait before reconnecting after a connection to the home server or a peer edge is lost.
// Exponential backoff with jitter so that many clients of one server do not reconnect in lockstep after an outage;
// short caps early (a restart is usually quick) and longer ones later (a long outage should not be hammered).
// Connections are opened on demand and either side may drop them (protocol.md §2.1 item 8, BCP §4.2).

export interface ReconnectPolicyOptions {
  /** First delay before jitter (default 1 s). */
  readonly baseMs?: number;
  /** Cap while the outage is young (default 8 s). */
  readonly earlyCapMs?: number;
  /** How long the outage counts as young (default 2 min). */
  readonly earlyWindowMs?: number;
  /** Cap afterwards (default 60 s). */
  readonly lateCapMs?: number;
  readonly now?: () => number;
  /** Uniform in [0, 1); injectable for tests. */
  readonly random?: () => number;
}

export class ReconnectPolicy {
  private readonly baseMs: number;
  private readonly earlyCapMs: number;
  private readonly earlyWindowMs: number;
  private readonly lateCapMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private outageStartedAt: number | undefined;
  private failures = 0;

  constructor(opts: ReconnectPolicyOptions = {}) {
    this.baseMs = opts.baseMs ?? 1000;
    this.earlyCapMs = opts.earlyCapMs ?? 8000;
    this.earlyWindowMs = opts.earlyWindowMs ?? 120_000;
    this.lateCapMs = opts.lateCapMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  /** Failed attempts since the last success. */
  get attempts(): number {
    return this.failures;
  }

  /** When the current outage began, or undefined when connected. */
  get outageStart(): number | undefined {
    return this.outageStartedAt;
  }

  /**
   * Records a failure and returns the delay before the next attempt. "Equal jitter": half the exponential step is
   * fixed and half random, so the delay never collapses to zero yet attempts spread out; the cap is applied last,
   * so a delay never exceeds 8 s in the first two minutes of an outage, nor 60 s after.
   */
  nextDelay(): number {
    const now = this.now();
    if (this.outageStartedAt === undefined) this.outageStartedAt = now;
    const cap = now - this.outageStartedAt < this.earlyWindowMs ? this.earlyCapMs : this.lateCapMs;
    // 2^30 is far beyond any cap; bounding the exponent keeps the arithmetic finite on long outages.
    const step = this.baseMs * 2 ** Math.min(this.failures, 30);
    this.failures++;
    const jittered = step / 2 + this.random() * (step / 2);
    return Math.round(Math.min(cap, jittered));
  }

  /** Call once connected: the next outage starts from the base delay again. */
  reset(): void {
    this.failures = 0;
    this.outageStartedAt = undefined;
  }
}
