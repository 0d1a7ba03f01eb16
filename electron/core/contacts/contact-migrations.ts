// Schema of the contact list (migration area 'contacts' of electron/core/storage/database.ts). Tables are
// prefixed `contacts_` because every store shares the profile's one database file. Never edit a released
// migration: add the next number.
import type { Migration } from '../storage/database';

export const CONTACTS_AREA = 'contacts';

export const contactMigrations: readonly Migration[] = [
  {
    version: 1,
    description: 'groups, contacts and blocked domains per account',
    up(db) {
      db.exec(`
        -- Group names compare case-insensitively ("friends" and "Friends" are one group); position keeps the
        -- order the user gave them.
        CREATE TABLE contacts_groups (
          account_id TEXT NOT NULL,
          name TEXT NOT NULL COLLATE NOCASE,
          position INTEGER NOT NULL,
          PRIMARY KEY (account_id, name)
        );
        -- uri is normalised (contact-uri.ts): its user part is case-sensitive (RFC 3261 §19.1.4), so no NOCASE.
        -- A group rename cascades to its contacts; a group with contacts cannot be deleted.
        CREATE TABLE contacts_entries (
          account_id TEXT NOT NULL,
          uri TEXT NOT NULL,
          display_name TEXT,
          group_name TEXT NOT NULL COLLATE NOCASE,
          blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
          added_at INTEGER NOT NULL,
          PRIMARY KEY (account_id, uri),
          FOREIGN KEY (account_id, group_name) REFERENCES contacts_groups (account_id, name) ON UPDATE CASCADE ON DELETE RESTRICT
        );
        CREATE INDEX contacts_entries_by_group ON contacts_entries (account_id, group_name);
        CREATE TABLE contacts_blocked_domains (
          account_id TEXT NOT NULL,
          domain TEXT NOT NULL,
          PRIMARY KEY (account_id, domain)
        );
      `);
    },
  },
];
