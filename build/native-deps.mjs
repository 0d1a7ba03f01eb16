// better-sqlite3 is a native module: built for Node by `npm ci` (so `npm test` works), rebuilt for
// Electron's ABI only right before the app runs (`npm start`) or is packaged (`npm run dist`), and put
// back to the Node build afterwards (architecture.md decision 7: never in postinstall).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const quiet = { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' };

/** `electron-builder install-app-deps`: rebuilds production native deps for the installed Electron. */
export function rebuildForElectron(root) {
  const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'install-app-deps'], { ...quiet, cwd: root });
  return { ok: r.status === 0, stderr: r.stderr ?? '' };
}

/** `npm rebuild better-sqlite3`: the Node build again (prebuilt binary, or compiled from source). */
export function rebuildForNode(root) {
  const npm = process.env.npm_execpath;
  const r = npm
    ? spawnSync(process.execPath, [npm, 'rebuild', 'better-sqlite3'], { ...quiet, cwd: root })
    : spawnSync('npm', ['rebuild', 'better-sqlite3'], { ...quiet, cwd: root, shell: process.platform === 'win32' });
  return { ok: r.status === 0, stderr: r.stderr ?? '' };
}
