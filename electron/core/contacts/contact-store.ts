// The local contact list (presence issue item 4): ordered groups of contacts per account, a blocked flag per
// contact, and a per-account domain block list. SQLite through electron/core/storage/database.ts
// (migration area 'contacts'); every statement is prepared once in the constructor.
//
// Interface for other services (documented here because they are built in parallel):
//   - Every method takes the account id first (AccountSummary.id, e.g. `sip:alice@alpha.test`; 'local' is
//     the list kept before any sign-in, see contacts-service.ts).
//   - Addresses are normalised by normalizeContactUri (contact-uri.ts): `sip:user@domain`, domain in lower
//     case, no parameters/port. Methods accept any spelling and return the normal form.
//   - Presence service: `list(accountId).contacts` gives the URIs to SUBSCRIBE to; `onChange(listener)`
//     (returns an unsubscribe function) reports, after each committed change, a ContactChange:
//     'added' → subscribe, 'removed' → unsubscribe, 'updated' (display name, group or blocked changed;
//     `previous` is the contact before), group and domain-block changes. Listeners run synchronously after
//     the commit; one that throws is reported through `onListenerError` and does not affect the others.
//   - Chat service: `isBlocked(accountId, fromUri)` before showing an incoming MESSAGE/INVITE: true when that
//     contact is blocked or its domain (or a parent domain) is on the block list — refuse it (protocol.md
//     §2.10 item 52). It takes a URI as it arrived (port/parameters ignored) and never throws.
//   - Errors are ContactError with a code (contact-errors.ts); a failed call changes nothing.
import type { Contact, ContactList } from '../../../shared/model/contacts';
import { migrate } from '../storage/database';
import type { SqliteDatabase } from '../storage/database';
import { ContactError } from './contact-errors';
import { CONTACTS_AREA, contactMigrations } from './contact-migrations';
import { addressOfRecord, domainAndParents, normalizeContactUri, normalizeDomain } from './contact-uri';

/** Where a contact goes when no group is given (created on first use). */
export const DEFAULT_GROUP = 'Contacts';
const MAX_NAME = 256;

export type ContactChange =
  | { readonly kind: 'added'; readonly accountId: string; readonly contact: Contact }
  | { readonly kind: 'removed'; readonly accountId: string; readonly contact: Contact }
  | { readonly kind: 'updated'; readonly accountId: string; readonly contact: Contact; readonly previous: Contact }
  | { readonly kind: 'group-added' | 'group-removed'; readonly accountId: string; readonly group: string }
  | { readonly kind: 'group-renamed'; readonly accountId: string; readonly from: string; readonly to: string }
  | { readonly kind: 'groups-reordered'; readonly accountId: string }
  | { readonly kind: 'domain-blocked' | 'domain-unblocked'; readonly accountId: string; readonly domain: string };

export type ContactListener = (change: ContactChange) => void;

export interface NewContact {
  readonly uri: string;
  readonly displayName?: string;
  /** Created (at the end of the list) if it does not exist; default DEFAULT_GROUP. */
  readonly group?: string;
  readonly blocked?: boolean;
}

export interface ContactPatch {
  /** '' clears the display name. */
  readonly displayName?: string;
  /** Moves the contact; the group is created if it does not exist (the contract has no separate "add group"). */
  readonly group?: string;
  readonly blocked?: boolean;
}

export interface ContactStoreOptions {
  readonly now?: () => number;
  readonly onListenerError?: (error: unknown) => void;
}

interface ContactRow {
  uri: string;
  display_name: string | null;
  group_name: string;
  blocked: number;
}

function toContact(row: ContactRow): Contact {
  return { uri: row.uri, ...(row.display_name !== null ? { displayName: row.display_name } : {}), group: row.group_name, blocked: row.blocked === 1 };
}

// C0/C1 controls (line breaks would break list rendering and exports) and bidi overrides/isolates, which can
// make one name display as another (Unicode TR #36 §2.1).
const FORBIDDEN_IN_NAMES = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

function checkName(value: string, what: 'group name' | 'display name', allowEmpty: boolean): string {
  const name = value.trim();
  if (name.length === 0 && !allowEmpty) throw new ContactError('invalid-name', `the ${what} is empty`);
  if (name.length > MAX_NAME) throw new ContactError('invalid-name', `the ${what} is longer than ${MAX_NAME} characters`);
  if (FORBIDDEN_IN_NAMES.test(name)) throw new ContactError('invalid-name', `the ${what} contains control or text-direction characters`);
  return name;
}

