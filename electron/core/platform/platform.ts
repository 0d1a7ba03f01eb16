// The few facilities the core needs from whoever hosts it (architecture.md decision 2). Electron main
// supplies safeStorage/Notification/powerMonitor-backed ones; the headless host, the CLI and tests supply
// plain-Node ones. The core never imports `electron`.
import type { Carrier } from '../../../shared/model/app';

/** Secrets (passwords, certificate passphrases) live only here, never in a settings file. */
export interface SecretStore {
  /** Whether secrets survive a restart encrypted by the OS (false: "remember me" must be refused). */
  readonly persistent: boolean;
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
}

/** A secret store that keeps nothing beyond the process: the headless host's and the tests' choice. */
export class MemorySecretStore implements SecretStore {
  readonly persistent = false;
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
