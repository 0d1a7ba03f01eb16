// The acceptance path of the foundation: `npm run start:web` prints a loopback URL, and in Chromium the
// shell shows the version that came over the WebSocket bridge. Screenshot in test-results/e2e/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
const shots = join(root, 'test-results/e2e');
let host: ChildProcess;
let url: string;
let browser: Browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  // The same entry point as `npm run start:web` (which builds first; the suite has built already).
  host = spawn(process.execPath, ['--import', 'tsx', 'electron/host/main.ts'], {
    cwd: root,
    env: { ...process.env, PARLEY_PROFILE: mkdtempSync(join(tmpdir(), 'parley-e2e-')) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    host.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
      if (m) resolveUrl(m[0]);
    });
    host.on('exit', (code) => reject(new Error(`host exited ${code}: ${out}`)));
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  host?.kill('SIGTERM');
});

test('start:web prints a loopback URL with a token', () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+$/);
});

test('the shell shows the version fetched over the bridge', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  await page.getByTestId('app-version').waitFor();
  assert.equal(await page.getByTestId('app-version').textContent(), version);
  assert.match((await page.getByTestId('app-carrier').textContent()) ?? '', /browser/);
  await page.screenshot({ path: join(shots, 'shell.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('without the token the page says the core did not answer', async () => {
  const page = await browser.newPage();
  await page.goto(url.replace(/\?token=.*/, ''));
  await page.getByRole('alert').waitFor();
  assert.match((await page.getByRole('alert').textContent()) ?? '', /did not answer/);
  await page.close();
});
