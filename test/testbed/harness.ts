// Integration-test access to the two-domain testbed.
//
//   const tb = await useTestbed();
//   const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });   // removed in t.after
//   tb.alpha.address, tb.alpha.rogueTlsAddress, tb.pki.ca, tb.dns.server ...
//   const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });       // emulated LCS 2005 SP1 user (lcs/README.md)
//
// useTestbed() uses the testbed named by PARLEY_TESTBED_DIR (scripts/test.mjs starts one for the whole suite).
// Without that variable it uses .testbed/run, starting the testbed if needed and stopping it when the process
// exits, so one integration file also runs on its own: node --import tsx --test <file>.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { kamcmd } from './kamcmd';
import { CERT, DEFAULT_RUN_DIR, DNS_ADDRESS, DNS_PORT, DOMAIN_LAYOUT, LCS, SIP_PORT, TESTBED_SRC, TLS_PORT, runPaths } from './layout';
import { LcsControl } from './lcs/control-client';
import type { DomainName, RunPaths } from './layout';
import { isDomainRunning, isRunning, start, startDomain, stopDomain, TestbedError } from './testbed';
import { createUser, deleteUser } from './users';
import type { CreateUserOptions, TestUser } from './users';

export type { TestUser, DomainName };
export type { LcsControl };

export interface DomainInfo {
  readonly domain: DomainName;
  /** The server's only address for clients and peers. */
  readonly address: string;
  readonly sipPort: number;
  readonly tlsPort: number;
  /** The SRV target clients and peers find: sip.<domain>. */
  readonly host: string;
  /** alpha only: a TLS listener on :5061 presenting an alpha.test certificate signed by the rogue CA. */
  readonly rogueTlsAddress?: string;
  /** alpha only: a TLS listener on :5061 presenting an expired alpha.test certificate (testbed CA). */
  readonly expiredTlsAddress?: string;
  readonly logFile: string;
  /** Every SIP message the server saw, decrypted (sipdump text files). */
  readonly sipdumpDir: string;
}

export interface CertPair {
  readonly cert: string;
  readonly key: string;
}

export interface TestbedPki {
  /** The CA both domains trust (PEM path). */
  readonly ca: string;
  readonly rogueCa: string;
  /** The domain's real certificate (CN = domain, SAN DNS:<d>, DNS:sip.<d>, IP; EKU serverAuth+clientAuth). */
  domain(d: DomainName): CertPair;
  /** Same names, signed by the rogue CA. */
  rogue(d: DomainName): CertPair;
  /** Same names, testbed CA, expired in 2021. */
  expired(d: DomainName): CertPair;
  /** Same names, testbed CA, EKU serverAuth only (refused when presented as a TLS client). */
  serverAuthOnly(d: DomainName): CertPair;
  /** The LCS edge's certificate: CN/SAN sip.lcs.test (the SRV target), testbed CA. */
  readonly lcsEdge: CertPair;
  /** Testbed CA, CN/SAN wrong.lcs.test. */
  readonly lcsWrongName: CertPair;
  /** Testbed CA, CN/SAN wrong.alpha.test. */
  readonly alphaWrongName: CertPair;
}

export interface CreateUserFor extends CreateUserOptions {
  /** A test context (or suite): the user is deleted in its after() hook, also when the test fails. */
  readonly cleanup?: { after(fn: () => unknown): void };
}

export interface Testbed {
  readonly runDir: string;
  readonly paths: RunPaths;
  readonly dns: { readonly host: string; readonly port: number; /** "127.0.0.10:53" */ readonly server: string };
  readonly pki: TestbedPki;
  readonly alpha: DomainInfo;
  readonly beta: DomainInfo;
  /** The emulated LCS 2005 SP1 domain lcs.test: its users, switches and citizenship counters (lcs/README.md). */
  readonly lcs: LcsControl;
  domain(d: DomainName): DomainInfo;
  /** A fresh user with a random name and password, usable for digest auth at once. */
  createUser(d: DomainName, opts?: CreateUserFor): Promise<TestUser>;
  deleteUser(u: TestUser): Promise<void>;
  /** Deletes every user this object created and has not deleted yet. */
  cleanup(): Promise<void>;
  /** Kills one domain's Kamailio (registrations are lost; users are kept). */
  stopDomain(d: DomainName): Promise<void>;
  /** Starts it again (under ~1 s); its users are reloaded. */
  startDomain(d: DomainName): Promise<void>;
  isDomainUp(d: DomainName): boolean;
  /** Kamailio RPC on one domain, e.g. tb.rpc('alpha.test', 'ul.dump'). */
  rpc(d: DomainName, ...args: string[]): Promise<string>;
}

