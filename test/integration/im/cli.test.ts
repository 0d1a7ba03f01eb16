// IM issue acceptance through the built CLI (dist/cli/parley.cjs, built here by `node scripts/build.mjs`):
// `parley send` exits 0 once delivered and 1 with the reason when not; `parley listen --json` prints one JSON line
// per incoming message and typing change.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { useTestbed } from '../../testbed/harness';
import type { Testbed, TestUser } from '../../testbed/harness';
import { finalState, newCore, send, signIn, waitFor } from './im-support';

const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'dist/cli/parley.cjs');
let tb: Testbed;
before(async () => {
  tb = await useTestbed();
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
});
after(async () => {
  await tb?.cleanup();
});

function common(user: TestUser): string[] {
  return ['--account', user.aor, '--password-stdin', '--dns', tb.dns.server, '--ca', tb.pki.ca, '--profile', mkdtempSync(join(tmpdir(), 'parley-cli-im-'))];
}

function runCli(args: string[], password: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(`${password}\n`);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

describe('parley send / listen', () => {
  test('send exits 0 once delivered; 1 with the reason "offline" when the contact is not signed in; 2 on usage errors', async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bobUser = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const absent = await tb.createUser('beta.test', { prefix: 'absent', cleanup: t });
    const bob = newCore(tb, t);
    await signIn(bob, bobUser);

    const ok = await runCli(['send', bobUser.aor, 'from the command line', ...common(aliceUser)], aliceUser.password);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /delivered to /);
    await waitFor(bob, 'chat.message', (m: { text: string }) => m.text === 'from the command line', 5000);

    const offline = await runCli(['send', absent.aor, 'hello?', '--json', ...common(aliceUser)], aliceUser.password);
    assert.equal(offline.code, 1);
    const result = JSON.parse(offline.stdout.trim()) as { state: string; failure: string; detail: string };
    assert.equal(result.state, 'failed');
    assert.equal(result.failure, 'offline');

    const usage = await runCli(['send', bobUser.aor, ...common(aliceUser)], aliceUser.password);
    assert.equal(usage.code, 2);
    const wrong = await runCli(['send', bobUser.aor, 'x', ...common(aliceUser)], 'not-the-password');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /user name or password/);
  });

  test('listen --json prints incoming messages and typing as JSON lines until stopped', async (t) => {
    const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bobUser = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const child = spawn(process.execPath, [bin, 'listen', '--json', ...common(aliceUser)], { stdio: ['pipe', 'pipe', 'pipe'] });
    t.after(() => child.kill('SIGKILL'));
    const lines: string[] = [];
    let buffer = '';
    child.stdout.on('data', (d) => {
      buffer += d;
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts.filter(Boolean));
    });
    child.stdin.end(`${aliceUser.password}\n`);
    // Signed in once alpha knows alice's contact.
    for (let i = 0; !(await tb.rpc('alpha.test', 'ul.dump')).includes(aliceUser.user); i++) {
      assert.ok(i < 100, 'listen signed in');
      await new Promise((r) => setTimeout(r, 100));
    }
    const bob = newCore(tb, t);
    await signIn(bob, bobUser);
    await bob.dispatch('chat.typing', { conversationId: aliceUser.aor, active: true });
    const m = await send(bob, aliceUser.aor, 'to the listener');
    assert.equal((await finalState(bob, m.id)).state, 'delivered');
    for (let i = 0; !lines.some((l) => l.includes('to the listener')); i++) {
      assert.ok(i < 50, `got: ${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const events = lines.map((l) => JSON.parse(l) as { event: string; text?: string; active?: boolean; conversationId: string });
    assert.ok(events.some((e) => e.event === 'typing' && e.active === true && e.conversationId === bobUser.aor));
    const message = events.find((e) => e.event === 'message')!;
    assert.equal(message.text, 'to the listener');
    assert.equal(message.conversationId, bobUser.aor);
    const exited = new Promise<number | null>((r) => child.on('close', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
