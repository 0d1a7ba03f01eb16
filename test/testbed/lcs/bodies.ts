// Bodies and body-carrying headers as an LCS 2005 deployment writes them: IM SDP (protocol.md §2.5 item 25),
// Ms-Text-Format with ms-body (item 27), the msgr X-MMS-IM-Format parameter (item 28), and presence documents
// (PIDF in both RPID forms through the project's builder, XPIDF here: §2.7 item 45, §2.9, §3.2, §3.3).
import { buildPidf } from '../../../electron/sip/simple/pidf-builder';
import { escapeAttr } from '../../../electron/sip/simple/xml/escape';
import type { Availability, ImSdpForm, LcsPresence, MsgrFormat, PresenceFormat } from './types';

// ---- SDP --------------------------------------------------------------------------------------------------

/** Minimal IM SDP (§2.5 item 25): v/o/s=session/c/t=0 0/m. RTC 1.3 names the peer, RTC 1.2 says `null`. */
export function imSdp(form: ImSdpForm, peerAor: string, address: string): string {
  const m = form === 'message' ? `m=message 5060 sip ${peerAor}` : 'm=x-ms-message 5060 sip null';
  return ['v=0', `o=- 0 0 IN IP4 ${address}`, 's=session', `c=IN IP4 ${address}`, 't=0 0', m, ''].join('\r\n');
}

export interface MediaLine {
  readonly media: string;
  readonly port: number;
  readonly format: string;
}

/** The m-lines of an SDP body (RFC 4566 §5.14), tolerant of LF-only bodies. */
export function mediaLines(sdp: string): MediaLine[] {
  const out: MediaLine[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const m = /^m=(\S+)\s+(\d+)(?:\/\d+)?\s+\S+\s*(.*)$/.exec(line.trim());
    if (m) out.push({ media: (m[1] as string).toLowerCase(), port: Number(m[2]), format: (m[3] as string).trim() });
  }
  return out;
}

/**
 * The answer to an IM offer: the first offered m-line whose media the user takes, in the same form; every other
 * m-line rejected with port 0 (§2.5 item 26, RFC 3264 §6). Undefined when none is taken.
 */
export function answerImSdp(offer: readonly MediaLine[], taken: readonly ImSdpForm[], offererAor: string, address: string): { sdp: string; form: ImSdpForm } | undefined {
  const chosen = offer.findIndex((m) => (taken as readonly string[]).includes(m.media));
  if (chosen < 0) return undefined;
  const form = (offer[chosen] as MediaLine).media as ImSdpForm;
  const lines = ['v=0', `o=- 0 0 IN IP4 ${address}`, 's=session', `c=IN IP4 ${address}`, 't=0 0'];
  offer.forEach((m, i) => {
    if (i === chosen) lines.push(form === 'message' ? `m=message 5060 sip ${offererAor}` : 'm=x-ms-message 5060 sip null');
    else lines.push(`m=${m.media} 0 sip ${m.format || 'null'}`);
  });
  return { sdp: `${lines.join('\r\n')}\r\n`, form };
}

// ---- msgr and Ms-Text-Format --------------------------------------------------------------------------------

/** `msgr=` value: base64 of UTF-16LE `X-MMS-IM-Format: FN=…; EF=…; CO=…; CS=0; PF=0` + CRLFCRLF, padding stripped. */
export function encodeMsgr(f: MsgrFormat): string {
  const text = `X-MMS-IM-Format: FN=${encodeURIComponent(f.font ?? 'Segoe UI').replace(/%20/g, '%20')}; EF=${f.effects ?? ''}; CO=${f.color ?? '000000'}; CS=0; PF=0\r\n\r\n`;
  return Buffer.from(text, 'utf16le').toString('base64').replace(/=+$/, '');
}

export function decodeMsgr(value: string): { text: string; format: MsgrFormat } | undefined {
  try {
    const text = Buffer.from(value, 'base64').toString('utf16le');
    if (!/X-MMS-IM-Format/i.test(text)) return { text, format: {} };
    const field = (k: string) => new RegExp(`${k}=([^;\\r\\n]*)`).exec(text)?.[1]?.trim();
    const font = field('FN');
    const effects = field('EF');
    const color = field('CO');
    return {
      text,
      format: {
        ...(font !== undefined ? { font: decodeURIComponent(font) } : {}),
        ...(effects !== undefined ? { effects } : {}),
        ...(color !== undefined ? { color } : {}),
      },
    };
  } catch {
    return undefined;
  }
}

