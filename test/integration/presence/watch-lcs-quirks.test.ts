// Presence against the emulated LCS 2005 SP1 domain lcs.test (test/testbed/lcs/README.md), the quirks
// watch-lcs.test.ts leaves out: PIDF in both RPID forms (protocol.md §2.7 item 45), long granted expiries (item 40),
// `Subscription-State: terminated` with every reason but `rejected` (item 41, RFC 6665 §4.1.3 / §4.2.2), polite
// blocking and an explicit deny (§2.10 items 50–51), and 404 (item 42, §2.8 item 47).
//
// Timers are not waited for: alice's core runs on a recording clock (real time, every timer kept), so a test can
// read the delay of the refresh or retry Parley scheduled and run that timer at once.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../../electron/core/app-core';
import type { AppCore } from '../../../electron/core/app-core';
import { nodePlatform } from '../../../electron/core/platform/node-platform';
import type { Clock, TimerHandle } from '../../../electron/sip/clock';
import type { Subscription, SubscriptionStatus } from '../../../electron/sip/usage/subscription';
import type { AccountState } from '../../../shared/ipc/contract';
import type { ContactPresence } from '../../../shared/model/presence';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import type { LcsPresence, LcsSwitches } from '../../testbed/lcs/types';
import { presenceNowOrNext as nextPresence } from '../../support/presence-events';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

type Cleanup = { after(fn: () => unknown): void };

interface RecordedTimer {
  readonly ms: number;
  readonly fn: () => void;
  readonly at: number;
  cleared: boolean;
  fired: boolean;
  handle: ReturnType<typeof setTimeout>;
}

/** The system clock, keeping every timer it set so a test can see its delay and run it early. */
function recordingClock(): Clock & { timers: RecordedTimer[]; fire(timer: RecordedTimer): void } {
  const timers: RecordedTimer[] = [];
  return {
    timers,
    now: () => performance.now(),
    setTimeout(fn, ms) {
      const rec: RecordedTimer = { ms, fn, at: Date.now(), cleared: false, fired: false, handle: undefined as unknown as ReturnType<typeof setTimeout> };
      rec.handle = setTimeout(() => {
        rec.fired = true;
        fn();
      }, ms);
      rec.handle.unref();
      timers.push(rec);
      return rec as unknown as TimerHandle;
    },
    clearTimeout(handle) {
      const rec = handle as unknown as RecordedTimer;
      rec.cleared = true;
      clearTimeout(rec.handle);
    },
    fire(rec) {
      clearTimeout(rec.handle);
      rec.fired = true;
      rec.fn();
    },
  };
}

interface Alice {
  readonly core: AppCore;
  readonly aor: string;
  readonly clock: ReturnType<typeof recordingClock>;
}

async function alice(t: Cleanup): Promise<Alice> {
  const user = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
  const clock = recordingClock();
  const core = createAppCore(nodePlatform('cli', mkdtempSync(join(tmpdir(), 'parley-lcs-quirks-'))), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
    clock,
  });
  t.after(() => core.close());
  const result = await core.dispatch('account.signIn', { address: user.aor, password: user.password });
  const state = (result as { value: AccountState }).value;
  assert.equal(state.state, 'registered', state.detail);
  return { core, aor: user.aor, clock };
}


