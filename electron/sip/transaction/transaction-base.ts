// What the four RFC 3261 §17 state machines share: a state with reported transitions, named timers (RFC
// letters) on the injectable clock, and sending through the transport with failures turned into a transport-error
// event (RFC 3261 §17.1.4 / §17.2.4).
import type { Clock, TimerHandle } from '../clock';
import type { SipRequest, SipResponse } from '../message/message';
import type { TransportTarget } from '../transport/transport';
import type { TimerValues } from './timers';
import type { SipLogger } from './transaction-user';

export type TransactionKind = 'invite-client' | 'non-invite-client' | 'invite-server' | 'non-invite-server';

/** What the transaction layer lends each transaction. */
export interface TransactionContext {
  readonly clock: Clock;
  readonly timers: TimerValues;
  /** T2 caps the retransmit back-off of timers E and G (§17.1.2.2, §17.2.1). */
  readonly T2: number;
  readonly logger: SipLogger;
  sendMessage(message: SipRequest | SipResponse, target: TransportTarget): Promise<string>;
  stateChanged(tx: Transaction, from: string, to: string): void;
  terminated(tx: Transaction): void;
}

export abstract class Transaction {
  abstract readonly kind: TransactionKind;
  private current: string;
  private readonly running = new Map<string, TimerHandle>();

  constructor(
    /** The matching key (§17.1.3 / §17.2.3) under which the layer files this transaction. */
    readonly key: string,
    /** The request that created the transaction. */
    readonly request: SipRequest,
    protected readonly ctx: TransactionContext,
    /** Where messages go; after the first send it names the connection used (§18.2.2 response reuse). */
    protected target: TransportTarget,
    initial: string,
  ) {
    this.current = initial;
  }

  get state(): string {
    return this.current;
  }

  get terminated(): boolean {
    return this.current === 'Terminated';
  }

  /** Names of the timers currently running (RFC letters), sorted. */
  activeTimers(): string[] {
    return [...this.running.keys()].sort();
  }

  protected transition(to: string): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.ctx.stateChanged(this, from, to);
    if (to === 'Terminated') {
      for (const handle of this.running.values()) this.ctx.clock.clearTimeout(handle);
      this.running.clear();
      this.ctx.terminated(this);
    }
  }

  /** Starts (or restarts) timer `name`. A zero duration (reliable transport, §17) fires synchronously. */
  protected startTimer(name: string, ms: number, fire: () => void): void {
    this.stopTimer(name);
    if (ms <= 0) {
      fire();
      return;
    }
    const handle = this.ctx.clock.setTimeout(() => {
      this.running.delete(name);
      if (!this.terminated) fire();
    }, ms);
    this.running.set(name, handle);
  }

  protected stopTimer(name: string): void {
    const handle = this.running.get(name);
    if (handle !== undefined) {
      this.ctx.clock.clearTimeout(handle);
      this.running.delete(name);
    }
  }

  /** Sends a message; a failure becomes onTransportError (unless the transaction has already ended). */
  protected send(message: SipRequest | SipResponse): void {
    this.ctx.sendMessage(message, this.target).then(
      (connectionId) => {
        if (!this.target.connectionId) this.target = { ...this.target, connectionId };
      },
      (err: unknown) => {
        if (this.terminated) return;
        this.ctx.logger.warn('transport error in transaction', { key: this.key, error: String(err) });
        this.onTransportError(err);
      },
    );
  }

  protected abstract onTransportError(err: unknown): void;
}
