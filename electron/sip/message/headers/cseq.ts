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
