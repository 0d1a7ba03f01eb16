// The messenger as a new user meets it, in Chromium against the headless host and the real testbed: alice
// (this page) signs in, adds bob@beta.test (a real baresip, the federated standards peer), sees his presence
// change, exchanges messages both ways with him, sees carol (a user of the emulated LCS 2005 domain lcs.test)
// typing, and sees the "offline" reason when a message to bob fails because his baresip has quit. Then
// diagnostics: the SIP log shows no Authorization credentials, a ladder of a flow, and "Test federation with
// beta.test". Screenshots of every step go to test-results/e2e/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { useTestbed } from '../testbed/harness';
import type { Testbed, TestUser } from '../testbed/harness';
import type { LcsUser } from '../testbed/lcs/control-client';
import { startBaresip } from '../testbed/peers/baresip';
import type { BaresipPeer } from '../testbed/peers/baresip';
import { waitForSipdump } from '../testbed/peers/sipdump';
import { runPaths } from '../testbed/layout';
import { axeCheck, launchChromium, shot, signInAs, startWebHost } from './support';
import type { RunningWebHost } from './support';

let tb: Testbed;
let host: RunningWebHost;
let browser: Browser;
let page: Page;
let alice: TestUser;
let bobUser: TestUser;
let bob: BaresipPeer;
let carol: LcsUser;

