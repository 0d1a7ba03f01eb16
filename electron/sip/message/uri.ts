// SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966) and URI comparison (RFC 3261 §19.1.4).
import { SipParseError } from './errors';

export type UriScheme = 'sip' | 'sips' | 'tel';

export class SipUri {
  scheme: UriScheme;
  /** User part as written (escapes kept; compare with uriEquals). For tel URIs: the telephone-subscriber number. */
  user?: string;
  password?: string;
  /** Host as written (compare case-insensitively, §19.1.4). IPv6 references keep their brackets. '' for tel. */
  host: string;
  port?: number;
  /** uri-parameters, names lower-cased; null for a parameter without a value (e.g. `;lr`). */
  params: Map<string, string | null>;
  /** URI headers (`?name=value&...`), names as written, values still escaped. */
  headers: Map<string, string>;

  constructor(scheme: UriScheme, host: string) {
    this.scheme = scheme;
    this.host = host;
    this.params = new Map();
    this.headers = new Map();
  }

  toString(): string {
    let s = `${this.scheme}:`;
    if (this.user !== undefined) {
      s += this.user;
      if (this.password !== undefined) s += `:${this.password}`;
      if (this.scheme !== 'tel') s += '@';
    }
    s += this.host;
    if (this.port !== undefined) s += `:${this.port}`;
    for (const [k, v] of this.params) s += v === null ? `;${k}` : `;${k}=${v}`;
    let first = true;
    for (const [k, v] of this.headers) {
      s += `${first ? '?' : '&'}${k}=${v}`;
      first = false;
    }
    return s;
  }
}

function parseUriParams(text: string, into: Map<string, string | null>, what: string): void {
  if (text.length === 0) return;
  for (const part of text.split(';')) {
    // RFC 3261 §19.1.1: uri-parameter = transport-param / ... / other-param; an empty one is not allowed.
    if (part.length === 0) throw new SipParseError(`empty parameter in ${what}`);
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    if (name.length === 0) throw new SipParseError(`empty parameter name in ${what}`);
    into.set(name, eq < 0 ? null : part.slice(eq + 1));
  }
}

function checkNoWhitespace(text: string, what: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // RFC 4475 §3.1.2.7 (lwsruri): LWS inside a URI is illegal; controls likewise (§25.1 has no rule allowing them).
    if (c <= 32 || c === 127 || c === 60 || c === 62 || c === 34) {
      throw new SipParseError(`invalid character ${JSON.stringify(text[i])} in ${what}`);
    }
  }
}

/**
 * Parses a SIP/SIPS URI (RFC 3261 §19.1.1) or a tel URI (RFC 3966). Other schemes throw a SipParseError
 * with status 416 (RFC 3261 §8.2.2.1: Unsupported URI Scheme).
 */
