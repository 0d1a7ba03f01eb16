// The LCS first-message header `Ms-Text-Format: text/plain; charset=UTF-8[; msgr=…]; ms-body=<base64>` and the
// `msgr` formatting parameter (protocol.md §2.5 items 27–28, [F:SIPE sipe-im.c, sipe-incoming.c, sipmsg.c],
// [MS-CONFIM] §4.2.1).

export const MS_TEXT_FORMAT = 'Ms-Text-Format';
/** The Supported option a receiver adds to its 200 when it displayed the ms-body (protocol.md item 27). */
export const MS_TEXT_FORMAT_OPTION = 'ms-text-format';

export interface MsTextFormat {
  /** The media type of the text, e.g. text/plain (lower-cased). */
  readonly contentType: string;
  /** The decoded ms-body, if present and valid base64. */
  readonly body: string | undefined;
  /** The msgr parameter as sent (still encoded), for formatting. */
  readonly msgr: string | undefined;
}

export interface MsgrFormat {
  readonly font?: string;
  /** EF: effects letters (B bold, I italic, U underline, S strike). */
  readonly effects?: string;
  /** CO as a CSS hex colour (#rrggbb); the wire carries BGR hex. */
  readonly color?: string;
}

/** Builds the header value for the first message of an INVITE. */
export function buildMsTextFormat(text: string): string {
  return `text/plain; charset=UTF-8; ms-body=${Buffer.from(text, 'utf8').toString('base64')}`;
}

/** Parses an Ms-Text-Format value; never throws (an unusable ms-body is reported as undefined). */
export function parseMsTextFormat(value: string): MsTextFormat {
  const [type = '', ...params] = value.split(';');
  let body: string | undefined;
  let msgr: string | undefined;
  let charset = 'utf-8';
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
    if (name === 'ms-body') body = decodeBase64(v);
    else if (name === 'msgr') msgr = v;
    else if (name === 'charset') charset = v.toLowerCase();
  }
  if (body !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    // Only UTF-8 is documented for ms-body; a Latin-1 label is read as such rather than mangled.
    body = Buffer.from(body, 'utf8').toString('latin1');
  }
  return { contentType: type.trim().toLowerCase(), body, msgr };
}

function decodeBase64(v: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) return undefined;
  return Buffer.from(v, 'base64').toString('utf8');
}

/**
 * Decodes `msgr`: base64 (padding stripped) of UTF-16LE `X-MMS-IM-Format: FN=<font>; EF=<effects>; CO=<color>; …`.
 * Unknown or broken values give {} (protocol.md item 28: parse it, ignore it if not understood).
 */
export function parseMsgr(msgr: string): MsgrFormat {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(msgr)) return {};
  const text = Buffer.from(msgr, 'base64').toString('utf16le');
  const m = /X-MMS-IM-Format:\s*([^\r\n]*)/i.exec(text);
  if (!m) return {};
  const out: { font?: string; effects?: string; color?: string } = {};
  for (const part of m[1]!.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toUpperCase();
    const value = part.slice(eq + 1).trim();
    if (key === 'FN' && value) out.font = decodeURIComponentSafe(value);
    else if (key === 'EF' && /^[BIUS]+$/i.test(value)) out.effects = value.toUpperCase();
    else if (key === 'CO' && /^[0-9a-f]{1,6}$/i.test(value)) {
      // CO is a BGR hex number (Messenger heritage): 0000ff is red.
      const bgr = value.padStart(6, '0');
      out.color = `#${bgr.slice(4, 6)}${bgr.slice(2, 4)}${bgr.slice(0, 2)}`.toLowerCase();
    }
  }
  return out;
}

/** Encodes formatting as msgr (for tests and for a future formatted-send). */
export function buildMsgr(f: MsgrFormat): string {
  const co = f.color ? `${f.color.slice(5, 7)}${f.color.slice(3, 5)}${f.color.slice(1, 3)}` : '0';
  const text = `X-MMS-IM-Format: FN=${encodeURIComponent(f.font ?? 'Segoe UI')}; EF=${f.effects ?? ''}; CO=${co}; CS=0; PF=0\r\n\r\n`;
  return Buffer.from(text, 'utf16le').toString('base64').replace(/=+$/, '');
}

function decodeURIComponentSafe(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
