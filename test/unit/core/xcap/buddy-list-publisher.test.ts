// The buddy-list publisher against an in-memory XCAP document store with RFC 4825 §7.11 ETag semantics: what it
// writes, when it does not write, what it keeps, and how it resolves a lost race (412).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BuddyListDocumentError, publishBuddyList } from '../../../../electron/core/xcap/buddy-list-publisher';
import type { BuddyListXcap } from '../../../../electron/core/xcap/buddy-list-publisher';
import type { XcapDocument, XcapWriteOptions } from '../../../../electron/core/xcap/xcap-client';
import { XcapConflictError, XcapError } from '../../../../electron/core/xcap/xcap-errors';
import { buildRlsServices, parseRlsServices, RLS_SERVICES_AUID, RLS_SERVICES_TYPE } from '../../../../electron/sip/simple/resource-lists';

const AOR = 'sip:alice@alpha.test';
const LIST = 'sip:alice-buddies@alpha.test';

/** One user's documents; `beforePut` runs before each write is checked (another client writing meanwhile). */
class FakeXcap implements BuddyListXcap {
  docs = new Map<string, { body: string; etag: string }>();
  puts: { auid: string; body: string; contentType: string; options: XcapWriteOptions }[] = [];
  beforePut: (() => void) | undefined;
  #n = 0;

  store(auid: string, body: string): void {
    this.docs.set(auid, { body, etag: `e${++this.#n}` });
  }

  async get(auid: string): Promise<XcapDocument | undefined> {
    const d = this.docs.get(auid);
    return d ? { body: d.body, etag: d.etag, contentType: RLS_SERVICES_TYPE } : undefined;
  }

  async put(auid: string, body: string, contentType: string, options: XcapWriteOptions = {}): Promise<string | undefined> {
    this.puts.push({ auid, body, contentType, options });
    this.beforePut?.();
    const cur = this.docs.get(auid);
    if (options.createOnly && cur) throw new XcapConflictError('exists', 412);
    if (options.ifMatch !== undefined && cur?.etag !== options.ifMatch) throw new XcapConflictError('changed', 412);
    this.store(auid, body);
    return this.docs.get(auid)!.etag;
  }
}

const services = (x: FakeXcap) => parseRlsServices(x.docs.get(RLS_SERVICES_AUID)!.body).services.map(({ xml: _xml, ...rest }) => rest);

