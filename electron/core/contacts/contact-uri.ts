// Contact addresses, normalised once so that one person is one row, one subscription and one conversation:
//   `Bob@Beta.TEST`, `sip:Bob@beta.test;transport=tls`, `<sips:Bob@beta.test>` → `sip:Bob@beta.test`.
// - scheme `sip:` (a `sips:` contact is the same address of record; TLS is our transport choice anyway),
// - domain lower-cased (RFC 3261 §19.1.4: host comparison is case-insensitive),
// - user part kept as written (RFC 3261 §19.1.4: userinfo comparison is case-sensitive),
// - URI parameters and headers dropped (an address of record has none: RFC 3261 §10.3 and §19.1.1),
// - no password (RFC 3261 §19.1.1 "SHOULD NOT"; it would end up in the database and on the wire) and no
//   port (an address of record names a user and a domain; the port is found through DNS, RFC 3263).
// The chat service should use the same function for conversation ids (shared/model/chat.ts).
import { parseUri } from '../../sip/message/uri';
import { ContactError } from './contact-errors';

/** RFC 1035 §2.3.1 host names (letters, digits, hyphens, dots), an IPv4 address, or an IPv6 reference. */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])$/;
const USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
const MAX_ADDRESS = 454;

interface AddressParts {
  readonly user: string;
  readonly host: string;
  readonly port?: number;
  readonly password?: string;
}

function parts(input: string): AddressParts {
  let text = input.trim();
  // `<sip:bob@beta.test>` as copied from a header or another client.
  if (text.startsWith('<') && text.endsWith('>')) text = text.slice(1, -1).trim();
  // `im:` and `pres:` (RFC 3860, RFC 3859) name the same address of record; no scheme at all means sip.
  // Anything else before a colon is the user part of `user:password@host`, not a scheme: prefix it too.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'im' || scheme === 'pres') text = `sip:${text.slice(scheme.length + 1)}`;
  else if (scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel') text = `sip:${text}`;
  let uri;
  try {
    uri = parseUri(text);
  } catch (error) {
    throw new ContactError('invalid-address', `"${shorten(input)}" is not a SIP address of the form user@domain (${error instanceof Error ? error.message : String(error)})`);
  }
  if (uri.scheme === 'tel') throw new ContactError('invalid-address', `"${shorten(input)}" is a telephone number; contacts are SIP addresses (user@domain)`);
  if (uri.user === undefined || uri.user.length === 0) throw new ContactError('invalid-address', `"${shorten(input)}" has no user part; a contact is user@domain`);
  // RFC 3261 §25.1: user = 1*( unreserved / escaped / user-unreserved ).
  if (!USER.test(uri.user)) throw new ContactError('invalid-address', `"${shorten(input)}": "${shorten(uri.user)}" is not a valid user part`);
  const host = uri.host.toLowerCase();
  if (!HOST.test(host)) throw new ContactError('invalid-address', `"${shorten(input)}": "${shorten(uri.host)}" is not a valid domain`);
  return { user: uri.user, host: host.endsWith('.') ? host.slice(0, -1) : host, ...(uri.port !== undefined ? { port: uri.port } : {}), ...(uri.password !== undefined ? { password: uri.password } : {}) };
}

function shorten(text: string): string {
  return text.length > 64 ? `${text.slice(0, 61)}…` : text;
}

/** The normal form of a contact address, or a ContactError('invalid-address') that says what is wrong. */
export function normalizeContactUri(input: string): string {
  if (typeof input !== 'string' || input.trim().length === 0) throw new ContactError('invalid-address', 'the address is empty');
  if (input.length > MAX_ADDRESS) throw new ContactError('invalid-address', `the address is longer than ${MAX_ADDRESS} characters`);
  const p = parts(input);
  if (p.password !== undefined) throw new ContactError('invalid-address', 'a contact address must not contain a password');
  if (p.port !== undefined) throw new ContactError('invalid-address', `"${shorten(input)}" contains a port; a contact is just user@domain`);
  return `sip:${p.user}@${p.host}`;
}

/**
 * The address-of-record key of a URI that arrived from the network (From of a MESSAGE, a NOTIFY's
 * resource): like normalizeContactUri but a port or password is ignored rather than refused, because
 * the question is "who is this", not "may the user save this". Undefined when it names no user@domain.
 */
export function addressOfRecord(input: string): { uri: string; domain: string } | undefined {
  if (typeof input !== 'string' || input.length === 0 || input.length > 2048) return undefined;
  try {
    const p = parts(input);
    return { uri: `sip:${p.user}@${p.host}`, domain: p.host };
  } catch {
    return undefined;
  }
}

/** A domain as the user types it for the block list: `Beta.Test`, `@beta.test`, `sip:beta.test` → `beta.test`. */
export function normalizeDomain(input: string): string {
  const text = input.trim().replace(/^sips?:/i, '').replace(/^@/, '').toLowerCase().replace(/\.$/, '');
  if (text.length === 0 || text.length > 253 || !HOST.test(text)) throw new ContactError('invalid-address', `"${shorten(input)}" is not a domain name`);
  return text;
}

/** The domain and its parent domains, most specific first: a.b.test → a.b.test, b.test, test. */
export function domainAndParents(domain: string): string[] {
  if (domain.startsWith('[') || /^[0-9.]+$/.test(domain)) return [domain];
  const labels = domain.split('.');
  return labels.map((_l, i) => labels.slice(i).join('.'));
}
