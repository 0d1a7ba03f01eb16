// Transaction matching (RFC 3261 §17.1.3, §17.2.3 incl. the RFC 2543 fallback), stray responses (RFC 6026 §7.2),
// §18.1.2 multi-Via responses, §9.2 CANCEL lookup, and end-to-end exchange between two layers back to back.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../../../../electron/sip/transaction/message-api';
import { clientKey, serverKey, TransactionLayer } from '../../../../electron/sip/transaction/transaction-layer';
import { parseMessage } from '../../../../electron/sip/message/parser';
import type { SipRequest } from '../../../../electron/sip/message/message';
import { createLoopPair } from '../../../../electron/sip/transport/loop-transport';
import { FakeClock } from '../../../support/fake-clock';
import { makeHarness, peerRequest, reply, request, settle, TARGET } from './harness';

describe('matching', () => {
  test('client (§17.1.3): branch + CSeq method — a CANCEL response does not match the INVITE transaction', async () => {
    const h = makeHarness({ reliable: true });
    const tu = h.recorder();
    h.layer.sendRequest(request('INVITE'), TARGET, tu);
    await settle();
    const invite = h.atPeer[0] as SipRequest;
    assert.equal(clientKey('z9hG4bKb1', 'INVITE'), 'z9hG4bKb1|INVITE');
    const cancelResponse = reply(invite, 200, 'OK').toString().replace('CSeq: 1 INVITE', 'CSeq: 1 CANCEL');
    await h.fromPeer(cancelResponse);
    assert.equal(tu.got.length, 0);
    const otherBranch = reply(invite, 180, 'Ringing').toString().replace('branch=z9hG4bKb1', 'branch=z9hG4bKzz');
    await h.fromPeer(otherBranch);
    assert.equal(tu.got.length, 0);
    await h.fromPeer(reply(invite, 180, 'Ringing'));
    assert.deepEqual(tu.got.map((g) => g.status), [180]);
  });

  test('server (§17.2.3): branch + sent-by + method; ACK matches INVITE; same branch from another sent-by is a new transaction', async () => {
    const a = peerRequest('INVITE', 'z9hG4bKx');
    const ack = peerRequest('ACK', 'z9hG4bKx');
    const other = parseMessage(a.toString().replace('127.0.0.2:5061', 'other.example.org:5061')) as SipRequest;
    const cancel = peerRequest('CANCEL', 'z9hG4bKx');
    assert.equal(serverKey(a), serverKey(ack));
    assert.notEqual(serverKey(a), serverKey(other));
    assert.notEqual(serverKey(a), serverKey(cancel));
    const h = makeHarness({ reliable: true });
    await h.fromPeer(a);
    await h.fromPeer(cancel);
    assert.equal(h.requests.length, 2);
    assert.equal(h.layer.findInviteForCancel(h.requests[1]!.request), h.requests[0]!.tx);
  });

  test('RFC 2543 fallback (no magic cookie): retransmission and ACK match by Request-URI, tags, Call-ID, CSeq, Via', async () => {
    const h = makeHarness({ reliable: true });
    const old = peerRequest('INVITE', '1234');
    await h.fromPeer(old);
    await h.fromPeer(old);
    assert.equal(h.requests.length, 1);
    const tx = h.requests[0]!.tx!;
    tx.respond(createResponse(h.requests[0]!.request, 404, 'Not Found', { toTag: 'q' }));
    await settle();
    await h.fromPeer(peerRequest('ACK', '1234', [['To', '<sip:bob@example.com>;tag=q']]));
    assert.equal(tx.state, 'Terminated');
    assert.equal(h.requests.length, 1);
    const noBranch = peerRequest('MESSAGE').toString().replace(';branch=z9hG4bKpeer1', '');
    await h.fromPeer(noBranch);
    await h.fromPeer(noBranch);
    assert.equal(h.requests.length, 2);
  });

  test('stray responses: only a 2xx to INVITE reaches the TU; a response with two Vias is dropped (§18.1.2)', async () => {
    const h = makeHarness({ reliable: true });
    const r = request('INVITE', [['Via', 'SIP/2.0/TLS ua.example.net:5061;branch=z9hG4bKgone']]);
    await h.fromPeer(reply(r, 200, 'OK'));
    await h.fromPeer(reply(r, 486, 'Busy'));
    const two = request('INVITE', [['Via', 'SIP/2.0/TLS ua.example.net:5061;branch=z9hG4bKgone, SIP/2.0/TLS p.example.net;branch=z9hG4bKp']]);
    await h.fromPeer(reply(two, 200, 'OK'));
    assert.deepEqual(h.stray.map((s) => s.status), [200]);
  });

  test('sendRequest refuses ACK; sendStateless adds a Via and sends once', async () => {
    const h = makeHarness({ reliable: true });
    assert.throws(() => h.layer.sendRequest(request('ACK'), TARGET, h.recorder()), TypeError);
    await h.layer.sendStateless(request('ACK'), TARGET);
    await settle();
    assert.equal(h.atPeer.length, 1);
    assert.equal((h.atPeer[0] as SipRequest).topVia.branch, 'z9hG4bKb1');
    assert.equal(h.layer.clientCount, 0);
  });
});

