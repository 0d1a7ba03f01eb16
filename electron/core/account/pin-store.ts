// Certificates the user chose to trust ("trust always"), pinned per SIP domain by the SHA-256
// fingerprint of the leaf. The transport accepts a pinned certificate for that domain only, and a
// changed certificate is a loud failure rather than a silent re-pin.
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../settings/json-file';

const pinsFile = z.object({
  version: z.literal(1),
  pins: z.record(z.string(), z.object({ fingerprint256: z.string(), pinnedAt: z.string(), subject: z.string().optional() })),
});

export type Pin = z.infer<typeof pinsFile>['pins'][string];

export class PinStore {
  readonly #path: string;

  constructor(profileDir: string) {
    this.#path = join(profileDir, 'trusted-certificates.json');
  }

  async all(): Promise<Record<string, Pin>> {
    return (await readJsonFile(this.#path, pinsFile, { version: 1 as const, pins: {} })).pins;
  }

  async get(domain: string): Promise<Pin | undefined> {
    return (await this.all())[domain.toLowerCase()];
  }

  async pin(domain: string, fingerprint256: string, subject?: string): Promise<void> {
    const pins = await this.all();
    pins[domain.toLowerCase()] = { fingerprint256: fingerprint256.toUpperCase(), pinnedAt: new Date().toISOString(), subject };
    await writeJsonFile(this.#path, { version: 1, pins });
  }

  async unpin(domain: string): Promise<void> {
    const pins = await this.all();
    delete pins[domain.toLowerCase()];
    await writeJsonFile(this.#path, { version: 1, pins });
  }
}
