// Per-account TLS settings and their translation into node:tls client options (protocol.md §2.1).
import { createSecureContext, rootCertificates } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';

export interface ClientCertificate {
  /** PEM private key. */
  readonly key: string | Buffer;
  /** PEM certificate (leaf first, optionally followed by intermediates). */
  readonly cert: string | Buffer;
  readonly passphrase?: string;
}

export interface TlsSettings {
  /** Extra trusted CAs (PEM), added to the system set; tests use their own CA here. */
  readonly extraCaCertificates?: readonly (string | Buffer)[];
  /** Trust Node's bundled root set (default true). False = trust only `extraCaCertificates`. */
  readonly useSystemCa?: boolean;
  /** Present a client certificate (mutual TLS, protocol.md §2.1 item 2). */
  readonly clientCertificate?: ClientCertificate;
  /**
   * "Legacy LCS TLS" (protocol.md §2.1 item 7): LCS 2005 on Windows 2003 SChannel speaks TLS 1.0 with
   * AES-CBC/3DES suites and SHA-1 signatures. Off by default: it weakens the connection.
   */
  readonly legacyLcsTls?: boolean;
  /**
   * Accept a certificate that names the SRV target instead of the SIP domain (what Microsoft edges do,
   * protocol.md §2.1 item 5). Off by default: RFC 5922 §7.3 forbids it.
   */
  readonly acceptSrvTargetName?: boolean;
  /** Per-domain pins: SIP domain (lower case) → SHA-256 fingerprint of the leaf certificate. */
  readonly pins?: Readonly<Record<string, string>>;
}

/**
 * TLS 1.2 suites kept for LCS plus the TLS 1.0 CBC suites SChannel on Windows 2003 offers. These names exist in both
 * OpenSSL and BoringSSL (Electron), so the same string works in Node tests and in the packaged app.
 * RC4 is left out on purpose: OpenSSL 3 keeps it in the legacy provider and BoringSSL removed it.
 */
export const LEGACY_CIPHERS = [
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA',
  'AES128-SHA',
  'AES256-SHA',
  'DES-CBC3-SHA',
].join(':');

let legacyCipherString: string | undefined;

/**
 * OpenSSL 3 refuses TLS 1.0's MD5/SHA-1 handshake signatures and 3DES below security level 0, so the legacy list needs
 * `@SECLEVEL=0`. BoringSSL rejects `@SECLEVEL` (an unknown command); probe once and drop it there (BoringSSL has no
 * security levels, so the suites work without it). Only the OpenSSL branch can be exercised under Node.
 */
export function legacyCiphers(): string {
  if (legacyCipherString === undefined) {
    const withLevel = `${LEGACY_CIPHERS}:@SECLEVEL=0`;
    try {
      createSecureContext({ ciphers: withLevel });
      legacyCipherString = withLevel;
    } catch {
      legacyCipherString = LEGACY_CIPHERS;
    }
  }
  return legacyCipherString;
}

export function pinFor(settings: TlsSettings, domain: string): string | undefined {
  if (!settings.pins) return undefined;
  const want = domain.toLowerCase();
  for (const [d, fp] of Object.entries(settings.pins)) if (d.toLowerCase() === want) return fp;
  return undefined;
}

/** The trust, version, suite and client-certificate parts of tls.connect() options for one account. */
export function tlsClientOptions(settings: TlsSettings): ConnectionOptions {
  const extra = (settings.extraCaCertificates ?? []).map((c) => c.toString());
  const useSystem = settings.useSystemCa ?? true;
  const opts: ConnectionOptions = {
    // Setting `ca` replaces Node's default store, so the system set is listed explicitly when extras are added.
    ...(extra.length > 0 || !useSystem ? { ca: [...(useSystem ? rootCertificates : []), ...extra] } : {}),
    // RFC 5922 §7: TLS 1.2 and 1.3 by default; TLS compression is never requested (OpenSSL 3 and Node disable it,
    // protocol.md §2.1 item 6).
    minVersion: settings.legacyLcsTls ? 'TLSv1' : 'TLSv1.2',
    maxVersion: 'TLSv1.3',
  };
  if (settings.legacyLcsTls) opts.ciphers = legacyCiphers();
  if (settings.clientCertificate) {
    opts.key = settings.clientCertificate.key;
    opts.cert = settings.clientCertificate.cert;
    if (settings.clientCertificate.passphrase !== undefined) opts.passphrase = settings.clientCertificate.passphrase;
  }
  return opts;
}
