// The shell's wiring rules: core events → notification / tray, power-rule actions → core commands.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppSettings } from '../../../shared/ipc/contract';
import type { ChatMessage } from '../../../shared/model/chat';
import { CoreBridge, HIDDEN_PREVIEW, connectionOf } from '../../../electron/main/core-bridge';
import type { BridgeInputs, ShellOutputs } from '../../../electron/main/core-bridge';
import { PresenceLifecycle } from '../../../electron/main/power-rules';

type Call = [keyof ShellOutputs, ...unknown[]];

function setup(overrides: Partial<BridgeInputs> = {}) {
  const calls: Call[] = [];
  const state = { unread: 0, focused: undefined as string | undefined, notifications: { enabled: true, sound: true, showPreview: true } as AppSettings['notifications'] };
  const record = (name: keyof ShellOutputs) => (...args: unknown[]) => void calls.push([name, ...args]);
  const shell: ShellOutputs = {
    showNotification: record('showNotification'),
    setUnreadCount: record('setUnreadCount'),
    setTrayPresence: record('setTrayPresence'),
    setConnection: record('setConnection'),
    setOwn: record('setOwn'),
    reconnect: record('reconnect'),
    resubscribe: record('resubscribe'),
    userChose: record('userChose'),
  };
  const bridge = new CoreBridge(
    {
      unreadTotal: () => state.unread,
      notificationSettings: () => state.notifications,
      focusedConversationId: () => state.focused,
      notificationsSupported: () => true,
      displayName: (id) => (id === 'sip:bob@beta.test' ? 'Bob' : undefined),
      ...overrides,
    },
    shell,
  );
  const take = (name?: keyof ShellOutputs): Call[] => {
    const all = calls.splice(0);
    return name ? all.filter((c) => c[0] === name) : all;
  };
  return { bridge, state, take };
}

function message(over: Partial<ChatMessage> = {}): ChatMessage {
  return { id: 'm1', conversationId: 'sip:bob@beta.test', direction: 'in', text: 'hello there', at: 1, state: 'delivered', ...over };
}

describe('core bridge', () => {
  test('an incoming message raises the badge and shows a notification with the contact name', () => {
    const { bridge, state, take } = setup();
    state.unread = 3;
    bridge.onEvent('chat.message', message());
    assert.deepEqual(take(), [
      ['setUnreadCount', 3],
      ['showNotification', { show: true, title: 'Bob', body: 'hello there', silent: false, conversationId: 'sip:bob@beta.test' }],
    ]);
  });

  test('our own sent message notifies nothing; the badge is only set when it changed', () => {
    const { bridge, take } = setup();
    bridge.onEvent('chat.message', message({ direction: 'out' }));
    assert.deepEqual(take(), [['setUnreadCount', 0]]);
    bridge.onEvent('chat.message', message({ direction: 'out' }));
    assert.deepEqual(take(), []);
  });

  test('notification settings: off → none; previews off → no text; sound off → silent', () => {
    const { bridge, state, take } = setup();
    state.notifications = { enabled: false, sound: true, showPreview: true };
    bridge.onEvent('chat.message', message());
    assert.deepEqual(take('showNotification'), []);
    state.notifications = { enabled: true, sound: false, showPreview: false };
    bridge.onEvent('chat.message', message({ conversationId: 'sip:carol@alpha.test' }));
    assert.deepEqual(take('showNotification'), [['showNotification', { show: true, title: 'carol@alpha.test', body: HIDDEN_PREVIEW, silent: true, conversationId: 'sip:carol@alpha.test' }]]);
  });

  test('the focused conversation and Do not disturb suppress the notification', () => {
    const { bridge, state, take } = setup();
    state.focused = 'sip:bob@beta.test';
    bridge.onEvent('chat.message', message());
    assert.deepEqual(take('showNotification'), []);
    state.focused = undefined;
    bridge.onEvent('presence.own', { status: 'do-not-disturb', idle: false });
    bridge.onEvent('chat.message', message());
    assert.deepEqual(take('showNotification'), []);
  });

  test('reading a conversation lowers the badge; other commands do not read the total', () => {
    const { bridge, state, take } = setup();
    state.unread = 2;
    bridge.onEvent('chat.message', message());
    take();
    state.unread = 0;
    bridge.afterCommand('presence.list');
    assert.deepEqual(take(), []);
    bridge.afterCommand('chat.markRead');
    assert.deepEqual(take(), [['setUnreadCount', 0]]);
  });

  test('own presence goes to the tray; a user choice reaches the power rules, an idle Away does not', () => {
    const { bridge, take } = setup();
    bridge.onEvent('presence.own', { status: 'busy', idle: false });
    assert.deepEqual(take(), [['setTrayPresence', 'busy'], ['userChose', 'busy']]);
    bridge.onEvent('presence.own', { status: 'away', idle: true });
    assert.deepEqual(take(), [['setTrayPresence', 'away']]);
    assert.equal(bridge.presence, 'away');
  });

  test('account state becomes the tray connection; the failure detail is kept', () => {
    const { bridge, take } = setup();
    bridge.onEvent('account.state', { accountId: 'a', state: 'failed', detail: 'DNS found no server' });
    bridge.onEvent('account.state', { accountId: 'a', state: 'registered' });
    assert.deepEqual(take(), [['setConnection', 'failed', 'DNS found no server'], ['setConnection', 'connected', undefined]]);
    assert.equal(connectionOf('authenticating'), 'connecting');
    assert.equal(connectionOf('signed-out'), 'signed-out');
  });

  test('sleep and resume through the power rules: offline first, then reconnect, resubscribe and the chosen status; the echoes are not user choices', () => {
    const { bridge, take } = setup();
    const lifecycle = new PresenceLifecycle('busy');
    bridge.applyPower(lifecycle.handle({ type: 'suspend' }));
    assert.deepEqual(take(), [['setOwn', 'appear-offline']]);
    bridge.onEvent('presence.own', { status: 'appear-offline', idle: false });
    assert.deepEqual(take(), [['setTrayPresence', 'appear-offline']]);
    bridge.applyPower(lifecycle.handle({ type: 'resume' }));
    assert.deepEqual(take(), [['reconnect'], ['resubscribe'], ['setOwn', 'busy']]);
    bridge.onEvent('presence.own', { status: 'busy', idle: false });
    assert.deepEqual(take(), [['setTrayPresence', 'busy']]);
    // A later choice from the buddy list is the user's again.
    bridge.onEvent('presence.own', { status: 'available', idle: false });
    assert.deepEqual(take(), [['setTrayPresence', 'available'], ['userChose', 'available']]);
  });
});
