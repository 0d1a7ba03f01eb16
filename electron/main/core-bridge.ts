// Maps the core's events to what the desktop shell shows (notifications, tray badge and status) and the
// power rules' actions back to core commands. Pure: main.ts gives it the core's events and Electron-backed
// outputs; test/unit/main/core-bridge.test.ts drives it with plain objects.
import type { AccountState, AppSettings, EventName, EventPayload, OwnPresence as OwnPresenceEvent } from '../../shared/ipc/contract';
import type { ChatMessage } from '../../shared/model/chat';
import type { ConnectionSummary, OwnPresence, PublishedPresence } from '../core/platform/desktop-facilities';
import { decideNotification } from './notification-policy';
import type { NotificationDecision } from './notification-policy';
import type { PowerAction } from './power-rules';

/** Shown instead of the text when the user turned previews off. */
export const HIDDEN_PREVIEW = 'New message';

export interface BridgeInputs {
  /** Sum of unread over every conversation (core.history.unreadTotal()). */
  unreadTotal(): number;
  /** The user's notification choices (core.settings.peek().notifications). */
  notificationSettings(): AppSettings['notifications'];
  focusedConversationId(): string | undefined;
  /** Notification.isSupported(). */
  notificationsSupported(): boolean;
  /** Display name of a contact, when the contact list has one. */
  displayName?(conversationId: string): string | undefined;
  breakThrough?(): ReadonlySet<string>;
}

export interface ShellOutputs {
  showNotification(decision: Extract<NotificationDecision, { show: true }>): void;
  setUnreadCount(count: number): void;
  setTrayPresence(presence: PublishedPresence): void;
  setConnection(state: ConnectionSummary, detail?: string): void;
  /** core.dispatch('presence.setOwn', …). */
  setOwn(status: OwnPresence): void;
  /** Re-register after resume (account service), when available. */
  reconnect(): void;
  /** core.presence.resubscribe(). */
  resubscribe(): void;
  /** Tell the power rules the user picked a status elsewhere (buddy list, CLI), so unlock does not undo it. */
  userChose(status: OwnPresence): void;
}

/** Commands after which the unread total may have changed without an event (nothing announces a read). */
const UNREAD_COMMANDS: ReadonlySet<string> = new Set(['chat.open', 'chat.markRead', 'history.delete']);

export function connectionOf(state: AccountState['state']): ConnectionSummary {
  switch (state) {
    case 'registered':
      return 'connected';
    case 'signed-out':
      return 'signed-out';
    case 'failed':
      return 'failed';
    default:
      return 'connecting';
  }
}

export class CoreBridge {
  #presence: PublishedPresence = 'available';
  #unread = -1;
  /** Statuses we asked the core for on the power rules' behalf: their presence.own echo is not a user choice. */
  readonly #automatic: OwnPresence[] = [];

  constructor(
    private readonly inputs: BridgeInputs,
    private readonly shell: ShellOutputs,
  ) {}

  /** What notifications and the tray consider our presence now. */
  get presence(): PublishedPresence {
    return this.#presence;
  }

  /** Feed every core event here (core.events.subscribe). */
  onEvent<K extends EventName>(name: K, payload: EventPayload<K>): void {
    if (name === 'chat.message') this.#onMessage(payload as ChatMessage);
    else if (name === 'presence.own') this.#onOwn(payload as OwnPresenceEvent);
    else if (name === 'account.state') {
      const state = payload as AccountState;
      this.shell.setConnection(connectionOf(state.state), state.state === 'failed' ? state.detail : undefined);
    }
  }

  /** Call after a command from a window was handled: reading a conversation lowers the badge. */
  afterCommand(name: string): void {
    if (UNREAD_COMMANDS.has(name)) this.refreshUnread();
  }

  refreshUnread(): void {
    const total = this.inputs.unreadTotal();
    if (total === this.#unread) return;
    this.#unread = total;
    this.shell.setUnreadCount(total);
  }

  /** The power rules' actions (power-rules.ts) as core commands. */
  applyPower(actions: readonly PowerAction[]): void {
    for (const action of actions) {
      if (action.type === 'reconnect') this.shell.reconnect();
      else if (action.type === 'resubscribe') this.shell.resubscribe();
      else {
        // Before sleep we must look offline to watchers; the own statuses' offline is Appear offline (protocol.md §2.9).
        const status: OwnPresence = action.presence === 'offline' ? 'appear-offline' : action.presence;
        this.#automatic.push(status);
        this.shell.setOwn(status);
      }
    }
  }

  #onOwn(own: OwnPresenceEvent): void {
    this.#presence = own.status;
    this.shell.setTrayPresence(own.status);
    const automatic = this.#automatic.indexOf(own.status);
    if (automatic >= 0) {
      this.#automatic.splice(0, automatic + 1);
      return;
    }
    // The core's own idle Away is not a choice either; anything else came from the user.
    if (!own.idle) this.shell.userChose(own.status);
  }

  #onMessage(message: ChatMessage): void {
    this.refreshUnread();
    if (message.direction !== 'in') return;
    const settings = this.inputs.notificationSettings();
    if (!settings.enabled) return;
    const address = message.conversationId.replace(/^sips?:/i, '');
    const decision = decideNotification(
      { conversationId: message.conversationId, senderName: this.inputs.displayName?.(message.conversationId) ?? address, senderAddress: address, text: message.text, format: 'plain' },
      {
        supported: this.inputs.notificationsSupported(),
        presence: this.#presence,
        focusedConversationId: this.inputs.focusedConversationId(),
        ...(this.inputs.breakThrough ? { breakThrough: this.inputs.breakThrough() } : {}),
      },
    );
    if (!decision.show) return;
    this.shell.showNotification({
      ...decision,
      body: settings.showPreview ? decision.body : HIDDEN_PREVIEW,
      silent: decision.silent || !settings.sound,
    });
  }
}
