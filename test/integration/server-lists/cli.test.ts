// Issue 9 item 5: `parley contacts list|add|remove --json` works on the server-side list: an add from one profile
// is listed by a fresh profile of the same account; usage errors exit 2.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../../electron/cli/cli';
import { useTestbed } from '../../testbed/harness';
import type { Testbed, TestUser } from '../../testbed/harness';
import { xcapRoot } from './support';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

async function cli(u: TestUser, args: string[], discover = false) {
  const out: string[] = [];
  const err: string[] = [];
  const root = discover ? [] : ['--xcap-root', xcapRoot(u.domain)];
  const common = ['--account', u.aor, '--password-stdin', '--dns', tb.dns.server, '--ca', tb.pki.ca, ...root, '--profile', mkdtempSync(join(tmpdir(), 'parley-cli-contacts-'))];
  const code = await runCli(['contacts', ...args, ...common], { out: (l) => out.push(l), err: (l) => err.push(l), stdin: Readable.from([`${u.password}\n`]) });
  return { code, out, err };
}

describe('CLI: contacts on the server-side list', () => {
  test('add from one profile, list from another, remove', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const add = await cli(alice, ['add', 'bob@beta.test', '--name', 'Bob', '--group', 'Work', '--json']);
    assert.equal(add.code, 0, add.err.join('\n'));
    assert.equal(JSON.parse(add.out[0]!).server, true);

    const list = await cli(alice, ['list', '--json']);
    assert.equal(list.code, 0, list.err.join('\n'));
    const value = JSON.parse(list.out[0]!);
    assert.deepEqual(value.contacts, [{ uri: 'sip:bob@beta.test', displayName: 'Bob', group: 'Work', blocked: false }]);

    const rm = await cli(alice, ['remove', 'bob@beta.test', '--json']);
    assert.equal(rm.code, 0, rm.err.join('\n'));
    assert.deepEqual((await cli(alice, ['list', '--json'])).out.map((l) => JSON.parse(l).contacts), [[]]);
  });

  test('without --xcap-root the XCAP server is found through DNS (_xcap._tcp SRV)', async (t) => {
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const add = await cli(bob, ['add', 'carol@alpha.test', '--json'], true);
    assert.equal(add.code, 0, add.err.join('\n'));
    assert.equal(JSON.parse(add.out[0]!).server, true);
    const list = await cli(bob, ['list', '--json'], true);
    assert.deepEqual(JSON.parse(list.out[0]!).contacts.map((c: { uri: string }) => c.uri), ['sip:carol@alpha.test']);
  });

  test('usage errors exit 2', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    assert.equal((await cli(alice, ['add'])).code, 2);
    assert.equal((await cli(alice, ['add', 'not an address'])).code, 2);
  });
});
