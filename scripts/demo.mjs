#!/usr/bin/env node
// `npm run demo`: the one command that shows Parley working, on this machine, without any server of your own.
//   1. starts the two-domain testbed (Kamailio alpha.test and beta.test, private DNS, private CA) — needs root;
//   2. creates alice@alpha.test and bob@beta.test (fresh passwords);
//   3. runs bob as a small bot on Parley's own core: he answers every message (typing first) and changes his
//      status every 20 s;
//   4. starts Parley as alice: the headless host (the Electron binary cannot run on our build machines) and
//      prints the URL; opening it signs alice in by itself (a demo-only URL flag) with bob in her contact list.
// Ctrl+C stops everything it started (the testbed only if it was not already running).
// Runs under tsx (package.json: "demo": "node --import tsx scripts/demo.mjs"), so it can use the TypeScript core.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
process.chdir(root);
const say = (line) => console.log(`[demo] ${line}`);

if (process.getuid && process.getuid() !== 0) {
  console.error('npm run demo needs root: the testbed binds Kamailio and DNS to 127.0.0.2, 127.0.0.3 and 127.0.0.10 port 53. Run it with sudo (or as root).');
  process.exit(1);
}

say('building the UI…');
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
if (build.status !== 0) process.exit(build.status ?? 1);

say('starting the testbed (alpha.test, beta.test)…');
const { useTestbed } = await import('../test/testbed/harness.ts');
const { createAppCore } = await import('../electron/core/app-core.ts');
const { nodePlatform } = await import('../electron/core/platform/node-platform.ts');
const tb = await useTestbed();

async function user(domain, name) {
  try {
    return await tb.createUser(domain, { name });
  } catch {
    return tb.createUser(domain, { prefix: name });
  }
}
const alice = await user('alpha.test', 'alice');
const bob = await user('beta.test', 'bob');
say(`users: ${alice.aor} and ${bob.aor}`);

// --- bob, the bot ---------------------------------------------------------------------------------------------
const sip = { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] };
const bobCore = createAppCore(nodePlatform('cli', mkdtempSync(join(tmpdir(), 'parley-demo-bob-'))), { sip });
const signed = await bobCore.dispatch('account.signIn', { address: bob.aor, password: bob.password });
if (!signed.ok || signed.value.state !== 'registered') {
  console.error(`bob could not sign in: ${JSON.stringify(signed)}`);
  process.exit(1);
}
await bobCore.dispatch('contacts.add', { uri: alice.aor, displayName: 'Alice' });
await bobCore.dispatch('presence.setOwn', { status: 'available', note: 'Happy to chat — I answer every message' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
bobCore.events.subscribe((name, payload) => {
  if (name !== 'chat.message' || payload.direction !== 'in') return;
  void (async () => {
    await sleep(600);
    await bobCore.dispatch('chat.typing', { conversationId: payload.conversationId, active: true });
    await sleep(1800);
    const words = payload.text.trim().split(/\s+/).length;
    await bobCore.dispatch('chat.send', { to: payload.conversationId, text: `Got your ${words}-word message: “${payload.text.slice(0, 200)}” — *greetings from beta.test* 👋` });
  })();
});
const moods = [
  ['busy', 'In a meeting until the hour'],
  ['be-right-back', 'Getting coffee ☕'],
  ['away', undefined],
  ['available', 'Happy to chat — I answer every message'],
];
let mood = 0;
const moodTimer = setInterval(() => {
  const [status, note] = moods[mood++ % moods.length];
  void bobCore.dispatch('presence.setOwn', { status, ...(note ? { note } : {}) });
}, 20_000);

// --- Parley as alice -------------------------------------------------------------------------------------------
const profile = mkdtempSync(join(tmpdir(), 'parley-demo-alice-'));
const host = spawn(process.execPath, ['--import', 'tsx', 'electron/host/main.ts', `--dns=${tb.dns.server}`, `--ca=${tb.pki.ca}`, `--profile=${profile}`], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolveUrl, reject) => {
  let out = '';
  host.stdout.on('data', (d) => {
    out += d;
    const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
    if (m) resolveUrl(m[0]);
  });
  host.on('exit', (code) => reject(new Error(`the host exited (${code}): ${out}`)));
});

// Put bob in alice's contact list through the same contract the page uses (sign in once, add, sign out).
const origin = new URL(url).origin;
const ws = new WebSocket(`${origin.replace('http', 'ws')}/bridge?token=${new URL(url).searchParams.get('token')}`, { origin });
await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
let nextId = 1;
const invoke = (name, payload) =>
  new Promise((r) => {
    const id = nextId++;
    const onMessage = (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'result' && frame.id === id) {
        ws.off('message', onMessage);
        r(frame.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'invoke', id, name, payload }));
  });
await invoke('account.signIn', { address: alice.aor, password: alice.password });
await invoke('contacts.add', { uri: bob.aor, displayName: 'Bob (demo bot)', group: 'Partners at beta.test' });
await invoke('account.signOut', { accountId: alice.aor });
ws.close();

const address = alice.aor.replace(/^sip:/, '');
const demoUrl = `${url}&demo=1&demoAddress=${encodeURIComponent(address)}&demoPassword=${encodeURIComponent(alice.password)}`;
console.log('');
say('Parley is running as alice (headless host; the desktop app needs the Electron binary, which cannot run here).');
say('Open this URL in a browser on this machine — it signs alice in by itself:');
console.log(`\n  ${demoUrl}\n`);
say(`bob (${bob.aor}) answers every message, shows typing, and changes his status every 20 s.`);
say('Try: Diagnostics → Test federation with beta.test, and the SIP log ladder. Ctrl+C stops the demo.');

const stop = async () => {
  clearInterval(moodTimer);
  host.kill('SIGTERM');
  await bobCore.close();
  await tb.cleanup();
  process.exit(0); // the harness stops the testbed on exit if this run started it
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
