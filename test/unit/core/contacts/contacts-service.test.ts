// ContactsService (which account the contract's contacts.* act on), ActiveAccount, and the contacts.* and
// history.* commands through a real AppCore with a temporary profile.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../../../electron/core/app-core';
import type { AppCore } from '../../../../electron/core/app-core';
import { ActiveAccount } from '../../../../electron/core/contacts/active-account';
import { ContactStore } from '../../../../electron/core/contacts/contact-store';
import { ContactsService, LOCAL_ACCOUNT } from '../../../../electron/core/contacts/contacts-service';
import { EventBus } from '../../../../electron/core/event-bus';
import { nodePlatform } from '../../../../electron/core/platform/node-platform';
import { AccountStore } from '../../../../electron/core/settings/account-store';
import { openDatabase } from '../../../../electron/core/storage/database';
import type { ContactList } from '../../../../shared/model/contacts';
import type { IpcResult } from '../../../../shared/ipc/result';

const ALICE = 'sip:alice@alpha.test';
const ZOE = 'sip:zoe@alpha.test';

function profile(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-contacts-ipc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function value<T>(result: IpcResult<unknown>): T {
  assert.equal(result.ok, true, JSON.stringify(result));
  return (result as { ok: true; value: T }).value;
}

function errorOf(result: IpcResult<unknown>): { code: string; message: string } {
  assert.equal(result.ok, false, JSON.stringify(result));
  return (result as { ok: false; error: { code: string; message: string } }).error;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ActiveAccount', () => {
  test('follows account.state: registered makes an account active, sign-out/failure of it ends that; last used stays', () => {
    const events = new EventBus();
    const active = new ActiveAccount(events);
    const seen: (string | undefined)[] = [];
    active.onChange((id) => seen.push(id));
    assert.equal(active.current(), undefined);
    events.emit('account.state', { accountId: ALICE, state: 'connecting' });
    assert.equal(active.current(), undefined);
    events.emit('account.state', { accountId: ALICE, state: 'registered' });
    events.emit('account.state', { accountId: ALICE, state: 'reconnecting' });
    assert.equal(active.current(), ALICE, 'reconnecting keeps the account');
    events.emit('account.state', { accountId: ZOE, state: 'failed' });
    assert.equal(active.current(), ALICE, 'another account failing does not matter');
    events.emit('account.state', { accountId: ALICE, state: 'signed-out' });
    assert.equal(active.current(), undefined);
    assert.equal(active.lastUsed(), ALICE);
    assert.deepEqual(seen, [ALICE, undefined]);
    active.dispose();
    events.emit('account.state', { accountId: ZOE, state: 'registered' });
    assert.equal(active.current(), undefined, 'disposed: no longer listening');
  });
});

describe('ContactsService', () => {
  test('acts on the signed-in account, else the last used one, else local; local contacts move to the first account', async () => {
    const store = new ContactStore(openDatabase(':memory:'));
    const who: { active?: string; lastUsed?: string } = {};
    const events = new EventBus();
    const pushed: ContactList[] = [];
    events.subscribe((name, payload) => name === 'contacts.changed' && pushed.push(payload as ContactList));
    const service = new ContactsService({ store, activeAccountId: () => who.active, lastUsedAccountId: async () => who.lastUsed, events });

    assert.equal(await service.accountId(), LOCAL_ACCOUNT);
    await service.add({ uri: 'bob@beta.test', group: 'Friends' });
    await settle();
    assert.equal(pushed.length, 1, 'a new group and a new contact: one coalesced event');
    assert.deepEqual(pushed[0], { groups: ['Friends'], contacts: [{ uri: 'sip:bob@beta.test', group: 'Friends', blocked: false }] });

    who.lastUsed = ALICE;
    assert.equal(await service.accountId(), ALICE);
    assert.deepEqual(store.list(LOCAL_ACCOUNT).contacts, [], 'handed over');
    assert.deepEqual((await service.list()).contacts.map((c) => c.uri), ['sip:bob@beta.test']);

    who.active = ZOE;
    assert.deepEqual(await service.list(), { groups: [], contacts: [] }, 'the signed-in account has its own list');
    pushed.length = 0;
    store.add(ALICE, { uri: 'carol@gamma.test' });
    await settle();
    assert.equal(pushed.length, 0, 'a change to an account not shown is not pushed');
    await assert.rejects(service.update({ uri: 'sip:bob@beta.test', blocked: true }), /bob@beta\.test is not in your contacts/, 'bob is in alice’s list, not zoe’s');
    await service.add({ uri: 'erin@epsilon.test' });
    await assert.rejects(service.update({ uri: 'ERIN@epsilon.test', blocked: true }), /not in your contacts/, 'the user part is case-sensitive');
    await service.update({ uri: 'erin@EPSILON.test', displayName: 'Erin', group: 'Work', blocked: true });
    await settle();
    assert.deepEqual(pushed.at(-1), { groups: ['Contacts', 'Work'], contacts: [{ uri: 'sip:erin@epsilon.test', displayName: 'Erin', group: 'Work', blocked: true }] });
    await service.renameGroup('work', 'Office');
    await service.remove('erin@epsilon.test');
    assert.deepEqual(store.list(ZOE), { groups: ['Contacts', 'Office'], contacts: [] });
    service.dispose();
  });
});

