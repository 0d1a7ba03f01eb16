import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watcherHandlers } from '../../../../electron/core/ipc/handlers/watchers';
import { CommandError } from '../../../../electron/core/ipc/dispatcher';

function deps(over: { accountId?: string; rules?: boolean } = {}) {
  const calls: string[] = [];
  const handlers = watcherHandlers({
    rules: {
      allowWatcher: async (a, u) => (calls.push(`allow ${a} ${u}`), { rules: [] } as never),
      blockWatcher: async (a, u) => (calls.push(`block ${a} ${u}`), { rules: [] } as never),
    },
    accountId: () => over.accountId,
    hasPresenceRules: () => over.rules ?? true,
  });
  return { calls, answer: handlers['presence.answerWatcher'] };
}

test('allow and block become presence rules for the signed-in account, with the address normalised', async () => {
  const { calls, answer } = deps({ accountId: 'sip:alice@alpha.test' });
  await answer({ watcher: 'Dave@BETA.test', allow: true });
  await answer({ watcher: 'sip:eve@beta.test', allow: false });
  assert.deepEqual(calls, ['allow sip:alice@alpha.test sip:Dave@beta.test', 'block sip:alice@alpha.test sip:eve@beta.test']);
});

test('without a sign-in, or on a server without presence rules, the answer is refused in plain words', async () => {
  await assert.rejects(deps({}).answer({ watcher: 'dave@beta.test', allow: true }), (e: unknown) => e instanceof CommandError && /Sign in/.test(e.message));
  await assert.rejects(
    deps({ accountId: 'sip:alice@alpha.test', rules: false }).answer({ watcher: 'dave@beta.test', allow: false }),
    (e: unknown) => e instanceof CommandError && e.code === 'unavailable' && /blocking stops instant messages only/.test(e.message),
  );
});
