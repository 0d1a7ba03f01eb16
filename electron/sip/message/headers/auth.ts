// Authentication header values: WWW-Authenticate, Proxy-Authenticate, Authorization, Proxy-Authorization,
// Authentication-Info (RFC 3261 §25.1 challenge/credentials, RFC 7616 for Digest, [MS-SIP] NTLM/Kerberos).
import { SipParseError } from '../errors';
import { isTokenChar, isWsp, skipQuoted, unfold, unquote } from './params';

export interface AuthValue {
  /** Scheme as written (Digest, NTLM, Kerberos...); compare case-insensitively. */
  readonly scheme: string;
  /** auth-params, names lower-cased, quoted values unquoted. */
  readonly params: Map<string, string>;
}

function parseParamList(s: string, pos: number, params: Map<string, string>): void {
  const n = s.length;
  for (;;) {
    while (pos < n && (isWsp(s.charCodeAt(pos)) || s.charCodeAt(pos) === 44)) pos++;
    if (pos >= n) return;
    const ns = pos;
    while (pos < n && isTokenChar(s.charCodeAt(pos))) pos++;
    if (pos === ns) throw new SipParseError(`auth header: unexpected "${s[pos]}"`);
    const name = s.slice(ns, pos).toLowerCase();
    while (pos < n && isWsp(s.charCodeAt(pos))) pos++;
    if (s.charCodeAt(pos) !== 61) throw new SipParseError(`auth header: parameter ${name} without "="`);
    pos++;
    while (pos < n && isWsp(s.charCodeAt(pos))) pos++;
    let value: string;
    if (s.charCodeAt(pos) === 34) {
      const end = skipQuoted(s, pos, 'auth header');
      value = unquote(s.slice(pos, end));
      pos = end;
    } else {
      const vs = pos;
      while (pos < n && s.charCodeAt(pos) !== 44 && !isWsp(s.charCodeAt(pos))) pos++;
      value = s.slice(vs, pos);
    }
    params.set(name, value);
  }
}

/** Parses a challenge or credentials value: `Digest realm="x", nonce="y", qop="auth"`. */
export function parseAuthHeader(input: string): AuthValue {
  const s = unfold(input).trim();
  let pos = 0;
  while (pos < s.length && isTokenChar(s.charCodeAt(pos))) pos++;
  if (pos === 0) throw new SipParseError('auth header: missing scheme');
  const params = new Map<string, string>();
  parseParamList(s, pos, params);
  return { scheme: s.slice(0, pos), params };
}

/** Authentication-Info has no scheme, only auth-params (RFC 3261 §20.6). */
export function parseAuthParams(input: string): Map<string, string> {
  const params = new Map<string, string>();
  parseParamList(unfold(input).trim(), 0, params);
  return params;
}
