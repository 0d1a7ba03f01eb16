// The IM session SDP of LCS 2005 (protocol.md §2.5 items 25–26, [MS-SDP] §3.1.5.3): an offer/answer (RFC 3264)
// whose only useful media line is `m=message <port> sip <uri>` (RTC 1.3) or `m=x-ms-message <port> sip null`
// (RTC 1.2). The port is ignored when both clients talk through servers, so it carries no meaning here.

export type ImMediaForm = 'message' | 'x-ms-message';

export interface ImOfferView {
  /** The IM m-line form the offer used (the answer mirrors it), or undefined if it offered no IM media. */
  readonly form: ImMediaForm | undefined;
  /** Every m-line as written, for the answer (RFC 3264 §6: the answer has as many m-lines as the offer). */
  readonly mediaLines: readonly string[];
}

/** Minimal session description (v/o/s/c/t) per protocol.md §2.5 item 25. */
function sessionPart(host: string): string {
  const family = host.includes(':') ? 'IP6' : 'IP4';
  return `v=0\r\no=- 0 0 IN ${family} ${host}\r\ns=session\r\nc=IN ${family} ${host}\r\nt=0 0\r\n`;
}

/** Our offer: `m=message <port> sip <peer-AOR>` (protocol.md §2.5 item 25, "Send"). */
export function buildImOffer(host: string, port: number, peerAor: string): string {
  return `${sessionPart(host)}m=message ${port} sip ${peerAor}\r\n`;
}

/** Reads the m-lines of an offer. Accepts either IM media name with any format token (null, *, a URI). */
export function readImOffer(sdp: string): ImOfferView {
  const mediaLines = sdp.split(/\r?\n/).filter((l) => l.startsWith('m='));
  let form: ImMediaForm | undefined;
  for (const line of mediaLines) {
    const [media, , proto] = line.slice(2).trim().split(/\s+/);
    const name = media?.toLowerCase();
    // [MS-SDP] §3.1.5.3: the transport token is "sip" (REQ3 writes "sip/tcp"); accept both spellings.
    if ((name === 'message' || name === 'x-ms-message') && proto !== undefined && /^sip(\/\w+)?$/i.test(proto)) {
      form ??= name;
    }
  }
  return { form, mediaLines };
}

/**
 * The answer (RFC 3264 §6): the IM m-line mirrors the offered form — `m=message … sip <our AOR>` or
 * `m=x-ms-message … sip null` — and every other m-line is refused with port 0 (protocol.md item 26, REQ3 MUST).
 */
export function buildImAnswer(offer: ImOfferView, host: string, port: number, ownAor: string): string {
  let answered = false;
  const lines = offer.mediaLines.map((line) => {
    const parts = line.slice(2).trim().split(/\s+/);
    const name = parts[0]?.toLowerCase();
    if (!answered && name === offer.form) {
      answered = true;
      return name === 'message' ? `m=message ${port} sip ${ownAor}` : `m=x-ms-message ${port} sip null`;
    }
    return `m=${parts[0] ?? 'unknown'} 0 ${parts[2] ?? 'RTP/AVP'} ${parts.slice(3).join(' ') || '0'}`;
  });
  return `${sessionPart(host)}${lines.map((l) => `${l}\r\n`).join('')}`;
}

/** The SDP of an OPTIONS answer (protocol.md §2.5 item 31): our IM media line, so peers can discover IM modes. */
export function buildCapabilitySdp(host: string, port: number, ownAor: string): string {
  return `${sessionPart(host)}m=message ${port} sip ${ownAor}\r\n`;
}
