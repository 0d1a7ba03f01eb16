// The desktop app's SecretStore: each secret is encrypted by Electron's safeStorage (the OS keychain:
// DPAPI on Windows, Keychain on macOS, libsecret/kwallet on Linux), base64-encoded, and kept in one JSON
// file in the profile directory. A password or certificate passphrase is never written in plaintext.
//
// safeStorage is injected (only its shape is imported, as a type) so plain-Node tests can drive this
// module with a fake. Where safeStorage cannot protect a secret (Linux `basic_text` backend: a hard-coded
// key, i.e. obfuscation only; or no encryption at all), the store keeps secrets in memory only,
// `persistent` is false, and `unavailableReason` says why so "remember me" can be refused honestly.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SafeStorage } from 'electron';
import type { SecretStore } from '../core/platform/platform';

/** The parts of Electron's safeStorage we use (getSelectedStorageBackend exists on Linux only). */
export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: () => string;
};

export interface SafeStorageAssessment {
  readonly persistent: boolean;
  readonly reason?: string;
}

/** Backends that are real OS keyrings; anything else on Linux is not trusted with a password. */
const LINUX_KEYRING_BACKENDS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

/** Decides whether safeStorage may hold secrets across restarts. Call after `app.whenReady()`. */
export function assessSafeStorage(safeStorage: SafeStorageLike, platform: string): SafeStorageAssessment {
  if (!safeStorage.isEncryptionAvailable()) {
    return { persistent: false, reason: 'the operating system offers no encryption for stored passwords, so Parley keeps them only until it quits' };
  }
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (!LINUX_KEYRING_BACKENDS.has(backend)) {
      // basic_text encrypts with a key that is the same on every machine: as good as plaintext.
      return {
        persistent: false,
        reason: `no desktop keyring (GNOME Keyring or KWallet) was found (safeStorage backend "${backend}"), so Parley keeps passwords only until it quits`,
      };
    }
  }
  return { persistent: true };
}

interface SecretsFile {
  version: 1;
  /** key → base64 of safeStorage.encryptString(secret). */
  secrets: Record<string, string>;
}

export class SafeStorageSecretStore implements SecretStore {
  readonly persistent: boolean;
  readonly unavailableReason?: string;
  readonly #path: string;
  readonly #safeStorage: SafeStorageLike;
  /** Used instead of the file when the store is not persistent. */
  readonly #memory = new Map<string, string>();
  /** Serialises read-modify-write of the file. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(safeStorage: SafeStorageLike, profileDir: string, platform: string = process.platform) {
    this.#safeStorage = safeStorage;
    this.#path = join(profileDir, 'secrets.json');
    const assessment = assessSafeStorage(safeStorage, platform);
    this.persistent = assessment.persistent;
    if (assessment.reason !== undefined) this.unavailableReason = assessment.reason;
  }

  async get(key: string): Promise<string | undefined> {
    if (!this.persistent) return this.#memory.get(key);
    const file = await this.#read();
    const sealed = file.secrets[key];
    if (sealed === undefined) return undefined;
    return this.#safeStorage.decryptString(Buffer.from(sealed, 'base64'));
  }

  set(key: string, secret: string): Promise<void> {
    if (!this.persistent) {
      this.#memory.set(key, secret);
      return Promise.resolve();
    }
    const sealed = this.#safeStorage.encryptString(secret).toString('base64');
    return this.#update((secrets) => {
      secrets[key] = sealed;
    });
  }

  delete(key: string): Promise<void> {
    if (!this.persistent) {
      this.#memory.delete(key);
      return Promise.resolve();
    }
    return this.#update((secrets) => {
      delete secrets[key];
    });
  }

  #update(change: (secrets: Record<string, string>) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      const file = await this.#read();
      change(file.secrets);
      await this.#write(file);
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  async #read(): Promise<SecretsFile> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} };
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<SecretsFile>;
    if (parsed.version !== 1 || typeof parsed.secrets !== 'object' || parsed.secrets === null) {
      throw new SecretsFileError(`${this.#path} is not a Parley secrets file`);
    }
    const secrets: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(parsed.secrets)) if (typeof v === 'string') secrets[k] = v;
    return { version: 1, secrets };
  }

  // Write-then-rename so a crash never leaves a half-written file; owner-only permissions.
  async #write(file: SecretsFile): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true });
    const tmp = `${this.#path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(file), { mode: 0o600 });
      await rename(tmp, this.#path);
      await chmod(this.#path, 0o600);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }
}

export class SecretsFileError extends Error {
  override readonly name = 'SecretsFileError';
}
