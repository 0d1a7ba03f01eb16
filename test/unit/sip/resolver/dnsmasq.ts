// A private dnsmasq for resolver tests: authoritative for the zone lines we give it, on a random loopback port.
// (dnsmasq-base is installed; the shared testbed one on 127.0.0.10:53 is left alone.)
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Resolver } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Dnsmasq {
  /** "127.0.0.1:<port>" for the resolver's `servers`. */
  readonly server: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A UDP port that was free a moment ago (dnsmasq also takes the same TCP port). */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Starts dnsmasq with `records` (dnsmasq config lines such as `srv-host=…`, `host-record=…`, `naptr-record=…`),
 * authoritative for `.test` (NXDOMAIN for anything else under it), TTL `localTtl` on its answers.
 * `probe` is a name with an A record, queried until dnsmasq answers.
 */
export async function startDnsmasq(records: readonly string[], probe: string, localTtl = 60): Promise<Dnsmasq> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-dnsmasq-'));
  const conf = join(dir, 'dnsmasq.conf');
  await writeFile(conf, ['no-resolv', 'no-hosts', 'local=/test/', `local-ttl=${localTtl}`, ...records, ''].join('\n'));
  const port = await freeUdpPort();
  const child: ChildProcess = spawn(
    'dnsmasq',
    ['--no-daemon', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--pid-file=', `--conf-file=${conf}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server = `127.0.0.1:${port}`;
  const r = new Resolver({ timeout: 200, tries: 1 });
  r.setServers([server]);
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await r.resolve4(probe);
      break;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill();
        throw new Error(`dnsmasq did not start: ${stderr || String(err)}`);
      }
      await new Promise((res) => setTimeout(res, 25));
    }
  }
  return {
    server,
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
