// Our own presence as the user sets it, plus automatic Away after N idle minutes (presence issue item 1):
// - the user's choice (status + note) is what we publish;
// - idle for `idleMinutes` (default 10) while Available, Busy or Be right back → Away (`idle: true`);
//   Do not disturb, Appear offline and the rest are left alone (Away would weaken DND or reveal an
//   invisible user, as in electron/main/power-rules.ts);
// - activity again → the previous status and note come back, unless the user picked something meanwhile
//   (that choice wins and the automatic Away is forgotten).
import type { OwnPresence } from '../../../shared/ipc/contract';
import type { Availability, OwnStatus } from '../../../shared/model/presence';
import type { Clock, TimerHandle } from '../../sip/clock';
import type { IdleSource } from './idle-source';

export const DEFAULT_IDLE_MINUTES = 10;
const AUTO_AWAY_FROM: ReadonlySet<OwnStatus> = new Set(['available', 'busy', 'be-right-back']);

/** protocol.md §2.9: what each own status publishes (the PIDF builder turns it into basic + activities + note). */
export function publishedAvailability(status: OwnStatus): Availability {
  return status === 'appear-offline' ? 'offline' : status;
}

export interface OwnPresenceOptions {
  readonly clock: Clock;
  readonly idle?: IdleSource;
  readonly idleMinutes?: number;
  /** How often the idle source is read (default 15 s). */
  readonly pollMs?: number;
  readonly onChange: (own: OwnPresence) => void;
}

export class OwnPresenceController {
  private status: OwnStatus = 'available';
  private note: string | undefined;
  private saved: { status: OwnStatus; note: string | undefined } | undefined;
  private timer: TimerHandle | undefined;

  private idleMinutes: number;

  constructor(private readonly options: OwnPresenceOptions) {
    this.idleMinutes = options.idleMinutes ?? DEFAULT_IDLE_MINUTES;
  }

  get current(): OwnPresence {
    return { status: this.status, ...(this.note !== undefined ? { note: this.note } : {}), idle: this.saved !== undefined };
  }

  /** The user's choice: replaces any automatic Away. */
  set(status: OwnStatus, note?: string): OwnPresence {
    this.saved = undefined;
    this.status = status;
    this.note = note?.trim() ? note : undefined;
    this.options.onChange(this.current);
    return this.current;
  }

  /** The auto-away threshold from settings; 0 = never (an automatic Away in force is undone at once). */
  setIdleMinutes(minutes: number): void {
    this.idleMinutes = minutes;
    this.check();
  }

  /** Starts reading the idle source (no-op without one). */
  start(): void {
    if (!this.options.idle || this.timer) return;
    const poll = (): void => {
      this.timer = this.options.clock.setTimeout(() => {
        this.check();
        poll();
      }, this.options.pollMs ?? 15_000);
    };
    poll();
  }

  stop(): void {
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Reads the idle source once and applies the auto-away rule. */
  check(): void {
    const idle = this.options.idle;
    if (!idle) return;
    // 0 minutes means "never": an infinite threshold never starts Away and ends one in force.
    const threshold = this.idleMinutes === 0 ? Infinity : this.idleMinutes * 60;
    const seconds = idle.idleSeconds();
    if (!this.saved && seconds >= threshold && AUTO_AWAY_FROM.has(this.status)) {
      this.saved = { status: this.status, note: this.note };
      this.status = 'away';
      this.options.onChange(this.current);
      return;
    }
    if (this.saved && seconds < threshold) {
      const back = this.saved;
      this.saved = undefined;
      this.status = back.status;
      this.note = back.note;
      this.options.onChange(this.current);
    }
  }
}
