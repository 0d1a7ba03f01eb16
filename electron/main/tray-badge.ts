// What the tray and dock show for an unread count, own presence and connection state. Pure; tray.ts
// applies it. macOS has a dock badge and a tray title; Windows and Linux trays have neither, so there
// the count is drawn into the tray icon itself (tray-raster.ts). Signal and Linphone users ask for
// exactly this (peers.md g1, g2, u11); the tooltip also says when sign-in failed (u32).
import type { ConnectionSummary, PublishedPresence } from '../core/platform/desktop-facilities';

export interface TrayState {
  readonly unread: number;
  readonly presence: PublishedPresence;
  readonly connection: ConnectionSummary;
  readonly connectionDetail?: string;
}

export interface TrayAppearance {
  /** Short count for a badge: '' for none, '1'…'99', then '99+'. */
  readonly badgeText: string;
  /** Draw `badgeText` into the tray icon (Windows, Linux). */
  readonly drawInIcon: boolean;
  /** Set the macOS dock badge to `badgeText`. */
  readonly dockBadge: boolean;
  readonly tooltip: string;
}

export const PRESENCE_LABELS: Readonly<Record<PublishedPresence, string>> = {
  available: 'Available',
  busy: 'Busy',
  'do-not-disturb': 'Do not disturb',
  'be-right-back': 'Be right back',
  'out-to-lunch': 'Out to lunch',
  'in-a-call': 'In a call',
  away: 'Away',
  'appear-offline': 'Appear offline',
  offline: 'Offline',
};

export function badgeText(unread: number): string {
  // A non-finite or negative count is a bug upstream; showing nothing beats showing a wrong number.
  if (!Number.isFinite(unread) || unread <= 0) return '';
  const n = Math.floor(unread);
  return n > 99 ? '99+' : String(n);
}

export function trayAppearance(state: TrayState, platform: string): TrayAppearance {
  const text = badgeText(state.unread);
  const mac = platform === 'darwin';
  const parts = ['Parley'];
  if (state.connection === 'failed') {
    parts.push(state.connectionDetail ? `not connected: ${state.connectionDetail}` : 'not connected');
  } else if (state.connection === 'connecting') {
    parts.push('connecting…');
  } else if (state.connection === 'signed-out') {
    parts.push('signed out');
  } else {
    parts.push(PRESENCE_LABELS[state.presence]);
  }
  if (text) parts.push(text === '1' ? '1 unread message' : `${text} unread messages`);
  return { badgeText: text, drawInIcon: !mac && text !== '', dockBadge: mac, tooltip: parts.join(' — ') };
}
