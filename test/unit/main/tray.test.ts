// Tray decisions: badge text, tooltip, where the count goes per platform, and the status menu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { badgeText, trayAppearance } from '../../../electron/main/tray-badge';
import { MENU_PRESENCES, trayMenuTemplate } from '../../../electron/main/tray-menu';
import type { TrayCommand } from '../../../electron/main/tray-menu';

test('badge text: none for 0, the number up to 99, then 99+; nonsense shows nothing', () => {
  assert.equal(badgeText(0), '');
  assert.equal(badgeText(1), '1');
  assert.equal(badgeText(99), '99');
  assert.equal(badgeText(100), '99+');
  assert.equal(badgeText(-3), '');
  assert.equal(badgeText(Number.NaN), '');
});

test('Linux and Windows draw the count into the icon; macOS uses the dock badge', () => {
  const state = { unread: 3, presence: 'available', connection: 'connected' } as const;
  for (const platform of ['linux', 'win32']) {
    const look = trayAppearance(state, platform);
    assert.equal(look.drawInIcon, true);
    assert.equal(look.dockBadge, false);
    assert.equal(look.badgeText, '3');
  }
  const mac = trayAppearance(state, 'darwin');
  assert.equal(mac.drawInIcon, false);
  assert.equal(mac.dockBadge, true);
  assert.equal(trayAppearance({ ...state, unread: 0 }, 'linux').drawInIcon, false);
});

test('tooltip says presence, unread count, and connection failures', () => {
  assert.equal(trayAppearance({ unread: 1, presence: 'busy', connection: 'connected' }, 'linux').tooltip, 'Parley — Busy — 1 unread message');
  assert.equal(trayAppearance({ unread: 250, presence: 'do-not-disturb', connection: 'connected' }, 'linux').tooltip, 'Parley — Do not disturb — 99+ unread messages');
  assert.equal(
    trayAppearance({ unread: 0, presence: 'available', connection: 'failed', connectionDetail: 'their server is unreachable' }, 'win32').tooltip,
    'Parley — not connected: their server is unreachable',
  );
});

test('status menu: Open, the six statuses as radio items with the current one checked, Quit', () => {
  const commands: TrayCommand[] = [];
  const menu = trayMenuTemplate('busy', (c) => commands.push(c));
  const ids = menu.filter((i) => i.type !== 'separator').map((i) => i.id);
  assert.deepEqual(ids, ['open', ...MENU_PRESENCES.map((p) => `presence:${p}`), 'quit']);
  const labels = menu.filter((i) => i.id?.startsWith('presence:')).map((i) => i.label);
  assert.deepEqual(labels, ['Available', 'Busy', 'Do not disturb', 'Be right back', 'Away', 'Appear offline']);
  const checked = menu.filter((i) => i.checked).map((i) => i.id);
  assert.deepEqual(checked, ['presence:busy']);
  assert.ok(menu.filter((i) => i.id?.startsWith('presence:')).every((i) => i.type === 'radio'));

  const click = (id: string) => (menu.find((i) => i.id === id)!.click as () => void)();
  click('presence:do-not-disturb');
  click('open');
  click('quit');
  assert.deepEqual(commands, [{ kind: 'set-presence', presence: 'do-not-disturb' }, { kind: 'open' }, { kind: 'quit' }]);
});

test('offline (asleep) checks no status item', () => {
  assert.deepEqual(trayMenuTemplate('offline', () => {}).filter((i) => i.checked), []);
});
