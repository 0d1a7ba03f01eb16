// The two-domain testbed end to end, with real third-party peers (SIPp) and real Kamailio: IM and presence
// cross the domains over mutual TLS, and a client that bypasses its home server is refused.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { header, runSipp } from '../../testbed/sipp/driver';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

/** The Via a server adds names the transport of each hop (RFC 3261 §18.2.1, §20.42). */
function vias(headers: string): string[] {
  return headers.split('\n').filter((l) => /^Via:/i.test(l)).map((l) => l.replace(/^Via:\s*/i, ''));
}

describe('federation over mutual TLS', { concurrency: true }, () => {
  test('MESSAGE from alice@alpha.test crosses alpha → beta over TLS and reaches bob@beta.test', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const bobUa = runSipp({ runDir: tb.runDir, scenario: 'register-wait', as: bob, pauseMs: 8000 });
    t.after(() => bobUa.stop());
    await bobUa.waitFor((m) => m.direction === 'received' && m.method === 'REGISTER' && m.status === 200);

    const text = `Hello bob, alice here ${Date.now()}`;
    const aliceUa = runSipp({ runDir: tb.runDir, scenario: 'message', as: alice, keys: { to: `${bob.user}@beta.test`, text } });
    const sent = await aliceUa.done;
    // RFC 3428 §7: the MESSAGE is challenged by alice's home server (407), then accepted by bob (200).
    assert.deepEqual(sent.statuses, [407, 200], sent.errors);

    const got = await bobUa.waitFor((m) => m.direction === 'received' && m.method === 'MESSAGE');
    assert.equal(got.body, text);
    assert.match(header(got, 'From') ?? '', new RegExp(`<sip:${alice.user}@alpha\\.test>`));
    // Hops, newest first: beta → bob over TCP, alpha → beta over TLS on 5061, alice → alpha over TCP.
    const hops = vias(got.headers);
    assert.equal(hops.length, 3, hops.join('\n'));
    assert.match(hops[0] as string, /^SIP\/2\.0\/TCP 127\.0\.0\.3\b/);
    assert.match(hops[1] as string, /^SIP\/2\.0\/TLS 127\.0\.0\.2:5061\b/);
    assert.match(hops[2] as string, /^SIP\/2\.0\/TCP 127\.0\.0\.21:/);
  });

  test('presence: alice@alpha.test watches bob@beta.test; NOTIFYs with PIDF cross beta → alpha over TLS', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const pub1 = await runSipp({ runDir: tb.runDir, scenario: 'publish', as: bob, keys: { basic: 'open', note: 'Available' } }).done;
    assert.deepEqual(pub1.statuses, [407, 200], pub1.errors);

    const watcher = runSipp({ runDir: tb.runDir, scenario: 'subscribe', as: alice, keys: { to: `${bob.user}@beta.test` } });
    t.after(() => watcher.stop());
    const first = await watcher.waitFor((m) => m.direction === 'received' && m.method === 'NOTIFY');
    assert.match(header(first, 'Event') ?? '', /^presence/);
    assert.match(header(first, 'Content-Type') ?? '', /application\/pidf\+xml/);
    assert.match(first.body, /<basic>open<\/basic>/);
    assert.match(first.body, /Available/);
    // The NOTIFY was sent by beta's presence server and relayed by alpha, which received it over TLS.
    const hops = vias(first.headers);
    assert.match(hops[0] as string, /^SIP\/2\.0\/TCP 127\.0\.0\.2\b/, hops.join('\n'));
    assert.match(hops[1] as string, /^SIP\/2\.0\/TLS 127\.0\.0\.3:5061\b/, hops.join('\n'));

    // A new PUBLISH produces a second NOTIFY with the new state (RFC 3856 §6.6).
    const pub2 = await runSipp({ runDir: tb.runDir, scenario: 'publish', as: bob, keys: { basic: 'open', note: 'In a meeting' } }).done;
    assert.deepEqual(pub2.statuses, [407, 200], pub2.errors);
    const second = await watcher.waitFor((m) => m.direction === 'received' && m.method === 'NOTIFY' && /In a meeting/.test(m.body));
    assert.match(second.body, /<basic>open<\/basic>/);
    assert.ok(watcher.messages().some((m) => m.method === 'SUBSCRIBE' && m.status === 200), 'the SUBSCRIBE was accepted');
  });

  test('a client that bypasses its home server (alpha user straight to beta) gets 403', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const r = await runSipp({
      runDir: tb.runDir,
      scenario: 'message',
      as: alice,
      server: { host: tb.beta.address, port: tb.beta.sipPort },
      keys: { to: `${bob.user}@beta.test`, text: 'sneaking past alpha' },
    }).done;
    assert.deepEqual(r.statuses, [403]);
    const reply = r.messages.find((m) => m.status === 403);
    assert.match(reply?.startLine ?? '', /Use your home server/);
  });
});
