#!/usr/bin/env node
// `npm test`: the whole suite in one `node --test` run, so one summary closes it.
// Node 20's runner takes no globs and has no global setup (architecture.md decision 7), so this script
// finds the test files, makes sure the Debian packages are there, builds what the browser test serves,
// starts the two-domain testbed when integration tests are selected, runs them, and exits with the
// runner's code.
import { spawnSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
process.chdir(root);

function listTests(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'fixtures' || name === 'node_modules') continue;
      out.push(...listTests(p));
    } else if (/\.test\.(ts|mts|tsx)$/.test(name)) out.push(p);
  }
  return out.sort();
}

function ensureDebianPackages() {
  const wanted = readFileSync('scripts/debian-packages.txt', 'utf8')
    .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const missing = wanted.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
  if (missing.length === 0) return;
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`The tests need these Debian packages. Run as root:\n  apt-get update && ${line}`);
    process.exit(1);
  }
  console.log(`Installing Debian packages the tests need: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const cmd of ['apt-get update', line]) {
    const r = spawnSync('sh', ['-c', cmd], { stdio: 'inherit', env });
    if (r.status !== 0) { console.error(`failed: ${cmd}`); process.exit(1); }
  }
}

const args = process.argv.slice(2);
const selected = args.length
  ? args.flatMap((a) => (existsSync(a) && statSync(a).isDirectory() ? listTests(a) : [a]))
  : listTests('test');
const needsTestbed = selected.some((f) => /^(integration|e2e)/.test(relative('test', f)));

ensureDebianPackages();

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const env = { ...process.env };
let stopTestbed = () => {};
if (needsTestbed) {
  // The testbed CLI prints, as its last line with --json, {"env": {...}} for the tests to find it.
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/testbed/cli.ts', 'start', '--json'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) { console.error(r.stdout); console.error('testbed failed to start'); process.exit(1); }
  const started = JSON.parse(r.stdout.trim().split('\n').pop());
  Object.assign(env, started.env);
  console.log(started.alreadyRunning ? 'using the testbed that is already running (left running)' : `testbed up in ${Date.now() - t0} ms`);
  // A testbed someone started by hand (npm run testbed -- start) is theirs to stop.
  if (!started.alreadyRunning) stopTestbed = async () => {
    spawnSync(process.execPath, ['--import', 'tsx', 'test/testbed/cli.ts', 'stop'], { stdio: 'inherit', env });
  };
}

// Files that stop or restart a testbed domain (they say so with an `@test-exclusive` line near the top)
// run after the rest, one at a time: everything else runs concurrently, since most integration tests spend
// their time waiting on the network, and a domain going down under them would fail them for nothing.
// Browser tests run there too: each drives a Chromium, and four at once starve a 2-core machine into timeouts.
const isExclusive = (file) => relative('test', file).startsWith('e2e') || /@test-exclusive\b/.test(readFileSync(file, 'utf8').slice(0, 2000));
const exclusive = selected.filter(isExclusive);
const shared = selected.filter((f) => !exclusive.includes(f));

/** Runs one `node --test` phase, echoing its output, and returns its exit code and pass/fail counts. */
async function runPhase(files, concurrency) {
  if (files.length === 0) return { code: 0, pass: 0, fail: 0 };
  // A per-test limit, so a test that waits forever fails instead of holding the suite (tests may ask for more).
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=240000', ...files], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  let tail = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    tail = (tail + chunk).slice(-4000);
  });
  const code = await new Promise((res) => child.on('exit', (c, sig) => res(c ?? (sig ? 1 : 0))));
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tail)?.[1] ?? 0);
  return { code, pass: count('pass'), fail: count('fail') + count('cancelled') };
}

const first = await runPhase(shared, Number(process.env.PARLEY_TEST_CONCURRENCY ?? 4));
const second = await runPhase(exclusive, 1);
await stopTestbed();
// One closing line for the whole suite across both phases.
console.log(`${first.pass + second.pass} passed, ${first.fail + second.fail} failed`);
process.exit(first.code || second.code);
