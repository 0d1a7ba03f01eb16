// The messenger as a new user meets it, in Chromium against the headless host and the real testbed: alice
// (this page) signs in, adds bob@beta.test (a second Parley core in this process, the federated contact), sees
// his presence change, exchanges messages both ways, sees him typing, and sees the "offline" reason when a
// message to him fails. Then diagnostics: the SIP log shows no Authorization credentials, a ladder of a flow,
// and "Test federation with beta.test". Screenshots of every step go to test-results/e2e/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createAppCore } from '../../electron/core/app-core';
import type { AppCore } from '../../electron/core/app-core';
import { nodePlatform } from '../../electron/core/platform/node-platform';
import type { AccountState, EventPayload } from '../../shared/ipc/contract';
import { useTestbed } from '../testbed/harness';
import type { Testbed, TestUser } from '../testbed/harness';
import { axeCheck, launchChromium, shot, signInAs, startWebHost } from './support';
import type { RunningWebHost } from './support';

let tb: Testbed;
let host: RunningWebHost;
let browser: Browser;
let page: Page;
let bobCore: AppCore;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  tb = await useTestbed();
  host = await startWebHost([`--dns=${tb.dns.server}`, `--ca=${tb.pki.ca}`]);
  browser = await launchChromium();
  alice = await tb.createUser('alpha.test', { prefix: 'alice' });
  bob = await tb.createUser('beta.test', { prefix: 'bob' });
  bobCore = createAppCore(nodePlatform('cli', mkdtempSync(join(tmpdir(), 'parley-e2e-bob-'))), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
  });
  await bobSignIn();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

after(async () => {
  await page?.close();
  await browser?.close();
  host?.stop();
  await bobCore?.close();
  await tb?.cleanup();
});

async function bobSignIn(): Promise<void> {
  const r = await bobCore.dispatch('account.signIn', { address: bob.aor, password: bob.password });
  assert.equal(r.ok && (r.value as AccountState).state, 'registered', JSON.stringify(r));
}

