// The LCS typing indication: INFO in the IM dialog, `Content-Type: application/xml`,
// `<?xml version="1.0"?><KeyboardActivity><status status="type"/></KeyboardActivity>`, status="idle" to stop
// (protocol.md §2.6 item 33, [F:SIPE sipe-user.c, sipe-incoming.c]). Send it to LCS users, isComposing to others.
import { PresenceDocumentError } from './errors';
import type { XmlLimits } from './xml/limits';
import { parseXml } from './xml/tree';

export const KEYBOARD_ACTIVITY_CONTENT_TYPE = 'application/xml';

export type KeyboardActivity = 'type' | 'idle';

/** Throws `XmlParseError` or `PresenceDocumentError` (format 'keyboard-activity'). Unknown status values are idle. */
export function parseKeyboardActivity(body: string | Uint8Array, limits?: Partial<XmlLimits>): KeyboardActivity {
  const root = parseXml(body, limits);
  if (root.local !== 'KeyboardActivity') {
    throw new PresenceDocumentError('keyboard-activity', `root element is ${root.local}, expected KeyboardActivity`);
  }
  const status = root.childByLocal('status')?.attr('status')?.trim().toLowerCase();
  // Typing is best-effort (§2.6 item 35): anything but "type" clears the indicator.
  return status === 'type' ? 'type' : 'idle';
}

export function buildKeyboardActivity(state: KeyboardActivity): string {
  return `<?xml version="1.0"?><KeyboardActivity><status status="${state}"/></KeyboardActivity>`;
}
