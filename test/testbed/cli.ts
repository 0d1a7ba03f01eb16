// npm run testbed -- start [--json] [--run-dir DIR] [--alpha-client-cert valid|rogue|expired] | stop | status
// `start --json` prints, as its last stdout line, {"env": {...}}: the variables integration tests read
// (scripts/test.mjs merges them into the test runner's environment).
import { resolve } from 'node:path';
import { CERT, DEFAULT_RUN_DIR, DNS_ADDRESS, DNS_PORT, DOMAINS, DOMAIN_LAYOUT, SIP_PORT, TLS_PORT, runPaths } from './layout';
import type { ServerCertChoice } from './layout';
import { start, status, stop } from './testbed';
import { createUser } from './users';

const USAGE = `usage: npm run testbed -- <start|stop|status> [options]
  start [--json] [--run-dir DIR] [--alpha-client-cert valid|rogue|expired] [--beta-client-cert ...] [--no-demo-users]
  stop  [--run-dir DIR]
  status [--run-dir DIR] [--json]`;

function parse(argv: string[]) {
  const [command, ...rest] = argv;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${USAGE}`);
    const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (v !== undefined) flags.set(k, v);
    else if (['run-dir', 'alpha-client-cert', 'beta-client-cert'].includes(k)) flags.set(k, rest[++i] ?? '');
    else flags.set(k, true);
  }
  return { command, flags };
}

function certChoice(v: string | true | undefined): ServerCertChoice | undefined {
  if (v === undefined) return undefined;
  if (v === 'valid' || v === 'rogue' || v === 'expired') return v;
  throw new Error(`certificate choice must be valid, rogue or expired (got ${String(v)})`);
}

async function main() {
  const { command, flags } = parse(process.argv.slice(2));
  const runDir = resolve(typeof flags.get('run-dir') === 'string' ? (flags.get('run-dir') as string) : process.env.PARLEY_TESTBED_DIR ?? DEFAULT_RUN_DIR);
  const json = flags.has('json');
  if (command === 'start') {
    const r = await start({
      runDir,
      alphaServerCert: certChoice(flags.get('alpha-client-cert')),
      betaServerCert: certChoice(flags.get('beta-client-cert')),
    });
    const paths = runPaths(runDir);
    console.log(
      `testbed ${r.alreadyRunning ? 'already running' : 'started'} in ${r.elapsedMs} ms${r.pkiGenerated ? ' (test PKI generated)' : ''}: ${runDir}`,
    );
    if (!json) {
      // Two demo users per domain so a person can sign in by hand straight away.
      const demo = flags.has('no-demo-users')
        ? []
        : await Promise.all(DOMAINS.flatMap((d) => [createUser(runDir, d, { name: 'alice', password: 'alice-password' }), createUser(runDir, d, { name: 'bob', password: 'bob-password' })]));
      console.log(`
Domains (each: registrar + presence server + proxy; federation between them only over mutual TLS):`);
      for (const d of DOMAINS) {
        const l = DOMAIN_LAYOUT[d];
        console.log(`  ${d.padEnd(11)} ${l.address}  tcp/udp :${SIP_PORT}  tls :${TLS_PORT}   (also sip.${d})` +
          (l.rogueTlsAddress ? `\n${' '.repeat(15)}${l.rogueTlsAddress}:${TLS_PORT} presents a rogue-CA cert, ${l.expiredTlsAddress}:${TLS_PORT} an expired one` : ''));
      }
      console.log(`DNS server:   ${DNS_ADDRESS}:${DNS_PORT} (SRV _sips._tcp, _sip._tls, _sipfederationtls._tcp, _sip._tcp; NAPTR; A)
Trust CA:     ${paths.cert(CERT.ca)}
Sign in by hand with your home server as outbound proxy (e.g. sip:sip.alpha.test:5061;transport=tls or ${DOMAIN_LAYOUT['alpha.test'].address}:5060 tcp):`);
      for (const u of demo) console.log(`  ${u.aor.padEnd(22)} password ${u.password}`);
      console.log(`More users: import { createUser } from 'test/testbed/users' (or the harness: tb.createUser('alpha.test')).
Logs and decrypted SIP (sipdump): ${runDir}/<alpha|beta>/
Stop with: npm run testbed -- stop`);
    }
    if (json) console.log(JSON.stringify({ env: r.env, alreadyRunning: r.alreadyRunning }));
    return;
  }
  if (command === 'stop') {
    const t0 = Date.now();
    const results = await stop(runDir);
    console.log(results.length ? results.join('\n') : 'nothing was running');
    console.log(`stopped in ${Date.now() - t0} ms`);
    return;
  }
  if (command === 'status') {
    const s = await status(runDir);
    if (json) {
      console.log(JSON.stringify(s));
      return;
    }
    console.log(`testbed ${s.running ? 'RUNNING' : 'NOT running'} (${runDir})${s.state ? `, started ${s.state.startedAt}` : ''}`);
    for (const p of s.processes) console.log(`  ${p.name.padEnd(16)} pid ${String(p.pid ?? '-').padEnd(8)} ${p.alive ? 'alive' : 'dead'}${p.detail ? `  ${p.detail}` : ''}`);
    if (s.state) console.log(`  server certificates: ${DOMAINS.map((d) => `${d}=${s.state?.serverCert[d]}`).join(', ')}`);
    process.exitCode = s.running ? 0 : 3;
    return;
  }
  console.error(USAGE);
  process.exitCode = 2;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
