// The user agent's inbound path and bad input (issue item 10): malformed request → 400 with the parser's reason,
// malformed response → dropped and logged, unmatched in-dialog request → 481, unknown method → 405, stray CANCEL →
// 481, and nothing throws. Also an out-of-dialog MESSAGE handler and an in-dialog request routed via the home server.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopPair } from '../../../../electron/sip/transport/loop-transport';
import { UserAgent } from '../../../../electron/sip/user-agent';
import { createResponse } from '../../../../electron/sip/transaction/message-api';
import { Dialog } from '../../../../electron/sip/dialog/dialog';
import { parseMessage } from '../../../../electron/sip/message/parser';
import type { SipRequest } from '../../../../electron/sip/message/message';
import { FakeClock } from '../../../support/fake-clock';
import { ACCOUNT, makeBench, settle } from './registrar';

function setup() {
  const clock = new FakeClock();
  const { a, b, log } = createLoopPair({ host: '127.0.0.1', port: 40000, name: 'ua' }, { host: '127.0.0.2', port: 5061, name: 'peer' });
  const warnings: string[] = [];
  const ua = new UserAgent({
    transport: a,
    account: ACCOUNT,
    clock,
    sentBy: { host: 'ua.example.net', port: 40000 },
    logger: { debug() {}, warn: (m) => warnings.push(m) },
  });
  const received: string[] = [];
  b.setEvents({ onMessage: (d) => received.push(d.bytes.toString('utf8')) });
  return { ua, peer: b, received, warnings, log, clock };
}

const GOOD_MESSAGE =
  'MESSAGE sip:alice@ua.example.net:40000;transport=tls SIP/2.0\r\n' +
  'Via: SIP/2.0/TLS 127.0.0.2:5061;branch=z9hG4bKm1\r\n' +
  'Max-Forwards: 69\r\n' +
  'From: <sip:bob@contoso.com>;tag=b1\r\n' +
  'To: <sip:alice@example.net>\r\n' +
  'Call-ID: m1@contoso.com\r\n' +
  'CSeq: 7 MESSAGE\r\n' +
  'Content-Type: text/plain\r\n' +
  'Content-Length: 2\r\n\r\nhi';

describe('UserAgent inbound path and bad input (issue item 10)', () => {
  test('malformed request (no Call-ID) → 400 with the parser reason, echoing Via/From/To/CSeq', async () => {
    const { peer, received } = setup();
    await peer.send(GOOD_MESSAGE.replace('Call-ID: m1@contoso.com\r\n', ''), { transport: 'tls', host: '127.0.0.1', port: 40000 });
    await settle();
    assert.equal(received.length, 1);
    const response = received[0]!;
    assert.match(response, /^SIP\/2\.0 400 Bad Request \(.*Call-ID.*\)\r\n/);
    assert.match(response, /\r\nVia: SIP\/2\.0\/TLS 127\.0\.0\.2:5061;branch=z9hG4bKm1\r\n/);
    assert.match(response, /\r\nCSeq: 7 MESSAGE\r\n/);
    assert.match(response, /\r\nContent-Length: 0\r\n\r\n$/);
  });

  test('malformed response → dropped and logged; garbage without a Via → dropped; nothing throws', async () => {
    const { peer, received, warnings } = setup();
    await peer.send('SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS ua.example.net:40000;branch=z9hG4bKx\r\nCSeq: banana\r\n\r\n', { transport: 'tls', host: '', port: 0 });
    await peer.send('\u0000\u0001 not sip at all\r\n\r\n', { transport: 'tls', host: '', port: 0 });
    await settle();
    assert.deepEqual(received, []);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /malformed response/);
    assert.match(warnings[1]!, /without a Via/);
  });

  test('in-dialog request for an unknown dialog → 481; unknown method → 405 with Allow; stray CANCEL → 481', async () => {
    const { ua, peer, received } = setup();
    ua.onRequestMethod('MESSAGE', (req, tx) => tx.respond(createResponse(req, 200, 'OK', { toTag: 'ua1' })));
    const inDialog = GOOD_MESSAGE.replace('To: <sip:alice@example.net>', 'To: <sip:alice@example.net>;tag=unknown');
    const dest = { transport: 'tls' as const, host: '127.0.0.1', port: 40000 };
    await peer.send(inDialog, dest);
    // (Not BENOTIFY: it is never answered, MS-SIP §3.5.5.3 — see test/unit/sip/usage/subscription.test.ts.)
    await peer.send(GOOD_MESSAGE.replace(/MESSAGE/g, 'PING').replace('z9hG4bKm1', 'z9hG4bKm2'), dest);
    await peer.send(GOOD_MESSAGE.replace(/MESSAGE/g, 'CANCEL').replace('z9hG4bKm1', 'z9hG4bKm3'), dest);
    await peer.send(GOOD_MESSAGE.replace('z9hG4bKm1', 'z9hG4bKm4'), dest);
    await settle();
    const lines = received.map((r) => r.slice(0, r.indexOf('\r\n')));
    assert.deepEqual(lines, [
      'SIP/2.0 481 Call/Transaction Does Not Exist',
      'SIP/2.0 405 Method Not Allowed',
      'SIP/2.0 481 Call/Transaction Does Not Exist',
      'SIP/2.0 200 OK',
    ]);
    assert.match(received[1]!, /\r\nAllow: ACK, CANCEL, MESSAGE\r\n/);
  });

  test('a throwing handler yields 500, not a crash', async () => {
    const { ua, peer, received, warnings } = setup();
    ua.onRequestMethod('MESSAGE', () => {
      throw new Error('boom');
    });
    await peer.send(GOOD_MESSAGE, { transport: 'tls', host: '127.0.0.1', port: 40000 });
    await settle();
    assert.equal(received[0]!.slice(0, received[0]!.indexOf('\r\n')), 'SIP/2.0 500 Server Internal Error');
    assert.match(warnings[0]!, /handler failed/);
  });
});

describe('in-dialog requests through the request sender', () => {
  test('the home server stays the first hop: outbound proxy Route put in front of the dialog route set', async () => {
    const bench = makeBench();
    bench.script = (request) => createResponse(request, 200, 'OK');
    const sub = parseMessage(
      'SUBSCRIBE sip:bob@contoso.com SIP/2.0\r\nVia: SIP/2.0/TLS ua.example.net:40000;branch=z9hG4bKs\r\nMax-Forwards: 70\r\n' +
        'From: <sip:alice@example.net>;tag=t1;epid=0123456789abcdef\r\nTo: <sip:bob@contoso.com>\r\nCall-ID: c1\r\nCSeq: 1 SUBSCRIBE\r\n' +
        'Contact: <sip:alice@ua.example.net:40000;transport=tls>\r\nContent-Length: 0\r\n\r\n',
    ) as SipRequest;
    const ok = createResponse(sub, 200, 'OK', { toTag: 'B1', headers: [['Record-Route', '<sip:edge.contoso.com;lr>'], ['Contact', '<sip:pool.contoso.com;transport=tls>']] });
    const dialog = Dialog.fromUacResponse(sub, ok);
    const outcome = await bench.ua.sender.sendInDialog(dialog, 'SUBSCRIBE', { headers: [['Expires', '0']] });
    assert.equal(outcome.response.status, 200);
    const sent = bench.seen[0]!;
    assert.deepEqual(sent.headers('Route'), ['<sip:proxy.example.net:5061;transport=tls;lr>', '<sip:edge.contoso.com;lr>']);
    assert.equal(sent.uri, 'sip:pool.contoso.com;transport=tls');
    assert.equal(sent.cseq.seq, 2);
  });
});
