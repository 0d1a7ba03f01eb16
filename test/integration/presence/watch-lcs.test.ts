// Presence issue, acceptance against the emulated LCS 2005 SP1 domain lcs.test (test/testbed/lcs/README.md): alice
// (a Parley core on alpha.test) watches an LCS user whose server shows one quirk of protocol.md §2.7 at a time —
// XPIDF, BENOTIFY, the first state piggybacked on the 200, a 200 without Event, a NOTIFY before the 200 — and a
// few refusals (rejected, 403, 604).
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
import type { LcsSwitches } from '../../testbed/lcs/types';
import { nextPresence } from '../../support/presence-events';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

async function aliceCore(t: { after(fn: () => unknown): void }): Promise<AppCore> {
  const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
  const core = createAppCore(nodePlatform('cli', mkdtempSync(join(tmpdir(), 'parley-lcs-presence-'))), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
  });
  t.after(() => core.close());
  const result = await core.dispatch('account.signIn', { address: alice.aor, password: alice.password });
  const state = (result as { value: AccountState }).value;
  assert.equal(state.state, 'registered', state.detail);
  return core;
}


const ownAnswers = (core: AppCore, method: string) =>
  core.trace.since().filter((e) => e.direction === 'out' && e.text.startsWith('SIP/2.0 ') && new RegExp(`\\r\\nCSeq: \\d+ ${method}\\r\\n`, 'i').test(e.text));

describe('presence with an LCS 2005 SP1 user (lcs.test)', () => {
  const quirks: Array<[string, Partial<LcsSwitches>]> = [
    ['XPIDF NOTIFY', { presenceFormat: 'xpidf' }],
    ['BENOTIFY', { notifyMethod: 'BENOTIFY' }],
    ['piggybacked first state in the 200', { piggyback: 'auto' }],
    ['200 without Event', { eventIn200: false }],
    ['NOTIFY before the 200', { notifyBefore200: true }],
  ];
  for (const [name, switches] of quirks) {
    test(`${name}: the state and each change reach alice`, async (t) => {
      const core = await aliceCore(t);
      const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, presence: { availability: 'be-right-back', displayName: 'Carol' }, switches });
      const first = nextPresence(core, carol.aor, (p) => p.reason === 'ok');
      core.presence.watch([carol.aor]);
      const initial = await first;
      assert.equal(initial.availability, 'be-right-back', JSON.stringify(initial));
      const busy = nextPresence(core, carol.aor, (p) => p.availability === 'busy');
      await carol.setPresence({ availability: 'busy', note: 'In a meeting' });
      const changed = await busy;
      assert.equal(changed.reason, 'ok');
      const offline = nextPresence(core, carol.aor, (p) => p.availability === 'offline');
      await carol.setPresence({ availability: 'offline' });
      await offline;

      if (switches.notifyMethod === 'BENOTIFY') assert.equal(ownAnswers(core, 'BENOTIFY').length, 0, 'BENOTIFY is never answered');
      if (switches.piggyback) {
        const ok = core.trace.since().find((e) => e.direction === 'in' && /^SIP\/2\.0 200 /.test(e.text) && /CSeq: \d+ SUBSCRIBE/.test(e.text) && /ms-piggyback-cseq/i.test(e.text));
        assert.ok(ok, 'the state came in the 200');
      }
      if (switches.notifyBefore200 || switches.eventIn200 === false) {
        assert.equal(ownAnswers(core, 'NOTIFY').filter((e) => e.text.startsWith('SIP/2.0 481')).length, 0, 'no NOTIFY was refused');
      }
    });
  }

  test('the watcher is rejected (terminated;reason=rejected): "not authorised", and no retry', async (t) => {
    const core = await aliceCore(t);
    const dave = await tb.lcs.createUser({ prefix: 'dave', cleanup: t, presence: { availability: 'available' }, switches: { terminate: 'rejected' } });
    const refused = nextPresence(core, dave.aor, (p) => p.reason === 'not-authorized');
    core.presence.watch([dave.aor]);
    const p = await refused;
    assert.match(p.detail ?? '', /not allowed/);
    const subscribes = () => core.trace.since().filter((e) => e.direction === 'out' && e.text.startsWith(`SUBSCRIBE ${dave.aor} `)).length;
    const before = subscribes();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(subscribes(), before, 'no new SUBSCRIBE after the rejection');
    assert.equal(core.presence.list().find((x) => x.uri === dave.aor)?.reason, 'not-authorized');
  });

  for (const status of [403, 604] as const) {
    test(`SUBSCRIBE refused with ${status}: explained, never retried automatically`, async (t) => {
      const core = await aliceCore(t);
      const erin = await tb.lcs.createUser({ prefix: 'erin', cleanup: t, switches: { subscribeStatus: status } });
      const reason = status === 403 ? 'not-authorized' : 'no-such-user';
      const explained = nextPresence(core, erin.aor, (p) => p.reason === reason);
      core.presence.watch([erin.aor]);
      await explained;
    });
  }
});
