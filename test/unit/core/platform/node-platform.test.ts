// The headless host's platform: secrets stay in memory (never a plaintext file), "remember me" is
// refused with a reason, and the desktop facilities have Node stand-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../../../electron/core/app-core';
import { AccountStore } from '../../../../electron/core/settings/account-store';
import { MemoryStatusIndicator, RecordingNotifier } from '../../../../electron/core/platform/node-facilities';
import { nodePlatform } from '../../../../electron/core/platform/node-platform';
import { MemorySecretStore, rememberRefusal } from '../../../../electron/core/platform/platform';
import type { SecretStore } from '../../../../electron/core/platform/platform';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

test('headless host: a stored password is in no file under the profile directory', async (t) => {
  const profile = await mkdtemp(join(tmpdir(), 'parley-node-platform-'));
  t.after(() => rm(profile, { recursive: true, force: true }));
  const platform = nodePlatform('web', profile);
  const core = createAppCore(platform);
  const password = 'hunter2-and-more-🔑';
  await platform.secrets.set('account:a1:password', password);
  // Put the account's settings on disk too, so the search below has a real profile to look through.
  await new AccountStore(profile).save([
    { id: 'a1', aor: 'sip:alice@alpha.test', displayName: 'Alice', transport: 'tls', rememberPassword: false },
  ]);
  const listed = await core.dispatch('account.list', {});
  assert.deepEqual(listed, { ok: true, value: [{ id: 'a1', aor: 'sip:alice@alpha.test', displayName: 'Alice', transport: 'tls', rememberPassword: false }] });
  assert.equal(await platform.secrets.get('account:a1:password'), password);
  const files = await filesUnder(profile);
  assert.ok(files.length > 0);
  for (const file of files) {
    const bytes = await readFile(file);
    assert.equal(bytes.includes(Buffer.from(password)), false, file);
    assert.equal(bytes.includes(Buffer.from(Buffer.from(password).toString('base64'))), false, file);
  }
  await core.close();
});

test('memory secret store: not persistent, so "remember me" is refused with an explanation', async () => {
  const store = new MemorySecretStore();
  assert.equal(store.persistent, false);
  assert.match(rememberRefusal(store)!, /memory only/);
  await store.set('k', 'v');
  assert.equal(await store.get('k'), 'v');
  await store.delete('k');
  assert.equal(await store.get('k'), undefined);
});

test('rememberRefusal: a persistent store may remember; a store without a reason still gets one', () => {
  const base = { get: async () => undefined, set: async () => {}, delete: async () => {} };
  assert.equal(rememberRefusal({ ...base, persistent: true } satisfies SecretStore), undefined);
  assert.match(rememberRefusal({ ...base, persistent: false })!, /cannot store passwords/);
});

test('Node stand-ins for the notifier and the tray remember what they were told', () => {
  const platform = nodePlatform('web', '/tmp/unused');
  assert.ok(platform.notifier instanceof RecordingNotifier);
  assert.ok(platform.status instanceof MemoryStatusIndicator);
  const notifier = new RecordingNotifier(2);
  for (const id of ['1', '2', '3']) notifier.notifyIncoming({ conversationId: id, senderName: 'A', senderAddress: 'a@x.test', text: 't', format: 'plain' });
  assert.deepEqual(notifier.notices.map((n) => n.conversationId), ['2', '3'], 'bounded');
  const status = new MemoryStatusIndicator();
  status.setUnreadCount(4);
  status.setPresence('busy');
  status.setConnection('failed', '403 domain not federated');
  assert.deepEqual([status.unread, status.presence, status.connection, status.connectionDetail], [4, 'busy', 'failed', '403 domain not federated']);
});
