// @test-exclusive: stops and restarts a testbed domain, so scripts/test.mjs runs this file alone.
// IM issue acceptance against the two-domain testbed: alice@alpha.test and bob@beta.test (both Parley cores, page
// mode) exchange messages both ways with typing; bob offline → "offline"; 100 messages in a burst arrive in order;
// a restarted core reloads its conversations and finds a word; beta's server down while alice sends → retried,
// delivered exactly once after bob is back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAppCore } from '../../../electron/core/app-core';
import { nodePlatform } from '../../../electron/core/platform/node-platform';
import type { ChatStateChange } from '../../../shared/ipc/contract';
import type { ConversationSummary } from '../../../shared/model/chat';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { finalState, newCore, send, signIn, typing, waitFor } from './im-support';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});
after(async () => {
  await tb?.cleanup();
});

describe('federated chat alpha ↔ beta (page mode)', () => {
  test('messages both ways, typing both ways, states queued → sending → delivered', async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bobUser = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const alice = newCore(tb, t);
    const bob = newCore(tb, t);
    await signIn(alice, aliceUser);
    await signIn(bob, bobUser);

    const m = await send(alice, bobUser.aor, 'Hello Bob, over federation ✓');
    assert.equal(m.state, 'queued');
    assert.equal((await finalState(alice, m.id)).state, 'delivered');
    const got = await waitFor<{ text: string; conversationId: string }>(bob, 'chat.message', (p) => p.text === 'Hello Bob, over federation ✓', 5000);
    assert.equal(got.conversationId, aliceUser.aor);
    const states = alice.log.filter((e) => e.name === 'chat.state' && (e.payload as ChatStateChange).messageId === m.id).map((e) => (e.payload as ChatStateChange).state);
    assert.deepEqual(states, ['sending', 'delivered']);

    const r = await send(bob, aliceUser.aor, 'Hi Alice');
    assert.equal((await finalState(bob, r.id)).state, 'delivered');
    await waitFor(alice, 'chat.message', (p: { text: string }) => p.text === 'Hi Alice', 5000);

    // RFC 3994 isComposing across federation, both directions.
    await alice.dispatch('chat.typing', { conversationId: bobUser.aor, active: true });
    await typing(bob, true);
    await alice.dispatch('chat.typing', { conversationId: bobUser.aor, active: false });
    await typing(bob, false);
    await bob.dispatch('chat.typing', { conversationId: aliceUser.aor, active: true });
    await typing(alice, true);
  });

  test('bob is not signed in: the message fails with the reason "offline"', async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bobUser = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const alice = newCore(tb, t);
    await signIn(alice, aliceUser);
    const m = await send(alice, bobUser.aor, 'are you there?');
    const final = await finalState(alice, m.id);
    assert.equal(final.state, 'failed');
    assert.equal(final.failure, 'offline');
    assert.match(final.detail ?? '', /is offline/);
  });

  test('100 messages sent in a burst arrive in order, each once; after a restart the conversation reloads and search finds a word', async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bobUser = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const alice = newCore(tb, t);
    const bob = newCore(tb, t);
    await signIn(alice, aliceUser);
    await signIn(bob, bobUser);
    const sent = [];
    for (let i = 0; i < 100; i++) sent.push(await send(alice, bobUser.aor, `burst ${i}${i === 42 ? ' zanzibar' : ''}`));
    await finalState(alice, sent[99]!.id, 60_000);
    await waitFor(bob, 'chat.message', (p: { text: string }) => p.text === 'burst 99', 10_000);
    const texts = bob.incoming().map((m) => m.text);
    assert.deepEqual(texts, sent.map((m) => m.text));

    // Restart alice: a new core on the same profile directory.
    await alice.close();
    const again = createAppCore(nodePlatform('cli', alice.profileDir), {});
    t.after(() => again.close());
    const list = await again.dispatch('chat.list', {});
    assert.equal(list.ok, true);
    const conversations = (list as { value: ConversationSummary[] }).value;
    assert.equal(conversations.length, 1);
    assert.equal(conversations[0]!.peer, bobUser.aor);
    const opened = await again.dispatch('chat.open', { peer: bobUser.aor, limit: 1000 });
    assert.equal((opened as { value: { messages: unknown[] } }).value.messages.length, 100);
    const hits = again.chat.search('zanzibar');
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.message.text, 'burst 42 zanzibar');
  });

  test("beta's server is down while alice sends: retried, and delivered exactly once after bob is back", async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bobUser = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    t.after(async () => {
      if (!tb.isDomainUp('beta.test')) await tb.startDomain('beta.test');
    });
    const alice = newCore(tb, t);
    const bob = newCore(tb, t);
    await signIn(alice, aliceUser);
    await signIn(bob, bobUser);

    await tb.stopDomain('beta.test');
    const m = await send(alice, bobUser.aor, 'sent while beta was down');
    await waitFor<ChatStateChange>(alice, 'chat.state', (c) => c.messageId === m.id && c.state === 'retrying', 40_000, 'retrying');
    await tb.startDomain('beta.test');
    // bob's core reconnects on its own (account service backoff) and registers again.
    await waitFor(bob, 'account.state', (s: { state: string }) => s.state === 'registered' && bob.log.filter((e) => e.name === 'account.state' && (e.payload as { state: string }).state === 'registered').length >= 2, 40_000, 'bob registered again');
    const final = await finalState(alice, m.id, 90_000);
    assert.equal(final.state, 'delivered', final.detail);
    await waitFor(bob, 'chat.message', (p: { text: string }) => p.text === 'sent while beta was down', 10_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(bob.incoming().filter((x) => x.text === 'sent while beta was down').length, 1, 'exactly once');
  });
});
