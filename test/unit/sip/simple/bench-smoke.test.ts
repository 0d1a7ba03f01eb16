// The presence benchmark adapters agree on the benchmark document and on builder output (never timing:
// that is what bench/presence/run.ts is for).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adapters, ours } from '../../../../bench/presence/adapters';
import { buildPidf } from '../../../../electron/sip/simple/pidf-builder';

test('bench/presence adapters agree on the 1,051-byte PIDF', () => {
  const xml = readFileSync(fileURLToPath(new URL('../../../../bench/presence/pidf-1k.xml', import.meta.url)), 'utf8');
  assert.equal(Buffer.byteLength(xml), 1051);
  const ref = ours.extract(xml);
  assert.deepEqual(ref.activities, ['busy']);
  assert.equal(ref.tuples.length, 2);
  for (const a of adapters) assert.deepEqual(a.extract(xml), ref, a.name);
});

test('bench/presence adapters agree on builder output (the P5 burst bodies)', () => {
  // (DND/BRB carry an rpid:other free text, which the full mapper reports as its text, not as the token "other".)
  for (const availability of ['available', 'busy', 'in-a-call', 'out-to-lunch', 'offline'] as const) {
    const xml = buildPidf({ entity: 'sip:b@example.com', availability, note: 'N & <n>', contact: 'sip:b@192.0.2.1', deviceId: 'urn:uuid:x' });
    const ref = ours.extract(xml);
    for (const a of adapters) assert.deepEqual(a.extract(xml), ref, `${a.name} on ${availability}`);
  }
});
