// Every command of the contract reaches a real service: none may still answer "not available in this build".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

test('no contract command is left to the pending placeholder', () => {
  const appCore = readFileSync(resolve(import.meta.dirname, '../../../../electron/core/app-core.ts'), 'utf8');
  const pending = [...appCore.matchAll(/pendingHandlers\(\[([^\]]*)\]/g)].map((m) => m[1]!.trim()).filter(Boolean);
  assert.deepEqual(pending, [], `commands without a service: ${pending.join('; ')}`);
});
