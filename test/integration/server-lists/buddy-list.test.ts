// Issue 9, "RLS list": Parley writes its own buddy list. After each contact-list sync the account's rls-services
// document (RFC 4826 §4, over XCAP) holds service sip:<user>-buddies@<domain> with exactly the contacts, next to any
// other client's services; on the next sign-in presence watches the whole list with one SUBSCRIBE (RFC 4662), and a
// contact added meanwhile reaches the running list subscription (the testbed's rls_update_subs on the XCAP write).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppCore } from '../../../electron/core/app-core';
import { buildRlsServices, parseRlsServices, RLS_SERVICES_AUID, RLS_SERVICES_TYPE } from '../../../electron/sip/simple/resource-lists';
import { parseMultipartRelated } from '../../../electron/sip/simple/multipart';
import { parseRlmi } from '../../../electron/sip/simple/rlmi';
import type { RlmiList } from '../../../electron/sip/simple/rlmi';
import { useTestbed } from '../../testbed/harness';
import type { Testbed, TestUser } from '../../testbed/harness';
import { presenceNowOrNext } from '../../support/presence-events';
import { header, initialPresenceSubscribes, newProfile, signIn, until, xcapClientFor } from './support';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

const listUriOf = (u: TestUser) => `sip:${u.user}-buddies@${u.domain}`;

async function services(u: TestUser) {
  const doc = await xcapClientFor(u).get(RLS_SERVICES_AUID);
  assert.ok(doc, 'the rls-services document exists');
  return parseRlsServices(doc.body).services.map(({ xml: _xml, ...rest }) => rest);
}

async function ours(u: TestUser) {
  const s = (await services(u)).find((x) => x.uri === listUriOf(u));
  assert.ok(s, `service ${listUriOf(u)} in the document`);
  return { ...s, entries: [...(s.entries ?? [])].sort((a, b) => a.uri.localeCompare(b.uri)) };
}

/** The RLMI documents of the list NOTIFYs received (multipart/related, RFC 4662 §5). */
function listNotifies(core: AppCore): RlmiList[] {
  return core.trace
    .since(0)
    .filter((e) => e.direction === 'in' && e.text.startsWith('NOTIFY ') && /multipart\/related/i.test(header(e.text, 'Content-Type') ?? ''))
    .map((e) => {
      const body = e.text.slice(e.text.indexOf('\r\n\r\n') + 4);
      return parseRlmi(parseMultipartRelated(header(e.text, 'Content-Type'), body).root.body);
    });
}

async function published(t: { after(fn: () => unknown): void }, u: TestUser, status: 'available' | 'busy'): Promise<void> {
  const core = newProfile(tb, t);
  await signIn(core, u);
  core.presence.setOwn(status);
  await core.presence.publishNow();
}

