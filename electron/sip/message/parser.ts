// parseMessage: bytes (or text) → SipRequest | SipResponse. Hot path: one pass over the header block with
// indexOf on CRLF, canonical header keys from a table, and eager parsing only of what every message needs
// (RFC 3261 §8.1.1 mandatory headers, §17 transaction matching, §12 dialog matching). No regexes, no closures.
import { SipParseError } from './errors';
import { parseCSeq } from './headers/cseq';
import { headerKey } from './headers/header-names';
import { parseNameAddr } from './headers/name-addr';
import { isTokenChar, splitList, trimLws, unfold } from './headers/params';
import { parseViaParm } from './headers/via';
import { SipRequest, SipResponse } from './message';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const PACK = 67108864;

/** Trimmed value of header entry i (folding still in it). */
function headerValue(raw: string, pos: number[], i: number): string {
  const q = pos[i] as number;
  const s = Math.floor(q / PACK);
  return trimLws(raw, raw.indexOf(':', s) + 1, q - s * PACK);
}

function fail(reason: string, status?: number): never {
  throw new SipParseError(reason, status);
}

/** Content-Length value: 1*DIGIT (RFC 3261 §20.14); negative or non-numeric is fatal (RFC 4475 §3.1.2.3 ncl). */
function parseContentLength(v: string): number {
  if (v.length === 0 || v.length > 9) fail(`invalid Content-Length ${JSON.stringify(v.slice(0, 20))}`);
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) fail(`invalid Content-Length ${JSON.stringify(v.slice(0, 20))}`);
    n = n * 10 + (c - 48);
  }
  return n;
}

/**
 * Parses one SIP message. A Buffer is the normal input (a datagram, or one message cut out by StreamFramer);
 * a string is treated as UTF-8 text. Without Content-Length the body is the rest of the input (RFC 3261 §18.3
 * allows this for datagrams; StreamFramer refuses such messages on streams). Octets beyond Content-Length are
 * discarded (§18.3, RFC 4475 §3.1.1.8 dblreq). Throws SipParseError with a reason on malformed input.
 */
