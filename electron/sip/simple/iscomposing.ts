// RFC 3994 message composition indication, `application/im-iscomposing+xml` (protocol.md §2.6 item 34).
// The receiver state machine (refresh timeout, revert to idle) lives in the IM usage; this is the body only.
import { PresenceDocumentError } from './errors';
import { NS_ISCOMPOSING } from './namespaces';
import type { XmlLimits } from './xml/limits';
import { escapeText } from './xml/escape';
import { parseXml } from './xml/tree';

export const ISCOMPOSING_CONTENT_TYPE = 'application/im-iscomposing+xml';
/** RFC 3994 §4: without a refresh, the receiver times an active state out after 120 s. */
export const ISCOMPOSING_DEFAULT_REFRESH_S = 120;

export interface IsComposing {
  /** RFC 3994 §3.2 state. */
  readonly state: 'active' | 'idle';
  /** RFC 3994 §3.2 refresh, seconds (only meaningful with active). */
  readonly refresh?: number;
  /** RFC 3994 §3.2 lastactive (date-time, as received). */
  readonly lastActive?: string;
  /** RFC 3994 §3.2 contenttype of the message being composed. */
  readonly contentType?: string;
}

/** Throws `XmlParseError` or `PresenceDocumentError` (format 'iscomposing'). */
export function parseIsComposing(body: string | Uint8Array, limits?: Partial<XmlLimits>): IsComposing {
  const root = parseXml(body, limits);
  // RFC 3994 §6 namespace; tolerate a missing one.
  if (root.local !== 'isComposing' || (root.ns !== NS_ISCOMPOSING && root.ns !== '')) {
    throw new PresenceDocumentError('iscomposing', `root element is {${root.ns}}${root.local}, expected {${NS_ISCOMPOSING}}isComposing`);
  }
  const ns = root.ns;
  const stateText = root.child(ns, 'state')?.value.toLowerCase();
  if (stateText !== 'active' && stateText !== 'idle') {
    throw new PresenceDocumentError('iscomposing', `state must be active or idle, got ${JSON.stringify(stateText ?? null)}`);
  }
  const refreshText = root.child(ns, 'refresh')?.value;
  // RFC 3994 §3.2: refresh is a positive integer.
  const refresh = refreshText !== undefined && /^\d{1,9}$/.test(refreshText) && Number(refreshText) > 0 ? Number(refreshText) : undefined;
  const lastActive = root.child(ns, 'lastactive')?.value || undefined;
  const contentType = root.child(ns, 'contenttype')?.value || undefined;
  const out: { -readonly [K in keyof IsComposing]: IsComposing[K] } = { state: stateText };
  if (refresh !== undefined) out.refresh = refresh;
  if (lastActive !== undefined) out.lastActive = lastActive;
  if (contentType !== undefined) out.contentType = contentType;
  return out;
}

/** Builds the body; RFC 3994 §3.2 element order: state, lastactive, contenttype, refresh. */
export function buildIsComposing(v: IsComposing): string {
  let s = `<?xml version="1.0" encoding="UTF-8"?>\n<isComposing xmlns="${NS_ISCOMPOSING}">\n<state>${v.state}</state>\n`;
  if (v.lastActive) s += `<lastactive>${escapeText(v.lastActive)}</lastactive>\n`;
  if (v.contentType) s += `<contenttype>${escapeText(v.contentType)}</contenttype>\n`;
  // §3.2: refresh only accompanies the active state.
  if (v.state === 'active' && v.refresh !== undefined && Number.isInteger(v.refresh) && v.refresh > 0) s += `<refresh>${v.refresh}</refresh>\n`;
  return `${s}</isComposing>\n`;
}
