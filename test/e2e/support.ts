// Shared set-up of the browser tests: the headless host (same entry point as `npm run start:web`, built by the
// suite beforehand) and Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

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

/** Fills and submits the sign-in form as a person does. */
export async function signInAs(page: Page, address: string, password: string, server?: string): Promise<void> {
  await page.getByLabel('SIP address').fill(address);
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (server) {
    await page.getByText('Connection settings').click();
    await page.getByLabel('Server (optional)').fill(server);
  }
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const axeSource = readFileSync(join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page (WCAG 2 A/AA rules) and fails on serious or critical violations. The page CSP forbids
 * inline script, so the source is evaluated through the DevTools protocol (page.evaluate), not a <script> tag.
 */
export async function axeCheck(page: Page, label: string): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })) }));
  })) as AxeViolation[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${label}: serious/critical accessibility violations: ${JSON.stringify(bad, null, 1)}`);
  return violations;
}
