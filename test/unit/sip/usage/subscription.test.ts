// Subscriber usage over the loop transport against a scripted notifier, with a fake clock: the SUBSCRIBE on the wire,
// the LCS robustness rules of protocol.md §2.7 (200 without Event, NOTIFY before 200, BENOTIFY, piggyback), refresh,
// 423/420/481/401, the RFC 6665 §4.1.3 termination reasons, no retry after 403/404, and un-SUBSCRIBE.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Subscriber } from '../../../../electron/sip/usage/subscription';
import type { SubscriptionNotify, SubscriptionOptions, SubscriptionStatus } from '../../../../electron/sip/usage/subscription';
import { parseSubscriptionState, terminationAction } from '../../../../electron/sip/usage/subscription-state';
import { createResponse } from '../../../../electron/sip/transaction/message-api';
import { accept, makeNotifierBench, PIDF_CLOSED, PIDF_OPEN, reject, settle } from './subscription-notifier';
import type { NotifierBench } from './subscription-notifier';

const ACCEPT = ['application/pidf+xml', 'application/xpidf+xml', 'text/xml+msrtc.pidf'];

function setup(options: Partial<SubscriptionOptions> = {}, bench: NotifierBench = makeNotifierBench()) {
  const subscriber = new Subscriber(bench.ua);
  const states: SubscriptionStatus[] = [];
  const notifies: SubscriptionNotify[] = [];
  const subscription = subscriber.subscribe(
    { uri: 'sip:bob@example.org', event: 'presence', accept: ACCEPT, ...options },
    { onStateChange: (s) => states.push(s), onNotify: (n) => notifies.push(n) },
  );
  return { bench, subscriber, subscription, states, notifies };
}

const subscribes = (b: NotifierBench) => b.seen.filter((r) => r.method === 'SUBSCRIBE');
const responsesTo = (b: NotifierBench, method: string) => b.log.filter((e) => e.from === 'ua' && e.wire.startsWith('SIP/2.0') && new RegExp(`CSeq: \\d+ ${method}`).test(e.wire));

describe('Subscription-State and termination reasons (RFC 6665 §4.1.3, §8.2.3)', () => {
  test('parses state, expires, reason and retry-after', () => {
    assert.deepEqual(parseSubscriptionState('active;expires=600'), { state: 'active', expires: 600 });
    assert.deepEqual(parseSubscriptionState('Terminated; reason=Probation; retry-after=30'), { state: 'terminated', reason: 'probation', retryAfter: 30 });
    assert.deepEqual(parseSubscriptionState('pending'), { state: 'pending' });
    assert.equal(parseSubscriptionState(undefined), undefined);
    assert.deepEqual(parseSubscriptionState('x-new;expires=5'), { state: 'active', expires: 5 });
  });
  test('what each reason means for the subscriber', () => {
    assert.equal(terminationAction('deactivated', undefined), 'resubscribe-now');
    assert.equal(terminationAction('timeout', undefined), 'resubscribe-now');
    assert.equal(terminationAction('probation', undefined), 'resubscribe-later');
    assert.equal(terminationAction('rejected', undefined), 'stop');
    assert.equal(terminationAction('noresource', undefined), 'stop');
    assert.equal(terminationAction('giveup', undefined), 'stop');
    assert.equal(terminationAction('giveup', 60), 'resubscribe-later');
    assert.equal(terminationAction(undefined, undefined), 'resubscribe-later');
  });
});

