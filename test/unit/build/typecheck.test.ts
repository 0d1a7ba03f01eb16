// Type-checks every runtime folder with its own tsconfig (electron/main against the electron
// package's types), as part of `npm test`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import projects from '../../../scripts/typecheck-projects.json';

const root = resolve(import.meta.dirname, '../../..');

function tsc(project: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--pretty', 'false'], { cwd: root });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

// Two at a time: each tsc is single-threaded, and the machines have two cores.
describe('type-check', { concurrency: 2 }, () => {
  for (const project of projects) {
    test(project, async () => {
      const { code, output } = await tsc(project);
      assert.equal(code, 0, output);
    });
  }
});
