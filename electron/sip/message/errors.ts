// Typed errors of the message layer (architecture.md: errors are typed classes).

/**
 * A message, header or URI that does not follow the RFC 3261 §25 grammar (or a framing rule of §18.3).
 * `reason` is short and safe to put in a Reason-Phrase; `status` is the response a UAS should answer
 * a malformed *request* with (400 by default, 505 for an unsupported SIP-Version per §8.2.2 / RFC 4475 §3.1.2.15,
 * 416 for an unsupported URI scheme per §8.2.2.1).
 */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  readonly reason: string;
  readonly status: number;
  constructor(reason: string, status = 400) {
    super(reason);
    this.reason = reason;
    this.status = status;
  }
}

/** Reason-Phrase characters are restricted (RFC 3261 §25.1): keep it on one printable line and short. */
function sanitizeReason(text: string): string {
  let out = '';
  for (let i = 0; i < text.length && out.length < 120; i++) {
    const c = text.charCodeAt(i);
    out += c >= 0x20 && c !== 0x7f ? text[i] : ' ';
  }
  return out;
}

/**
 * What to answer a request that failed to parse (RFC 3261 §8.2 / §21.4.1): the status and a Reason-Phrase
 * that says what was wrong, e.g. `{ status: 400, reason: 'Bad Request (missing Call-ID header)' }`.
 * Unknown errors get a generic 400.
 */
export function badRequestResponse(err: unknown): { status: number; reason: string } {
  if (err instanceof SipParseError) {
    const base = err.status === 505 ? 'Version Not Supported' : err.status === 416 ? 'Unsupported URI Scheme' : 'Bad Request';
    return { status: err.status, reason: `${base} (${sanitizeReason(err.reason)})` };
  }
  return { status: 400, reason: 'Bad Request' };
}

/** The Reason-Phrase alone (see badRequestResponse). */
export function badRequestReason(err: unknown): string {
  return badRequestResponse(err).reason;
}
