// What the chat service needs from its neighbours, as narrow interfaces (so unit tests pass fakes and the real
// stores plug in unchanged): the history store (../history/history-store.ts) and the block list
// (../contacts/contact-store.ts isBlocked), and a source of signed-in user agents (the account service).
import type { HistoryHit } from '../../../shared/ipc/contract';
import type { ChatMessage, ConversationSummary, DeliveryState, FailureReason } from '../../../shared/model/chat';
import type { UserAgent } from '../../sip/user-agent';

export interface ChatHistory {
  appendOutgoing(msg: ChatMessage): void;
  /** false for a duplicate (same dedupe key or id): already shown once. */
  insertIncoming(msg: ChatMessage, dedupeKey: string, options?: { displayName?: string }): boolean;
  updateState(messageId: string, state: DeliveryState, failure?: FailureReason, detail?: string): ChatMessage | undefined;
  get(messageId: string): ChatMessage | undefined;
  messages(conversationId: string, query?: { limit?: number }): ChatMessage[];
  openConversation(conversationId: string, options?: { displayName?: string }): ConversationSummary;
  conversations(): ConversationSummary[];
  markRead(conversationId: string): boolean;
  pendingOutgoing(): ChatMessage[];
  search(query: string, options?: { conversationId?: string; limit?: number }): HistoryHit[];
  /** Runs `fn` in one transaction (all or nothing): the group commit of incoming messages. */
  batch<T>(fn: () => T): T;
}

export interface BlockList {
  /** True when the user blocked this address or its domain (protocol.md §2.10 item 52). */
  isBlocked(accountId: string, uri: string): boolean;
}

export interface AccountDirectory {
  /** The user agent of a signed-in account (undefined when not connected). */
  userAgentOf(accountId: string): UserAgent | undefined;
}
