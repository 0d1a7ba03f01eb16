// Non-INVITE client transaction, RFC 3261 §17.1.2, over the loop transport with a fake clock.
//
// Transition → test:
//   (start) → Trying, request sent ................................ every test
//   Trying --Timer E--> Trying (retransmit, E = min(2E, T2)) ....... 'Trying: Timer E backs off to T2…'
//   Trying --Timer F--> Terminated, 408 to TU ...................... same test; 'reliable: no Timer E; Timer F → 408'
//   Trying --1xx--> Proceeding ..................................... 'Proceeding: Timer E fires every T2…'
//   Proceeding --Timer E--> Proceeding (retransmit, E = T2) ........ same test
//   Proceeding --1xx--> Proceeding (to TU) ......................... same test
//   Proceeding --Timer F--> Terminated, 408 ........................ same test
//   Trying --200-699--> Completed (Timer K = T4) ................... 'Trying → 200 → Completed…'
//   Completed --response--> Completed (absorbed) ................... same test
//   Completed --Timer K--> Terminated .............................. same test
//   Proceeding --200-699--> Completed; K = 0 on reliable ........... 'reliable: Proceeding → 403 → Completed → Terminated at once'
//   Trying --transport error--> Terminated, 503 to TU .............. 'Trying → transport error → 503'
//   Proceeding --transport error--> Terminated, 503 ................ 'Proceeding → transport error on retransmission → 503'
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, reply, request, settle, TARGET } from './harness';
import type { SipRequest } from '../../../../electron/sip/message/message';

async function sendTimes(h: ReturnType<typeof makeHarness>, until: number): Promise<number[]> {
  const times: number[] = [];
  while (h.clock.now() < until && h.clock.pendingCount > 0) {
    const before = h.atPeer.length;
    h.clock.advanceToNext();
    await settle();
    if (h.atPeer.length > before) times.push(h.clock.now());
  }
  return times;
}

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  test('Trying: Timer E backs off 500, 1000, 2000, 4000, 4000 … (T2); Timer F (64*T1) → Terminated, 408', async () => {
    const h = makeHarness({ reliable: false });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('OPTIONS'), TARGET, tu);
    await settle();
    assert.equal(tx.state, 'Trying');
    assert.deepEqual(tx.activeTimers(), ['E', 'F']);
    const times = await sendTimes(h, 40_000);
    assert.deepEqual(times, [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    assert.equal(tx.state, 'Terminated');
    assert.equal(h.clock.now(), 32_000);
    assert.deepEqual(tu.got.map((g) => [g.status, g.origin]), [[408, 'timeout']]);
    assert.deepEqual(h.transitions, ['non-invite-client:Trying->Terminated']);
  });

  test('reliable: no Timer E; Timer F → 408', async () => {
    const h = makeHarness({ reliable: true });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('MESSAGE'), TARGET, tu);
    await settle();
    assert.deepEqual(tx.activeTimers(), ['F']);
    h.clock.advance(32_000);
    await settle();
    assert.equal(h.atPeer.length, 1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(tu.got.map((g) => g.status), [408]);
  });

  test('Proceeding: Timer E fires every T2; 1xx go to the TU; Timer F → 408', async () => {
    const h = makeHarness({ reliable: false });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('SUBSCRIBE'), TARGET, tu);
    await settle();
    h.clock.advance(600); // E fired at 500; next at 1500
    await settle();
    await h.fromPeer(reply(h.atPeer[0] as SipRequest, 100, 'Trying'));
    assert.equal(tx.state, 'Proceeding');
    await h.fromPeer(reply(h.atPeer[0] as SipRequest, 183, 'Progress'));
    const times = await sendTimes(h, 40_000);
    // E was pending at 1500 (interval 1000); from then on it is T2 = 4000.
    assert.deepEqual(times, [1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(tu.got.map((g) => g.status), [100, 183, 408]);
    assert.deepEqual(h.transitions, ['non-invite-client:Trying->Proceeding', 'non-invite-client:Proceeding->Terminated']);
  });

  test('Trying → 200 → Completed (Timer K = T4); retransmitted finals absorbed; Timer K → Terminated', async () => {
    const h = makeHarness({ reliable: false });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('MESSAGE'), TARGET, tu);
    await settle();
    await h.fromPeer(reply(h.atPeer[0] as SipRequest, 200, 'OK'));
    assert.equal(tx.state, 'Completed');
    assert.deepEqual(tx.activeTimers(), ['K']);
    await h.fromPeer(reply(h.atPeer[0] as SipRequest, 200, 'OK'));
    await h.fromPeer(reply(h.atPeer[0] as SipRequest, 500, 'Oops'));
    assert.deepEqual(tu.got.map((g) => g.status), [200]);
    h.clock.advance(4999);
    assert.equal(tx.state, 'Completed');
    h.clock.advance(1);
    assert.equal(tx.state, 'Terminated');
    await settle();
    assert.equal(h.atPeer.length, 1, 'no retransmission after a final response');
    assert.deepEqual(h.transitions, ['non-invite-client:Trying->Completed', 'non-invite-client:Completed->Terminated']);
  });

  test('reliable: Proceeding → 403 → Completed → Terminated at once (Timer K = 0)', async () => {
    const h = makeHarness({ reliable: true });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('PUBLISH'), TARGET, tu);
    await settle();
    await h.fromPeer(reply(h.atPeer[0] as SipRequest, 100, 'Trying'));
    await h.fromPeer(reply(h.atPeer[0] as SipRequest, 403, 'Forbidden'));
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.transitions, [
      'non-invite-client:Trying->Proceeding',
      'non-invite-client:Proceeding->Completed',
      'non-invite-client:Completed->Terminated',
    ]);
    assert.deepEqual(tu.got.map((g) => g.status), [100, 403]);
    assert.equal(h.clock.pendingCount, 0);
  });

  test('Trying → transport error → Terminated, 503 to the TU', async () => {
    const h = makeHarness({ reliable: true });
    h.local.failSendsWith = 'ECONNRESET';
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('REGISTER'), TARGET, tu);
    await settle();
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(tu.got.map((g) => [g.status, g.origin, g.response.reason]), [[503, 'transport-error', 'Service Unavailable']]);
  });

  test('Proceeding → transport error on a retransmission → Terminated, 503', async () => {
    const h = makeHarness({ reliable: false });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('REGISTER'), TARGET, tu);
    await settle();
    await h.fromPeer(reply(h.atPeer[0] as SipRequest, 100, 'Trying'));
    h.local.failSendsWith = 'EPIPE';
    h.clock.advance(500);
    await settle();
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(tu.got.map((g) => [g.status, g.origin]), [[100, 'network'], [503, 'transport-error']]);
    assert.deepEqual(h.transitions, ['non-invite-client:Trying->Proceeding', 'non-invite-client:Proceeding->Terminated']);
  });
});
