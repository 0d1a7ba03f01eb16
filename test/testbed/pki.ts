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
import { CERT, DOMAINS, DOMAIN_LAYOUT } from './layout';
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
