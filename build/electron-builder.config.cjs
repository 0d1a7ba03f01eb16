// electron-builder configuration: `npm run dist` (scripts/dist.mjs) passes it with --config.
// Paths are relative to the repository root (electron-builder's project directory).
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- electron-builder loads this CommonJS file with require()
const afterPack = require('./after-pack.cjs');

// Everything the app runs is bundled into dist/ by esbuild except better-sqlite3 (a native module) and
// electron itself, so the other production dependencies are left out of app.asar.
const BUNDLED_DEPENDENCIES = ['react', 'react-dom', 'scheduler', 'zustand', 'zod', 'ws', 'node-forge'];
// better-sqlite3 needs only `bindings` (and its `file-uri-to-path`) at run time; `prebuild-install` and
// its tree serve `npm install` alone.
const INSTALL_TIME_ONLY = [
  'prebuild-install', 'base64-js', 'bl', 'buffer', 'chownr', 'decompress-response', 'deep-extend', 'detect-libc',
  'end-of-stream', 'expand-template', 'fs-constants', 'github-from-package', 'ieee754', 'inherits', 'ini',
  'mimic-response', 'minimist', 'mkdirp-classic', 'napi-build-utils', 'node-abi', 'once', 'pump', 'rc',
  'readable-stream', 'safe-buffer', 'semver', 'simple-concat', 'simple-get', 'string_decoder',
  'strip-json-comments', 'tar-fs', 'tar-stream', 'tunnel-agent', 'util-deprecate', 'wrappy',
];

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.parley.desktop',
  productName: 'Parley',
  executableName: 'parley',
  copyright: 'Copyright © Parley contributors',
  directories: { output: 'release', buildResources: 'build' },
  asar: true,
  // A .node file cannot be loaded from inside an asar archive.
  asarUnpack: ['node_modules/better-sqlite3/**/*'],
  files: [
    'package.json',
    'dist/**/*',
    '!dist/cli/**',
    '!**/*.map',
    ...[...BUNDLED_DEPENDENCIES, ...INSTALL_TIME_ONLY].map((name) => `!node_modules/${name}{,/**/*}`),
    '!node_modules/better-sqlite3/{src,deps,docs,benchmark}{,/**/*}',
    '!node_modules/better-sqlite3/build/Release/{test_extension.node,obj,obj.target,.deps}{,/**/*}',
  ],
  // The tray icon is read from disk by nativeImage (resources/icons/tray.png; electron/main/main.ts).
  extraResources: [{ from: 'build/icons/tray', to: 'icons', filter: ['*.png'] }],
  // Rebuild native dependencies (better-sqlite3) for Electron's ABI while packaging — here and in
  // `npm start`, never in postinstall (architecture.md decision 7).
  npmRebuild: true,
  buildDependenciesFromSource: false,
  afterPack,
  protocols: [{ name: 'SIP address', schemes: ['sip', 'sips', 'im'] }],
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'build/icons/icon.png',
    category: 'Network',
    synopsis: 'Federated SIP/SIMPLE instant messaging with presence',
    maintainer: 'Parley contributors <parley@example.org>',
    desktop: { entry: { StartupWMClass: 'Parley', Keywords: 'SIP;SIMPLE;IM;chat;presence;Lync;LCS;' } },
  },
  deb: {
    // Keeps electron-builder's default (tray support on GNOME) and adds a keyring daemon: safeStorage
    // needs one to store passwords; without one "remember me" is refused.
    recommends: ['libappindicator3-1 | libayatana-appindicator3-1', 'gnome-keyring | kwalletd6 | kwalletd5'],
  },
  win: { target: ['nsis'], icon: 'build/icons/icon.png' },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: {
    target: ['dmg'],
    icon: 'build/icons/icon.png',
    category: 'public.app-category.social-networking',
    hardenedRuntime: true,
  },
  dmg: { title: 'Parley ${version}' },
};
