// The settings the core applies (idle minutes, notification choices), persisted as settings.json in the
// profile directory. Read once at start, then kept in memory: every change is written before it is
// reported as applied, so a restart comes back with what the user last saw.
import { join } from 'node:path';
import { z } from 'zod';
import { appSettings } from '../../../shared/ipc/contract';
import type { AppSettings, AppSettingsChange } from '../../../shared/ipc/contract';
import { readJsonFile, writeJsonFile } from './json-file';

export const DEFAULT_APP_SETTINGS: AppSettings = {
  idleMinutes: 10,
  notifications: { enabled: true, sound: true, showPreview: true },
};

const settingsFile = z.object({ version: z.literal(1), settings: appSettings });

export class AppSettingsStore {
  readonly #path: string;
  #current: AppSettings | undefined;
  /** Changes in order, so two quick changes never land on disk in the wrong order or lose each other. */
  #writing: Promise<void> = Promise.resolve();

  constructor(profileDir: string) {
    this.#path = join(profileDir, 'settings.json');
  }

  /** The stored settings (defaults when there is no file yet), after any change still being written. A corrupt file is an error, not silently replaced. */
  async get(): Promise<AppSettings> {
    await this.#writing;
    return this.#read();
  }

  /** The last known settings without touching the disk (defaults before the first get()). */
  peek(): AppSettings {
    return this.#current ?? DEFAULT_APP_SETTINGS;
  }

  /** Changes are queued: each one starts from the previous one's result, so quick successive changes all land. */
  async set(change: AppSettingsChange): Promise<AppSettings> {
    const run = this.#writing.then(async () => {
      const before = await this.#read();
      const next: AppSettings = {
        idleMinutes: change.idleMinutes ?? before.idleMinutes,
        notifications: { ...before.notifications, ...definedOnly(change.notifications ?? {}) },
      };
      await writeJsonFile(this.#path, { version: 1, settings: next });
      this.#current = next;
      return next;
    });
    this.#writing = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  async #read(): Promise<AppSettings> {
    this.#current ??= (await readJsonFile(this.#path, settingsFile, { version: 1 as const, settings: DEFAULT_APP_SETTINGS })).settings;
    return this.#current;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
