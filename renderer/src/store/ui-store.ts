// Which view the main window shows: a chat tab, history search, diagnostics, settings. Chats are tabs here;
// in the desktop app each chat can also be its own window (the same ChatView mounted by `?chat=<id>`).
import { create } from 'zustand';

export type View = { kind: 'welcome' } | { kind: 'chat'; id: string } | { kind: 'history' } | { kind: 'diagnostics' } | { kind: 'settings' };

interface UiState {
  view: View;
  openChats: string[];
  /** Prefills "Test federation with <domain>" when opened from a contact. */
  federationDomain?: string;
  /** Focus the message box of this conversation after it opens (the chat view clears it). */
  focusComposer?: string;
  show(view: View): void;
  openChat(id: string): void;
  closeChat(id: string): void;
  testFederation(domain: string): void;
  composerFocused(): void;
}

export const useUiStore = create<UiState>((set, get) => ({
  view: { kind: 'welcome' },
  openChats: [],
  show(view) {
    set({ view });
  },
  openChat(id) {
    const { openChats } = get();
    set({ openChats: openChats.includes(id) ? openChats : [...openChats, id], view: { kind: 'chat', id }, focusComposer: id });
  },
  closeChat(id) {
    const { openChats, view } = get();
    const i = openChats.indexOf(id);
    const rest = openChats.filter((c) => c !== id);
    const next = rest[Math.min(i, rest.length - 1)];
    set({ openChats: rest, ...(view.kind === 'chat' && view.id === id ? { view: next ? { kind: 'chat', id: next } : { kind: 'welcome' } } : {}) });
  },
  testFederation(domain) {
    set({ federationDomain: domain, view: { kind: 'diagnostics' } });
  },
  composerFocused() {
    set({ focusComposer: undefined });
  },
}));
