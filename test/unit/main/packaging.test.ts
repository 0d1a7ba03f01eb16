// Packaging (build/): the electron-builder configuration, the afterPack fuses hook, the icons, and
// `npm run dist`'s refusal on machines that cannot package. Kept with the desktop shell's tests because
// it is that work; nothing here needs the Electron binary or the network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const require = createRequire(join(root, 'package.json'));
const config = require('./build/electron-builder.config.cjs');
const hook = require('./build/after-pack.cjs');

test('app id, product name, asar on with better-sqlite3 unpacked, protocols', () => {
  assert.equal(config.appId, 'org.parley.desktop');
  assert.equal(config.productName, 'Parley');
  assert.equal(config.asar, true);
  assert.deepEqual(config.asarUnpack, ['node_modules/better-sqlite3/**/*']);
  assert.equal(config.npmRebuild, true, 'better-sqlite3 is rebuilt for Electron while packaging');
  assert.deepEqual(config.protocols[0].schemes, ['sip', 'sips', 'im']);
});

test('targets: AppImage and deb on Linux, NSIS on Windows, dmg on macOS', () => {
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.win.target, ['nsis']);
  assert.deepEqual(config.mac.target, ['dmg']);
});

test('files: the bundles and package.json, not the CLI, source maps or bundled dependencies', () => {
  assert.ok(config.files.includes('dist/**/*'));
  assert.ok(config.files.includes('package.json'));
  assert.ok(config.files.includes('!dist/cli/**'));
  assert.ok(config.files.includes('!**/*.map'));
  for (const bundled of ['react', 'zod', 'ws', 'node-forge', 'prebuild-install']) {
    assert.ok(config.files.includes(`!node_modules/${bundled}{,/**/*}`), bundled);
  }
  assert.ok(!config.files.some((f: string) => /^!node_modules\/(better-sqlite3|bindings|file-uri-to-path)\{/.test(f)), 'runtime deps of better-sqlite3 stay');
  // package.json's main is what Electron starts, and it must be inside the packaged files.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.main, 'dist/main/main.cjs');
  assert.match(pkg.scripts.dist, /scripts\/dist\.mjs/);
});

test('the fuses hook is the afterPack hook', () => {
  assert.equal(config.afterPack, hook);
  assert.equal(typeof hook, 'function');
});

test("electron-builder's own schema accepts the configuration (and would reject a typo)", async () => {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = require('builder-util');
  await validateConfiguration(config, new DebugLogger(false));
  await assert.rejects(validateConfiguration({ ...config, asarr: true }, new DebugLogger(false)), /unknown property 'asarr'/);
});

test('icons: a 512×512 PNG for the installers, a tray PNG shipped as an extra resource', () => {
  for (const [file, size] of [['build/icons/icon.png', 512], ['build/icons/tray/tray.png', 64]] as const) {
    const png = readFileSync(join(root, file));
    assert.equal(png.subarray(1, 4).toString(), 'PNG', file);
    // IHDR: width and height are the first two big-endian words of the first chunk's data.
    assert.equal(png.readUInt32BE(16), size, `${file} width`);
    assert.equal(png.readUInt32BE(20), size, `${file} height`);
  }
  for (const platform of [config.linux, config.win, config.mac]) assert.ok(existsSync(join(root, platform.icon)));
  assert.deepEqual(config.extraResources, [{ from: 'build/icons/tray', to: 'icons', filter: ['*.png'] }]);
});

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's fuse defaults: RunAsNode 1, CookieEncryption 0, NodeOptions 1, CliInspect 1,
// AsarIntegrity 0, OnlyLoadFromAsar 0, V8Snapshot 0, FileProtocolPrivileges 1, WasmTrapHandlers 1.
const DEFAULT_WIRE = '101100011';

async function fakeElectronBinary(path: string): Promise<void> {
  const wire = Buffer.from(DEFAULT_WIRE);
  await writeFile(path, Buffer.concat([Buffer.alloc(1000, 0x90), Buffer.from(SENTINEL), Buffer.from([1, wire.length]), wire, Buffer.alloc(1000, 0x90)]));
}
async function wireOf(path: string): Promise<string> {
  const bytes = await readFile(path);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length;
  return bytes.subarray(at + 2, at + 2 + bytes[at + 1]!).toString();
}

test('the hook flips exactly the five fuses in a binary (real @electron/fuses, fake Electron binary)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-fuses-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await fakeElectronBinary(join(dir, 'parley'));
  const context = { appOutDir: dir, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'parley', appInfo: { productFilename: 'Parley' } } };
  await hook(context);
  // RunAsNode, NodeOptions, CliInspect → 0; AsarIntegrity, OnlyLoadFromAsar → 1; the rest untouched.
  assert.equal(await wireOf(join(dir, 'parley')), '000011011');
});

