#!/usr/bin/env node
// `npm run bench [-- name…] [-- --quick]`: every benchmark of bench/, one child process each (so one
// benchmark's heap and JIT state never skew the next). Benchmarks that cross the network start or reuse
// the two-domain testbed (root needed). Figures are printed, never asserted: these are measurements.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

/** name → [entry, needs the testbed?, what it measures, preparation] */
const benches = {
  'sip-parser': ['bench/run.ts', false, 'SIP parse throughput and retained heap vs JsSIP and sip (P1–P3)'],
  'presence-parser': ['bench/presence/run.ts', false, 'PIDF extract vs fast-xml-parser and xmldom; 500-body burst (P4, P5)'],
  im: ['bench/im/run.ts', true, 'client cost per message; end-to-end latency over 1000 messages through the testbed'],
  'presence-service': ['bench/presence-service/run.ts', true, '1000 watched contacts on beta.test with paced SUBSCRIBEs'],
  'server-lists': ['bench/server-lists/run.ts', true, 'batched presence: 1000 published contacts on beta.test through the RLS vs the paced fallback'],
  // Measured on a production build (React's development checks make it several times slower).
  ui: ['bench/ui/buddy-list.ts', false, 'buddy list with 5000 contacts in Chromium: first render, frame times under 1000 updates', 'production-build'],
};

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const names = args.filter((a) => !a.startsWith('--'));
const chosen = names.length ? names : Object.keys(benches);
let failed = 0;
for (const name of chosen) {
  const entry = benches[name];
  if (!entry) {
    console.error(`unknown benchmark ${name}; choose from: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  const [file, needsTestbed, what, prepare] = entry;
  if (!existsSync(file)) {
    console.log(`\n## ${name}: not present (${file})`);
    continue;
  }
  console.log(`\n## ${name}: ${what}`);
  if (prepare === 'production-build') {
    const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (built.status !== 0) {
      failed++;
      continue;
    }
  }
  if (needsTestbed) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/testbed/cli.ts', 'start', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) {
      console.error('the testbed could not start (it needs root and the Debian packages of scripts/debian-packages.txt)');
      failed++;
      continue;
    }
    Object.assign(process.env, JSON.parse(r.stdout.trim().split('\n').pop()).env);
  }
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...flags], { stdio: 'inherit', env: process.env });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
