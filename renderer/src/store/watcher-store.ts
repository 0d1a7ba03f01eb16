// "X wants to see your presence" (RFC 3857/3858 watcher information): requests waiting for the user's answer.
import { create } from 'zustand';
import type { EventPayload } from '../../../shared/ipc/contract';
import { bridge } from '../bridge/bridge';
import { outcome } from './result';

interface WatcherState {
  /** Watchers whose subscription waits for our decision (pending/waiting), oldest first. */
  requests: string[];
  error?: string;
  onWatcher(w: EventPayload<'presence.watcher'>): void;
  answer(watcher: string, allow: boolean): Promise<void>;
}

export const useWatcherStore = create<WatcherState>((set, get) => ({
  requests: [],
  onWatcher(w) {
    const waiting = w.status === 'pending' || w.status === 'waiting';
    const others = get().requests.filter((r) => r !== w.watcher);
    set({ requests: waiting ? [...others, w.watcher] : others });
  },
  async answer(watcher, allow) {
    const r = outcome(await bridge.invoke('presence.answerWatcher', { watcher, allow }));
    if (r.ok) set({ requests: get().requests.filter((x) => x !== watcher), error: undefined });
    else set({ error: r.message });
  },
}));

bridge.on('presence.watcher', (w) => useWatcherStore.getState().onWatcher(w));
