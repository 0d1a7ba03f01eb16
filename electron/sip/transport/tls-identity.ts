// Server identity for SIP over TLS (RFC 5922 §7), deliberately not Node's HTTPS rules (RFC 2818/6125):
// SIP accepts SAN URI `sip:<domain>`, accepts no wildcards, and compares against the SIP domain rather than
// the host that was connected to.

/** The identities a certificate offers, as RFC 5922 §7.1 extracts them. */
export interface CertificateIdentities {
  /** subjectAltName dNSName entries, as written in the certificate. */
  readonly dnsNames: readonly string[];
  /** subjectAltName URI entries, as written in the certificate. */
  readonly uris: readonly string[];
  /** Subject Common Name, if any. */
  readonly commonName?: string;
}

export interface IdentityCheckResult {
  readonly ok: boolean;
  /** Which identity matched (for the diagnostics UI), or why none did. */
  readonly detail: string;
  /** What the certificate is for, in the order RFC 5922 §7.1 consults them; used in "certificate is for X". */
  readonly presented: readonly string[];
}

/**
 * Splits Node's `subjectaltname` string ("DNS:a.test, URI:sip:a.test"). Since Node 17 a value that
 * contains a comma or a quote is written as a JSON string ("DNS:\"a,b\""), so a plain split would be wrong.
 */
export function parseSubjectAltName(text: string | undefined): { dnsNames: string[]; uris: string[] } {
  const dnsNames: string[] = [];
  const uris: string[] = [];
  if (!text) return { dnsNames, uris };
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === ',') i++;
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const kind = text.slice(i, colon);
    let value: string;
    let next: number;
    if (text[colon + 1] === '"') {
      // JSON-quoted value: find the closing quote, skipping escaped characters.
      let j = colon + 2;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      try {
        value = JSON.parse(text.slice(colon + 1, j + 1)) as string;
      } catch {
        value = text.slice(colon + 2, j);
      }
      next = j + 1;
    } else {
      const comma = text.indexOf(', ', colon + 1);
      next = comma < 0 ? text.length : comma;
      value = text.slice(colon + 1, next);
    }
    if (kind === 'DNS') dnsNames.push(value);
    else if (kind === 'URI') uris.push(value);
    i = next;
  }
  return { dnsNames, uris };
}

/** Lower-cases and drops one trailing root dot, so `Alpha.Test.` equals `alpha.test` (DNS names are case-insensitive). */
function normalizeHost(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * The host part of a SAN URI if it is a bare SIP domain URI. RFC 5922 §7.1: a URI SAN is used only when its scheme
 * is `sip` (or `sips`) and it has no user part; its host is the identity. Other URIs are ignored.
 */
function sipUriDomain(uri: string): string | undefined {
  const m = /^sips?:([^;?]+)/i.exec(uri.trim());
  if (!m || !m[1]) return undefined;
  const hostPort = m[1];
  if (hostPort.includes('@')) return undefined; // a user's AOR is not a domain identity (RFC 5922 §7.1)
  const host = hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : hostPort.split(':')[0] ?? '';
  return normalizeHost(host);
}

/**
 * RFC 5922 §7.1–7.3: does the certificate identify `expected`?
 * - SAN URI `sip:<domain>` and SAN dNSName are compared exactly, case-insensitively (§7.2: no wildcard matching;
 *   a `*.example.com` entry never matches).
 * - The Subject CN is consulted only when the certificate has no SAN URI and no SAN dNSName (§7.1).
 * `alsoAccept` lists further names that are acceptable (the SRV-target compatibility option); it is empty by default
 * because RFC 5922 §7.3 forbids matching the SRV target.
 */
export function checkSipIdentity(ids: CertificateIdentities, expected: string, alsoAccept: readonly string[] = []): IdentityCheckResult {
  const wanted = [expected, ...alsoAccept].map(normalizeHost);
  const uriDomains = ids.uris.map(sipUriDomain).filter((d): d is string => d !== undefined);
  const dns = ids.dnsNames.map(normalizeHost);
  const hasSan = uriDomains.length > 0 || dns.length > 0;
  const presented = hasSan ? [...uriDomains.map((d) => `sip:${d}`), ...dns] : ids.commonName ? [ids.commonName] : [];
  const describe = (name: string): string => (name === wanted[0] ? name : `${name} (SRV target)`);

  for (const name of wanted) {
    if (uriDomains.includes(name)) return { ok: true, detail: `SAN URI sip:${name} matches ${describe(name)}`, presented };
    if (dns.includes(name)) return { ok: true, detail: `SAN dNSName ${name} matches ${describe(name)}`, presented };
  }
  if (!hasSan && ids.commonName !== undefined) {
    const cn = normalizeHost(ids.commonName);
    for (const name of wanted) {
      if (cn === name) return { ok: true, detail: `Subject CN ${name} matches ${describe(name)} (certificate has no SAN)`, presented };
    }
  }
  const forWhat = presented.length > 0 ? presented.join(', ') : 'no name at all';
  const expectedText = wanted.join(' or ');
  let detail = `name mismatch: certificate is for ${forWhat}, expected ${expectedText}`;
  if (hasSan && ids.commonName !== undefined && wanted.includes(normalizeHost(ids.commonName))) {
    detail += ` (the Subject CN ${ids.commonName} is ignored because the certificate has SAN entries, RFC 5922 §7.1)`;
  } else if (dns.some((d) => d.startsWith('*.'))) {
    detail += ' (wildcard names are not accepted for SIP, RFC 5922 §7.2)';
  }
  return { ok: false, detail, presented };
}
