// App-level state: what main told us about itself. Filled once at start through the bridge.
import { create } from 'zustand';
import type { AppInfo } from '../../../shared/ipc/contract';
import { bridge } from '../bridge/bridge';

interface AppState {
  info?: AppInfo;
  error?: string;
  load(): Promise<void>;
}

export const useAppStore = create<AppState>((set) => ({
  async load() {
    const result = await bridge.invoke('app.info', {});
    if (result.ok) set({ info: result.value, error: undefined });
    else set({ error: result.error.message });
  },
}));
