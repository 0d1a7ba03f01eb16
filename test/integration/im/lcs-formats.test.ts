// IM against the emulated LCS 2005 domain lcs.test (test/testbed/lcs/README.md), the variants lcs-session.test.ts
// leaves out: the RTC 1.2 SDP form `m=x-ms-message … sip null` (protocol.md §2.5 item 25), RTF and msgr-formatted
// text arriving readable (item 28), an INVITE refused with 488 (item 32) → page mode (item 24, BCP §6.3), and the
// §2.12 refusals of an offline (480) and a do-not-disturb (486) user with the reason alice is shown.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../shared/model/chat';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import type { ChatCore } from './im-support';
import { finalState, newCore, send, signIn, waitFor } from './im-support';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});
after(async () => {
  await tb?.cleanup();
});

type Cleanup = Parameters<typeof newCore>[1];

async function alice(t: Cleanup): Promise<{ core: ChatCore; aor: string }> {
  const user = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
  const core = newCore(tb, t);
  await signIn(core, user);
  return { core, aor: user.aor };
}

const incoming = (core: ChatCore, from: string, match: (m: ChatMessage) => boolean, what: string) =>
  waitFor<ChatMessage>(core, 'chat.message', (m) => m.direction === 'in' && m.conversationId === from && match(m), 5000, what);

/**
 * An incoming IM INVITE teaches alice's core that lcs.test speaks sessions (capabilities.ts learnFromRequest), so
 * her next message to any lcs.test user starts with an INVITE rather than a page MESSAGE.
 */
async function learnLcsUsesSessions(t: Cleanup, core: ChatCore, aliceAor: string): Promise<void> {
  const helper = await tb.lcs.createUser({ prefix: 'helper', cleanup: t });
  const opened = await helper.openIm(aliceAor, { text: 'hello' });
  assert.equal(opened.status, 200, opened.responseWire);
  await incoming(core, helper.aor, (m) => m.text === 'hello', 'the helper message');
  await opened.session!.bye();
}

