// The buddy list: contacts and groups (contacts.*), and their presence (presence.*). Presence updates come in
// coalesced batches (presence.changed) and replace only the changed entries, so a burst of 1000 costs one
// render of the visible rows.
import { create } from 'zustand';
import type { Contact, ContactList } from '../../../shared/model/contacts';
import type { ContactPresence } from '../../../shared/model/presence';
import { bridge } from '../bridge/bridge';
import { outcome } from './result';

const COLLAPSED_KEY = 'parley.collapsedGroups';

function loadCollapsed(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export interface ContactsState {
  groups: string[];
  contacts: Contact[];
  presence: Record<string, ContactPresence>;
  collapsed: string[];
  loaded: boolean;
  /** Set when contacts.list answered unavailable (service not there yet, or signed out). */
  unavailable?: string;
  presenceUnavailable?: string;
  error?: string;
  load(): Promise<void>;
  add(uri: string, displayName?: string, group?: string): Promise<string | undefined>;
  update(uri: string, change: { displayName?: string; group?: string; blocked?: boolean }): Promise<string | undefined>;
  remove(uri: string): Promise<string | undefined>;
  renameGroup(from: string, to: string): Promise<string | undefined>;
  toggleGroup(group: string, collapsed?: boolean): void;
  setList(list: ContactList): void;
  applyPresence(changes: readonly ContactPresence[]): void;
  clearError(): void;
}

export const useContactsStore = create<ContactsState>((set, get) => ({
  groups: [],
  contacts: [],
  presence: {},
  collapsed: loadCollapsed(),
  loaded: false,
  async load() {
    const [list, presence] = await Promise.all([bridge.invoke('contacts.list', {}), bridge.invoke('presence.list', {})]);
    const l = outcome(list);
    const p = outcome(presence);
    if (l.ok) get().setList(l.value);
    else set({ unavailable: l.message, loaded: true });
    if (p.ok) get().applyPresence(p.value);
    else set({ presenceUnavailable: p.message });
  },
  async add(uri, displayName, group) {
    const r = outcome(await bridge.invoke('contacts.add', { uri, ...(displayName ? { displayName } : {}), ...(group ? { group } : {}) }));
    if (!r.ok) return r.message;
    const { contacts, groups } = get();
    if (!contacts.some((c) => c.uri === r.value.uri)) {
      set({ contacts: [...contacts, r.value], groups: groups.includes(r.value.group) ? groups : [...groups, r.value.group] });
    }
    return undefined;
  },
  async update(uri, change) {
    const r = outcome(await bridge.invoke('contacts.update', { uri, ...change }));
    if (!r.ok) return r.message;
    const { groups } = get();
    set({ contacts: get().contacts.map((c) => (c.uri === uri ? r.value : c)), groups: groups.includes(r.value.group) ? groups : [...groups, r.value.group] });
    return undefined;
  },
  async remove(uri) {
    const r = outcome(await bridge.invoke('contacts.remove', { uri }));
    if (!r.ok) return r.message;
    set({ contacts: get().contacts.filter((c) => c.uri !== uri) });
    return undefined;
  },
  async renameGroup(from, to) {
    const r = outcome(await bridge.invoke('contacts.renameGroup', { from, to }));
    if (!r.ok) return r.message;
    set({
      groups: get().groups.map((g) => (g === from ? to : g)),
      contacts: get().contacts.map((c) => (c.group === from ? { ...c, group: to } : c)),
    });
    return undefined;
  },
  toggleGroup(group, collapsed) {
    const now = new Set(get().collapsed);
    const want = collapsed ?? !now.has(group);
    if (want) now.add(group);
    else now.delete(group);
    const list = [...now];
    localStorage.setItem(COLLAPSED_KEY, JSON.stringify(list));
    set({ collapsed: list });
  },
  setList(list) {
    set({ groups: list.groups, contacts: list.contacts, loaded: true, unavailable: undefined });
  },
  applyPresence(changes) {
    if (changes.length === 0) return;
    const next = { ...get().presence };
    for (const p of changes) next[p.uri] = p;
    set({ presence: next, presenceUnavailable: undefined });
  },
  clearError() {
    set({ error: undefined });
  },
}));

bridge.on('contacts.changed', (list) => useContactsStore.getState().setList(list));
bridge.on('presence.changed', ({ contacts }) => useContactsStore.getState().applyPresence(contacts));
