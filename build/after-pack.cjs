// electron-builder afterPack hook: flips Electron's fuses in the packaged binary, before signing
// (electron-builder signs after afterPack, so the signature covers the flipped binary).
// - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn Parley into a general Node.js interpreter;
// - NODE_OPTIONS and --inspect/--inspect-brk off: no code injection or debugger through the environment
//   or the command line;
// - embedded asar integrity validation on (macOS, Windows; Linux has no support and ignores it) and
//   only-load-app-from-asar on: the app that runs is the app.asar we shipped, unmodified.
// Other fuses keep Electron's defaults (GrantFileProtocolExtraPrivileges must stay on: the renderer is
// loaded from file://). @electron/fuses is ESM-only, hence the dynamic import.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS hook, loaded by electron-builder with require()
const { join } = require('node:path');

/** The fuses we set, by their @electron/fuses FuseV1Options names. */
const PARLEY_FUSES = Object.freeze({
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
});

/** electron-builder's Arch enum: ia32 0, x64 1, armv7l 2, arm64 3, universal 4. */
const ARCH_ARM64 = 3;
const ARCH_UNIVERSAL = 4;

/** Where the packaged Electron binary (or .app bundle) is, as electron-builder lays it out. */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const productFilename = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${productFilename}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${productFilename}.exe`);
  return join(appOutDir, packager.executableName ?? productFilename);
}

/** The config object flipFuses takes, built from PARLEY_FUSES and the library's own enums. */
function fuseConfig(fusesModule, context) {
  const config = {
    version: fusesModule.FuseVersion.V1,
    // Flipping a fuse breaks the ad-hoc signature Apple Silicon requires even for unsigned builds.
    resetAdHocDarwinSignature:
      (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') &&
      (context.arch === ARCH_ARM64 || context.arch === ARCH_UNIVERSAL),
  };
  for (const [name, value] of Object.entries(PARLEY_FUSES)) {
    const index = fusesModule.FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`@electron/fuses has no fuse named ${name}`);
    config[index] = value;
  }
  return config;
}

/** The hook. `loadFuses` is injectable so tests can check what would be flipped without a binary. */
async function flipParleyFuses(context, loadFuses = () => import('@electron/fuses')) {
  const fusesModule = await loadFuses();
  const target = electronBinaryPath(context);
  await fusesModule.flipFuses(target, fuseConfig(fusesModule, context));
  return target;
}

module.exports = async function afterPack(context) {
  await flipParleyFuses(context);
};
module.exports.PARLEY_FUSES = PARLEY_FUSES;
module.exports.electronBinaryPath = electronBinaryPath;
module.exports.fuseConfig = fuseConfig;
module.exports.flipParleyFuses = flipParleyFuses;
