// `npm run start:web`: the same UI as the desktop app, in any browser on this machine.
//   npm run start:web -- [--port=N] [--dns=ip[:port]] [--ca=FILE] [--profile=DIR]
// (or PARLEY_DNS / PARLEY_CA / PARLEY_PROFILE): --dns and --ca point sign-in at a private DNS server and CA,
// e.g. the testbed's (npm run testbed -- start prints them).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppCore } from '../core/app-core';
import { defaultProfileDir, nodePlatform } from '../core/platform/node-platform';
import { ActivityIdleSource } from '../core/presence/idle-source';
import { startHost } from './host-server';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const { values } = parseArgs({
  options: { port: { type: 'string' }, dns: { type: 'string' }, ca: { type: 'string' }, profile: { type: 'string' } },
});
const dns = values.dns ?? process.env.PARLEY_DNS;
const ca = values.ca ?? process.env.PARLEY_CA;

const core = createAppCore(nodePlatform('web', values.profile ?? defaultProfileDir()), {
  log: (line) => console.error(line),
  // A browser has no OS idle time: the UI reports key and pointer activity (app.activity) instead.
  idle: new ActivityIdleSource(),
  sip: {
    ...(dns ? { dnsServers: [dns] } : {}),
    ...(ca ? { extraCaCertificates: [readFileSync(ca, 'utf8')] } : {}),
  },
});
const host = await startHost({
  core,
  rendererDir: resolve(repoRoot, 'dist/renderer'),
  port: values.port ? Number(values.port) : 0,
  log: (line) => console.error(line),
});
console.log(`Parley is serving on loopback only. Open this URL (it carries this run's access token):`);
console.log(host.url);

const stop = async () => {
  await host.close();
  await core.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
