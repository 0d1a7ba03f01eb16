import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemIdleSource } from '../../../electron/main/system-idle';

test('the OS idle time passes through; nonsense reads as active', () => {
  let reading = 125;
  const idle = systemIdleSource(() => reading);
  assert.equal(idle.idleSeconds(), 125);
  for (const bad of [-3, Number.NaN, Number.POSITIVE_INFINITY]) {
    reading = bad;
    assert.equal(idle.idleSeconds(), 0, String(bad));
  }
});