export function parseUri(text: string): SipUri {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new SipParseError(`URI without a scheme: ${JSON.stringify(text.slice(0, 40))}`);
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel') {
    throw new SipParseError(`unsupported URI scheme ${JSON.stringify(scheme.slice(0, 20))}`, 416);
  }
  checkNoWhitespace(text, 'URI');
  const rest = text.slice(colon + 1);
  if (scheme === 'tel') {
    // RFC 3966 §3: telephone-subscriber *( ";" par ); the number goes in `user`.
    const semi = rest.indexOf(';');
    const uri = new SipUri('tel', '');
    uri.user = semi < 0 ? rest : rest.slice(0, semi);
    if (uri.user.length === 0) throw new SipParseError('tel URI without a number');
    if (semi >= 0) parseUriParams(rest.slice(semi + 1), uri.params, 'tel URI');
    return uri;
  }
  // userinfo ends at the '@' (RFC 3261 §19.1.1); the user part may itself contain ';', '?' and '/'
  // (RFC 4475 §3.1.1.2 intmeth, §3.1.1.9 semiuri), so search for '@' before splitting off params/headers.
  const at = rest.indexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  let hostStart = 0;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const pc = userinfo.indexOf(':');
    user = pc < 0 ? userinfo : userinfo.slice(0, pc);
    if (pc >= 0) password = userinfo.slice(pc + 1);
    hostStart = at + 1;
  }
  let q = rest.indexOf('?', hostStart);
  if (q < 0) q = rest.length;
  let semi = rest.indexOf(';', hostStart);
  if (semi < 0 || semi > q) semi = q;
  const hostport = rest.slice(hostStart, semi);
  let host: string;
  let portText: string | undefined;
  if (hostport.charCodeAt(0) === 91 /* [ */) {
    const close = hostport.indexOf(']');
    if (close < 0) throw new SipParseError('unterminated IPv6 reference in URI');
    host = hostport.slice(0, close + 1);
    if (close + 1 < hostport.length) {
      if (hostport.charCodeAt(close + 1) !== 58) throw new SipParseError('garbage after IPv6 reference in URI');
      portText = hostport.slice(close + 2);
    }
  } else {
    const pc = hostport.indexOf(':');
    host = pc < 0 ? hostport : hostport.slice(0, pc);
    if (pc >= 0) portText = hostport.slice(pc + 1);
  }
  if (host.length === 0) throw new SipParseError('URI without a host');
  const uri = new SipUri(scheme, host);
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (portText !== undefined) {
    // port = 1*DIGIT (§25.1); keep it within 16 bits.
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) throw new SipParseError(`invalid port ${JSON.stringify(portText)} in URI`);
    uri.port = Number(portText);
  }
  if (semi < q) parseUriParams(rest.slice(semi + 1, q), uri.params, 'URI');
  if (q < rest.length) {
    for (const part of rest.slice(q + 1).split('&')) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new SipParseError('malformed URI header');
      uri.headers.set(part.slice(0, eq), part.slice(eq + 1));
    }
  }
  return uri;
}

/** Resolves %HH escapes for comparison (RFC 3261 §19.1.4: escaped and unescaped forms are equivalent). */
function unescape(s: string): string {
  if (s.indexOf('%') < 0) return s;
  return s.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function eqCi(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === b) return true;
  if (a == null || b == null) return false;
  return unescape(a).toLowerCase() === unescape(b).toLowerCase();
}

/** Parameters that, if present in either URI, must be present in both and match (RFC 3261 §19.1.4). */
const MUST_MATCH = ['user', 'ttl', 'method', 'maddr', 'transport'];

/**
 * URI equivalence per RFC 3261 §19.1.4: userinfo case-sensitive (after unescaping), scheme/host/parameters
 * case-insensitive, an absent port is not the default port, the listed parameters must match when present in
 * either, other parameters only when present in both, and URI headers must all match.
 */
export function uriEquals(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (a.scheme === 'tel') {
    // RFC 3966 §4: compare the number without visual separators, and parameters case-insensitively.
    const strip = (s: string | undefined) => (s ?? '').replace(/[-.()]/g, '').toLowerCase();
    if (strip(a.user) !== strip(b.user) || a.params.size !== b.params.size) return false;
    for (const [k, v] of a.params) if (!b.params.has(k) || !eqCi(v, b.params.get(k))) return false;
    return true;
  }
  if ((a.user === undefined) !== (b.user === undefined)) return false;
  if (a.user !== undefined && unescape(a.user) !== unescape(b.user ?? '')) return false;
  if ((a.password === undefined) !== (b.password === undefined)) return false;
  if (a.password !== undefined && unescape(a.password) !== unescape(b.password ?? '')) return false;
  if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  if (a.port !== b.port) return false;
  for (const k of MUST_MATCH) {
    if (a.params.has(k) !== b.params.has(k)) return false;
    if (a.params.has(k) && !eqCi(a.params.get(k), b.params.get(k))) return false;
  }
  for (const [k, v] of a.params) {
    if (b.params.has(k) && !eqCi(v, b.params.get(k))) return false;
  }
  if (a.headers.size !== b.headers.size) return false;
  const bh = new Map<string, string>();
  for (const [k, v] of b.headers) bh.set(k.toLowerCase(), v);
  for (const [k, v] of a.headers) {
    const other = bh.get(k.toLowerCase());
    if (other === undefined || unescape(other) !== unescape(v)) return false;
  }
  return true;
}