describe('contacts.* and history.* through the app core', () => {
  function core(dir: string): AppCore {
    return createAppCore(nodePlatform('cli', dir));
  }

  test('contacts commands: add, validation errors, update, rename group, remove, events; the list survives a restart', async (t) => {
    const dir = profile(t);
    // Signed out, with an account saved by an earlier sign-in: the list is that account's.
    await new AccountStore(dir).save([{ id: ALICE, aor: ALICE, displayName: 'Alice', transport: 'tls', rememberPassword: false }]);
    let c = core(dir);
    const changed: ContactList[] = [];
    c.events.subscribe((name, payload) => name === 'contacts.changed' && changed.push(payload as ContactList));

    assert.deepEqual(value(await c.dispatch('contacts.list', {})), { groups: [], contacts: [] });
    assert.deepEqual(value(await c.dispatch('contacts.add', { uri: 'Bob@Beta.Test', displayName: 'Bob', group: 'Friends' })), { uri: 'sip:Bob@beta.test', displayName: 'Bob', group: 'Friends', blocked: false });
    await settle();
    assert.deepEqual(changed.at(-1), { groups: ['Friends'], contacts: [{ uri: 'sip:Bob@beta.test', displayName: 'Bob', group: 'Friends', blocked: false }] });

    const invalid = errorOf(await c.dispatch('contacts.add', { uri: 'bob at beta' }));
    assert.equal(invalid.code, 'invalid-payload');
    assert.match(invalid.message, /not a SIP address/);
    assert.match(errorOf(await c.dispatch('contacts.add', { uri: 'sip:Bob@beta.test;transport=tls' })).message, /already in your contacts/);
    assert.match(errorOf(await c.dispatch('contacts.renameGroup', { from: 'Nope', to: 'X' })).message, /no group "Nope"/);
    assert.match(errorOf(await c.dispatch('contacts.update', { uri: 'nobody@x.test', blocked: true })).message, /not in your contacts/);
    assert.equal(errorOf(await c.dispatch('contacts.add', { uri: 'x' })).code, 'invalid-payload', 'the contract refuses too-short input first');

    assert.deepEqual(value(await c.dispatch('contacts.update', { uri: 'sip:Bob@beta.test', group: 'Work', blocked: true })), { uri: 'sip:Bob@beta.test', displayName: 'Bob', group: 'Work', blocked: true });
    assert.deepEqual(value(await c.dispatch('contacts.renameGroup', { from: 'work', to: 'Office' })), {});
    value(await c.dispatch('contacts.add', { uri: 'carol@gamma.test' }));
    assert.deepEqual(value(await c.dispatch('contacts.remove', { uri: 'carol@gamma.test' })), {});
    assert.equal(c.contacts.store.isBlocked(ALICE, 'sip:Bob@beta.test'), true, 'stored under the last-used account');
    await c.close();

    c = core(dir);
    t.after(() => c.close());
    assert.deepEqual(value(await c.dispatch('contacts.list', {})), {
      groups: ['Friends', 'Office', 'Contacts'],
      contacts: [{ uri: 'sip:Bob@beta.test', displayName: 'Bob', group: 'Office', blocked: true }],
    });
  });

  test('history commands: search, export, delete; bad input is a clear error; history survives a restart', async (t) => {
    const dir = profile(t);
    let c = core(dir);
    const bob = 'sip:bob@beta.test';
    c.history.appendOutgoing({ id: 'o1', conversationId: bob, direction: 'out', text: 'the quarterly report is ready', at: Date.UTC(2024, 0, 2), state: 'delivered' });
    c.history.insertIncoming({ id: 'i1', conversationId: bob, direction: 'in', text: 'thanks for the report', at: Date.UTC(2024, 0, 2, 0, 1), state: 'delivered' }, 'k1', { displayName: 'Bob' });
    c.history.appendOutgoing({ id: 'o2', conversationId: 'sip:carol@gamma.test', direction: 'out', text: 'report for carol', at: Date.UTC(2024, 0, 3), state: 'delivered' });
    await c.close();

    c = core(dir);
    t.after(() => c.close());
    const hits = value<{ message: { id: string }; snippet: string }[]>(await c.dispatch('history.search', { query: 'repo' }));
    assert.deepEqual(hits.map((h) => h.message.id), ['o2', 'i1', 'o1']);
    assert.equal(hits[1]!.snippet, 'thanks for the «report»');
    assert.deepEqual(value<{ message: { id: string } }[]>(await c.dispatch('history.search', { query: 'report', conversationId: bob, limit: 1 })).map((h) => h.message.id), ['i1']);
    assert.deepEqual(value(await c.dispatch('history.search', { query: 'NEAR("' })), []);
    assert.equal(errorOf(await c.dispatch('history.search', { query: '' })).code, 'invalid-payload');

    const file = value<{ filename: string; content: string }>(await c.dispatch('history.export', { conversationId: bob, format: 'text' }));
    assert.match(file.filename, /^parley-bob@beta\.test-\d{4}-\d{2}-\d{2}\.txt$/);
    assert.equal(file.content, '2024-01-02T00:00:00.000Z out me: the quarterly report is ready\n2024-01-02T00:01:00.000Z in Bob: thanks for the report\n');
    const json = value<{ content: string }>(await c.dispatch('history.export', { conversationId: bob, format: 'json' }));
    assert.deepEqual((JSON.parse(json.content) as { messages: { id: string }[] }).messages.map((m) => m.id), ['o1', 'i1']);
    const unknown = errorOf(await c.dispatch('history.export', { conversationId: 'sip:nobody@x.test', format: 'text' }));
    assert.equal(unknown.code, 'invalid-payload');
    assert.match(unknown.message, /no conversation with nobody@x\.test/);

    assert.deepEqual(value(await c.dispatch('history.delete', { conversationId: bob })), {});
    assert.deepEqual(value(await c.dispatch('history.delete', { conversationId: bob })), {}, 'deleting again is fine');
    assert.deepEqual(value<{ message: { id: string } }[]>(await c.dispatch('history.search', { query: 'report' })).map((h) => h.message.id), ['o2']);
    assert.deepEqual(c.history.conversations().map((s) => s.id), ['sip:carol@gamma.test']);
  });
});
