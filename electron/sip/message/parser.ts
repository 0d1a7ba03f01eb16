// parseMessage: bytes (or text) → SipRequest | SipResponse. This is the receive hot path (architecture.md house
// rule 7, perf-baselines.md §4 P1): one pass over the header block with indexOf on line ends, no closures, no
// per-call set-up. Header names are recognized in place (length + characters) and only the headers every
// message needs are named and parsed now: RFC 3261 §8.1.1 mandatory headers, §17 transaction matching, §12
// dialog matching, §18.3 framing. Everything else stays raw until asked for (message.ts).
//
// Speed notes (measured; V8 on our machines runs a JS character loop at several ns per character, its native
// string search and RegExp engine an order of magnitude faster): lines are found with one-character indexOf,
// and the Request-Line, Via, From/To and CSeq first try a fast path (precompiled sticky RegExps or an in-place
// scan) for the shape nearly every message has. Each fast path accepts a strict subset of the general grammar
// and gives the same result; everything else, and every error, goes through the general parsers, so the
// error reasons do not depend on the fast paths.
import { SipParseError } from './errors';
import { parseCSeq, parseSimpleCSeq } from './headers/cseq';
import { parseNameAddr, parseSimpleNameAddrLine } from './headers/name-addr';
import { isTokenChar, sameNameAt, splitList, trimLws, unfold } from './headers/params';
import { parseSimpleViaLine, parseViaParm, type Via } from './headers/via';
import { SipRequest, SipResponse, type SipMessageBase } from './message';

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** Raw header positions are packed in one number: start * 2^26 + end (see message.ts). */
const PACK = 67108864;

function fail(reason: string, status?: number): never {
  throw new SipParseError(reason, status);
}

// ---- header names --------------------------------------------------------------------------------------

// Canonical keys of the headers parsed on receipt (the same interned strings headerKey() returns).
const VIA = 'via', FROM = 'from', TO = 'to', CALL_ID = 'call-id', CSEQ = 'cseq', CONTENT_LENGTH = 'content-length';

/**
 * The canonical key of name s[start, end) if it is one of the headers parsed on receipt, long or compact form
 * (RFC 3261 §7.3.3: v, f, t, i, l), in any case (§7.3.1); undefined for any other name. Names are compared in
 * place, so the common case allocates nothing and the other names are canonicalized only if looked up.
 */
function receiptKey(s: string, start: number, end: number): string | undefined {
  const first = s.charCodeAt(start) | 0x20; // lower-cases an ASCII letter
  switch (end - start) {
    case 1:
      switch (first) {
        case 118: return VIA; // v
        case 102: return FROM; // f
        case 116: return TO; // t
        case 105: return CALL_ID; // i
        case 108: return CONTENT_LENGTH; // l
      }
      return undefined;
    case 2: return first === 116 && sameNameAt(s, start, end, TO) ? TO : undefined;
    case 3: return first === 118 && sameNameAt(s, start, end, VIA) ? VIA : undefined;
    case 4:
      if (first === 102) return sameNameAt(s, start, end, FROM) ? FROM : undefined;
      return first === 99 && sameNameAt(s, start, end, CSEQ) ? CSEQ : undefined;
    case 7: return first === 99 && sameNameAt(s, start, end, CALL_ID) ? CALL_ID : undefined;
    case 14: return first === 99 && sameNameAt(s, start, end, CONTENT_LENGTH) ? CONTENT_LENGTH : undefined;
  }
  return undefined;
}

// ---- parse state ----------------------------------------------------------------------------------------

/**
 * What one parse has found so far. parseMessage is synchronous and never re-entered, so a single instance is
 * reused instead of allocating one per message; everything the message keeps is copied out of it.
 */
