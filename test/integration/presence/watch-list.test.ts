// Batched presence against the real testbed (RFC 4662): alice@alpha.test's rls-services names
// sip:<alice>-buddies@alpha.test with contacts on beta.test (through the federation path) and on alpha.test;
// Parley sends one SUBSCRIBE with `Supported: eventlist` and learns every state from the RLS's NOTIFYs; a contact
// the RLS lists but never reports gets its own SUBSCRIBE once the list has gone quiet.
// Without a list document the `-buddies` URI gets 404 and Parley falls back to individual subscriptions.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { putBuddyList } from '../../testbed/rls';
import { buildResourceLists, RESOURCE_LISTS_AUID, RESOURCE_LISTS_TYPE } from '../../../electron/sip/simple/resource-lists';
import { initialPresenceSubscribes, newProfile, signIn, until as untilTrue, xcapClientFor } from '../server-lists/support';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

const newCore = (t: { after(fn: () => unknown): void }) => newProfile(tb, t);
const until = (what: string, ok: () => boolean) => untilTrue(what, ok, 15_000);

describe('batched presence through the RLS (RFC 4662)', () => {
  test('one list SUBSCRIBE; states of beta.test and alpha.test contacts arrive through the RLS', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const dan = await tb.createUser('beta.test', { prefix: 'dan', cleanup: t });
    const carol = await tb.createUser('alpha.test', { prefix: 'carol', cleanup: t });
    const listUri = await putBuddyList(alice, [bob.aor, dan.aor, carol.aor]);
    // Parley writes its buddy list from the synced contact list: with the same three in alice's contact list the
    // list put above is what Parley writes too, so the sign-in sync leaves it alone instead of emptying it.
    await xcapClientFor(alice).put(RESOURCE_LISTS_AUID, buildResourceLists({ lists: [{ name: 'Buddies', entries: [bob, dan, carol].map((u) => ({ uri: u.aor })) }] }), RESOURCE_LISTS_TYPE);
    const bobCore = newCore(t);
    await signIn(bobCore, bob);
    bobCore.presence.setOwn('available');
    await bobCore.presence.publishNow();
    const carolCore = newCore(t);
    await signIn(carolCore, carol);
    carolCore.presence.setOwn('busy');
    await carolCore.presence.publishNow();

    const core = newCore(t);
    core.presence.watch([bob.aor, dan.aor, carol.aor]);
    await signIn(core, alice);
    const row = (uri: string) => core.presence.list().find((p) => p.uri === uri);
    await until('bob available', () => row(bob.aor)?.availability === 'available');
    await until('carol busy', () => row(carol.aor)?.availability === 'busy');
    // dan publishes nothing: the back-end NOTIFY has no body, and Kamailio 5.6's rls then lists the resource
    // without any <instance> (no state known). Once the list has brought nothing new for a while, Parley subscribes
    // to dan directly and learns "active, nothing published": offline. bob and carol stay with the list.
    await until('dan known through his own SUBSCRIBE', () => row(dan.aor)?.reason === 'ok');
    assert.equal(row(dan.aor)?.availability, 'offline');
    const subs = initialPresenceSubscribes(core);
    assert.deepEqual(subs.map((s) => s.text.split(' ')[1]), [listUri, dan.aor], 'the list, then dan alone');
    assert.match(subs[0]!.text, /\r\nSupported: eventlist\r\n/);
    assert.doesNotMatch(subs[1]!.text, /\r\nSupported: eventlist\r\n/);
    const notify = core.trace.since().find((e) => e.direction === 'in' && e.text.startsWith('NOTIFY ') && /multipart\/related/i.test(e.text));
    assert.ok(notify, 'a multipart/related NOTIFY arrived');

    // bob goes away: the RLS passes it on.
    bobCore.presence.setOwn('away');
    await bobCore.presence.publishNow();
    await until('bob away', () => row(bob.aor)?.availability === 'away');

    // Signing out ends the list subscription and dan's (RFC 6665 §4.1.2.3), so the RLS drops its back-end ones.
    await core.dispatch('account.signOut', { accountId: alice.aor });
    const ended = core.trace.since().filter((e) => e.direction === 'out' && e.text.startsWith('SUBSCRIBE ') && /\r\nExpires: 0\r\n/.test(e.text) && /\r\nEvent: presence\r\n/.test(e.text));
    const to = (e: { text: string }) => /\r\nTo: [^\r]*<([^>]+)>/.exec(e.text)?.[1];
    assert.deepEqual(ended.map(to).sort(), [listUri, dan.aor].sort());
  });

  test('no rls-services document: 404 for the list URI, then individual subscriptions', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const core = newCore(t);
    core.presence.watch([bob.aor]);
    await signIn(core, alice);
    const row = () => core.presence.list().find((p) => p.uri === bob.aor);
    await until('bob known', () => row()?.reason === 'ok');
    const list = core.trace.since().find((e) => e.direction === 'in' && /^SIP\/2\.0 404 /.test(e.text) && /-buddies@alpha\.test/.test(e.text));
    assert.ok(list, '404 for the list URI');
    assert.ok(initialPresenceSubscribes(core).some((s) => s.text.startsWith(`SUBSCRIBE ${bob.aor} `)));
  });
});
