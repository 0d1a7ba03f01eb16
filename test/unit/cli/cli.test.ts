// The built `parley` bin (dist/cli/parley.cjs, made by scripts/build.mjs before the suite runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'dist/cli/parley.cjs');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
const run = (...args: string[]) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, PARLEY_PROFILE: mkdtempSync(join(tmpdir(), 'parley-cli-')) } });

test('parley --version prints the package version', () => {
  const r = run('--version');
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), `Parley ${version}`);
});

test('parley --help lists the commands; no command is a usage error', () => {
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: parley <command>/);
  assert.match(help.stdout, /accounts list/);
  assert.equal(run().status, 2);
  const bad = run('frobnicate');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown command "frobnicate"/);
  assert.equal(run('--no-such-flag').status, 2);
});

test('parley info --json goes through the IPC contract', () => {
  const r = run('info', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { name: 'Parley', version, platform: process.platform, carrier: 'cli' });
});

test('parley accounts list reads the profile', () => {
  const profile = mkdtempSync(join(tmpdir(), 'parley-cli-profile-'));
  const account = { id: 'a', aor: 'sip:alice@alpha.test', displayName: 'Alice', transport: 'tls', rememberPassword: false };
  writeFileSync(join(profile, 'accounts.json'), JSON.stringify({ version: 1, accounts: [account] }));
  const r = spawnSync(bin, ['accounts', 'list', '--json', '--profile', profile], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [account]);
  const text = spawnSync(bin, ['accounts', 'list', '--profile', profile], { encoding: 'utf8' });
  assert.match(text.stdout, /sip:alice@alpha\.test\s+Alice/);
});
