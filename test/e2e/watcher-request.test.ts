// "X wants to see your presence", as a person meets it: alice (in the browser) has no rule for dave, so her
// server asks her (watcher information); the prompt appears, she clicks Allow, and dave then sees her online.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createAppCore } from '../../electron/core/app-core';
import { nodePlatform } from '../../electron/core/platform/node-platform';
import type { AccountState } from '../../shared/ipc/contract';
import { useTestbed } from '../testbed/harness';
import type { Testbed } from '../testbed/harness';
import { axeCheck, launchChromium, shot, signInAs, startWebHost } from './support';
import type { RunningWebHost } from './support';

let tb: Testbed;
let host: RunningWebHost;
let browser: Browser;

before(async () => {
  tb = await useTestbed();
  host = await startWebHost([`--dns=${tb.dns.server}`, `--ca=${tb.pki.ca}`]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  host?.stop();
  await tb?.cleanup();
});

test('an unknown watcher is shown as a request; Allow lets them see alice', async (t) => {
  // No presence rules yet: Parley writes alice's first rules at sign-in, asking about anybody unknown.
  const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t, presRules: 'none' });
  const dave = await tb.createUser('beta.test', { prefix: 'dave', cleanup: t });
  const page = await browser.newPage();
  await page.goto(host.url);
  await signInAs(page, alice.aor, alice.password);
  await page.getByTestId('signed-in-as').waitFor();

  const daveCore = createAppCore(nodePlatform('cli', mkdtempSync(join(tmpdir(), 'parley-dave-'))), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
  });
  t.after(() => daveCore.close());
  const signed = await daveCore.dispatch('account.signIn', { address: dave.aor, password: dave.password });
  assert.equal((signed as { value: AccountState }).value.state, 'registered');
  daveCore.presence.watch([alice.aor]);

  const request = page.getByRole('status').filter({ hasText: `${dave.user}@beta.test wants to see your presence.` });
  await request.waitFor({ timeout: 20_000 });
  assert.notEqual(daveCore.presence.list().find((p) => p.uri === alice.aor)?.availability, 'available', 'dave does not see alice before she answers');
  await page.screenshot({ path: shot('13-presence-request') });
  await axeCheck(page, 'presence request'); // fails on serious or critical violations

  await request.getByRole('button', { name: 'Allow' }).click();
  await request.waitFor({ state: 'detached' });
  for (let i = 0; i < 100 && daveCore.presence.list().find((p) => p.uri === alice.aor)?.availability !== 'available'; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(daveCore.presence.list().find((p) => p.uri === alice.aor)?.availability, 'available');
  await page.close();
});
