#!/usr/bin/env node
// Type-checks every runtime folder against its own tsconfig (its own lib and types), so that, e.g.,
// DOM types are not visible in electron/sip and Node types are not visible in shared/ or renderer/.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The list is shared with test/unit/build/typecheck.test.ts.
const projects = JSON.parse(readFileSync(new URL('./typecheck-projects.json', import.meta.url), 'utf8'));

const root = fileURLToPath(new URL('..', import.meta.url));
{
  let failed = 0;
  for (const project of projects) {
    const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) {
      failed++;
      process.stdout.write(`✗ ${project}\n${r.stdout}${r.stderr}`);
    } else process.stdout.write(`✓ ${project}\n`);
  }
  process.exit(failed ? 1 : 0);
}
