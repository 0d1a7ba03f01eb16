import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher, CommandError } from '../../../../electron/core/ipc/dispatcher';
import type { CommandHandlers } from '../../../../electron/core/ipc/dispatcher';
import { createAppCore } from '../../../../electron/core/app-core';
import { nodePlatform } from '../../../../electron/core/platform/node-platform';

const info = { name: 'Parley', version: '9.9.9', platform: 'linux', carrier: 'web' as const };

/** The commands a test cares about; every other command fails loudly if a test calls it by mistake. */
function handlers(some: Partial<CommandHandlers>): CommandHandlers {
  const unexpected = async () => {
    throw new Error('unexpected command');
  };
  return new Proxy(some, { get: (target, name: string) => target[name as keyof CommandHandlers] ?? unexpected }) as CommandHandlers;
}

describe('dispatcher', () => {
  test('answers a valid command with ok:true and the value', async () => {
    const dispatch = createDispatcher(handlers({ 'app.info': async () => info, 'account.list': async () => [] }));
    assert.deepEqual(await dispatch('app.info', {}), { ok: true, value: info });
  });

  test('malformed payloads get a typed error result, never a throw', async () => {
    let called = false;
    const dispatch = createDispatcher(handlers({ 'app.info': async () => { called = true; return info; }, 'account.list': async () => [] }));
    // JSON.parse gives '__proto__' as an own key, the way a hostile frame would arrive.
    for (const payload of [undefined, null, 42, 'x', [], { unexpected: 1 }, JSON.parse('{"__proto__":{"polluted":true}}')]) {
      const result = await dispatch('app.info', payload);
      assert.equal(result.ok, false, JSON.stringify(payload));
      assert.equal(!result.ok && result.error.code, 'invalid-payload');
      assert.match(!result.ok ? result.error.message : '', /^app\.info: /);
    }
    assert.equal(called, false);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((await dispatch('app.info', {})).ok, true);
    assert.equal(called, true);
  });

  test('unknown and non-string command names are refused', async () => {
    const dispatch = createDispatcher(handlers({ 'app.info': async () => info, 'account.list': async () => [] }));
    for (const name of ['app.nope', 'constructor', '__proto__', 7, undefined, { toString: () => 'app.info' }]) {
      const result = await dispatch(name, {});
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.code, 'unknown-command');
    }
  });

  test('a handler that throws becomes an internal error result and is reported', async () => {
    const reported: string[] = [];
    const dispatch = createDispatcher(
      handlers({ 'app.info': async () => { throw new Error('disk on fire'); }, 'account.list': async () => { throw new CommandError('unavailable', 'not signed in'); } }),
      { onInternalError: (cmd) => reported.push(cmd) },
    );
    assert.deepEqual(await dispatch('app.info', {}), { ok: false, error: { code: 'internal', message: 'app.info failed: disk on fire' } });
    assert.deepEqual(await dispatch('account.list', {}), { ok: false, error: { code: 'unavailable', message: 'not signed in' } });
    assert.deepEqual(reported, ['app.info']);
  });

  test('a response that breaks the contract is not passed on', async () => {
    const dispatch = createDispatcher(handlers({ 'app.info': async () => ({ ...info, carrier: 'fax' }) as never, 'account.list': async () => [] }));
    const result = await dispatch('app.info', {});
    assert.equal(!result.ok && result.error.code, 'internal');
  });
});

describe('app core', () => {
  test('account.list reads the profile directory, and a corrupt file is a clear error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-core-'));
    const core = createAppCore(nodePlatform('cli', dir));
    assert.deepEqual(await core.dispatch('account.list', {}), { ok: true, value: [] });
    await writeFile(join(dir, 'accounts.json'), '{ not json');
    const result = await core.dispatch('account.list', {});
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error.message : '', /not valid JSON/);
  });
});
