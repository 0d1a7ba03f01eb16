// Shared set-up of the browser tests: the headless host (same entry point as `npm run start:web`, built by the
// suite beforehand) and Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const screenshotDir = join(repoRoot, 'test-results/e2e');

export interface RunningWebHost {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): void;
}

export async function startWebHost(args: string[] = []): Promise<RunningWebHost> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, PARLEY_PROFILE: mkdtempSync(join(tmpdir(), 'parley-e2e-')) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
      if (m) resolveUrl(m[0]);
    });
    child.on('exit', (code) => reject(new Error(`host exited ${code}: ${out}`)));
  });
  return { url, process: child, stop: () => child.kill('SIGTERM') };
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const shot = (name: string) => join(screenshotDir, `${name}.png`);
