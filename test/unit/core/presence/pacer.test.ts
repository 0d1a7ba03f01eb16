// Pacer (SUBSCRIBE spreading, protocol.md §2.7 item 44) and change coalescing (contract: presence.changed at most
// once per 50 ms with every contact changed since the last).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeCoalescer } from '../../../../electron/core/presence/change-coalescer';
import { Pacer } from '../../../../electron/core/presence/pacer';
import { FakeClock } from '../../../support/fake-clock';

describe('pacer', () => {
  test('at most N per second, evenly spaced, in order; cancelled entries take no slot', () => {
    const clock = new FakeClock();
    const pacer = new Pacer(clock, 25);
    const ran: Array<[number, number]> = [];
    const cancels = Array.from({ length: 60 }, (_, i) => pacer.schedule(() => ran.push([i, clock.now()])));
    cancels[1]!();
    assert.deepEqual(ran, [[0, 0]]);
    clock.advance(1000);
    assert.equal(ran.length, 26);
    assert.deepEqual(ran.slice(0, 3).map(([i]) => i), [0, 2, 3]);
    for (let k = 1; k < ran.length; k++) assert.ok(ran[k]![1] - ran[k - 1]![1] >= 40 - 1e-9);
    clock.advance(10_000);
    assert.equal(ran.length, 59);
    assert.equal(pacer.waiting, 0);
  });
});

describe('change coalescer', () => {
  test('an isolated change goes at once; a burst becomes one event per 50 ms with the latest value of each key', () => {
    const clock = new FakeClock();
    const out: string[][] = [];
    const c = new ChangeCoalescer<string>(clock, (items) => out.push(items), 50);
    c.add('a', 'a1');
    clock.advance(0);
    assert.deepEqual(out, [['a1']]);
    clock.advance(10);
    c.add('b', 'b1');
    c.add('a', 'a2');
    c.add('b', 'b2');
    clock.advance(39);
    assert.equal(out.length, 1);
    clock.advance(1);
    assert.deepEqual(out[1], ['b2', 'a2']);
  });
});
