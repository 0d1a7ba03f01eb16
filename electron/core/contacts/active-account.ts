// Which account the contact list (and anything else "per signed-in account") is about, derived from the
// `account.state` events the account service already emits, so the account service needs no new API.
// The most recent account to reach `registered` is the active one; when it signs out or fails it is no
// longer active but stays the last-used one.
import type { AccountState } from '../../../shared/ipc/contract';
import type { EventBus } from '../event-bus';

export type ActiveAccountListener = (accountId: string | undefined) => void;

export class ActiveAccount {
  #active: string | undefined;
  #lastUsed: string | undefined;
  readonly #listeners = new Set<ActiveAccountListener>();
  readonly #unsubscribe: () => void;

  constructor(events: EventBus) {
    this.#unsubscribe = events.subscribe((name, payload) => {
      if (name === 'account.state') this.#onState(payload as AccountState);
    });
  }

  /** The signed-in account, or undefined when none is. */
  current(): string | undefined {
    return this.#active;
  }

  /** The last account that was signed in during this run (even if it is signed out now). */
  lastUsed(): string | undefined {
    return this.#lastUsed;
  }

  /** Called with the new active account (or undefined) whenever it changes; returns the unsubscribe function. */
  onChange(listener: ActiveAccountListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  dispose(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #onState(state: AccountState): void {
    let next = this.#active;
    if (state.state === 'registered') {
      next = state.accountId;
      this.#lastUsed = state.accountId;
    } else if ((state.state === 'signed-out' || state.state === 'failed') && state.accountId === this.#active) {
      // 'reconnecting' keeps the account active: the session is still ours, only the connection is down.
      next = undefined;
    }
    if (next === this.#active) return;
    this.#active = next;
    for (const listener of [...this.#listeners]) listener(next);
  }
}
