import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PinStore } from '../../../../electron/core/account/pin-store';

test('pins are per domain, case-insensitive, and survive a new store', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-pins-'));
  const store = new PinStore(dir);
  await store.pin('Alpha.TEST', 'ab:cd', 'CN=alpha.test');
  assert.equal((await new PinStore(dir).get('alpha.test'))?.fingerprint256, 'AB:CD');
  assert.equal(await store.get('beta.test'), undefined);
  await store.unpin('alpha.test');
  assert.equal(await store.get('alpha.test'), undefined);
});
