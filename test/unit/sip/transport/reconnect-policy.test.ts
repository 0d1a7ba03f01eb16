// Reconnect backoff: exponential with equal jitter, capped at 8 s for the first two minutes of an outage and
// 60 s afterwards (fake clock and random).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReconnectPolicy } from '../../../../electron/sip/transport/reconnect-policy';

function policy(random: number) {
  let now = 1_000_000;
  const p = new ReconnectPolicy({ now: () => now, random: () => random });
  return { p, advance: (ms: number) => (now += ms) };
}

describe('ReconnectPolicy', () => {
  test('random 0: half of each exponential step, capped at 8 s early on', () => {
    const { p } = policy(0);
    assert.deepEqual(Array.from({ length: 7 }, () => p.nextDelay()), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
    assert.equal(p.attempts, 7);
  });

  test('random just below 1: the full step, still never above 8 s in the first two minutes', () => {
    const { p, advance } = policy(0.999999);
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      delays.push(p.nextDelay());
      advance(delays.at(-1)!);
    }
    assert.deepEqual(delays.slice(0, 4), [1000, 2000, 4000, 8000]);
    assert.ok(delays.every((d) => d <= 8000));
  });

  test('after two minutes of outage the cap is 60 s, and the delay is always within it', () => {
    const { p, advance } = policy(0.5);
    let elapsed = 0;
    const delays: Array<[number, number]> = [];
    while (elapsed < 10 * 60_000) {
      const d = p.nextDelay();
      delays.push([elapsed, d]);
      advance(d);
      elapsed += d;
    }
    for (const [at, d] of delays) assert.ok(d <= (at < 120_000 ? 8000 : 60_000), `${d} at ${at}`);
    assert.ok(delays.some(([at, d]) => at >= 120_000 && d === 60_000), 'reaches the late cap');
    assert.ok(delays.some(([at, d]) => at < 120_000 && d === 8000), 'reaches the early cap');
  });

  test('jitter spreads delays between half and the full step', () => {
    const low = policy(0).p;
    const mid = policy(0.5).p;
    const high = policy(0.999999).p;
    for (let i = 0; i < 3; i++) [low, mid, high].forEach((p) => p.nextDelay());
    assert.deepEqual([low.nextDelay(), mid.nextDelay(), high.nextDelay()], [4000, 6000, 8000]);
  });

  test('reset() after a successful connection starts the next outage from the base delay', () => {
    const { p, advance } = policy(0);
    for (let i = 0; i < 10; i++) p.nextDelay();
    advance(300_000);
    p.reset();
    assert.equal(p.outageStart, undefined);
    assert.equal(p.nextDelay(), 500);
    advance(60_000);
    for (let i = 0; i < 10; i++) assert.ok(p.nextDelay() <= 8000, 'a new outage gets the early cap again');
  });
});