describe('IM with LCS 2005 users: SDP forms, rich text, refusals', () => {
  test('an LCS user offers m=x-ms-message … sip null: alice answers in that form and both messages arrive', async (t) => {
    const a = await alice(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t, switches: { imSdpForms: ['x-ms-message'] } });
    const opened = await carol.openIm(a.aor, { text: 'from an RTC 1.2 client', sdpForm: 'x-ms-message' });
    assert.equal(opened.status, 200, opened.responseWire);
    // §2.5 item 25: the answer mirrors the offered form (buildImAnswer), not our own m=message form.
    assert.match(opened.responseWire, /\r\nm=x-ms-message \d+ sip null\r\n/);
    assert.doesNotMatch(opened.responseWire, /\r\nm=message /);
    await incoming(a.core, carol.aor, (m) => m.text === 'from an RTC 1.2 client', 'the first message');
    const second = await opened.session!.send('and a second one');
    assert.equal(second.status, 200, second.responseWire);
    await incoming(a.core, carol.aor, (m) => m.text === 'and a second one', 'the in-dialog message');
    // alice's reply goes in that same dialog.
    const reply = await send(a.core, carol.aor, 'got both');
    assert.equal((await finalState(a.core, reply.id)).state, 'delivered');
    const r = await carol.waitFor({ method: 'MESSAGE', text: 'got both' }, { timeoutMs: 5000 });
    assert.equal(r.sessionId, opened.sessionId);
    assert.equal((await carol.sessions()).find((s) => s.id === opened.sessionId)?.sdpForm, 'x-ms-message');
  });

  test('RTF and msgr-formatted messages arrive as readable text (msgr as sanitised HTML)', async (t) => {
    const a = await alice(t);
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    // First message with msgr formatting inside Ms-Text-Format (item 27 + item 28): CO is BGR, 0000ff = red.
    const opened = await carol.openIm(a.aor, { text: 'formatted first', msgr: { font: 'Tahoma', color: '0000ff', effects: 'B' } });
    assert.equal(opened.status, 200, opened.responseWire);
    const first = await incoming(a.core, carol.aor, (m) => m.text === 'formatted first', 'the msgr first message');
    assert.match(first.html ?? '', /<b>formatted first<\/b>/);
    assert.match(first.html ?? '', /#ff0000/i);
    const session = opened.session!;

    const rtf = String.raw`{\rtf1\ansi\deff0{\fonttbl{\f0\fswiss Tahoma;}}{\colortbl;\red255\green0\blue0;}\f0\fs20 Hello {\b bold} caf\'e9\par second line}`;
    const sentRtf = await session.send(rtf, { contentType: 'text/rtf' });
    assert.equal(sentRtf.status, 200, sentRtf.responseWire);
    const fromRtf = await incoming(a.core, carol.aor, (m) => m.text.includes('Hello'), 'the RTF message');
    assert.match(fromRtf.text, /^Hello bold café\r?\nsecond line\s*$/);
    assert.doesNotMatch(fromRtf.text, /rtf1|fonttbl|Tahoma|\\/);
    assert.equal(fromRtf.html, undefined);

    const sentMsgr = await session.send('in italics <script>x()</script>', { msgr: { font: 'Arial', effects: 'I' } });
    assert.equal(sentMsgr.status, 200, sentMsgr.responseWire);
    const fromMsgr = await incoming(a.core, carol.aor, (m) => m.text.startsWith('in italics'), 'the msgr message');
    assert.equal(fromMsgr.text, 'in italics <script>x()</script>', 'the text is kept as typed');
    assert.match(fromMsgr.html ?? '', /<i>in italics &lt;script&gt;x\(\)&lt;\/script&gt;<\/i>/);
    assert.match(fromMsgr.html ?? '', /face="Arial"/);
    assert.doesNotMatch(fromMsgr.html ?? '', /<script/);
  });

  for (const status of [488, 415] as const) test(`alice’s INVITE answered ${status} (the user takes only x-ms-message): page mode delivers the message`, async (t) => {
    const a = await alice(t);
    await learnLcsUsesSessions(t, a.core, a.aor);
    const frank = await tb.lcs.createUser({ prefix: 'frank', cleanup: t, switches: { imSdpForms: ['x-ms-message'], inviteRejectStatus: status } });
    const m = await send(a.core, frank.aor, 'one way or another');
    assert.equal((await finalState(a.core, m.id)).state, 'delivered');
    const invite = await frank.waitFor({ method: 'INVITE' }, { timeoutMs: 5000 });
    assert.equal(invite.status, status);
    assert.equal(invite.media?.[0]?.media, 'message', 'Parley offers the RTC 1.3 form (§2.5 item 25 "Send")');
    const page = await frank.waitFor({ method: 'MESSAGE', text: 'one way or another' }, { timeoutMs: 5000 });
    assert.equal(page.sessionId, undefined, 'out of dialog');
    assert.equal(page.status, 200);
    // The refusal is remembered: the next message goes straight to page mode.
    const m2 = await send(a.core, frank.aor, 'again');
    assert.equal((await finalState(a.core, m2.id)).state, 'delivered');
    await frank.waitFor({ method: 'MESSAGE', text: 'again' }, { timeoutMs: 5000 });
    assert.equal((await frank.received()).filter((r) => r.method === 'INVITE').length, 1, 'no second INVITE');
  });

  test('a text/plain MESSAGE in the session answered 415 (messageContentTypes without it): the message goes in page mode', async (t) => {
    const a = await alice(t);
    await learnLcsUsesSessions(t, a.core, a.aor);
    const kim = await tb.lcs.createUser({ prefix: 'kim', cleanup: t, switches: { messageContentTypes: ['text/html'], msTextFormat: false } });
    const m = await send(a.core, kim.aor, 'plain words');
    assert.equal((await finalState(a.core, m.id)).state, 'delivered');
    const invite = await kim.waitFor({ method: 'INVITE' }, { timeoutMs: 5000 });
    assert.equal(invite.status, 200);
    // No ms-text-format in the 200, so the text went again in the dialog (item 27), where text/plain gets 415.
    const refused = await kim.waitFor((r) => r.method === 'MESSAGE' && r.sessionId !== undefined, { timeoutMs: 5000 });
    assert.equal(refused.status, 415);
    const page = await kim.waitFor((r) => r.method === 'MESSAGE' && r.sessionId === undefined && r.text === 'plain words', { timeoutMs: 5000 });
    assert.equal(page.status, 200);
  });

  test('488 to the INVITE and 415 to page mode: the message fails, saying neither mode is accepted', async (t) => {
    const a = await alice(t);
    const gina = await tb.lcs.createUser({ prefix: 'gina', cleanup: t, switches: { imSdpForms: ['x-ms-message'], acceptPageMode: false } });
    const m = await send(a.core, gina.aor, 'can you read this?');
    const final = await finalState(a.core, m.id);
    assert.equal(final.state, 'failed');
    assert.equal(final.failure, 'not-supported');
    assert.match(final.detail ?? '', new RegExp(`${gina.aor.slice(4)} accepts neither instant-message mode`));
    const got = await gina.received();
    assert.deepEqual(
      got.filter((r) => r.method === 'MESSAGE' || r.method === 'INVITE').map((r) => `${r.method} ${r.status}`),
      ['MESSAGE 415', 'INVITE 488'],
    );
  });

  test('an offline LCS user: 480 → failed "offline"', async (t) => {
    const a = await alice(t);
    await learnLcsUsesSessions(t, a.core, a.aor);
    const hank = await tb.lcs.createUser({ prefix: 'hank', cleanup: t, presence: { availability: 'offline' } });
    const m = await send(a.core, hank.aor, 'are you there?');
    const final = await finalState(a.core, m.id);
    assert.equal(final.state, 'failed');
    assert.equal(final.failure, 'offline');
    assert.equal(final.detail, `${hank.aor.slice(4)} is offline`);
    assert.equal((await hank.waitFor({ method: 'INVITE' }, { timeoutMs: 5000 })).status, 480);
  });

  test('a do-not-disturb LCS user: 486 → failed "busy"', async (t) => {
    const a = await alice(t);
    // Page mode refused, so the message goes as an INVITE, which DND answers 486 (§2.12).
    const ivy = await tb.lcs.createUser({ prefix: 'ivy', cleanup: t, presence: { availability: 'do-not-disturb' }, switches: { acceptPageMode: false } });
    const m = await send(a.core, ivy.aor, 'a quick question');
    const final = await finalState(a.core, m.id);
    assert.equal(final.state, 'failed');
    assert.equal(final.failure, 'busy');
    assert.equal(final.detail, `${ivy.aor.slice(4)} does not want to be disturbed`);
    assert.equal((await ivy.waitFor({ method: 'INVITE' }, { timeoutMs: 5000 })).status, 486);
  });
});
