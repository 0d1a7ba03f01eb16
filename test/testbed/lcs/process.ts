// Starting the LCS emulation as a testbed process: main.ts is bundled with esbuild into the run directory (rebuilt
// only when a source is newer: tsx would add about a second to every start) and run with plain node, by PID.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { REPO_ROOT, TESTBED_SRC } from '../layout';
import type { RunPaths } from '../layout';
import { startProcess } from '../processes';

export const LCS_PROC = 'lcs';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function bundlePath(paths: RunPaths): string {
  return join(paths.lcsDir, 'lcs-server.mjs');
}

/** Bundles main.ts unless the bundle is newer than every source it can contain. */
export async function ensureBundle(paths: RunPaths): Promise<boolean> {
  const out = bundlePath(paths);
  mkdirSync(paths.lcsDir, { recursive: true });
  if (existsSync(out)) {
    const built = statSync(out).mtimeMs;
    const sources = Math.max(newestMtime(join(TESTBED_SRC, 'lcs')), statSync(join(TESTBED_SRC, 'layout.ts')).mtimeMs, newestMtime(join(REPO_ROOT, 'electron', 'sip')));
    if (built > sources) return false;
  }
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(TESTBED_SRC, 'lcs', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    // npm packages stay imports, resolved from the repository's node_modules (the run dir is inside it).
    packages: 'external',
    sourcemap: true,
    logLevel: 'error',
  });
  return true;
}

export function startLcs(paths: RunPaths): void {
  mkdirSync(paths.lcsDir, { recursive: true });
  startProcess(process.execPath, ['--enable-source-maps', bundlePath(paths), paths.runDir], { pidFile: paths.pidFile(LCS_PROC), logFile: paths.lcsLog });
}

/** One control-channel call answered, or an error. */
export function pingLcs(paths: RunPaths, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: paths.lcsControl, path: '/health', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}
