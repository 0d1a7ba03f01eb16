// The acceptance path of the foundation: `npm run start:web` prints a loopback URL, and in Chromium the
// page shows the version that came over the WebSocket bridge. Screenshot in test-results/e2e/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, repoRoot, shot, startWebHost } from './support';
import type { RunningWebHost } from './support';

const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string;
let host: RunningWebHost;
let browser: Browser;

before(async () => {
  host = await startWebHost();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  host?.stop();
});

test('start:web prints a loopback URL with a token', () => {
  assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+$/);
});

test('the page shows the version fetched over the bridge', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(host.url);
  await page.getByTestId('app-version').waitFor();
  assert.equal(await page.getByTestId('app-version').textContent(), version);
  assert.match((await page.getByTestId('app-carrier').textContent()) ?? '', /browser/);
  await page.screenshot({ path: shot('shell') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('without the token the page says the core did not answer', async () => {
  const page = await browser.newPage();
  await page.goto(host.url.replace(/\?token=.*/, ''));
  await page.getByRole('alert').first().waitFor();
  assert.match((await page.getByRole('alert').first().textContent()) ?? '', /did not answer/);
  await page.close();
});
