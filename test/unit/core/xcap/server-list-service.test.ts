// ServerListService and the buddy list against a local XCAP server (RFC 4825 §7.11 ETags): after each contact-list
// sync the rls-services document is written from the merged list; onBuddyList hears about writes; a buddy list that
// cannot be written is reported without failing the contact sync.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContactStore } from '../../../../electron/core/contacts/contact-store';
import { EventBus } from '../../../../electron/core/event-bus';
import { openDatabase } from '../../../../electron/core/storage/database';
import { ServerListService } from '../../../../electron/core/xcap/server-list-service';
import { buildResourceLists, parseRlsServices, RLS_SERVICES_AUID } from '../../../../electron/sip/simple/resource-lists';

const AOR = 'sip:alice@alpha.test';
const LIST = 'sip:alice-buddies@alpha.test';
/** Documents by AUID (one user); `refuseRls` answers rls-services writes 409 like a server validating them. */
const docs = new Map<string, { body: string; etag: string }>();
let refuseRls = false;
let n = 0;
let server: Server;
let root: string;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auid = /^\/xcap-root\/([^/]+)\/users\//.exec(req.url ?? '')?.[1] ?? '';
      const cur = docs.get(auid);
      if (req.method === 'GET') {
        if (!cur) return void res.writeHead(404).end();
        return void res.writeHead(200, { ETag: `"${cur.etag}"`, 'Content-Type': 'application/xml' }).end(cur.body);
      }
      const ifMatch = req.headers['if-match'];
      if ((req.headers['if-none-match'] === '*' && cur) || (ifMatch !== undefined && ifMatch !== `"${cur?.etag}"`)) return void res.writeHead(412).end();
      if (auid === RLS_SERVICES_AUID && refuseRls) return void res.writeHead(409).end();
      docs.set(auid, { body: Buffer.concat(chunks).toString('utf8'), etag: `e${++n}` });
      res.writeHead(cur ? 200 : 201, { ETag: `"e${n}"` }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/xcap-root`;
});
after(() => server.close());

function setup() {
  docs.clear();
  refuseRls = false;
  const store = new ContactStore(openDatabase(':memory:'));
  const calls: Array<[string, string, boolean]> = [];
  const log: string[] = [];
  const lists = new ServerListService({
    store,
    db: openDatabase(':memory:'),
    events: new EventBus(),
    settings: { root: () => root, debounceMs: 10 },
    log: (l) => log.push(l),
    onBuddyList: (accountId, uri, added) => calls.push([accountId, uri, added]),
  });
  return { store, lists, calls, log };
}

const ourEntries = () => parseRlsServices(docs.get(RLS_SERVICES_AUID)!.body).services.find((s) => s.uri === LIST)?.entries;

describe('ServerListService writes the buddy list after each sync', () => {
  test('from the merged list (server contacts included); onBuddyList on writes only', async () => {
    const { store, lists, calls } = setup();
    store.add(AOR, { uri: 'sip:bob@beta.test', displayName: 'Bob' });
    docs.set('resource-lists', { body: buildResourceLists({ lists: [{ name: 'Work', entries: [{ uri: 'sip:carol@alpha.test' }] }] }), etag: 'r0' });
    const r = await lists.signedIn(AOR, 'pw');
    assert.equal(r?.contacts, 2);
    assert.deepEqual(r?.buddyList, { uri: LIST, written: true, created: true, added: true, entries: 2, conflicts: 0 });
    assert.deepEqual(ourEntries()?.map((e) => e.uri).sort(), ['sip:bob@beta.test', 'sip:carol@alpha.test']);
    assert.deepEqual(calls, [[AOR, LIST, true]]);

    assert.equal((await lists.sync(AOR))?.buddyList?.written, false);
    assert.equal(calls.length, 1, 'no write, no callback');

    store.remove(AOR, 'sip:carol@alpha.test'); // a local edit: debounced sync, then the buddy list
    await lists.idle(AOR);
    assert.deepEqual(ourEntries(), [{ uri: 'sip:bob@beta.test', displayName: 'Bob' }]);
    assert.deepEqual(calls, [[AOR, LIST, true], [AOR, LIST, false]]);
    lists.close();
  });

  test('a buddy list that cannot be written is reported; the contact sync still succeeds', async () => {
    const { store, lists, calls, log } = setup();
    refuseRls = true;
    store.add(AOR, { uri: 'sip:bob@beta.test' });
    const r = await lists.signedIn(AOR, 'pw');
    assert.equal(r?.pushed, true, 'the contact list reached the server');
    assert.ok(docs.has('resource-lists'));
    assert.equal(r?.buddyList, undefined);
    assert.match(r?.buddyListError ?? '', /409/);
    assert.equal(lists.lastError(AOR), undefined);
    assert.match(lists.buddyListError(AOR) ?? '', /409/);
    assert.ok(log.some((l) => /buddy list not written/.test(l)));
    assert.deepEqual(calls, []);

    refuseRls = false; // the next sync writes it and clears the error
    assert.equal((await lists.sync(AOR))?.buddyList?.written, true);
    assert.equal(lists.buddyListError(AOR), undefined);
    lists.close();
  });

  test('a listener that throws is logged and changes nothing', async () => {
    docs.clear();
    const store = new ContactStore(openDatabase(':memory:'));
    const log: string[] = [];
    const lists = new ServerListService({
      store, db: openDatabase(':memory:'), events: new EventBus(), settings: { root: () => root }, log: (l) => log.push(l),
      onBuddyList: () => {
        throw new Error('listener broke');
      },
    });
    store.add(AOR, { uri: 'sip:bob@beta.test' });
    const r = await lists.signedIn(AOR, 'pw');
    assert.equal(r?.buddyList?.written, true);
    assert.equal(r?.buddyListError, undefined);
    assert.ok(log.some((l) => /listener failed: Error: listener broke/.test(l)));
    lists.close();
  });
});
