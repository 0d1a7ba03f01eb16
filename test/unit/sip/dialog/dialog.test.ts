// Dialogs (RFC 3261 §12): ids, route sets (reversed for the UAC), loose and strict routing (§12.2.1.1), remote
// target refresh, CSeq rules (§12.2.2: lower → 500), epid in From/To (protocol.md §2.3 item 15), case-insensitive
// tag matching (item 16), and the dialog layer's 481 for unmatched in-dialog requests.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Dialog } from '../../../../electron/sip/dialog/dialog';
import { DialogLayer } from '../../../../electron/sip/dialog/dialog-layer';
import { isValidEpid, newEpid } from '../../../../electron/sip/dialog/epid';
import { createRequest, createResponse } from '../../../../electron/sip/transaction/message-api';
import type { SipRequest, SipResponse } from '../../../../electron/sip/message/message';
import type { ServerTransaction } from '../../../../electron/sip/transaction/server-transaction';

function subscribe(): SipRequest {
  return createRequest({
    method: 'SUBSCRIBE',
    uri: 'sip:bob@contoso.com',
    headers: [
      ['Via', 'SIP/2.0/TLS ua.example.net:49152;branch=z9hG4bK7f3a'],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@example.net>;tag=8f2c1;epid=3f9a1c07d2'],
      ['To', '<sip:bob@contoso.com>'],
      ['Call-ID', '6b1fd0e2a94c@example.net'],
      ['CSeq', '1 SUBSCRIBE'],
      ['Contact', '<sip:alice@ua.example.net:49152;transport=tls>'],
    ],
  });
}

function ok200(request: SipRequest, recordRoutes: string[], contact = '<sip:pool.contoso.com:5061;transport=tls>'): SipResponse {
  return createResponse(request, 200, 'OK', {
    toTag: 'A53585F7',
    headers: [...recordRoutes.map((r): [string, string] => ['Record-Route', r]), ['Contact', contact]],
  });
}

/** Records what a server transaction was asked to send. */
function fakeTx(): ServerTransaction & { sent: SipResponse[] } {
  const sent: SipResponse[] = [];
  return { sent, respond: (r: SipResponse) => sent.push(r) } as unknown as ServerTransaction & { sent: SipResponse[] };
}

