// Keeps an account's contact list and its server-side `resource-lists` document (RFC 4826 §3, stored over XCAP,
// RFC 4825) in step. The local SQLite list is the working copy: it is edited offline and shown at once; sync()
// reads the server document, three-way merges it with the local list against the last agreed version (the base,
// kept in the profile database), applies the result locally and writes it back with If-Match. A 412 means
// somebody else wrote first: read again, merge again, write again — never overwrite blindly (RFC 4825 §7.11).
import type { ContactStore } from '../contacts/contact-store';
import { normalizeContactUri } from '../contacts/contact-uri';
import { migrate } from '../storage/database';
import type { SqliteDatabase } from '../storage/database';
import { buildResourceLists, parseResourceLists, RESOURCE_LISTS_AUID, RESOURCE_LISTS_TYPE } from '../../sip/simple/resource-lists';
import type { ResourceListsDocument } from '../../sip/simple/resource-lists';
import type { XcapClient } from './xcap-client';
import { XcapConflictError, XcapError } from './xcap-errors';
import { mergeContactLists, sameList } from './contact-list-merge';
import type { FlatList, ListEntry } from './contact-list-merge';

export const XCAP_AREA = 'xcap';

const migrations = [
  {
    version: 1,
    description: 'last resource-lists document agreed with the server, per account',
    up(db: SqliteDatabase) {
      db.exec(`CREATE TABLE xcap_contact_base (
        account_id TEXT PRIMARY KEY,
        etag TEXT,
        body TEXT NOT NULL,
        synced_at INTEGER NOT NULL
      );`);
    },
  },
];

export interface SyncResult {
  /** Entries after the sync. */
  readonly contacts: number;
  /** True when the server document was written. */
  readonly pushed: boolean;
  /** Local changes made from the server's side (added + removed + updated). */
  readonly pulled: number;
  /** 412s lost on the way (each one merged and retried). */
  readonly conflicts: number;
  readonly etag: string | undefined;
}

export interface ContactListSyncOptions {
  readonly store: ContactStore;
  readonly db: SqliteDatabase;
  readonly now?: () => number;
  /** Write attempts before giving up on a busy document (default 5). */
  readonly maxAttempts?: number;
}

/** The resource-lists document as a flat list (groups = top-level lists); addresses we cannot use are skipped. */
export function flatten(doc: ResourceListsDocument): FlatList {
  const entries: ListEntry[] = [];
  const seen = new Set<string>();
  for (const l of doc.lists) {
    for (const e of l.entries) {
      let uri: string;
      try {
        uri = normalizeContactUri(e.uri);
      } catch {
        continue; // an entry Parley cannot use (tel:, a list URI…) is left out, not fatal
      }
      if (seen.has(uri)) continue; // one contact, one group: the first list wins
      seen.add(uri);
      entries.push({ uri, group: l.name, ...(e.displayName ? { displayName: e.displayName } : {}) });
    }
  }
  return { groups: doc.lists.map((l) => l.name), entries };
}

export function toDocument(list: FlatList): ResourceListsDocument {
  return {
    lists: list.groups.map((name) => ({
      name,
      entries: list.entries.filter((e) => e.group.toLowerCase() === name.toLowerCase()).map((e) => ({ uri: e.uri, ...(e.displayName ? { displayName: e.displayName } : {}) })),
    })),
  };
}

export class ContactListSync {
  readonly #store: ContactStore;
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #maxAttempts: number;
  readonly #sql;
  /** Set while sync() applies the merge to the store, so its own changes do not schedule another push. */
  #applying = false;

