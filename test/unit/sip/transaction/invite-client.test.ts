// INVITE client transaction, RFC 3261 §17.1.1 + RFC 6026 §8.4, over the loop transport with a fake clock.
//
// Transition → test:
//   (start) → Calling, request sent ............................. 'Calling: Timer A retransmits…' / 'reliable: no Timer A…'
//   Calling --Timer A--> Calling (retransmit, doubling) .......... 'Calling: Timer A retransmits with doubling…'
//   Calling --Timer B--> Terminated, 408 to TU ................... same test (unreliable) + 'reliable: no Timer A; Timer B → 408'
//   Calling --1xx--> Proceeding (A and B stop) ................... 'Calling → 1xx → Proceeding…'
//   Proceeding --1xx--> Proceeding (to TU) ....................... same test
//   Calling --2xx--> Accepted, Timer M ........................... 'Calling → 2xx → Accepted…'
//   Accepted --2xx--> Accepted (retransmission to TU) ............ same test
//   Accepted --non-2xx--> Accepted (discarded) ................... same test
//   Accepted --Timer M--> Terminated ............................. same test
//   Proceeding --2xx--> Accepted ................................. 'Proceeding → 2xx → Accepted'
//   Calling --300-699--> Completed, ACK sent (exact wire) ........ 'Calling → 486 → Completed…'
//   Completed --300-699--> Completed (ACK resent, not to TU) ..... same test
//   Completed --Timer D (32 s)--> Terminated ..................... same test
//   Proceeding --300-699--> Completed; Timer D = 0 on reliable ... 'reliable: Proceeding → 404 → Completed → Terminated at once'
//   Calling --transport error--> Terminated, 503 to TU ........... 'Calling → transport error → 503'
//   Completed --transport error (ACK)--> Terminated .............. 'Completed → transport error sending ACK → Terminated'
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, reply, request, settle, startLines, TARGET } from './harness';

const INVITE_LINE = 'INVITE sip:bob@example.com SIP/2.0';

