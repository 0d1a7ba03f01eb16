// IM and presence acceptance with a *third-party* standards client as the contact: bob@beta.test is baresip
// (over TLS, through beta's Kamailio), alice@alpha.test is a Parley core. Page-mode MESSAGE both ways, and
// bob's presence changes reaching alice across the federation link within 1 s of the change.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../shared/model/chat';
import { startBaresip } from '../../testbed/peers/baresip';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { finalState, newCore, send, signIn, waitFor } from '../im/im-support';
import { nextPresenceAt } from '../../support/presence-events';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});
after(async () => {
  await tb?.cleanup();
});


describe('a baresip contact on beta.test', () => {
  test('page-mode messages both ways between Parley (alice) and baresip (bob)', async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bobUser = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const bob = await startBaresip(tb, bobUser, { contacts: [aliceUser.aor], cleanup: t });
    const alice = newCore(tb, t);
    await signIn(alice, aliceUser);

    const sent = await send(alice, bobUser.aor, 'Hello bob — from Parley ✓');
    assert.equal((await finalState(alice, sent.id)).state, 'delivered');
    const got = await bob.waitForMessage((m) => m.text.includes('from Parley'), 10_000);
    assert.equal(got.text, 'Hello bob — from Parley ✓');

    await bob.sendMessage(aliceUser.aor, 'Hi alice, baresip here');
    const incoming = await waitFor<ChatMessage>(alice, 'chat.message', (m) => m.direction === 'in' && m.text === 'Hi alice, baresip here', 10_000, 'bob’s message');
    assert.equal(incoming.conversationId, bobUser.aor);
  });

  test('bob goes Online → Offline → Online in baresip: each reaches alice within 1 s of the change', async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bobUser = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const bob = await startBaresip(tb, bobUser, { presence: true, cleanup: t });
    const alice = newCore(tb, t);
    await signIn(alice, aliceUser);
    const online = nextPresenceAt(alice, bobUser.aor, (p) => p.availability === 'available', 15_000);
    // Watched directly, not as a contact: adding a contact writes alice's buddy list, and presence then goes through
    // alpha's resource list server, which passes changes on in batches (Kamailio's waitn_time, 1 s here) — the RLS's
    // pace, not Parley's. This measures the individual subscription across the federation link.
    alice.presence.watch([bobUser.aor]);
    await online;

    for (const [state, availability] of [['offline', 'offline'], ['online', 'available']] as const) {
      const seen = nextPresenceAt(alice, bobUser.aor, (p) => p.availability === availability);
      // Measured from the moment the change is made in baresip (stricter than from beta's 200 to the PUBLISH).
      const changed = performance.now();
      await bob.setPresence(state);
      const { at } = await seen;
      assert.ok(at - changed < 1000, `${state} reached alice ${Math.round(at - changed)} ms after bob changed it`);
    }
  });
});