  constructor(opts: ContactListSyncOptions) {
    this.#store = opts.store;
    this.#db = opts.db;
    this.#now = opts.now ?? Date.now;
    this.#maxAttempts = opts.maxAttempts ?? 5;
    migrate(opts.db, XCAP_AREA, migrations);
    this.#sql = {
      get: opts.db.prepare('SELECT etag, body FROM xcap_contact_base WHERE account_id = ?'),
      put: opts.db.prepare(`INSERT INTO xcap_contact_base (account_id, etag, body, synced_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (account_id) DO UPDATE SET etag = excluded.etag, body = excluded.body, synced_at = excluded.synced_at`),
    };
  }

  /** True while a sync is writing into the store (listeners use it to ignore those changes). */
  get applying(): boolean {
    return this.#applying;
  }

  local(accountId: string): FlatList {
    const l = this.#store.list(accountId);
    return { groups: l.groups, entries: l.contacts.map((c) => ({ uri: c.uri, group: c.group, ...(c.displayName ? { displayName: c.displayName } : {}) })) };
  }

  base(accountId: string): { etag: string | undefined; list: FlatList } | undefined {
    const row = this.#sql.get.get(accountId) as { etag: string | null; body: string } | undefined;
    if (!row) return undefined;
    return { etag: row.etag ?? undefined, list: flatten(parseResourceLists(row.body)) };
  }

  /** One full round: read, merge, apply locally, write back (retrying on 412). Network errors propagate. */
  async sync(accountId: string, client: XcapClient): Promise<SyncResult> {
    let conflicts = 0;
    let pulled = 0;
    for (let attempt = 1; ; attempt++) {
      const doc = await client.get(RESOURCE_LISTS_AUID);
      const server = doc ? flatten(parseResourceLists(doc.body)) : { groups: [], entries: [] };
      const base = this.base(accountId)?.list;
      // With no base (first sync of this profile) the server's list and ours are unioned: nothing is lost.
      const merged = mergeContactLists(base, this.local(accountId), server);
      pulled += this.#apply(accountId, merged);
      // Everything in the server's document is now integrated locally: it is the new common ancestor, so a retry
      // after a 412 merges only what changed since (and a contact removed there meanwhile is not resurrected).
      if (doc) this.#saveBase(accountId, doc.etag, doc.body);
      const body = buildResourceLists(toDocument(merged));
      if (doc && sameList(merged, server)) {
        this.#saveBase(accountId, doc.etag, body);
        return { contacts: merged.entries.length, pushed: false, pulled, conflicts, etag: doc.etag };
      }
      try {
        const etag = await client.put(RESOURCE_LISTS_AUID, body, RESOURCE_LISTS_TYPE, doc?.etag !== undefined ? { ifMatch: doc.etag } : { createOnly: true });
        this.#saveBase(accountId, etag, body);
        return { contacts: merged.entries.length, pushed: true, pulled, conflicts, etag };
      } catch (err) {
        if (!(err instanceof XcapConflictError)) throw err;
        conflicts++;
        if (attempt >= this.#maxAttempts) throw new XcapError(`the contact list kept changing on the server (${conflicts} conflicts); try again`, 412);
      }
    }
  }

  #saveBase(accountId: string, etag: string | undefined, body: string): void {
    this.#sql.put.run(accountId, etag ?? null, body, this.#now());
  }

  /** Makes the local list equal to `target`; returns how many contacts changed. */
  #apply(accountId: string, target: FlatList): number {
    const current = new Map(this.local(accountId).entries.map((e) => [e.uri, e]));
    const wanted = new Map(target.entries.map((e) => [e.uri, e]));
    let changed = 0;
    this.#applying = true;
    try {
      const existingGroups = new Set(this.#store.groups(accountId).map((g) => g.toLowerCase()));
      for (const g of target.groups) {
        if (!existingGroups.has(g.toLowerCase())) {
          this.#store.addGroup(accountId, g);
          existingGroups.add(g.toLowerCase());
        }
      }
      for (const [uri] of current) {
        if (!wanted.has(uri)) {
          this.#store.remove(accountId, uri);
          changed++;
        }
      }
      for (const [uri, e] of wanted) {
        const c = current.get(uri);
        if (!c) {
          this.#store.add(accountId, { uri, group: e.group, ...(e.displayName ? { displayName: e.displayName } : {}) });
          changed++;
        } else if (c.group.toLowerCase() !== e.group.toLowerCase() || (c.displayName ?? '') !== (e.displayName ?? '')) {
          this.#store.update(accountId, uri, { group: e.group, displayName: e.displayName ?? '' });
          changed++;
        }
      }
    } finally {
      this.#applying = false;
    }
    return changed;
  }
}
