// How the OS lifecycle drives own presence (peers.md (c)6): a pure state machine. power-monitor.ts feeds
// it Electron powerMonitor events and idle polls and hands the resulting actions to the core's
// PresenceControl.
//
// - suspend (and shutdown): publish Offline *before* the machine sleeps, so watchers do not see us
//   Available for the rest of the subscription's lifetime;
// - resume: reconnect, resubscribe (subscriptions have likely expired), then publish the presence the
//   rules now give;
// - screen locked, or idle for the threshold: Away; when both are gone, back to what the user had chosen.
//   If the user picks a status meanwhile, that choice wins and the automatic Away is forgotten;
// - Linux sends no lock-screen event, so the idle poll (getSystemIdleState(threshold)) reporting 'locked'
//   counts as a lock there (and anywhere else it shows up);
// - automatic Away never replaces Do-not-disturb (stronger than Away), Appear-offline (it would
//   reveal that the user is there) or In a call.
import type { OwnPresence, PublishedPresence } from '../core/platform/desktop-facilities';

export type IdleState = 'active' | 'idle' | 'locked' | 'unknown';

export type PowerEvent =
  | { readonly type: 'suspend' }
  | { readonly type: 'resume' }
  | { readonly type: 'shutdown' }
  | { readonly type: 'lock-screen' }
  | { readonly type: 'unlock-screen' }
  /** Result of powerMonitor.getSystemIdleState(thresholdSeconds), polled. */
  | { readonly type: 'idle-state'; readonly state: IdleState }
  /** The user picked a status (tray, buddy list, CLI): the core has already published it. */
  | { readonly type: 'user-presence'; readonly presence: OwnPresence };

export type PowerAction =
  | { readonly type: 'setPresence'; readonly presence: PublishedPresence }
  | { readonly type: 'reconnect' }
  | { readonly type: 'resubscribe' };

type AwayCause = 'lock-event' | 'lock-poll' | 'idle';

// In a call is left alone too: a call goes on while keyboard and mouse are idle.
const AUTO_AWAY_FROM: ReadonlySet<OwnPresence> = new Set(['available', 'busy', 'be-right-back', 'out-to-lunch']);

export const DEFAULT_IDLE_MINUTES = 10;
/** How often to poll the idle state: well below any sensible idle threshold, cheap (one syscall). */
export const IDLE_POLL_MS = 15_000;

export class PresenceLifecycle {
  #chosen: OwnPresence;
  #asleep = false;
  readonly #causes = new Set<AwayCause>();

  constructor(chosen: OwnPresence = 'available') {
    this.#chosen = chosen;
  }

  /** What should be published now. */
  get effective(): PublishedPresence {
    if (this.#asleep) return 'offline';
    if (this.#causes.size > 0 && AUTO_AWAY_FROM.has(this.#chosen)) return 'away';
    return this.#chosen;
  }

  get chosen(): OwnPresence {
    return this.#chosen;
  }

  handle(event: PowerEvent): PowerAction[] {
    const before = this.effective;
    switch (event.type) {
      case 'suspend':
      case 'shutdown':
        this.#asleep = true;
        return before === 'offline' ? [] : [{ type: 'setPresence', presence: 'offline' }];
      case 'resume':
        if (!this.#asleep) return [];
        this.#asleep = false;
        return [{ type: 'reconnect' }, { type: 'resubscribe' }, { type: 'setPresence', presence: this.effective }];
      case 'lock-screen':
        this.#causes.add('lock-event');
        break;
      case 'unlock-screen':
        this.#causes.delete('lock-event');
        this.#causes.delete('lock-poll');
        break;
      case 'idle-state':
        if (event.state === 'idle') this.#causes.add('idle');
        else if (event.state === 'locked') this.#causes.add('lock-poll');
        else if (event.state === 'active') {
          this.#causes.delete('idle');
          this.#causes.delete('lock-poll');
        }
        break;
      case 'user-presence':
        this.#chosen = event.presence;
        this.#causes.clear();
        return [];
    }
    const after = this.effective;
    return after === before || this.#asleep ? [] : [{ type: 'setPresence', presence: after }];
  }
}

/** Threshold in seconds for getSystemIdleState; rejects nonsense from settings. */
export function idleThresholdSeconds(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 1) return DEFAULT_IDLE_MINUTES * 60;
  return Math.round(Math.min(minutes, 24 * 60) * 60);
}
