// The chat service against a scripted peer over the loop transport, with a fake clock and the real history store
// on an in-memory database: delivery states, ordering, reasons, retry with backoff, waiting for the connection,
// mode fallback (415 → LCS session), incoming HTML sanitised and deduplicated, blocked senders, typing, restart.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatService } from '../../../../electron/core/chat/chat-service';
import { EventBus } from '../../../../electron/core/event-bus';
import { HistoryStore } from '../../../../electron/core/history/history-store';
import { openDatabase } from '../../../../electron/core/storage/database';
import type { SqliteDatabase } from '../../../../electron/core/storage/database';
import { Pager } from '../../../../electron/sip/usage/pager';
import { ImSessions } from '../../../../electron/sip/usage/im-session';
import type { ImAnswer } from '../../../../electron/sip/usage/im-answer';
import type { SipRequest } from '../../../../electron/sip/message/message';
import { makePair, settle } from '../../sip/usage/im-session-pair';
import { createResponse } from '../../../../electron/sip/message/builders';
import type { EventName } from '../../../../shared/ipc/contract';

interface Peer {
  page: (r: SipRequest) => ImAnswer;
  invite: (r: SipRequest) => ImAnswer & { tookFirstMessage?: boolean };
  got: string[];
}

function setup(opts: { db?: SqliteDatabase; blocked?: string[]; registered?: boolean; history?: (db: SqliteDatabase) => HistoryStore } = {}) {
  const pair = makePair();
  const events = new EventBus();
  const seen: Array<{ name: EventName; payload: unknown }> = [];
  events.subscribe((name, payload) => seen.push({ name, payload }));
  const db = opts.db ?? openDatabase(':memory:');
  const history = opts.history ? opts.history(db) : new HistoryStore(db);
  const peer: Peer = { page: () => ({ status: 200 }), invite: () => ({ status: 200, tookFirstMessage: true }), got: [] };
  new Pager(pair.bob.sender, (m, h) => pair.bob.onRequestMethod(m, h), {
    onMessage: (r) => {
      const a = peer.page(r);
      if (a.status < 300) peer.got.push(r.body);
      return a;
    },
  });
  const bobSessions = new ImSessions(pair.bob.sender, pair.bob.dialogs, (m, h) => pair.bob.onRequestMethod(m, h), {
    onIncomingSession: (r) => peer.invite(r),
    onMessage: (_s, r) => {
      peer.got.push(r.body);
      return { status: 200 };
    },
    onInfo: (_s, r) => {
      peer.got.push(`INFO ${r.body}`);
      return { status: 200 };
    },
  }, { clock: pair.clock, contact: () => pair.bob.contactUri() });
  const chat = new ChatService({
    events,
    history,
    clock: pair.clock,
    now: () => 1_700_000_000_000 + pair.clock.now(),
    accounts: { userAgentOf: (id) => (id === 'sip:alice@alpha.test' ? pair.alice : undefined) },
    blocks: { isBlocked: (_a, uri) => (opts.blocked ?? []).includes(uri) },
  });
  const register = () => events.emit('account.state', { accountId: 'sip:alice@alpha.test', state: 'registered' });
  if (opts.registered !== false) register();
  const states = (id: string) => seen.filter((e) => e.name === 'chat.state' && (e.payload as { messageId: string }).messageId === id).map((e) => e.payload as { state: string; failure?: string; detail?: string });
  return { pair, chat, history, peer, seen, states, events, register, db, bobSessions };
}