describe('two layers back to back', () => {
  test('MESSAGE → 200 OK: exact wire in both directions; both transactions end (reliable)', async () => {
    const clock = new FakeClock();
    const { a, b, log } = createLoopPair({ host: '127.0.0.1', port: 5061, name: 'alice' }, { host: '127.0.0.2', port: 5061, name: 'bob' });
    const alice = new TransactionLayer(a, { onRequest() {} }, { clock, newBranch: () => 'alice1', sentBy: () => ({ host: 'alice.example.net', port: 5061 }) });
    const bob = new TransactionLayer(
      b,
      { onRequest: (req, tx) => tx?.respond(createResponse(req, 200, 'OK', { toTag: 'bobtag' })) },
      { clock, sentBy: () => ({ host: 'bob.example.com', port: 5061 }) },
    );
    for (const [t, layer] of [[a, alice], [b, bob]] as const) {
      t.setEvents({
        onMessage(data) {
          const m = parseMessage(data.bytes);
          if (m.kind === 'request') layer.receiveRequest(m, data);
          else layer.receiveResponse(m, data);
        },
      });
    }
    const statuses: number[] = [];
    const msg = request('MESSAGE');
    msg.setBody('hello', 'text/plain; charset=UTF-8');
    alice.sendRequest(msg, TARGET, { onResponse: (r) => statuses.push(r.status) });
    await settle();
    assert.deepEqual(statuses, [200]);
    assert.deepEqual(log.map((e) => `${e.from}>${e.to}`), ['alice>bob', 'bob>alice']);
    assert.match(log[0]!.wire, /^MESSAGE sip:bob@example.com SIP\/2\.0\r\nVia: SIP\/2\.0\/TLS alice\.example\.net:5061;branch=z9hG4bKalice1\r\nMax-Forwards: 70\r\n/);
    assert.match(log[0]!.wire, /\r\n\r\nhello$/);
    assert.equal(
      log[1]!.wire,
      'SIP/2.0 200 OK\r\n' +
        'Via: SIP/2.0/TLS alice.example.net:5061;branch=z9hG4bKalice1\r\n' +
        'From: <sip:alice@example.net>;tag=ft1\r\n' +
        'To: <sip:bob@example.com>;tag=bobtag\r\n' +
        'Call-ID: call-1@example.net\r\n' +
        'CSeq: 1 MESSAGE\r\n' +
        'Content-Length: 0\r\n\r\n',
    );
    assert.equal(alice.clientCount, 0);
    assert.equal(bob.serverCount, 0);
  });
});
