// Start, stop and inspect the two-domain testbed: dnsmasq + one Kamailio per domain, all state in one run
// directory, every process started and stopped by its PID. Used by cli.ts (npm run testbed) and harness.ts.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { writeDnsConfig, writeDomainConfig } from './configs';
import type { DomainOptions } from './configs';
import { kamcmd } from './kamcmd';
import { CERT, DNS_ADDRESS, DNS_PORT, DOMAINS, DOMAIN_LAYOUT, LCS, SIP_PORT, TLS_PORT, runPaths } from './layout';
import { LCS_PROC, ensureBundle, pingLcs, startLcs } from './lcs/process';
import type { DomainName, RunPaths, ServerCertChoice } from './layout';
import { ensureLcsPki, ensurePki } from './pki';
import { commandOf, isAlive, readPid, startProcess, stopProcess } from './processes';

export class TestbedError extends Error {
  override readonly name = 'TestbedError';
}

export interface StartOptions {
  readonly runDir: string;
  /** Certificate alpha's main TLS listener presents to its own clients (default 'valid'). */
  readonly alphaServerCert?: ServerCertChoice;
  readonly betaServerCert?: ServerCertChoice;
}

export interface TestbedState {
  readonly runDir: string;
  readonly startedAt: string;
  readonly serverCert: Record<DomainName, ServerCertChoice>;
}

export interface StartResult {
  readonly state: TestbedState;
  readonly env: Record<string, string>;
  readonly alreadyRunning: boolean;
  readonly pkiGenerated: boolean;
  readonly elapsedMs: number;
}

