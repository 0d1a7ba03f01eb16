// Addresses that answered 604 Does Not Exist Anywhere: treated as "no such user" without asking again for at
// most 30 days (protocol.md §2.7 item 42, BCP §5.1/§9.4), kept across restarts in <profile>/presence-604.json.
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../settings/json-file';

export const NO_PRESENCE_TTL_MS = 30 * 24 * 3600 * 1000;

const schema = z.record(z.string(), z.number());

export class NoPresenceCache {
  private entries = new Map<string, number>();
  private loaded: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly path: string | undefined;

  /** `profileDir` undefined: memory only. */
  constructor(
    profileDir: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.path = profileDir ? join(profileDir, 'presence-604.json') : undefined;
  }

  load(): Promise<void> {
    this.loaded ??= (async () => {
      if (!this.path) return;
      try {
        const data = await readJsonFile(this.path, schema, {});
        for (const [uri, until] of Object.entries(data)) this.entries.set(uri, until);
      } catch {
        // A damaged cache only costs a SUBSCRIBE: start empty.
      }
    })();
    return this.loaded;
  }

  /** Whether `uri` answered 604 less than 30 days ago. */
  has(uri: string): boolean {
    const until = this.entries.get(uri);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.entries.delete(uri);
    return false;
  }

  add(uri: string): Promise<void> {
    this.entries.set(uri, this.now() + NO_PRESENCE_TTL_MS);
    return this.save();
  }

  /** The user asked again (e.g. removed and re-added the contact): forget it. */
  delete(uri: string): Promise<void> {
    return this.entries.delete(uri) ? this.save() : Promise.resolve();
  }

  private save(): Promise<void> {
    const path = this.path;
    if (!path) return Promise.resolve();
    const now = this.now();
    const data = Object.fromEntries([...this.entries].filter(([, until]) => until > now));
    this.writing = this.writing.then(() => writeJsonFile(path, data)).catch(() => {});
    return this.writing;
  }
}
