#!/usr/bin/env node
// `npm start`: build, then launch the desktop app with the Electron binary. Electron 45 fetches its
// binary on first launch and its installer needs Node >= 22.12 and internet; where either is missing we
// say so in one sentence and point to the browser host instead of showing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuildForElectron, rebuildForNode } from '../build/native-deps.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const HINT = 'run `npm run start:web` to use the same Parley UI in your browser instead.';

function giveUp(reason) {
  console.error(`Parley's desktop app cannot start: ${reason}; ${HINT}`);
  process.exit(1);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  giveUp(`the Electron binary needs Node.js 22.12 or newer to be installed (this is Node.js ${process.versions.node})`);
}

let electronDir;
try {
  electronDir = dirname(require.resolve('electron/package.json'));
} catch {
  giveUp('the electron package is not installed (run `npm ci` first)');
}

// Fetch the binary quietly ourselves, so a failure becomes one sentence instead of install.js's trace.
function binaryPath() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const full = join(electronDir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(full) ? full : undefined;
}
if (!binaryPath()) {
  console.log('Downloading the Electron binary (first launch only)…');
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { encoding: 'utf8' });
  if (r.status !== 0 || !binaryPath()) giveUp('the Electron binary could not be downloaded (no internet access?)');
}

const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

// better-sqlite3 for Electron's ABI now that the binary is here; the Node build comes back on exit so
// `npm test` and the CLI keep working (architecture.md decision 7).
console.log('Rebuilding native modules for Electron…');
if (!rebuildForElectron(root).ok) giveUp('better-sqlite3 could not be rebuilt for Electron (no internet access?)');

const child = spawn(binaryPath(), [root], { stdio: 'inherit' });
child.on('exit', (code) => {
  console.log('Restoring the Node.js build of better-sqlite3…');
  if (!rebuildForNode(root).ok) console.error('Could not restore better-sqlite3 for Node.js; run `npm rebuild better-sqlite3`.');
  process.exit(code ?? 0);
});
