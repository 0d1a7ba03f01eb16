// Electron's Notification behind the core's Notifier: the decision is notification-policy.ts's, this
// file only shows it and routes a click to the conversation's window.
import { Notification } from 'electron';
import type { IncomingMessageNotice, Notifier, PublishedPresence } from '../core/platform/desktop-facilities';
import { decideNotification } from './notification-policy';
import type { NotificationDecision } from './notification-policy';

export interface NotificationHost {
  presence(): PublishedPresence;
  focusedConversationId(): string | undefined;
  breakThrough(): ReadonlySet<string>;
  openConversation(conversationId: string): void;
}

export class ElectronNotifier implements Notifier {
  // Keep shown notifications referenced: a garbage-collected Notification loses its click handler.
  readonly #live = new Set<Notification>();

  constructor(private readonly host: NotificationHost) {}

  notifyIncoming(message: IncomingMessageNotice): void {
    const decision = decideNotification(message, {
      supported: Notification.isSupported(),
      presence: this.host.presence(),
      focusedConversationId: this.host.focusedConversationId(),
      breakThrough: this.host.breakThrough(),
    });
    if (decision.show) this.show(decision);
  }

  /** Shows a decision already made (core-bridge.ts applies the user's notification settings to it). */
  show(decision: Extract<NotificationDecision, { show: true }>): void {
    const note = new Notification({ title: decision.title, body: decision.body, silent: decision.silent });
    this.#live.add(note);
    const forget = () => this.#live.delete(note);
    note.on('click', () => {
      forget();
      this.host.openConversation(decision.conversationId);
    });
    note.on('close', forget);
    note.on('failed', forget);
    note.show();
  }
}
