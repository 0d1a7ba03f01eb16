// LCS session-mode IM (protocol.md §2.5, §3.4) between two user agents over the loop transport with a fake clock:
// INVITE with the IM SDP and Ms-Text-Format, 200 mirroring the m-line, our own ACK of the 2xx (RFC 3261
// §13.2.2.4) re-sent for retransmitted 2xx, MESSAGE and INFO in the dialog, BYE, idle close, the dead-dialog rule
// (408/480/481), the UAS 2xx retransmission until ACK (§13.3.1.4), and refusals (488, 420, handler status).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImSessions } from '../../../../electron/sip/usage/im-session';
import type { ImSession, ImSessionHandler, SessionEnd } from '../../../../electron/sip/usage/im-session';
import type { ImAnswer } from '../../../../electron/sip/usage/im-answer';
import type { SipRequest } from '../../../../electron/sip/message/message';
import { parseMessage } from '../../../../electron/sip/message/parser';
import { parseMsTextFormat } from '../../../../electron/sip/im/ms-text-format';
import { makePair, settle } from './im-session-pair';
import type { Pair } from './im-session-pair';

interface Recorder extends ImSessionHandler {
  incoming: SipRequest[];
  messages: string[];
  infos: string[];
  ended: SessionEnd[];
  started: ImSession[];
}

function recorder(opts: { accept?: ImAnswer & { tookFirstMessage?: boolean }; message?: ImAnswer } = {}): Recorder {
  const r: Recorder = {
    incoming: [],
    messages: [],
    infos: [],
    ended: [],
    started: [],
    onIncomingSession(request) {
      r.incoming.push(request);
      return opts.accept ?? { status: 200 };
    },
    onSessionStarted: (s) => r.started.push(s),
    onMessage(_s, request) {
      r.messages.push(request.body);
      return opts.message ?? { status: 200 };
    },
    onInfo(_s, request) {
      r.infos.push(request.body);
      return { status: 200 };
    },
    onSessionEnded: (_s, why) => r.ended.push(why),
  };
  return r;
}

function sessions(pair: Pair, side: 'alice' | 'bob', handler: ImSessionHandler, idleMs?: number): ImSessions {
  const ua = pair[side];
  const s = new ImSessions(ua.sender, ua.dialogs, (m, h) => ua.onRequestMethod(m, h), handler, {
    clock: pair.clock,
    contact: () => ua.contactUri(),
    ...(idleMs ? { idleMs } : {}),
  });
  ua.strayInviteResponse = (r) => s.strayResponse(r);
  return s;
}

const wires = (pair: Pair, start: string) => pair.log.filter((e) => e.wire.startsWith(start)).map((e) => e.wire);

