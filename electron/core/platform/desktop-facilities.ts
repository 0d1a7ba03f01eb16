// The desktop facilities the core talks to, as interfaces (architecture.md decision 2). Two directions:
// - the core *calls* Notifier and StatusIndicator (Electron main supplies Notification- and Tray-backed
//   ones, the headless host and tests supply the Node ones in node-facilities.ts);
// - the platform *calls* PresenceControl and ChatOpener, which the core implements: power/lock/idle rules
//   and sip:/im: links in electron/main turn OS events into these calls.

import type { OwnStatus } from '../../../shared/model/presence';

/** Own presence as the user picks it in the tray menu and the buddy list (shared/model/presence.ts). */
export type OwnPresence = OwnStatus;

/** What the core publishes; 'offline' is what we announce before sleeping or quitting. */
export type PublishedPresence = OwnPresence | 'offline';

export type ConnectionSummary = 'signed-out' | 'connecting' | 'connected' | 'failed';

/** An incoming instant message, as the chat service hands it to the notifier. */
export interface IncomingMessageNotice {
  readonly conversationId: string;
  /** Display name if known, else the address (`alice@alpha.test`). */
  readonly senderName: string;
  readonly senderAddress: string;
  /** The message body; `html` for text/html or Ms-Text-Format bodies, which are reduced to text. */
  readonly text: string;
  readonly format: 'plain' | 'html';
}

export interface Notifier {
  notifyIncoming(message: IncomingMessageNotice): void;
}

export interface StatusIndicator {
  setUnreadCount(count: number): void;
  setPresence(presence: PublishedPresence): void;
  /** Shown in the tray tooltip so registration failures are visible (peers.md u32). */
  setConnection(state: ConnectionSummary, detail?: string): void;
}

/** Implemented by the core; driven by the power/lock/idle rules. */
export interface PresenceControl {
  /** `automatic` marks changes made by the rules, not by the user (they are undone on unlock/resume). */
  setPresence(presence: PublishedPresence, origin: 'automatic'): void;
  /** Re-register with the home server after resume. */
  reconnect(): void;
  /** Renew every presence subscription after resume (they have likely expired while asleep). */
  resubscribe(): void;
}

/** Implemented by the core: a sip:/sips:/im: link or a second instance asks to chat with someone. */
export interface ChatOpener {
  openChatWith(address: string): void;
}