/** `Ms-Text-Format: text/plain; charset=UTF-8[;msgr=…];ms-body=<base64>` (§2.5 item 27). */
export function msTextFormatHeader(text: string, msgr?: MsgrFormat): string {
  return `text/plain; charset=UTF-8${msgr ? `;msgr=${encodeMsgr(msgr)}` : ''};ms-body=${Buffer.from(text, 'utf8').toString('base64')}`;
}

export function parseMsTextFormat(value: string): { contentType: string; text?: string; msgr?: string } {
  const parts = value.split(';').map((p) => p.trim());
  const params = new Map<string, string>();
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, ''));
  }
  const body = params.get('ms-body');
  const msgr = params.get('msgr');
  return {
    contentType: parts[0] ?? '',
    ...(body !== undefined ? { text: Buffer.from(body, 'base64').toString('utf8') } : {}),
    ...(msgr !== undefined ? { msgr } : {}),
  };
}

/** The `msgr` parameter of a Content-Type, if any. */
export function msgrParam(contentType: string | undefined): string | undefined {
  return contentType ? /;\s*msgr=([^;\s]+)/i.exec(contentType)?.[1] : undefined;
}

// ---- presence documents ---------------------------------------------------------------------------------------

/** XPIDF status / msnsubstatus per protocol.md §2.9 (the XPIDF column). */
function xpidfStatus(a: Availability): { status: 'open' | 'closed' | 'inuse'; sub?: string } {
  switch (a) {
    case 'available': return { status: 'open', sub: 'online' };
    case 'idle': return { status: 'open', sub: 'idle' };
    case 'busy': return { status: 'open', sub: 'busy' };
    case 'do-not-disturb': return { status: 'open', sub: 'busy' };
    case 'be-right-back': return { status: 'open', sub: 'berightback' };
    case 'away': return { status: 'open', sub: 'away' };
    case 'out-to-lunch': return { status: 'open', sub: 'outtolunch' };
    case 'in-a-call': return { status: 'inuse', sub: 'onthephone' };
    case 'offline': return { status: 'closed' };
    case 'unknown': return { status: 'open', sub: 'unknown' };
  }
}

/** XPIDF as in protocol.md §3.3 (DOCTYPE, presentity, one atom/address, MS `display`). */
export function buildXpidf(aor: string, p: LcsPresence): string {
  const s = xpidfStatus(p.availability);
  const uri = escapeAttr(aor);
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE presence PUBLIC "-//IETF//DTD RFCxxxx XPIDF 1.0//EN" "xpidf.dtd">',
    '<presence>',
    ` <presentity uri="${uri};method=SUBSCRIBE"/>`,
    ' <atom id="1002">',
    `  <address uri="${uri}" priority="0.800000">`,
    `   <status status="${s.status}"/>${s.sub ? `<msnsubstatus substatus="${s.sub}"/>` : ''}`,
    '  </address>',
    ' </atom>',
    ...(p.displayName ? [` <display name="${escapeAttr(p.displayName)}"/>`] : []),
    '</presence>',
    '',
  ].join('\r\n');
}

export const CONTENT_TYPE = { pidf: 'application/pidf+xml', xpidf: 'application/xpidf+xml' } as const;

/** Picks the document for a watcher: the switch, or by Accept for 'auto' (PIDF preferred, §2.8 item 46). */
export function presenceDocument(format: PresenceFormat, accept: readonly string[], aor: string, p: LcsPresence): { contentType: string; body: string } {
  let f = format;
  if (f === 'auto') {
    const types = accept.map((a) => (a.split(';')[0] ?? '').trim().toLowerCase());
    f = types.length === 0 || types.includes(CONTENT_TYPE.pidf) || types.includes('*/*') ? 'pidf-bcp' : types.includes(CONTENT_TYPE.xpidf) ? 'xpidf' : 'pidf-bcp';
  }
  if (f === 'xpidf') return { contentType: CONTENT_TYPE.xpidf, body: buildXpidf(aor, p) };
  const body = buildPidf(
    { entity: aor, availability: p.availability, ...(p.note ? { note: p.note } : {}), ...(p.displayName ? { displayName: p.displayName } : {}), contact: aor },
    { dialect: f === 'pidf-bcp' ? 'bcp' : 'rfc4480' },
  );
  return { contentType: CONTENT_TYPE.pidf, body };
}
