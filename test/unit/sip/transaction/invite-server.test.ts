// INVITE server transaction, RFC 3261 §17.2.1 + RFC 6026 §8.5–§8.8, over the loop transport with a fake clock.
//
// Transition → test:
//   (INVITE) → Proceeding, request to TU ............................ every test
//   Proceeding --200 ms, TU silent--> send 100 Trying ............... 'Proceeding: 100 Trying after 200 ms…'
//   Proceeding --TU 1xx within 200 ms--> no 100 Trying ............. 'Proceeding: a TU 180 within 200 ms…'
//   Proceeding --INVITE retransmission--> resend provisional ........ same test
//   Proceeding --TU 2xx--> Accepted (Timer L) ...................... 'Proceeding → 2xx → Accepted…'
//   Accepted --INVITE retransmission--> absorbed .................... same test
//   Accepted --ACK--> to TU .......................................... same test
//   Accepted --TU 2xx--> sent ........................................ same test
//   Accepted --Timer L--> Terminated ................................. same test
//   Proceeding --TU 300-699--> Completed (G, H) ..................... 'Completed: Timer G backs off…'
//   Completed --Timer G--> resend final, G = min(2G, T2) ............ same test
//   Completed --INVITE retransmission--> resend final ............... same test
//   Completed --ACK--> Confirmed (Timer I = T4) ...................... same test
//   Confirmed --ACK--> absorbed ...................................... same test
//   Confirmed --Timer I--> Terminated ................................ same test
//   Completed --Timer H--> Terminated, TU told 'timeout' ............ 'Completed → Timer H…'
//   reliable: no Timer G; Timer I = 0 ............................... 'reliable: Completed → ACK → Confirmed → Terminated at once'
//   Proceeding --transport error--> Terminated, TU told ............. 'transport errors…'
//   Completed --transport error--> Terminated, TU told .............. same test
//   Accepted --transport error--> TU told, stays Accepted (6026 §8.8)  same test
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../../../../electron/sip/transaction/message-api';
import { makeHarness, peerRequest, settle, startLines } from './harness';

