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
} as const;
