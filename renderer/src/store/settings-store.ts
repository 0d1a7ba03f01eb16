// UI-only settings, kept in localStorage: theme, notifications, idle minutes. The idle minutes also matter to
// main (automatic Away); the contract has no settings command yet, so they stay here (see README).
import { create } from 'zustand';

export type Theme = 'system' | 'light' | 'dark';

export interface Settings {
  theme: Theme;
  notify: boolean;
  sound: boolean;
  previews: boolean;
  idleMinutes: number;
}

const KEY = 'parley.settings';
const DEFAULTS: Settings = { theme: 'system', notify: true, sound: false, previews: true, idleMinutes: 10 };

function load(): Settings {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Settings>;
    return {
      theme: v.theme === 'light' || v.theme === 'dark' ? v.theme : 'system',
      notify: typeof v.notify === 'boolean' ? v.notify : DEFAULTS.notify,
      sound: typeof v.sound === 'boolean' ? v.sound : DEFAULTS.sound,
      previews: typeof v.previews === 'boolean' ? v.previews : DEFAULTS.previews,
      idleMinutes: Number.isInteger(v.idleMinutes) && v.idleMinutes! >= 0 && v.idleMinutes! <= 240 ? v.idleMinutes! : DEFAULTS.idleMinutes,
    };
  } catch {
    return DEFAULTS;
  }
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

interface SettingsState extends Settings {
  change(patch: Partial<Settings>): void;
}

export const useSettingsStore = create<SettingsState>((set, get) => ({
  ...load(),
  change(patch) {
    set(patch);
    const { theme, notify, sound, previews, idleMinutes } = { ...get(), ...patch };
    localStorage.setItem(KEY, JSON.stringify({ theme, notify, sound, previews, idleMinutes }));
    if (patch.theme) applyTheme(patch.theme);
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
