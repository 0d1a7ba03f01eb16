// Our own status and note (presence.setOwn / presence.own), including automatic Away when idle.
import { create } from 'zustand';
import type { OwnPresence } from '../../../shared/ipc/contract';
import type { OwnStatus } from '../../../shared/model/presence';
import { bridge } from '../bridge/bridge';
import { outcome } from './result';

interface OwnPresenceState {
  own: OwnPresence;
  busy: boolean;
  error?: string;
  set(status: OwnStatus, note?: string): Promise<void>;
  onOwn(p: OwnPresence): void;
}

export const useOwnPresenceStore = create<OwnPresenceState>((set, get) => ({
  own: { status: 'available', idle: false },
  busy: false,
  async set(status, note) {
    const keepNote = note ?? get().own.note;
    set({ busy: true, error: undefined });
    const r = outcome(await bridge.invoke('presence.setOwn', { status, ...(keepNote !== undefined ? { note: keepNote } : {}) }));
    if (r.ok) set({ own: r.value, busy: false });
    else set({ busy: false, error: r.message });
  },
  onOwn(p) {
    set({ own: p });
  },
}));

bridge.on('presence.own', (p) => useOwnPresenceStore.getState().onOwn(p));
