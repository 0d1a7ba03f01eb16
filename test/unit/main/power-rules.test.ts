// OS lifecycle → presence rules (suspend/resume, lock/unlock, idle, user choices).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PresenceLifecycle, idleThresholdSeconds } from '../../../electron/main/power-rules';

test('suspend publishes Offline before sleeping; resume reconnects, resubscribes, then republishes', () => {
  const rules = new PresenceLifecycle('busy');
  assert.deepEqual(rules.handle({ type: 'suspend' }), [{ type: 'setPresence', presence: 'offline' }]);
  assert.equal(rules.effective, 'offline');
  // A second suspend (some platforms send two) publishes nothing more.
  assert.deepEqual(rules.handle({ type: 'suspend' }), []);
  assert.deepEqual(rules.handle({ type: 'resume' }), [
    { type: 'reconnect' },
    { type: 'resubscribe' },
    { type: 'setPresence', presence: 'busy' },
  ]);
  // Resume without a suspend (spurious) does nothing.
  assert.deepEqual(rules.handle({ type: 'resume' }), []);
});

test('lock → Away, unlock → back to what the user had', () => {
  const rules = new PresenceLifecycle('available');
  assert.deepEqual(rules.handle({ type: 'lock-screen' }), [{ type: 'setPresence', presence: 'away' }]);
  assert.deepEqual(rules.handle({ type: 'unlock-screen' }), [{ type: 'setPresence', presence: 'available' }]);
});

test('a status the user picks while away automatically wins over the restore', () => {
  const rules = new PresenceLifecycle('available');
  rules.handle({ type: 'lock-screen' });
  assert.deepEqual(rules.handle({ type: 'user-presence', presence: 'be-right-back' }), [], 'the core already published the user choice');
  assert.equal(rules.effective, 'be-right-back');
  assert.deepEqual(rules.handle({ type: 'unlock-screen' }), []);
  assert.equal(rules.effective, 'be-right-back');
});

test('a user who chose Away stays Away after unlock', () => {
  const rules = new PresenceLifecycle('away');
  assert.deepEqual(rules.handle({ type: 'lock-screen' }), []);
  assert.deepEqual(rules.handle({ type: 'unlock-screen' }), []);
  assert.equal(rules.effective, 'away');
});

test('Linux: no lock events, the idle poll reporting locked counts as a lock', () => {
  const rules = new PresenceLifecycle('available');
  assert.deepEqual(rules.handle({ type: 'idle-state', state: 'locked' }), [{ type: 'setPresence', presence: 'away' }]);
  assert.deepEqual(rules.handle({ type: 'idle-state', state: 'locked' }), [], 'repeated polls publish nothing');
  assert.deepEqual(rules.handle({ type: 'idle-state', state: 'active' }), [{ type: 'setPresence', presence: 'available' }]);
});

test('idle for the threshold → Away; active again → back; unknown changes nothing', () => {
  const rules = new PresenceLifecycle('busy');
  assert.deepEqual(rules.handle({ type: 'idle-state', state: 'unknown' }), []);
  assert.deepEqual(rules.handle({ type: 'idle-state', state: 'idle' }), [{ type: 'setPresence', presence: 'away' }]);
  assert.deepEqual(rules.handle({ type: 'idle-state', state: 'active' }), [{ type: 'setPresence', presence: 'busy' }]);
});

test('locked and idle together: Away lasts until both are gone', () => {
  const rules = new PresenceLifecycle('available');
  rules.handle({ type: 'idle-state', state: 'idle' });
  assert.deepEqual(rules.handle({ type: 'lock-screen' }), []);
  assert.deepEqual(rules.handle({ type: 'idle-state', state: 'active' }), [], 'still locked');
  assert.deepEqual(rules.handle({ type: 'unlock-screen' }), [{ type: 'setPresence', presence: 'available' }]);
});

test('Do not disturb, Appear offline and In a call are never replaced by automatic Away', () => {
  for (const chosen of ['do-not-disturb', 'appear-offline', 'in-a-call'] as const) {
    const rules = new PresenceLifecycle(chosen);
    assert.deepEqual(rules.handle({ type: 'lock-screen' }), []);
    assert.deepEqual(rules.handle({ type: 'idle-state', state: 'idle' }), []);
    assert.equal(rules.effective, chosen);
  }
});

test('locked across sleep: resume republishes Away, unlock restores', () => {
  const rules = new PresenceLifecycle('available');
  rules.handle({ type: 'lock-screen' });
  rules.handle({ type: 'suspend' });
  assert.deepEqual(rules.handle({ type: 'lock-screen' }), [], 'nothing is published while asleep');
  assert.deepEqual(rules.handle({ type: 'resume' }).at(-1), { type: 'setPresence', presence: 'away' });
  assert.deepEqual(rules.handle({ type: 'unlock-screen' }), [{ type: 'setPresence', presence: 'available' }]);
});

test('Out to lunch and Be right back do turn into Away when locked', () => {
  for (const chosen of ['out-to-lunch', 'be-right-back'] as const) {
    assert.deepEqual(new PresenceLifecycle(chosen).handle({ type: 'lock-screen' }), [{ type: 'setPresence', presence: 'away' }]);
  }
});

test('shutdown publishes Offline', () => {
  assert.deepEqual(new PresenceLifecycle('available').handle({ type: 'shutdown' }), [{ type: 'setPresence', presence: 'offline' }]);
});

test('idle threshold from settings, with nonsense replaced by the default', () => {
  assert.equal(idleThresholdSeconds(5), 300);
  assert.equal(idleThresholdSeconds(0), 600);
  assert.equal(idleThresholdSeconds(Number.NaN), 600);
  assert.equal(idleThresholdSeconds(100000), 86400);
});
