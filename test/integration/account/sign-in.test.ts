// @test-exclusive: stops and restarts a testbed domain, so scripts/test.mjs runs this file alone.
// Issue "SIP user agent core", acceptance against the real two-domain testbed: SRV discovery, TLS, digest,
// refresh, un-register; certificate failures and pinning; a wrong password; re-registration after the home
// server comes back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../../electron/core/app-core';
import type { AppCore, AppCoreOptions } from '../../../electron/core/app-core';
import { nodePlatform } from '../../../electron/core/platform/node-platform';
import type { AccountState } from '../../../shared/ipc/contract';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { scaledClock } from '../../support/scaled-clock';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

function newCore(t: { after(fn: () => unknown): void }, extra: Partial<AppCoreOptions> = {}): AppCore & { states: AccountState[] } {
  const core = createAppCore(nodePlatform('cli', mkdtempSync(join(tmpdir(), 'parley-signin-'))), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')], ...(extra.sip ?? {}) },
    ...(extra.clock ? { clock: extra.clock } : {}),
  });
  const states: AccountState[] = [];
  core.events.subscribe((name, payload) => name === 'account.state' && states.push(payload as AccountState));
  t.after(() => core.close());
  return Object.assign(core, { states });
}

function waitForState(core: AppCore, accountId: string, state: AccountState['state'], timeoutMs: number): Promise<AccountState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${state} within ${timeoutMs} ms`)), timeoutMs);
    const off = core.events.subscribe((name, payload) => {
      const p = payload as AccountState;
      if (name === 'account.state' && p.accountId === accountId && p.state === state) {
        clearTimeout(timer);
        off();
        resolve(p);
      }
    });
  });
}

const registers = (core: AppCore) => core.trace.since().filter((e) => e.direction === 'out' && e.text.startsWith('REGISTER '));
const answers = (core: AppCore, status: number) => core.trace.since().filter((e) => e.direction === 'in' && e.text.startsWith(`SIP/2.0 ${status} `) && /CSeq:\s*\d+ REGISTER/i.test(e.text));

describe('sign-in against the testbed', () => {
  test('alice finds her server through SRV, registers over TLS with digest, refreshes, and un-registers', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    // Timers run 10× faster: a 20 s registration refreshes after ~1.7 s real time. (Not faster: the connect
    // timeout runs on the same clock, and a loaded machine needs its real second for a TLS handshake.)
    const core = newCore(t, { clock: scaledClock(10), sip: { registerExpires: 20 } });
    const result = await core.dispatch('account.signIn', { address: `${alice.user}@alpha.test`, password: alice.password });
    assert.equal(result.ok, true);
    const state = (result as { value: AccountState }).value;
    assert.equal(state.state, 'registered', state.detail);
    // Progress went through every step, in order.
    const steps = core.states.map((s) => s.state);
    assert.deepEqual(steps.slice(0, 4), ['resolving', 'connecting', 'authenticating', 'registered']);
    // Found through DNS (the _sip._tls SRV of the sign-in order), on the TLS port.
    assert.match(state.detail ?? '', /sip\.alpha\.test \(127\.0\.0\.2:5061\)/);
    const first = registers(core)[0]!.text;
    assert.match(first, /^REGISTER sip:alpha\.test SIP\/2\.0\r\n/);
    assert.match(first, /Via: SIP\/2\.0\/TLS /);
    assert.match(first, /\+sip\.instance="<urn:uuid:[0-9a-f-]{36}>"/);
    assert.match(first, /From: .*;epid=[0-9a-f]{1,16}/);
    assert.match(registers(core)[1]!.text, /Authorization: Digest username="[^"]+", realm="alpha\.test"/);
    const dump = await tb.rpc('alpha.test', 'ul.dump');
    assert.match(dump, new RegExp(`${alice.user}@`));

    // Refresh: more REGISTERs answered 200 on the same registration, with no user action.
    const before = answers(core, 200).length;
    for (let waited = 0; answers(core, 200).length <= before && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    assert.ok(answers(core, 200).length > before, 'the registration was refreshed');
    assert.equal(core.accounts.session(alice.aor)?.state.state, 'registered');

    const out = await core.dispatch('account.signOut', { accountId: alice.aor });
    assert.deepEqual(out, { ok: true, value: { accountId: alice.aor, state: 'signed-out' } });
    assert.match(registers(core).at(-1)!.text, /Expires: 0|expires=0/i);
    assert.doesNotMatch(await tb.rpc('alpha.test', 'ul.dump'), new RegExp(`${alice.user}@`));
  });

  test('a wrong password ends in a clear credentials error after one challenge', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const core = newCore(t);
    const result = await core.dispatch('account.signIn', { address: alice.aor, password: 'not-the-password' });
    const state = (result as { value: AccountState }).value;
    assert.equal(state.state, 'failed');
    assert.equal(state.failure?.kind, 'credentials');
    assert.match(state.detail ?? '', /did not accept the user name or password/);
    assert.equal(registers(core).length, 2, 'one REGISTER, one answer to the challenge, no loop');
    // Nothing is remembered after a failed sign-in.
    assert.deepEqual(await core.dispatch('account.list', {}), { ok: true, value: [] });
  });

  for (const kind of ['rogue', 'expired'] as const) {
    test(`a home server with the ${kind} certificate is refused with a clear reason, and accepted once pinned`, async (t) => {
      const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
      const core = newCore(t);
      const address = kind === 'rogue' ? tb.alpha.rogueTlsAddress! : tb.alpha.expiredTlsAddress!;
      const request = { address: alice.aor, password: alice.password, server: `${address}:5061` };
      const failed = ((await core.dispatch('account.signIn', request)) as { value: AccountState }).value;
      assert.equal(failed.state, 'failed');
      assert.equal(failed.failure?.kind, 'certificate');
      assert.equal(failed.failure?.domain, 'alpha.test');
      assert.match(failed.detail ?? '', new RegExp(`${address.replace(/\./g, '\\.')}:5061`));
      assert.match(failed.detail ?? '', kind === 'rogue' ? /not trusted|unknown|issuer|self-signed/i : /expired/i);
      // No credentials were sent to a server we did not trust.
      assert.equal(registers(core).length, 0);
      const leaf = failed.failure?.certificateChain?.[0];
      assert.ok(leaf, 'the certificate is shown');
      assert.ok(leaf.san.includes('DNS:alpha.test'));

      // "Trust once": this sign-in only, nothing stored.
      const once = ((await core.dispatch('account.signIn', { ...request, trustOnceFingerprint256: leaf.fingerprint256 })) as { value: AccountState }).value;
      assert.equal(once.state, 'registered', once.detail);
      await core.dispatch('account.signOut', { accountId: alice.aor });
      const again = ((await core.dispatch('account.signIn', request)) as { value: AccountState }).value;
      assert.equal(again.failure?.kind, 'certificate', 'trust once was not remembered');

      const trusted = await core.dispatch('certificate.trust', { domain: 'alpha.test', fingerprint256: leaf.fingerprint256 });
      assert.equal(trusted.ok, true);
      const ok = ((await core.dispatch('account.signIn', request)) as { value: AccountState }).value;
      assert.equal(ok.state, 'registered', ok.detail);
    });
  }

  test('after the home server is killed and started again, the client registers again within 10 s of its return', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const core = newCore(t);
    t.after(async () => {
      if (!tb.isDomainUp('alpha.test')) await tb.startDomain('alpha.test');
    });
    const state = ((await core.dispatch('account.signIn', { address: alice.aor, password: alice.password })) as { value: AccountState }).value;
    assert.equal(state.state, 'registered', state.detail);

    const lost = waitForState(core, alice.aor, 'reconnecting', 15_000);
    await tb.stopDomain('alpha.test');
    await lost;
    // Stay down long enough for several failed attempts, so the backoff is really exercised.
    await new Promise((r) => setTimeout(r, 3000));
    const back = waitForState(core, alice.aor, 'registered', 20_000);
    await tb.startDomain('alpha.test');
    const returnedAt = Date.now();
    await back;
    const took = Date.now() - returnedAt;
    assert.ok(took < 10_000, `registered again ${took} ms after the server returned`);
    assert.match(await tb.rpc('alpha.test', 'ul.dump'), new RegExp(`${alice.user}@`));
  });
});

after(async () => {
  await tb?.cleanup();
});
