// `settings.*` and `app.activity` of shared/ipc/contract.ts. Settings are stored first and then applied
// (idle minutes → the presence service's automatic Away), so what the UI is told is what is in force.
// A corrupt settings.json goes back as `unavailable` with its sentence rather than being overwritten.
import type { AppSettings } from '../../../../shared/ipc/contract';
import type { AppSettingsStore } from '../../settings/app-settings-store';
import { SettingsFileError } from '../../settings/json-file';
import { CommandError } from '../dispatcher';
import type { CommandHandlers } from '../dispatcher';

type SettingsCommands = 'settings.get' | 'settings.set' | 'app.activity';

export interface SettingsHandlerOptions {
  readonly store: AppSettingsStore;
  /** Puts the settings into force (called after every successful set). */
  readonly apply: (settings: AppSettings) => void;
  /** The UI reports input (hosts without OS idle time); absent: the command is accepted and ignored. */
  readonly activity?: () => void;
}

async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SettingsFileError) throw new CommandError('unavailable', error.message);
    throw error;
  }
}

export function settingsHandlers(options: SettingsHandlerOptions): Pick<CommandHandlers, SettingsCommands> {
  return {
    'settings.get': async () => userErrors(() => options.store.get()),
    'settings.set': async (change) =>
      userErrors(async () => {
        const next = await options.store.set(change);
        options.apply(next);
        return next;
      }),
    'app.activity': async () => {
      options.activity?.();
      return {};
    },
  };
}
