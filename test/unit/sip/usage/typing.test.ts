// Typing rules (protocol.md §2.6; RFC 3994 §3.3/§4) on a fake clock: the sender sends active once, refreshes while
// active, goes idle after 15 s without activity or on request, stays quiet after a message; the receiver expires
// an active indication after refresh + margin and clears it on idle or on a message. Errors are swallowed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TypingReceiver, TypingSender } from '../../../../electron/sip/usage/typing';
import { FakeClock } from '../../../support/fake-clock';

describe('TypingSender', () => {
  test('active once, refreshed every refreshMs while active, idle on request', () => {
    const clock = new FakeClock();
    const sent: boolean[] = [];
    const s = new TypingSender({ clock, send: (a) => void sent.push(a), refreshMs: 4000 });
    s.setActive(true);
    s.setActive(true);
    assert.deepEqual(sent, [true]);
    clock.advance(4000);
    s.setActive(true);
    clock.advance(4000);
    assert.deepEqual(sent, [true, true, true]);
    s.setActive(false);
    s.setActive(false);
    assert.deepEqual(sent, [true, true, true, false]);
    clock.advance(60_000);
    assert.equal(sent.length, 4, 'no refresh once idle');
    assert.equal(clock.pendingCount, 0);
  });

  test('no activity for 15 s → idle is sent (RFC 3994 §3.3); a sent message ends it silently', () => {
    const clock = new FakeClock();
    const sent: boolean[] = [];
    const s = new TypingSender({ clock, send: (a) => void sent.push(a), refreshMs: 60_000 });
    s.setActive(true);
    clock.advance(15_000);
    assert.deepEqual(sent, [true, false]);
    s.setActive(true);
    s.messageSent();
    clock.advance(120_000);
    assert.deepEqual(sent, [true, false, true]);
    assert.equal(s.isActive, false);
  });

  test('send errors (sync or async) are ignored (protocol.md item 35)', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const s = new TypingSender({
      clock,
      refreshMs: 1000,
      send: () => {
        calls++;
        if (calls === 1) throw new Error('sync');
        return Promise.reject(new Error('async'));
      },
    });
    s.setActive(true);
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
    assert.equal(calls, 2);
    assert.equal(s.isActive, true);
    s.dispose();
  });
});

describe('TypingReceiver', () => {
  test('active expires after refresh + margin; only changes are reported', () => {
    const clock = new FakeClock();
    const changes: boolean[] = [];
    const r = new TypingReceiver({ clock, onChange: (a) => changes.push(a), marginMs: 5000 });
    r.indicate(true, 10_000);
    r.indicate(true, 10_000);
    clock.advance(14_999);
    assert.deepEqual(changes, [true]);
    clock.advance(1);
    assert.deepEqual(changes, [true, false]);
  });

  test('a refresh extends it; idle or a message clears it at once', () => {
    const clock = new FakeClock();
    const changes: boolean[] = [];
    const r = new TypingReceiver({ clock, onChange: (a) => changes.push(a) });
    r.indicate(true, 4000);
    clock.advance(8000);
    r.indicate(true, 4000);
    clock.advance(8000);
    assert.deepEqual(changes, [true], 'refreshed in time');
    r.indicate(false, 0);
    assert.deepEqual(changes, [true, false]);
    r.indicate(true, 120_000);
    r.messageReceived();
    assert.deepEqual(changes, [true, false, true, false]);
    assert.equal(clock.pendingCount, 0);
  });
});