export function parseMessage(input: Buffer | string): SipRequest | SipResponse {
  let raw: string;
  let headersEnd: number; // index in raw just past the CRLF of the last header line
  let available: number; // bytes (or chars for string input) after the empty line
  let bodyStartIdx: number;
  const isString = typeof input === 'string';
  if (isString) {
    raw = input;
    const he = raw.indexOf('\r\n\r\n');
    if (he < 0) fail('no empty line after the headers (RFC 3261 §7)');
    headersEnd = he + 2;
    bodyStartIdx = he + 4;
    available = raw.length - bodyStartIdx;
  } else {
    const he = input.indexOf(CRLFCRLF);
    if (he < 0) fail('no empty line after the headers (RFC 3261 §7)');
    raw = input.toString('utf8', 0, he + 2);
    headersEnd = raw.length;
    bodyStartIdx = he + 4;
    available = input.length - bodyStartIdx;
  }

  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  let start = 0;
  while (raw.charCodeAt(start) === 13 && raw.charCodeAt(start + 1) === 10) start += 2;
  if (start > 0) {
    if (start >= headersEnd) fail('empty message');
    // Re-base so that offsets in the message are relative to the start line.
    raw = raw.slice(start);
    headersEnd -= start;
    if (isString) bodyStartIdx -= start;
  }
  const slEnd = raw.indexOf('\r\n');
  if (slEnd <= 0) fail('empty start line');

  // ---- start line (RFC 3261 §7.1 Request-Line, §7.2 Status-Line) ----
  let isRequest: boolean;
  let method = '';
  let uri = '';
  let status = 0;
  let reason = '';
  if (raw.startsWith('SIP/', 0)) {
    isRequest = false;
    const sp1 = raw.indexOf(' ', 0);
    if (sp1 < 0 || sp1 > slEnd) fail('malformed Status-Line');
    if (raw.slice(0, sp1).toUpperCase() !== 'SIP/2.0') fail(`unsupported SIP version ${JSON.stringify(raw.slice(0, Math.min(sp1, 20)))}`, 505);
    // Status-Code = 3DIGIT (§25.1); RFC 4475 §3.2.1 bigcode must not break the parser.
    const c0 = raw.charCodeAt(sp1 + 1), c1 = raw.charCodeAt(sp1 + 2), c2 = raw.charCodeAt(sp1 + 3);
    if (c0 < 49 || c0 > 54 || c1 < 48 || c1 > 57 || c2 < 48 || c2 > 57) fail('Status-Code must be 3 digits from 100 to 699');
    status = (c0 - 48) * 100 + (c1 - 48) * 10 + (c2 - 48);
    const after = sp1 + 4;
    if (after < slEnd && raw.charCodeAt(after) !== 32) fail('Status-Code must be 3 digits from 100 to 699');
    // RFC 4475 §3.1.1.13 noreason: the SP before an empty Reason-Phrase is required but tolerated if absent.
    reason = after < slEnd ? raw.slice(after + 1, slEnd) : '';
  } else {
    isRequest = true;
    const sp1 = raw.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : raw.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || sp2 > slEnd) fail('malformed Request-Line');
    // Request-Line = Method SP Request-URI SP SIP-Version CRLF, exactly one SP each
    // (RFC 4475 §3.1.2.8 lwsstart, §3.1.2.9 trws, §3.1.2.7 lwsruri are rejected).
    if (raw.indexOf(' ', sp2 + 1) >= 0 && raw.indexOf(' ', sp2 + 1) < slEnd) fail('Request-Line has extra whitespace');
    for (let i = 0; i < sp1; i++) if (!isTokenChar(raw.charCodeAt(i))) fail('Method is not a token');
    method = raw.slice(0, sp1);
    uri = raw.slice(sp1 + 1, sp2);
    if (uri.length === 0) fail('empty Request-URI');
    const version = raw.slice(sp2 + 1, slEnd);
    if (version !== 'SIP/2.0' && version.toUpperCase() !== 'SIP/2.0') {
      if (version.length > 4 && version.slice(0, 4).toUpperCase() === 'SIP/') fail(`unsupported SIP version ${JSON.stringify(version.slice(0, 20))}`, 505);
      fail('malformed Request-Line');
    }
    // Request-URI = SIP-URI / SIPS-URI / absoluteURI: starts with a scheme (RFC 4475 §3.1.2.6 ltgtruri).
    const colon = uri.indexOf(':');
    if (colon <= 0) fail('Request-URI without a scheme');
    for (let i = 0; i < uri.length; i++) {
      const c = uri.charCodeAt(i);
      if (c === 60 || c === 62 || c === 34 || c < 33) fail('invalid character in Request-URI');
    }
    // RFC 3261 §19.1.5: headers are not allowed in a SIP Request-URI (RFC 4475 §3.1.2.10 escruri).
    // The user part may contain '?' (RFC 4475 §3.1.1.2 intmeth), so only look after the '@'.
    const q = uri.indexOf('?', uri.indexOf('@') + 1);
    if (q >= 0) {
      const scheme = uri.slice(0, colon).toLowerCase();
      if (scheme === 'sip' || scheme === 'sips') fail('Request-URI must not contain headers');
    }
  }

  // ---- header lines ----
  const keys: string[] = [];
  const pos: number[] = [];
  let iVia = -1, iFrom = -1, iTo = -1, iCallId = -1, iCSeq = -1, iCl = -1;
  let clValue = -1;
  let p = slEnd + 2;
  while (p < headersEnd) {
    let eol = raw.indexOf('\r\n', p);
    // Folded continuation lines start with SP or HTAB (RFC 3261 §7.3.1).
    let c = raw.charCodeAt(eol + 2);
    while ((c === 32 || c === 9) && eol + 2 < headersEnd) {
      eol = raw.indexOf('\r\n', eol + 2);
      c = raw.charCodeAt(eol + 2);
    }
    const colon = raw.indexOf(':', p);
    if (colon < 0 || colon > eol) fail(`header line without a colon: ${JSON.stringify(raw.slice(p, Math.min(eol, p + 30)))}`);
    let ne = colon;
    while (ne > p && (raw.charCodeAt(ne - 1) === 32 || raw.charCodeAt(ne - 1) === 9)) ne--;
    if (ne === p) fail('empty header name');
    const key = headerKey(raw.slice(p, ne));
    const idx = keys.length;
    keys.push(key);
    pos.push(p * PACK + eol);
    switch (key) {
      case 'via': if (iVia < 0) iVia = idx; break;
      case 'from': if (iFrom >= 0) fail('more than one From header'); iFrom = idx; break;
      case 'to': if (iTo >= 0) fail('more than one To header'); iTo = idx; break;
      case 'call-id': if (iCallId >= 0) fail('more than one Call-ID header'); iCallId = idx; break;
      case 'cseq': if (iCSeq >= 0) fail('more than one CSeq header'); iCSeq = idx; break;
      case 'content-length': {
        // RFC 4475 §3.1.2.11 mcl01: conflicting Content-Length values cannot be framed.
        const v = parseContentLength(trimLws(raw, colon + 1, eol));
        if (iCl >= 0 && v !== clValue) fail('conflicting Content-Length headers');
        iCl = idx;
        clValue = v;
        break;
      }
    }
    p = eol + 2;
  }

  // ---- mandatory headers (RFC 3261 §8.1.1; Max-Forwards is tolerated when absent for RFC 2543 peers,
  //      RFC 4475 §3.4.1 inv2543) ----
  if (iCallId < 0) fail('missing Call-ID header');
  if (iCSeq < 0) fail('missing CSeq header');
  if (iFrom < 0) fail('missing From header');
  if (iTo < 0) fail('missing To header');
  if (iVia < 0) fail('missing Via header');

  // ---- body (RFC 3261 §18.3) ----
  let bodyLength = available;
  if (iCl >= 0) {
    if (clValue > available && !isString) fail(`Content-Length ${clValue} exceeds the ${available} bytes received`);
    bodyLength = clValue;
  }
  let bodySrc: Buffer | string | null = bodyLength === 0 ? null : input;
  let bodyStart = bodyStartIdx;
  let bodyText: string | undefined;
  if (isString && iCl >= 0 && clValue > 0) {
    // Content-Length counts bytes (§20.14); a string body is sliced on characters only when they are all ASCII.
    const s = clValue <= available ? (input as string).slice(bodyStartIdx, bodyStartIdx + clValue) : '';
    if (s.length === clValue && Buffer.byteLength(s, 'utf8') === clValue) {
      bodyText = s;
    } else {
      const bytes = Buffer.from((input as string).slice(bodyStartIdx), 'utf8');
      if (clValue > bytes.length) fail(`Content-Length ${clValue} exceeds the ${bytes.length} bytes received`);
      bodySrc = bytes;
      bodyStart = 0;
    }
  }

  const msg = isRequest
    ? new SipRequest(method, uri, raw, slEnd, keys, pos, bodySrc, bodyStart, bodyLength)
    : new SipResponse(status, reason, raw, slEnd, keys, pos, bodySrc, bodyStart, bodyLength);

  if (bodyText !== undefined) msg.cBody = bodyText;

  // ---- key fields, parsed now so that a malformed one is a parse error (→ 400) and not a later surprise ----
  const callId = unfold(headerValue(raw, pos, iCallId));
  if (callId.length === 0) fail('empty Call-ID');
  msg.cCallId = callId;
  const cseq = parseCSeq(headerValue(raw, pos, iCSeq));
  msg.cCSeq = cseq;
  // RFC 3261 §8.1.1.5: the CSeq method MUST match the request method (RFC 4475 §3.2.2 mismatch01/02).
  if (isRequest && cseq.method !== method) fail(`CSeq method ${cseq.method} does not match request method ${method}`);
  const v = headerValue(raw, pos, iVia);
  msg.cTopVia = parseViaParm(v.indexOf(',') < 0 ? v : (splitList(unfold(v))[0] as string));
  if (msg.cTopVia.protocol !== 'SIP/2.0') fail(`unsupported SIP version in Via ${msg.cTopVia.protocol}`, 505);
  msg.cFrom = parseNameAddr(headerValue(raw, pos, iFrom), 'From');
  msg.cTo = parseNameAddr(headerValue(raw, pos, iTo), 'To');
  return msg;
}
