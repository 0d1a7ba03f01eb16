// Settings that main applies (idle minutes, notification choices) are stored by the core, not the page: after a
// reload (a fresh page with nothing in memory) they come back from settings.get, and localStorage holds only the theme.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { useTestbed } from '../testbed/harness';
import type { Testbed, TestUser } from '../testbed/harness';
import { launchChromium, shot, signInAs, startWebHost } from './support';
import type { RunningWebHost } from './support';

let tb: Testbed;
let host: RunningWebHost;
let browser: Browser;
let page: Page;
let alice: TestUser;

before(async () => {
  tb = await useTestbed();
  host = await startWebHost([`--dns=${tb.dns.server}`, `--ca=${tb.pki.ca}`]);
  browser = await launchChromium();
  alice = await tb.createUser('alpha.test', { prefix: 'alice' });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

after(async () => {
  await page?.close();
  await browser?.close();
  host?.stop();
  await tb?.cleanup();
});

async function openSettings(): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByTestId('settings').waitFor();
}

test('idle minutes and notification choices survive a reload because the core keeps them', async () => {
  await page.goto(host.url);
  await signInAs(page, `${alice.user}@alpha.test`, alice.password);
  await openSettings();
  const idle = page.getByTestId('settings').getByRole('spinbutton');
  assert.equal(await idle.inputValue(), '10');
  await idle.fill('3');
  const sound = page.getByTestId('settings').getByRole('checkbox').nth(1);
  assert.equal(await sound.isChecked(), true);
  await sound.uncheck();
  // Both changes were sent before the reload; the core answers settings.get only after queued changes are stored.
  assert.equal(await page.getByTestId('settings').getByRole('alert').count(), 0);
  assert.doesNotMatch((await page.evaluate(() => localStorage.getItem('parley.settings'))) ?? '', /idle|sound/);

  await page.reload();
  await signInAs(page, `${alice.user}@alpha.test`, alice.password);
  await openSettings();
  await page.waitForFunction(() => (document.querySelector('[data-testid="settings"] input[type="number"]') as HTMLInputElement | null)?.value === '3');
  assert.equal(await page.getByTestId('settings').getByRole('checkbox').nth(1).isChecked(), false);
  await page.screenshot({ path: shot('settings') });
});