export class ContactStore {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #onListenerError: (error: unknown) => void;
  readonly #listeners = new Set<ContactListener>();
  readonly #sql;

  constructor(db: SqliteDatabase, options: ContactStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#onListenerError = options.onListenerError ?? (() => {});
    migrate(db, CONTACTS_AREA, contactMigrations);
    const p = (sql: string) => db.prepare(sql);
    this.#sql = {
      groups: p('SELECT name FROM contacts_groups WHERE account_id = ? ORDER BY position, name'),
      group: p('SELECT name, position FROM contacts_groups WHERE account_id = ? AND name = ?'),
      insertGroup: p('INSERT INTO contacts_groups (account_id, name, position) VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM contacts_groups WHERE account_id = ?))'),
      renameGroup: p('UPDATE contacts_groups SET name = ? WHERE account_id = ? AND name = ?'),
      deleteGroup: p('DELETE FROM contacts_groups WHERE account_id = ? AND name = ?'),
      setGroupPosition: p('UPDATE contacts_groups SET position = ? WHERE account_id = ? AND name = ?'),
      groupSize: p('SELECT COUNT(*) AS n FROM contacts_entries WHERE account_id = ? AND group_name = ?'),
      contacts: p(`SELECT e.uri, e.display_name, e.group_name, e.blocked FROM contacts_entries e
        JOIN contacts_groups g ON g.account_id = e.account_id AND g.name = e.group_name
        WHERE e.account_id = ? ORDER BY g.position, lower(COALESCE(e.display_name, e.uri)), e.uri`),
      contact: p('SELECT uri, display_name, group_name, blocked FROM contacts_entries WHERE account_id = ? AND uri = ?'),
      count: p('SELECT COUNT(*) AS n FROM contacts_entries WHERE account_id = ?'),
      insertContact: p('INSERT INTO contacts_entries (account_id, uri, display_name, group_name, blocked, added_at) VALUES (?, ?, ?, ?, ?, ?)'),
      updateContact: p('UPDATE contacts_entries SET display_name = ?, group_name = ?, blocked = ? WHERE account_id = ? AND uri = ?'),
      deleteContact: p('DELETE FROM contacts_entries WHERE account_id = ? AND uri = ?'),
      blockedContact: p('SELECT 1 FROM contacts_entries WHERE account_id = ? AND uri = ? AND blocked = 1'),
      domains: p('SELECT domain FROM contacts_blocked_domains WHERE account_id = ? ORDER BY domain'),
      blockedDomain: p('SELECT 1 FROM contacts_blocked_domains WHERE account_id = ? AND domain = ?'),
      insertDomain: p('INSERT INTO contacts_blocked_domains (account_id, domain) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      deleteDomain: p('DELETE FROM contacts_blocked_domains WHERE account_id = ? AND domain = ?'),
      deleteAccount: [
        p('DELETE FROM contacts_entries WHERE account_id = ?'),
        p('DELETE FROM contacts_groups WHERE account_id = ?'),
        p('DELETE FROM contacts_blocked_domains WHERE account_id = ?'),
      ],
    };
  }

