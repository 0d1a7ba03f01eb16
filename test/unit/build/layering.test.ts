// Proves the layering rule bites: each fixture in test/fixtures/layering is a wrong import, linted as
// if it sat in the folder it names, and must be rejected with the layering message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';

const root = resolve(import.meta.dirname, '../../..');
const fixtures = join(root, 'test/fixtures/layering');
const eslint = new ESLint({ cwd: root });

for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.ts'))) {
  test(`layering rejects ${file}`, async () => {
    const text = readFileSync(join(fixtures, file), 'utf8');
    const target = /^\/\/ as: (\S+)/.exec(text)?.[1];
    assert.ok(target, 'fixture names its target path');
    const [result] = await eslint.lintText(text, { filePath: join(root, target) });
    const layering = result!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    assert.equal(layering.length, 1, `${target}: ${JSON.stringify(result!.messages.map((m) => m.message))}`);
  });
}

test('a correct import in the same places passes', async () => {
  const ok = [
    ['shared/ipc/fine.ts', "import { z } from 'zod';\nexport const s = z.string();\n"],
    ['electron/sip/fine.ts', "import { connect } from 'node:tls';\nexport const c = connect;\n"],
    ['electron/main/fine.ts', "import { app } from 'electron';\nexport const a = app;\n"],
  ] as const;
  for (const [path, text] of ok) {
    const [result] = await eslint.lintText(text, { filePath: join(root, path) });
    assert.deepEqual(result!.messages.map((m) => m.message), [], path);
  }
});
