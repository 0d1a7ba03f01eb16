// `npm run start:web`: the same UI as the desktop app, in any browser on this machine.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppCore } from '../core/app-core';
import { nodePlatform } from '../core/platform/node-platform';
import { startHost } from './host-server';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const portArg = process.argv.find((a) => a.startsWith('--port='));

const core = createAppCore(nodePlatform('web'), (line) => console.error(line));
const host = await startHost({
  core,
  rendererDir: resolve(repoRoot, 'dist/renderer'),
  port: portArg ? Number(portArg.slice('--port='.length)) : 0,
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
