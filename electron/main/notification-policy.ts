// Whether and how an incoming message becomes a desktop notification. Pure, so plain-Node tests cover it;
// notifications.ts only hands the result to Electron's Notification.
//
// Rules (peers.md u28: "DND is display-only and should actually suppress alerts"):
// - Do not disturb: no toast and no sound, unless the sender is on the break-through list, and then
//   still without sound;
// - the conversation is in a focused window: nothing (the user is reading it);
// - Busy: a toast without sound;
// - otherwise a toast with the OS's sound.
// The body is plain text: HTML bodies are reduced to their text (notification servers that render
// markup must not render a peer's markup), control characters dropped, and it is cut to a preview.
import type { IncomingMessageNotice, PublishedPresence } from '../core/platform/desktop-facilities';

export const PREVIEW_MAX_CHARS = 120;
export const TITLE_MAX_CHARS = 64;

export interface NotificationContext {
  readonly presence: PublishedPresence;
  /** Conversation shown in the window that has keyboard focus, if any. */
  readonly focusedConversationId: string | undefined;
  /** Addresses allowed to break through Do-not-disturb (lower-case `user@host`). */
  readonly breakThrough?: ReadonlySet<string>;
  /** Whether the OS supports notifications at all (Notification.isSupported()). */
  readonly supported: boolean;
}

export type NotificationDecision =
  | { readonly show: false; readonly reason: 'unsupported' | 'do-not-disturb' | 'focused' }
  | { readonly show: true; readonly title: string; readonly body: string; readonly silent: boolean; readonly conversationId: string };

export function decideNotification(message: IncomingMessageNotice, context: NotificationContext): NotificationDecision {
  if (!context.supported) return { show: false, reason: 'unsupported' };
  if (context.focusedConversationId === message.conversationId) return { show: false, reason: 'focused' };
  const breaksThrough = context.breakThrough?.has(message.senderAddress.toLowerCase()) ?? false;
  if (context.presence === 'do-not-disturb' && !breaksThrough) return { show: false, reason: 'do-not-disturb' };
  const text = message.format === 'html' ? htmlToText(message.text) : message.text;
  return {
    show: true,
    title: truncate(plainLine(message.senderName) || plainLine(message.senderAddress), TITLE_MAX_CHARS),
    body: truncate(plainLine(text), PREVIEW_MAX_CHARS),
    silent: context.presence === 'do-not-disturb' || context.presence === 'busy',
    conversationId: message.conversationId,
  };
}

/** Text of an HTML fragment: tags removed (script/style with their content), common entities decoded. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<br\s*\/?>|<\/(p|div|li)\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<[^>]*>?/g, ''),
  );
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** One line of visible text: control and bidi-override characters dropped, whitespace collapsed. */
function plainLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cuts at a grapheme boundary (never inside an emoji or a surrogate pair) and adds an ellipsis. */
export function truncate(text: string, max: number): string {
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
  if (graphemes.length <= max) return text;
  return `${graphemes.slice(0, max - 1).join('').trimEnd()}…`;
}