describe('INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)', () => {
  test('Proceeding: 100 Trying after 200 ms when the TU is silent (exact wire)', async () => {
    const h = makeHarness({ reliable: true });
    await h.fromPeer(peerRequest('INVITE'));
    const tx = h.requests[0]!.tx!;
    assert.equal(tx.state, 'Proceeding');
    h.clock.advance(199);
    await settle();
    assert.equal(h.atPeer.length, 0);
    h.clock.advance(1);
    await settle();
    assert.equal(
      h.atPeer[0]!.toString(),
      'SIP/2.0 100 Trying\r\n' +
        'Via: SIP/2.0/TLS 127.0.0.2:5061;branch=z9hG4bKpeer1\r\n' +
        'From: <sip:alice@example.net>;tag=ft1\r\n' +
        'To: <sip:bob@example.com>\r\n' +
        'Call-ID: call-1@example.net\r\n' +
        'CSeq: 1 INVITE\r\n' +
        'Content-Length: 0\r\n\r\n',
    );
  });

  test('Proceeding: a TU 180 within 200 ms suppresses 100 Trying; an INVITE retransmission gets the 180 again, not the TU', async () => {
    const h = makeHarness({ reliable: false });
    const invite = peerRequest('INVITE');
    await h.fromPeer(invite);
    const tx = h.requests[0]!.tx!;
    tx.respond(createResponse(h.requests[0]!.request, 180, 'Ringing', { toTag: 'ut1' }));
    await settle();
    h.clock.advance(1000);
    await h.fromPeer(invite);
    assert.equal(h.requests.length, 1);
    assert.deepEqual(startLines(h.log, 'ua'), ['SIP/2.0 180 Ringing', 'SIP/2.0 180 Ringing']);
    assert.equal(tx.state, 'Proceeding');
  });

  test('Proceeding → 2xx → Accepted: INVITE retransmissions absorbed, ACK to TU, TU 2xx retransmissions sent, Timer L → Terminated', async () => {
    const h = makeHarness({ reliable: false });
    const invite = peerRequest('INVITE');
    await h.fromPeer(invite);
    const tx = h.requests[0]!.tx!;
    const ok = createResponse(h.requests[0]!.request, 200, 'OK', { toTag: 'ut1' });
    tx.respond(ok);
    await settle();
    assert.equal(tx.state, 'Accepted');
    assert.deepEqual(tx.activeTimers(), ['L']);
    await h.fromPeer(invite);
    assert.equal(h.atPeer.length, 1, 'retransmitted INVITE absorbed in Accepted (RFC 6026 §8.7)');
    tx.respond(ok); // the TU's own 2xx retransmission (§13.3.1.4) goes out through the transaction
    await settle();
    assert.equal(h.atPeer.length, 2);
    await h.fromPeer(peerRequest('ACK', 'z9hG4bKpeer1', [['To', '<sip:bob@example.com>;tag=ut1']]));
    assert.equal(h.requests.length, 2);
    assert.equal(h.requests[1]!.request.method, 'ACK');
    assert.equal(h.requests[1]!.tx, undefined);
    h.clock.advance(31_999);
    assert.equal(tx.state, 'Accepted');
    h.clock.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.transitions, ['invite-server:Proceeding->Accepted', 'invite-server:Accepted->Terminated']);
    assert.equal(h.layer.serverCount, 0);
  });

  test('Completed: Timer G backs off to T2, INVITE retransmission resends the final, ACK → Confirmed, Timer I (T4) → Terminated', async () => {
    const h = makeHarness({ reliable: false });
    const invite = peerRequest('INVITE');
    await h.fromPeer(invite);
    const tx = h.requests[0]!.tx!;
    tx.respond(createResponse(h.requests[0]!.request, 486, 'Busy Here', { toTag: 'ut1' }));
    await settle();
    assert.equal(tx.state, 'Completed');
    assert.deepEqual(tx.activeTimers(), ['G', 'H']);
    const times: number[] = [];
    while (h.clock.now() < 12_000) {
      const before = h.atPeer.length;
      h.clock.advanceToNext();
      await settle();
      if (h.atPeer.length > before) times.push(h.clock.now());
    }
    assert.deepEqual(times, [500, 1500, 3500, 7500, 11500, 15500]);
    const sent = h.atPeer.length;
    await h.fromPeer(invite);
    assert.equal(h.atPeer.length, sent + 1);
    assert.equal(h.atPeer.at(-1)!.toString(), h.atPeer[0]!.toString(), 'the same 486, byte for byte');
    const ack = peerRequest('INVITE').toString().replace('INVITE sip:', 'ACK sip:').replace('CSeq: 1 INVITE', 'CSeq: 1 ACK');
    await h.fromPeer(ack);
    assert.equal(tx.state, 'Confirmed');
    assert.deepEqual(tx.activeTimers(), ['I']);
    await h.fromPeer(ack);
    assert.equal(h.requests.length, 1, 'ACKs of a non-2xx never reach the TU');
    const start = h.clock.now();
    h.clock.advance(4999);
    assert.equal(tx.state, 'Confirmed');
    h.clock.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.equal(h.clock.now() - start, 5000);
    assert.deepEqual(h.transitions, [
      'invite-server:Proceeding->Completed',
      'invite-server:Completed->Confirmed',
      'invite-server:Confirmed->Terminated',
    ]);
  });

  test('Completed → Timer H (64*T1) without an ACK → Terminated, TU told "timeout"', async () => {
    const h = makeHarness({ reliable: true });
    await h.fromPeer(peerRequest('INVITE'));
    const tx = h.requests[0]!.tx!;
    tx.respond(createResponse(h.requests[0]!.request, 603, 'Decline', { toTag: 'ut1' }));
    await settle();
    assert.deepEqual(tx.activeTimers(), ['H']);
    h.clock.advance(32_000);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.failures.map((f) => f.failure), ['timeout']);
    assert.equal(h.atPeer.length, 1, 'no Timer G on a reliable transport');
  });

  test('reliable: Completed → ACK → Confirmed → Terminated at once (Timer I = 0)', async () => {
    const h = makeHarness({ reliable: true });
    await h.fromPeer(peerRequest('INVITE'));
    const tx = h.requests[0]!.tx!;
    tx.respond(createResponse(h.requests[0]!.request, 480, 'Temporarily Unavailable', { toTag: 'ut1' }));
    await settle();
    await h.fromPeer(peerRequest('INVITE').toString().replace('INVITE sip:', 'ACK sip:').replace('CSeq: 1 INVITE', 'CSeq: 1 ACK'));
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.transitions, [
      'invite-server:Proceeding->Completed',
      'invite-server:Completed->Confirmed',
      'invite-server:Confirmed->Terminated',
    ]);
    assert.equal(h.clock.pendingCount, 0);
  });

  test('transport errors: Proceeding and Completed → Terminated; Accepted → TU told, stays Accepted (RFC 6026 §8.8)', async () => {
    const h = makeHarness({ reliable: false });
    await h.fromPeer(peerRequest('INVITE', 'z9hG4bKone'));
    await h.fromPeer(peerRequest('INVITE', 'z9hG4bKtwo'));
    await h.fromPeer(peerRequest('INVITE', 'z9hG4bKthree'));
    const [one, two, three] = h.requests.map((r) => r);
    // Completed: the 486 goes out, then the Timer G retransmission fails.
    two!.tx!.respond(createResponse(two!.request, 486, 'Busy Here', { toTag: 'x' }));
    await settle();
    h.local.failSendsWith = 'EPIPE';
    one!.tx!.respond(createResponse(one!.request, 180, 'Ringing', { toTag: 'x' }));
    three!.tx!.respond(createResponse(three!.request, 200, 'OK', { toTag: 'x' }));
    h.clock.advance(500);
    await settle();
    assert.equal(one!.tx!.state, 'Terminated');
    assert.equal(two!.tx!.state, 'Terminated');
    assert.equal(three!.tx!.state, 'Accepted');
    assert.deepEqual(h.failures.map((f) => [f.tx.request.topVia.branch, f.failure]).sort(), [
      ['z9hG4bKone', 'transport-error'],
      ['z9hG4bKthree', 'transport-error'],
      ['z9hG4bKtwo', 'transport-error'],
    ]);
  });
});
