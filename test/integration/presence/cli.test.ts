// `parley presence set` and `parley watch --json` against the testbed: bob sets Busy with a note and exits (the
// publication stays valid); alice's `watch` then prints bob's state as JSON lines, and each later change.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../../electron/cli/cli';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

function cli(args: string[], password: string, stop?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const common = ['--password-stdin', '--dns', tb.dns.server, '--ca', tb.pki.ca, '--profile', mkdtempSync(join(tmpdir(), 'parley-cli-presence-'))];
  const done = runCli([...args, ...common], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    stdin: Readable.from([`${password}\n`]),
    ...(stop ? { stop } : {}),
  });
  return { out, err, done };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('CLI: presence set and watch', () => {
  test('bob: presence set busy --note; alice: watch --json prints it; a second presence set succeeds', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const set = cli(['presence', 'set', 'busy', '--note', 'In a meeting', '--account', bob.aor, '--json'], bob.password);
    assert.equal(await set.done, 0, set.err.join('\n'));
    assert.deepEqual(JSON.parse(set.out[0]!), { published: true, status: 'busy', note: 'In a meeting', expires: 3600 });

    const stop = new AbortController();
    const watch = cli(['watch', bob.aor, '--account', alice.aor, '--json'], alice.password, stop.signal);
    // Stop the long-running watch even when an assertion fails, or the file would never finish.
    t.after(async () => {
      stop.abort();
      await watch.done;
    });
    const lines = () => watch.out.map((l) => JSON.parse(l) as { event: string; uri: string; availability: string; note?: string; reason: string });
    // bob's CLI has exited; his publication is still valid, so alice sees Busy.
    await until(() => lines().some((l) => l.availability === 'busy'), 10_000, 'busy');
    const busy = lines().find((l) => l.availability === 'busy')!;
    assert.deepEqual({ event: busy.event, uri: busy.uri, note: busy.note, reason: busy.reason }, { event: 'presence', uri: bob.aor, note: 'In a meeting', reason: 'ok' });

    // A second `presence set` from another process is a second publication that the server composes with the
    // first (the CLI keeps no SIP-ETag between runs), so which one watchers see is the server's choice: only
    // its success is checked here. Changes reaching a watcher are covered by the presence integration tests.
    const again = cli(['presence', 'set', 'available', '--account', bob.aor], bob.password);
    assert.equal(await again.done, 0, again.err.join('\n'));
    assert.match(again.out[0]!, /^published available for \d+ s$/);
    stop.abort();
    assert.equal(await watch.done, 0, watch.err.join('\n'));
  });

  test('usage errors exit 2', async () => {
    const bad = cli(['presence', 'set', 'sleepy', '--account', 'x@alpha.test'], 'pw');
    assert.equal(await bad.done, 2);
    assert.match(bad.err.join('\n'), /unknown state "sleepy"/);
    const none = cli(['watch', '--account', 'x@alpha.test'], 'pw');
    assert.equal(await none.done, 2);
  });
});
