// Presence issue, acceptance against the real two-domain testbed: alice@alpha.test (a Parley core) watches
// bob@beta.test (a second Parley core that PUBLISHes); Online → Offline → Online reaches alice within 1 s of each
// change (a functional freshness requirement of the issue, measured from bob's publish to alice's event).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../../electron/core/app-core';
import type { AppCore } from '../../../electron/core/app-core';
import { nodePlatform } from '../../../electron/core/platform/node-platform';
import type { AccountState } from '../../../shared/ipc/contract';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { nextPresenceAt as nextPresence } from '../../support/presence-events';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

function newCore(t: { after(fn: () => unknown): void }): AppCore {
  const core = createAppCore(nodePlatform('cli', mkdtempSync(join(tmpdir(), 'parley-presence-'))), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
  });
  t.after(() => core.close());
  return core;
}

async function signIn(core: AppCore, aor: string, password: string): Promise<void> {
  const result = await core.dispatch('account.signIn', { address: aor, password });
  assert.equal(result.ok, true);
  const state = (result as { value: AccountState }).value;
  assert.equal(state.state, 'registered', state.detail);
}


describe('presence across federation (alpha → beta)', () => {
  test('alice watches bob: Online → Offline → Online, each within 1 s of bob publishing it', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const bobCore = newCore(t);
    const aliceCore = newCore(t);
    await signIn(bobCore, bob.aor, bob.password);
    await bobCore.presence.publishNow();
    await signIn(aliceCore, alice.aor, alice.password);

    const first = nextPresence(aliceCore, bob.aor, (p) => p.reason === 'ok' && p.availability === 'available');
    aliceCore.presence.watch([bob.aor]);
    const online = await first;
    assert.equal(online.p.availability, 'available');
    assert.ok(online.p.updatedAt, 'freshness is set');

    const timings: number[] = [];
    for (const [status, expected, note] of [['appear-offline', 'offline', undefined], ['available', 'available', 'back at my desk']] as const) {
      const arrival = nextPresence(aliceCore, bob.aor, (p) => p.availability === expected && (note === undefined || p.note === note));
      const start = performance.now();
      const set = await bobCore.dispatch('presence.setOwn', { status, ...(note ? { note } : {}) });
      assert.equal(set.ok, true);
      const { at, p } = await arrival;
      timings.push(at - start);
      assert.equal(p.reason, 'ok');
      if (note) assert.equal(p.note, note);
    }
    t.diagnostic(`publish → alice's presence.changed: ${timings.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`);
    for (const ms of timings) assert.ok(ms < 1000, `change reached alice after ${ms.toFixed(0)} ms (must be < 1000)`);

    // What went over the wire: one SUBSCRIBE for bob with the §2.7 Accept list; our home server refused the
    // Microsoft Proxy-Require (420) at most once, and the retry went without it.
    const subs = aliceCore.trace.since().filter((e) => e.direction === 'out' && e.text.startsWith(`SUBSCRIBE ${bob.aor} `));
    assert.ok(subs.length >= 1);
    assert.match(subs.at(-1)!.text, /Accept: application\/pidf\+xml, application\/xpidf\+xml, text\/xml\+msrtc\.pidf\r\n/);
    const publishes = bobCore.trace.since().filter((e) => e.direction === 'out' && e.text.startsWith('PUBLISH '));
    assert.ok(publishes.some((e) => /SIP-If-Match: /.test(e.text)), 'a modify carried SIP-If-Match');
  });

  test('a contact that does not exist on beta shows "no such user" or "pending", never a fake offline', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const core = newCore(t);
    await signIn(core, alice.aor, alice.password);
    const ghost = 'sip:nobody-here-' + Date.now().toString(36) + '@beta.test';
    const settled = nextPresence(core, ghost, (p) => p.reason !== 'pending' || p.availability !== 'unknown', 8000).catch(() => undefined);
    core.presence.watch([ghost]);
    const got = await settled;
    const p = got?.p ?? core.presence.list().find((x) => x.uri === ghost)!;
    // Kamailio's presence server accepts any SUBSCRIBE and NOTIFYs an empty document (closed) for unknown users;
    // what matters is that the row is explained, not silently "offline" with no reason.
    assert.ok(['ok', 'pending', 'no-such-user'].includes(p.reason), JSON.stringify(p));
    if (p.reason !== 'ok') assert.ok(p.detail, 'a reason comes with plain words');
  });

  test('sign-out: alice withdraws her publication first; every watched row then says signed-out', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const core = newCore(t);
    await signIn(core, alice.aor, alice.password);
    await core.presence.publishNow();
    core.presence.watch([bob.aor]);
    await nextPresence(core, bob.aor, (p) => p.reason === 'ok');
    const out = nextPresence(core, bob.aor, (p) => p.reason === 'signed-out');
    await core.dispatch('account.signOut', { accountId: alice.aor });
    await out;
    const removal = core.trace.since().filter((e) => e.direction === 'out' && e.text.startsWith('PUBLISH ')).at(-1)!;
    assert.match(removal.text, /\r\nExpires: 0\r\n/);
    assert.match(removal.text, /\r\nSIP-If-Match: /);
    const caps = await core.dispatch('presence.capabilities', {});
    assert.equal(caps.ok, true);
    assert.equal((caps as { value: { blockingHidesPresence: boolean } }).value.blockingHidesPresence, false);
  });
});
