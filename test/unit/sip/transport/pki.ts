// Certificates for the TLS transport tests, made once per test process with the project's certificate module
// (node-forge + node:crypto) and shared by every test in the file.
import {
  createCertificateAuthority,
  createLeafCertificate,
  createSelfSignedCertificate,
} from '../../../../electron/sip/tls/certificates';
import type { CreatedCertificate } from '../../../../electron/sip/tls/certificates';

export const DOMAIN = 'alpha.test';

export interface TestPki {
  readonly ca: CreatedCertificate;
  readonly rogueCa: CreatedCertificate;
  /** SAN dNSName alpha.test (and CN alpha.test), issued by `ca`. */
  readonly good: CreatedCertificate;
  /** Same names, a second certificate (for "pinned certificate changed"). */
  readonly goodAgain: CreatedCertificate;
  /** SAN dNSName beta.test. */
  readonly wrongName: CreatedCertificate;
  /** Right name, issued by the untrusted rogue CA. */
  readonly rogue: CreatedCertificate;
  /** Right name, expired a year ago. */
  readonly expired: CreatedCertificate;
  /** SAN dNSName sip.alpha.test, CN alpha.test: the CN must be ignored because SAN is present. */
  readonly sanMismatchCnMatch: CreatedCertificate;
  /** No SAN at all, CN alpha.test. */
  readonly cnOnly: CreatedCertificate;
  /** SAN URI sip:alpha.test only, CN something else. */
  readonly sanUri: CreatedCertificate;
  /** SAN dNSName *.test. */
  readonly wildcard: CreatedCertificate;
  /** EKU clientAuth only. */
  readonly clientOnlyEku: CreatedCertificate;
  /** Self-signed alpha.test (trusted only by pinning). */
  readonly selfSigned: CreatedCertificate;
  readonly selfSignedAgain: CreatedCertificate;
  /** A client certificate issued by `ca` (mutual TLS). */
  readonly client: CreatedCertificate;
}

let cached: Promise<TestPki> | undefined;

/** 1024-bit keys: accepted at OpenSSL's default security level 1 and ~30x faster to generate than 2048-bit ones. */
const keyBits = 1024;

export function testPki(): Promise<TestPki> {
  cached ??= (async () => {
    const [ca, rogueCa] = await Promise.all([
      createCertificateAuthority({ keyBits, subject: { commonName: 'Parley Test CA', organization: 'Parley tests' } }),
      createCertificateAuthority({ keyBits, subject: { commonName: 'Rogue CA' } }),
    ]);
    const year = 365 * 86400_000;
    const [good, goodAgain, wrongName, rogue, expired, sanMismatchCnMatch, cnOnly, sanUri, wildcard, clientOnlyEku, selfSigned, selfSignedAgain, client] =
      await Promise.all([
        createLeafCertificate({ keyBits, subject: { commonName: DOMAIN }, dns: [DOMAIN] }, ca),
        createLeafCertificate({ keyBits, subject: { commonName: DOMAIN }, dns: [DOMAIN] }, ca),
        createLeafCertificate({ keyBits, subject: { commonName: 'beta.test' }, dns: ['beta.test'] }, ca),
        createLeafCertificate({ keyBits, subject: { commonName: DOMAIN }, dns: [DOMAIN] }, rogueCa),
        createLeafCertificate({ keyBits, subject: { commonName: DOMAIN }, dns: [DOMAIN], notBefore: new Date(Date.now() - 2 * year), notAfter: new Date(Date.now() - year) }, ca),
        createLeafCertificate({ keyBits, subject: { commonName: DOMAIN }, dns: [`sip.${DOMAIN}`] }, ca),
        createLeafCertificate({ keyBits, subject: { commonName: DOMAIN } }, ca),
        createLeafCertificate({ keyBits, subject: { commonName: 'Alpha SIP service' }, uri: [`sip:${DOMAIN}`] }, ca),
        createLeafCertificate({ keyBits, subject: { commonName: '*.test' }, dns: ['*.test'] }, ca),
        createLeafCertificate({ keyBits, subject: { commonName: DOMAIN }, dns: [DOMAIN], extendedKeyUsage: ['clientAuth'] }, ca),
        createSelfSignedCertificate({ keyBits, subject: { commonName: DOMAIN }, dns: [DOMAIN] }),
        createSelfSignedCertificate({ keyBits, subject: { commonName: DOMAIN }, dns: [DOMAIN] }),
        createLeafCertificate({ keyBits, subject: { commonName: 'client.alpha.test' }, dns: ['client.alpha.test'], extendedKeyUsage: ['clientAuth'] }, ca),
      ]);
    return { ca, rogueCa, good, goodAgain, wrongName, rogue, expired, sanMismatchCnMatch, cnOnly, sanUri, wildcard, clientOnlyEku, selfSigned, selfSignedAgain, client };
  })();
  return cached;
}
