// The emulated LCS 2005 SP1 domain as a process: `node lcs-server.mjs <run dir>` (testbed.ts bundles this file and
// starts it by PID like dnsmasq and Kamailio). Its log, with every SIP message in and out, is <run>/lcs/lcs.log.
import { readFileSync } from 'node:fs';
import { controlServer } from './control-server';
import { LcsEdge } from './edge';
import { CERT, DNS_ADDRESS, DNS_PORT, LCS, runPaths } from '../layout';

async function main(): Promise<void> {
  const runDir = process.argv[2];
  if (!runDir) throw new Error('usage: lcs-server <run dir>');
  const paths = runPaths(runDir);
  const stamp = () => new Date().toISOString();
  const edge = new LcsEdge({
    domain: LCS.domain,
    edgeFqdn: LCS.edgeFqdn,
    address: LCS.address,
    port: LCS.port,
    key: readFileSync(paths.key(CERT.lcsEdge), 'utf8'),
    cert: readFileSync(paths.cert(CERT.lcsEdge), 'utf8'),
    ca: readFileSync(paths.cert(CERT.ca), 'utf8'),
    dnsServer: `${DNS_ADDRESS}:${DNS_PORT}`,
    log: (line) => process.stdout.write(`${stamp()} ${line}\n`),
  });
  await edge.start();
  const control = controlServer(edge, { domain: LCS.domain, edge: `${LCS.edgeFqdn}:${LCS.port}`, address: LCS.address, pid: process.pid });
  await control.listen(paths.lcsControl);
  process.stdout.write(`${stamp()} LCS 2005 SP1 emulation for ${LCS.domain} on tls:${LCS.address}:${LCS.port}, control ${paths.lcsControl}\n`);
  const shutdown = () => {
    void Promise.all([control.close(), edge.stop()]).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`LCS emulation failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