  /** Subscribes to committed changes; returns the unsubscribe function. */
  onChange(listener: ContactListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  list(accountId: string): ContactList {
    return { groups: this.groups(accountId), contacts: (this.#sql.contacts.all(accountId) as ContactRow[]).map(toContact) };
  }

  groups(accountId: string): string[] {
    return (this.#sql.groups.all(accountId) as { name: string }[]).map((r) => r.name);
  }

  /** The contact with this address (any spelling), or undefined; an invalid address throws. */
  get(accountId: string, uri: string): Contact | undefined {
    const row = this.#sql.contact.get(accountId, normalizeContactUri(uri)) as ContactRow | undefined;
    return row && toContact(row);
  }

  size(accountId: string): number {
    return (this.#sql.count.get(accountId) as { n: number }).n;
  }

  add(accountId: string, contact: NewContact): Contact {
    const uri = normalizeContactUri(contact.uri);
    const displayName = contact.displayName === undefined ? '' : checkName(contact.displayName, 'display name', true);
    const groupName = checkName(contact.group ?? DEFAULT_GROUP, 'group name', false);
    const changes: ContactChange[] = [];
    const added = this.#db.transaction(() => {
      if (this.#sql.contact.get(accountId, uri)) {
        throw new ContactError('duplicate-contact', `${uri.slice(4)} is already in your contacts`);
      }
      const group = this.#ensureGroup(accountId, groupName, changes);
      this.#sql.insertContact.run(accountId, uri, displayName || null, group, contact.blocked ? 1 : 0, this.#now());
      return toContact(this.#sql.contact.get(accountId, uri) as ContactRow);
    })();
    changes.push({ kind: 'added', accountId, contact: added });
    this.#emit(changes);
    return added;
  }

  /** Removes the contact and returns it as it was; an unknown contact is an error. */
  remove(accountId: string, uri: string): Contact {
    const contact = this.#require(accountId, uri);
    this.#sql.deleteContact.run(accountId, contact.uri);
    this.#emit([{ kind: 'removed', accountId, contact }]);
    return contact;
  }

  /** Changes display name, group and/or blocked flag atomically; one 'updated' change (none if nothing changed). */
  update(accountId: string, uri: string, patch: ContactPatch): Contact {
    const displayName = patch.displayName === undefined ? undefined : checkName(patch.displayName, 'display name', true);
    const groupName = patch.group === undefined ? undefined : checkName(patch.group, 'group name', false);
    const changes: ContactChange[] = [];
    const [previous, updated] = this.#db.transaction(() => {
      const before = this.#require(accountId, uri);
      const group = groupName === undefined ? before.group : this.#ensureGroup(accountId, groupName, changes);
      const name = displayName === undefined ? (before.displayName ?? null) : displayName || null;
      const blocked = patch.blocked ?? before.blocked;
      this.#sql.updateContact.run(name, group, blocked ? 1 : 0, accountId, before.uri);
      return [before, toContact(this.#sql.contact.get(accountId, before.uri) as ContactRow)] as const;
    })();
    if (JSON.stringify(previous) !== JSON.stringify(updated)) changes.push({ kind: 'updated', accountId, contact: updated, previous });
    this.#emit(changes);
    return updated;
  }

  /** Sets (or with '' clears) the display name. */
  rename(accountId: string, uri: string, displayName: string): Contact {
    return this.update(accountId, uri, { displayName });
  }

  move(accountId: string, uri: string, group: string): Contact {
    return this.update(accountId, uri, { group });
  }

  setBlocked(accountId: string, uri: string, blocked: boolean): Contact {
    return this.update(accountId, uri, { blocked });
  }

  /** Adds an empty group at the end; returns its name as stored. An existing name is an error. */
  addGroup(accountId: string, name: string): string {
    const groupName = checkName(name, 'group name', false);
    const changes: ContactChange[] = [];
    const stored = this.#db.transaction(() => {
      const existing = this.#sql.group.get(accountId, groupName) as { name: string } | undefined;
      if (existing) throw new ContactError('duplicate-group', `there is already a group "${existing.name}"`);
      return this.#ensureGroup(accountId, groupName, changes);
    })();
    this.#emit(changes);
    return stored;
  }

  /**
   * Renames a group (its contacts follow). Changing only the letter case is allowed; renaming onto another
   * existing group is refused rather than silently merging two groups.
   */
  renameGroup(accountId: string, from: string, to: string): void {
    const target = checkName(to, 'group name', false);
    const stored = this.#db.transaction(() => {
      const source = this.#sql.group.get(accountId, from.trim()) as { name: string } | undefined;
      if (!source) throw new ContactError('unknown-group', `there is no group "${from}"`);
      const clash = this.#sql.group.get(accountId, target) as { name: string } | undefined;
      if (clash && clash.name.toLowerCase() !== source.name.toLowerCase()) {
        throw new ContactError('duplicate-group', `there is already a group "${clash.name}"`);
      }
      // contacts_entries.group_name follows through ON UPDATE CASCADE (contact-migrations.ts).
      this.#sql.renameGroup.run(target, accountId, source.name);
      return source.name;
    })();
    if (stored !== target) this.#emit([{ kind: 'group-renamed', accountId, from: stored, to: target }]);
  }