before(async () => {
  tb = await useTestbed();
  host = await startWebHost([`--dns=${tb.dns.server}`, `--ca=${tb.pki.ca}`]);
  browser = await launchChromium();
  alice = await tb.createUser('alpha.test', { prefix: 'alice' });
  bobUser = await tb.createUser('beta.test', { prefix: 'bob' });
  // baresip 1.0 can only message entries of its contacts file, read once at start: alice must be one.
  bob = await startBaresip(tb, bobUser, { presence: true, contacts: [alice.aor] });
  carol = await tb.lcs.createUser({ prefix: 'carol', presence: { availability: 'available', displayName: 'Carol' } });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

after(async () => {
  await page?.close();
  await browser?.close();
  host?.stop();
  await bob?.stop();
  await carol?.delete().catch(() => undefined);
  await tb?.cleanup();
});

const rowOf = (aor: string) => page.locator(`[data-uri="${aor}"]`);
const bobRow = () => rowOf(bobUser.aor);

/** Waits until the contact's row text matches `re` (presence arrives by NOTIFY, so it is polled in the page). */
async function rowShows(aor: string, re: RegExp, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    ([uri, source]) => new RegExp(source as string).test(document.querySelector(`[data-uri="${uri as string}"]`)?.textContent ?? ''),
    [aor, re.source],
    { timeout },
  );
}

async function addContact(address: string, name: string): Promise<void> {
  await page.getByRole('button', { name: '+ Add contact' }).click();
  const dialog = page.getByTestId('add-contact-dialog');
  await dialog.getByLabel('SIP address').fill(address);
  await dialog.getByLabel('Name (optional)').fill(name);
  await dialog.getByRole('button', { name: 'Add contact' }).click();
}

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
    await dialog.getByLabel('SIP address').fill(`${bobUser.user}@beta.test`);
    await dialog.getByLabel('Name (optional)').fill('Bob Beta');
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    await bobRow().waitFor();
    assert.match((await bobRow().textContent()) ?? '', /^.?Bob Beta/);
  });

  test("bob's presence changes (baresip PUBLISHes open/closed) are shown with icon and words", async () => {
    // baresip published "open" when it started (startBaresip waits for the 200 to that PUBLISH).
    await rowShows(bobUser.aor, /Bob BetaAvailable/);
    // The tooltip carries the freshness.
    assert.match((await bobRow().getAttribute('title')) ?? '', /updated (just now|\d+ min ago)/);
    await page.screenshot({ path: shot('03-bob-available') });
    await bob.setPresence('offline');
    await rowShows(bobUser.aor, /Bob BetaOffline/);
    await page.screenshot({ path: shot('04-bob-offline') });
    await axeCheck(page, 'buddy-list');
    await bob.setPresence('online');
    await rowShows(bobUser.aor, /Bob BetaAvailable/);
  });

  test('messages both ways with bob (baresip), with delivery state', async () => {
    // Keyboard: focus the list, move to bob (the only contact), Enter opens the chat.
    await page.getByTestId('contact-list').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const chat = page.getByTestId('chat-view');
    await chat.waitFor();
    const box = chat.getByRole('textbox');
    await box.waitFor();
    await box.fill('Hello *Bob*, lunch at noon?');
    await page.keyboard.press('Enter');
    // baresip prints the text/plain body as received: the *…* markup is the sender's display only.
    const got = await bob.waitForMessage((m) => m.text === 'Hello *Bob*, lunch at noon?', 15_000);
    assert.match(got.from, new RegExp(`^sip:${alice.user}@alpha\\.test`));
    await chat.locator('[data-testid=delivery-state][data-state=delivered]').first().waitFor({ timeout: 15_000 });
    assert.equal(await chat.locator('article[data-direction=out] strong').first().textContent(), 'Bob');

    await bob.sendMessage(alice.aor, 'Sure! See https://example.com/menu and <b>not html</b>');
    const incoming = chat.locator('article[data-direction=in]');
    await incoming.first().waitFor({ timeout: 15_000 });
    assert.match((await incoming.first().textContent()) ?? '', /Sure! See https:\/\/example\.com\/menu and <b>not html<\/b>/);
    const link = incoming.first().getByRole('link');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await incoming.first().locator('b').count(), 0, 'plain text is never turned into markup');
    await page.screenshot({ path: shot('05-chat-both-ways') });
    await axeCheck(page, 'chat');
  });

  test('carol, a user of the LCS 2005 domain, is seen typing in her session (KeyboardActivity INFO)', async () => {
    await addContact(carol.aor.replace(/^sip:/, ''), 'Carol LCS');
    await rowOf(carol.aor).waitFor();
    await rowOf(carol.aor).dblclick();
    const chat = page.locator(`[data-testid=chat-view][data-conversation="${carol.aor}"]`);
    await chat.waitFor();
    const opened = await carol.openIm(alice.aor, { text: 'Hi Alice, one question about the review' });
    assert.equal(opened.status, 200, JSON.stringify(opened));
    const session = opened.session!;
    await chat.locator('article[data-direction=in]', { hasText: 'one question about the review' }).waitFor({ timeout: 15_000 });
    assert.equal((await session.typing('type')).status, 200);
    await page.getByTestId('typing').getByText('Carol LCS is typing…').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: shot('06-chat-carol-typing') });
    // Typing ends with the message.
    assert.equal((await session.send('Is it at 3 pm?')).status, 200);
    await chat.locator('article[data-direction=in]', { hasText: 'Is it at 3 pm?' }).waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=typing]')?.textContent === '');
    await session.bye();
  });

  test('bob quits baresip: his row says Offline, and a message to him fails with the reason and a Retry button', async () => {
    // As baresip's user would: set offline, then quit (SIGTERM un-REGISTERs, so beta.test answers 480).
    await bob.setPresence('offline');
    await rowShows(bobUser.aor, /Bob BetaOffline/);
    await bob.stop();
    assert.equal(bob.running, false);
    await bobRow().dblclick();
    const chat = page.locator(`[data-testid=chat-view][data-conversation="${bobUser.aor}"]`);
    await chat.locator('article[data-direction=in]', { hasText: 'Sure!' }).waitFor();
    await chat.getByRole('textbox').fill('Are you there?');
    await page.keyboard.press('Enter');
    const failed = chat.getByTestId('delivery-failed');
    await failed.waitFor({ timeout: 30_000 });
    const text = (await failed.textContent()) ?? '';
    assert.match(text, /Not delivered/);
    assert.match(text, /offline/i);
    assert.equal(await failed.getByRole('button', { name: 'Retry' }).count(), 1);
    await page.screenshot({ path: shot('07-message-failed-offline') });
    // The reason is beta.test's own answer: no registration left for bob → 480 (RFC 3261 §21.4.18). (Earlier
    // 415s to bob are baresip refusing alice's isComposing MESSAGEs, RFC 3994 §3 / RFC 3428 §7.)
    // Matched by Call-ID to the text MESSAGE, since alice's isComposing MESSAGEs to bob get 480s as well.
    const dump = runPaths(tb.runDir).sipdump('beta.test');
    const callId = (r: { text: string }) => /^Call-ID:\s*(\S+)/im.exec(r.text)?.[1];
    const request = await waitForSipdump(dump, (r) => r.tag === 'rcv' && r.method === 'MESSAGE' && r.status === undefined && r.body === 'Are you there?', 5000);
    await waitForSipdump(dump, (r) => r.tag === 'snd' && r.status === 480 && callId(r) === callId(request), 5000);
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
    await solo.goto(`${host.url}&chat=${encodeURIComponent(`${bobUser.user}@beta.test`)}`);
    await solo.getByTestId('chat-view').waitFor();
    await solo.locator('article[data-direction=in]').first().waitFor({ timeout: 10_000 });
    await solo.screenshot({ path: shot('11-standalone-chat') });
    await solo.close();
  });
});
