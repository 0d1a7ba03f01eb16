// What an incoming IM body becomes for the UI (protocol.md §2.5 items 27–28): text/plain as is, text/html
// sanitised (html-sanitizer.ts), text/rtf as plain text, multipart/alternative by its best part, the LCS
// Ms-Text-Format ms-body with its msgr formatting. Anything else is not a message we can show: the caller answers
// 415 with Accept (RFC 3261 §21.4.13).
import { parseMsgr } from '../../sip/im/ms-text-format';
import { parseMediaType as parseSipMediaType } from '../../sip/simple/media-type';
import type { MediaType } from '../../sip/simple/media-type';
import { sanitizeHtml, textToHtml, escapeHtml } from './html-sanitizer';
import { rtfToText } from './rtf-to-text';

export interface DecodedContent {
  readonly text: string;
  readonly html?: string;
}

/** An IM's Content-Type; none (or an empty type) is read as text/plain, the type every UA takes (RFC 3428 §9). */
export function parseMediaType(value: string | undefined): MediaType {
  const media = parseSipMediaType(value ?? '');
  return media.type ? media : { type: 'text/plain', params: media.params };
}

/** Body types that carry a message (the rest are typing indications or unsupported). */
export function isMessageType(type: string): boolean {
  return type === 'text/plain' || type === 'text/html' || type === 'text/rtf' || type === 'application/rtf' || type === 'multipart/alternative';
}

/** Decodes a body; undefined for a type we do not take (→ 415). */
export function decodeContent(contentType: string | undefined, body: string): DecodedContent | undefined {
  const media = parseMediaType(contentType);
  switch (media.type) {
    case 'text/plain': {
      const msgr = media.params.get('msgr');
      return msgr ? withMsgr(body, msgr) : { text: body };
    }
    case 'text/html': {
      const clean = sanitizeHtml(body);
      return { text: clean.text, html: clean.html };
    }
    case 'text/rtf':
    case 'application/rtf':
      return { text: rtfToText(body) };
    case 'multipart/alternative':
      return decodeAlternative(media.params.get('boundary'), body);
    default:
      return undefined;
  }
}

/** msgr formatting (protocol.md item 28) as safe HTML around escaped text; plain text when it says nothing. */
export function withMsgr(text: string, msgr: string): DecodedContent {
  const f = parseMsgr(msgr);
  if (!f.font && !f.color && !f.effects) return { text };
  let inner = textToHtml(text);
  const effects = f.effects ?? '';
  if (effects.includes('B')) inner = `<b>${inner}</b>`;
  if (effects.includes('I')) inner = `<i>${inner}</i>`;
  if (effects.includes('U')) inner = `<u>${inner}</u>`;
  if (effects.includes('S')) inner = `<s>${inner}</s>`;
  const attrs = `${f.color ? ` color="${escapeHtml(f.color)}"` : ''}${f.font && /^[\w ,.-]{1,64}$/.test(f.font) ? ` face="${escapeHtml(f.font)}"` : ''}`;
  // The result still goes through the sanitizer: one gate for everything the renderer gets.
  const html = sanitizeHtml(attrs ? `<font${attrs}>${inner}</font>` : inner).html;
  return { text, html };
}

/** RFC 2046 §5.1.4: the last part we understand is the richest; we prefer html, then plain, then rtf. */
function decodeAlternative(boundary: string | undefined, body: string): DecodedContent | undefined {
  if (!boundary || boundary.length > 70) return undefined;
  const parts = body.split(`--${boundary}`).slice(1);
  const decoded: Array<{ type: string; content: DecodedContent }> = [];
  for (const raw of parts) {
    if (raw.startsWith('--')) break;
    const sep = raw.search(/\r?\n\r?\n/);
    if (sep < 0) continue;
    const headers = raw.slice(0, sep);
    const partBody = raw.slice(sep).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
    const ct = /^content-type:\s*(.+)$/im.exec(headers)?.[1]?.trim() ?? 'text/plain';
    const type = parseMediaType(ct).type;
    if (type === 'multipart/alternative') continue; // no nesting
    const content = decodeContent(ct, partBody);
    if (content) decoded.push({ type, content });
  }
  return (decoded.find((d) => d.type === 'text/html') ?? decoded.find((d) => d.type === 'text/plain') ?? decoded[0])?.content;
}
