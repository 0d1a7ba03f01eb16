// Real baresip 1.0 users on both domains: they register over TLS (server found through `_sips._tcp` SRV),
// exchange MESSAGEs across the federation in both directions, and a watcher on alpha sees a beta user's
// PUBLISHed presence go open → closed → open. Kamailio's sipdump shows which hop carried what over TLS.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { parseContacts, startBaresip } from '../../testbed/peers/baresip';
import { waitForSipdump } from '../../testbed/peers/sipdump';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

/** One baresip user per domain, each able to message the other. */
async function pair(t: { after(fn: () => unknown): void }, opts: { bobPresence?: boolean; aliceWatchesBob?: boolean; aliceAlsoKnows?: string[] } = {}) {
  const aliceUser = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
  const bobUser = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
  // bob first: a watcher that subscribes before bob's first PUBLISH only sees "offline" at first.
  const bob = await startBaresip(tb, bobUser, { contacts: [aliceUser.aor], presence: opts.bobPresence ?? false, cleanup: t });
  const alice = await startBaresip(tb, aliceUser, {
    ...(opts.aliceWatchesBob ? { watch: [bobUser.aor] } : { contacts: [...(opts.aliceAlsoKnows ?? []), bobUser.aor] }),
    cleanup: t,
  });
  return { alice, bob, aliceUser, bobUser };
}

describe('baresip peers over TLS and federation', { concurrency: true }, () => {
  test('MESSAGE alice@alpha.test → bob@beta.test arrives with the exact text, over TLS on every hop', async (t) => {
    // A second contact listed first: baresip 1.0 messages its "current contact", which the driver must move.
    const carol = await tb.createUser('beta.test', { prefix: 'carol', cleanup: t });
    const { alice, bob, aliceUser, bobUser } = await pair(t, { aliceAlsoKnows: [carol.aor] });
    assert.equal(alice.registeredTransport, 'TLS');
    assert.equal(bob.registeredTransport, 'TLS');

    assert.equal(parseContacts(await alice.command('contacts')).find((c) => c.current)?.uri, carol.aor);
    const text = `Hello bob, alice here over TLS + federation ${Date.now()} – ünïcode ✓`;
    await alice.sendMessage(bobUser.aor, text);
    const got = await bob.waitForMessage((m) => m.text === text, 5000);
    assert.equal(got.from, aliceUser.aor);

    // RFC 3261 §26.2 / RFC 3263: alpha relayed it to beta over TLS (beta received it from 127.0.0.2), and beta
    // sent it to bob over bob's own TLS connection.
    const inbound = await waitForSipdump(tb.beta.sipdumpDir, (r) => r.tag === 'rcv' && r.method === 'MESSAGE' && r.body.includes(text));
    assert.equal(inbound.proto, 'tls');
    assert.equal(inbound.srcIp, tb.alpha.address);
    assert.equal(inbound.dstPort, tb.beta.tlsPort);
    const toBob = await waitForSipdump(tb.beta.sipdumpDir, (r) => r.tag === 'snd' && r.method === 'MESSAGE' && r.body.includes(text) && r.dstIp !== tb.alpha.address);
    assert.equal(toBob.proto, 'tls');
    // baresip's Contact user is "<user>-0x<pointer>" at its own address.
    assert.match(toBob.startLine, new RegExp(`^MESSAGE sip:${bobUser.user}-[^@]*@${bob.address.replace(/\./g, '\\.')}:`));
    const fromAlice = await waitForSipdump(tb.alpha.sipdumpDir, (r) => r.tag === 'rcv' && r.method === 'MESSAGE' && r.body.includes(text));
    assert.equal(fromAlice.proto, 'tls');
    assert.match(fromAlice.text, new RegExp(`^Via: SIP/2\\.0/TLS ${alice.address.replace(/\./g, '\\.')}:`, 'm'));
  });

  test('MESSAGE bob@beta.test → alice@alpha.test (the other direction), multi-line text', async (t) => {
    const { alice, bob, aliceUser, bobUser } = await pair(t);
    const text = `Hi alice, bob here ${Date.now()}\nsecond line\n  indented third`;
    await bob.sendMessage(aliceUser.aor, text);
    const got = await alice.waitForMessage((m) => m.text === text, 5000);
    assert.equal(got.from, bobUser.aor);
    const inbound = await waitForSipdump(tb.alpha.sipdumpDir, (r) => r.tag === 'rcv' && r.method === 'MESSAGE' && r.body.includes(`bob here`) && r.body.includes(text.split('\n')[0] as string));
    assert.equal(inbound.proto, 'tls');
    assert.equal(inbound.srcIp, tb.beta.address);
  });

  test('presence: alice@alpha.test watching bob@beta.test sees him go offline and online again', async (t) => {
    const { alice, bob, aliceUser, bobUser } = await pair(t, { bobPresence: true, aliceWatchesBob: true });
    // bob PUBLISHed "open" when he registered; alice's SUBSCRIBE through alpha → beta brings a NOTIFY with it.
    await alice.waitForContactStatus(bobUser.aor, 'online', 6000);
    const before = alice.statusChanges.length;

    await bob.setPresence('offline');
    await alice.waitForContactStatus(bobUser.aor, 'offline', 6000);
    await bob.setPresence('online');
    await alice.waitForContactStatus(bobUser.aor, 'online', 6000);

    // The transitions baresip printed, in order, after the first state.
    const seen = alice.statusChanges.slice(before).filter((c) => c.uri.includes(bobUser.user)).map((c) => `${c.from}→${c.to}`);
    assert.deepEqual(seen, ['online→offline', 'offline→online']);

    // RFC 3856 §6.8: beta's presence server NOTIFYs the watcher; the PIDF with <basic>closed</basic> crossed
    // beta → alpha over TLS and went on to alice.
    const toAliceUri = new RegExp(`^NOTIFY sip:${aliceUser.user}-[^@]*@${alice.address.replace(/\./g, '\\.')}:`);
    const closed = await waitForSipdump(tb.alpha.sipdumpDir, (r) => r.tag === 'rcv' && toAliceUri.test(r.startLine) && /<basic>closed<\/basic>/.test(r.body));
    assert.equal(closed.proto, 'tls');
    assert.equal(closed.srcIp, tb.beta.address);
    assert.match(closed.text, /^Event: presence/im);
    assert.match(closed.text, /^Content-Type: application\/pidf\+xml/im);
    assert.ok(bob.problems.every((p) => !/publisher got error/.test(p)), bob.problems.join('\n'));
  });
});
