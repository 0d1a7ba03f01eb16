// IM issue acceptance against the emulated LCS 2005 domain lcs.test (test/testbed/lcs): INVITE sessions with the
// first message in Ms-Text-Format, further messages in the dialog, KeyboardActivity typing both ways, an HTML
// message with a script arriving sanitised, BYE; and alice starting a session herself (after 415 to page mode),
// including the re-send of the first message after the ACK when the 200 lacks `Supported: ms-text-format`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../shared/model/chat';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { finalState, newCore, send, signIn, typing, waitFor } from './im-support';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});
after(async () => {
  await tb?.cleanup();
});

describe('chat with an LCS 2005 user (session mode)', () => {
  test('carol opens a session: Ms-Text-Format first message, HTML sanitised, typing both ways, replies in the dialog, BYE', async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    const alice = newCore(tb, t);
    await signIn(alice, aliceUser);

    const opened = await carol.openIm(aliceUser.aor, { text: 'Hi from LCS' });
    assert.equal(opened.status, 200);
    assert.equal(opened.peerSupportsMsTextFormat, true, 'our 200 says the ms-body was shown');
    const first = await waitFor<ChatMessage>(alice, 'chat.message', (m) => m.direction === 'in' && m.text === 'Hi from LCS', 5000, 'the first message');
    assert.equal(first.conversationId, carol.aor);
    const session = opened.session!;

    const sentHtml = await session.send('<b onclick="steal()">bold</b><script>alert(1)</script> <a href="javascript:x()">link</a>', { contentType: 'text/html' });
    assert.equal(sentHtml.status, 200, sentHtml.responseWire);
    const html = await waitFor<ChatMessage>(alice, 'chat.message', (m) => m.direction === 'in' && (m.html ?? '').includes('bold'), 5000, 'the HTML message');
    assert.equal(html.html, '<b>bold</b> <a>link</a>');
    assert.doesNotMatch(html.text, /alert/);

    await session.typing('type');
    await typing(alice, true);
    await session.send('and now?');
    await typing(alice, false); // a message clears the indicator

    // alice answers: inside carol's dialog (MESSAGE, not a new INVITE), typing as KeyboardActivity INFO.
    await alice.dispatch('chat.typing', { conversationId: carol.aor, active: true });
    const info = await carol.waitFor((r) => r.method === 'INFO' && r.typing === 'type', { timeoutMs: 5000 });
    assert.equal(info.sessionId, session.id);
    const reply = await send(alice, carol.aor, 'Hello Carol');
    assert.equal((await finalState(alice, reply.id)).state, 'delivered');
    const inDialog = await carol.waitFor({ method: 'MESSAGE', text: 'Hello Carol' }, { timeoutMs: 5000 });
    assert.equal(inDialog.sessionId, session.id);
    assert.equal((await carol.received()).filter((r) => r.method === 'INVITE').length, 0, 'no second session');

    const bye = await session.bye();
    assert.equal(bye.status, 200);
  });

  test('alice starts a session: page mode refused (415) → INVITE with the first message in Ms-Text-Format → MESSAGE in the dialog → BYE on close', async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const dave = await tb.lcs.createUser({ prefix: 'dave', cleanup: t, switches: { acceptPageMode: false } });
    const alice = newCore(tb, t);
    await signIn(alice, aliceUser);

    const m1 = await send(alice, dave.aor, 'first, in the INVITE');
    assert.equal((await finalState(alice, m1.id)).state, 'delivered');
    const invite = await dave.waitFor({ method: 'INVITE' }, { timeoutMs: 5000 });
    assert.equal(invite.text, 'first, in the INVITE');
    assert.equal(invite.media?.[0]?.media, 'message');
    const m2 = await send(alice, dave.aor, 'second, in the dialog');
    assert.equal((await finalState(alice, m2.id)).state, 'delivered');
    const msg = await dave.waitFor({ method: 'MESSAGE', text: 'second, in the dialog' }, { timeoutMs: 5000 });
    assert.equal(msg.sessionId, invite.sessionId);
    assert.equal((await dave.received()).filter((r) => r.method === 'MESSAGE' && r.text === 'first, in the INVITE').length, 0, 'not sent twice');

    await alice.close();
    await dave.waitFor({ method: 'BYE' }, { timeoutMs: 5000 });
  });

  test('a 200 without Supported: ms-text-format → the first message is sent again as the first MESSAGE after the ACK', async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const erin = await tb.lcs.createUser({ prefix: 'erin', cleanup: t, switches: { acceptPageMode: false, msTextFormat: false } });
    const alice = newCore(tb, t);
    await signIn(alice, aliceUser);
    const m = await send(alice, erin.aor, 'please show me');
    assert.equal((await finalState(alice, m.id)).state, 'delivered');
    const invite = await erin.waitFor({ method: 'INVITE' }, { timeoutMs: 5000 });
    const again = await erin.waitFor({ method: 'MESSAGE', text: 'please show me' }, { timeoutMs: 5000 });
    assert.equal(again.sessionId, invite.sessionId);
    assert.ok(again.seq > (await erin.waitFor({ method: 'ACK' }, { timeoutMs: 5000 })).seq, 'after the ACK');
  });
});