describe('subscriber (RFC 6665, protocol.md §2.7)', () => {
  test('SUBSCRIBE on the wire: Event, Accept in order, MS extensions with Proxy-Require, Contact, Expires', async () => {
    const { bench } = setup();
    await settle();
    const wire = bench.log[0]!.wire;
    assert.match(wire, /^SUBSCRIBE sip:bob@example\.org SIP\/2\.0\r\n/);
    assert.match(wire, /\r\nRoute: <sip:proxy\.example\.net:5061;transport=tls;lr>\r\n/);
    assert.match(wire, /\r\nTo: <sip:bob@example\.org>\r\n/);
    assert.match(wire, /\r\nEvent: presence\r\n/);
    assert.match(wire, /\r\nAccept: application\/pidf\+xml, application\/xpidf\+xml, text\/xml\+msrtc\.pidf\r\n/);
    assert.match(wire, /\r\nContact: <sip:alice@ua\.example\.net:40000;transport=tls>\r\n/);
    assert.match(wire, /\r\nExpires: 3600\r\n/);
    assert.match(wire, /\r\nSupported: ms-piggyback-first-notify, ms-benotify\r\n/);
    assert.match(wire, /\r\nProxy-Require: ms-benotify\r\n/);
  });

  test('200 without Event, then NOTIFY active with PIDF: answered 200, body handed over, pending → active', async () => {
    const { bench, states, notifies } = setup();
    bench.script = (r) => accept(r, [['Expires', '3600']]);
    await settle();
    assert.deepEqual(states.map((s) => s.kind), ['pending']);
    bench.notify(subscribes(bench)[0]!, { state: 'active;expires=3599', body: PIDF_OPEN });
    await settle();
    assert.equal(bench.answers[0]!.status, 200);
    assert.equal(notifies.length, 1);
    assert.equal(notifies[0]!.source, 'NOTIFY');
    assert.equal(notifies[0]!.contentType, 'application/pidf+xml');
    assert.equal(notifies[0]!.body, PIDF_OPEN);
    assert.deepEqual(states.at(-1), { kind: 'active', expires: 3599 });
  });

  test('a NOTIFY before the 200 creates the dialog (answered 200, not 481); the refresh uses its tag and Contact', async () => {
    const { bench, states, notifies } = setup();
    await settle();
    const sub = subscribes(bench)[0]!;
    bench.notify(sub, { state: 'active;expires=600', body: PIDF_OPEN, remoteTag: 'early7' });
    await settle();
    assert.equal(bench.answers[0]!.status, 200);
    assert.equal(notifies.length, 1);
    assert.equal(states.at(-1)?.kind, 'active');
    // Now the 200 arrives (with a To tag of its own, as a forking proxy might): the NOTIFY's dialog is kept.
    bench.pending.get(sub)!(accept(sub, [['Expires', '600']]));
    await settle();
    assert.equal(states.at(-1)?.kind, 'active', 'a late 200 does not move back to pending');
    bench.script = (r) => createResponse(r, 200, 'OK', { headers: [['Expires', '600']] });
    bench.clock.advance(480_000);
    await settle();
    const refresh = subscribes(bench)[1]!;
    assert.equal(refresh.uri, 'sip:notifier@127.0.0.2:5061;transport=tls');
    assert.equal(refresh.to.tag, 'early7');
    assert.equal(refresh.callId, sub.callId);
    assert.equal(refresh.cseq.seq, 2);
  });

  test('BENOTIFY is processed like NOTIFY and never answered (MS-SIP §3.5.5.3)', async () => {
    const { bench, notifies, states } = setup();
    bench.script = (r) => accept(r);
    await settle();
    bench.notify(subscribes(bench)[0]!, { method: 'BENOTIFY', state: 'active;expires=28367', body: '<presentity uri="bob@example.org"/>', contentType: 'text/xml+msrtc.pidf' });
    await settle();
    assert.equal(notifies.length, 1);
    assert.equal(notifies[0]!.source, 'BENOTIFY');
    assert.equal(notifies[0]!.contentType, 'text/xml+msrtc.pidf');
    assert.deepEqual(states.at(-1), { kind: 'active', expires: 28367 });
    assert.equal(responsesTo(bench, 'BENOTIFY').length, 0, 'no response of any kind');
    assert.equal(bench.ua.transactions.serverCount, 0, 'and no server transaction left waiting');
  });

  test('piggybacked first state in the 200 is used only when the 200 echoes Supported: ms-piggyback-first-notify', async () => {
    const one = setup();
    one.bench.script = (r) =>
      accept(r, [['Supported', 'ms-piggyback-first-notify'], ['Expires', '24767'], ['subscription-state', 'active;expires=24767'], ['ms-piggyback-cseq', '1']], { type: 'application/pidf+xml', text: PIDF_OPEN });
    await settle();
    assert.equal(one.notifies.length, 1);
    assert.equal(one.notifies[0]!.source, 'piggyback');
    assert.equal(one.notifies[0]!.body, PIDF_OPEN);
    assert.deepEqual(one.states.at(-1), { kind: 'active', expires: 24767 });

    const two = setup();
    two.bench.script = (r) => accept(r, [], { type: 'application/pidf+xml', text: PIDF_OPEN });
    await settle();
    assert.equal(two.notifies.length, 0);
    assert.equal(two.states.at(-1)?.kind, 'pending');
  });

  test('refresh on the dialog 2 minutes before expiry; 423 on the first SUBSCRIBE retried with Min-Expires', async () => {
    const { bench } = setup({ expires: 60 });
    bench.script = (r, i) => (i === 0 ? reject(r, 423, 'Interval Too Brief', [['Min-Expires', '600']]) : accept(r, [['Expires', '600']]));
    await settle();
    const [first, second] = subscribes(bench);
    assert.equal(first!.header('Expires'), '60');
    assert.equal(second!.header('Expires'), '600');
    assert.equal(second!.callId, first!.callId);
    bench.clock.advance(479_999);
    await settle();
    assert.equal(subscribes(bench).length, 2);
    bench.clock.advance(1);
    await settle();
    const refresh = subscribes(bench)[2]!;
    assert.equal(refresh.to.tag, 'srv1');
    assert.equal(refresh.header('Expires'), '600');
    assert.equal(refresh.hasHeader('Proxy-Require'), false, 'extensions are negotiated on the initial SUBSCRIBE only');
  });

  test('refreshNow: nothing before the dialog exists; then a refresh on the dialog at once, and the timer starts again', async () => {
    const { bench, subscription } = setup({ expires: 600 });
    bench.script = (r) => accept(r, [['Expires', '600']]);
    assert.equal(subscription.refreshNow(), false, 'no dialog yet');
    await settle();
    assert.equal(subscribes(bench).length, 1);
    bench.clock.advance(60_000);
    assert.equal(subscription.refreshNow(), true);
    await settle();
    const refresh = subscribes(bench)[1]!;
    assert.equal(refresh.to.tag, 'srv1');
    assert.equal(refresh.header('Expires'), '600');
    // The next refresh is 600 s − 120 s after this one, not after the first SUBSCRIBE.
    bench.clock.advance(479_999);
    await settle();
    assert.equal(subscribes(bench).length, 2);
    bench.clock.advance(1);
    await settle();
    assert.equal(subscribes(bench).length, 3);
  });

  test('420 Bad Extension: resent without Supported/Proxy-Require, and not offered again by this subscriber', async () => {
    const { bench, subscriber } = setup();
    bench.script = (r) => (r.hasHeader('Proxy-Require') ? reject(r, 420, 'Bad Extension', [['Unsupported', 'ms-benotify']]) : accept(r));
    await settle();
    const [first, second] = subscribes(bench);
    assert.equal(first!.header('Proxy-Require'), 'ms-benotify');
    assert.equal(second!.hasHeader('Proxy-Require'), false);
    assert.equal(second!.header('Supported'), 'ms-piggyback-first-notify', 'a Supported option cannot cause a 420: piggyback stays');
    subscriber.subscribe({ uri: 'sip:carol@example.org', event: 'presence', accept: ACCEPT }, { onStateChange: () => {}, onNotify: () => {} });
    await settle();
    assert.equal(subscribes(bench)[2]!.hasHeader('Proxy-Require'), false);
  });

  test('401: the SUBSCRIBE is resent with digest credentials (same Call-ID, next CSeq)', async () => {
    const { bench, states } = setup();
    bench.script = (r) =>
      r.hasHeader('Proxy-Authorization') ? accept(r) : createResponse(r, 407, 'Proxy Authentication Required', { toTag: 'x', headers: [['Proxy-Authenticate', 'Digest realm="example.net", nonce="n1", qop="auth"']] });
    await settle();
    const [first, second] = subscribes(bench);
    assert.equal(second!.callId, first!.callId);
    assert.equal(second!.cseq.seq, 2);
    assert.match(second!.header('Proxy-Authorization')!, /^Digest username="alice"/);
    assert.equal(states.at(-1)?.kind, 'pending');
  });

  for (const [reason, expectNew] of [['deactivated', 0], ['timeout', 0]] as const) {
    test(`NOTIFY terminated;reason=${reason} → a fresh SUBSCRIBE at once (new Call-ID)`, async () => {
      const { bench, states } = setup();
      bench.script = (r) => accept(r);
      await settle();
      const first = subscribes(bench)[0]!;
      bench.notify(first, { state: `terminated;reason=${reason}` });
      await settle();
      assert.equal(bench.answers[0]!.status, 200);
      assert.equal(states.at(-1)?.kind, 'terminated');
      assert.equal((states.at(-1) as { retryInMs?: number }).retryInMs, expectNew);
      bench.clock.advance(0);
      await settle();
      const second = subscribes(bench)[1]!;
      assert.notEqual(second.callId, first.callId);
      assert.equal(second.to.tag, undefined);
    });
  }

  test('probation with retry-after=30 → resubscribe after 30 s, not before; repeated deactivation backs off', async () => {
    const { bench } = setup({ retryBaseMs: 5000 });
    bench.script = (r) => accept(r);
    await settle();
    bench.notify(subscribes(bench)[0]!, { state: 'terminated;reason=probation;retry-after=30' });
    await settle();
    bench.clock.advance(29_999);
    await settle();
    assert.equal(subscribes(bench).length, 1);
    bench.clock.advance(1);
    await settle();
    assert.equal(subscribes(bench).length, 2);
    // Deactivated again without ever being active: backs off (5 s · 2^1) instead of looping.
    bench.notify(subscribes(bench)[1]!, { state: 'terminated;reason=deactivated' });
    await settle();
    bench.clock.advance(9_999);
    await settle();
    assert.equal(subscribes(bench).length, 2);
    bench.clock.advance(1);
    await settle();
    assert.equal(subscribes(bench).length, 3);
  });

  for (const reason of ['rejected', 'noresource'] as const) {
    test(`NOTIFY terminated;reason=${reason} → stops and says so; no SUBSCRIBE even an hour later`, async () => {
      const { bench, states } = setup();
      bench.script = (r) => accept(r);
      await settle();
      bench.notify(subscribes(bench)[0]!, { state: `terminated;reason=${reason}` });
      await settle();
      assert.deepEqual(states.at(-1), { kind: 'terminated', cause: reason, reason, detail: `terminated;reason=${reason}` });
      bench.clock.advance(3_600_000);
      await settle();
      assert.equal(subscribes(bench).length, 1);
    });
  }

  for (const [status, cause] of [[403, 'rejected'], [404, 'noresource'], [604, 'noresource'], [489, 'bad-event']] as const) {
    test(`${status} → terminated(${cause}), never retried automatically`, async () => {
      const { bench, states } = setup();
      bench.script = (r) => reject(r, status, 'No');
      await settle();
      const last = states.at(-1) as { kind: string; cause: string; status: number; retryInMs?: number };
      assert.equal(last.kind, 'terminated');
      assert.equal(last.cause, cause);
      assert.equal(last.status, status);
      assert.equal(last.retryInMs, undefined);
      bench.clock.advance(24 * 3_600_000);
      await settle();
      assert.equal(subscribes(bench).length, 1);
    });
  }

  test('408 from the path (their domain did not answer): unreachable, retried after back-off (Retry-After honoured)', async () => {
    const { bench, states } = setup();
    bench.script = (r, i) => (i === 0 ? reject(r, 503, 'Service Unavailable', [['Retry-After', '20']]) : accept(r));
    await settle();
    assert.deepEqual(states.at(-1), { kind: 'terminated', cause: 'unreachable', status: 503, detail: '503 Service Unavailable', retryInMs: 20_000 });
    bench.clock.advance(20_000);
    await settle();
    assert.equal(subscribes(bench).length, 2);
    assert.equal(states.at(-1)?.kind, 'pending');
  });

  test('481 to a refresh → a fresh SUBSCRIBE at once', async () => {
    const { bench } = setup({ expires: 600 });
    bench.script = (r, i) => (i === 1 ? reject(r, 481, 'Subscription Does Not Exist') : accept(r, [['Expires', '600']]));
    await settle();
    bench.clock.advance(480_000);
    await settle();
    const [first, refresh, fresh] = subscribes(bench);
    assert.equal(refresh!.callId, first!.callId);
    assert.ok(fresh, 'a new SUBSCRIBE was sent');
    assert.notEqual(fresh.callId, first!.callId);
    assert.equal(fresh.to.tag, undefined);
  });

  test('a NOTIFY for no subscription gets 481 (RFC 6665 §4.1.3), with or without a To tag', async () => {
    const bench = makeNotifierBench();
    new Subscriber(bench.ua);
    const wire = (toTag: string) =>
      'NOTIFY sip:alice@ua.example.net:40000 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.2:5061;branch=z9hG4bKzz' + toTag + '\r\nMax-Forwards: 70\r\n' +
      `From: <sip:bob@example.org>;tag=x\r\nTo: <sip:alice@example.net>${toTag}\r\nCall-ID: nobody\r\nCSeq: 1 NOTIFY\r\n` +
      'Event: presence\r\nSubscription-State: active\r\nContent-Length: 0\r\n\r\n';
    bench.inject(wire(';tag=unknown'));
    bench.inject(wire(''));
    await settle();
    const answers = bench.log.filter((e) => e.from === 'ua').map((e) => e.wire.split('\r\n')[0]);
    assert.deepEqual(answers, ['SIP/2.0 481 Call/Transaction Does Not Exist', 'SIP/2.0 481 Subscription Does Not Exist']);
  });

  test('NOTIFY with another event package on our dialog: 481', async () => {
    const { bench, notifies } = setup();
    bench.script = (r) => accept(r);
    await settle();
    bench.notify(subscribes(bench)[0]!, { state: 'active', event: 'dialog', body: PIDF_OPEN });
    await settle();
    assert.equal(bench.answers[0]!.status, 481);
    assert.equal(notifies.length, 0);
  });

  test('un-SUBSCRIBE: Expires: 0 in the dialog; the final NOTIFY is answered 200; later ones 481', async () => {
    const { bench, subscription, states, notifies } = setup();
    bench.script = (r) => accept(r);
    await settle();
    bench.notify(subscribes(bench)[0]!, { state: 'active;expires=3600', body: PIDF_OPEN });
    await settle();
    await subscription.unsubscribe();
    await settle();
    const un = subscribes(bench)[1]!;
    assert.equal(un.header('Expires'), '0');
    assert.equal(un.to.tag, 'srv1');
    assert.deepEqual(states.at(-1), { kind: 'terminated', cause: 'unsubscribed', detail: 'unsubscribed' });
    bench.notify(subscribes(bench)[0]!, { state: 'terminated;reason=timeout', cseq: 2, body: PIDF_CLOSED });
    await settle();
    assert.equal(bench.answers.at(-1)!.status, 200);
    assert.equal(notifies.length, 1, 'the final document is not applied');
    assert.equal(subscribes(bench).length, 2, 'and no resubscription');
    bench.clock.advance(32_000);
    bench.notify(subscribes(bench)[0]!, { state: 'active', cseq: 3 });
    await settle();
    assert.equal(bench.answers.at(-1)!.status, 481);
  });

  test('un-SUBSCRIBE before the 200: the dialog is ended as soon as the 200 arrives', async () => {
    const { bench, subscription } = setup();
    await settle();
    const sub = subscribes(bench)[0]!;
    await subscription.unsubscribe();
    bench.pending.get(sub)!(accept(sub));
    await settle();
    const un = subscribes(bench)[1]!;
    assert.equal(un.header('Expires'), '0');
    assert.equal(un.to.tag, 'srv1');
  });

  test('restart() after a reconnect: a fresh SUBSCRIBE; NOTIFYs of the old dialog now get 481', async () => {
    const { bench, subscription } = setup();
    bench.script = (r) => accept(r);
    await settle();
    const old = subscribes(bench)[0]!;
    subscription.restart();
    await settle();
    assert.notEqual(subscribes(bench)[1]!.callId, old.callId);
    bench.notify(old, { state: 'active', cseq: 5 });
    await settle();
    assert.equal(bench.answers.at(-1)!.status, 481);
  });
});
