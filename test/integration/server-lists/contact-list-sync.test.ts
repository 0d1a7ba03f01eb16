// Issue 9 step 2 acceptance: the contact list lives in the account's resource-lists document. A contact added in
// one Parley profile appears in a second profile of the same account after sign-in; concurrent edits from both
// profiles are merged (ETag/If-Match, 412 → merge), never overwritten; offline edits sync on the next sign-in.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResourceLists, RESOURCE_LISTS_AUID } from '../../../electron/sip/simple/resource-lists';
import type { ContactList } from '../../../shared/model/contacts';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { newProfile, signIn, until, xcapClientFor } from './support';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

const uris = (l: ContactList) => l.contacts.map((c) => c.uri).sort();

describe('server-side contact list (resource-lists over XCAP)', () => {
  test('added in profile A, it appears in profile B after sign-in, with group and display name', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const a = newProfile(tb, t);
    await signIn(a, alice);
    await a.serverLists.idle(alice.aor);
    const added = await a.dispatch('contacts.add', { uri: 'bob@beta.test', displayName: 'Bob B.', group: 'Work' });
    assert.equal(added.ok, true);
    await a.serverLists.idle(alice.aor);
    // On the server, as RFC 4826 lists: group = list name, display name kept.
    const doc = parseResourceLists((await xcapClientFor(alice).get(RESOURCE_LISTS_AUID))!.body);
    assert.deepEqual(doc.lists.find((l) => l.name === 'Work')?.entries, [{ uri: 'sip:bob@beta.test', displayName: 'Bob B.' }]);

    const b = newProfile(tb, t);
    const changed: ContactList[] = [];
    b.events.subscribe((name, payload) => name === 'contacts.changed' && changed.push(payload as ContactList));
    await signIn(b, alice);
    const list = await until('bob in profile B', async () => {
      const r = await b.dispatch('contacts.list', {});
      return r.ok && uris(r.value as ContactList).includes('sip:bob@beta.test') ? (r.value as ContactList) : undefined;
    });
    assert.deepEqual(list.contacts.find((c) => c.uri === 'sip:bob@beta.test'), { uri: 'sip:bob@beta.test', displayName: 'Bob B.', group: 'Work', blocked: false });
    assert.ok(changed.some((l) => uris(l).includes('sip:bob@beta.test')), 'the UI was told (contacts.changed)');
  });

  test('concurrent edits from both profiles are merged, none is lost', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const a = newProfile(tb, t);
    const b = newProfile(tb, t);
    await signIn(a, alice);
    await signIn(b, alice);
    await Promise.all([a.serverLists.idle(alice.aor), b.serverLists.idle(alice.aor)]);
    // A shared starting point: carol in both.
    await a.dispatch('contacts.add', { uri: 'carol@beta.test', group: 'Friends' });
    await a.serverLists.idle(alice.aor);
    await b.serverLists.sync(alice.aor);
    // Now both edit at the same moment: A adds dave and renames carol, B adds erin and removes nobody.
    await Promise.all([
      (async () => {
        await a.dispatch('contacts.add', { uri: 'dave@beta.test', group: 'Friends' });
        await a.dispatch('contacts.update', { uri: 'carol@beta.test', displayName: 'Carol C.' });
      })(),
      b.dispatch('contacts.add', { uri: 'erin@alpha.test', group: 'Family' }),
    ]);
    await Promise.all([a.serverLists.idle(alice.aor), b.serverLists.idle(alice.aor)]);
    // One more round each, as the next sign-in or edit would do, so both see the final document.
    await a.serverLists.sync(alice.aor);
    await b.serverLists.sync(alice.aor);
    const server = parseResourceLists((await xcapClientFor(alice).get(RESOURCE_LISTS_AUID))!.body);
    const onServer = server.lists.flatMap((l) => l.entries.map((e) => e.uri)).sort();
    assert.deepEqual(onServer, ['sip:carol@beta.test', 'sip:dave@beta.test', 'sip:erin@alpha.test']);
    assert.equal(server.lists.flatMap((l) => l.entries).find((e) => e.uri === 'sip:carol@beta.test')?.displayName, 'Carol C.');
    for (const p of [a, b]) {
      const r = await p.dispatch('contacts.list', {});
      assert.ok(r.ok);
      assert.deepEqual(uris(r.value as ContactList), onServer);
    }
  });

  test('a write that lost the ETag race is merged and retried (412), not overwritten', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const a = newProfile(tb, t);
    await signIn(a, alice);
    await a.dispatch('contacts.add', { uri: 'bob@beta.test' });
    await a.serverLists.idle(alice.aor);
    // Another client writes behind Parley's back (its ETag is now stale).
    const x = xcapClientFor(alice);
    const cur = (await x.get(RESOURCE_LISTS_AUID))!;
    const foreign = cur.body.replace('</list>', '<entry uri="sip:zed@beta.test"><display-name>Zed</display-name></entry></list>');
    await x.put(RESOURCE_LISTS_AUID, foreign, 'application/resource-lists+xml', { ifMatch: cur.etag! });
    // Parley's next push uses the old ETag in its first attempt only if it skipped the read: it reads, merges, writes.
    await a.dispatch('contacts.add', { uri: 'carol@beta.test' });
    await a.serverLists.idle(alice.aor);
    const after = parseResourceLists((await x.get(RESOURCE_LISTS_AUID))!.body).lists.flatMap((l) => l.entries.map((e) => e.uri)).sort();
    assert.deepEqual(after, ['sip:bob@beta.test', 'sip:carol@beta.test', 'sip:zed@beta.test']);
    const r = await a.dispatch('contacts.list', {});
    assert.ok(r.ok && (r.value as ContactList).contacts.some((c) => c.uri === 'sip:zed@beta.test' && c.displayName === 'Zed'));
  });

  test('edits made while signed out are kept locally and pushed at the next sign-in', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const a = newProfile(tb, t);
    await signIn(a, alice);
    await a.dispatch('contacts.add', { uri: 'bob@beta.test' });
    await a.serverLists.idle(alice.aor);
    await a.dispatch('account.signOut', { accountId: alice.aor });
    await a.dispatch('contacts.add', { uri: 'offline@beta.test' });
    await a.dispatch('contacts.remove', { uri: 'bob@beta.test' });
    const x = xcapClientFor(alice);
    const stillOld = parseResourceLists((await x.get(RESOURCE_LISTS_AUID))!.body).lists.flatMap((l) => l.entries.map((e) => e.uri));
    assert.deepEqual(stillOld, ['sip:bob@beta.test'], 'nothing written while signed out');
    await signIn(a, alice);
    await a.serverLists.idle(alice.aor);
    const now = parseResourceLists((await x.get(RESOURCE_LISTS_AUID))!.body).lists.flatMap((l) => l.entries.map((e) => e.uri));
    assert.deepEqual(now, ['sip:offline@beta.test'], 'the offline add and remove reached the server');
  });
});