describe('ChatService', () => {
  test('page mode by default: queued → sending → delivered, in order, one conversation per normalised address', async () => {
    const t = setup();
    const m1 = t.chat.send('Bob@BETA.test', 'one');
    const m2 = t.chat.send('sip:Bob@beta.test;transport=tls', 'two');
    const m3 = t.chat.send('sips:Bob@beta.test', 'three');
    assert.equal(m1.state, 'queued');
    assert.equal(m1.conversationId, 'sip:Bob@beta.test');
    assert.equal(m2.conversationId, m1.conversationId);
    assert.equal(m3.conversationId, m1.conversationId);
    await settle();
    assert.deepEqual(t.peer.got, ['one', 'two', 'three']);
    assert.deepEqual(t.states(m1.id).map((s) => s.state), ['sending', 'delivered']);
    assert.equal(t.history.get(m3.id)?.state, 'delivered');
    assert.equal(t.chat.list().length, 1);
    assert.match(t.pair.log[0]!.wire, /^MESSAGE sip:Bob@beta\.test SIP\/2\.0/);
  });

  test('permanent failures carry a reason in plain words (480 offline, 404 no such user, 403 refused)', async () => {
    const t = setup();
    for (const [status, reason, words] of [
      [480, 'offline', /Bob@beta\.test is offline/],
      [404, 'no-such-user', /no user/],
      [403, 'refused', /refused/],
    ] as const) {
      t.peer.page = () => ({ status });
      const m = t.chat.send('Bob@beta.test', `status ${status}`);
      await settle();
      const last = t.states(m.id).at(-1)!;
      assert.equal(last.state, 'failed');
      assert.equal(last.failure, reason);
      assert.match(last.detail!, words);
    }
  });

  test('a transient path failure (503) is retried with backoff, shown as retrying, then delivered once', async () => {
    const t = setup();
    let calls = 0;
    t.peer.page = () => (++calls <= 2 ? { status: 503 } : { status: 200 });
    const m = t.chat.send('bob@beta.test', 'hello');
    const later = t.chat.send('bob@beta.test', 'after');
    await settle();
    assert.equal(t.states(m.id).at(-1)!.state, 'retrying');
    assert.deepEqual(t.peer.got, [], 'the second message waits behind the first (order)');
    t.pair.clock.advance(1000);
    await settle();
    t.pair.clock.advance(2000);
    await settle();
    assert.deepEqual(t.states(m.id).map((s) => s.state), ['sending', 'retrying', 'sending', 'retrying', 'sending', 'delivered']);
    assert.deepEqual(t.peer.got, ['hello', 'after']);
    assert.equal(t.history.get(later.id)?.state, 'delivered');
  });

  test('transient failures for 10 minutes end as timed-out', async () => {
    const t = setup();
    t.peer.page = () => ({ status: 504 });
    const m = t.chat.send('bob@beta.test', 'nobody home');
    for (let i = 0; i < 40; i++) {
      await settle();
      t.pair.clock.advance(30_000);
    }
    await settle();
    const last = t.states(m.id).at(-1)!;
    assert.equal(last.state, 'failed');
    assert.equal(last.failure, 'timed-out');
  });

  test('written while not connected: stays queued, sent once the account is registered', async () => {
    const t = setup({ registered: false });
    const m = t.chat.send('bob@beta.test', 'offline draft');
    await settle();
    assert.deepEqual(t.peer.got, []);
    assert.equal(t.history.get(m.id)?.state, 'queued');
    t.register();
    await settle();
    assert.deepEqual(t.peer.got, ['offline draft']);
    assert.equal(t.history.get(m.id)?.state, 'delivered');
  });

  test('415 to page mode → falls back to an LCS session (Ms-Text-Format) and remembers it', async () => {
    const t = setup();
    t.peer.page = () => ({ status: 415 });
    t.peer.invite = () => ({ status: 200, tookFirstMessage: false });
    const m = t.chat.send('carol@beta.test', 'first');
    await settle();
    assert.equal(t.history.get(m.id)?.state, 'delivered');
    // No Supported: ms-text-format in the 200 → the text came again as the first MESSAGE in the dialog.
    assert.deepEqual(t.peer.got, ['first']);
    assert.equal(t.chat.book.preferredMode('sip:carol@beta.test'), 'session');
    const m2 = t.chat.send('carol@beta.test', 'second');
    await settle();
    assert.equal(t.history.get(m2.id)?.state, 'delivered');
    assert.deepEqual(t.peer.got, ['first', 'second']);
    assert.equal(t.pair.log.filter((e) => e.wire.startsWith('INVITE ')).length, 1, 'the session is reused');
    // Typing inside the session is INFO KeyboardActivity.
    t.chat.typing('carol@beta.test', true);
    await settle();
    assert.match(t.peer.got.at(-1)!, /^INFO .*KeyboardActivity.*status="type"/);
  });

  test('incoming: HTML is sanitised, duplicates are shown once, other types get 415, blocked senders get 480', async () => {
    const t = setup({ blocked: ['sip:mallory@beta.test'] });
    const send = (from: string, type: string, body: string, callId = `c-${Math.random()}`) =>
      t.pair.bobWire.send(
        `MESSAGE sip:alice@127.0.0.1:40000;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.2:5061;branch=z9hG4bK${Math.random().toString(36).slice(2)}\r\nFrom: "Bob" <${from}>;tag=f1\r\nTo: <sip:alice@alpha.test>\r\nCall-ID: ${callId}\r\nCSeq: 5 MESSAGE\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        { transport: 'tls', host: '127.0.0.1', port: 40000 },
      );
    await send('sip:bob@beta.test', 'text/html', '<b onclick="x()">hi</b><script>alert(1)</script><a href="javascript:alert(1)">x</a>', 'dup-1');
    await send('sip:bob@beta.test', 'text/html', '<b onclick="x()">hi</b><script>alert(1)</script><a href="javascript:alert(1)">x</a>', 'dup-1');
    await send('sip:bob@beta.test', 'application/json', '{}');
    await send('sip:mallory@beta.test', 'text/plain', 'spam');
    await settle();
    const incoming = t.seen.filter((e) => e.name === 'chat.message').map((e) => e.payload as { text: string; html?: string; conversationId: string });
    assert.equal(incoming.length, 1, 'the duplicate and the blocked message are not shown');
    assert.equal(incoming[0]!.html, '<b>hi</b><a>x</a>');
    assert.equal(incoming[0]!.text, 'hix');
    const answers = t.pair.log.filter((e) => e.from === 'alice').map((e) => e.wire.slice(0, e.wire.indexOf('\r\n')));
    // Refusals go at once, 200s after the group commit: answers to different transactions come in any order.
    assert.deepEqual(answers.sort(), ['SIP/2.0 200 OK', 'SIP/2.0 200 OK', 'SIP/2.0 415 Unsupported Media Type', 'SIP/2.0 480 Temporarily Unavailable']);
    assert.equal(t.history.messages('sip:mallory@beta.test').length, 0);
  });

  test('opening a conversation with an unknown peer asks it (OPTIONS) and the answer picks the first mode', async () => {
    const t = setup();
    let options = 0;
    t.pair.bob.onRequestMethod('OPTIONS', (request, tx) => {
      options++;
      // A session-only client (LCS style): INVITE, no MESSAGE in Allow.
      tx.respond(createResponse(request, 200, 'OK', { toTag: 'o1', headers: [['Allow', 'INVITE, ACK, CANCEL, BYE, INFO, OPTIONS']] }));
    });
    assert.equal(t.chat.book.preferredMode('sip:erin@beta.test'), 'page');
    t.chat.open('erin@beta.test');
    t.chat.open('erin@beta.test');
    await settle();
    assert.equal(options, 1, 'one probe, even when opened twice');
    assert.equal(t.chat.book.preferredMode('sip:erin@beta.test'), 'session');
    t.chat.open('erin@beta.test');
    await settle();
    assert.equal(options, 1, 'no probe once the mode is known');
    const m = t.chat.send('erin@beta.test', 'hello over a session');
    await settle();
    assert.equal(t.history.get(m.id)?.state, 'delivered');
    assert.equal(t.pair.log.filter((e) => e.from === 'alice' && e.wire.startsWith('INVITE ')).length, 1, 'the first message went as a session');
  });

  test('a contact that refuses isComposing (415) is not sent typing indications again', async () => {
    const t = setup();
    t.peer.page = (r) => (r.header('Content-Type')?.startsWith('application/im-iscomposing+xml') ? { status: 415 } : { status: 200 });
    const isComposingSent = () => t.pair.log.filter((e) => e.from === 'alice' && e.wire.startsWith('MESSAGE ') && e.wire.includes('im-iscomposing')).length;
    t.chat.typing('dave@beta.test', true);
    await settle();
    assert.equal(isComposingSent(), 1);
    t.chat.typing('dave@beta.test', false);
    t.chat.typing('dave@beta.test', true);
    await settle();
    assert.equal(isComposingSent(), 1, 'no more after the 415');
    const m = t.chat.send('dave@beta.test', 'still reachable');
    await settle();
    assert.equal(t.history.get(m.id)?.state, 'delivered');
  });

  test('incoming isComposing → chat.typing true, then false when the message arrives', async () => {
    const t = setup();
    const body = '<?xml version="1.0"?><isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><state>active</state><refresh>60</refresh></isComposing>';
    const msg = (type: string, b: string, n: number) =>
      t.pair.bobWire.send(
        `MESSAGE sip:alice@127.0.0.1:40000 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.2:5061;branch=z9hG4bKt${n}\r\nFrom: <sip:bob@beta.test>;tag=t${n}\r\nTo: <sip:alice@alpha.test>\r\nCall-ID: t${n}\r\nCSeq: 1 MESSAGE\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`,
        { transport: 'tls', host: '127.0.0.1', port: 40000 },
      );
    await msg('application/im-iscomposing+xml', body, 1);
    await settle();
    await msg('text/plain', 'done', 2);
    await settle();
    const typing = t.seen.filter((e) => e.name === 'chat.typing').map((e) => (e.payload as { active: boolean }).active);
    assert.deepEqual(typing, [true, false]);
  });

  test('after a restart, pending messages are sent again from history', async () => {
    const db = openDatabase(':memory:');
    const first = setup({ db, registered: false });
    const m = first.chat.send('bob@beta.test', 'survives');
    await first.chat.close();
    const second = setup({ db });
    await settle();
    assert.deepEqual(second.peer.got, ['survives']);
    assert.equal(second.history.get(m.id)?.state, 'delivered');
  });

  describe('group commit of incoming page-mode messages', () => {
    /** A MESSAGE from bob to alice as raw bytes (branch, Call-ID and From tag from `n`). */
    const wire = (n: number | string, text: string, from = 'sip:bob@beta.test') =>
      `MESSAGE sip:alice@127.0.0.1:40000 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.2:5061;branch=z9hG4bKg${n}\r\nFrom: "Bob" <${from}>;tag=g${n}\r\nTo: <sip:alice@alpha.test>\r\nCall-ID: g${n}\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
    const answersOf = (t: ReturnType<typeof setup>) => t.pair.log.filter((e) => e.from === 'alice').map((e) => e.wire.slice(0, e.wire.indexOf('\r\n')));
    const shown = (t: ReturnType<typeof setup>) => t.seen.filter((e) => e.name === 'chat.message').map((e) => (e.payload as { text: string }).text);

    test('a burst in one turn is one transaction; every 200 leaves only after the commit; order kept; a duplicate of the same burst shown once', async () => {
      let batches = 0;
      const t = setup({
        history: (db) =>
          new (class extends HistoryStore {
            override batch<T>(fn: () => T): T {
              batches++;
              return super.batch(fn);
            }
          })(db),
      });
      // When each answer goes on the wire, how many messages are stored already.
      const storedAtAnswer: number[] = [];
      const push = t.pair.log.push.bind(t.pair.log);
      t.pair.log.push = (...entries) => {
        for (const e of entries) if (e.from === 'alice') storedAtAnswer.push(t.history.messages('sip:bob@beta.test').length);
        return push(...entries);
      };
      for (const [n, text] of [[1, 'one'], [2, 'two'], [1, 'one again (re-sent: same Call-ID, CSeq, From tag)'], [3, 'three']] as const) {
        t.pair.aliceWire.inject(wire(n, text).replace(`branch=z9hG4bKg${n}`, `branch=z9hG4bKg${n}-${text.length}`));
      }
      await Promise.resolve();
      await Promise.resolve();
      assert.deepEqual(answersOf(t), [], 'nothing is answered before the commit');
      assert.equal(t.history.messages('sip:bob@beta.test').length, 0);
      await settle();
      assert.equal(batches, 1);
      assert.deepEqual(answersOf(t), ['SIP/2.0 200 OK', 'SIP/2.0 200 OK', 'SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
      assert.deepEqual(storedAtAnswer, [3, 3, 3, 3]);
      assert.deepEqual(shown(t), ['one', 'two', 'three']);
      assert.deepEqual(t.history.messages('sip:bob@beta.test').map((m) => m.text), ['one', 'two', 'three']);
      assert.equal(t.history.conversation('sip:bob@beta.test')?.unread, 3);
      assert.equal(new Set(t.history.messages('sip:bob@beta.test').map((m) => m.id)).size, 3, 'ids are unique');
    });

    test('a message the store refuses gets 500 and is not shown; the others of its group are stored and answered 200', async () => {
      const t = setup({
        history: (db) =>
          new (class extends HistoryStore {
            override insertIncoming(m: Parameters<HistoryStore['insertIncoming']>[0], key: string, o?: { displayName?: string }): boolean {
              if (m.text === 'poison') throw new Error('disk I/O error');
              return super.insertIncoming(m, key, o);
            }
          })(db),
      });
      t.pair.aliceWire.inject(wire(1, 'before'));
      t.pair.aliceWire.inject(wire(2, 'poison'));
      t.pair.aliceWire.inject(wire(3, 'after'));
      await settle();
      assert.deepEqual(answersOf(t), ['SIP/2.0 200 OK', 'SIP/2.0 500 Server Internal Error', 'SIP/2.0 200 OK']);
      assert.deepEqual(shown(t), ['before', 'after']);
      assert.deepEqual(t.history.messages('sip:bob@beta.test').map((m) => m.text), ['before', 'after']);
    });

    test('a closed database: every queued message gets 500, none is shown', async () => {
      const t = setup();
      t.pair.aliceWire.inject(wire(1, 'one'));
      t.pair.aliceWire.inject(wire(2, 'two'));
      await Promise.resolve();
      t.db.close();
      await settle();
      assert.deepEqual(answersOf(t), ['SIP/2.0 500 Server Internal Error', 'SIP/2.0 500 Server Internal Error']);
      assert.deepEqual(shown(t), []);
    });

    test('close() stores and answers what is queued before it stops', async () => {
      const t = setup();
      t.pair.aliceWire.inject(wire(1, 'last words'));
      await Promise.resolve();
      assert.equal(t.history.messages('sip:bob@beta.test').length, 0);
      await t.chat.close();
      assert.deepEqual(t.history.messages('sip:bob@beta.test').map((m) => m.text), ['last words']);
      await settle();
      assert.deepEqual(answersOf(t), ['SIP/2.0 200 OK']);
    });
  });
});
