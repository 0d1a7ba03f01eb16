#!/usr/bin/env node
// `npm run dist`: build the bundles, then package installers with electron-builder
// (build/electron-builder.config.cjs): AppImage and deb on Linux, NSIS on Windows, dmg on macOS, for the
// OS it runs on unless told otherwise (`npm run dist -- --linux --win`, `-- --dir` for an unpacked app).
// electron-builder downloads Electron and rebuilds better-sqlite3 for it, so it needs Node >= 22.12
// (Electron's tooling) and internet; where either is missing we say so in one sentence and stop.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distProblem } from '../build/dist-checks.mjs';
import { rebuildForNode } from '../build/native-deps.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const HINT = 'run `npm run dist` on a machine with Node.js 22.12 or newer and internet access (README: "Desktop app and installers")';

function giveUp(reason) {
  console.error(`Parley's installers cannot be built: ${reason}; ${HINT}.`);
  process.exit(1);
}

async function canDownload() {
  if (process.env.ELECTRON_MIRROR) return true;
  try {
    await fetch('https://github.com/electron/electron/releases', { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    return true;
  } catch {
    return false;
  }
}

const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
const nodeVersion = process.versions.node;
// Checked in this order so an old Node fails at once, without a network probe.
const problem =
  distProblem({ nodeVersion, hasElectronBuilder: true, canDownload: true }) ??
  distProblem({ nodeVersion, hasElectronBuilder: existsSync(cli), canDownload: await canDownload() });
if (problem) giveUp(problem);

const env = { ...process.env, NODE_ENV: 'production' };
const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit', env });
if (built.status !== 0) process.exit(built.status ?? 1);

// npmRebuild in the config rebuilds better-sqlite3 for Electron in node_modules while packaging.
const packaged = spawnSync(process.execPath, [cli, '--config', 'build/electron-builder.config.cjs', '--publish', 'never', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env,
});
console.log('Restoring the Node.js build of better-sqlite3 (for `npm test` and the CLI)…');
const restored = rebuildForNode(root);
if (!restored.ok) console.error(`Could not restore better-sqlite3 for Node.js; run \`npm rebuild better-sqlite3\`.\n${restored.stderr}`);
if (packaged.status === 0) console.log('Installers are in release/.');
process.exit(packaged.status ?? 1);
