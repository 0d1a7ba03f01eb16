// Issue 9 step 1: each testbed domain serves XCAP (RFC 4825) on loopback — a resource-lists document (RFC 4826)
// is stored and read back with its ETag, a stale If-Match is refused with 412, digest auth is required and a user
// reaches only their own documents.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResourceLists, parseResourceLists, RESOURCE_LISTS_AUID, RESOURCE_LISTS_TYPE } from '../../../electron/sip/simple/resource-lists';
import { XcapClient } from '../../../electron/core/xcap/xcap-client';
import { XcapAuthError, XcapConflictError } from '../../../electron/core/xcap/xcap-errors';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { xcapClientFor, xcapRoot } from './support';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

describe('XCAP server of the testbed', () => {
  test('PUT then GET a resource-lists document with ETag; stale If-Match → 412; DELETE', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const x = xcapClientFor(alice);
    assert.equal(await x.get(RESOURCE_LISTS_AUID), undefined, 'no document yet: 404');
    const doc = buildResourceLists({ lists: [{ name: 'Friends', entries: [{ uri: 'sip:bob@beta.test', displayName: 'Bob & <Co> "B"' }] }] });
    const etag1 = await x.put(RESOURCE_LISTS_AUID, doc, RESOURCE_LISTS_TYPE, { createOnly: true });
    assert.ok(etag1, 'the PUT answers an ETag');
    const got = await x.get(RESOURCE_LISTS_AUID);
    assert.equal(got?.etag, etag1);
    assert.equal(got?.contentType, RESOURCE_LISTS_TYPE);
    assert.deepEqual(parseResourceLists(got!.body), { lists: [{ name: 'Friends', entries: [{ uri: 'sip:bob@beta.test', displayName: 'Bob & <Co> "B"' }] }] });

    const etag2 = await x.put(RESOURCE_LISTS_AUID, buildResourceLists({ lists: [{ name: 'Work', entries: [] }] }), RESOURCE_LISTS_TYPE, { ifMatch: etag1! });
    assert.notEqual(etag2, etag1);
    // A writer still holding the first ETag lost the race: refused, the document is unchanged.
    await assert.rejects(x.put(RESOURCE_LISTS_AUID, doc, RESOURCE_LISTS_TYPE, { ifMatch: etag1! }), XcapConflictError);
    assert.equal((await x.get(RESOURCE_LISTS_AUID))?.etag, etag2);
    await x.delete(RESOURCE_LISTS_AUID, { ifMatch: etag2! });
    assert.equal(await x.get(RESOURCE_LISTS_AUID), undefined);
  });

  test('a wrong password is refused; another user cannot read or write my documents', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const mallory = await tb.createUser('alpha.test', { prefix: 'mallory', cleanup: t });
    await xcapClientFor(alice).put(RESOURCE_LISTS_AUID, buildResourceLists({ lists: [] }), RESOURCE_LISTS_TYPE);
    await assert.rejects(xcapClientFor(alice, 'wrong-password').get(RESOURCE_LISTS_AUID), (e: unknown) => e instanceof XcapAuthError && e.status === 401);
    const intruder = new XcapClient({ root: xcapRoot('alpha.test'), xui: alice.aor, username: mallory.user, password: mallory.password });
    await assert.rejects(intruder.get(RESOURCE_LISTS_AUID), (e: unknown) => e instanceof XcapAuthError && e.status === 403);
    await assert.rejects(intruder.put(RESOURCE_LISTS_AUID, buildResourceLists({ lists: [] }), RESOURCE_LISTS_TYPE), XcapAuthError);
  });

  test('a 1000-entry list (~90 KB) round-trips', async (t) => {
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const entries = Array.from({ length: 1000 }, (_, i) => ({ uri: `sip:c${i}@beta.test`, displayName: `Contact ${i}` }));
    const x = xcapClientFor(bob);
    await x.put(RESOURCE_LISTS_AUID, buildResourceLists({ lists: [{ name: 'Many', entries }] }), RESOURCE_LISTS_TYPE);
    assert.deepEqual(parseResourceLists((await x.get(RESOURCE_LISTS_AUID))!.body).lists[0]!.entries, entries);
  });
});
