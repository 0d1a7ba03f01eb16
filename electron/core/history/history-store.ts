// Conversation history (IM issue item 5): conversations and their messages in the profile's SQLite
// database (migration area 'history'), with full-text search. Synchronous (better-sqlite3): every call
// has committed when it returns, so a message handed to the store survives a crash right after.
//
// Interface for the chat service (built in parallel; documented here as the contract between us):
//   - Conversation ids are the peer's normalised address (shared/model/chat.ts); the store does not
//     re-normalise, so always pass ids from one function (normalizeContactUri in ../contacts/contact-uri.ts).
//     The conversation row is created by the first message or by openConversation().
//   - Outgoing: appendOutgoing(msg) when the user sends (state 'queued'); updateState(id, state, failure?,
//     detail?) on every transition — it returns the updated message for the `chat.state` event, or
//     undefined when the message no longer exists (its conversation was deleted). An id that exists
//     already is a HistoryError('duplicate-message').
//   - Incoming: insertIncoming(msg, dedupeKey, {displayName?}) → false when a message with the same
//     dedupe key (Call-ID + CSeq + From tag, see incomingDedupeKey) or id is already stored: show it once,
//     do not notify again. A stored incoming message raises the conversation's unread count.
//   - After a restart: pendingOutgoing() lists outgoing messages still queued/sending/retrying, oldest
//     first, to send again (a message the user sent is never silently dropped).
//   - chat.list → conversations(); chat.open → openConversation(id) + messages(id, {limit}) + markRead(id);
//     chat.markRead → markRead(id); unreadTotal() for the tray badge.
//   - Bulk inserts (imports, tests): wrap the loop in batch(() => …) — one transaction, one fsync.
//   - Search index: written behind (searchIndexDelayMs, default 250 ms), many messages per transaction, because
//     indexing one message in its own transaction was half of storing it. search() and deleteConversation()
//     catch up first, so results are always complete; a crash before the index caught up is repaired when the
//     store opens (history_search_state.indexed_seq, migration 4). indexPending() catches up on demand.
// Errors are HistoryError with a code; a failed call changes nothing.
import { deliveryState, failureReason } from '../../../shared/model/chat';
import type { ChatMessage, ConversationSummary, DeliveryState, FailureReason } from '../../../shared/model/chat';
import type { HistoryHit } from '../../../shared/ipc/contract';
import { migrate } from '../storage/database';
import type { SqliteDatabase } from '../storage/database';
import { toFtsQuery } from './fts-query';
import { exportFilename, formatJson, formatText } from './history-export';
import type { ExportedFile, ExportFormat } from './history-export';
import { HISTORY_AREA, historyMigrations } from './history-migrations';

export type HistoryErrorCode = 'invalid-message' | 'duplicate-message' | 'unknown-conversation' | 'unknown-message';

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface HistoryStoreOptions {
  /** Epoch ms; injected so tests control "now" (conversation opened, export date). */
  readonly now?: () => number;
  /** How long new messages may wait for the search index (default 250 ms; see the file comment). */
  readonly searchIndexDelayMs?: number;
}

export interface MessagesQuery {
  /** How many of the newest messages (default 100, at most 1000). */
  readonly limit?: number;
  /** Only messages older than this message (its id) or this time (epoch ms): the page before. */
  readonly before?: string | number;
}

export interface SearchOptions {
  readonly conversationId?: string;
  /** Default 50, at most 500. */
  readonly limit?: number;
}

/**
 * The dedupe key of an incoming MESSAGE: a retransmission or a re-send carries the same Call-ID, CSeq and
 * From tag (RFC 3261 §8.1.1.4, §8.1.1.5, §17.2.2), a new message differs in at least one of them.
 */
export function incomingDedupeKey(callId: string, cseq: number | string, fromTag: string | undefined): string {
  return JSON.stringify([callId, String(cseq), fromTag ?? '']);
}

interface MessageRow {
  id: string;
  conversation_id: string;
  direction: 'in' | 'out';
  text: string;
  html: string | null;
  at: number;
  state: DeliveryState;
  failure: FailureReason | null;
  detail: string | null;
}

interface ConversationRow {
  id: string;
  display_name: string | null;
  unread: number;
  last_text: string | null;
  last_at: number | null;
}