describe('Parley writes its buddy list (rls-services) from the synced contact list', () => {
  test('the document follows the contacts (added, removed) and keeps a service another client put there', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const x = xcapClientFor(alice);
    // Another client's list, there before Parley signs in.
    const foreign = { uri: `sip:${alice.user}-team@alpha.test`, entries: [{ uri: 'sip:zed@beta.test', displayName: 'Zed' }], packages: ['presence'] };
    await x.put(RLS_SERVICES_AUID, buildRlsServices([foreign]), RLS_SERVICES_TYPE, { createOnly: true });

    const a = newProfile(tb, t);
    await signIn(a, alice);
    await a.serverLists.idle(alice.aor);
    assert.ok((await a.dispatch('contacts.add', { uri: 'bob@beta.test', displayName: 'Bob B.', group: 'Work' })).ok);
    assert.ok((await a.dispatch('contacts.add', { uri: 'carol@alpha.test' })).ok);
    await a.serverLists.idle(alice.aor);
    assert.equal(a.serverLists.buddyListError(alice.aor), undefined);
    assert.deepEqual(await ours(alice), {
      uri: listUriOf(alice),
      entries: [{ uri: 'sip:bob@beta.test', displayName: 'Bob B.' }, { uri: 'sip:carol@alpha.test' }],
      packages: ['presence'],
    });

    assert.ok((await a.dispatch('contacts.remove', { uri: 'carol@alpha.test' })).ok);
    await a.serverLists.idle(alice.aor);
    assert.deepEqual((await ours(alice)).entries, [{ uri: 'sip:bob@beta.test', displayName: 'Bob B.' }]);
    assert.deepEqual((await services(alice)).find((s) => s.uri === foreign.uri), foreign, "the other client's service survived both writes");

    // Nothing changed: the next sync reads the document and leaves it alone.
    const etag = (await x.get(RLS_SERVICES_AUID))!.etag;
    const again = await a.serverLists.sync(alice.aor);
    assert.equal(again?.buddyList?.written, false);
    assert.equal((await x.get(RLS_SERVICES_AUID))!.etag, etag);
  });

  test('next sign-in: one list SUBSCRIBE (eventlist, 200), no individual ones; a contact added later arrives in a list NOTIFY', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const carol = await tb.createUser('alpha.test', { prefix: 'carol', cleanup: t });
    await published(t, bob, 'available');
    await published(t, carol, 'busy');

    // First session: bob is added and synced, which writes the buddy list.
    const dir = mkdtempSync(join(tmpdir(), 'parley-rls-'));
    let firstClosed = false;
    const first = newProfile(tb, { after: (fn) => t.after(() => (firstClosed ? undefined : fn())) }, dir);
    await signIn(first, alice);
    await first.serverLists.idle(alice.aor);
    assert.ok((await first.dispatch('contacts.add', { uri: bob.aor, displayName: 'Bob' })).ok);
    await first.serverLists.idle(alice.aor);
    assert.deepEqual((await ours(alice)).entries, [{ uri: bob.aor, displayName: 'Bob' }]);
    await first.dispatch('account.signOut', { accountId: alice.aor });
    await first.close();
    firstClosed = true;

    // Next sign-in, same profile: the contact list is local from the start and the server already has the list.
    const core = newProfile(tb, t, dir);
    await signIn(core, alice);
    const bobSeen = await presenceNowOrNext(core, bob.aor, (p) => p.availability === 'available', 20_000);
    assert.equal(bobSeen.availability, 'available');
    await core.serverLists.idle(alice.aor);
    const subs = initialPresenceSubscribes(core);
    assert.equal(subs.length, 1, `presence SUBSCRIBEs: ${subs.map((s) => s.text.split('\r\n')[0]).join('; ')}`);
    const list = subs[0]!;
    assert.ok(list.text.startsWith(`SUBSCRIBE ${listUriOf(alice)} `), list.text.split('\r\n')[0]);
    assert.match(header(list.text, 'Supported') ?? '', /\beventlist\b/);
    const callId = header(list.text, 'Call-ID');
    const ok = core.trace.since(0).find((e) => e.direction === 'in' && e.text.startsWith('SIP/2.0 200 ') && header(e.text, 'Call-ID') === callId && /SUBSCRIBE/i.test(header(e.text, 'CSeq') ?? ''));
    assert.ok(ok, 'the list SUBSCRIBE was answered 200');
    assert.ok(
      listNotifies(core).some((l) => l.resources.some((r) => r.uri === bob.aor && r.instances.length > 0)),
      "bob's state came in a list NOTIFY",
    );

    // While the list subscription runs, carol is added: the document is rewritten and the RLS subscribes to her.
    assert.ok((await core.dispatch('contacts.add', { uri: carol.aor })).ok);
    await core.serverLists.idle(alice.aor);
    assert.deepEqual((await ours(alice)).entries.map((e) => e.uri).sort(), [bob.aor, carol.aor].sort());
    await until(
      "carol's state in a list NOTIFY",
      () => listNotifies(core).some((l) => l.uri === listUriOf(alice) && l.resources.some((r) => r.uri === carol.aor && r.instances.some((i) => i.state === 'active'))),
      20_000,
    );
    const carolSeen = await presenceNowOrNext(core, carol.aor, (p) => p.availability === 'busy', 20_000);
    assert.equal(carolSeen.availability, 'busy');
  });

  test('first sign-in: the buddy list the first sync writes takes over from the individual subscriptions', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    await published(t, bob, 'available');
    const a = newProfile(tb, t);
    // Added before the account ever signed in: nothing on the server yet (no resource-lists, no rls-services).
    assert.ok((await a.dispatch('contacts.add', { uri: bob.aor })).ok);
    await signIn(a, alice);
    const seen = await presenceNowOrNext(a, bob.aor, (p) => p.availability === 'available', 20_000);
    assert.equal(seen.availability, 'available');
    await a.serverLists.idle(alice.aor);
    assert.deepEqual((await ours(alice)).entries.map((e) => e.uri), [bob.aor], 'the first sync wrote the buddy list');
    // Whether the first list SUBSCRIBE came before the write (404, individual SUBSCRIBE, then the list again) or
    // after it, presence ends up on the list: a list SUBSCRIBE answered 200 and bob reported in a list NOTIFY…
    const listCallIds = () => initialPresenceSubscribes(a).filter((e) => e.text.startsWith(`SUBSCRIBE ${listUriOf(alice)} `)).map((e) => header(e.text, 'Call-ID'));
    await until(
      'a list SUBSCRIBE answered 200',
      () => a.trace.since(0).some((e) => e.direction === 'in' && e.text.startsWith('SIP/2.0 200 ') && listCallIds().includes(header(e.text, 'Call-ID')) && /SUBSCRIBE/.test(header(e.text, 'CSeq') ?? '')),
      10_000,
    );
    await until('bob in a list NOTIFY', () => listNotifies(a).some((l) => l.resources.some((r) => r.uri === bob.aor && r.instances.length > 0)), 10_000);
    // …and an individual subscription to bob, if one was started meanwhile, has been ended.
    const individual = initialPresenceSubscribes(a).filter((e) => e.text.startsWith(`SUBSCRIBE ${bob.aor} `));
    for (const sub of individual) {
      const callId = header(sub.text, 'Call-ID');
      await until(
        "the individual subscription's un-SUBSCRIBE",
        () => a.trace.since(0).some((e) => e.direction === 'out' && e.text.startsWith('SUBSCRIBE ') && header(e.text, 'Call-ID') === callId && header(e.text, 'Expires')?.trim() === '0'),
        10_000,
      );
    }
    assert.equal(listCallIds().length, individual.length ? 2 : 1, `list SUBSCRIBEs: ${listCallIds().length}, individual: ${individual.length}`);
    t.diagnostic(individual.length ? 'the list URI was refused first (404): individual SUBSCRIBE, then the list' : 'the buddy list was there before the list SUBSCRIBE');
  });
});
