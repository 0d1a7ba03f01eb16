// Page-mode MESSAGE (RFC 3428) between two user agents over the loop transport: the exact wire, the answer the
// owner chooses (200/415 with Accept), and the re-send identity (same Call-ID, From tag, CSeq).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDelivered, newPageIdentity, Pager } from '../../../../electron/sip/usage/pager';
import { IM_ACCEPT } from '../../../../electron/sip/usage/im-answer';
import type { ImAnswer } from '../../../../electron/sip/usage/im-answer';
import type { SipRequest } from '../../../../electron/sip/message/message';
import { makePair, settle } from './im-session-pair';

function setup(answer: (r: SipRequest) => ImAnswer = () => ({ status: 200 })) {
  const pair = makePair();
  const received: SipRequest[] = [];
  const alice = new Pager(pair.alice.sender, (m, h) => pair.alice.onRequestMethod(m, h), { onMessage: () => ({ status: 200 }) });
  new Pager(pair.bob.sender, (m, h) => pair.bob.onRequestMethod(m, h), {
    onMessage: (r) => {
      received.push(r);
      return answer(r);
    },
  });
  return { ...pair, pager: alice, received };
}

describe('Pager (RFC 3428 page mode)', () => {
  test('sends MESSAGE through the home server route with text/plain and gets 200', async () => {
    const { pager, received, log } = setup();
    const outcome = await pager.send('sip:bob@beta.test', 'Hello, Bob ✓', { contentType: 'text/plain; charset=UTF-8' });
    assert.equal(outcome.response.status, 200);
    assert.ok(isDelivered(outcome.response));
    assert.equal(received.length, 1);
    const wire = log[0]!.wire;
    assert.match(wire, /^MESSAGE sip:bob@beta\.test SIP\/2\.0\r\n/);
    assert.match(wire, /\r\nRoute: <sip:127\.0\.0\.2:5061;transport=tls;lr>\r\n/);
    assert.match(wire, /\r\nFrom: <sip:alice@alpha\.test>;tag=[0-9a-f]+;epid=a1a1a1a1\r\n/);
    assert.match(wire, /\r\nTo: <sip:bob@beta\.test>\r\n/);
    assert.match(wire, /\r\nCSeq: 1 MESSAGE\r\n/);
    assert.match(wire, /\r\nContent-Type: text\/plain; charset=UTF-8\r\n/);
    assert.equal(received[0]!.body, 'Hello, Bob ✓');
    // RFC 3261 §8.2.6.2: the 200 carries a To tag.
    assert.match(log[1]!.wire, /^SIP\/2\.0 200 OK\r\n[\s\S]*\r\nTo: <sip:bob@beta\.test>;tag=[0-9a-f]+\r\n/);
  });

  test('the owner refuses a body type: 415 with Accept reaches the sender', async () => {
    const { pager, log } = setup(() => ({ status: 415, headers: [['Accept', IM_ACCEPT]] }));
    const outcome = await pager.send('sip:bob@beta.test', '{}', { contentType: 'application/json' });
    assert.equal(outcome.response.status, 415);
    assert.equal(outcome.response.header('Accept'), IM_ACCEPT);
    assert.match(log[1]!.wire, /^SIP\/2\.0 415 Unsupported Media Type\r\n/);
  });

  test('a handler that throws answers 500, never crashes', async () => {
    const { pager } = setup(() => {
      throw new Error('boom');
    });
    const outcome = await pager.send('sip:bob@beta.test', 'x', { contentType: 'text/plain' });
    assert.equal(outcome.response.status, 500);
  });

  test('a re-send with the same identity repeats Call-ID, From tag and CSeq (so the receiver can collapse it)', async () => {
    const { pager, received } = setup();
    const id = newPageIdentity();
    await pager.send('sip:bob@beta.test', 'once', { contentType: 'text/plain', identity: id });
    await pager.send('sip:bob@beta.test', 'once', { contentType: 'text/plain', identity: id });
    assert.equal(received.length, 2);
    const [a, b] = received as [SipRequest, SipRequest];
    assert.equal(a.callId, b.callId);
    assert.equal(a.from.tag, b.from.tag);
    assert.equal(a.cseq.seq, b.cseq.seq);
    assert.notEqual(a.topVia.branch, b.topVia.branch, 'a new transaction each time');
  });

  test('no answer: the transaction layer times out and the sender sees 408', async () => {
    const { pager, bobWire, clock } = setup();
    bobWire.closed = true; // bob never receives anything
    const pending = pager.send('sip:bob@beta.test', 'lost', { contentType: 'text/plain' });
    await settle();
    clock.advance(64 * 500 + 1);
    const outcome = await pending;
    assert.equal(outcome.response.status, 408);
    assert.equal(outcome.origin, 'timeout');
  });
});

