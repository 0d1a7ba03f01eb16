// Accounts as configured by the user, persisted in the profile directory. Passwords are not here: they
// go to the injected SecretStore (the OS keychain in the desktop app).
import { join } from 'node:path';
import { z } from 'zod';
import { accountSummary } from '../../../shared/ipc/contract';
import type { AccountSummary } from '../../../shared/ipc/contract';
import { readJsonFile, writeJsonFile } from './json-file';

const accountsFile = z.object({
  version: z.literal(1),
  accounts: z.array(accountSummary),
});

export class AccountStore {
  readonly #path: string;

  constructor(profileDir: string) {
    this.#path = join(profileDir, 'accounts.json');
  }

  async list(): Promise<AccountSummary[]> {
    const file = await readJsonFile(this.#path, accountsFile, { version: 1 as const, accounts: [] });
    return file.accounts;
  }

  async save(accounts: AccountSummary[]): Promise<void> {
    await writeJsonFile(this.#path, { version: 1, accounts });
  }
}
