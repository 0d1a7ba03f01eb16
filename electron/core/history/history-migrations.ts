// Schema of the conversation history (migration area 'history' of electron/core/storage/database.ts).
// Tables are prefixed `history_` because every store shares the profile's one database file. Never edit a
// released migration: add the next number (history-store.test.ts upgrades a version-1 database).
import type { Migration } from '../storage/database';

export const HISTORY_AREA = 'history';

export const historyMigrations: readonly Migration[] = [
  {
    version: 1,
    description: 'conversations and messages',
    up(db) {
      db.exec(`
        -- id is the peer's normalised address (shared/model/chat.ts). last_activity orders the list: the
        -- newest message's time, or when the conversation was opened if it has none.
        CREATE TABLE history_conversations (
          id TEXT PRIMARY KEY NOT NULL,
          display_name TEXT,
          unread INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0),
          last_activity INTEGER NOT NULL
        );
        -- seq is the rowid: the FTS content rowid, and the tie-break between messages with the same time
        -- (AUTOINCREMENT: never reused, so it is the arrival order).
        -- dedupe_key (incoming only): Call-ID + CSeq + From tag, so a MESSAGE retransmitted or re-sent
        -- with the same identifiers (RFC 3261 §17.2.2, §8.2.2.2) is stored once; NULLs do not collide.
        CREATE TABLE history_messages (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          conversation_id TEXT NOT NULL REFERENCES history_conversations (id) ON DELETE CASCADE,
          direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
          text TEXT NOT NULL,
          html TEXT,
          at INTEGER NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'retrying', 'delivered', 'failed')),
          failure TEXT,
          detail TEXT,
          dedupe_key TEXT UNIQUE
        );
        CREATE INDEX history_messages_by_conversation ON history_messages (conversation_id, at, seq);
        -- Small partial index: after a restart the chat service asks for what still has to be sent.
        CREATE INDEX history_messages_pending ON history_messages (seq)
          WHERE direction = 'out' AND state IN ('queued', 'sending', 'retrying');
      `);
    },
  },
  {
    version: 2,
    description: 'full-text search over message text',
    up(db) {
      // External-content FTS5 table (the text is stored once, in history_messages), kept in sync by
      // triggers; 'rebuild' indexes messages stored before this migration. unicode61 with
      // remove_diacritics 2 lets "muller" find "Müller" (Latin letters only: Greek accents stay, ß is not
      // ss); text without spaces (Japanese, Chinese) is one token per run, found by its beginning only.
      db.exec(`
        CREATE VIRTUAL TABLE history_messages_fts USING fts5 (
          text, content = 'history_messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER history_messages_fts_insert AFTER INSERT ON history_messages BEGIN
          INSERT INTO history_messages_fts (rowid, text) VALUES (new.seq, new.text);
        END;
        CREATE TRIGGER history_messages_fts_delete AFTER DELETE ON history_messages BEGIN
          INSERT INTO history_messages_fts (history_messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
        END;
        CREATE TRIGGER history_messages_fts_update AFTER UPDATE OF text ON history_messages BEGIN
          INSERT INTO history_messages_fts (history_messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
          INSERT INTO history_messages_fts (rowid, text) VALUES (new.seq, new.text);
        END;
        INSERT INTO history_messages_fts (history_messages_fts) VALUES ('rebuild');
      `);
    },
  },
  {
    version: 3,
    description: 'search index entries of new messages written by the store',
    up(db) {
      // An FTS5 insert made by a trigger costs ~4× the same insert made as its own statement (measured: ~30 µs vs
      // ~8 µs per message inside one transaction; the trigger's statement flushes FTS5's pending terms every time),
      // and it was half of storing an incoming message. history-store.ts now writes the entry itself, right after
      // the row, in the same transaction. Deletes and text updates are rare and keep their triggers.
      db.exec('DROP TRIGGER history_messages_fts_insert');
    },
  },
  {
    version: 4,
    description: 'search index written behind, up to a recorded message',
    up(db) {
      // history-store.ts indexes new messages a little later, many per transaction (a search first catches up, so
      // results stay complete). indexed_seq: every message with seq ≤ it is in the index, none after it; a crash
      // before the index caught up is repaired on the next start from here. Everything stored so far is indexed.
      db.exec(`
        CREATE TABLE history_search_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          indexed_seq INTEGER NOT NULL
        );
        INSERT INTO history_search_state (id, indexed_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM history_messages;
      `);
    },
  },
];