const KAMAILIO_COMMS = ['kamailio', 'sh', 'unshare'];
const DNSMASQ_COMMS = ['dnsmasq'];
/** The emulated LCS domain runs in plain node (test/testbed/lcs/process.ts). */
const LCS_COMMS = ['node'];
/** Process names a pid file in <run>/pids may point at (testbed servers and peers started by the harness). */
const KNOWN_COMMS = [...KAMAILIO_COMMS, ...DNSMASQ_COMMS, ...LCS_COMMS, 'baresip', 'sipp'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const procName = (d: DomainName) => `kamailio-${DOMAIN_LAYOUT[d].name}`;

/** Environment variables integration tests read to find the testbed (printed by `start --json`). */
export function testbedEnv(paths: RunPaths): Record<string, string> {
  return {
    PARLEY_TESTBED_DIR: paths.runDir,
    PARLEY_TESTBED_DNS: `${DNS_ADDRESS}:${DNS_PORT}`,
    PARLEY_TESTBED_CA: paths.cert(CERT.ca),
    PARLEY_TESTBED_ROGUE_CA: paths.cert(CERT.rogueCa),
    PARLEY_TESTBED_DOMAINS: DOMAINS.map((d) => `${d}=${DOMAIN_LAYOUT[d].address}`).join(','),
    PARLEY_TESTBED_LCS: `${LCS.domain}=${LCS.address}`,
    PARLEY_TESTBED_LCS_CONTROL: paths.lcsControl,
  };
}

export function readState(paths: RunPaths): TestbedState | undefined {
  if (!existsSync(paths.state)) return undefined;
  try {
    return JSON.parse(readFileSync(paths.state, 'utf8')) as TestbedState;
  } catch {
    return undefined;
  }
}

function running(paths: RunPaths, proc: string, comms: readonly string[]): number | undefined {
  const pid = readPid(paths.pidFile(proc));
  return pid !== undefined && isAlive(pid) && comms.includes(commandOf(pid) ?? '') ? pid : undefined;
}

export function isDomainRunning(paths: RunPaths, d: DomainName): boolean {
  return running(paths, procName(d), KAMAILIO_COMMS) !== undefined;
}

export function isLcsRunning(paths: RunPaths): boolean {
  return running(paths, LCS_PROC, LCS_COMMS) !== undefined;
}

export function isRunning(paths: RunPaths): boolean {
  return (
    readState(paths) !== undefined &&
    running(paths, 'dnsmasq', DNSMASQ_COMMS) !== undefined &&
    DOMAINS.every((d) => isDomainRunning(paths, d))
  );
}

function logTail(file: string, lines = 25): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function startDnsmasq(paths: RunPaths) {
  rmSync(paths.dnsmasqLog, { force: true });
  // --no-daemon, not -k: -k calls setgroups() and fails in a user namespace (testbed-notes pitfall 11).
  startProcess(
    'dnsmasq',
    [
      '--no-daemon',
      `--conf-file=${paths.dnsmasqConf}`,
      `--listen-address=${DNS_ADDRESS}`,
      `--port=${DNS_PORT}`,
      '--user=root',
      '--log-queries=extra',
      `--log-facility=${paths.dnsmasqLog}`,
    ],
    { pidFile: paths.pidFile('dnsmasq'), logFile: `${paths.dnsmasqLog}.stderr` },
  );
}

function startKamailio(paths: RunPaths, d: DomainName) {
  rmSync(paths.ctlSocket(d), { force: true });
  // Kamailio reads DNS servers only from /etc/resolv.conf (port 53): give it a private mount namespace where
  // that file is ours. The host's /etc/resolv.conf is never changed (testbed-notes §2).
  const script = 'mount --bind "$1" /etc/resolv.conf && exec kamailio -DD -E -f "$2" -m 128 -M 8 -Y "$3"';
  startProcess('unshare', ['-m', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', paths.resolvConf, paths.kamailioCfg(d), paths.domainDir(d)], {
    pidFile: paths.pidFile(procName(d)),
    logFile: paths.kamailioLog(d),
  });
}

async function waitKamailio(paths: RunPaths, d: DomainName, deadline: number) {
  const pidFile = paths.pidFile(procName(d));
  for (;;) {
    const pid = readPid(pidFile);
    if (pid === undefined || !isAlive(pid)) {
      throw new TestbedError(`Kamailio for ${d} exited during start. Log ${paths.kamailioLog(d)}:\n${logTail(paths.kamailioLog(d))}`);
    }
    // The ctl socket answers once every child is initialised (testbed-notes §4).
    if (existsSync(paths.ctlSocket(d))) {
      try {
        await kamcmd(paths.ctlSocket(d), ['core.uptime'], 500);
        return;
      } catch {
        /* not yet */
      }
    }
    if (Date.now() > deadline) {
      throw new TestbedError(`Kamailio for ${d} did not answer on ${paths.ctlSocket(d)}. Log:\n${logTail(paths.kamailioLog(d))}`);
    }
    await sleep(30);
  }
}

async function waitLcs(paths: RunPaths, deadline: number) {
  for (;;) {
    const pid = readPid(paths.pidFile(LCS_PROC));
    if (pid === undefined || !isAlive(pid)) throw new TestbedError(`the LCS emulation exited during start. Log ${paths.lcsLog}:\n${logTail(paths.lcsLog)}`);
    if (await pingLcs(paths, 300)) return;
    if (Date.now() > deadline) throw new TestbedError(`the LCS emulation did not answer on ${paths.lcsControl}. Log:\n${logTail(paths.lcsLog)}`);
    await sleep(20);
  }
}

/** Starts the emulated lcs.test alone (a testbed started before it existed, or after it died). */
async function startLcsOnly(paths: RunPaths) {
  await ensureLcsPki(paths);
  await ensureBundle(paths);
  startLcs(paths);
  await waitLcs(paths, Date.now() + 10_000);
}

async function waitDns(paths: RunPaths, deadline: number) {
  const r = new Resolver({ timeout: 200, tries: 1 });
  r.setServers([`${DNS_ADDRESS}:${DNS_PORT}`]);
  for (;;) {
    const pid = readPid(paths.pidFile('dnsmasq'));
    if (pid === undefined || !isAlive(pid)) {
      throw new TestbedError(`dnsmasq exited during start:\n${logTail(`${paths.dnsmasqLog}.stderr`)}\n${logTail(paths.dnsmasqLog)}`);
    }
    try {
      const srv = await r.resolveSrv('_sipfederationtls._tcp.beta.test');
      if (srv.length > 0) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new TestbedError('dnsmasq did not answer');
    await sleep(20);
  }
}

function domainOptions(state: TestbedState, d: DomainName): DomainOptions {
  return { serverCert: state.serverCert[d] ?? 'valid' };
}

export async function start(opts: StartOptions): Promise<StartResult> {
  const t0 = Date.now();
  const paths = runPaths(opts.runDir);
  const wanted: Record<DomainName, ServerCertChoice> = {
    'alpha.test': opts.alphaServerCert ?? 'valid',
    'beta.test': opts.betaServerCert ?? 'valid',
  };
  const current = readState(paths);
  if (isRunning(paths) && current) {
    if (DOMAINS.some((d) => current.serverCert[d] !== wanted[d])) {
      throw new TestbedError(`The testbed in ${paths.runDir} is running with other options; run \`npm run testbed -- stop\` first.`);
    }
    if (!isLcsRunning(paths)) await startLcsOnly(paths);
    return { state: current, env: testbedEnv(paths), alreadyRunning: true, pkiGenerated: false, elapsedMs: Date.now() - t0 };
  }
  // Leftovers of a crashed run: stop whatever its pid files still name, then start clean.
  await stopAll(paths);
  mkdirSync(paths.pids, { recursive: true });
  // The LCS bundle is built while the PKI is checked (both are no-ops when up to date).
  const [pkiGenerated] = await Promise.all([ensurePki(paths).then(async (made) => (await ensureLcsPki(paths), made)), ensureBundle(paths)]);
  const state: TestbedState = { runDir: paths.runDir, startedAt: new Date().toISOString(), serverCert: wanted };
  writeDnsConfig(paths);
  for (const d of DOMAINS) {
    writeDomainConfig(paths, d, domainOptions(state, d), true);
    rmSync(paths.kamailioLog(d), { force: true }); // a fresh log per testbed run; restarts append
    rmSync(paths.sipdump(d), { recursive: true, force: true });
    mkdirSync(paths.sipdump(d), { recursive: true });
  }
  try {
    startDnsmasq(paths);
    for (const d of DOMAINS) startKamailio(paths, d);
    rmSync(paths.lcsLog, { force: true });
    startLcs(paths);
    const deadline = Date.now() + 10_000;
    await Promise.all([waitDns(paths, deadline), waitLcs(paths, deadline), ...DOMAINS.map((d) => waitKamailio(paths, d, deadline))]);
  } catch (err) {
    await stopAll(paths);
    throw err;
  }
  writeFileSync(paths.state, `${JSON.stringify(state, null, 2)}\n`);
  return { state, env: testbedEnv(paths), alreadyRunning: false, pkiGenerated, elapsedMs: Date.now() - t0 };
}

/** Stops every process named by a pid file in <run>/pids (servers and any peers the harness left). */
async function stopAll(paths: RunPaths): Promise<string[]> {
  if (!existsSync(paths.pids)) return [];
  const files = readdirSync(paths.pids).filter((f) => f.endsWith('.pid'));
  const results = await Promise.all(
    files.map(async (f) => {
      const r = await stopProcess(`${paths.pids}/${f}`, KNOWN_COMMS);
      return `${f.replace(/\.pid$/, '')}: ${r}`;
    }),
  );
  return results;
}

export async function stop(runDir: string): Promise<string[]> {
  const paths = runPaths(runDir);
  const results = await stopAll(paths);
  rmSync(paths.state, { force: true });
  return results;
}

/** Kills one domain's Kamailio (the other domain and DNS keep running). */
export async function stopDomain(runDir: string, d: DomainName): Promise<void> {
  const paths = runPaths(runDir);
  await stopProcess(paths.pidFile(procName(d)), KAMAILIO_COMMS);
}

/** Restarts one domain's Kamailio with its existing users (loaded from the db_text user table). */
export async function startDomain(runDir: string, d: DomainName): Promise<void> {
  const paths = runPaths(runDir);
  const state = readState(paths);
  if (!state) throw new TestbedError(`No testbed state in ${runDir}: start the testbed first.`);
  if (isDomainRunning(paths, d)) return;
  writeDomainConfig(paths, d, domainOptions(state, d), false);
  startKamailio(paths, d);
  await waitKamailio(paths, d, Date.now() + 10_000);
}

export interface ProcessStatus {
  readonly name: string;
  readonly pid: number | undefined;
  readonly alive: boolean;
  readonly detail?: string;
}

export async function status(runDir: string): Promise<{ running: boolean; processes: ProcessStatus[]; state?: TestbedState }> {
  const paths = runPaths(runDir);
  const processes: ProcessStatus[] = [];
  const names = existsSync(paths.pids) ? readdirSync(paths.pids).filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -4)) : [];
  for (const name of names.sort()) {
    const pid = readPid(paths.pidFile(name));
    const alive = pid !== undefined && isAlive(pid) && KNOWN_COMMS.includes(commandOf(pid) ?? '');
    let detail: string | undefined;
    const d = DOMAINS.find((x) => procName(x) === name);
    if (alive && d) {
      try {
        const up = await kamcmd(paths.ctlSocket(d), ['core.uptime'], 1000);
        detail = `up ${/uptime:\s*(\d+)/.exec(up)?.[1] ?? '?'} s, sip ${DOMAIN_LAYOUT[d].address}:${SIP_PORT} tcp/udp, :${TLS_PORT} tls`;
      } catch (err) {
        detail = `ctl not answering (${(err as Error).message})`;
      }
    }
    if (alive && name === LCS_PROC) {
      detail = (await pingLcs(paths, 1000)) ? `LCS 2005 SP1 emulation: ${LCS.domain}, edge ${LCS.edgeFqdn} ${LCS.address}:${LCS.port} tls` : 'control channel not answering';
    }
    processes.push({ name, pid, alive, ...(detail ? { detail } : {}) });
  }
  const state = readState(paths);
  return { running: isRunning(paths), processes, ...(state ? { state } : {}) };
}