describe('ImSessions (LCS session-mode IM)', () => {
  test('INVITE with IM SDP and Ms-Text-Format → 200 with Supported: ms-text-format → ACK; MESSAGE, INFO, BYE in the dialog', async () => {
    const pair = makePair();
    const aliceH = recorder();
    const bobH = recorder({ accept: { status: 200, tookFirstMessage: true } });
    const alice = sessions(pair, 'alice', aliceH);
    sessions(pair, 'bob', bobH);

    const outcome = await alice.invite('sip:bob@beta.test', 'Hi, Bob!');
    assert.equal(outcome.kind, 'established');
    if (outcome.kind !== 'established') return;
    assert.equal(outcome.firstMessageTaken, true);
    await settle();

    const invite = wires(pair, 'INVITE ')[0]!;
    assert.match(invite, /^INVITE sip:bob@beta\.test SIP\/2\.0\r\n/);
    assert.match(invite, /\r\nContact: <sip:alice@127\.0\.0\.1:40000;transport=tls>\r\n/);
    assert.match(invite, /\r\nContent-Type: application\/sdp\r\n/);
    assert.match(invite, /\r\nm=message 40000 sip sip:bob@beta\.test\r\n$/);
    assert.match(invite, /\r\ns=session\r\n/);
    const mtf = parseMsTextFormat(/\r\nMs-Text-Format: ([^\r]+)\r\n/.exec(invite)![1]!);
    assert.equal(mtf.body, 'Hi, Bob!');
    assert.equal(mtf.contentType, 'text/plain');

    const ok = wires(pair, 'SIP/2.0 200 OK').find((w) => /CSeq: 1 INVITE/.test(w))!;
    assert.match(ok, /\r\nSupported: ms-text-format\r\n/);
    assert.match(ok, /\r\nTo: <sip:bob@beta\.test>;tag=[0-9a-f]+;epid=b2b2b2b2\r\n/);
    assert.match(ok, /\r\nm=message 5061 sip sip:bob@beta\.test\r\n/, 'the answer mirrors m=message with our AOR');

    const ack = wires(pair, 'ACK ')[0]!;
    assert.match(ack, /^ACK sip:bob@127\.0\.0\.2:5061;transport=tls SIP\/2\.0\r\n/, 'to the remote target (Contact)');
    assert.match(ack, /\r\nCSeq: 1 ACK\r\n/);
    assert.match(ack, /\r\nTo: <sip:bob@beta\.test>;tag=[0-9a-f]+;epid=b2b2b2b2\r\n/, 'echoes the peer epid');
    assert.equal(bobH.started.length, 1);
    assert.equal(bobH.started[0]!.awaitingAck, false, 'the ACK stopped the 2xx retransmissions');

    const session = outcome.session;
    const sent = await session.sendMessage('How are you today?', 'text/plain; charset=UTF-8');
    assert.equal(sent.response.status, 200);
    const info = await session.sendInfo('<?xml version="1.0"?><KeyboardActivity><status status="type"/></KeyboardActivity>', 'application/xml');
    assert.equal(info.response.status, 200);
    assert.deepEqual(bobH.messages, ['How are you today?']);
    assert.match(bobH.infos[0]!, /status="type"/);
    assert.match(wires(pair, 'MESSAGE ')[0]!, /\r\nCSeq: 2 MESSAGE\r\n/);
    assert.match(wires(pair, 'INFO ')[0]!, /\r\nCSeq: 3 INFO\r\n/);

    // Bob answers in the same dialog.
    const back = await bobH.started[0]!.sendMessage('Fine!', 'text/plain; charset=UTF-8');
    assert.equal(back.response.status, 200);
    assert.deepEqual(aliceH.messages, ['Fine!']);

    await session.close();
    await settle();
    assert.match(wires(pair, 'BYE ')[0]!, /\r\nCSeq: 4 BYE\r\n/);
    assert.deepEqual(aliceH.ended, ['closed']);
    assert.deepEqual(bobH.ended, ['bye']);
    assert.equal(pair.alice.dialogs.size, 0);
    assert.equal(pair.bob.dialogs.size, 0);
  });

  test('no Supported: ms-text-format in the 200 → firstMessageTaken is false (the owner re-sends it after the ACK)', async () => {
    const pair = makePair();
    const alice = sessions(pair, 'alice', recorder());
    sessions(pair, 'bob', recorder({ accept: { status: 200 } }));
    const outcome = await alice.invite('sip:bob@beta.test', 'Hi');
    assert.equal(outcome.kind, 'established');
    assert.equal(outcome.kind === 'established' && outcome.firstMessageTaken, false);
    await settle();
    assert.doesNotMatch(wires(pair, 'SIP/2.0 200 OK')[0]!, /Supported: ms-text-format/);
  });

  test('an offer in the RTC 1.2 form (x-ms-message … null) is answered in the same form; other m-lines get port 0', async () => {
    const pair = makePair();
    const bobH = recorder();
    sessions(pair, 'bob', bobH);
    const sdp = 'v=0\r\no=- 0 0 IN IP4 10.0.0.1\r\ns=session\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\nm=x-ms-message 5060 sip null\r\n';
    await pair.aliceWire.send(
      `INVITE sip:bob@127.0.0.2:5061;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:40000;branch=z9hG4bKlcs1\r\nMax-Forwards: 70\r\nFrom: <sip:carol@lcs.test>;tag=c1;epid=cc\r\nTo: <sip:bob@beta.test>\r\nCall-ID: lcs-1\r\nCSeq: 1 INVITE\r\nRecord-Route: <sip:edge.lcs.test:5061;transport=tls;lr>\r\nContact: <sip:carol@127.0.0.1:40000;transport=tls>\r\nContent-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`,
      { transport: 'tls', host: '127.0.0.2', port: 5061 },
    );
    await settle();
    const ok = wires(pair, 'SIP/2.0 200 OK')[0]!;
    assert.match(ok, /\r\nm=audio 0 RTP\/AVP 0\r\nm=x-ms-message 5061 sip null\r\n$/);
    // RFC 3261 §12.1.1: the 2xx copies the Record-Route, or the peer's in-dialog requests find no way back.
    assert.match(ok, /\r\nRecord-Route: <sip:edge\.lcs\.test:5061;transport=tls;lr>\r\n/);
    assert.equal(bobH.incoming.length, 1);
  });

  test('UAS: the 2xx is retransmitted (T1 doubling to T2) until the ACK; without ACK, BYE after 64*T1', async () => {
    const pair = makePair();
    const bobH = recorder();
    sessions(pair, 'bob', bobH);
    // alice's side is raw: nobody ACKs.
    const sdp = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=session\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=message 5060 sip sip:bob@beta.test\r\n';
    const received: string[] = [];
    pair.aliceWire.setEvents({ onMessage: (d) => received.push(d.bytes.toString('utf8')) });
    await pair.aliceWire.send(
      `INVITE sip:bob@127.0.0.2:5061;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:40000;branch=z9hG4bKnoack\r\nMax-Forwards: 70\r\nFrom: <sip:carol@lcs.test>;tag=c1\r\nTo: <sip:bob@beta.test>\r\nCall-ID: noack-1\r\nCSeq: 1 INVITE\r\nContact: <sip:carol@127.0.0.1:40000;transport=tls>\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`,
      { transport: 'tls', host: '127.0.0.2', port: 5061 },
    );
    await settle();
    assert.equal(received.filter((r) => r.startsWith('SIP/2.0 200')).length, 1);
    pair.clock.advance(500);
    await settle();
    pair.clock.advance(1000);
    await settle();
    assert.equal(received.filter((r) => r.startsWith('SIP/2.0 200')).length, 3, 'retransmitted at T1 and 2*T1');
    for (let i = 0; i < 20; i++) {
      pair.clock.advance(4000);
      await settle();
    }
    assert.ok(received.some((r) => r.startsWith('BYE ')), 'BYE after 64*T1 without ACK');
    assert.deepEqual(bobH.ended, ['no-ack']);
  });

  test('UAC: a retransmitted 2xx is ACKed again; late ones (after the transaction) through strayInviteResponse', async () => {
    const pair = makePair();
    const alice = sessions(pair, 'alice', recorder());
    sessions(pair, 'bob', recorder());
    // Drop bob's first copy of the ACK so bob retransmits the 2xx.
    let dropped = false;
    pair.aliceWire.drop = (w) => (w.startsWith('ACK ') && !dropped ? (dropped = true) : false);
    const outcome = await alice.invite('sip:bob@beta.test');
    assert.equal(outcome.kind, 'established');
    await settle();
    assert.equal(wires(pair, 'ACK ').length, 1);
    pair.clock.advance(500);
    await settle();
    assert.equal(wires(pair, 'ACK ').length, 2, 'the retransmitted 2xx got a second ACK');
    // After Timer M the transaction is gone; a replayed 2xx still gets its ACK.
    pair.clock.advance(40_000);
    await settle();
    const ok = pair.log.find((e) => e.from === 'bob' && e.wire.startsWith('SIP/2.0 200 OK'))!.wire;
    pair.alice.receive({ bytes: Buffer.from(ok), connectionId: 'loop:alice', transport: 'tls', remoteAddress: '127.0.0.2', remotePort: 5061, localAddress: '127.0.0.1', localPort: 40000 });
    await settle();
    assert.equal(wires(pair, 'ACK ').length, 3);
    assert.equal(parseMessage(wires(pair, 'ACK ')[2]!).cseq.seq, 1);
  });

  test('refusals: the owner says 480 (blocked/offline), an audio-only offer gets 488 + Warning, Require multiparty gets 420', async () => {
    const pair = makePair();
    const alice = sessions(pair, 'alice', recorder());
    sessions(pair, 'bob', recorder({ accept: { status: 480, reason: 'Temporarily Unavailable' } }));
    const refused = await alice.invite('sip:bob@beta.test', 'hello?');
    assert.equal(refused.kind, 'failed');
    assert.equal(refused.kind === 'failed' && refused.response.status, 480);
    await settle();
    assert.equal(wires(pair, 'ACK ').length, 1, 'the transaction ACKs the non-2xx (§17.1.1.3)');

    const dest = { transport: 'tls' as const, host: '127.0.0.2', port: 5061 };
    const got: string[] = [];
    pair.aliceWire.setEvents({ onMessage: (d) => got.push(d.bytes.toString('utf8')) });
    const audio = 'v=0\r\no=- 0 0 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n';
    const base = (branch: string, extra: string, body: string) =>
      `INVITE sip:bob@127.0.0.2 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:40000;branch=z9hG4bK${branch}\r\nFrom: <sip:x@y.test>;tag=x1\r\nTo: <sip:bob@beta.test>\r\nCall-ID: ${branch}\r\nCSeq: 1 INVITE\r\nContact: <sip:x@127.0.0.1:40000>\r\n${extra}Content-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    await pair.aliceWire.send(base('aud', '', audio), dest);
    await pair.aliceWire.send(base('mp', 'Require: com.microsoft.rtc-multiparty\r\n', audio), dest);
    await settle();
    const finals = got.filter((g) => !g.startsWith('SIP/2.0 100'));
    assert.match(finals[0]!, /^SIP\/2\.0 488 Not Acceptable Here\r\n[\s\S]*\r\nWarning: 304 /);
    assert.match(finals[1]!, /^SIP\/2\.0 420 Bad Extension\r\n[\s\S]*\r\nUnsupported: com\.microsoft\.rtc-multiparty\r\n/);
  });

  test('in-dialog 481 (or 408/480) ends the session as dead; an idle session is closed with BYE', async () => {
    const pair = makePair();
    const aliceH = recorder();
    const alice = sessions(pair, 'alice', aliceH, 60_000);
    const bobH = recorder({ message: { status: 481 } });
    sessions(pair, 'bob', bobH);
    const o1 = await alice.invite('sip:bob@beta.test');
    assert.equal(o1.kind, 'established');
    if (o1.kind !== 'established') return;
    const r = await o1.session.sendMessage('are you there?', 'text/plain');
    assert.equal(r.response.status, 481);
    assert.equal(o1.session.state, 'ended');
    assert.deepEqual(aliceH.ended, ['dead']);
    await assert.rejects(o1.session.sendMessage('again', 'text/plain'), /ended/);

    const o2 = await alice.invite('sip:bob@beta.test');
    assert.equal(o2.kind, 'established');
    await settle();
    const byes = wires(pair, 'BYE ').length;
    pair.clock.advance(60_000);
    await settle();
    assert.equal(wires(pair, 'BYE ').length, byes + 1);
    assert.deepEqual(aliceH.ended, ['dead', 'idle']);
    assert.equal(alice.size, 0);
  });
});