  /** Removes an empty group; a group that still has contacts is refused (move or remove them first). */
  removeGroup(accountId: string, name: string): void {
    const removed = this.#db.transaction(() => {
      const group = this.#sql.group.get(accountId, name.trim()) as { name: string } | undefined;
      if (!group) throw new ContactError('unknown-group', `there is no group "${name}"`);
      const { n } = this.#sql.groupSize.get(accountId, group.name) as { n: number };
      if (n > 0) throw new ContactError('group-not-empty', `the group "${group.name}" still has ${n} contact${n === 1 ? '' : 's'}`);
      this.#sql.deleteGroup.run(accountId, group.name);
      return group.name;
    })();
    this.#emit([{ kind: 'group-removed', accountId, group: removed }]);
  }

  /** Moves a group to position `index` (0 = first; clamped) and renumbers the rest in order. */
  moveGroup(accountId: string, name: string, index: number): void {
    this.#db.transaction(() => {
      const names = this.groups(accountId);
      const at = names.findIndex((g) => g.toLowerCase() === name.trim().toLowerCase());
      if (at < 0) throw new ContactError('unknown-group', `there is no group "${name}"`);
      const [group] = names.splice(at, 1);
      names.splice(Math.max(0, Math.min(names.length, Math.trunc(index))), 0, group!);
      names.forEach((g, position) => this.#sql.setGroupPosition.run(position, accountId, g));
    })();
    this.#emit([{ kind: 'groups-reordered', accountId }]);
  }

  /** Adds a domain to the block list (idempotent); returns it normalised. Its subdomains are blocked too. */
  blockDomain(accountId: string, domain: string): string {
    const normal = normalizeDomain(domain);
    if (this.#sql.insertDomain.run(accountId, normal).changes > 0) this.#emit([{ kind: 'domain-blocked', accountId, domain: normal }]);
    return normal;
  }

  /** Removes a domain from the block list; false when it was not there. */
  unblockDomain(accountId: string, domain: string): boolean {
    const normal = normalizeDomain(domain);
    const removed = this.#sql.deleteDomain.run(accountId, normal).changes > 0;
    if (removed) this.#emit([{ kind: 'domain-unblocked', accountId, domain: normal }]);
    return removed;
  }

  blockedDomains(accountId: string): string[] {
    return (this.#sql.domains.all(accountId) as { domain: string }[]).map((r) => r.domain);
  }

  /**
   * Whether IMs (and calls) from this address must be refused (protocol.md §2.10 item 52): the contact is
   * blocked, or its domain or a parent domain is on the block list. A URI that names no user@domain is
   * not blocked here (the chat service refuses malformed requests on its own grounds). Never throws.
   */
  isBlocked(accountId: string, uri: string): boolean {
    const aor = addressOfRecord(uri);
    if (!aor) return false;
    if (this.#sql.blockedContact.get(accountId, aor.uri)) return true;
    return domainAndParents(aor.domain).some((d) => this.#sql.blockedDomain.get(accountId, d) !== undefined);
  }

  /**
   * Moves everything of account `from` into account `to` (groups appended in order, contacts the target
   * already has are kept as they are there, blocked domains merged) and empties `from`. Used to hand the
   * 'local' list to the first account that signs in. Returns how many contacts moved.
   */
  adopt(from: string, to: string): number {
    if (from === to) return 0;
    const changes: ContactChange[] = [];
    const moved = this.#db.transaction(() => {
      const source = this.list(from);
      let count = 0;
      for (const group of source.groups) this.#ensureGroup(to, group, changes);
      for (const contact of source.contacts) {
        if (this.#sql.contact.get(to, contact.uri)) continue;
        const group = (this.#sql.group.get(to, contact.group) as { name: string }).name;
        this.#sql.insertContact.run(to, contact.uri, contact.displayName ?? null, group, contact.blocked ? 1 : 0, this.#now());
        changes.push({ kind: 'added', accountId: to, contact: { ...contact, group } });
        count++;
      }
      for (const domain of this.blockedDomains(from)) {
        if (this.#sql.insertDomain.run(to, domain).changes > 0) changes.push({ kind: 'domain-blocked', accountId: to, domain });
      }
      for (const contact of source.contacts) changes.push({ kind: 'removed', accountId: from, contact });
      for (const statement of this.#sql.deleteAccount) statement.run(from);
      return count;
    })();
    this.#emit(changes);
    return moved;
  }

  #require(accountId: string, uri: string): Contact {
    const normal = normalizeContactUri(uri);
    const row = this.#sql.contact.get(accountId, normal) as ContactRow | undefined;
    if (!row) throw new ContactError('unknown-contact', `${normal.slice(4)} is not in your contacts`);
    return toContact(row);
  }

  /** The stored spelling of the group, created at the end of the list when missing (inside a transaction). */
  #ensureGroup(accountId: string, name: string, changes: ContactChange[]): string {
    const existing = this.#sql.group.get(accountId, name) as { name: string } | undefined;
    if (existing) return existing.name;
    this.#sql.insertGroup.run(accountId, name, accountId);
    changes.push({ kind: 'group-added', accountId, group: name });
    return name;
  }

  #emit(changes: readonly ContactChange[]): void {
    for (const change of changes) {
      for (const listener of [...this.#listeners]) {
        try {
          listener(change);
        } catch (error) {
          this.#onListenerError(error);
        }
      }
    }
  }
}
