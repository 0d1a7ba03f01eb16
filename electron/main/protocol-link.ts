// Strict parser for the links Parley is asked to open: `sip:` and `sips:` URIs (RFC 3261 §19.1) and `im:`
// URIs (RFC 3860 §3). A link can come from any web page or document, so anything unusual is refused
// rather than guessed at: the only thing taken from it is an address `user@host` to open a chat with.
//
// Accepted: `sip:alice@alpha.test`, `sips:alice@alpha.test:5061;transport=tls?subject=hi`,
// `im:alice@alpha.test`, with percent-escapes in the user part (`sip:j%20doe@…` is refused: no spaces).
// URI parameters (§19.1.1 `;uri-parameters`) and headers (`?headers`) are dropped; so is the port.
// Refused: no user or no host, a password in the userinfo (§19.1.1 says it SHOULD NOT be used), `;` `?` `/`
// in the user part (telephone-subscriber forms have no place in IM), `sip://` (not a SIP URI), control
// characters or whitespace anywhere (raw or escaped), bad escapes, and links over MAX_LINK_LENGTH.
import { isIPv6 } from 'node:net';

export const MAX_LINK_LENGTH = 1024;
export const MAX_USER_LENGTH = 256;

export type LinkScheme = 'sip' | 'sips' | 'im';

export interface ProtocolLink {
  readonly scheme: LinkScheme;
  /** Percent-decoded user part. */
  readonly user: string;
  /** Lower-case host name, IPv4 address or bracketed IPv6 reference. */
  readonly host: string;
  /** `user@host`: what the chat is opened with. */
  readonly address: string;
}

export type ProtocolLinkProblem =
  | 'too-long'
  | 'control-character'
  | 'unknown-scheme'
  | 'not-a-uri'
  | 'no-user'
  | 'password'
  | 'bad-user'
  | 'bad-escape'
  | 'bad-host';

export class ProtocolLinkError extends Error {
  override readonly name = 'ProtocolLinkError';
  constructor(readonly problem: ProtocolLinkProblem, message: string) {
    super(message);
  }
}

const SCHEME = /^(sips?|im):/i;
// C0 controls, space, DEL, C1 controls, and Unicode line/paragraph separators.
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/;
// RFC 3261 §25.1 user = 1*( unreserved / escaped / user-unreserved ), minus ";", "?" and "/" (see above).
const USER_CHARS = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,]|%[0-9A-Fa-f]{2})+$/;
// §25.1 hostname: labels of alphanumerics and '-', the top label starting with a letter.
const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?\.?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseProtocolLink(raw: string): ProtocolLink {
  if (raw.length > MAX_LINK_LENGTH) throw new ProtocolLinkError('too-long', `link is longer than ${MAX_LINK_LENGTH} characters`);
  if (CONTROL_OR_SPACE.test(raw)) throw new ProtocolLinkError('control-character', 'link contains whitespace or control characters');
  const scheme = SCHEME.exec(raw);
  if (!scheme) throw new ProtocolLinkError('unknown-scheme', 'only sip:, sips: and im: links are opened');
  const rest = raw.slice(scheme[0].length);
  if (rest.startsWith('/')) throw new ProtocolLinkError('not-a-uri', `${scheme[1]}: URIs have no "//" part`);

  const at = rest.indexOf('@');
  if (at <= 0) throw new ProtocolLinkError('no-user', 'link has no user@host address');
  const userinfo = rest.slice(0, at);
  if (userinfo.includes(':')) throw new ProtocolLinkError('password', 'links with a password are not opened');
  if (!USER_CHARS.test(userinfo)) throw new ProtocolLinkError('bad-user', 'user part has characters a SIP user part cannot have');
  let user: string;
  try {
    user = decodeURIComponent(userinfo);
  } catch {
    throw new ProtocolLinkError('bad-escape', 'user part has an invalid percent-escape');
  }
  if (CONTROL_OR_SPACE.test(user) || user.includes('@')) throw new ProtocolLinkError('bad-user', 'decoded user part contains whitespace, control characters or "@"');
  if (user.length > MAX_USER_LENGTH) throw new ProtocolLinkError('too-long', 'user part is too long');

  // hostport ends where uri-parameters (';') or headers ('?') begin (§19.1.1); both are dropped.
  const hostport = rest.slice(at + 1).split(/[;?]/, 1)[0]!;
  const host = parseHost(hostport);
  const lowerScheme = scheme[1]!.toLowerCase() as LinkScheme;
  return { scheme: lowerScheme, user, host, address: `${user}@${host}` };
}

function parseHost(hostport: string): string {
  let host: string;
  let port: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw new ProtocolLinkError('bad-host', 'unterminated IPv6 reference');
    host = hostport.slice(0, close + 1);
    const after = hostport.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new ProtocolLinkError('bad-host', 'junk after IPv6 reference');
    port = after === '' ? undefined : after.slice(1);
    if (!isIPv6(host.slice(1, -1))) throw new ProtocolLinkError('bad-host', 'invalid IPv6 address');
    host = host.toLowerCase();
  } else {
    const colon = hostport.indexOf(':');
    host = (colon < 0 ? hostport : hostport.slice(0, colon)).toLowerCase();
    port = colon < 0 ? undefined : hostport.slice(colon + 1);
    const v4 = IPV4.exec(host);
    if (v4) {
      if (v4.slice(1).some((octet) => Number(octet) > 255)) throw new ProtocolLinkError('bad-host', 'invalid IPv4 address');
    } else if (host.length === 0 || host.length > 253 || !HOSTNAME.test(host)) {
      throw new ProtocolLinkError('bad-host', 'invalid host name');
    }
    if (host.endsWith('.')) host = host.slice(0, -1);
  }
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) > 65535)) throw new ProtocolLinkError('bad-host', 'invalid port');
  return host;
}

export function tryParseProtocolLink(raw: string): ProtocolLink | undefined {
  try {
    return parseProtocolLink(raw);
  } catch (error) {
    if (error instanceof ProtocolLinkError) return undefined;
    throw error;
  }
}

/**
 * The link a (second) instance was started with: on Windows and Linux the OS passes it as an argument,
 * with Chromium switches possibly added around it. The first argument that parses wins.
 */
export function linkFromArgv(argv: readonly string[]): ProtocolLink | undefined {
  for (const arg of argv) {
    if (arg.startsWith('-') || !SCHEME.test(arg)) continue;
    const link = tryParseProtocolLink(arg);
    if (link) return link;
  }
  return undefined;
}

export const LINK_SCHEMES: readonly LinkScheme[] = ['sip', 'sips', 'im'];

/**
 * Whether to register Parley as the OS handler for a scheme: yes if nobody handles it or it is already
 * us; never take `sip:` away from a softphone the user chose (`currentHandler` is
 * app.getApplicationNameForProtocol's answer, '' when none).
 */
export function shouldClaimScheme(currentHandler: string, ourName: string): boolean {
  const name = currentHandler.trim().toLowerCase();
  return name === '' || name.includes(ourName.toLowerCase());
}
