// Settings as the Settings screen shows them. The theme is UI-only and stays in localStorage; idle minutes and
// the notification choices are the core's (settings.get / settings.set), because main applies them (automatic
// Away, desktop notifications) and keeps them in the profile directory.
import { create } from 'zustand';
import type { AppSettings } from '../../../shared/ipc/contract';
import { bridge } from '../bridge/bridge';
import { outcome } from './result';

export type Theme = 'system' | 'light' | 'dark';

export interface Settings {
  theme: Theme;
  notify: boolean;
  sound: boolean;
  previews: boolean;
  idleMinutes: number;
}

const KEY = 'parley.settings';
const DEFAULTS: Settings = { theme: 'system', notify: true, sound: true, previews: true, idleMinutes: 10 };

function loadTheme(): Theme {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as { theme?: unknown };
    return v.theme === 'light' || v.theme === 'dark' ? v.theme : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

function fromCore(v: AppSettings): Pick<Settings, 'notify' | 'sound' | 'previews' | 'idleMinutes'> {
  return { notify: v.notifications.enabled, sound: v.notifications.sound, previews: v.notifications.showPreview, idleMinutes: v.idleMinutes };
}

interface SettingsState extends Settings {
  /** Plain words when the core could not read or store the settings. */
  error?: string;
  /** Reads the core's settings (the Settings screen calls it when shown). */
  load(): Promise<void>;
  change(patch: Partial<Settings>): void;
}

export const useSettingsStore = create<SettingsState>((set) => ({
  ...DEFAULTS,
  theme: loadTheme(),
  async load() {
    const r = await bridge.invoke('settings.get', {}).then(outcome, (error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) }));
    if (r.ok) set({ ...fromCore(r.value), error: undefined });
    else set({ error: r.message });
  },
  change(patch) {
    set(patch);
    if (patch.theme) {
      localStorage.setItem(KEY, JSON.stringify({ theme: patch.theme }));
      applyTheme(patch.theme);
    }
    const notifications = {
      ...(patch.notify !== undefined ? { enabled: patch.notify } : {}),
      ...(patch.sound !== undefined ? { sound: patch.sound } : {}),
      ...(patch.previews !== undefined ? { showPreview: patch.previews } : {}),
    };
    const hasNotifications = Object.keys(notifications).length > 0;
    if (patch.idleMinutes === undefined && !hasNotifications) return;
    // Shown at once; the core's answer (what is now in force) replaces it, or the error says why it was not stored.
    void bridge
      .invoke('settings.set', { ...(patch.idleMinutes !== undefined ? { idleMinutes: patch.idleMinutes } : {}), ...(hasNotifications ? { notifications } : {}) })
      .then((result) => {
        const r = outcome(result);
        if (r.ok) set({ ...fromCore(r.value), error: undefined });
        else set({ error: r.message });
      })
      .catch((error: unknown) => set({ error: error instanceof Error ? error.message : String(error) }));
  },
}));

applyTheme(useSettingsStore.getState().theme);

const REMEMBER_KEY = 'parley.lastSignIn';
/** "Remember me": the address and connection settings (never the password: that is main's keychain). */
export function rememberedSignIn(): { address: string; server?: string; transport?: 'tls' | 'tcp' } | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(REMEMBER_KEY) ?? 'null') as { address?: unknown; server?: unknown; transport?: unknown } | null;
    if (!v || typeof v.address !== 'string') return undefined;
    return { address: v.address, ...(typeof v.server === 'string' ? { server: v.server } : {}), ...(v.transport === 'tcp' || v.transport === 'tls' ? { transport: v.transport } : {}) };
  } catch {
    return undefined;
  }
}
export function rememberSignIn(v: { address: string; server?: string; transport?: 'tls' | 'tcp' } | undefined): void {
  if (v) localStorage.setItem(REMEMBER_KEY, JSON.stringify(v));
  else localStorage.removeItem(REMEMBER_KEY);
}
