// CSeq (RFC 3261 §20.16, §8.1.1.5): 1*DIGIT LWS Method; the number must fit in 32 bits (RFC 4475 §3.1.2.4).
import { SipParseError } from '../errors';
import { isTokenChar, isWsp, unfold } from './params';

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

export function parseCSeq(input: string): CSeq {
  const s = unfold(input);
  let pos = 0;
  const n = s.length;
  while (pos < n && isWsp(s.charCodeAt(pos))) pos++;
  const ds = pos;
  let seq = 0;
  while (pos < n) {
    const c = s.charCodeAt(pos);
    if (c < 48 || c > 57) break;
    seq = seq * 10 + (c - 48);
    pos++;
  }
  if (pos === ds) throw new SipParseError('CSeq: missing sequence number');
  if (pos - ds > 10 && s.slice(ds, pos).replace(/^0+/, '').length > 10) throw new SipParseError('CSeq: sequence number out of range');
  if (seq > 0xffffffff) throw new SipParseError('CSeq: sequence number out of range');
  const ws = pos;
  while (pos < n && isWsp(s.charCodeAt(pos))) pos++;
  if (pos === ws) throw new SipParseError('CSeq: missing method');
  const ms = pos;
  while (pos < n && isTokenChar(s.charCodeAt(pos))) pos++;
  if (pos === ms) throw new SipParseError('CSeq: missing method');
  const method = s.slice(ms, pos);
  while (pos < n && isWsp(s.charCodeAt(pos))) pos++;
  if (pos !== n) throw new SipParseError('CSeq: unexpected text after method');
  return { seq, method };
}

/**
 * Receive fast path: the CSeq value in s[start, end) in its plain shape, `1*DIGIT SP Method` with optional WSP
 * around, parsed in place; undefined for anything else (then parseCSeq decides, with its error). When the
 * method equals `method` (the request's, §8.1.1.5), that string is reused instead of slicing a new one.
 */
export function parseSimpleCSeq(s: string, start: number, end: number, method: string | undefined): CSeq | undefined {
  let pos = start;
  while (pos < end && isWsp(s.charCodeAt(pos))) pos++;
  while (end > pos && isWsp(s.charCodeAt(end - 1))) end--;
  const ds = pos;
  let seq = 0;
  for (let c = s.charCodeAt(pos); c >= 48 && c <= 57 && pos - ds < 10; c = s.charCodeAt(++pos)) seq = seq * 10 + (c - 48);
  if (pos === ds || seq > 0xffffffff || s.charCodeAt(pos) !== 32) return undefined;
  pos++;
  if (method !== undefined && end - pos === method.length && s.startsWith(method, pos)) return { seq, method };
  if (pos === end) return undefined;
  for (let i = pos; i < end; i++) if (!isTokenChar(s.charCodeAt(i))) return undefined;
  return { seq, method: s.slice(pos, end) };
}