class Scan {
  raw = '';
  slEnd = 0;
  headersEnd = 0;
  isRequest = false;
  method = '';
  uri = '';
  status = 0;
  reason = '';
  // Entry index of each header parsed on receipt; -1 when absent.
  iVia = -1;
  iFrom = -1;
  iTo = -1;
  iCallId = -1;
  iCSeq = -1;
  contentLength = -1;
  // Where the values of the top Via, From and To start in raw (just past the colon), for the fast paths.
  viaValue = 0;
  fromValue = 0;
  toValue = 0;
  // The CSeq value in raw, [cseqValue, cseqEnd).
  cseqValue = 0;
  cseqEnd = 0;
}
const scan = new Scan();

// ---- start line (RFC 3261 §7.1 Request-Line, §7.2 Status-Line) -------------------------------------------

function parseStatusLine(st: Scan): void {
  const raw = st.raw, slEnd = st.slEnd;
  st.isRequest = false;
  const sp1 = raw.indexOf(' ', 0);
  if (sp1 < 0 || sp1 > slEnd) fail('malformed Status-Line');
  if (!(sp1 === 7 && sameNameAt(raw, 0, 3, 'sip') && raw.startsWith('/2.0', 3))) {
    fail(`unsupported SIP version ${JSON.stringify(raw.slice(0, Math.min(sp1, 20)))}`, 505);
  }
  // Status-Code = 3DIGIT (§25.1); RFC 4475 §3.2.1 bigcode must not break the parser.
  const c0 = raw.charCodeAt(sp1 + 1), c1 = raw.charCodeAt(sp1 + 2), c2 = raw.charCodeAt(sp1 + 3);
  if (c0 < 49 || c0 > 54 || c1 < 48 || c1 > 57 || c2 < 48 || c2 > 57) fail('Status-Code must be 3 digits from 100 to 699');
  st.status = (c0 - 48) * 100 + (c1 - 48) * 10 + (c2 - 48);
  const after = sp1 + 4;
  if (after < slEnd && raw.charCodeAt(after) !== 32) fail('Status-Code must be 3 digits from 100 to 699');
  // RFC 4475 §3.1.1.13 noreason: the SP before an empty Reason-Phrase is required but tolerated if absent.
  st.reason = after < slEnd ? raw.slice(after + 1, slEnd) : '';
}

// The Request-Line nearly every request has: an upper-case method, a URI with a scheme and none of the
// characters §25.1 forbids there (nor "?", see checkRequestUri), and SIP/2.0, single SPs. It is a strict
// subset of what the general path below accepts, with the same result; anything else goes that way.
const SIMPLE_REQUEST_LINE = /([A-Z]+) ([A-Za-z][-+.0-9A-Za-z]*:[^\x00-\x20<>"?]+) SIP\/2\.0\r\n/y;

function parseRequestLine(st: Scan): void {
  st.isRequest = true;
  SIMPLE_REQUEST_LINE.lastIndex = 0;
  const m = SIMPLE_REQUEST_LINE.exec(st.raw);
  if (m !== null) {
    st.method = m[1] as string;
    st.uri = m[2] as string;
  } else parseAnyRequestLine(st);
}

function parseAnyRequestLine(st: Scan): void {
  const raw = st.raw, slEnd = st.slEnd;
  const sp1 = raw.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : raw.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || sp2 > slEnd) fail('malformed Request-Line');
  // Request-Line = Method SP Request-URI SP SIP-Version CRLF, exactly one SP each
  // (RFC 4475 §3.1.2.8 lwsstart, §3.1.2.9 trws, §3.1.2.7 lwsruri are rejected).
  const sp3 = raw.indexOf(' ', sp2 + 1);
  if (sp3 >= 0 && sp3 < slEnd) fail('Request-Line has extra whitespace');
  for (let i = 0; i < sp1; i++) if (!isTokenChar(raw.charCodeAt(i))) fail('Method is not a token');
  const uri = raw.slice(sp1 + 1, sp2);
  if (uri.length === 0) fail('empty Request-URI');
  // SIP-Version compares case-insensitively (§7.1); checked in place, it is nearly always "SIP/2.0".
  if (!(slEnd - sp2 === 8 && sameNameAt(raw, sp2 + 1, sp2 + 4, 'sip') && raw.startsWith('/2.0', sp2 + 4))) {
    const version = raw.slice(sp2 + 1, slEnd);
    if (version.length > 4 && version.slice(0, 4).toUpperCase() === 'SIP/') fail(`unsupported SIP version ${JSON.stringify(version.slice(0, 20))}`, 505);
    fail('malformed Request-Line');
  }
  checkRequestUri(uri);
  st.method = raw.slice(0, sp1);
  st.uri = uri;
}

/** Request-URI = SIP-URI / SIPS-URI / absoluteURI: a scheme, no LWS or <>" (RFC 4475 §3.1.2.6 ltgtruri). */
function checkRequestUri(uri: string): void {
  const colon = uri.indexOf(':');
  if (colon <= 0) fail('Request-URI without a scheme');
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c === 60 || c === 62 || c === 34 || c < 33) fail('invalid character in Request-URI');
  }
  // RFC 3261 §19.1.5: headers are not allowed in a SIP Request-URI (RFC 4475 §3.1.2.10 escruri).
  // The user part may contain '?' (RFC 4475 §3.1.1.2 intmeth), so only look after the '@'.
  if (uri.indexOf('?', uri.indexOf('@') + 1) >= 0) {
    const scheme = uri.slice(0, colon).toLowerCase();
    if (scheme === 'sip' || scheme === 'sips') fail('Request-URI must not contain headers');
  }
}

