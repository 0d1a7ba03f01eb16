import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessageNotice } from '../../../electron/core/platform/desktop-facilities';
import { PREVIEW_MAX_CHARS, decideNotification, htmlToText, truncate } from '../../../electron/main/notification-policy';
import type { NotificationContext } from '../../../electron/main/notification-policy';

const message: IncomingMessageNotice = {
  conversationId: 'c1',
  senderName: 'Alice Example',
  senderAddress: 'alice@alpha.test',
  text: 'Lunch at noon?',
  format: 'plain',
};
const context: NotificationContext = { presence: 'available', focusedConversationId: undefined, supported: true };

test('available: a toast with sound, sender name as title, text as body', () => {
  assert.deepEqual(decideNotification(message, context), {
    show: true,
    title: 'Alice Example',
    body: 'Lunch at noon?',
    silent: false,
    conversationId: 'c1',
  });
});

test('do not disturb: nothing at all', () => {
  assert.deepEqual(decideNotification(message, { ...context, presence: 'do-not-disturb' }), { show: false, reason: 'do-not-disturb' });
});

test('do not disturb: a break-through contact gets a toast, still silent', () => {
  const d = decideNotification({ ...message, senderAddress: 'Alice@Alpha.test' }, { ...context, presence: 'do-not-disturb', breakThrough: new Set(['alice@alpha.test']) });
  assert.equal(d.show, true);
  assert.equal(d.show && d.silent, true);
});

test('busy: a toast without sound', () => {
  const d = decideNotification(message, { ...context, presence: 'busy' });
  assert.equal(d.show && d.silent, true);
});

test('the conversation is focused: no notification; another one focused: notification', () => {
  assert.deepEqual(decideNotification(message, { ...context, focusedConversationId: 'c1' }), { show: false, reason: 'focused' });
  assert.equal(decideNotification(message, { ...context, focusedConversationId: 'c2' }).show, true);
});

test('unsupported OS: nothing', () => {
  assert.deepEqual(decideNotification(message, { ...context, supported: false }), { show: false, reason: 'unsupported' });
});

test('HTML bodies become text; markup never reaches the notification', () => {
  const d = decideNotification(
    { ...message, format: 'html', text: '<b>hi</b> <img src=x onerror=alert(1)>there<script>steal()</script> &lt;3 &amp; &#x1F600;' },
    context,
  );
  assert.equal(d.show && d.body, 'hi there <3 & 😀');
  assert.equal(htmlToText('<p>a</p><p>b</p>').trim().replace(/\s+/g, ' '), 'a b');
});

test('plain bodies keep their characters but lose control and bidi-override characters', () => {
  const d = decideNotification({ ...message, text: 'a <b>\u0007\u202Egnp.exe\n\nnext' }, context);
  assert.equal(d.show && d.body, 'a <b> gnp.exe next');
});

test('long text is cut to a preview with an ellipsis, never inside an emoji', () => {
  const long = 'x'.repeat(PREVIEW_MAX_CHARS - 2) + '👍🏽👍🏽👍🏽';
  const d = decideNotification({ ...message, text: long }, context);
  assert.ok(d.show);
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(d.body)];
  assert.equal(graphemes.length, PREVIEW_MAX_CHARS);
  assert.equal(d.body.endsWith('👍🏽…'), true);
  assert.equal(truncate('short', 10), 'short');
});

test('a sender without a display name is shown by address', () => {
  const d = decideNotification({ ...message, senderName: '  ' }, context);
  assert.equal(d.show && d.title, 'alice@alpha.test');
});
