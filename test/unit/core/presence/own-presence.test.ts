// Own presence and automatic Away (presence issue item 1): Away after N idle minutes from an injected idle source,
// the previous status and note restored on activity, unless the user picked a status meanwhile; DND and
// Appear offline are never replaced.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityIdleSource } from '../../../../electron/core/presence/idle-source';
import { OwnPresenceController, publishedAvailability } from '../../../../electron/core/presence/own-presence';
import type { OwnPresence } from '../../../../shared/ipc/contract';
import { FakeClock } from '../../../support/fake-clock';

function setup(idleMinutes?: number) {
  const clock = new FakeClock();
  const idle = new ActivityIdleSource(() => clock.now());
  const changes: OwnPresence[] = [];
  const own = new OwnPresenceController({ clock, idle, ...(idleMinutes !== undefined ? { idleMinutes } : {}), onChange: (o) => changes.push(o) });
  own.start();
  return { clock, idle, own, changes };
}

describe('own presence', () => {
  test('Away after 10 idle minutes (default), back to Busy + note on activity', () => {
    const { clock, idle, own, changes } = setup();
    own.set('busy', 'Reviewing');
    clock.advance(9 * 60_000);
    assert.equal(own.current.status, 'busy');
    clock.advance(60_000 + 15_000);
    assert.deepEqual(own.current, { status: 'away', note: 'Reviewing', idle: true });
    idle.touch();
    clock.advance(15_000);
    assert.deepEqual(own.current, { status: 'busy', note: 'Reviewing', idle: false });
    assert.deepEqual(changes.map((c) => c.status), ['busy', 'away', 'busy']);
  });

  test('configurable threshold; a user choice during auto-away wins and is not undone', () => {
    const { clock, idle, own } = setup(2);
    clock.advance(2 * 60_000 + 15_000);
    assert.equal(own.current.status, 'away');
    own.set('out-to-lunch');
    idle.touch();
    clock.advance(30_000);
    assert.deepEqual(own.current, { status: 'out-to-lunch', idle: false });
  });

  test('Do not disturb and Appear offline are never replaced by Away', () => {
    for (const status of ['do-not-disturb', 'appear-offline'] as const) {
      const { clock, own } = setup(1);
      own.set(status);
      clock.advance(60 * 60_000);
      assert.equal(own.current.status, status);
    }
  });

  test('what each status publishes (protocol.md §2.9)', () => {
    assert.equal(publishedAvailability('appear-offline'), 'offline');
    assert.equal(publishedAvailability('be-right-back'), 'be-right-back');
    assert.equal(publishedAvailability('in-a-call'), 'in-a-call');
  });
});
