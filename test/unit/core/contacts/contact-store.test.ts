// Contact store (presence issue item 4): groups and contacts per account, validation, block lists, change
// notifications, migrations and persistence.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContactError } from '../../../../electron/core/contacts/contact-errors';
import type { ContactErrorCode } from '../../../../electron/core/contacts/contact-errors';
import { ContactStore, DEFAULT_GROUP } from '../../../../electron/core/contacts/contact-store';
import type { ContactChange } from '../../../../electron/core/contacts/contact-store';
import { openDatabase } from '../../../../electron/core/storage/database';

const A = 'sip:alice@alpha.test';
const B = 'sip:zoe@alpha.test';

function store(): ContactStore {
  return new ContactStore(openDatabase(':memory:'));
}

const fails = (code: ContactErrorCode, message?: RegExp) => (e: unknown) => e instanceof ContactError && e.code === code && (!message || message.test(e.message));

describe('contact store', () => {
  test('add normalises the address, defaults the group, and lists groups in order with their contacts', () => {
    const s = store();
    assert.deepEqual(s.add(A, { uri: 'Bob@Beta.TEST;transport=tls', displayName: '  Bob  ' }), { uri: 'sip:Bob@beta.test', displayName: 'Bob', group: DEFAULT_GROUP, blocked: false });
    s.add(A, { uri: 'carol@gamma.test', group: 'Work' });
    s.add(A, { uri: 'sip:amy@gamma.test', group: 'Work', displayName: 'Amy' });
    s.add(A, { uri: 'dave@delta.test', group: 'family' });
    assert.deepEqual(s.list(A), {
      groups: [DEFAULT_GROUP, 'Work', 'family'],
      contacts: [
        { uri: 'sip:Bob@beta.test', displayName: 'Bob', group: DEFAULT_GROUP, blocked: false },
        { uri: 'sip:amy@gamma.test', displayName: 'Amy', group: 'Work', blocked: false },
        { uri: 'sip:carol@gamma.test', group: 'Work', blocked: false },
        { uri: 'sip:dave@delta.test', group: 'family', blocked: false },
      ],
    });
    assert.deepEqual(s.get(A, 'sips:carol@GAMMA.test'), { uri: 'sip:carol@gamma.test', group: 'Work', blocked: false });
    assert.equal(s.get(A, 'nobody@x.test'), undefined);
    assert.equal(s.size(A), 4);
  });

  test('lists are per account', () => {
    const s = store();
    s.add(A, { uri: 'bob@beta.test' });
    s.add(B, { uri: 'carol@gamma.test', group: 'Zoe’s' });
    assert.deepEqual(s.list(A).contacts.map((c) => c.uri), ['sip:bob@beta.test']);
    assert.deepEqual(s.list(B), { groups: ['Zoe’s'], contacts: [{ uri: 'sip:carol@gamma.test', group: 'Zoe’s', blocked: false }] });
    assert.deepEqual(s.list('sip:nobody@alpha.test'), { groups: [], contacts: [] });
    // The same address may be a contact of both accounts.
    assert.doesNotThrow(() => s.add(B, { uri: 'bob@beta.test' }));
  });

  test('validation: invalid address, duplicate (any spelling), bad names, unknown contact — and nothing changes', () => {
    const s = store();
    s.add(A, { uri: 'bob@beta.test' });
    const before = JSON.stringify(s.list(A));
    assert.throws(() => s.add(A, { uri: 'not an address' }), fails('invalid-address'));
    assert.throws(() => s.add(A, { uri: 'SIP:bob@BETA.test;lr' }), fails('duplicate-contact', /bob@beta\.test is already in your contacts/));
    assert.throws(() => s.add(A, { uri: 'x@beta.test', group: '   ' }), fails('invalid-name', /group name is empty/));
    assert.throws(() => s.add(A, { uri: 'x@beta.test', group: 'g'.repeat(257) }), fails('invalid-name', /longer than 256/));
    assert.throws(() => s.add(A, { uri: 'x@beta.test', displayName: 'evil\u202Eexe.txt' }), fails('invalid-name', /text-direction/));
    assert.throws(() => s.add(A, { uri: 'x@beta.test', displayName: 'two\nlines' }), fails('invalid-name', /control/));
    assert.throws(() => s.update(A, 'carol@gamma.test', { displayName: 'C' }), fails('unknown-contact', /carol@gamma\.test is not in your contacts/));
    assert.throws(() => s.remove(A, 'carol@gamma.test'), fails('unknown-contact'));
    assert.throws(() => s.update(A, 'bob@beta.test', { group: '' }), fails('invalid-name'));
    assert.equal(JSON.stringify(s.list(A)), before, 'a refused call changed nothing');
  });

  test('rename, move (creating the group), block, and an atomic update', () => {
    const s = store();
    s.add(A, { uri: 'bob@beta.test', displayName: 'Bob' });
    assert.deepEqual(s.rename(A, 'bob@beta.test', 'Robert'), { uri: 'sip:bob@beta.test', displayName: 'Robert', group: DEFAULT_GROUP, blocked: false });
    assert.deepEqual(s.rename(A, 'bob@beta.test', '  '), { uri: 'sip:bob@beta.test', group: DEFAULT_GROUP, blocked: false }, 'blank clears the name');
    assert.equal(s.move(A, 'bob@beta.test', 'Friends').group, 'Friends');
    assert.deepEqual(s.groups(A), [DEFAULT_GROUP, 'Friends']);
    assert.equal(s.move(A, 'bob@beta.test', 'friends').group, 'Friends', 'group names match case-insensitively, the stored spelling wins');
    assert.equal(s.setBlocked(A, 'bob@beta.test', true).blocked, true);
    assert.deepEqual(s.update(A, 'sip:bob@beta.test', { displayName: 'B', group: 'Work', blocked: false }), { uri: 'sip:bob@beta.test', displayName: 'B', group: 'Work', blocked: false });
    assert.deepEqual(s.remove(A, 'bob@beta.test'), { uri: 'sip:bob@beta.test', displayName: 'B', group: 'Work', blocked: false });
    assert.deepEqual(s.list(A), { groups: [DEFAULT_GROUP, 'Friends', 'Work'], contacts: [] }, 'groups stay when emptied');
  });

  test('groups: add, rename (contacts follow), refuse clashes and unknown groups, remove only when empty, reorder', () => {
    const s = store();
    s.add(A, { uri: 'bob@beta.test', group: 'Friends' });
    assert.equal(s.addGroup(A, 'Work'), 'Work');
    assert.throws(() => s.addGroup(A, 'WORK'), fails('duplicate-group', /already a group "Work"/));
    s.renameGroup(A, 'friends', 'Pals');
    assert.deepEqual(s.list(A), { groups: ['Friends', 'Work'].map((g) => (g === 'Friends' ? 'Pals' : g)), contacts: [{ uri: 'sip:bob@beta.test', group: 'Pals', blocked: false }] });
    s.renameGroup(A, 'Pals', 'PALS');
    assert.deepEqual(s.groups(A), ['PALS', 'Work'], 'a change of case is a rename');
    assert.throws(() => s.renameGroup(A, 'PALS', 'work'), fails('duplicate-group'));
    assert.throws(() => s.renameGroup(A, 'Nope', 'X'), fails('unknown-group', /no group "Nope"/));
    assert.throws(() => s.renameGroup(A, 'PALS', ''), fails('invalid-name'));
    assert.throws(() => s.removeGroup(A, 'PALS'), fails('group-not-empty', /still has 1 contact$/));
    assert.throws(() => s.removeGroup(A, 'Nope'), fails('unknown-group'));
    s.addGroup(A, 'Third');
    s.moveGroup(A, 'third', 0);
    assert.deepEqual(s.groups(A), ['Third', 'PALS', 'Work']);
    s.moveGroup(A, 'Third', 99);
    assert.deepEqual(s.groups(A), ['PALS', 'Work', 'Third']);
    s.removeGroup(A, 'work');
    assert.deepEqual(s.groups(A), ['PALS', 'Third']);
    assert.equal(s.addGroup(A, 'New').length, 3);
    assert.deepEqual(s.groups(A), ['PALS', 'Third', 'New'], 'new groups go last');
  });

  test('block list: blocked contacts and blocked domains (with subdomains), per account; isBlocked never throws', () => {
    const s = store();
    s.add(A, { uri: 'bob@beta.test' });
    s.add(A, { uri: 'spam@beta.test', blocked: true });
    assert.equal(s.isBlocked(A, 'sip:spam@beta.test'), true);
    assert.equal(s.isBlocked(A, 'sips:spam@BETA.test:5061;transport=tls'), true, 'as it arrives off the wire');
    assert.equal(s.isBlocked(A, 'sip:Spam@beta.test'), false, 'the user part is case-sensitive (RFC 3261 §19.1.4)');
    assert.equal(s.isBlocked(A, 'sip:bob@beta.test'), false);
    assert.equal(s.isBlocked(B, 'sip:spam@beta.test'), false, 'another account');
    assert.equal(s.blockDomain(A, 'Evil.Test'), 'evil.test');
    assert.equal(s.blockDomain(A, 'evil.test'), 'evil.test', 'idempotent');
    assert.deepEqual(s.blockedDomains(A), ['evil.test']);
    assert.equal(s.isBlocked(A, 'sip:anyone@evil.test'), true);
    assert.equal(s.isBlocked(A, 'sip:anyone@mail.EVIL.test'), true, 'subdomains too');
    assert.equal(s.isBlocked(A, 'sip:anyone@notevil.test'), false);
    assert.equal(s.isBlocked(A, 'sip:anyone@evil.test.example'), false);
    for (const junk of ['', 'garbage', 'sip:evil.test', '<>', 'tel:+1555']) assert.equal(s.isBlocked(A, junk), false, junk);
    assert.equal(s.unblockDomain(A, 'EVIL.test'), true);
    assert.equal(s.unblockDomain(A, 'evil.test'), false);
    assert.equal(s.isBlocked(A, 'sip:anyone@evil.test'), false);
    assert.throws(() => s.blockDomain(A, 'not a domain'), fails('invalid-address'));
  });

  test('change notifications: one per committed change, in order; a failing listener does not affect others', () => {
    const errors: unknown[] = [];
    const s = new ContactStore(openDatabase(':memory:'), { onListenerError: (e) => errors.push(e) });
    const seen: ContactChange[] = [];
    s.onChange(() => {
      throw new Error('listener bug');
    });
    const off = s.onChange((c) => seen.push(c));
    s.add(A, { uri: 'bob@beta.test', group: 'Friends' });
    s.update(A, 'bob@beta.test', { displayName: 'Bob' });
    s.update(A, 'bob@beta.test', { displayName: 'Bob' });
    assert.throws(() => s.add(A, { uri: 'bob@beta.test' }));
    s.renameGroup(A, 'Friends', 'Pals');
    s.blockDomain(A, 'evil.test');
    s.remove(A, 'bob@beta.test');
    off();
    s.add(A, { uri: 'carol@gamma.test' });
    const bob = { uri: 'sip:bob@beta.test', group: 'Friends', blocked: false };
    assert.deepEqual(seen, [
      { kind: 'group-added', accountId: A, group: 'Friends' },
      { kind: 'added', accountId: A, contact: bob },
      { kind: 'updated', accountId: A, contact: { ...bob, displayName: 'Bob' }, previous: bob },
      { kind: 'group-renamed', accountId: A, from: 'Friends', to: 'Pals' },
      { kind: 'domain-blocked', accountId: A, domain: 'evil.test' },
      { kind: 'removed', accountId: A, contact: { ...bob, displayName: 'Bob', group: 'Pals' } },
    ]);
    assert.ok(errors.length >= 6 && errors.every((e) => e instanceof Error && e.message === 'listener bug'));
  });

  test('adopt moves one account’s list into another, keeping what the target already has', () => {
    const s = store();
    s.add('local', { uri: 'bob@beta.test', displayName: 'Bob (local)', group: 'Friends' });
    s.add('local', { uri: 'carol@gamma.test', blocked: true });
    s.blockDomain('local', 'evil.test');
    s.add(A, { uri: 'bob@beta.test', displayName: 'Bob' });
    assert.equal(s.adopt('local', A), 1);
    assert.deepEqual(s.list(A), {
      groups: [DEFAULT_GROUP, 'Friends'],
      contacts: [
        { uri: 'sip:bob@beta.test', displayName: 'Bob', group: DEFAULT_GROUP, blocked: false },
        { uri: 'sip:carol@gamma.test', group: DEFAULT_GROUP, blocked: true },
      ],
    });
    assert.deepEqual(s.blockedDomains(A), ['evil.test']);
    assert.deepEqual(s.list('local'), { groups: [], contacts: [] });
    assert.deepEqual(s.blockedDomains('local'), []);
    assert.equal(s.adopt(A, A), 0);
  });

  test('persists across closing and reopening the database file', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-contacts-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    let db = openDatabase(dir);
    let s = new ContactStore(db);
    s.add(A, { uri: 'bob@beta.test', displayName: 'Bob', group: 'Friends' });
    s.addGroup(A, 'Empty');
    s.moveGroup(A, 'Empty', 0);
    s.blockDomain(A, 'evil.test');
    s.add(A, { uri: 'spam@beta.test', blocked: true });
    const before = s.list(A);
    db.close();
    db = openDatabase(dir);
    t.after(() => db.close());
    s = new ContactStore(db);
    assert.deepEqual(s.list(A), before);
    assert.deepEqual(s.groups(A), ['Empty', 'Friends', DEFAULT_GROUP]);
    assert.equal(s.isBlocked(A, 'sip:x@evil.test'), true);
    assert.equal(s.isBlocked(A, 'sip:spam@beta.test'), true);
    const versions = db.prepare("SELECT version FROM schema_migrations WHERE area = 'contacts'").all() as { version: number }[];
    assert.deepEqual(versions, [{ version: 1 }]);
  });
});
