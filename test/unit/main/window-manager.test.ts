// One window per conversation, reused; the buddy list is a singleton.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowManager, windowPageUrl } from '../../../electron/main/window-manager';
import type { ManagedWindow } from '../../../electron/main/window-manager';

class FakeWindow implements ManagedWindow {
  destroyed = false;
  minimized = false;
  calls: string[] = [];
  #closed: Array<() => void> = [];
  constructor(readonly name: string) {}
  isDestroyed() { return this.destroyed; }
  isMinimized() { return this.minimized; }
  restore() { this.calls.push('restore'); this.minimized = false; }
  show() { this.calls.push('show'); }
  focus() { this.calls.push('focus'); }
  once(_event: 'closed', listener: () => void) { this.#closed.push(listener); }
  close() { this.destroyed = true; for (const l of this.#closed) l(); }
}

function manager() {
  const created: FakeWindow[] = [];
  const m = new WindowManager<FakeWindow>({
    buddyList: () => { const w = new FakeWindow('buddies'); created.push(w); return w; },
    chat: (id) => { const w = new FakeWindow(id); created.push(w); return w; },
  });
  return { m, created };
}

test('opening the same conversation twice reuses and brings forward its window', () => {
  const { m, created } = manager();
  const a = m.openChat('sip:alice@alpha.test');
  a.minimized = true;
  const again = m.openChat('sip:alice@alpha.test');
  assert.equal(again, a);
  assert.equal(created.length, 1);
  assert.deepEqual(a.calls, ['restore', 'show', 'focus']);
  const b = m.openChat('sip:bob@beta.test');
  assert.notEqual(b, a);
  assert.deepEqual(m.openConversations, ['sip:alice@alpha.test', 'sip:bob@beta.test']);
  assert.equal(m.conversationOf(b), 'sip:bob@beta.test');
  assert.equal(m.conversationOf(null), undefined);
});

test('a closed chat window is forgotten and a new one is made next time', () => {
  const { m, created } = manager();
  const a = m.openChat('c1');
  a.close();
  assert.deepEqual(m.openConversations, []);
  const a2 = m.openChat('c1');
  assert.notEqual(a2, a);
  assert.equal(created.length, 2);
});

test('a destroyed window that never reported closed is replaced, and its late close does not drop the new one', () => {
  const { m } = manager();
  const a = m.openChat('c1');
  a.destroyed = true;
  const a2 = m.openChat('c1');
  assert.notEqual(a2, a);
  a.close();
  assert.equal(m.openChat('c1'), a2);
});

test('the buddy list is one window', () => {
  const { m, created } = manager();
  const w = m.showBuddyList();
  assert.equal(m.showBuddyList(), w);
  assert.equal(created.length, 1);
  w.close();
  assert.notEqual(m.showBuddyList(), w);
  assert.equal(m.conversationOf(w), undefined);
});

test('window URLs: the same page, the chat view chosen by query', () => {
  const page = 'file:///opt/Parley/resources/app.asar/dist/renderer/index.html';
  assert.equal(windowPageUrl(page, { kind: 'buddy-list' }), page);
  const chat = new URL(windowPageUrl(page, { kind: 'chat', conversationId: 'sip:a&b@x.test#frag' }));
  assert.equal(chat.pathname, new URL(page).pathname);
  assert.equal(chat.searchParams.get('view'), 'chat');
  assert.equal(chat.searchParams.get('conversation'), 'sip:a&b@x.test#frag');
  assert.equal(chat.hash, '');
});
