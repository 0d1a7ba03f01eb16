// The few facilities the core needs from whoever hosts it (architecture.md decision 2). Electron main
// supplies safeStorage/Notification/powerMonitor-backed ones; the headless host, the CLI and tests supply
// plain-Node ones. The core never imports `electron`.
import type { Carrier } from '../../../shared/model/app';
import type { Notifier, StatusIndicator } from './desktop-facilities';

/** Secrets (passwords, certificate passphrases) live only here, never in a settings file. */
export interface SecretStore {
  /** Whether secrets survive a restart encrypted by the OS (false: "remember me" must be refused). */
  readonly persistent: boolean;
  /**
   * When `persistent` is false: one plain sentence saying why, for the account service to show when it
   * refuses "remember me" (e.g. "no OS keyring was found (Linux basic_text backend)").
   */
  readonly unavailableReason?: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, secret: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface PlatformInfo {
  readonly appName: string;
  readonly version: string;
  /** process.platform of the machine running main. */
  readonly platform: string;
  readonly carrier: Carrier;
  /** Where settings, history and pins are kept. */
  readonly profileDir: string;
}

export interface Platform extends PlatformInfo {
  readonly secrets: SecretStore;
  /** Desktop notifications for incoming messages; absent where there is no desktop (CLI). */
  readonly notifier?: Notifier;
  /** Tray/dock: unread count, own presence, connection state; absent where there is none. */
  readonly status?: StatusIndicator;
}

/**
 * Why "remember me" must be refused with this store, or undefined when it may be offered. The account
 * service calls this instead of guessing from `persistent` alone, so every store explains itself.
 */
export function rememberRefusal(store: SecretStore): string | undefined {
  if (store.persistent) return undefined;
  return store.unavailableReason ?? 'this Parley cannot store passwords encrypted by the operating system';
}

/** A secret store that keeps nothing beyond the process: the headless host's and the tests' choice. */
export class MemorySecretStore implements SecretStore {
  readonly persistent = false;
  readonly unavailableReason = 'passwords are kept in memory only here (no operating-system keyring is available to this process)';
  readonly #secrets = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.#secrets.get(key);
  }
  async set(key: string, secret: string): Promise<void> {
    this.#secrets.set(key, secret);
  }
  async delete(key: string): Promise<void> {
    this.#secrets.delete(key);
  }
}