describe('INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §8.4)', () => {
  test('Calling: Timer A retransmits with doubling (500, 1000, 2000 … ms) until Timer B (64*T1) → 408', async () => {
    const h = makeHarness({ reliable: false });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('INVITE'), TARGET, tu);
    await settle();
    assert.equal(tx.state, 'Calling');
    assert.deepEqual(tx.activeTimers(), ['A', 'B']);
    assert.equal(h.atPeer.length, 1);
    const sendTimes: number[] = [0];
    while (h.clock.now() < 32_000) {
      const before = h.atPeer.length;
      h.clock.advanceToNext();
      await settle();
      if (h.atPeer.length > before) sendTimes.push(h.clock.now());
    }
    // A fires at 500, 1500, 3500, 7500, 15500, 31500; B fires at 32000.
    assert.deepEqual(sendTimes, [0, 500, 1500, 3500, 7500, 15500, 31500]);
    assert.ok(h.atPeer.every((m) => m.toString() === h.atPeer[0]!.toString()), 'retransmissions are byte-identical');
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(tu.got.map((g) => [g.status, g.origin]), [[408, 'timeout']]);
    assert.deepEqual(h.transitions, ['invite-client:Calling->Terminated']);
    assert.equal(h.layer.clientCount, 0);
    assert.equal(h.clock.pendingCount, 0);
  });

  test('reliable: no Timer A; Timer B → 408 after 64*T1 with custom T1', async () => {
    const h = makeHarness({ reliable: true, timers: { T1: 100 } });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('INVITE'), TARGET, tu);
    await settle();
    assert.deepEqual(tx.activeTimers(), ['B']);
    h.clock.advance(6399);
    await settle();
    assert.equal(tx.state, 'Calling');
    assert.equal(h.atPeer.length, 1);
    h.clock.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(tu.got.map((g) => [g.status, g.origin, g.response.reason]), [[408, 'timeout', 'Request Timeout']]);
  });

  test('Calling → 1xx → Proceeding (retransmissions and Timer B stop); Proceeding → 1xx → TU', async () => {
    const h = makeHarness({ reliable: false });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('INVITE'), TARGET, tu);
    await settle();
    const invite = h.atPeer[0] as Parameters<typeof reply>[0];
    await h.fromPeer(reply(invite, 100, 'Trying'));
    assert.equal(tx.state, 'Proceeding');
    assert.deepEqual(tx.activeTimers(), []);
    await h.fromPeer(reply(invite, 180, 'Ringing'));
    assert.equal(tx.state, 'Proceeding');
    h.clock.advance(120_000);
    await settle();
    assert.equal(h.atPeer.length, 1, 'no retransmission in Proceeding');
    assert.deepEqual(tu.got.map((g) => g.status), [100, 180]);
    assert.deepEqual(h.transitions, ['invite-client:Calling->Proceeding']);
  });

  test('Calling → 2xx → Accepted (Timer M); 2xx retransmissions go to the TU, others are dropped; Timer M → Terminated', async () => {
    const h = makeHarness({ reliable: true });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('INVITE'), TARGET, tu);
    await settle();
    const invite = h.atPeer[0] as Parameters<typeof reply>[0];
    await h.fromPeer(reply(invite, 200, 'OK'));
    assert.equal(tx.state, 'Accepted');
    assert.deepEqual(tx.activeTimers(), ['M']);
    await h.fromPeer(reply(invite, 200, 'OK'));
    await h.fromPeer(reply(invite, 200, 'OK', 'otherfork'));
    await h.fromPeer(reply(invite, 486, 'Busy Here'));
    assert.deepEqual(tu.got.map((g) => g.status), [200, 200, 200]);
    assert.equal(startLines(h.log, 'ua').length, 1, 'the transaction never ACKs a 2xx (the TU does, §13.2.2.4)');
    h.clock.advance(31_999);
    assert.equal(tx.state, 'Accepted');
    h.clock.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.transitions, ['invite-client:Calling->Accepted', 'invite-client:Accepted->Terminated']);
    // After Timer M, a late 2xx retransmission is a stray response for the core (RFC 6026 §7.2).
    await h.fromPeer(reply(invite, 200, 'OK'));
    assert.equal(h.stray.length, 1);
  });

  test('Proceeding → 2xx → Accepted', async () => {
    const h = makeHarness({ reliable: false });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('INVITE'), TARGET, tu);
    await settle();
    const invite = h.atPeer[0] as Parameters<typeof reply>[0];
    await h.fromPeer(reply(invite, 180, 'Ringing'));
    await h.fromPeer(reply(invite, 200, 'OK'));
    assert.equal(tx.state, 'Accepted');
    assert.deepEqual(h.transitions, ['invite-client:Calling->Proceeding', 'invite-client:Proceeding->Accepted']);
  });

  test('Calling → 486 → Completed: ACK on the wire exactly; retransmitted 486 re-ACKed, not passed up; Timer D (32 s) → Terminated', async () => {
    const h = makeHarness({ reliable: false });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('INVITE', [['Route', '<sip:proxy.example.net;lr>']]), TARGET, tu);
    await settle();
    const invite = h.atPeer[0] as Parameters<typeof reply>[0];
    await h.fromPeer(reply(invite, 486, 'Busy Here'));
    assert.equal(tx.state, 'Completed');
    assert.deepEqual(tx.activeTimers(), ['D']);
    const ack = h.atPeer[1]!;
    assert.equal(
      ack.toString(),
      'ACK sip:bob@example.com SIP/2.0\r\n' +
        'Via: SIP/2.0/TLS ua.example.net:5061;branch=z9hG4bKb1\r\n' +
        'Max-Forwards: 70\r\n' +
        'From: <sip:alice@example.net>;tag=ft1\r\n' +
        'To: <sip:bob@example.com>;tag=tt1\r\n' +
        'Call-ID: call-1@example.net\r\n' +
        'CSeq: 1 ACK\r\n' +
        'Route: <sip:proxy.example.net;lr>\r\n' +
        'Content-Length: 0\r\n\r\n',
    );
    await h.fromPeer(reply(invite, 486, 'Busy Here'));
    assert.equal(h.atPeer.length, 3);
    assert.equal(h.atPeer[2]!.toString(), ack.toString());
    assert.deepEqual(tu.got.map((g) => g.status), [486]);
    h.clock.advance(31_999);
    assert.equal(tx.state, 'Completed');
    h.clock.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.transitions, ['invite-client:Calling->Completed', 'invite-client:Completed->Terminated']);
    assert.deepEqual(startLines(h.log, 'ua'), [INVITE_LINE, 'ACK sip:bob@example.com SIP/2.0', 'ACK sip:bob@example.com SIP/2.0']);
  });

  test('reliable: Proceeding → 404 → Completed → Terminated at once (Timer D = 0)', async () => {
    const h = makeHarness({ reliable: true });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('INVITE'), TARGET, tu);
    await settle();
    const invite = h.atPeer[0] as Parameters<typeof reply>[0];
    await h.fromPeer(reply(invite, 183, 'Session Progress'));
    await h.fromPeer(reply(invite, 404, 'Not Found'));
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.transitions, [
      'invite-client:Calling->Proceeding',
      'invite-client:Proceeding->Completed',
      'invite-client:Completed->Terminated',
    ]);
    assert.deepEqual(tu.got.map((g) => g.status), [183, 404]);
    assert.equal(startLines(h.log, 'ua')[1], 'ACK sip:bob@example.com SIP/2.0');
  });

  test('Calling → transport error → Terminated, 503 to the TU (RFC 3261 §8.1.3.1)', async () => {
    const h = makeHarness({ reliable: true });
    h.local.failSendsWith = 'ECONNREFUSED';
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('INVITE'), TARGET, tu);
    await settle();
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(tu.got.map((g) => [g.status, g.origin]), [[503, 'transport-error']]);
    assert.equal(h.clock.pendingCount, 0);
  });

  test('Completed → transport error sending ACK → Terminated', async () => {
    const h = makeHarness({ reliable: false });
    const tu = h.recorder();
    const tx = h.layer.sendRequest(request('INVITE'), TARGET, tu);
    await settle();
    const invite = h.atPeer[0] as Parameters<typeof reply>[0];
    h.local.failSendsWith = 'EPIPE';
    await h.fromPeer(reply(invite, 500, 'Server Internal Error'));
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.transitions, ['invite-client:Calling->Completed', 'invite-client:Completed->Terminated']);
    assert.deepEqual(tu.got.map((g) => g.status), [500]);
  });
});
