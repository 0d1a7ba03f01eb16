// Where everything of the two-domain testbed lives: addresses, ports and the files inside the run directory.
// One module so the CLI, the harness and the peers agree on every path (all state stays in one run directory).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DEFAULT_RUN_DIR = join(REPO_ROOT, '.testbed', 'run');
export const TESTBED_SRC = resolve(fileURLToPath(new URL('.', import.meta.url)));

export const DNS_ADDRESS = '127.0.0.10';
export const DNS_PORT = 53;
export const SIP_PORT = 5060;
export const TLS_PORT = 5061;
/** XCAP (RFC 4825) over plain HTTP on each domain's address: http://<address>:XCAP_PORT/xcap-root/. */
export const XCAP_PORT = 8080;
export const XCAP_ROOT_PATH = '/xcap-root';

export type DomainName = 'alpha.test' | 'beta.test';
export const DOMAINS: readonly DomainName[] = ['alpha.test', 'beta.test'];

export interface DomainLayout {
  readonly domain: DomainName;
  /** Short name used for files and process names: 'alpha' | 'beta'. */
  readonly name: string;
  readonly address: string;
  /** Extra TLS listeners of this domain presenting a bad certificate to its own clients (alpha only). */
  readonly rogueTlsAddress?: string;
  readonly expiredTlsAddress?: string;
}

export const DOMAIN_LAYOUT: Record<DomainName, DomainLayout> = {
  'alpha.test': { domain: 'alpha.test', name: 'alpha', address: '127.0.0.2', rogueTlsAddress: '127.0.0.4', expiredTlsAddress: '127.0.0.5' },
  'beta.test': { domain: 'beta.test', name: 'beta', address: '127.0.0.3' },
};

/** A domain's XCAP root, e.g. `http://127.0.0.2:8080/xcap-root`. */
export const xcapRootOf = (d: DomainName): string => `http://${DOMAIN_LAYOUT[d].address}:${XCAP_PORT}${XCAP_ROOT_PATH}`;

/**
 * The emulated LCS 2005 SP1 domain (test/testbed/lcs/README.md): a Node process, not Kamailio, so it is not one of
 * DOMAINS. Its edge lives on its own address and is found only through `_sipfederationtls._tcp.lcs.test`
 * (protocol.md §2.2 item 9); its certificate names the edge FQDN, not the domain (§2.1 item 5).
 */
export const LCS = { domain: 'lcs.test', name: 'lcs', address: '127.0.0.6', edgeFqdn: 'sip.lcs.test', port: TLS_PORT } as const;
/** A second address for throw-away LCS-like edges started by tests (e.g. one presenting a wrong-name certificate). */
export const LCS_SPARE_ADDRESS = '127.0.0.7';

/** Which certificate a domain's main TLS listener presents (start --alpha-client-cert). */
export type ServerCertChoice = 'valid' | 'rogue' | 'expired';

/** All paths inside one run directory. */
export function runPaths(runDir: string) {
  const pki = join(runDir, 'pki');
  const domainDir = (d: DomainName) => join(runDir, DOMAIN_LAYOUT[d].name);
  return {
    runDir,
    state: join(runDir, 'state.json'),
    pids: join(runDir, 'pids'),
    pidFile: (proc: string) => join(runDir, 'pids', `${proc}.pid`),
    resolvConf: join(runDir, 'resolv.conf'),
    dnsmasqConf: join(runDir, 'dnsmasq.conf'),
    dnsmasqLog: join(runDir, 'dnsmasq.log'),
    peers: join(runDir, 'peers'),
    pki,
    cert: (name: string) => join(pki, `${name}.crt`),
    key: (name: string) => join(pki, `${name}.key`),
    domainDir,
    kamailioCfg: (d: DomainName) => join(domainDir(d), 'kamailio.cfg'),
    tlsCfg: (d: DomainName) => join(domainDir(d), 'tls.cfg'),
    kamailioLog: (d: DomainName) => join(domainDir(d), 'kamailio.log'),
    ctlSocket: (d: DomainName) => join(domainDir(d), 'kamailio_ctl'),
    presenceDb: (d: DomainName) => join(domainDir(d), 'db'),
    userDb: (d: DomainName) => join(domainDir(d), 'userdb'),
    userTable: (d: DomainName) => join(domainDir(d), 'userdb', 'htable'),
    sipdump: (d: DomainName) => join(domainDir(d), 'sipdump'),
    lcsDir: join(runDir, LCS.name),
    lcsLog: join(runDir, LCS.name, 'lcs.log'),
    /** The LCS process's control channel (HTTP/JSON over a Unix socket, test/testbed/lcs/control-client.ts). */
    lcsControl: join(runDir, LCS.name, 'control.sock'),
  };
}
export type RunPaths = ReturnType<typeof runPaths>;

/** Certificate names in <run>/pki (each `<name>.crt` + `<name>.key`). */
export const CERT = {
  ca: 'ca',
  rogueCa: 'rogue-ca',
  domain: (d: DomainName) => d,
  /** alpha.test/beta.test identity signed by the rogue CA. */
  rogue: (d: DomainName) => `rogue-${d}`,
  /** Valid CA, correct names, but expired. */
  expired: (d: DomainName) => `expired-${d}`,
  /** Valid CA, correct names, EKU serverAuth only: unusable as a TLS client certificate. */
  serverAuthOnly: (d: DomainName) => `serverauth-only-${d}`,
  /** The LCS edge: CN and SAN dNSName = sip.lcs.test (the SRV target, not the domain), EKU serverAuth+clientAuth. */
  lcsEdge: 'lcs-edge',
  /** Testbed CA, CN/SAN wrong.lcs.test: an edge that claims lcs.test under a name its SRV record does not give. */
  lcsWrongName: 'lcs-wrong-name',
  /** Testbed CA, CN/SAN wrong.alpha.test: presented to the LCS edge as alpha.test, must be refused. */
  alphaWrongName: 'alpha-wrong-name',
} as const;