function domainInfo(paths: RunPaths, d: DomainName): DomainInfo {
  const l = DOMAIN_LAYOUT[d];
  return {
    domain: d,
    address: l.address,
    sipPort: SIP_PORT,
    tlsPort: TLS_PORT,
    host: `sip.${d}`,
    ...(l.rogueTlsAddress ? { rogueTlsAddress: l.rogueTlsAddress } : {}),
    ...(l.expiredTlsAddress ? { expiredTlsAddress: l.expiredTlsAddress } : {}),
    logFile: paths.kamailioLog(d),
    sipdumpDir: paths.sipdump(d),
  };
}

function makeTestbed(runDir: string): Testbed {
  const paths = runPaths(runDir);
  const pair = (name: string): CertPair => ({ cert: paths.cert(name), key: paths.key(name) });
  const created = new Map<string, TestUser>();
  const tb: Testbed = {
    runDir,
    paths,
    dns: { host: DNS_ADDRESS, port: DNS_PORT, server: `${DNS_ADDRESS}:${DNS_PORT}` },
    pki: {
      ca: paths.cert(CERT.ca),
      rogueCa: paths.cert(CERT.rogueCa),
      domain: (d) => pair(CERT.domain(d)),
      rogue: (d) => pair(CERT.rogue(d)),
      expired: (d) => pair(CERT.expired(d)),
      serverAuthOnly: (d) => pair(CERT.serverAuthOnly(d)),
      lcsEdge: pair(CERT.lcsEdge),
      lcsWrongName: pair(CERT.lcsWrongName),
      alphaWrongName: pair(CERT.alphaWrongName),
    },
    alpha: domainInfo(paths, 'alpha.test'),
    beta: domainInfo(paths, 'beta.test'),
    lcs: new LcsControl({ domain: LCS.domain, address: LCS.address, edgeFqdn: LCS.edgeFqdn, port: LCS.port, logFile: paths.lcsLog, controlSocket: paths.lcsControl }),
    domain: (d) => domainInfo(paths, d),
    async createUser(d, opts = {}) {
      const u = await createUser(runDir, d, opts);
      created.set(u.aor, u);
      opts.cleanup?.after(() => tb.deleteUser(u));
      return u;
    },
    async deleteUser(u) {
      created.delete(u.aor);
      await deleteUser(runDir, u);
    },
    async cleanup() {
      await Promise.all([...created.values()].map((u) => tb.deleteUser(u)));
    },
    stopDomain: (d) => stopDomain(runDir, d),
    startDomain: (d) => startDomain(runDir, d),
    isDomainUp: (d) => isDomainRunning(paths, d),
    rpc: (d, ...args) => kamcmd(paths.ctlSocket(d), args),
  };
  return tb;
}

let current: Promise<Testbed> | undefined;

export function useTestbed(): Promise<Testbed> {
  current ??= open();
  return current;
}

async function open(): Promise<Testbed> {
  const fromEnv = process.env.PARLEY_TESTBED_DIR;
  if (fromEnv) {
    if (!isRunning(runPaths(fromEnv))) throw new TestbedError(`PARLEY_TESTBED_DIR=${fromEnv} names no running testbed`);
    return makeTestbed(fromEnv);
  }
  const runDir = DEFAULT_RUN_DIR;
  const r = await start({ runDir });
  if (!r.alreadyRunning) {
    // Ours: stop it when this process ends (synchronously, as 'exit' handlers cannot wait).
    process.once('exit', () => {
      spawnSync(process.execPath, ['--import', 'tsx', join(TESTBED_SRC, 'cli.ts'), 'stop', '--run-dir', runDir], { stdio: 'ignore' });
    });
  }
  Object.assign(process.env, r.env);
  return makeTestbed(runDir);
}
