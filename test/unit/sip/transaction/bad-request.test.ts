// The raw 400 for an unparseable request (RFC 3261 §8.2.2, §8.2.6.2): echoed headers copied from the bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeResponse, rawErrorResponse } from '../../../../electron/sip/transaction/bad-request';

test('echoes Via (all, compact and folded forms), From, To, Call-ID, CSeq; nothing else', () => {
  const raw =
    'MESSAGE sip:a@b SIP/2.0\r\n' +
    'v: SIP/2.0/TLS h1;branch=z9hG4bK1\r\n' +
    'Via: SIP/2.0/TLS h2;\r\n branch=z9hG4bK2\r\n' +
    'f: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\nSubject: x\r\n\r\nbody';
  assert.equal(
    rawErrorResponse(raw, 400, 'Bad Request (broken\r\nthing)'),
    'SIP/2.0 400 Bad Request (broken  thing)\r\n' +
      'v: SIP/2.0/TLS h1;branch=z9hG4bK1\r\n' +
      'Via: SIP/2.0/TLS h2; branch=z9hG4bK2\r\n' +
      'f: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n',
  );
});

test('no Via → no response; status lines are recognised as responses', () => {
  assert.equal(rawErrorResponse('MESSAGE sip:a@b SIP/2.0\r\nTo: <sip:a@b>\r\n\r\n', 400, 'Bad Request'), undefined);
  assert.ok(looksLikeResponse(Buffer.from('SIP/2.0 200 OK\r\n')));
  assert.ok(!looksLikeResponse('MESSAGE sip:a@b SIP/2.0'));
});
