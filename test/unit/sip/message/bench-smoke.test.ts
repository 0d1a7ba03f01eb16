// Runs the benchmark adapters once per bench message and checks they agree on the key fields
// (never timing: that is what `npm run bench` is for).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adapters, ours } from '../../../../bench/adapters';

for (const name of ['invite-sdp', 'notify-pidf', 'message', '200ok-5via-6rr']) {
  test(`bench adapters agree on ${name}`, () => {
    const text = readFileSync(fileURLToPath(new URL(`../../../../bench/messages/${name}.sip`, import.meta.url)), 'latin1');
    const ref = ours.fields(text);
    assert.ok(ref.callId.length > 0 && ref.branch?.startsWith('z9hG4bK') && ref.fromTag && ref.body.length > 0);
    for (const a of adapters) {
      assert.deepEqual(a.fields(text), ref, a.name);
      assert.ok(a.key(text));
      assert.ok(a.allVia(text));
    }
    if (name === '200ok-5via-6rr') assert.equal(ref.viaCount, 5);
  });
}
