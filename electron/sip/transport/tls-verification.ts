// The outcome of checking a TLS server certificate, kept as data so the UI can show the chain, every check and
// why a connection was refused (protocol.md §2.1 items 2 and 5). The checks are pure: the transport collects the
// peer certificate and OpenSSL's chain verdict and hands them here.
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import { checkSipIdentity, parseSubjectAltName } from './tls-identity';

export type TlsCheckName = 'chain' | 'name' | 'validity' | 'eku' | 'pin';

export interface TlsCheck {
  readonly name: TlsCheckName;
  readonly ok: boolean;
  /** Plain words, e.g. "issued by Parley Test CA, trusted" or "expired on 2020-01-02T00:00:00.000Z". */
  readonly detail: string;
}

export interface PeerCertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  /** subjectAltName entries as "DNS:x" / "URI:sip:x". */
  readonly san: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 of the DER certificate, upper-case hex with colons (Node's `fingerprint256` form). */
  readonly fingerprint256: string;
}

export interface TlsVerification {
  /** The name the certificate had to match: the SIP domain (RFC 5922 §7.1). */
  readonly serverName: string;
  /** Leaf first, then issuers as the server sent them / OpenSSL built them. */
  readonly peerChain: readonly PeerCertificateSummary[];
  readonly checks: readonly TlsCheck[];
  readonly authorized: boolean;
  /** The first failed check, in plain words; undefined when authorized. */
  readonly reason?: string;
  readonly protocol?: string;
  readonly cipher?: string;
}

export interface VerificationInput {
  readonly peerCertificate: DetailedPeerCertificate | PeerCertificate | undefined;
  /** `TLSSocket.authorizationError` from a handshake made with rejectUnauthorized:false (OpenSSL's chain verdict). */
  readonly chainError?: string | Error | null;
  readonly serverName: string;
  /** The SRV target the connection was resolved through; used only when `acceptSrvTargetName` is set. */
  readonly srvTargetName?: string;
  /** Microsoft-edge compatibility: accept a certificate naming the SRV target (RFC 5922 §7.3 forbids this). */
  readonly acceptSrvTargetName?: boolean;
  /** SHA-256 fingerprint of the leaf the caller pinned for `serverName`, if any. */
  readonly pinnedFingerprint256?: string;
  readonly now: number;
  readonly protocol?: string | null;
  readonly cipher?: string;
}

/** OpenSSL verify codes that mean "time", not "trust": the validity check reports those itself. */
const TIME_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** OpenSSL's verdict on the leaf's purpose (EKU); the eku check reports that itself. */
const PURPOSE_ERRORS = new Set(['INVALID_PURPOSE']);
const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);
const UNKNOWN_ISSUER = new Set(['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT']);
const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const EKU_ANY = '2.5.29.37.0';

