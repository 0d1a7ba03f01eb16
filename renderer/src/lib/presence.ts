// Presence as the UI shows it: always an icon AND words (never colour alone, WCAG 1.4.1).
import type { Availability, ContactPresence, OwnStatus, PresenceReason } from '../../../shared/model/presence';
import { t } from '../i18n/en';

/** Shape glyphs that differ by form, not only by colour. */
const ICON: Record<Availability, string> = {
  available: '●',
  idle: '◑',
  busy: '◆',
  'do-not-disturb': '⊘',
  'be-right-back': '◷',
  away: '◔',
  'out-to-lunch': '◒',
  'in-a-call': '☎',
  offline: '○',
  unknown: '?',
};

export function availabilityIcon(a: Availability): string {
  return ICON[a];
}

export function availabilityLabel(a: Availability): string {
  return t.presence.availability[a];
}

export function ownStatusAvailability(s: OwnStatus): Availability {
  return s === 'appear-offline' ? 'offline' : s;
}

/** The reason line for a contact whose state is not simply "known" (not authorised, unreachable, …). */
export function reasonText(p: ContactPresence | undefined): string | undefined {
  if (!p || p.reason === 'ok') return undefined;
  return p.detail ? `${t.presence.reason[p.reason as PresenceReason]} (${p.detail})` : t.presence.reason[p.reason as PresenceReason];
}

/** "just now", "5 min ago", "2 h ago", or a date. */
export function freshness(at: number | undefined, now = Date.now()): string {
  if (!at) return t.presence.neverUpdated;
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 45) return t.presence.justNow;
  if (s < 3600) return t.presence.minutesAgo(Math.round(s / 60));
  if (s < 86_400) return t.presence.hoursAgo(Math.round(s / 3600));
  return new Date(at).toLocaleDateString();
}

/** Sort rank: people you can reach first. */
const RANK: Record<Availability, number> = {
  available: 0,
  'in-a-call': 1,
  busy: 1,
  'do-not-disturb': 2,
  idle: 3,
  'be-right-back': 3,
  'out-to-lunch': 3,
  away: 3,
  unknown: 4,
  offline: 5,
};
export function availabilityRank(a: Availability | undefined): number {
  return RANK[a ?? 'unknown'];
}

export function isOnline(a: Availability | undefined): boolean {
  return a !== undefined && a !== 'offline' && a !== 'unknown';
}
