// Lint, and the layering rules of ../shared/architecture.md decision 1: a file's folder says which runtime
// it runs in, and an import that breaks that fails `npm test` (test/unit/build/layering.test.ts proves it).
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'net', 'tls', 'dns', 'crypto', 'child_process', 'http', 'https', 'stream', 'events', 'url', 'util', 'buffer', 'worker_threads', 'zlib', 'dgram'];

/** One rule set per folder: which module specifiers are forbidden there, and why. */
function forbid(patterns, why) {
  return {
    'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message: why })) }],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'test/fixtures/**', '.testbed/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: forbid(['electron', ...nodeBuiltins, '**/electron/**', '**/renderer/**', 'react', 'zustand'],
      'shared/ is plain TypeScript: no Electron, no Node built-ins, no DOM, no imports from other runtimes.'),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: forbid(['electron', ...nodeBuiltins, '**/electron/**'],
      'renderer/ runs in a sandboxed page: only DOM, React, zustand and shared/ (through the bridge).'),
  },
  {
    files: ['electron/sip/**/*.ts'],
    rules: forbid(['electron', '**/shared/**', '**/core/**', '**/main/**', '**/host/**', '**/cli/**', '**/renderer/**'],
      'electron/sip/ is the Node-only SIP stack: node:* built-ins and its own lower layers only.'),
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: forbid(['electron', '**/main/**', '**/host/**', '**/cli/**', '**/preload/**', '**/renderer/**'],
      'electron/core/ runs without Electron: it may import electron/sip and shared/ only; platform facilities are injected.'),
  },
  {
    files: ['electron/host/**/*.ts', 'electron/cli/**/*.ts'],
    rules: forbid(['electron', '**/main/**', '**/preload/**', '**/renderer/**'],
      'the headless host and the CLI run in plain Node: they may import electron/core, electron/sip and shared/, never electron.'),
  },
  {
    files: ['electron/main/**/*.ts'],
    rules: forbid(['**/renderer/**', '**/preload/**'],
      'electron/main/ must not import the renderer or the preload: they run in other processes.'),
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: forbid([...nodeBuiltins, '**/sip/**', '**/core/**', '**/main/**', '**/renderer/**'],
      'the sandboxed preload may import only electron (contextBridge, ipcRenderer) and shared/ipc.'),
  },
);