test('the hook targets the right file per platform and resets the ad-hoc signature on Apple Silicon', async () => {
  const calls: Array<{ path: string; config: Record<string | number, unknown> }> = [];
  const realFuses = await import('@electron/fuses');
  const fakeFuses = { ...realFuses, flipFuses: async (path: string, cfg: Record<string | number, unknown>) => void calls.push({ path, config: cfg }) };
  const packager = { executableName: 'parley', appInfo: { productFilename: 'Parley' } };
  await hook.flipParleyFuses({ appOutDir: '/out/win', electronPlatformName: 'win32', arch: 1, packager }, async () => fakeFuses);
  await hook.flipParleyFuses({ appOutDir: '/out/mac', electronPlatformName: 'darwin', arch: 3, packager }, async () => fakeFuses);
  await hook.flipParleyFuses({ appOutDir: '/out/mac', electronPlatformName: 'darwin', arch: 1, packager }, async () => fakeFuses);
  assert.deepEqual(calls.map((c) => c.path), [join('/out/win', 'Parley.exe'), join('/out/mac', 'Parley.app'), join('/out/mac', 'Parley.app')]);
  assert.deepEqual(calls.map((c) => c.config.resetAdHocDarwinSignature), [false, true, false]);
  const { FuseV1Options } = realFuses;
  assert.deepEqual(calls[0]!.config, {
    version: realFuses.FuseVersion.V1,
    resetAdHocDarwinSignature: false,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
  });
});

test('dist prerequisites: Node ≥ 22.12, electron-builder, a way to download Electron', async () => {
  const { distProblem } = await import(join(root, 'build/dist-checks.mjs'));
  const ok = { nodeVersion: '22.12.0', hasElectronBuilder: true, canDownload: true };
  assert.equal(distProblem(ok), undefined);
  assert.equal(distProblem({ ...ok, nodeVersion: '24.1.0' }), undefined);
  assert.match(distProblem({ ...ok, nodeVersion: '22.11.9' }), /Node\.js 22\.12 or newer \(this is Node\.js 22\.11\.9\)/);
  assert.match(distProblem({ ...ok, nodeVersion: '20.19.0' }), /Node\.js 22\.12/);
  assert.match(distProblem({ ...ok, hasElectronBuilder: false }), /npm ci/);
  assert.match(distProblem({ ...ok, canDownload: false }), /no internet access/);
});

// On Node >= 22.12 the script would really package (network, minutes): the branch above covers its checks.
const nodeCanPackage = process.versions.node.localeCompare('22.12', undefined, { numeric: true }) >= 0;

test('npm run dist on an old Node explains itself in one sentence', { skip: nodeCanPackage && 'this Node could package' }, () => {
  const r = spawnSync(process.execPath, ['scripts/dist.mjs'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^Parley's installers cannot be built: .+; run `npm run dist` on a machine with Node\.js 22\.12 or newer and internet access .+\.$/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

// A real electron-builder run on this machine: unpacked Linux app (`--dir`) from a stand-in Electron
// distribution (a file carrying the fuse sentinel, since the real binary cannot be downloaded here) and
// without the Electron rebuild of better-sqlite3 (that needs the network). It exercises the file
// selection, asar packing and unpacking, extra resources and the afterPack fuses hook for real.
test('electron-builder packs an unpacked Linux app with this configuration', { timeout: 180_000 }, async (t) => {
  if (!existsSync(join(root, 'dist/main/main.cjs'))) {
    const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
  }
  const work = await mkdtemp(join(tmpdir(), 'parley-pack-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const electronDist = join(work, 'electron-dist');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(electronDist);
  await fakeElectronBinary(join(electronDist, 'electron'));
  await writeFile(join(electronDist, 'LICENSE'), 'stand-in');
  const out = join(work, 'release');
  const r = spawnSync(
    process.execPath,
    [require.resolve('electron-builder/cli.js'), '--config', 'build/electron-builder.config.cjs', '--linux', 'dir', '--publish', 'never',
      `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${out}`],
    { cwd: root, encoding: 'utf8', timeout: 170_000, env: { ...process.env, CI: '1' } },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const app = join(out, 'linux-unpacked');
  assert.equal(await wireOf(join(app, 'parley')), '000011011', 'fuses flipped by the afterPack hook');
  const asar = require('@electron/asar');
  const files: string[] = asar.listPackage(join(app, 'resources', 'app.asar'), {});
  for (const needed of ['/package.json', '/dist/main/main.cjs', '/dist/preload/preload.cjs', '/dist/renderer/index.html', '/node_modules/better-sqlite3/lib/index.js', '/node_modules/bindings/bindings.js']) {
    assert.ok(files.includes(needed), `${needed} is packed`);
  }
  for (const left of ['/node_modules/react', '/node_modules/prebuild-install', '/dist/cli', '/dist/main/main.cjs.map']) {
    assert.ok(!files.includes(left), `${left} is left out`);
  }
  assert.ok(existsSync(join(app, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')), 'native module unpacked');
  assert.ok(existsSync(join(app, 'resources', 'icons', 'tray.png')), 'tray icon shipped');
});
