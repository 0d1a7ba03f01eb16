// The testbed's throw-away PKI, made with the app's own certificate module (electron/sip/tls/certificates).
// Generated into <run>/pki when missing; test keys only, never committed (.testbed/ is gitignored).
// Every leaf has EKU serverAuth + clientAuth: a proxy is a TLS client on outbound federation connections and
// OpenSSL checks purpose sslclient there (testbed-notes §5, protocol.md §2.1 item 4).
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createCertificateAuthority,
  createLeafCertificate,
} from '../../electron/sip/tls/certificates';
import type { CreatedCertificate, CertificateOptions } from '../../electron/sip/tls/certificates';
import { CERT, DOMAINS, DOMAIN_LAYOUT, LCS } from './layout';
import type { DomainName, RunPaths } from './layout';

const ORG = 'Parley SIP testbed';
/** Bumped when the set of files changes, so an old run directory gets a fresh PKI. */
const PKI_VERSION = '1';

function domainCertOptions(d: DomainName, extra: Partial<CertificateOptions> = {}): CertificateOptions {
  const { address } = DOMAIN_LAYOUT[d];
  return {
    subject: { commonName: d, organization: ORG },
    dns: [d, `sip.${d}`],
    ip: [address],
    extendedKeyUsage: ['serverAuth', 'clientAuth'],
    ...extra,
  };
}

function save(dir: string, name: string, c: CreatedCertificate) {
  writeFileSync(join(dir, `${name}.crt`), c.certificatePem);
  // World-readable on purpose (testbed-notes pitfall 13): test keys, and Kamailio may run as another user.
  writeFileSync(join(dir, `${name}.key`), c.privateKeyPem, { mode: 0o644 });
}

/** Creates the PKI in paths.pki unless a complete one of this version is already there. Returns true if made. */
export async function ensurePki(paths: RunPaths): Promise<boolean> {
  const marker = join(paths.pki, 'VERSION');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === PKI_VERSION) return false;
  const tmp = `${paths.pki}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  const [ca, rogueCa] = await Promise.all([
    createCertificateAuthority({ subject: { commonName: 'Parley Testbed Root CA', organization: ORG } }),
    createCertificateAuthority({ subject: { commonName: 'Rogue Root CA', organization: 'Not the testbed' } }),
  ]);
  save(tmp, CERT.ca, ca);
  save(tmp, CERT.rogueCa, rogueCa);
  const expiredWindow = { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') };
  await Promise.all(
    DOMAINS.flatMap((d) => [
      createLeafCertificate(domainCertOptions(d), ca).then((c) => save(tmp, CERT.domain(d), c)),
      createLeafCertificate(domainCertOptions(d), rogueCa).then((c) => save(tmp, CERT.rogue(d), c)),
      createLeafCertificate(domainCertOptions(d, expiredWindow), ca).then((c) => save(tmp, CERT.expired(d), c)),
      createLeafCertificate(domainCertOptions(d, { extendedKeyUsage: ['serverAuth'] }), ca).then((c) =>
        save(tmp, CERT.serverAuthOnly(d), c),
      ),
    ]),
  );
  writeFileSync(join(tmp, 'VERSION'), `${PKI_VERSION}\n`);
  rmSync(paths.pki, { recursive: true, force: true });
  renameSync(tmp, paths.pki);
  return true;
}

/**
 * The emulated LCS domain's certificates (test/testbed/lcs/README.md), added to an existing PKI when missing and
 * issued by its CA, so a run directory made before lcs.test existed keeps the CA everyone already trusts.
 * Returns the names made.
 */
export async function ensureLcsPki(paths: RunPaths): Promise<string[]> {
  const wanted: Array<[string, CertificateOptions]> = [
    // protocol.md §2.1 items 4–5: the edge FQDN in Subject CN *and* SAN dNSName; EKU serverAuth + clientAuth.
    [CERT.lcsEdge, { subject: { commonName: LCS.edgeFqdn, organization: 'LCS 2005 SP1 (emulated)' }, dns: [LCS.edgeFqdn], ip: [LCS.address], extendedKeyUsage: ['serverAuth', 'clientAuth'] }],
    [CERT.lcsWrongName, { subject: { commonName: 'wrong.lcs.test', organization: 'LCS 2005 SP1 (emulated)' }, dns: ['wrong.lcs.test'], extendedKeyUsage: ['serverAuth', 'clientAuth'] }],
    [CERT.alphaWrongName, { subject: { commonName: 'wrong.alpha.test', organization: ORG }, dns: ['wrong.alpha.test'], extendedKeyUsage: ['serverAuth', 'clientAuth'] }],
  ];
  const missing = wanted.filter(([name]) => !existsSync(join(paths.pki, `${name}.crt`)) || !existsSync(join(paths.pki, `${name}.key`)));
  if (missing.length === 0) return [];
  const ca: CreatedCertificate = {
    certificatePem: readFileSync(join(paths.pki, `${CERT.ca}.crt`), 'utf8'),
    privateKeyPem: readFileSync(join(paths.pki, `${CERT.ca}.key`), 'utf8'),
  };
  await Promise.all(missing.map(async ([name, opts]) => save(paths.pki, name, await createLeafCertificate(opts, ca))));
  return missing.map(([name]) => name);
}
