// Conversations: messages per conversation (oldest first), delivery state, typing, unread counts.
// Conversation ids are contact addresses normalised like main does (`sip:bob@beta.test`).
import { create } from 'zustand';
import type { ChatStateChange } from '../../../shared/ipc/contract';
import type { ChatMessage, ConversationSummary, TypingState } from '../../../shared/model/chat';
import { bridge } from '../bridge/bridge';
import { normalizeUri } from '../lib/sip-address';
import { outcome } from './result';

export interface ConversationView {
  messages: ChatMessage[];
  loading: boolean;
  error?: string;
}

interface ChatState {
  conversations: Record<string, ConversationSummary>;
  views: Record<string, ConversationView>;
  typing: Record<string, boolean>;
  /** The conversation the person is looking at (its incoming messages are read at once). */
  focused?: string;
  unavailable?: string;
  loadList(): Promise<void>;
  open(peer: string): Promise<string>;
  send(conversationId: string, text: string): Promise<string | undefined>;
  retry(messageId: string): Promise<string | undefined>;
  setTyping(conversationId: string, active: boolean): void;
  markRead(conversationId: string): void;
  setFocused(conversationId: string | undefined): void;
  onMessage(m: ChatMessage): void;
  onState(c: ChatStateChange): void;
  onTyping(t: TypingState): void;
}

function upsert(list: ChatMessage[], m: ChatMessage): ChatMessage[] {
  const i = list.findIndex((x) => x.id === m.id);
  if (i >= 0) {
    const copy = list.slice();
    copy[i] = { ...copy[i], ...m };
    return copy;
  }
  const out = [...list, m];
  // Usually appended in order; keep it sorted when a late one arrives.
  if (list.length && list[list.length - 1]!.at > m.at) out.sort((a, b) => a.at - b.at);
  return out;
}

const typingSent = new Map<string, { active: boolean; at: number }>();

export const useChatStore = create<ChatState>((set, get) => ({
  conversations: {},
  views: {},
  typing: {},
  async loadList() {
    const r = outcome(await bridge.invoke('chat.list', {}));
    if (!r.ok) return set({ unavailable: r.message });
    set({ conversations: Object.fromEntries(r.value.map((c) => [c.id, c])), unavailable: undefined });
  },
  async open(peer) {
    const guess = normalizeUri(peer);
    set({ views: { ...get().views, [guess]: { messages: get().views[guess]?.messages ?? [], loading: true } } });
    const r = outcome(await bridge.invoke('chat.open', { peer }));
    if (!r.ok) {
      set({ views: { ...get().views, [guess]: { messages: get().views[guess]?.messages ?? [], loading: false, error: r.message } }, ...(r.unavailable ? { unavailable: r.message } : {}) });
      return guess;
    }
    const id = r.value.conversation.id;
    // Messages that arrived while opening are kept (merge by id).
    let messages = r.value.messages;
    for (const m of get().views[id]?.messages ?? []) messages = upsert(messages, m);
    set({
      conversations: { ...get().conversations, [id]: { ...r.value.conversation, unread: 0 } },
      views: { ...get().views, [id]: { messages, loading: false } },
      unavailable: undefined,
    });
    return id;
  },
  async send(conversationId, text) {
    const r = outcome(await bridge.invoke('chat.send', { to: conversationId, text }));
    if (!r.ok) return r.message;
    get().onMessage(r.value);
    return undefined;
  },
  async retry(messageId) {
    const r = outcome(await bridge.invoke('chat.retry', { messageId }));
    if (!r.ok) return r.message;
    get().onMessage(r.value);
    return undefined;
  },
  setTyping(conversationId, active) {
    // Tell main at most every 4 s while typing (it refreshes the indication itself), and once when stopping.
    const last = typingSent.get(conversationId);
    const now = Date.now();
    if (last && last.active === active && (!active || now - last.at < 4000)) return;
    typingSent.set(conversationId, { active, at: now });
    void bridge.invoke('chat.typing', { conversationId, active });
  },
  markRead(conversationId) {
    const c = get().conversations[conversationId];
    if (c && c.unread > 0) set({ conversations: { ...get().conversations, [conversationId]: { ...c, unread: 0 } } });
    void bridge.invoke('chat.markRead', { conversationId });
  },
  setFocused(conversationId) {
    set({ focused: conversationId });
    if (conversationId) get().markRead(conversationId);
  },
  onMessage(m) {
    const { views, conversations, focused } = get();
    const view = views[m.conversationId];
    const conv = conversations[m.conversationId] ?? { id: m.conversationId, peer: m.conversationId, unread: 0 };
    const isNewIncoming = m.direction === 'in' && !view?.messages.some((x) => x.id === m.id);
    const unread = isNewIncoming && focused !== m.conversationId ? conv.unread + 1 : conv.unread;
    set({
      views: { ...views, [m.conversationId]: { loading: false, ...view, messages: upsert(view?.messages ?? [], m) } },
      conversations: { ...conversations, [m.conversationId]: { ...conv, lastMessageAt: m.at, lastText: m.text, unread } },
      // A message from them ends their typing indication.
      ...(m.direction === 'in' ? { typing: { ...get().typing, [m.conversationId]: false } } : {}),
    });
    if (isNewIncoming && focused === m.conversationId) get().markRead(m.conversationId);
  },
  onState(c) {
    const view = get().views[c.conversationId];
    if (!view) return;
    const messages = view.messages.map((m) =>
      m.id === c.messageId ? { ...m, state: c.state, ...(c.failure ? { failure: c.failure } : { failure: undefined }), ...(c.detail !== undefined ? { detail: c.detail } : {}) } : m,
    );
    set({ views: { ...get().views, [c.conversationId]: { ...view, messages } } });
  },
  onTyping(t) {
    set({ typing: { ...get().typing, [t.conversationId]: t.active } });
  },
}));

bridge.on('chat.message', (m) => useChatStore.getState().onMessage(m));
bridge.on('chat.state', (c) => useChatStore.getState().onState(c));
bridge.on('chat.typing', (t) => useChatStore.getState().onTyping(t));
