// Day separators in a conversation: "Today", "Yesterday", or the date.
import { t } from '../i18n/en';

export function dayKey(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(at: number, now = Date.now()): string {
  if (dayKey(at) === dayKey(now)) return t.chat.today;
  if (dayKey(at) === dayKey(now - 86_400_000)) return t.chat.yesterday;
  return new Date(at).toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

export function timeLabel(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
