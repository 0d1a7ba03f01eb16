import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commandNames, eventNames, commands } from '../../../../shared/ipc/contract';
import { checkRequest, checkResponse } from '../../../../shared/ipc/validate';

describe('IPC contract', () => {
  test('command names follow area.verb and event names area.event', () => {
    const scheme = /^[a-z]+\.[a-z][A-Za-z]*$/;
    for (const name of [...commandNames, ...eventNames]) assert.match(name, scheme, name);
    assert.ok(commandNames.includes('app.info'));
    assert.ok(commandNames.includes('account.list'));
  });

  test('every command has a request and a response schema', () => {
    for (const name of commandNames) {
      assert.equal(typeof commands[name].req.safeParse, 'function', name);
      assert.equal(typeof commands[name].res.safeParse, 'function', name);
    }
  });

  test('requests with extra or wrong-typed fields are refused with a reason', () => {
    const extra = checkRequest('app.info', { evil: true });
    assert.equal(extra.ok, false);
    assert.match(!extra.ok ? extra.reason : '', /evil|unrecognized/i);
    assert.equal(checkRequest('account.list', 'nope').ok, false);
    assert.equal(checkRequest('account.list', null).ok, false);
    assert.equal(checkRequest('app.info', {}).ok, true);
  });

  test('responses are checked too', () => {
    assert.equal(checkResponse('app.info', { name: 'Parley', version: '1', platform: 'linux', carrier: 'tv' }).ok, false);
    assert.equal(checkResponse('app.info', { name: 'Parley', version: '1', platform: 'linux', carrier: 'web' }).ok, true);
  });
});