describe('publishBuddyList (RFC 4826 §4 service for the contact list)', () => {
  test('no document: created with If-None-Match, one service with every contact (names kept, duplicates once)', async () => {
    const x = new FakeXcap();
    const r = await publishBuddyList(x, AOR, [{ uri: 'sip:bob@beta.test', displayName: 'Bob' }, { uri: 'sip:carol@alpha.test' }, { uri: 'sip:bob@beta.test' }]);
    assert.deepEqual(r, { uri: LIST, written: true, created: true, added: true, entries: 2, conflicts: 0 });
    assert.deepEqual(x.puts.map((p) => [p.auid, p.contentType, p.options]), [[RLS_SERVICES_AUID, RLS_SERVICES_TYPE, { createOnly: true }]]);
    assert.deepEqual(services(x), [{ uri: LIST, entries: [{ uri: 'sip:bob@beta.test', displayName: 'Bob' }, { uri: 'sip:carol@alpha.test' }], packages: ['presence'] }]);
  });

  test('no document and no contacts: nothing to serve, nothing written', async () => {
    const x = new FakeXcap();
    assert.deepEqual(await publishBuddyList(x, AOR, []), { uri: LIST, written: false, created: false, added: false, entries: 0, conflicts: 0 });
    assert.equal(x.puts.length, 0);
  });

  test('unchanged (in any order) is not written; a change or a removal is, with If-Match; the last contact removed leaves an empty list', async () => {
    const x = new FakeXcap();
    await publishBuddyList(x, AOR, [{ uri: 'sip:bob@beta.test', displayName: 'Bob' }, { uri: 'sip:carol@alpha.test' }]);
    const etag = x.docs.get(RLS_SERVICES_AUID)!.etag;
    assert.equal((await publishBuddyList(x, AOR, [{ uri: 'sip:carol@alpha.test' }, { uri: 'sip:bob@beta.test', displayName: 'Bob' }])).written, false);
    assert.equal(x.puts.length, 1);
    const renamed = await publishBuddyList(x, AOR, [{ uri: 'sip:bob@beta.test', displayName: 'Bobby' }, { uri: 'sip:carol@alpha.test' }]);
    assert.deepEqual(renamed, { uri: LIST, written: true, created: false, added: false, entries: 2, conflicts: 0 });
    assert.deepEqual(x.puts[1]!.options, { ifMatch: etag });
    await publishBuddyList(x, AOR, [{ uri: 'sip:carol@alpha.test' }]);
    assert.deepEqual(services(x), [{ uri: LIST, entries: [{ uri: 'sip:carol@alpha.test' }], packages: ['presence'] }]);
    await publishBuddyList(x, AOR, []);
    assert.deepEqual(services(x), [{ uri: LIST, entries: [], packages: ['presence'] }]);
  });

  test("other clients' services are kept whole; a duplicate of ours and a reference with our URI are replaced", async () => {
    const x = new FakeXcap();
    const foreign = `<rls-services xmlns="urn:ietf:params:xml:ns:rls-services" xmlns:rl="urn:ietf:params:xml:ns:resource-lists" xmlns:x="urn:example:ext">
      <service uri="sip:team@alpha.test"><list name="team"><rl:entry uri="sip:dave@alpha.test"/><rl:external anchor="http://x/y"/></list><packages><package>presence</package></packages><x:tag>keep</x:tag></service>
      <service uri="SIP:alice-buddies@ALPHA.test"><resource-list>http://x/old</resource-list></service>
      <service uri="sip:Alice-buddies@alpha.test"><resource-list>http://x/someone-else</resource-list></service>
      <service uri="sip:other@alpha.test"><resource-list>http://x/z</resource-list></service>
      <service uri="sip:alice-buddies@alpha.test"><list/></service>
    </rls-services>`;
    x.store(RLS_SERVICES_AUID, foreign);
    const r = await publishBuddyList(x, AOR, [{ uri: 'sip:bob@beta.test' }]);
    assert.equal(r.written, true);
    assert.equal(r.added, false, 'a service with our URI was there: not a new list');
    assert.deepEqual(services(x), [
      { uri: 'sip:team@alpha.test', entries: [{ uri: 'sip:dave@alpha.test' }], packages: ['presence'] },
      { uri: LIST, entries: [{ uri: 'sip:bob@beta.test' }], packages: ['presence'] },
      { uri: 'sip:Alice-buddies@alpha.test', resourceList: 'http://x/someone-else' }, // user parts compare exactly
      { uri: 'sip:other@alpha.test', resourceList: 'http://x/z' },
    ]);
    const body = x.docs.get(RLS_SERVICES_AUID)!.body;
    assert.match(body, /<tag xmlns="urn:example:ext">keep<\/tag>/);
    assert.match(body, /<external xmlns="urn:ietf:params:xml:ns:resource-lists" anchor="http:\/\/x\/y"\/>/);
  });

  test('a lost race (412) is read again and merged: the other writer’s new service survives', async () => {
    const x = new FakeXcap();
    x.store(RLS_SERVICES_AUID, buildRlsServices([{ uri: 'sip:team@alpha.test', entries: [] }]));
    let raced = false;
    x.beforePut = () => {
      if (raced) return;
      raced = true;
      x.store(RLS_SERVICES_AUID, buildRlsServices([{ uri: 'sip:team@alpha.test', entries: [] }, { uri: 'sip:new@alpha.test', resourceList: 'http://x/n' }]));
    };
    const r = await publishBuddyList(x, AOR, [{ uri: 'sip:bob@beta.test' }]);
    assert.deepEqual(r, { uri: LIST, written: true, created: false, added: true, entries: 1, conflicts: 1 });
    assert.deepEqual(services(x).map((s) => s.uri), ['sip:team@alpha.test', 'sip:new@alpha.test', LIST]);
  });

  test('two clients creating at once: If-None-Match loses, the second attempt keeps the other document', async () => {
    const x = new FakeXcap();
    x.beforePut = () => {
      if (!x.docs.has(RLS_SERVICES_AUID)) x.store(RLS_SERVICES_AUID, buildRlsServices([{ uri: 'sip:team@alpha.test', entries: [] }]));
    };
    const r = await publishBuddyList(x, AOR, [{ uri: 'sip:bob@beta.test' }]);
    assert.deepEqual(r, { uri: LIST, written: true, created: false, added: true, entries: 1, conflicts: 1 });
    assert.deepEqual(services(x).map((s) => s.uri), ['sip:team@alpha.test', LIST]);
  });

  test('a document that keeps changing: bounded attempts, then a typed error', async () => {
    const x = new FakeXcap();
    x.store(RLS_SERVICES_AUID, buildRlsServices([]));
    x.beforePut = () => x.store(RLS_SERVICES_AUID, buildRlsServices([]));
    await assert.rejects(publishBuddyList(x, AOR, [{ uri: 'sip:bob@beta.test' }], { maxAttempts: 3 }), (e: unknown) => e instanceof XcapError && e.status === 412);
    assert.equal(x.puts.length, 3);
  });

  test('an unreadable or foreign document is left alone, with the reason', async () => {
    for (const bad of ['<rls-services xmlns="urn:ietf:params:xml:ns:rls-services"><service', '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"/>']) {
      const x = new FakeXcap();
      x.store(RLS_SERVICES_AUID, bad);
      await assert.rejects(publishBuddyList(x, AOR, [{ uri: 'sip:bob@beta.test' }]), (e: unknown) => e instanceof BuddyListDocumentError && /cannot be read/.test(e.message));
      assert.equal(x.puts.length, 0);
      assert.equal(x.docs.get(RLS_SERVICES_AUID)!.body, bad);
    }
    assert.ok(new BuddyListDocumentError('x') instanceof XcapError, 'reported like every XCAP failure');
  });

  test('an address with no list URI is refused', async () => {
    await assert.rejects(publishBuddyList(new FakeXcap(), 'nonsense', []), XcapError);
  });
});