const MESSAGE_COLUMNS = 'm.id, m.conversation_id, m.direction, m.text, m.html, m.at, m.state, m.failure, m.detail';
/** lastText in the conversation list is a preview: the list never carries whole 64 kB messages. */
const PREVIEW_CHARS = 200;
const SUMMARY_SELECT = `SELECT c.id, c.display_name, c.unread, substr(m.text, 1, ${PREVIEW_CHARS}) AS last_text, m.at AS last_at
  FROM history_conversations c
  LEFT JOIN history_messages m ON m.seq = (SELECT seq FROM history_messages WHERE conversation_id = c.id ORDER BY at DESC, seq DESC LIMIT 1)`;

function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    text: row.text,
    ...(row.html !== null ? { html: row.html } : {}),
    at: row.at,
    state: row.state,
    ...(row.failure !== null ? { failure: row.failure } : {}),
    ...(row.detail !== null ? { detail: row.detail } : {}),
  };
}

function toSummary(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    peer: row.id,
    ...(row.display_name !== null ? { displayName: row.display_name } : {}),
    ...(row.last_at !== null ? { lastMessageAt: row.last_at } : {}),
    ...(row.last_text !== null ? { lastText: row.last_text } : {}),
    unread: row.unread,
  };
}

function clamp(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.max(1, Math.min(max, Math.trunc(value)));
}

function checkId(id: unknown, what: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 1024) throw new HistoryError('invalid-message', `${what} must be a non-empty string of at most 1024 characters`);
  return id;
}

const STATES: ReadonlySet<string> = new Set(deliveryState.options);
const FAILURES: ReadonlySet<string> = new Set(failureReason.options);

/**
 * The checks of shared/model/chat.ts's chatMessage, by hand: this runs for every stored message and a
 * schema parse costs more than the insert itself (measured: ~30 µs vs ~10 µs).
 */
function checkMessage(msg: ChatMessage, direction: 'in' | 'out'): ChatMessage {
  if (typeof msg !== 'object' || msg === null) throw new HistoryError('invalid-message', 'not a message object');
  checkId(msg.id, 'message id');
  checkId(msg.conversationId, 'conversation id');
  if (msg.direction !== direction) throw new HistoryError('invalid-message', `expected an ${direction === 'in' ? 'incoming' : 'outgoing'} message, got direction ${JSON.stringify(msg.direction)}`);
  if (typeof msg.text !== 'string') throw new HistoryError('invalid-message', 'message text must be a string');
  if (msg.html !== undefined && typeof msg.html !== 'string') throw new HistoryError('invalid-message', 'message html must be a string');
  if (typeof msg.at !== 'number' || !Number.isFinite(msg.at)) throw new HistoryError('invalid-message', 'message time (at) must be a finite number (epoch ms)');
  checkState(msg.state, msg.failure, msg.detail);
  return msg;
}

function checkState(state: unknown, failure: unknown, detail: unknown): void {
  if (typeof state !== 'string' || !STATES.has(state)) throw new HistoryError('invalid-message', `unknown delivery state ${JSON.stringify(state)}`);
  if (failure !== undefined && (typeof failure !== 'string' || !FAILURES.has(failure))) throw new HistoryError('invalid-message', `unknown failure reason ${JSON.stringify(failure)}`);
  if (detail !== undefined && typeof detail !== 'string') throw new HistoryError('invalid-message', 'detail must be a string');
}

