// Presence of LCS users as their home server answers a federated watcher (protocol.md §2.7, §2.10), through
// alpha.test: every quirk switch (PIDF in both RPID forms, XPIDF, BENOTIFY, piggyback, 200 without Event, NOTIFY
// before 200, long expiries, each termination reason, 403/404/604, polite blocking) and NOTIFY on change.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { AlphaClient } from '../../testbed/lcs/alpha-client';
import { TERMINATE_REASONS } from '../../testbed/lcs/types';
import { parsePresenceBody } from '../../../electron/sip/simple/presence-body';
import { NS_RPID, NS_RPID_DRAFT } from '../../../electron/sip/simple/namespaces';
import type { SipMessageBase } from '../../../electron/sip/message/message';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

async function watcher(t: { after(fn: () => unknown): void }, prefix = 'alice'): Promise<AlphaClient> {
  const u = await tb.createUser('alpha.test', { prefix, cleanup: t });
  const a = await AlphaClient.register(u, { host: tb.alpha.address, port: tb.alpha.sipPort });
  t.after(() => a.close());
  return a;
}

const availability = (m: SipMessageBase) => parsePresenceBody(m.header('Content-Type'), m.body).availability;

describe('presence of LCS users', { concurrency: true }, () => {
  test('default: 200 with Event and Expires, NOTIFY with BCP PIDF, NOTIFY on change, refresh and unsubscribe in the dialog', async (t) => {
    const a = await watcher(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, presence: { availability: 'available', displayName: 'Carol LCS' } });
    const sub = await a.subscribe(carol.aor, { expires: 600 });
    assert.equal(sub.response.status, 200);
    assert.equal(sub.response.header('Event'), 'presence');
    assert.equal(sub.response.header('Expires'), '600');
    const n1 = await a.waitForNotify(sub);
    assert.equal(n1.method, 'NOTIFY');
    assert.match(n1.header('Subscription-State') ?? '', /^active;expires=\d+/);
    assert.equal(n1.header('Content-Type'), 'application/pidf+xml');
    assert.ok(n1.body.includes(NS_RPID_DRAFT), 'draft RPID (rpid-status) form, protocol.md §3.2');
    assert.equal(availability(n1), 'available');
    assert.equal(parsePresenceBody(n1.header('Content-Type'), n1.body).displayName, 'Carol LCS');

    assert.equal(await carol.setPresence({ availability: 'in-a-call' }), 1);
    const n2 = await a.waitForNotify(sub, (n) => n !== n1);
    assert.equal(availability(n2), 'in-a-call');

    assert.equal((await a.refresh(sub, 600)).status, 200);
    await a.waitForNotify(sub, (n) => n !== n1 && n !== n2);
    assert.equal((await a.refresh(sub, 0)).status, 200);
    const last = await a.waitForNotify(sub, (n) => /terminated/.test(n.header('Subscription-State') ?? ''));
    assert.equal(last.header('Subscription-State'), 'terminated;reason=timeout');
    assert.deepEqual(await carol.watchers(), []);
    const subs = (await carol.received()).filter((r) => r.method === 'SUBSCRIBE');
    assert.deepEqual(subs.map((r) => r.status), [200, 200, 200]);
  });

  test('document formats: PIDF RFC 4480 form, XPIDF, and XPIDF chosen by Accept in auto mode', async (t) => {
    const a = await watcher(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, presence: { availability: 'be-right-back', displayName: 'Carol' }, switches: { presenceFormat: 'pidf-rfc4480' } });
    const s1 = await a.subscribe(carol.aor);
    const n1 = await a.waitForNotify(s1);
    assert.ok(n1.body.includes(NS_RPID) && !n1.body.includes(NS_RPID_DRAFT), 'RFC 4480 rpid namespace');
    assert.equal(availability(n1), 'be-right-back');

    await carol.setSwitches({ presenceFormat: 'xpidf' });
    const s2 = await a.subscribe(carol.aor);
    const n2 = await a.waitForNotify(s2);
    assert.equal(n2.header('Content-Type'), 'application/xpidf+xml');
    assert.match(n2.body, /<msnsubstatus substatus="berightback"\/>/);
    assert.equal(availability(n2), 'be-right-back');

    await carol.setSwitches({ presenceFormat: 'auto' });
    const s3 = await a.subscribe(carol.aor, { accept: 'application/xpidf+xml' });
    assert.equal((await a.waitForNotify(s3)).header('Content-Type'), 'application/xpidf+xml');
  });

  test('BENOTIFY instead of NOTIFY, never answered; also on change', async (t) => {
    const a = await watcher(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, switches: { notifyMethod: 'BENOTIFY' } });
    const sub = await a.subscribe(carol.aor);
    assert.equal(sub.response.status, 200);
    const n1 = await a.waitForNotify(sub);
    assert.equal(n1.method, 'BENOTIFY');
    assert.equal(n1.header('Event'), 'presence');
    await carol.setPresence({ availability: 'away' });
    const n2 = await a.waitForNotify(sub, (n) => n !== n1);
    assert.equal(n2.method, 'BENOTIFY');
    assert.equal(availability(n2), 'away');
    assert.ok(a.received.filter((r) => r.request.method === 'BENOTIFY').every((r) => r.status === undefined));
  });

  test('first state piggybacked in the 200 (auto on Supported, and always), no separate first NOTIFY', async (t) => {
    const a = await watcher(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, presence: { availability: 'busy' }, switches: { piggyback: 'auto' } });
    const plain = await a.subscribe(carol.aor);
    assert.equal(plain.response.body, '', 'not offered: no piggyback');
    await a.waitForNotify(plain);
    const sub = await a.subscribe(carol.aor, { supported: 'ms-piggyback-first-notify, com.microsoft.autoextend' });
    assert.equal(sub.response.status, 200);
    assert.deepEqual(sub.response.headers('Supported'), ['ms-piggyback-first-notify']);
    assert.match(sub.response.header('subscription-state') ?? '', /^active;expires=/);
    assert.equal(availability(sub.response), 'busy');
    await carol.setSwitches({ piggyback: 'always' });
    const always = await a.subscribe(carol.aor);
    assert.equal(availability(always.response), 'busy');
    await carol.setPresence({ availability: 'available' });
    const first = await a.waitForNotify(sub);
    assert.equal(availability(first), 'available', 'the first NOTIFY is the change, not the initial state');
  });

  test('a 200 without Event; a NOTIFY sent and answered before the 200; a long LCS expiry', async (t) => {
    const a = await watcher(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, switches: { eventIn200: false, notifyBefore200: true, grantExpires: 24767 } });
    const sub = await a.subscribe(carol.aor, { expires: 3600 });
    const answeredAt = Date.now();
    assert.equal(sub.response.status, 200);
    assert.equal(sub.response.header('Event'), undefined);
    assert.equal(sub.response.header('Expires'), '24767');
    const early = a.received.find((r) => r.request.method === 'NOTIFY' && r.request.callId === sub.callId);
    assert.ok(early && early.at <= answeredAt, 'the NOTIFY arrived before the 200');
    assert.equal(early.status, 200, 'and was answered 200, not 481');
    const expires = Number(/expires=(\d+)/.exec(early.request.header('Subscription-State') ?? '')?.[1]);
    assert.ok(expires > 24000 && expires <= 24767, `Subscription-State expires ${expires}`);
  });

  for (const reason of TERMINATE_REASONS) {
    test(`Subscription-State: terminated;reason=${reason} right after the first state`, async (t) => {
      const a = await watcher(t);
      const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, switches: { terminate: reason } });
      const sub = await a.subscribe(carol.aor);
      assert.equal(sub.response.status, 200);
      const end = await a.waitForNotify(sub, (n) => /^terminated/.test(n.header('Subscription-State') ?? ''));
      assert.match(end.header('Subscription-State') ?? '', new RegExp(`^terminated;reason=${reason}\\b`));
      if (reason === 'probation' || reason === 'giveup') assert.match(end.header('Subscription-State') ?? '', /retry-after=\d+/);
      assert.deepEqual(await carol.watchers(), []);
    });
  }

  test('endSubscriptions ends current watchers with the given reason', async (t) => {
    const a = await watcher(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    const sub = await a.subscribe(carol.aor);
    await carol.waitForWatcher(a.aor);
    assert.equal(await carol.endSubscriptions('deactivated'), 1);
    const end = await a.waitForNotify(sub, (n) => /^terminated/.test(n.header('Subscription-State') ?? ''));
    assert.equal(end.header('Subscription-State'), 'terminated;reason=deactivated');
  });

  test('refusals: 403/404/604 switches, ACL deny by user and by domain, unknown user 404', async (t) => {
    const a = await watcher(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    for (const status of [403, 404, 604] as const) {
      await carol.setSwitches({ subscribeStatus: status });
      assert.equal((await a.subscribe(carol.aor)).response.status, status);
    }
    await carol.setSwitches({ subscribeStatus: null, denyWatchers: [a.aor] });
    const info = await carol.info();
    assert.equal(info.switches.subscribeStatus, undefined);
    assert.equal((await a.subscribe(carol.aor)).response.status, 403);
    await carol.setSwitches({ denyWatchers: ['alpha.test'] });
    assert.equal((await a.subscribe(carol.aor)).response.status, 403);
    assert.equal((await a.subscribe('sip:no-such-user@lcs.test')).response.status, 404);
  });

  test('polite blocking: the blocked watcher gets 200 and closed, and no change leaks; others see it', async (t) => {
    const blocked = await watcher(t, 'mallory');
    const friend = await watcher(t, 'bob');
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, presence: { availability: 'available' }, switches: { blockWatchers: [blocked.aor] } });
    const bs = await blocked.subscribe(carol.aor);
    assert.equal(bs.response.status, 200);
    assert.equal(availability(await blocked.waitForNotify(bs)), 'offline');
    const fs = await friend.subscribe(carol.aor);
    assert.equal(availability(await friend.waitForNotify(fs)), 'available');
    assert.equal(await carol.setPresence({ availability: 'busy' }), 1, 'only the unblocked watcher is told');
    assert.equal(availability(await friend.waitForNotify(fs, (n) => availability(n) === 'busy')), 'busy');
    assert.equal(bs.notifies.length, 1);
    assert.ok(bs.notifies.every((n) => availability(n) === 'offline'));
  });
});
