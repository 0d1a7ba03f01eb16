// Typing indications (protocol.md §2.6): the sender's refresh/idle rules and the receiver's timeout, independent
// of the wire form (INFO + KeyboardActivity in an LCS session, item 33; RFC 3994 isComposing in a page-mode
// MESSAGE otherwise, item 34). Typing is best-effort: a failed send is ignored (item 35) — the owner decides what
// a dead dialog means.
import type { Clock, TimerHandle } from '../clock';

export interface TypingSenderOptions {
  readonly clock: Clock;
  /** Sends one indication; errors are swallowed here. */
  readonly send: (active: boolean) => Promise<unknown> | void;
  /**
   * While active, the indication is re-sent this often (UCMA: ~3 s for KeyboardActivity; RFC 3994 §4: the refresh
   * interval announced in isComposing).
   */
  readonly refreshMs: number | (() => number);
  /** RFC 3994 §3.3: with no composing activity for this long the sender goes idle (default 15 s). */
  readonly idleAfterMs?: number;
}

/** One conversation's outgoing typing state. */
export class TypingSender {
  private active = false;
  private lastActivity = 0;
  private refreshTimer: TimerHandle | undefined;
  private idleTimer: TimerHandle | undefined;

  constructor(private readonly options: TypingSenderOptions) {}

  get isActive(): boolean {
    return this.active;
  }

  /** The user typed (true) or cleared the input / left (false). Repeated true calls only re-arm the idle timer. */
  setActive(active: boolean): void {
    const { clock } = this.options;
    if (active) {
      this.lastActivity = clock.now();
      this.armIdle();
      if (this.active) return;
      this.active = true;
      this.emit(true);
      this.armRefresh();
      return;
    }
    if (!this.active) return;
    this.stop();
    this.emit(false);
  }

  /** A message was sent: RFC 3994 §3.3 — the receiver goes idle on its own, so no idle indication is sent. */
  messageSent(): void {
    this.stop();
  }

  dispose(): void {
    this.stop();
  }

  private stop(): void {
    const { clock } = this.options;
    this.active = false;
    if (this.refreshTimer) clock.clearTimeout(this.refreshTimer);
    if (this.idleTimer) clock.clearTimeout(this.idleTimer);
    this.refreshTimer = undefined;
    this.idleTimer = undefined;
  }

  private armRefresh(): void {
    const { clock } = this.options;
    this.refreshTimer = clock.setTimeout(() => {
      if (!this.active) return;
      this.emit(true);
      this.armRefresh();
    }, typeof this.options.refreshMs === 'function' ? this.options.refreshMs() : this.options.refreshMs);
  }

  private armIdle(): void {
    const { clock } = this.options;
    if (this.idleTimer) clock.clearTimeout(this.idleTimer);
    const idleAfter = this.options.idleAfterMs ?? 15_000;
    this.idleTimer = clock.setTimeout(() => {
      if (!this.active) return;
      this.stop();
      this.emit(false);
    }, idleAfter);
  }

  private emit(active: boolean): void {
    try {
      const r = this.options.send(active);
      if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch(() => undefined);
    } catch {
      // best-effort (protocol.md item 35)
    }
  }
}

export interface TypingReceiverOptions {
  readonly clock: Clock;
  readonly onChange: (active: boolean) => void;
  /** Added to the refresh interval before an active indication expires (network and refresh jitter). */
  readonly marginMs?: number;
}

/** One conversation's incoming typing state (RFC 3994 §4 receiver: active until idle, a message, or timeout). */
export class TypingReceiver {
  private active = false;
  private timer: TimerHandle | undefined;

  constructor(private readonly options: TypingReceiverOptions) {}

  get isActive(): boolean {
    return this.active;
  }

  /** An indication arrived. `refreshMs` is how long it is valid (isComposing <refresh>, or the LCS default). */
  indicate(active: boolean, refreshMs: number): void {
    const { clock } = this.options;
    if (this.timer) clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (active) {
      this.timer = clock.setTimeout(() => {
        this.timer = undefined;
        this.set(false);
      }, refreshMs + (this.options.marginMs ?? 5_000));
    }
    this.set(active);
  }

  /** A message arrived from the peer: the indicator clears (protocol.md item 33; RFC 3994 §4). */
  messageReceived(): void {
    this.indicate(false, 0);
  }

  dispose(): void {
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private set(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    this.options.onChange(active);
  }
}

/** LCS KeyboardActivity carries no refresh: sipe/UCMA re-send about every 3–5 s, so 10 s of silence ends it. */
export const KEYBOARD_ACTIVITY_VALID_MS = 10_000;
/** How often we re-send KeyboardActivity "type" while typing (protocol.md item 33, UCMA ~3 s). */
export const KEYBOARD_ACTIVITY_REFRESH_MS = 4_000;
/** The refresh we announce in isComposing (RFC 3994 §3.2; the default without one is 120 s). */
export const ISCOMPOSING_REFRESH_S = 60;