function bobReceives(text: string, timeoutMs = 15_000): Promise<EventPayload<'chat.message'>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bob did not receive "${text}"`)), timeoutMs);
    const off = bobCore.events.subscribe((name, payload) => {
      const m = payload as EventPayload<'chat.message'>;
      if (name === 'chat.message' && m.direction === 'in' && m.text === text) {
        clearTimeout(timer);
        off();
        resolve(m);
      }
    });
  });
}

const bobRow = () => page.locator(`[data-uri="${bob.aor}"]`);

describe('messenger, as a new user would use it', () => {
  test('sign in as alice and add bob@beta.test (a federated contact)', async () => {
    await page.goto(host.url);
    await axeCheck(page, 'sign-in');
    await signInAs(page, `${alice.user}@alpha.test`, alice.password);
    await page.getByTestId('signed-in-as').waitFor();
    await page.screenshot({ path: shot('01-signed-in-empty-list') });

    await page.getByRole('button', { name: '+ Add contact' }).click();
    const dialog = page.getByTestId('add-contact-dialog');
    await dialog.getByLabel('SIP address').fill('bob@');
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    await dialog.getByRole('alert').waitFor();
    assert.match((await dialog.getByRole('alert').textContent()) ?? '', /not a valid domain name/);
    await page.screenshot({ path: shot('02-add-contact-invalid') });
    await dialog.getByLabel('SIP address').fill(`${bob.user}@beta.test`);
    await dialog.getByLabel('Name (optional)').fill('Bob Beta');
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    await bobRow().waitFor();
    assert.match((await bobRow().textContent()) ?? '', /^.?Bob Beta/);
  });

  test("bob's presence changes are shown with icon and words, with his note", async () => {
    await bobCore.dispatch('presence.setOwn', { status: 'available' });
    await page.waitForFunction((uri) => /Bob BetaAvailable/.test(document.querySelector(`[data-uri="${uri}"]`)?.textContent ?? ''), bob.aor, { timeout: 15_000 });
    await page.screenshot({ path: shot('03-bob-available') });
    await bobCore.dispatch('presence.setOwn', { status: 'busy', note: 'In the quarterly review' });
    await page.waitForFunction((uri) => /Busy — In the quarterly review/.test(document.querySelector(`[data-uri="${uri}"]`)?.textContent ?? ''), bob.aor, { timeout: 15_000 });
    assert.match((await bobRow().textContent()) ?? '', /Busy — In the quarterly review/);
    // The tooltip carries the freshness.
    assert.match((await bobRow().getAttribute('title')) ?? '', /updated (just now|\d+ min ago)/);
    await page.screenshot({ path: shot('04-bob-busy-with-note') });
    await axeCheck(page, 'buddy-list');
  });

  test('messages both ways, delivery state, and bob typing', async () => {
    // Keyboard: focus the list, move to bob, Enter opens the chat.
    await page.getByTestId('contact-list').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const chat = page.getByTestId('chat-view');
    await chat.waitFor();
    const box = chat.getByRole('textbox');
    await box.waitFor();
    const received = bobReceives('Hello *Bob*, lunch at noon?');
    await box.fill('Hello *Bob*, lunch at noon?');
    await page.keyboard.press('Enter');
    await received;
    await chat.locator('[data-testid=delivery-state][data-state=delivered]').first().waitFor({ timeout: 15_000 });
    assert.equal(await chat.locator('article[data-direction=out] strong').first().textContent(), 'Bob');

    await bobCore.dispatch('chat.typing', { conversationId: alice.aor, active: true });
    await page.getByTestId('typing').getByText('Bob Beta is typing…').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: shot('05-chat-bob-typing') });

    const reply = await bobCore.dispatch('chat.send', { to: alice.aor, text: 'Sure! See https://example.com/menu and <b>not html</b>' });
    assert.equal(reply.ok, true);
    const incoming = chat.locator('article[data-direction=in]');
    await incoming.first().waitFor({ timeout: 15_000 });
    assert.match((await incoming.first().textContent()) ?? '', /Sure! See https:\/\/example\.com\/menu and <b>not html<\/b>/);
    const link = incoming.first().getByRole('link');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await incoming.first().locator('b').count(), 0, 'plain text is never turned into markup');
    // Typing ends with the message.
    await page.waitForFunction(() => document.querySelector('[data-testid=typing]')?.textContent === '');
    await page.screenshot({ path: shot('06-chat-both-ways') });
    await axeCheck(page, 'chat');
  });

  test('bob goes offline: his row says so, and a message to him fails with the reason and a Retry button', async () => {
    await bobCore.dispatch('account.signOut', { accountId: bob.aor });
    await page.waitForFunction((uri) => /Offline/.test(document.querySelector(`[data-uri="${uri}"]`)?.textContent ?? ''), bob.aor, { timeout: 20_000 });
    const chat = page.getByTestId('chat-view');
    await chat.getByRole('textbox').fill('Are you there?');
    await page.keyboard.press('Enter');
    const failed = chat.getByTestId('delivery-failed');
    await failed.waitFor({ timeout: 30_000 });
    const text = (await failed.textContent()) ?? '';
    assert.match(text, /Not delivered/);
    assert.match(text, /offline/i);
    assert.equal(await failed.getByRole('button', { name: 'Retry' }).count(), 1);
    await page.screenshot({ path: shot('07-message-failed-offline') });
    await bobSignIn();
  });

  test('history search finds the conversation with a snippet and jumps to it', async () => {
    await page.getByRole('button', { name: 'Search history' }).click();
    await page.getByLabel('Search words').fill('lunch');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const hit = page.locator('.hit').first();
    await hit.waitFor({ timeout: 10_000 });
    assert.match((await hit.locator('mark').first().textContent()) ?? '', /lunch/i);
    await page.screenshot({ path: shot('08-history-search') });
    await hit.click();
    await page.getByTestId('chat-view').waitFor();
  });

  test('diagnostics: the SIP log has no credentials, a ladder per Call-ID, and the federation test passes', async () => {
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    const diag = page.getByTestId('diagnostics');
    await diag.getByTestId('flows').waitFor({ timeout: 10_000 });
    // Filter by contact, choose the REGISTER flow (it carried the digest answer) and open its raw messages.
    await diag.getByLabel('Filter by contact or domain').fill(alice.user);
    await diag.getByTestId('flows').getByRole('option', { name: /REGISTER/ }).first().click();
    await diag.getByTestId('ladder').waitFor();
    await diag.getByText('Messages', { exact: true }).click();
    const raw = (await diag.getByTestId('sip-text').textContent()) ?? '';
    assert.match(raw, /^Authorization: Digest /m, 'the REGISTER with credentials is in the log');
    assert.doesNotMatch(raw, new RegExp(alice.password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const whole = await page.evaluate(() => document.body.innerText + document.documentElement.outerHTML);
    assert.doesNotMatch(whole, /response="[0-9a-f]{32}"/i, 'no digest response anywhere in the page');
    assert.ok(!whole.includes(alice.password), 'the password is nowhere in the page');
    await page.screenshot({ path: shot('09-diagnostics-ladder'), fullPage: true });

    await diag.getByLabel('Domain', { exact: true }).fill('beta.test');
    await diag.getByRole('button', { name: 'Test', exact: true }).click();
    const options = diag.getByTestId('federation-step-options');
    await options.waitFor({ timeout: 30_000 });
    assert.match((await diag.getByTestId('federation-step-dns').textContent()) ?? '', /Passed.*_sipfederationtls/s);
    assert.match((await diag.getByTestId('federation-step-tls').textContent()) ?? '', /Passed.*✓ name/s);
    assert.match((await options.textContent()) ?? '', /OPTIONS sip:beta\.test → \d{3}/);
    await diag.getByTestId('federation-test').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('10-federation-test') });
  });

  test('a chat window of its own (?chat=) shows the same conversation', async () => {
    const solo = await browser.newPage({ viewport: { width: 640, height: 720 } });
    await solo.goto(`${host.url}&chat=${encodeURIComponent(`${bob.user}@beta.test`)}`);
    await solo.getByTestId('chat-view').waitFor();
    await solo.locator('article[data-direction=in]').first().waitFor({ timeout: 10_000 });
    await solo.screenshot({ path: shot('11-standalone-chat') });
    await solo.close();
  });
});