// ---- header lines (RFC 3261 §7.3) -------------------------------------------------------------------------

/** Content-Length value in s[start, end): 1*DIGIT (§20.14); negative or non-numeric is fatal (RFC 4475 §3.1.2.3 ncl). */
function contentLengthAt(s: string, start: number, end: number): number {
  while (start < end && isLws(s.charCodeAt(start))) start++;
  while (end > start && isLws(s.charCodeAt(end - 1))) end--;
  if (end === start || end - start > 9) fail(`invalid Content-Length ${JSON.stringify(s.slice(start, Math.min(end, start + 20)))}`);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) fail(`invalid Content-Length ${JSON.stringify(s.slice(start, Math.min(end, start + 20)))}`);
    n = n * 10 + (c - 48);
  }
  return n;
}

function isLws(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/**
 * Splits the header block into entries (folded lines joined, §7.3.1), recording each entry's raw position and,
 * for the headers parsed on receipt, its key. Checks the rules that make a message unusable: every line has a
 * colon, From/To/Call-ID/CSeq appear once, Content-Length values agree (RFC 4475 §3.1.2.11 mcl01).
 */
function scanHeaders(st: Scan, keys: Array<string | undefined>, pos: number[]): void {
  const raw = st.raw, headersEnd = st.headersEnd;
  let p = st.slEnd + 2;
  while (p < headersEnd) {
    let eol = crlfFrom(raw, p);
    // Folded continuation lines start with SP or HTAB (RFC 3261 §7.3.1).
    let c = raw.charCodeAt(eol + 2);
    while ((c === 32 || c === 9) && eol + 2 < headersEnd) {
      eol = crlfFrom(raw, eol + 2);
      c = raw.charCodeAt(eol + 2);
    }
    const colon = raw.indexOf(':', p);
    if (colon < 0 || colon > eol) fail(`header line without a colon: ${JSON.stringify(raw.slice(p, Math.min(eol, p + 30)))}`);
    let ne = colon;
    while (ne > p && (raw.charCodeAt(ne - 1) === 32 || raw.charCodeAt(ne - 1) === 9)) ne--;
    if (ne === p) fail('empty header name');
    const key = receiptKey(raw, p, ne);
    const idx = keys.length;
    keys.push(key);
    pos.push(p * PACK + eol);
    if (key !== undefined) noteKeyHeader(st, key, idx, colon + 1, eol);
    p = eol + 2;
  }
}

/**
 * Index of the first CRLF at or after `from`, or -1; same as indexOf('\r\n', from), but a one-character
 * indexOf is V8's fast path (a lone LF inside a line is content, so it is skipped).
 */
function crlfFrom(raw: string, from: number): number {
  let lf = raw.indexOf('\n', from + 1);
  while (lf >= 0 && raw.charCodeAt(lf - 1) !== 13) lf = raw.indexOf('\n', lf + 1);
  return lf < 0 ? -1 : lf - 1;
}

function noteKeyHeader(st: Scan, key: string, idx: number, valueStart: number, valueEnd: number): void {
  switch (key) {
    case VIA: if (st.iVia < 0) { st.iVia = idx; st.viaValue = valueStart; } break;
    case FROM: if (st.iFrom >= 0) fail('more than one From header'); st.iFrom = idx; st.fromValue = valueStart; break;
    case TO: if (st.iTo >= 0) fail('more than one To header'); st.iTo = idx; st.toValue = valueStart; break;
    case CALL_ID: if (st.iCallId >= 0) fail('more than one Call-ID header'); st.iCallId = idx; break;
    case CSEQ:
      if (st.iCSeq >= 0) fail('more than one CSeq header');
      st.iCSeq = idx;
      st.cseqValue = valueStart;
      st.cseqEnd = valueEnd;
      break;
    case CONTENT_LENGTH: {
      const v = contentLengthAt(st.raw, valueStart, valueEnd);
      if (st.contentLength >= 0 && v !== st.contentLength) fail('conflicting Content-Length headers');
      st.contentLength = v;
      break;
    }
  }
}

/** Trimmed value of header entry i (folding still in it). */
function headerValue(raw: string, pos: number[], i: number): string {
  const q = pos[i] as number;
  const s = Math.floor(q / PACK);
  return trimLws(raw, raw.indexOf(':', s) + 1, q - s * PACK);
}

// ---- key fields ------------------------------------------------------------------------------------------

/**
 * Parses Call-ID, CSeq, the top Via, From and To into the message's caches, so that a malformed one is a parse
 * error now (→ 400, RFC 3261 §8.2) and not a surprise in the transaction or dialog layer.
 */
function parseKeyFields(st: Scan, msg: SipMessageBase, pos: number[]): void {
  const raw = st.raw;
  const callId = unfold(headerValue(raw, pos, st.iCallId));
  if (callId.length === 0) fail('empty Call-ID');
  msg.cCallId = callId;
  const cseq = parseSimpleCSeq(raw, st.cseqValue, st.cseqEnd, st.isRequest ? st.method : undefined) ?? parseCSeq(headerValue(raw, pos, st.iCSeq));
  // RFC 3261 §8.1.1.5: the CSeq method MUST match the request method (RFC 4475 §3.2.2 mismatch01/02).
  if (st.isRequest && cseq.method !== st.method) fail(`CSeq method ${cseq.method} does not match request method ${st.method}`);
  msg.cCSeq = cseq;
  const simpleVia = parseSimpleViaLine(raw, st.viaValue);
  msg.cTopVia = simpleVia ?? parseTopVia(headerValue(raw, pos, st.iVia));
  msg.cTopViaIsLine = simpleVia !== undefined;
  msg.cFrom = parseSimpleNameAddrLine(raw, st.fromValue) ?? parseNameAddr(headerValue(raw, pos, st.iFrom), 'From');
  msg.cTo = parseSimpleNameAddrLine(raw, st.toValue) ?? parseNameAddr(headerValue(raw, pos, st.iTo), 'To');
}

/** The first via-parm of the first Via line, by the general parser; it must be SIP/2.0 (§8.2.2). */
function parseTopVia(value: string): Via {
  const top = parseViaParm(value.indexOf(',') < 0 ? value : (splitList(unfold(value))[0] as string));
  if (top.protocol !== 'SIP/2.0') fail(`unsupported SIP version in Via ${top.protocol}`, 505);
  return top;
}

// ---- entry point ----------------------------------------------------------------------------------------

function reset(st: Scan): void {
  st.method = '';
  st.uri = '';
  st.status = 0;
  st.reason = '';
  st.iVia = st.iFrom = st.iTo = st.iCallId = st.iCSeq = st.contentLength = -1;
}

/**
 * Parses one SIP message. A Buffer is the normal input (a datagram, or one message cut out by StreamFramer);
 * a string is treated as UTF-8 text. Without Content-Length the body is the rest of the input (RFC 3261 §18.3
 * allows this for datagrams; StreamFramer refuses such messages on streams). Octets beyond Content-Length are
 * discarded (§18.3, RFC 4475 §3.1.1.8 dblreq). Throws SipParseError with a reason on malformed input.
 */
export function parseMessage(input: Buffer | string): SipRequest | SipResponse {
  const st = scan;
  reset(st);
  let raw: string;
  let bodyStartIdx: number; // in raw for string input, in the Buffer otherwise
  let available: number; // bytes (or chars for string input) after the empty line
  const isString = typeof input === 'string';
  if (isString) {
    raw = input;
    const he = raw.indexOf('\r\n\r\n');
    if (he < 0) fail('no empty line after the headers (RFC 3261 §7)');
    st.headersEnd = he + 2;
    bodyStartIdx = he + 4;
    available = raw.length - bodyStartIdx;
  } else {
    const he = input.indexOf(CRLFCRLF);
    if (he < 0) fail('no empty line after the headers (RFC 3261 §7)');
    // Only the header block is decoded here; the body is decoded (as UTF-8) when it is read.
    raw = input.toString('utf8', 0, he + 2);
    st.headersEnd = raw.length;
    bodyStartIdx = he + 4;
    available = input.length - bodyStartIdx;
  }

  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  let start = 0;
  while (raw.charCodeAt(start) === 13 && raw.charCodeAt(start + 1) === 10) start += 2;
  if (start > 0) {
    if (start >= st.headersEnd) fail('empty message');
    // Re-base so that offsets in the message are relative to the start line.
    raw = raw.slice(start);
    st.headersEnd -= start;
    if (isString) bodyStartIdx -= start;
  }
  st.raw = raw;
  st.slEnd = raw.indexOf('\r\n');
  if (st.slEnd <= 0) fail('empty start line');
  if (raw.startsWith('SIP/', 0)) parseStatusLine(st);
  else parseRequestLine(st);

  const keys: Array<string | undefined> = [];
  const pos: number[] = [];
  scanHeaders(st, keys, pos);

  // Mandatory headers (RFC 3261 §8.1.1; Max-Forwards is tolerated when absent for RFC 2543 peers,
  // RFC 4475 §3.4.1 inv2543).
  if (st.iCallId < 0) fail('missing Call-ID header');
  if (st.iCSeq < 0) fail('missing CSeq header');
  if (st.iFrom < 0) fail('missing From header');
  if (st.iTo < 0) fail('missing To header');
  if (st.iVia < 0) fail('missing Via header');

  // Body (RFC 3261 §18.3): Content-Length octets after the empty line, or the rest of a datagram. For string
  // input, Content-Length counts the bytes of its UTF-8 form (§20.14), which message.ts cuts when the body is read.
  const cl = st.contentLength;
  let bodyLength = cl;
  if (cl > available) {
    // A character is at least one byte, so only cl > characters needs the byte count to know that it fits.
    const received = isString ? Buffer.byteLength(raw.slice(bodyStartIdx), 'utf8') : available;
    if (cl > received) fail(`Content-Length ${cl} exceeds the ${received} bytes received`);
  } else if (cl < 0) {
    bodyLength = isString && available > 0 ? Buffer.byteLength(raw.slice(bodyStartIdx), 'utf8') : available;
  }
  const bodySrc = bodyLength === 0 ? null : isString ? raw : input; // raw: bodyStartIdx was re-based to it
  const bodyStart = bodyStartIdx;

  const msg = st.isRequest
    ? new SipRequest(st.method, st.uri, raw, st.slEnd, keys, pos, bodySrc, bodyStart, bodyLength)
    : new SipResponse(st.status, st.reason, raw, st.slEnd, keys, pos, bodySrc, bodyStart, bodyLength);
  parseKeyFields(st, msg, pos);
  st.raw = ''; // do not keep the last message's text alive
  return msg;
}
