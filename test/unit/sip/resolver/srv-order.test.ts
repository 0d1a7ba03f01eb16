// RFC 2782 ordering in isolation: priority first, weight-0 records first within a priority, weighted random draw.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { orderSrv } from '../../../../electron/sip/resolver/srv-order';

const rec = (name: string, priority: number, weight: number) => ({ name, port: 5061, priority, weight });

/** A deterministic uniform generator (LCG), so the distribution check is reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('orderSrv (RFC 2782)', () => {
  test('lower priority values come first regardless of weight', () => {
    const out = orderSrv([rec('late', 20, 100), rec('early', 10, 0), rec('mid', 15, 1)], () => 0.99);
    assert.deepEqual(out.map((r) => r.name), ['early', 'mid', 'late']);
  });

  test('a weight-0 record is picked first only when the draw is 0', () => {
    const records = [rec('heavy', 0, 50), rec('zero', 0, 0)];
    assert.deepEqual(orderSrv(records, () => 0).map((r) => r.name), ['zero', 'heavy']);
    assert.deepEqual(orderSrv(records, () => 0.5).map((r) => r.name), ['heavy', 'zero']);
  });

  test('first choices follow the weights (90/10 over 10 000 draws)', () => {
    const random = lcg(42);
    let heavyFirst = 0;
    for (let i = 0; i < 10_000; i++) {
      if (orderSrv([rec('light', 0, 10), rec('heavy', 0, 90)], random)[0]!.name === 'heavy') heavyFirst++;
    }
    // Expected 90/101 ≈ 0.891 (the draw is over [0, 100]); allow ±2 %.
    assert.ok(heavyFirst > 8700 && heavyFirst < 9130, `heavy first ${heavyFirst} times`);
  });

  test('every record appears exactly once', () => {
    const records = [rec('a', 0, 1), rec('b', 0, 2), rec('c', 1, 3), rec('d', 1, 0), rec('e', 2, 5)];
    const out = orderSrv(records, lcg(7));
    assert.deepEqual(out.map((r) => r.name).sort(), ['a', 'b', 'c', 'd', 'e']);
  });
});
