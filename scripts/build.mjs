#!/usr/bin/env node
// Builds every bundle with esbuild (about a second): the renderer for Electron and the headless host,
// the preload as one CommonJS file (a sandboxed preload cannot require modules), Electron main, and
// the `parley` CLI. Type-checking is separate (scripts/typecheck.mjs), as esbuild only strips types.
import { build } from 'esbuild';
import { chmod, copyFile, cp, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const production = process.env.NODE_ENV === 'production';

await rm('dist', { recursive: true, force: true });
await mkdir('dist/renderer', { recursive: true });

const common = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none', minify: production };

await Promise.all([
  build({
    ...common,
    entryPoints: { app: 'renderer/src/main.tsx' },
    outdir: 'dist/renderer',
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  }),
  build({
    ...common,
    entryPoints: { app: 'renderer/src/styles/app.css' },
    outdir: 'dist/renderer',
  }),
  build({
    ...common,
    entryPoints: ['electron/preload/preload.ts'],
    outfile: 'dist/preload/preload.cjs',
    format: 'cjs',
    platform: 'node',
    target: ['node20'],
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: ['electron/main/main.ts'],
    outfile: 'dist/main/main.cjs',
    format: 'cjs',
    platform: 'node',
    target: ['node20'],
    external: ['electron', 'better-sqlite3'],
  }),
  build({
    ...common,
    entryPoints: ['electron/cli/main.ts'],
    outfile: 'dist/cli/parley.cjs',
    format: 'cjs',
    platform: 'node',
    target: ['node20'],
    external: ['better-sqlite3'],
    banner: { js: '#!/usr/bin/env node' },
  }),
]);
await copyFile('renderer/index.html', 'dist/renderer/index.html');
await cp('renderer/public', 'dist/renderer', { recursive: true });
await chmod('dist/cli/parley.cjs', 0o755);
