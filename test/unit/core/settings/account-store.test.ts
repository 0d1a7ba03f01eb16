import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountStore } from '../../../../electron/core/settings/account-store';

test('accounts persist in the profile directory, readable only by the user', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-accounts-'));
  const store = new AccountStore(dir);
  assert.deepEqual(await store.list(), []);
  const account = { id: 'a1', aor: 'sip:alice@alpha.test', displayName: 'Alice', transport: 'tls' as const, rememberPassword: false };
  await store.save([account]);
  assert.deepEqual(await new AccountStore(dir).list(), [account]);
  const text = await readFile(join(dir, 'accounts.json'), 'utf8');
  assert.doesNotMatch(text, /"(password|secret)"/i);
  assert.equal((await stat(join(dir, 'accounts.json'))).mode & 0o077, 0);
});
