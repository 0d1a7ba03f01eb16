// History store (IM issue item 5): messages, dedupe, delivery states, unread counts, paging, pending
// outgoing, deletion, export, migrations and persistence across a restart.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryError, HistoryStore, incomingDedupeKey } from '../../../../electron/core/history/history-store';
import { historyMigrations, HISTORY_AREA } from '../../../../electron/core/history/history-migrations';
import { migrate, openDatabase } from '../../../../electron/core/storage/database';
import type { ChatMessage } from '../../../../shared/model/chat';

const BOB = 'sip:bob@beta.test';
const CAROL = 'sip:carol@gamma.test';

function out(id: string, text: string, at: number, conversationId = BOB, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id, conversationId, direction: 'out', text, at, state: 'queued', ...extra };
}

function incoming(id: string, text: string, at: number, conversationId = BOB, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id, conversationId, direction: 'in', text, at, state: 'delivered', ...extra };
}

function memoryStore(now = () => Date.UTC(2024, 4, 1, 12)): HistoryStore {
  return new HistoryStore(openDatabase(':memory:'), { now });
}

function tempProfile(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-history-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('history store: messages', () => {
  test('outgoing and incoming messages come back with every field, oldest first', () => {
    const h = memoryStore();
    h.appendOutgoing(out('o1', 'hi bob', 1000));
    assert.equal(h.insertIncoming(incoming('i1', 'hi alice', 2000, BOB, { html: '<b>hi</b> alice' }), 'k1'), true);
    h.appendOutgoing(out('o2', 'how are you', 3000));
    assert.deepEqual(h.messages(BOB), [
      { id: 'o1', conversationId: BOB, direction: 'out', text: 'hi bob', at: 1000, state: 'queued' },
      { id: 'i1', conversationId: BOB, direction: 'in', text: 'hi alice', html: '<b>hi</b> alice', at: 2000, state: 'delivered' },
      { id: 'o2', conversationId: BOB, direction: 'out', text: 'how are you', at: 3000, state: 'queued' },
    ]);
    assert.deepEqual(h.get('i1')?.html, '<b>hi</b> alice');
    assert.equal(h.get('nope'), undefined);
  });

  test('a retransmitted or re-sent incoming message (same dedupe key or id) is stored and counted once', () => {
    const h = memoryStore();
    const key = incomingDedupeKey('abc@host', 1, 'tag1');
    assert.equal(h.insertIncoming(incoming('i1', 'hello', 1000), key), true);
    assert.equal(h.insertIncoming(incoming('i1-again', 'hello', 1001), key), false, 'same Call-ID/CSeq/From tag');
    assert.equal(h.insertIncoming(incoming('i1', 'hello', 1002), 'another-key'), false, 'same id');
    assert.equal(h.insertIncoming(incoming('i2', 'hello', 1003), incomingDedupeKey('abc@host', 2, 'tag1')), true, 'next CSeq is a new message');
    assert.equal(h.messages(BOB).length, 2);
    assert.equal(h.conversation(BOB)?.unread, 2);
    // The key cannot be confused by separators inside the parts.
    assert.notEqual(incomingDedupeKey('a', '1', 'b|c'), incomingDedupeKey('a|1', 'b', 'c'));
  });

  test('a duplicate of a message in another conversation does not leave an empty conversation behind', () => {
    const h = memoryStore();
    h.insertIncoming(incoming('i1', 'x', 1), 'k');
    assert.equal(h.insertIncoming(incoming('i9', 'x', 2, CAROL), 'k'), false);
    assert.deepEqual(h.conversations().map((c) => c.id), [BOB]);
  });

  test('delivery state changes are stored and returned; failure and detail are cleared by the next state', () => {
    const h = memoryStore();
    h.appendOutgoing(out('o1', 'hi', 1000));
    assert.deepEqual(h.updateState('o1', 'retrying', 'offline', 'bob@beta.test is offline'), { ...out('o1', 'hi', 1000), state: 'retrying', failure: 'offline', detail: 'bob@beta.test is offline' });
    assert.deepEqual(h.updateState('o1', 'delivered'), { ...out('o1', 'hi', 1000), state: 'delivered' });
    assert.equal(h.updateState('missing', 'failed', 'other'), undefined);
    assert.throws(() => h.updateState('o1', 'lost' as never), (e: unknown) => e instanceof HistoryError && e.code === 'invalid-message');
    assert.throws(() => h.updateState('o1', 'failed', 'gremlins' as never), HistoryError);
    assert.equal(h.get('o1')?.state, 'delivered', 'a refused change changed nothing');
  });

  test('bad messages are refused with a clear error and store nothing', () => {
    const h = memoryStore();
    const cases: [ChatMessage, RegExp][] = [
      [out('', 'x', 1), /message id/],
      [out('o1', 'x', 1, ''), /conversation id/],
      [{ ...out('o1', 'x', 1), state: 'lost' } as unknown as ChatMessage, /state/],
      [{ ...out('o1', 'x', 1), text: 42 } as unknown as ChatMessage, /text/],
      [incoming('i1', 'x', 1), /expected an outgoing message/],
      [out('o1', 'x', Number.NaN), /at|finite/],
    ];
    for (const [msg, why] of cases) {
      assert.throws(() => h.appendOutgoing(msg), (e: unknown) => e instanceof HistoryError && e.code === 'invalid-message' && why.test(e.message), JSON.stringify(msg));
    }
    assert.throws(() => h.insertIncoming(out('o1', 'x', 1), 'k'), /expected an incoming message/);
    assert.throws(() => h.insertIncoming(incoming('i1', 'x', 1), ''), /dedupe key/);
    assert.deepEqual(h.conversations(), []);
    h.appendOutgoing(out('o1', 'x', 1));
    assert.throws(() => h.appendOutgoing(out('o1', 'y', 2)), (e: unknown) => e instanceof HistoryError && e.code === 'duplicate-message');
    assert.equal(h.get('o1')?.text, 'x');
  });

  test('paging: the newest N, then the page before a message id or a time; equal times keep arrival order', () => {
    const h = memoryStore();
    h.batch(() => {
      for (let i = 0; i < 10; i++) h.appendOutgoing(out(`o${i}`, `m${i}`, 1000 + Math.floor(i / 2) * 10));
    });
    assert.deepEqual(h.messages(BOB, { limit: 3 }).map((m) => m.id), ['o7', 'o8', 'o9']);
    assert.deepEqual(h.messages(BOB, { limit: 3, before: 'o7' }).map((m) => m.id), ['o4', 'o5', 'o6']);
    assert.deepEqual(h.messages(BOB, { limit: 3, before: 'o6' }).map((m) => m.id), ['o3', 'o4', 'o5'], 'o6 and o7 share a time');
    assert.deepEqual(h.messages(BOB, { limit: 100, before: 1020 }).map((m) => m.id), ['o0', 'o1', 'o2', 'o3']);
    assert.deepEqual(h.messages(BOB, { before: 'o0' }), []);
    assert.throws(() => h.messages(BOB, { before: 'zzz' }), (e: unknown) => e instanceof HistoryError && e.code === 'unknown-message');
    assert.deepEqual(h.messages(CAROL), []);
  });

  test('pendingOutgoing lists queued, sending and retrying outgoing messages, oldest first', () => {
    const h = memoryStore();
    h.appendOutgoing(out('a', 'a', 1));
    h.appendOutgoing(out('b', 'b', 2, CAROL));
    h.appendOutgoing(out('c', 'c', 3));
    h.appendOutgoing(out('d', 'd', 4));
    h.appendOutgoing(out('e', 'e', 5));
    h.insertIncoming(incoming('i', 'i', 6), 'k');
    h.updateState('b', 'sending');
    h.updateState('c', 'retrying', 'offline');
    h.updateState('d', 'delivered');
    h.updateState('e', 'failed', 'refused');
    assert.deepEqual(h.pendingOutgoing().map((m) => [m.id, m.state]), [['a', 'queued'], ['b', 'sending'], ['c', 'retrying']]);
  });
});

describe('history store: conversations', () => {
  test('summaries: newest activity first, preview of the last message, unread counts, display names', () => {
    let now = 5000;
    const h = memoryStore(() => now);
    h.appendOutgoing(out('o1', 'to bob', 1000));
    h.insertIncoming(incoming('i1', 'from carol', 2000, CAROL), 'k1', { displayName: 'Carol' });
    h.insertIncoming(incoming('i2', 'again carol', 3000, CAROL), 'k2');
    assert.deepEqual(h.conversations(), [
      { id: CAROL, peer: CAROL, displayName: 'Carol', lastMessageAt: 3000, lastText: 'again carol', unread: 2 },
      { id: BOB, peer: BOB, lastMessageAt: 1000, lastText: 'to bob', unread: 0 },
    ]);
    assert.equal(h.unreadTotal(), 2);
    assert.equal(h.markRead(CAROL), true);
    assert.equal(h.markRead(CAROL), false, 'already read');
    assert.equal(h.conversation(CAROL)?.unread, 0);
    // Opening a chat with someone new creates an empty conversation that sorts by when it was opened.
    now = 9000;
    assert.deepEqual(h.openConversation('sip:dave@delta.test', { displayName: 'Dave' }), { id: 'sip:dave@delta.test', peer: 'sip:dave@delta.test', displayName: 'Dave', unread: 0 });
    assert.equal(h.conversations()[0]!.id, 'sip:dave@delta.test');
    assert.equal(h.setDisplayName(BOB, 'Bob B.'), true);
    assert.equal(h.conversation(BOB)?.displayName, 'Bob B.');
    // An outgoing message is not unread.
    h.appendOutgoing(out('o2', 'x'.repeat(5000), 9500));
    assert.equal(h.conversation(BOB)?.unread, 0);
    assert.equal(h.conversation(BOB)?.lastText?.length, 200, 'the preview is short');
  });

  test('deleting a conversation removes its messages and search entries only', () => {
    const db = openDatabase(':memory:');
    const h = new HistoryStore(db);
    h.appendOutgoing(out('o1', 'pineapple for bob', 1));
    h.appendOutgoing(out('o2', 'pineapple for carol', 2, CAROL));
    assert.equal(h.deleteConversation(BOB), true);
    assert.equal(h.deleteConversation(BOB), false);
    assert.equal(h.get('o1'), undefined);
    assert.deepEqual(h.conversations().map((c) => c.id), [CAROL]);
    assert.deepEqual(h.search('pineapple').map((hit) => hit.message.id), ['o2']);
    // The index matches its content table exactly (FTS5 'integrity-check' with rank 1 compares the two).
    assert.doesNotThrow(() => db.prepare("INSERT INTO history_messages_fts (history_messages_fts, rank) VALUES ('integrity-check', 1)").run());
    db.prepare("UPDATE history_messages SET text = 'banana' WHERE id = 'o2'").run();
    assert.deepEqual(h.search('pineapple'), [], 'the update trigger keeps the index in sync too');
    assert.deepEqual(h.search('banana').map((hit) => hit.message.id), ['o2']);
    assert.doesNotThrow(() => db.prepare("INSERT INTO history_messages_fts (history_messages_fts, rank) VALUES ('integrity-check', 1)").run());
    // And a corrupted index is detected by that check (so the assertion above can fail).
    db.prepare("INSERT INTO history_messages_fts (rowid, text) VALUES (999, 'ghost')").run();
    assert.throws(() => db.prepare("INSERT INTO history_messages_fts (history_messages_fts, rank) VALUES ('integrity-check', 1)").run());
    db.close();
  });
});

describe('history store: search index written behind by the store (migrations 3 and 4)', () => {
  const integrity = (db: ReturnType<typeof openDatabase>) => db.prepare("INSERT INTO history_messages_fts (history_messages_fts, rank) VALUES ('integrity-check', 1)").run();

  test('every stored message is indexed once, duplicates are not, in and out of batch(), and a failed batch leaves no entry', () => {
    const db = openDatabase(':memory:');
    const h = new HistoryStore(db);
    assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name = 'history_messages_fts_insert'").get() as { n: number }).n, 0);
    h.appendOutgoing(out('o1', 'walrus outgoing', 1));
    assert.equal(h.insertIncoming(incoming('i1', 'walrus incoming', 2), 'k1'), true);
    assert.equal(h.insertIncoming(incoming('i1-dup', 'walrus duplicate', 3), 'k1'), false);
    assert.throws(() => h.appendOutgoing(out('o1', 'walrus again', 4)), (e: unknown) => e instanceof HistoryError && e.code === 'duplicate-message');
    h.batch(() => {
      assert.equal(h.insertIncoming(incoming('i2', 'walrus in a batch', 5, CAROL), 'k2'), true);
      assert.equal(h.insertIncoming(incoming('i2-dup', 'walrus in a batch again', 6, CAROL), 'k2'), false, 'a duplicate of a message of the same batch');
      assert.equal(h.insertIncoming(incoming('i3', 'walrus last', 7), 'k3'), true);
    });
    assert.throws(() =>
      h.batch(() => {
        h.insertIncoming(incoming('i4', 'walrus rolled back', 8), 'k4');
        throw new Error('disk full');
      }),
    );
    assert.deepEqual(h.search('walrus').map((hit) => hit.message.id), ['i3', 'i2', 'i1', 'o1'], 'a search catches up first');
    assert.doesNotThrow(() => integrity(db));
    assert.equal(h.indexPending(), 0, 'nothing left to index');
    assert.equal(h.get('i4'), undefined);
    assert.deepEqual(h.conversations().map((c) => [c.id, c.unread]), [[BOB, 2], [CAROL, 1]]);
  });
});

describe('history store: search index catching up', () => {
  const integrity = (db: ReturnType<typeof openDatabase>) => db.prepare("INSERT INTO history_messages_fts (history_messages_fts, rank) VALUES ('integrity-check', 1)").run();

  test('new messages are indexed within searchIndexDelayMs without a search, many in one go', async () => {
    const db = openDatabase(':memory:');
    const h = new HistoryStore(db, { searchIndexDelayMs: 5 });
    for (let i = 0; i < 20; i++) h.insertIncoming(incoming(`i${i}`, `otter ${i}`, i), `k${i}`);
    // Not yet: the index is behind (the integrity check compares the index with the messages).
    assert.throws(() => integrity(db));
    await new Promise((r) => setTimeout(r, 50));
    assert.doesNotThrow(() => integrity(db));
    assert.equal(h.indexPending(), 0);
    assert.equal(h.search('otter', { limit: 100 }).length, 20);
  });

  test('deleting a conversation whose messages are not indexed yet keeps the index sound', () => {
    const db = openDatabase(':memory:');
    const h = new HistoryStore(db, { searchIndexDelayMs: 60_000 });
    h.appendOutgoing(out('o1', 'heron one', 1));
    h.appendOutgoing(out('o2', 'heron two', 2, CAROL));
    assert.equal(h.deleteConversation(BOB), true);
    assert.doesNotThrow(() => integrity(db));
    assert.deepEqual(h.search('heron').map((hit) => hit.message.id), ['o2']);
  });

  test('a crash before the index caught up is repaired when the store opens again', (t) => {
    const dir = tempProfile(t);
    let db = openDatabase(dir);
    let h = new HistoryStore(db, { searchIndexDelayMs: 60_000 });
    h.appendOutgoing(out('o1', 'kingfisher indexed', 1));
    h.indexPending();
    h.insertIncoming(incoming('i1', 'kingfisher stored, not indexed', 2), 'k1');
    h.insertIncoming(incoming('i2', 'kingfisher too', 3), 'k2');
    db.close(); // as if the process died: the index timer never ran
    db = openDatabase(dir);
    t.after(() => db.close());
    h = new HistoryStore(db, { searchIndexDelayMs: 60_000 });
    assert.doesNotThrow(() => integrity(db));
    assert.equal(h.indexPending(), 0);
    assert.deepEqual(h.search('kingfisher').map((hit) => hit.message.id), ['i2', 'i1', 'o1']);
  });
});

describe('history store: export', () => {
  test('text: one line per message with ISO time, direction and who; control characters neutralised', () => {
    const h = memoryStore(() => Date.UTC(2024, 4, 1, 12));
    h.insertIncoming(incoming('i1', 'hello\nsecond line', Date.UTC(2024, 4, 1, 10)), 'k1', { displayName: 'Bob' });
    h.appendOutgoing(out('o1', 'evil \u001b[31mred\u001b[0m \u202Eabc', Date.UTC(2024, 4, 1, 10, 1)));
    h.updateState('o1', 'failed', 'offline', 'bob@beta.test is offline');
    const file = h.export(BOB, 'text');
    assert.equal(file.filename, 'parley-bob@beta.test-2024-05-01.txt');
    assert.equal(
      file.content,
      '2024-05-01T10:00:00.000Z in Bob: hello ⏎ second line\n' +
        '2024-05-01T10:01:00.000Z out me: evil \uFFFD[31mred\uFFFD[0m \uFFFDabc [failed: offline: bob@beta.test is offline]\n',
    );
  });

  test('json: the stored messages exactly, with the conversation', () => {
    const h = memoryStore(() => Date.UTC(2024, 4, 1, 12));
    const messages = [incoming('i1', 'hi "there"\n', 1000, BOB, { html: '<i>hi</i>' }), { ...out('o1', 'ok', 2000), state: 'delivered' as const }];
    h.insertIncoming(messages[0]!, 'k');
    h.appendOutgoing(messages[1]!);
    const file = h.export(BOB, 'json');
    assert.equal(file.filename, 'parley-bob@beta.test-2024-05-01.json');
    const parsed = JSON.parse(file.content) as { format: string; version: number; exportedAt: string; conversation: unknown; messages: ChatMessage[] };
    assert.deepEqual(parsed, { format: 'parley-history', version: 1, exportedAt: '2024-05-01T12:00:00.000Z', conversation: { id: BOB, peer: BOB }, messages });
  });

  test('an odd address makes a safe file name; an unknown conversation is a clear error', () => {
    const h = memoryStore(() => Date.UTC(2024, 4, 1));
    const odd = 'sip:a/..\\b:c*?@x.test';
    h.appendOutgoing(out('o1', 'x', 1, odd));
    assert.match(h.export(odd, 'text').filename, /^parley-a_\.\._b_c__@x\.test-2024-05-01\.txt$/);
    assert.throws(() => h.export(CAROL, 'json'), (e: unknown) => e instanceof HistoryError && e.code === 'unknown-conversation' && /carol@gamma\.test/.test(e.message));
  });
});

describe('history store: persistence and migrations', () => {
  test('conversations, unread counts, states and the search index survive closing and reopening the file', (t) => {
    const dir = tempProfile(t);
    let db = openDatabase(dir);
    let h = new HistoryStore(db);
    h.appendOutgoing(out('o1', 'meet at the lighthouse', 1000));
    h.insertIncoming(incoming('i1', 'see you there', 2000), 'k1', { displayName: 'Bob' });
    h.updateState('o1', 'delivered');
    h.appendOutgoing(out('o2', 'still queued when we quit', 3000));
    db.close();

    db = openDatabase(dir);
    t.after(() => db.close());
    h = new HistoryStore(db);
    assert.deepEqual(h.conversations(), [{ id: BOB, peer: BOB, displayName: 'Bob', lastMessageAt: 3000, lastText: 'still queued when we quit', unread: 1 }]);
    assert.deepEqual(h.messages(BOB).map((m) => [m.id, m.state]), [['o1', 'delivered'], ['i1', 'delivered'], ['o2', 'queued']]);
    assert.deepEqual(h.pendingOutgoing().map((m) => m.id), ['o2']);
    assert.deepEqual(h.search('lighthouse').map((hit) => hit.snippet), ['meet at the «lighthouse»']);
    // Still deduplicates after the restart.
    assert.equal(h.insertIncoming(incoming('i1', 'see you there', 2000), 'k1'), false);
  });

  test('a version-1 database (no search yet) is upgraded and its old messages become searchable', () => {
    const db = openDatabase(':memory:');
    assert.deepEqual(migrate(db, HISTORY_AREA, historyMigrations.slice(0, 1)), [1]);
    db.prepare("INSERT INTO history_conversations (id, unread, last_activity) VALUES (?, 0, 1)").run(BOB);
    db.prepare("INSERT INTO history_messages (id, conversation_id, direction, text, at, state) VALUES ('old', ?, 'in', 'written before search existed', 1, 'delivered')").run(BOB);
    const h = new HistoryStore(db);
    assert.deepEqual(h.search('existed').map((hit) => hit.message.id), ['old']);
    const versions = db.prepare('SELECT version FROM schema_migrations WHERE area = ? ORDER BY version').all(HISTORY_AREA) as { version: number }[];
    assert.deepEqual(versions.map((v) => v.version), [1, 2, 3, 4]);
    // Opening again applies nothing.
    assert.deepEqual(migrate(db, HISTORY_AREA, historyMigrations), []);
    db.close();
  });

  test('10,000 messages inserted in a loop inside batch(): all stored, indexed and counted (time reported)', (t) => {
    const dir = tempProfile(t);
    const db = openDatabase(dir);
    t.after(() => db.close());
    const h = new HistoryStore(db);
    const started = performance.now();
    h.batch(() => {
      for (let i = 0; i < 10_000; i++) {
        const peer = `sip:user${i % 50}@beta.test`;
        if (i % 2) h.appendOutgoing(out(`o${i}`, `outgoing message number ${i} about topic${i % 7}`, 1_000_000 + i, peer));
        else h.insertIncoming(incoming(`i${i}`, `incoming message number ${i} about topic${i % 7}`, 1_000_000 + i, peer), `key-${i}`);
      }
    });
    const batched = performance.now() - started;
    const startedLoose = performance.now();
    for (let i = 0; i < 2_000; i++) h.appendOutgoing(out(`l${i}`, `loose ${i}`, 2_000_000 + i, CAROL));
    const loose = performance.now() - startedLoose;
    t.diagnostic(`10,000 messages in one batch (file-backed, WAL): ${batched.toFixed(0)} ms; 2,000 without batch: ${loose.toFixed(0)} ms`);
    assert.equal(h.conversations().length, 51);
    assert.equal(h.unreadTotal(), 5_000);
    assert.equal(h.search('topic3', { limit: 500 }).length, 500);
    assert.equal(h.search('number 9999')[0]?.message.id, 'o9999');
    const searchStarted = performance.now();
    h.search('message', { limit: 50 });
    t.diagnostic(`search over 12,000 messages matching all: ${(performance.now() - searchStarted).toFixed(1)} ms`);
  });
});
