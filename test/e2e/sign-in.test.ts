// Sign-in as a person does it, in Chromium against the headless host and the real testbed: a wrong password
// in plain words, then the untrusted-certificate flow (details shown, "always trust"), then signed in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { useTestbed } from '../testbed/harness';
import type { Testbed } from '../testbed/harness';
import { launchChromium, shot, startWebHost } from './support';
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

async function fillSignIn(page: Page, address: string, password: string, server?: string): Promise<void> {
  await page.getByLabel('SIP address').fill(address);
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (server) {
    await page.getByText('Connection settings').click();
    await page.getByLabel('Server (optional)').fill(server);
  }
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a wrong password is explained in plain words', async (t) => {
  const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
  const page = await browser.newPage();
  await page.goto(host.url);
  await fillSignIn(page, `${alice.user}@alpha.test`, 'wrong-password');
  const error = page.getByTestId('sign-in-error');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /did not accept the user name or password/);
  await page.screenshot({ path: shot('sign-in-wrong-password') });
  await page.close();
});

test('an untrusted certificate shows its details; "always trust" signs in', async (t) => {
  const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
  const page = await browser.newPage();
  await page.goto(host.url);
  await fillSignIn(page, `${alice.user}@alpha.test`, alice.password, `${tb.alpha.rogueTlsAddress}:5061`);
  const dialog = page.getByTestId('certificate-dialog');
  await dialog.waitFor();
  const text = (await dialog.textContent()) ?? '';
  assert.match(text, /Untrusted server certificate/);
  assert.match(text, /DNS:alpha\.test/);
  const pinned = (await page.getByTestId('certificate-fingerprint').textContent()) ?? '';
  assert.match(pinned, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  await page.screenshot({ path: shot('sign-in-certificate') });
  await page.getByRole('button', { name: 'Always trust for this domain' }).click();
  await page.getByTestId('signed-in-as').waitFor();
  assert.match((await page.getByTestId('signed-in-as').textContent()) ?? '', new RegExp(alice.user));
  await page.screenshot({ path: shot('signed-in') });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();

  // The pin now holds the rogue certificate for alpha.test. The real alpha server presents a different (validly
  // issued) certificate for the same domain: that must be a loud warning, with no way to trust it from here.
  await fillSignIn(page, `${alice.user}@alpha.test`, alice.password, `${tb.alpha.address}:5061`);
  const changed = page.getByTestId('certificate-dialog');
  await changed.waitFor();
  const warning = changed.getByRole('alert');
  assert.match((await warning.textContent()) ?? '', /different from the one you trusted before/);
  assert.match((await changed.textContent()) ?? '', /CHANGED since it was pinned/);
  assert.notEqual(await page.getByTestId('certificate-fingerprint').textContent(), pinned);
  assert.equal(await changed.getByRole('button', { name: 'Trust once' }).count(), 0);
  assert.equal(await changed.getByRole('button', { name: 'Always trust for this domain' }).count(), 0);
  await page.screenshot({ path: shot('sign-in-certificate-changed') });
  await changed.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.getByTestId('signed-in-as').count(), 0);
  await page.close();
});
