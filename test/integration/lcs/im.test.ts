// Session IM between alpha.test and the emulated LCS users (protocol.md §2.5–§2.6), both directions, with every IM
// switch: SDP forms, Ms-Text-Format/ms-body, in-dialog MESSAGE (plain, HTML, RTF, msgr), KeyboardActivity INFO, BYE,
// 488/415 for what the user does not take, 480 offline, 486 do-not-disturb, page mode.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { useTestbed } from '../../testbed/harness';
import type { Testbed, TestUser } from '../../testbed/harness';
import { AlphaClient } from '../../testbed/lcs/alpha-client';
import { headerOf } from '../../testbed/lcs/control-client';
import { encodeMsgr, imSdp, mediaLines, parseMsTextFormat } from '../../testbed/lcs/bodies';
import { parseKeyboardActivity } from '../../../electron/sip/simple/keyboard-activity';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

async function aliceClient(t: { after(fn: () => unknown): void }): Promise<{ alice: TestUser; a: AlphaClient }> {
  const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
  const a = await AlphaClient.register(alice, { host: tb.alpha.address, port: tb.alpha.sipPort });
  t.after(() => a.close());
  return { alice, a };
}

describe('IM with LCS users', { concurrency: true }, () => {
  test('alice → carol: INVITE m=message + Ms-Text-Format; MESSAGE plain/HTML/RTF with msgr; typing; BYE', async (t) => {
    const { alice, a } = await aliceClient(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    const inv = await a.invite(carol.aor, { text: 'Hi, Carol! ünïcode', msgr: { font: 'Segoe UI', color: '0000ff' } });
    assert.equal(inv.response.status, 200);
    // §2.5 item 27: the text was displayed, so the 200 says so; item 25: the answer names the offerer.
    assert.deepEqual(inv.response.headers('Supported'), ['ms-text-format']);
    assert.deepEqual(mediaLines(inv.response.body).map((m) => [m.media, m.format]), [['message', `sip:${alice.user}@alpha.test`]]);
    assert.match(inv.response.header('To') ?? '', /;epid=[0-9a-f]+/);
    const first = await carol.waitFor({ method: 'INVITE' });
    assert.equal(first.text, 'Hi, Carol! ünïcode');
    assert.deepEqual(first.msgrFormat, { font: 'Segoe UI', effects: '', color: '0000ff' });
    await carol.waitFor({ method: 'ACK', sessionId: first.sessionId as string });

    const d = inv.dialog!;
    assert.equal((await a.message(d, 'plain text')).status, 200);
    assert.equal((await a.message(d, '<b>bold</b>', 'text/html; charset=UTF-8')).status, 200);
    assert.equal((await a.message(d, '{\\rtf1 hi}', `text/rtf; charset=UTF-8;msgr=${encodeMsgr({ font: 'Arial', effects: 'B' })}`)).status, 200);
    assert.equal((await a.message(d, '\x00\x01', 'application/octet-stream')).status, 415);
    assert.equal((await a.inDialog(d, 'INFO', { body: '<?xml version="1.0"?><KeyboardActivity><status status="type"/></KeyboardActivity>', contentType: 'application/xml' })).status, 200);
    assert.equal((await a.inDialog(d, 'BYE')).status, 200);

    const recs = (await carol.received()).filter((r) => r.sessionId === first.sessionId);
    assert.deepEqual(
      recs.map((r) => [r.method, r.status, r.text ?? r.typing ?? null]),
      [
        ['INVITE', 200, 'Hi, Carol! ünïcode'],
        ['ACK', undefined, null],
        ['MESSAGE', 200, 'plain text'],
        ['MESSAGE', 200, '<b>bold</b>'],
        ['MESSAGE', 200, '{\\rtf1 hi}'],
        ['MESSAGE', 415, null],
        ['INFO', 200, 'type'],
        ['BYE', 200, null],
      ],
    );
    assert.equal(recs[4]?.msgrFormat?.font, 'Arial');
    assert.deepEqual((await carol.sessions()).map((s) => s.state), ['terminated']);
  });

  test('RTC 1.2 offer m=x-ms-message … null is answered in kind; ms-text-format switch off', async (t) => {
    const { a } = await aliceClient(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, switches: { msTextFormat: false } });
    const inv = await a.invite(carol.aor, { sdpForm: 'x-ms-message', text: 'old client' });
    assert.equal(inv.response.status, 200);
    assert.deepEqual(inv.response.headers('Supported'), []);
    assert.deepEqual(mediaLines(inv.response.body).map((m) => [m.media, m.format]), [['x-ms-message', 'null']]);
    assert.equal((await carol.sessions())[0]?.sdpForm, 'x-ms-message');
    await a.inDialog(inv.dialog!, 'BYE');
  });

  test('what the user does not take: 488 + Warning, or 415 (switch); unknown m-lines get port 0', async (t) => {
    const { a } = await aliceClient(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, switches: { imSdpForms: ['message'] } });
    const r488 = await a.invite(carol.aor, { sdpForm: 'x-ms-message' });
    assert.equal(r488.response.status, 488);
    assert.match(r488.response.header('Warning') ?? '', /^399 sip\.lcs\.test "IM sessions only: m=message"/);
    await carol.setSwitches({ inviteRejectStatus: 415 });
    assert.equal((await a.invite(carol.aor, { sdp: imSdp('x-ms-message', carol.aor, '127.0.0.1').replace('x-ms-message', 'audio') })).response.status, 415);
    // An offer with audio and message: the audio line is rejected with port 0 (§2.5 item 26), the IM line taken.
    const mixed = `${imSdp('message', carol.aor, '127.0.0.1')}m=audio 49170 RTP/AVP 0\r\n`;
    const ok = await a.invite(carol.aor, { sdp: mixed });
    assert.equal(ok.response.status, 200);
    assert.deepEqual(mediaLines(ok.response.body).map((m) => [m.media, m.port]), [['message', 5060], ['audio', 0]]);
    await a.inDialog(ok.dialog!, 'BYE');
  });

  test('480 when the LCS user is offline, 486 when do-not-disturb, 404 for no such user', async (t) => {
    const { a } = await aliceClient(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, presence: { availability: 'offline' } });
    assert.equal((await a.invite(carol.aor, { text: 'are you there?' })).response.status, 480);
    await carol.setPresence({ availability: 'do-not-disturb' });
    assert.equal((await a.invite(carol.aor)).response.status, 486);
    assert.equal((await a.invite('sip:nobody-here@lcs.test')).response.status, 404);
  });

  test('page-mode MESSAGE: 200 by default, 415 with acceptPageMode off', async (t) => {
    const { a } = await aliceClient(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    assert.equal((await a.pageMessage(carol.aor, 'a page')).status, 200);
    await carol.waitFor({ method: 'MESSAGE', text: 'a page' });
    await carol.setSwitches({ acceptPageMode: false });
    assert.equal((await a.pageMessage(carol.aor, 'another page')).status, 415);
  });

  test('carol → alice: first text in Ms-Text-Format, then HTML with msgr, typing, BYE', async (t) => {
    const { alice, a } = await aliceClient(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    const r = await carol.openIm(alice.aor, { text: 'Hello from LCS', msgr: { font: 'Tahoma', effects: 'I', color: 'ff0000' } });
    assert.equal(r.status, 200);
    assert.equal(r.peerSupportsMsTextFormat, true);
    assert.equal(r.textResentAsMessage, false);
    const inv = await a.waitForRequest((x) => x.request.method === 'INVITE');
    const mtf = parseMsTextFormat(inv.request.header('Ms-Text-Format') ?? '');
    assert.equal(mtf.text, 'Hello from LCS');
    assert.ok(mtf.msgr);
    assert.deepEqual(mediaLines(inv.request.body).map((m) => [m.media, m.format]), [['message', alice.aor]]);
    assert.match(inv.request.header('From') ?? '', /;epid=[0-9a-f]+/);

    const s = r.session!;
    assert.equal((await s.send('<i>formatted</i>', { contentType: 'text/html', msgr: { font: 'Tahoma' } })).status, 200);
    assert.equal((await s.send('{\\rtf1 rtf}', { contentType: 'text/rtf' })).status, 200);
    assert.equal((await s.typing('type')).status, 200);
    assert.equal((await s.typing('idle')).status, 200);
    assert.equal((await s.bye()).status, 200);
    const inDialog = a.received.filter((x) => x.request.callId === inv.request.callId && x.request.method !== 'INVITE');
    assert.deepEqual(inDialog.map((x) => x.request.method), ['ACK', 'MESSAGE', 'MESSAGE', 'INFO', 'INFO', 'BYE']);
    assert.match(inDialog[1]?.request.header('Content-Type') ?? '', /^text\/html; charset=UTF-8;msgr=/);
    assert.equal(inDialog[2]?.request.body, '{\\rtf1 rtf}');
    assert.deepEqual([inDialog[3], inDialog[4]].map((x) => parseKeyboardActivity(x?.request.body ?? '')), ['type', 'idle']);
  });

  test('carol → alice: without ms-text-format in the 200 the first text is resent as MESSAGE; x-ms-message offer', async (t) => {
    const { alice, a } = await aliceClient(t);
    a.inviteAnswer = { msTextFormat: false };
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    const r = await carol.openIm(alice.aor, { text: 'first words', sdpForm: 'x-ms-message' });
    assert.equal(r.status, 200);
    assert.equal(r.textResentAsMessage, true);
    const inv = await a.waitForRequest((x) => x.request.method === 'INVITE');
    assert.deepEqual(mediaLines(inv.request.body).map((m) => [m.media, m.format]), [['x-ms-message', 'null']]);
    const msg = await a.waitForRequest((x) => x.request.method === 'MESSAGE');
    assert.equal(msg.request.body, 'first words');
    assert.equal(msg.request.callId, inv.request.callId);
    // Without text in the header, nothing is duplicated; alice's 480 ends the attempt (§2.12).
    a.inviteAnswer = { status: 480 };
    const off = await carol.openIm(alice.aor, { text: 'x', msTextFormat: false });
    assert.equal(off.status, 480);
    assert.equal(headerOf({ wire: off.responseWire }, 'CSeq'), '1 INVITE');
  });
});
