// The tray's context menu as an Electron menu template, built by a pure function so tests can check its
// items and click them. Status items are radio items; the current one is checked.
import type { MenuItemConstructorOptions } from 'electron';
import type { OwnPresence, PublishedPresence } from '../core/platform/desktop-facilities';
import { PRESENCE_LABELS } from './tray-badge';

export const MENU_PRESENCES: readonly OwnPresence[] = ['available', 'busy', 'do-not-disturb', 'be-right-back', 'away', 'appear-offline'];

export type TrayCommand = { readonly kind: 'set-presence'; readonly presence: OwnPresence } | { readonly kind: 'open' } | { readonly kind: 'quit' };

export function trayMenuTemplate(current: PublishedPresence, onCommand: (command: TrayCommand) => void): MenuItemConstructorOptions[] {
  const statuses: MenuItemConstructorOptions[] = MENU_PRESENCES.map((presence) => ({
    id: `presence:${presence}`,
    label: PRESENCE_LABELS[presence],
    type: 'radio',
    checked: presence === current,
    click: () => onCommand({ kind: 'set-presence', presence }),
  }));
  return [
    { id: 'open', label: 'Open Parley', click: () => onCommand({ kind: 'open' }) },
    { type: 'separator' },
    ...statuses,
    { type: 'separator' },
    { id: 'quit', label: 'Quit Parley', click: () => onCommand({ kind: 'quit' }) },
  ];
}