/** "AB:CD:…", "abcd…" → "ABCD…", so fingerprints compare however the user typed them. */
export function normalizeFingerprint(fp: string): string {
  return fp.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

function formatName(name: Record<string, string | string[]> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

function commonNameOf(name: Record<string, string | string[]> | undefined): string | undefined {
  const cn = name?.['CN'];
  return Array.isArray(cn) ? cn[0] : cn;
}

function summarize(cert: PeerCertificate): PeerCertificateSummary {
  const { dnsNames, uris } = parseSubjectAltName(cert.subjectaltname);
  return {
    subject: formatName(cert.subject as unknown as Record<string, string | string[]>),
    issuer: formatName(cert.issuer as unknown as Record<string, string | string[]>),
    san: [...dnsNames.map((d) => `DNS:${d}`), ...uris.map((u) => `URI:${u}`)],
    notBefore: new Date(cert.valid_from).toISOString(),
    notAfter: new Date(cert.valid_to).toISOString(),
    fingerprint256: cert.fingerprint256,
  };
}

/** Leaf first; stops at the self-issued root (Node links a root's issuerCertificate to itself). */
export function chainOf(cert: DetailedPeerCertificate | PeerCertificate | undefined): PeerCertificateSummary[] {
  const out: PeerCertificateSummary[] = [];
  let cur: PeerCertificate | undefined = cert && Object.keys(cert).length > 0 ? cert : undefined;
  const seen = new Set<string>();
  while (cur && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    out.push(summarize(cur));
    const next: DetailedPeerCertificate | undefined = (cur as DetailedPeerCertificate).issuerCertificate;
    cur = next && next !== cur ? next : undefined;
  }
  return out;
}

function chainCheck(code: string | undefined, serverName: string, issuer: string): TlsCheck {
  if (!code || TIME_ERRORS.has(code) || PURPOSE_ERRORS.has(code)) return { name: 'chain', ok: true, detail: `issued by ${issuer}, trusted` };
  let why = code;
  if (SELF_SIGNED.has(code)) why = code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? 'self-signed' : 'self-signed CA not in the trusted set';
  else if (UNKNOWN_ISSUER.has(code)) why = `unknown issuer ${issuer}`;
  return { name: 'chain', ok: false, detail: `certificate for ${serverName} is not trusted (${why}) [${code}]` };
}

/**
 * Runs the checks in the order the UI lists them. RFC 5922 §7.3 says the client MUST verify the server identity
 * against the domain it wanted (`serverName`); the chain check is OpenSSL's, against the configured CA set.
 * A pin for this domain (the leaf's SHA-256) replaces the chain check — the user chose to trust that exact
 * certificate and its dates — but never the name or EKU checks; a pinned certificate that changed always fails.
 */
export function verifyPeer(input: VerificationInput): TlsVerification {
  const { serverName } = input;
  const leaf = input.peerCertificate && Object.keys(input.peerCertificate).length > 0 ? input.peerCertificate : undefined;
  const base = { serverName, protocol: input.protocol ?? undefined, cipher: input.cipher };
  if (!leaf) {
    const checks: TlsCheck[] = [{ name: 'chain', ok: false, detail: `the server for ${serverName} sent no certificate` }];
    return { ...base, peerChain: [], checks, authorized: false, reason: checks[0]!.detail };
  }
  const peerChain = chainOf(leaf);
  const leafSummary = peerChain[0]!;
  const issuerCn = commonNameOf(leaf.issuer as unknown as Record<string, string | string[]>) ?? leafSummary.issuer;
  const code = typeof input.chainError === 'string' ? input.chainError : input.chainError ? ((input.chainError as NodeJS.ErrnoException).code ?? input.chainError.message) : undefined;

  const checks: TlsCheck[] = [];
  const chain = chainCheck(code, serverName, issuerCn);

  // RFC 5922 §7.1–7.2: SAN URI / SAN dNSName, CN only without SAN, no wildcards.
  const { dnsNames, uris } = parseSubjectAltName(leaf.subjectaltname);
  const alsoAccept = input.acceptSrvTargetName && input.srvTargetName ? [input.srvTargetName] : [];
  const identity = checkSipIdentity({ dnsNames, uris, commonName: commonNameOf(leaf.subject as unknown as Record<string, string | string[]>) }, serverName, alsoAccept);
  const name: TlsCheck = { name: 'name', ok: identity.ok, detail: identity.detail };

  const notBefore = Date.parse(leaf.valid_from);
  const notAfter = Date.parse(leaf.valid_to);
  let validity: TlsCheck;
  if (input.now > notAfter) validity = { name: 'validity', ok: false, detail: `certificate for ${serverName} expired on ${new Date(notAfter).toISOString()}` };
  else if (input.now < notBefore) validity = { name: 'validity', ok: false, detail: `certificate for ${serverName} is not valid until ${new Date(notBefore).toISOString()}` };
  else validity = { name: 'validity', ok: true, detail: `valid ${new Date(notBefore).toISOString()} to ${new Date(notAfter).toISOString()}` };

  // A leaf restricted by EKU must allow TLS server authentication (RFC 5280 §4.2.1.12).
  const ekus = leaf.ext_key_usage;
  let eku: TlsCheck;
  if (!ekus || ekus.length === 0) eku = { name: 'eku', ok: true, detail: 'no extended key usage restriction' };
  else if (ekus.includes(EKU_SERVER_AUTH) || ekus.includes(EKU_ANY)) eku = { name: 'eku', ok: true, detail: 'allows TLS server authentication' };
  else eku = { name: 'eku', ok: false, detail: `certificate for ${serverName} is not meant for TLS servers (extended key usage ${ekus.join(', ')})` };

  let pin: TlsCheck | undefined;
  let chainOk = chain.ok;
  let validityOk = validity.ok;
  if (input.pinnedFingerprint256 !== undefined) {
    const want = normalizeFingerprint(input.pinnedFingerprint256);
    const got = normalizeFingerprint(leafSummary.fingerprint256);
    if (want === got) {
      // The user saw this exact certificate, issuer and validity dates included, and chose to trust it: the pin
      // stands in for the chain and the dates. The name and EKU checks still apply (RFC 5922 §7.3).
      const waived = [chain.ok ? '' : 'chain', validity.ok ? '' : 'validity'].filter(Boolean);
      pin = { name: 'pin', ok: true, detail: `matches the certificate pinned for ${serverName}${waived.length ? ` (accepted despite the ${waived.join(' and ')} failure)` : ''}` };
      chainOk = true;
      validityOk = true;
    } else {
      pin = {
        name: 'pin',
        ok: false,
        detail: `the certificate for ${serverName} CHANGED since it was pinned: expected SHA-256 ${input.pinnedFingerprint256}, got ${leafSummary.fingerprint256}`,
      };
    }
  }

  checks.push(chain, name, validity, eku);
  if (pin) checks.push(pin);
  // The pin (if any) is reported first as the reason: a changed pinned certificate must fail loudly.
  const waivedByPin = (c: TlsCheck) => (c.name === 'chain' && chainOk) || (c.name === 'validity' && validityOk);
  const failed = [pin, ...checks.filter((c) => c.name !== 'pin')].find((c) => c !== undefined && !c.ok && !waivedByPin(c));
  const authorized = failed === undefined;
  return { ...base, peerChain, checks, authorized, ...(failed ? { reason: failed.detail } : {}) };
}