export class HistoryStore {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #sql;
  readonly #appendOutgoing: (m: ChatMessage) => void;
  readonly #insertIncoming: (m: ChatMessage, key: string, displayName: string | null) => boolean;
  readonly #deleteConversation: (id: string) => boolean;
  readonly #indexPending: () => number;
  readonly #indexDelayMs: number;
  /** Messages were stored since the index last caught up. */
  #behind = false;
  #indexTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(db: SqliteDatabase, options: HistoryStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    migrate(db, HISTORY_AREA, historyMigrations);
    // Every statement is prepared here, once: the hot paths (insert, update) only bind and step.
    const p = (sql: string) => db.prepare(sql);
    const sql = {
      upsertConversation: p(`INSERT INTO history_conversations (id, display_name, unread, last_activity) VALUES (?, ?, 0, ?)
        ON CONFLICT (id) DO UPDATE SET last_activity = MAX(last_activity, excluded.last_activity),
          display_name = COALESCE(excluded.display_name, display_name)`),
      touch: p('UPDATE history_conversations SET last_activity = MAX(last_activity, ?) WHERE id = ?'),
      insertConversationIfMissing: p('INSERT INTO history_conversations (id, display_name, unread, last_activity) VALUES (?, ?, 0, ?) ON CONFLICT (id) DO NOTHING'),
      bumpIncoming: p(`UPDATE history_conversations SET unread = unread + 1, last_activity = MAX(last_activity, ?),
        display_name = COALESCE(?, display_name) WHERE id = ?`),
      insertMessage: p(`INSERT INTO history_messages (id, conversation_id, direction, text, html, at, state, failure, detail, dedupe_key)
        VALUES (@id, @conversationId, @direction, @text, @html, @at, @state, @failure, @detail, @dedupeKey) ON CONFLICT DO NOTHING`),
      // Search entries of new messages (migrations 3 and 4: written here, behind, not by a trigger; see there why).
      indexedSeq: p('SELECT indexed_seq FROM history_search_state WHERE id = 1').pluck(),
      lastSeq: p('SELECT COALESCE(MAX(seq), 0) FROM history_messages').pluck(),
      indexFrom: p('INSERT INTO history_messages_fts (rowid, text) SELECT seq, text FROM history_messages WHERE seq > ? AND seq <= ? ORDER BY seq'),
      setIndexedSeq: p('UPDATE history_search_state SET indexed_seq = ? WHERE id = 1'),
      updateState: p('UPDATE history_messages SET state = ?, failure = ?, detail = ? WHERE id = ?'),
      message: p(`SELECT ${MESSAGE_COLUMNS} FROM history_messages m WHERE m.id = ?`),
      messagePosition: p('SELECT at, seq FROM history_messages WHERE id = ? AND conversation_id = ?'),
      newest: p(`SELECT ${MESSAGE_COLUMNS} FROM history_messages m WHERE m.conversation_id = ? ORDER BY m.at DESC, m.seq DESC LIMIT ?`),
      newestBeforeTime: p(`SELECT ${MESSAGE_COLUMNS} FROM history_messages m WHERE m.conversation_id = ? AND m.at < ? ORDER BY m.at DESC, m.seq DESC LIMIT ?`),
      newestBeforeMessage: p(`SELECT ${MESSAGE_COLUMNS} FROM history_messages m WHERE m.conversation_id = @conversation
        AND (m.at < @at OR (m.at = @at AND m.seq < @seq)) ORDER BY m.at DESC, m.seq DESC LIMIT @limit`),
      allMessages: p(`SELECT ${MESSAGE_COLUMNS} FROM history_messages m WHERE m.conversation_id = ? ORDER BY m.at, m.seq`),
      conversations: p(`${SUMMARY_SELECT} ORDER BY c.last_activity DESC, c.id`),
      conversation: p(`${SUMMARY_SELECT} WHERE c.id = ?`),
      markRead: p('UPDATE history_conversations SET unread = 0 WHERE id = ? AND unread > 0'),
      setDisplayName: p('UPDATE history_conversations SET display_name = ? WHERE id = ?'),
      unreadTotal: p('SELECT COALESCE(SUM(unread), 0) AS n FROM history_conversations'),
      pending: p(`SELECT ${MESSAGE_COLUMNS} FROM history_messages m
        WHERE m.direction = 'out' AND m.state IN ('queued', 'sending', 'retrying') ORDER BY m.seq`),
      search: p(`SELECT ${MESSAGE_COLUMNS}, snippet(history_messages_fts, 0, '«', '»', '…', 16) AS snippet
        FROM history_messages_fts JOIN history_messages m ON m.seq = history_messages_fts.rowid
        WHERE history_messages_fts MATCH @query AND (@conversation IS NULL OR m.conversation_id = @conversation)
        ORDER BY m.at DESC, m.seq DESC LIMIT @limit`),
      deleteMessages: p('DELETE FROM history_messages WHERE conversation_id = ?'),
      deleteConversation: p('DELETE FROM history_conversations WHERE id = ?'),
    };
    this.#sql = sql;
    const row = (m: ChatMessage, dedupeKey: string | null) => ({
      id: m.id,
      conversationId: m.conversationId,
      direction: m.direction,
      text: m.text,
      html: m.html ?? null,
      at: m.at,
      state: m.state,
      failure: m.failure ?? null,
      detail: m.detail ?? null,
      dedupeKey,
    });
    // Each write is a few statements that must apply together. Outside a batch they run in their own
    // transaction; inside one (db.inTransaction) they run directly, because a savepoint per message
    // costs as much as the insert — their order makes the duplicate path leave nothing behind anyway.
    const appendOutgoing = (m: ChatMessage): void => {
      const created = sql.insertConversationIfMissing.run(m.conversationId, null, m.at).changes > 0;
      const inserted = sql.insertMessage.run(row(m, null));
      if (inserted.changes === 0) {
        if (created) sql.deleteConversation.run(m.conversationId);
        throw new HistoryError('duplicate-message', `a message with id ${JSON.stringify(m.id)} is already stored`);
      }
      sql.touch.run(m.at, m.conversationId);
    };
    const insertIncoming = (m: ChatMessage, key: string, displayName: string | null): boolean => {
      const created = sql.insertConversationIfMissing.run(m.conversationId, displayName, m.at).changes > 0;
      const inserted = sql.insertMessage.run(row(m, key));
      if (inserted.changes === 0) {
        // A duplicate: the conversation row we may just have created stays out of the list.
        if (created) sql.deleteConversation.run(m.conversationId);
        return false;
      }
      sql.bumpIncoming.run(m.at, displayName, m.conversationId);
      return true;
    };
    const appendTx = db.transaction(appendOutgoing);
    const incomingTx = db.transaction(insertIncoming);
    this.#appendOutgoing = (m) => {
      if (db.inTransaction) appendOutgoing(m);
      else appendTx(m);
      this.#indexLater();
    };
    this.#insertIncoming = (m, key, name) => {
      const stored = db.inTransaction ? insertIncoming(m, key, name) : incomingTx(m, key, name);
      if (stored) this.#indexLater();
      return stored;
    };
    // Every message after indexed_seq, in seq order (AUTOINCREMENT: never reused), and the mark moved, together.
    const indexPending = db.transaction((): number => {
      const from = sql.indexedSeq.get() as number;
      const to = sql.lastSeq.get() as number;
      const indexed = to > from ? sql.indexFrom.run(from, to).changes : 0;
      if (to !== from) sql.setIndexedSeq.run(to);
      return indexed;
    });
    this.#indexPending = () => {
      const indexed = indexPending();
      this.#behind = false;
      return indexed;
    };
    // The delete trigger removes a message's entry: it must be there first (an FTS5 'delete' of an entry that
    // was never written corrupts the index).
    this.#deleteConversation = db.transaction((id: string) => {
      this.indexPending();
      sql.deleteMessages.run(id);
      return sql.deleteConversation.run(id).changes > 0;
    });
    this.#indexDelayMs = options.searchIndexDelayMs ?? 250;
    // Repairs an index a crash left behind (see the file comment).
    this.#indexPending();
  }

  #indexLater(): void {
    this.#behind = true;
    if (this.#indexTimer !== undefined) return;
    this.#indexTimer = setTimeout(() => {
      this.#indexTimer = undefined;
      // Closed meanwhile: the next start catches up. A failure here is retried by the next search or start.
      if (!this.#db.open || this.#db.inTransaction) return;
      try {
        this.#indexPending();
      } catch {
        this.#behind = true;
      }
    }, this.#indexDelayMs);
    // A pending index never keeps the process alive: the next start catches up.
    this.#indexTimer.unref?.();
  }

  /**
   * Brings the search index up to date now (normally it catches up on its own within searchIndexDelayMs, and
   * before every search); returns how many messages it indexed.
   */
  indexPending(): number {
    if (this.#indexTimer !== undefined) clearTimeout(this.#indexTimer);
    this.#indexTimer = undefined;
    return this.#indexPending();
  }

  /** Stores a message the user sent (normally state 'queued'); creates the conversation if needed. */
  appendOutgoing(msg: ChatMessage): void {
    this.#appendOutgoing(checkMessage(msg, 'out'));
  }

  /**
   * Stores a received message unless it is a duplicate (same dedupe key or same id): true when stored
   * (show and notify), false for a duplicate (already shown once).
   */
  insertIncoming(msg: ChatMessage, dedupeKey: string, options: { displayName?: string } = {}): boolean {
    const m = checkMessage(msg, 'in');
    checkId(dedupeKey, 'dedupe key');
    return this.#insertIncoming(m, dedupeKey, options.displayName?.trim() || null);
  }

  /** Records a delivery state change; returns the updated message, or undefined if it is not stored. */
  updateState(messageId: string, state: DeliveryState, failure?: FailureReason, detail?: string): ChatMessage | undefined {
    checkState(state, failure, detail);
    if (this.#sql.updateState.run(state, failure ?? null, detail ?? null, messageId).changes === 0) return undefined;
    return this.get(messageId);
  }

  get(messageId: string): ChatMessage | undefined {
    const row = this.#sql.message.get(messageId) as MessageRow | undefined;
    return row && toMessage(row);
  }

  /** The newest `limit` messages (optionally before a message or a time), returned oldest first. */
  messages(conversationId: string, query: MessagesQuery = {}): ChatMessage[] {
    const limit = clamp(query.limit, 100, 1000);
    let rows: MessageRow[];
    if (query.before === undefined) {
      rows = this.#sql.newest.all(conversationId, limit) as MessageRow[];
    } else if (typeof query.before === 'number') {
      rows = this.#sql.newestBeforeTime.all(conversationId, query.before, limit) as MessageRow[];
    } else {
      const position = this.#sql.messagePosition.get(query.before, conversationId) as { at: number; seq: number } | undefined;
      if (!position) throw new HistoryError('unknown-message', `no message ${JSON.stringify(query.before)} in this conversation`);
      rows = this.#sql.newestBeforeMessage.all({ conversation: conversationId, at: position.at, seq: position.seq, limit }) as MessageRow[];
    }
    return rows.reverse().map(toMessage);
  }

  /** Opens (creating if needed) a conversation, e.g. when the user starts a chat; a display name given wins. */
  openConversation(conversationId: string, options: { displayName?: string } = {}): ConversationSummary {
    checkId(conversationId, 'conversation id');
    this.#sql.upsertConversation.run(conversationId, options.displayName?.trim() || null, this.#now());
    return this.conversation(conversationId)!;
  }

  setDisplayName(conversationId: string, displayName: string | undefined): boolean {
    return this.#sql.setDisplayName.run(displayName?.trim() || null, conversationId).changes > 0;
  }

  conversation(conversationId: string): ConversationSummary | undefined {
    const row = this.#sql.conversation.get(conversationId) as ConversationRow | undefined;
    return row && toSummary(row);
  }

  /** Every conversation, most recent activity first, with unread counts and a preview of the last message. */
  conversations(): ConversationSummary[] {
    return (this.#sql.conversations.all() as ConversationRow[]).map(toSummary);
  }

  /** Sets the unread count to 0; false when it already was (or the conversation does not exist). */
  markRead(conversationId: string): boolean {
    return this.#sql.markRead.run(conversationId).changes > 0;
  }

  unreadTotal(): number {
    return (this.#sql.unreadTotal.get() as { n: number }).n;
  }

  /** Outgoing messages still queued, sending or retrying, oldest first: to send again after a restart. */
  pendingOutgoing(): ChatMessage[] {
    return (this.#sql.pending.all() as MessageRow[]).map(toMessage);
  }

  /**
   * Full-text search over message text: every word must occur, the last one as a prefix (fts-query.ts);
   * newest first. Any input is safe: it is never interpreted as FTS5 syntax.
   */
  search(query: string, options: SearchOptions = {}): HistoryHit[] {
    const match = toFtsQuery(query);
    if (match === undefined) return [];
    if (this.#behind) this.indexPending();
    const rows = this.#sql.search.all({ query: match, conversation: options.conversationId ?? null, limit: clamp(options.limit, 50, 500) }) as (MessageRow & { snippet: string })[];
    return rows.map((r) => ({ message: toMessage(r), snippet: r.snippet }));
  }

  /** Deletes a conversation and all its messages (and their search index entries); false if unknown. */
  deleteConversation(conversationId: string): boolean {
    return this.#deleteConversation(conversationId);
  }

  /** The conversation as a file to save (history-export.ts describes both formats). */
  export(conversationId: string, format: ExportFormat): ExportedFile {
    const conversation = this.conversation(conversationId);
    if (!conversation) throw new HistoryError('unknown-conversation', `there is no conversation with ${conversationId.replace(/^sips?:/i, '')}`);
    const messages = (this.#sql.allMessages.all(conversationId) as MessageRow[]).map(toMessage);
    const now = this.#now();
    return {
      filename: exportFilename(conversation, format, now),
      content: format === 'json' ? formatJson(conversation, messages, now) : formatText(conversation, messages),
    };
  }

  /**
   * Runs `fn` in one transaction: for inserting many messages at once (one commit instead of one per
   * message). If `fn` throws, everything it stored is rolled back; a HistoryError it catches inside
   * (e.g. a duplicate) leaves nothing of that one call behind.
   */
  batch<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }
}