/** The subscriber usage's own view of the subscription (what the buddy row may hide, e.g. a scheduled retry). */
function subscriptionStatus(core: AppCore, uri: string): SubscriptionStatus | undefined {
  const active = (core.presence as unknown as { active?: { watches: Map<string, Subscription> } }).active;
  return active?.watches.get(uri)?.status;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SUBSCRIBEs alice sent to this LCS user, as the LCS edge saw them. */
async function subscribesTo(presentity: string, watcher: string) {
  const stats = await tb.lcs.stats();
  return stats.subscribes.filter((s) => s.presentity === presentity.toLowerCase() && s.watcher === watcher.toLowerCase());
}

const notifiesFor = (core: AppCore, uri: string) =>
  core.trace.since().filter((e) => e.direction === 'in' && e.text.startsWith('NOTIFY ') && e.text.toLowerCase().includes(`\r\nfrom: <${uri.toLowerCase()}`));

describe('presence with LCS 2005 SP1 users: more quirks (lcs.test)', () => {
  const dialects: Array<[LcsSwitches['presenceFormat'], RegExp, RegExp]> = [
    ['pidf-bcp', /<es:activities>/, /<rpid:activities>/],
    ['pidf-rfc4480', /<rpid:activities>/, /<es:activities>/],
  ];
  for (const [presenceFormat, marker, other] of dialects) {
    test(`PIDF with ${presenceFormat === 'pidf-bcp' ? 'draft RPID es:activities' : 'RFC 4480 rpid:activities'} (${presenceFormat}): each state maps to the right availability`, async (t) => {
      const a = await alice(t);
      const carol = await tb.lcs.createUser({
        prefix: 'carol',
        cleanup: t,
        presence: { availability: 'busy', note: 'In a meeting', displayName: 'Carol LCS' },
        switches: { presenceFormat },
      });
      const first = nextPresence(a.core, carol.aor, (p) => p.reason === 'ok');
      a.core.presence.watch([carol.aor]);
      const initial = await first;
      assert.deepEqual([initial.availability, initial.note, initial.displayName], ['busy', 'In a meeting', 'Carol LCS']);
      const steps: Array<[LcsPresence, ContactPresence['availability']]> = [
        [{ availability: 'away' }, 'away'],
        [{ availability: 'in-a-call' }, 'in-a-call'],
        [{ availability: 'available' }, 'available'],
        [{ availability: 'offline' }, 'offline'],
      ];
      for (const [state, expected] of steps) {
        const next = nextPresence(a.core, carol.aor, (p) => p.availability === expected && p.note === undefined);
        await carol.setPresence(state);
        assert.equal((await next).reason, 'ok');
      }
      const notifies = notifiesFor(a.core, carol.aor);
      assert.ok(notifies.length >= 5, `${notifies.length} NOTIFYs`);
      for (const n of notifies) assert.match(n.text, /\r\nContent-Type: application\/pidf\+xml\r\n/i);
      // The documents with an activity (busy, away, on the phone) were in this dialect, and only in this one.
      assert.ok(notifies.filter((n) => marker.test(n.text)).length >= 3, `${presenceFormat} activities`);
      assert.equal(notifies.filter((n) => other.test(n.text)).length, 0);
      assert.equal(a.core.presence.stats.refusedDocuments, 0);
    });
  }

  test('a long granted expiry (24767 s) is accepted: the refresh is scheduled ~2 min before it, not sooner, and goes on the dialog', async (t) => {
    const a = await alice(t);
    const dave = await tb.lcs.createUser({ prefix: 'dave', cleanup: t, presence: { availability: 'available' }, switches: { grantExpires: 24767 } });
    const known = nextPresence(a.core, dave.aor, (p) => p.reason === 'ok');
    a.core.presence.watch([dave.aor]);
    await known;
    const [initial] = await subscribesTo(dave.aor, a.aor);
    assert.equal(initial?.expires, 3600, 'Parley asked for an hour');
    const status = subscriptionStatus(a.core, dave.aor);
    assert.equal(status?.kind, 'active');
    assert.ok(status?.kind === 'active' && status.expires >= 24765 && status.expires <= 24767, JSON.stringify(status));

    // §2.7 item 40: refresh about 2 minutes before the granted expiry (not the requested 3600 s).
    const refreshTimers = () => a.clock.timers.filter((x) => !x.cleared && !x.fired && x.ms >= (24767 - 120 - 5) * 1000 && x.ms <= (24767 - 120) * 1000);
    const pending = await until('the refresh timer', () => (refreshTimers().length > 0 ? refreshTimers() : undefined), 5000);
    assert.equal(pending.length, 1, 'one refresh pending');
    // Not sooner: the notifier sees no second SUBSCRIBE meanwhile.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await subscribesTo(dave.aor, a.aor)).length, 1, 'not refreshed sooner');

    // Run the refresh now: an in-dialog SUBSCRIBE, answered 200, and the next one scheduled from the new grant.
    a.clock.fire(pending[0]!);
    const refreshed = await until('the refresh SUBSCRIBE', async () => (await subscribesTo(dave.aor, a.aor)).find((s) => s.inDialog && s.status === 200));
    assert.equal(refreshed.callId, initial!.callId);
    assert.equal(refreshed.expires, 3600);
    await until('the next refresh timer', () => (refreshTimers().length > 0 ? true : undefined), 5000);
    assert.equal(subscriptionStatus(a.core, dave.aor)?.kind, 'active');
    assert.equal(a.core.presence.list().find((p) => p.uri === dave.aor)?.reason, 'ok');
  });

  for (const reason of ['deactivated', 'timeout'] as const) {
    test(`terminated;reason=${reason}: Parley subscribes again at once with a new dialog, then backs off if it keeps happening`, async (t) => {
      const a = await alice(t);
      const erin = await tb.lcs.createUser({ prefix: 'erin', cleanup: t, presence: { availability: 'away' }, switches: { terminate: reason } });
      a.core.presence.watch([erin.aor]);
      // RFC 6665 §4.1.3: "deactivated: SHOULD retry immediately"; "timeout: MAY attempt to re-subscribe immediately".
      const two = await until('a second SUBSCRIBE', async () => {
        const s = await subscribesTo(erin.aor, a.aor);
        return s.length >= 2 ? s : undefined;
      });
      assert.notEqual(two[1]!.callId, two[0]!.callId, 'a fresh subscription, not a refresh');
      assert.equal(two[1]!.inDialog, false);
      // The new subscription is ended at once too: no second immediate retry, but the back-off (5 s · 2).
      const waiting = await until('the back-off', () => {
        const s = subscriptionStatus(a.core, erin.aor);
        return s?.kind === 'terminated' && (s.retryInMs ?? 0) > 0 ? s : undefined;
      });
      assert.equal(waiting.kind === 'terminated' && waiting.retryInMs, 10_000);
      assert.equal(waiting.kind === 'terminated' && waiting.reason, reason);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal((await subscribesTo(erin.aor, a.aor)).length, 2, 'no re-SUBSCRIBE loop (§2.11)');
      // The row kept the last known state meanwhile (fromSubscription: the usage is subscribing again).
      assert.equal(a.core.presence.list().find((p) => p.uri === erin.aor)?.availability, 'away');

      // The notifier stops ending subscriptions; the back-off timer (run now) subscribes again, and that one holds.
      await erin.setSwitches({ terminate: null });
      const retry = a.clock.timers.find((x) => !x.cleared && !x.fired && x.ms === 10_000);
      assert.ok(retry, 'the back-off timer');
      a.clock.fire(retry);
      await until('an active subscription', () => (subscriptionStatus(a.core, erin.aor)?.kind === 'active' ? true : undefined));
      await nextPresence(a.core, erin.aor, (p) => p.reason === 'ok' && p.availability === 'away');
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await subscribesTo(erin.aor, a.aor)).length, 3);
      assert.equal(subscriptionStatus(a.core, erin.aor)?.kind, 'active');
    });
  }

  for (const reason of ['probation', 'giveup'] as const) {
    test(`terminated;reason=${reason};retry-after=3600: Parley waits the hour, then subscribes again`, async (t) => {
      const a = await alice(t);
      const fay = await tb.lcs.createUser({ prefix: 'fay', cleanup: t, presence: { availability: 'busy' }, switches: { terminate: reason } });
      a.core.presence.watch([fay.aor]);
      const status = await until('the terminated status', () => {
        const s = subscriptionStatus(a.core, fay.aor);
        return s?.kind === 'terminated' ? s : undefined;
      });
      assert.equal(status.kind, 'terminated');
      assert.equal(status.kind === 'terminated' && status.reason, reason);
      assert.equal(status.kind === 'terminated' && status.retryInMs, 3600 * 1000, 'the retry follows retry-after');
      const row = a.core.presence.list().find((p) => p.uri === fay.aor)!;
      assert.notEqual(row.reason, 'no-such-user');
      assert.notEqual(row.reason, 'not-authorized');
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await subscribesTo(fay.aor, a.aor)).length, 1, 'no SUBSCRIBE before retry-after');

      // Run the retry timer now: a fresh SUBSCRIBE; with the notifier no longer ending it, the state is shown.
      await fay.setSwitches({ terminate: null });
      const retry = a.clock.timers.find((x) => !x.cleared && !x.fired && x.ms === 3600 * 1000);
      assert.ok(retry, 'a retry timer of retry-after');
      a.clock.fire(retry);
      const again = await until('the new SUBSCRIBE', async () => (await subscribesTo(fay.aor, a.aor))[1]);
      assert.equal(again.inDialog, false);
      await nextPresence(a.core, fay.aor, (p) => p.reason === 'ok' && p.availability === 'busy');
    });
  }

  test('terminated;reason=noresource: "no such user", and no new SUBSCRIBE', async (t) => {
    const a = await alice(t);
    const gus = await tb.lcs.createUser({ prefix: 'gus', cleanup: t, presence: { availability: 'available' }, switches: { terminate: 'noresource' } });
    const gone = nextPresence(a.core, gus.aor, (p) => p.reason === 'no-such-user');
    a.core.presence.watch([gus.aor]);
    const p = await gone;
    assert.equal(p.availability, 'unknown');
    assert.equal(p.detail, 'lcs.test says there is no such user.');
    const status = subscriptionStatus(a.core, gus.aor);
    assert.equal(status?.kind === 'terminated' && status.retryInMs, undefined, 'no retry scheduled');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await subscribesTo(gus.aor, a.aor)).length, 1);
  });

  test('politely blocked (ACE B): alice sees the user offline, with no error, and no later change', async (t) => {
    const a = await alice(t);
    const hal = await tb.lcs.createUser({ prefix: 'hal', cleanup: t, presence: { availability: 'available', note: 'Here' } });
    await hal.setSwitches({ blockWatchers: [a.aor] });
    const seen = nextPresence(a.core, hal.aor, (p) => p.reason === 'ok');
    a.core.presence.watch([hal.aor]);
    const p = await seen;
    assert.equal(p.availability, 'offline');
    assert.equal(p.note, undefined);
    assert.equal(p.detail, undefined, 'nothing says "blocked"');
    await hal.setPresence({ availability: 'busy', note: 'Not for you' });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(a.core.presence.list().find((x) => x.uri === hal.aor)?.availability, 'offline');
    assert.equal(subscriptionStatus(a.core, hal.aor)?.kind, 'active');
  });

  for (const [label, deny] of [
    ['the watcher', (aor: string) => aor],
    ['the watcher’s domain', () => 'alpha.test'],
  ] as const) {
    test(`denied (ACE D) by ${label}: 403 → "not authorised", never retried`, async (t) => {
      const a = await alice(t);
      const ida = await tb.lcs.createUser({ prefix: 'ida', cleanup: t, presence: { availability: 'available' }, switches: { denyWatchers: [deny(a.aor)] } });
      const refused = nextPresence(a.core, ida.aor, (p) => p.reason === 'not-authorized');
      a.core.presence.watch([ida.aor]);
      const p = await refused;
      assert.equal(p.availability, 'unknown');
      assert.match(p.detail ?? '', /has not allowed you to see their presence \(403\)/);
      await new Promise((r) => setTimeout(r, 1000));
      const subs = await subscribesTo(ida.aor, a.aor);
      assert.deepEqual(subs.map((s) => s.status), [403]);
    });
  }

  test('404 (subscribeStatus 404, and an address with no such user): "no such user", never retried', async (t) => {
    const a = await alice(t);
    const jon = await tb.lcs.createUser({ prefix: 'jon', cleanup: t, switches: { subscribeStatus: 404 } });
    const nobody = `sip:nobody-${Date.now().toString(36)}@lcs.test`;
    const refused = Promise.all([jon.aor, nobody].map((uri) => nextPresence(a.core, uri, (p) => p.reason === 'no-such-user')));
    a.core.presence.watch([jon.aor, nobody]);
    for (const p of await refused) assert.match(p.detail ?? '', /lcs\.test says there is no such user \(404\)/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual((await subscribesTo(jon.aor, a.aor)).map((s) => s.status), [404]);
    // Unknown users are refused before the emulation records anything: count alice's own SUBSCRIBEs instead.
    const sent = a.core.trace.since().filter((e) => e.direction === 'out' && e.text.startsWith(`SUBSCRIBE ${nobody} `));
    assert.equal(sent.length, 1);
  });
});
