import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StreamFramer, type FramerEvent } from '../../../../electron/sip/message/framing';
import { parseMessage } from '../../../../electron/sip/message/parser';

const fixture = (n: string) => readFileSync(fileURLToPath(new URL(`../../../fixtures/sip/rfc4475/${n}.dat`, import.meta.url)));
const types = (ev: FramerEvent[]) => ev.map((e) => e.type);

describe('StreamFramer (RFC 3261 §18.3, RFC 5626 §4.4.1)', () => {
  test('frames back-to-back messages split at every byte, with pings and pongs between them', () => {
    const a = fixture('wsinv');
    const b = fixture('esc01');
    const stream = Buffer.concat([a, b, Buffer.from('\r\n')]);
    const framer = new StreamFramer();
    // A ping arrives in one write (RFC 5626 §4.4.1); a lone CRLF at the end of a read is taken as a pong at once
    // rather than held back, so a ping split mid-way would read as two pongs (documented limitation).
    const events: FramerEvent[] = [...framer.push(Buffer.from('\r\n\r\n'))];
    for (let i = 0; i < stream.length; i++) events.push(...framer.push(stream.subarray(i, i + 1)));
    assert.deepEqual(types(events), ['ping', 'message', 'message', 'pong']);
    const msgs = events.filter((e) => e.type === 'message');
    assert.ok(msgs[0]?.type === 'message' && msgs[0].bytes.equals(a));
    assert.ok(msgs[1]?.type === 'message' && msgs[1].bytes.equals(b));
    assert.equal(framer.bufferedBytes, 0);
  });

  test('a message without Content-Length on a stream is an error, and the framer stays failed', () => {
    const framer = new StreamFramer();
    const ev = framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n'));
    assert.equal(ev[0]?.type, 'error');
    assert.match(ev[0]?.type === 'error' ? ev[0].error.reason : '', /missing Content-Length on a stream/);
    assert.equal(framer.push(Buffer.from('\r\n\r\n'))[0]?.type, 'error');
  });

  test('oversized messages are refused with a clear error (headers or declared body)', () => {
    const small = new StreamFramer({ maxMessageBytes: 1024 });
    const ev = small.push(Buffer.from(`INVITE sip:a@b SIP/2.0\r\nContent-Length: 5000\r\n\r\n`));
    assert.match(ev[0]?.type === 'error' ? ev[0].error.reason : '', /exceeds the 1024-byte limit/);
    const noEnd = new StreamFramer({ maxMessageBytes: 1024 });
    let last: FramerEvent[] = [];
    for (let i = 0; i < 20 && last.length === 0; i++) last = noEnd.push(Buffer.alloc(100, 65));
    assert.match(last[0]?.type === 'error' ? last[0].error.reason : '', /headers exceed 1024 bytes/);
  });

  test('the dblreq extra octets become the next framed message', () => {
    const framer = new StreamFramer();
    const ev = framer.push(fixture('dblreq'));
    const msgs = ev.filter((e) => e.type === 'message');
    assert.equal(msgs.length, 2);
    assert.equal(parseMessage(msgs[0]?.type === 'message' ? msgs[0].bytes : Buffer.alloc(0)).cseq.method, 'REGISTER');
  });
});
