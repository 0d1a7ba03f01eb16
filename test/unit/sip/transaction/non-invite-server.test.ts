// Non-INVITE server transaction, RFC 3261 §17.2.2, over the loop transport with a fake clock.
//
// Transition → test:
//   (request) → Trying, request to TU ............................... every test
//   Trying --retransmission--> Trying (discarded, not to TU) ........ 'Trying: retransmissions are discarded…'
//   Trying --TU 1xx--> Proceeding .................................... 'Proceeding: retransmission resends the provisional…'
//   Proceeding --retransmission--> resend last provisional .......... same test
//   Proceeding --TU 1xx--> Proceeding (sent) ......................... same test
//   Proceeding --TU final--> Completed (Timer J = 64*T1) ............. same test
//   Completed --retransmission--> resend final ....................... same test
//   Completed --TU response--> discarded ............................. same test
//   Completed --Timer J--> Terminated ................................ same test
//   Trying --TU final--> Completed → Terminated at once (J = 0, reliable)  'reliable: Trying → 200 → Completed → Terminated at once'
//   Trying --transport error--> Terminated, TU told .................. 'transport error…'
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../../../../electron/sip/transaction/message-api';
import { makeHarness, peerRequest, settle, startLines } from './harness';

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  test('Trying: retransmissions are discarded and never reach the TU', async () => {
    const h = makeHarness({ reliable: false });
    const msg = peerRequest('MESSAGE');
    await h.fromPeer(msg);
    await h.fromPeer(msg);
    await h.fromPeer(msg);
    assert.equal(h.requests.length, 1);
    assert.equal(h.requests[0]!.tx!.state, 'Trying');
    assert.equal(h.atPeer.length, 0);
  });

  test('Proceeding: retransmission resends the provisional; final → Completed; Completed resends the final, drops TU responses; Timer J → Terminated', async () => {
    const h = makeHarness({ reliable: false });
    const sub = peerRequest('SUBSCRIBE');
    await h.fromPeer(sub);
    const { request, tx } = h.requests[0]!;
    tx!.respond(createResponse(request, 100, 'Trying'));
    await settle();
    assert.equal(tx!.state, 'Proceeding');
    await h.fromPeer(sub);
    tx!.respond(createResponse(request, 183, 'Still Thinking'));
    await settle();
    tx!.respond(createResponse(request, 202, 'Accepted', { toTag: 'ut9' }));
    await settle();
    assert.equal(tx!.state, 'Completed');
    assert.deepEqual(tx!.activeTimers(), ['J']);
    await h.fromPeer(sub);
    tx!.respond(createResponse(request, 500, 'Too Late'));
    await settle();
    assert.deepEqual(startLines(h.log, 'ua'), [
      'SIP/2.0 100 Trying',
      'SIP/2.0 100 Trying',
      'SIP/2.0 183 Still Thinking',
      'SIP/2.0 202 Accepted',
      'SIP/2.0 202 Accepted',
    ]);
    assert.match(h.atPeer[3]!.toString(), /\r\nTo: <sip:bob@example.com>;tag=ut9\r\n/);
    h.clock.advance(31_999);
    assert.equal(tx!.state, 'Completed');
    h.clock.advance(1);
    assert.equal(tx!.state, 'Terminated');
    assert.deepEqual(h.transitions, [
      'non-invite-server:Trying->Proceeding',
      'non-invite-server:Proceeding->Completed',
      'non-invite-server:Completed->Terminated',
    ]);
    // After termination the same request is new again (a fresh transaction, the TU sees it).
    await h.fromPeer(sub);
    assert.equal(h.requests.length, 2);
  });

  test('reliable: Trying → 200 → Completed → Terminated at once (Timer J = 0)', async () => {
    const h = makeHarness({ reliable: true });
    await h.fromPeer(peerRequest('OPTIONS'));
    const { request, tx } = h.requests[0]!;
    tx!.respond(createResponse(request, 200, 'OK', { toTag: 'a' }));
    await settle();
    assert.equal(tx!.state, 'Terminated');
    assert.deepEqual(h.transitions, ['non-invite-server:Trying->Completed', 'non-invite-server:Completed->Terminated']);
    assert.equal(h.layer.serverCount, 0);
  });

  test('transport error sending the response → Terminated, TU told', async () => {
    const h = makeHarness({ reliable: false });
    await h.fromPeer(peerRequest('MESSAGE'));
    const { request, tx } = h.requests[0]!;
    h.local.failSendsWith = 'ECONNRESET';
    tx!.respond(createResponse(request, 180, 'Ringing'));
    await settle();
    assert.equal(tx!.state, 'Terminated');
    assert.deepEqual(h.failures.map((f) => f.failure), ['transport-error']);
  });
});