describe('Dialog (RFC 3261 §12)', () => {
  test('UAC dialog: id, reversed route set, loose routing; in-dialog request carries tags, epid and CSeq+1', () => {
    const req = subscribe();
    const res = ok200(req, ['<sip:edge.contoso.com;lr>', '<sip:ap.example.net:5061;transport=tls;lr>']);
    const d = Dialog.fromUacResponse(req, res);
    assert.deepEqual(d.id, { callId: '6b1fd0e2a94c@example.net', localTag: '8f2c1', remoteTag: 'A53585F7' });
    assert.deepEqual(d.routeSet, ['<sip:ap.example.net:5061;transport=tls;lr>', '<sip:edge.contoso.com;lr>']);
    const next = d.createRequest('SUBSCRIBE', { headers: [['Event', 'presence'], ['Expires', '0']] });
    assert.equal(
      next.toString(),
      'SUBSCRIBE sip:pool.contoso.com:5061;transport=tls SIP/2.0\r\n' +
        'Max-Forwards: 70\r\n' +
        'From: <sip:alice@example.net>;tag=8f2c1;epid=3f9a1c07d2\r\n' +
        'To: <sip:bob@contoso.com>;tag=A53585F7\r\n' +
        'Call-ID: 6b1fd0e2a94c@example.net\r\n' +
        'CSeq: 2 SUBSCRIBE\r\n' +
        'Route: <sip:ap.example.net:5061;transport=tls;lr>\r\n' +
        'Route: <sip:edge.contoso.com;lr>\r\n' +
        'Event: presence\r\n' +
        'Expires: 0\r\n' +
        'Content-Length: 0\r\n\r\n',
    );
  });

  test('strict routing (§12.2.1.1): Request-URI = first route, remote target appended as the last Route', () => {
    const req = subscribe();
    const d = Dialog.fromUacResponse(req, ok200(req, ['<sip:second.example.org;lr>', '<sip:strict.example.net>']));
    const r = d.createRequest('NOTIFY');
    assert.equal(r.uri, 'sip:strict.example.net');
    assert.deepEqual(r.headers('Route'), ['<sip:second.example.org;lr>', '<sip:pool.contoso.com:5061;transport=tls>']);
  });

  test('no route set: Request-URI = remote target, no Route', () => {
    const req = subscribe();
    const d = Dialog.fromUacResponse(req, ok200(req, []));
    const r = d.createRequest('MESSAGE', { body: 'hi', contentType: 'text/plain' });
    assert.equal(r.uri, 'sip:pool.contoso.com:5061;transport=tls');
    assert.equal(r.hasHeader('Route'), false);
    assert.equal(r.body, 'hi');
  });

  test('UAS dialog: route set in order, peer epid echoed in To, local CSeq starts at 1; remote CSeq rules', () => {
    const req = subscribe();
    const d = Dialog.fromUasRequest(
      createRequest({ method: 'SUBSCRIBE', uri: req.uri, headers: [...['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards'].map((n): [string, string] => [n, req.header(n)!]), ['Record-Route', '<sip:p1.example.net;lr>'], ['Record-Route', '<sip:p2.example.net;lr>']] }),
      'localtag',
      'feedbeef',
    );
    assert.deepEqual(d.routeSet, ['<sip:p1.example.net;lr>', '<sip:p2.example.net;lr>']);
    const notify = d.createRequest('NOTIFY');
    assert.equal(notify.header('To'), '<sip:alice@example.net>;tag=8f2c1;epid=3f9a1c07d2');
    assert.equal(notify.header('From'), '<sip:bob@contoso.com>;tag=localtag;epid=feedbeef');
    assert.equal(notify.cseq.seq, 1);
    assert.equal(notify.uri, 'sip:alice@ua.example.net:49152;transport=tls');
    // §12.2.2: a lower remote CSeq → 500; equal or higher accepted and remembered.
    const inDialog = (seq: number, contact?: string): SipRequest =>
      createRequest({
        method: 'SUBSCRIBE',
        uri: 'sip:bob@contoso.com',
        headers: [
          ['Via', 'SIP/2.0/TLS ua.example.net:49152;branch=z9hG4bK' + seq],
          ['From', '<sip:alice@example.net>;tag=8f2c1;epid=3f9a1c07d2'],
          ['To', '<sip:bob@contoso.com>;tag=localtag'],
          ['Call-ID', '6b1fd0e2a94c@example.net'],
          ['CSeq', `${seq} SUBSCRIBE`],
          ['Max-Forwards', '70'],
          ...(contact ? [['Contact', contact] as [string, string]] : []),
        ],
      });
    assert.deepEqual(d.receiveRequest(inDialog(5, '<sip:alice@moved.example.net;transport=tls>')), { ok: true });
    assert.equal(d.remoteSeq, 5);
    assert.equal(d.remoteTarget, 'sip:alice@moved.example.net;transport=tls', 'SUBSCRIBE is a target-refresh request');
    assert.deepEqual(d.receiveRequest(inDialog(4)), { ok: false, status: 500, reason: 'Server Internal Error (CSeq out of order)' });
    assert.equal(d.remoteSeq, 5);
  });

  test('target refresh from a 2xx to a target-refresh request (§12.2.1.2), not from a MESSAGE 2xx', () => {
    const req = subscribe();
    const d = Dialog.fromUacResponse(req, ok200(req, []));
    const refresh = d.createRequest('SUBSCRIBE');
    refresh.addHeader('Via', 'SIP/2.0/TLS ua.example.net:49152;branch=z9hG4bKr', { first: true });
    d.receiveResponse(createResponse(refresh, 200, 'OK', { headers: [['Contact', '<sip:new.contoso.com;transport=tls>']] }));
    assert.equal(d.remoteTarget, 'sip:new.contoso.com;transport=tls');
    const msg = d.createRequest('MESSAGE');
    msg.addHeader('Via', 'SIP/2.0/TLS ua.example.net:49152;branch=z9hG4bKm', { first: true });
    d.receiveResponse(createResponse(msg, 200, 'OK', { headers: [['Contact', '<sip:other.contoso.com>']] }));
    assert.equal(d.remoteTarget, 'sip:new.contoso.com;transport=tls');
  });

  test('epid: 16 hex digits, validated', () => {
    const e = newEpid();
    assert.match(e, /^[0-9a-f]{16}$/);
    assert.ok(isValidEpid('3f9a1c07d2'));
    assert.ok(!isValidEpid('0123456789abcdef0'));
    assert.ok(!isValidEpid('xyz'));
  });
});

describe('DialogLayer', () => {
  test('matches in-dialog requests with tags compared case-insensitively (LCS varies case); unmatched → 481', () => {
    const req = subscribe();
    const d = Dialog.fromUacResponse(req, ok200(req, []));
    const layer = new DialogLayer();
    const got: string[] = [];
    layer.add(d, { onRequest: (r) => got.push(r.method) });
    const notify = (toTag: string, fromTag: string, seq = 1): SipRequest =>
      createRequest({
        method: 'NOTIFY',
        uri: 'sip:alice@ua.example.net:49152;transport=tls',
        headers: [
          ['Via', `SIP/2.0/TLS pool.contoso.com:5061;branch=z9hG4bKn${seq}`],
          ['From', `<sip:BOB@Contoso.com>;tag=${fromTag}`],
          ['To', `<sip:alice@example.net>;tag=${toTag}`],
          ['Call-ID', '6b1fd0e2a94c@example.net'],
          ['CSeq', `${seq} NOTIFY`],
          ['Max-Forwards', '70'],
        ],
      });
    const tx1 = fakeTx();
    assert.equal(layer.receiveRequest(notify('8F2C1', 'a53585f7'), tx1), true);
    assert.deepEqual(got, ['NOTIFY']);
    assert.equal(tx1.sent.length, 0);
    const tx2 = fakeTx();
    assert.equal(layer.receiveRequest(notify('nope', 'a53585f7', 2), tx2), true);
    assert.deepEqual(tx2.sent.map((r) => `${r.status} ${r.reason}`), ['481 Call/Transaction Does Not Exist']);
    const tx3 = fakeTx();
    layer.receiveRequest(notify('8f2c1', 'A53585F7', 3), tx3);
    const tx4 = fakeTx();
    layer.receiveRequest(notify('8f2c1', 'A53585F7', 2), tx4);
    assert.deepEqual(tx4.sent.map((r) => r.status), [500]);
    assert.equal(layer.receiveRequest(subscribe(), fakeTx()), false, 'no To tag: not in-dialog');
    layer.remove(d);
    assert.equal(layer.size, 0);
  });
});
