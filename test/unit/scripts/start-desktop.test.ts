// `npm start` where the Electron binary cannot be had (Node < 22.12 here, no internet): one clear
// sentence that points to the browser host, not a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

test('npm start without the Electron binary explains itself in one sentence', { skip: Number(process.versions.node.split('.')[0]) >= 22 && 'this machine may be able to run Electron' }, () => {
  const r = spawnSync(process.execPath, ['scripts/start-desktop.mjs'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^Parley's desktop app cannot start: .+; run `npm run start:web` to use the same Parley UI in your browser instead\.$/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
