// Issue 9 step 3 acceptance: presence rules (RFC 5025) written by Parley and enforced by the testbed's presence
// server (presence_xml, force_active off). A blocked watcher — baresip on beta.test — sees alice offline while an
// allowed watcher sees her online, and gets no error (polite blocking: an active subscription, a closed PIDF — the
// testbed's Kamailio adds that document, which 5.6 leaves out: test/testbed/kamailio/common.cfg tm:local-request). An
// unknown watcher waits ("ask me") and alice is told through watcher information; her answer lets them in.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePresRules, PRES_RULES_AUID } from '../../../electron/sip/simple/pres-rules';
import type { EventPayload } from '../../../shared/ipc/contract';
import type { ContactPresence } from '../../../shared/model/presence';
import type { AppCore } from '../../../electron/core/app-core';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { startBaresip } from '../../testbed/peers/baresip';
import { readSipdump } from '../../testbed/peers/sipdump';
import { newProfile, signIn, until, xcapClientFor } from './support';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

const presenceOf = (core: AppCore, uri: string): ContactPresence | undefined => core.presence.list().find((p) => p.uri === uri);

describe('presence rules (pres-rules over XCAP, enforced by the server)', () => {
  test('polite block: blocked baresip sees alice offline with no error, an allowed watcher sees her online', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const bob = await tb.createUser('beta.test', { prefix: 'bob', cleanup: t });
    const carol = await tb.createUser('beta.test', { prefix: 'carol', cleanup: t });
    const a = newProfile(tb, t);
    await signIn(a, alice);
    await a.serverLists.idle(alice.aor);
    await a.presence.publishNow();
    // alice: carol may watch, bob is blocked; nobody else is asked about.
    await a.presenceRules.allowWatcher(alice.aor, carol.aor);
    await a.presenceRules.blockWatcher(alice.aor, bob.aor);
    const rules = parsePresRules((await xcapClientFor(alice).get(PRES_RULES_AUID))!.body);
    assert.deepEqual(rules.block, [bob.aor]);
    assert.ok(rules.allow.includes(carol.aor));

    const c = newProfile(tb, t);
    await signIn(c, carol);
    c.presence.watch([alice.aor]);
    await until('carol sees alice online', () => presenceOf(c, alice.aor)?.availability === 'available');

    const peer = await startBaresip(tb, bob, { watch: [alice.aor], cleanup: t });
    // No refusal: alpha keeps bob's subscription active (RFC 5025 §3.2.1 polite-block) and his NOTIFYs carry a
    // document in which alice is unavailable (closed), whatever she publishes; baresip shows her offline.
    const isToBob = (r: { tag: string; method: string; text: string }) => r.tag === 'snd' && r.method === 'NOTIFY' && /^Event: presence\s*$/m.test(r.text) && new RegExp(`^To:.*${bob.user}@beta\\.test`, 'm').test(r.text);
    await peer.waitForContactStatus(alice.aor, 'offline', 8000);
    const toBob = readSipdump(tb.alpha.sipdumpDir).filter(isToBob);
    assert.ok(toBob.length > 0, 'alpha NOTIFYs bob');
    for (const n of toBob) {
      assert.match(n.text, /^Subscription-State: active/im, 'never terminated or rejected');
      assert.match(n.body, /<basic>closed<\/basic>/, 'a document in which alice is unavailable');
      assert.doesNotMatch(n.body, /<basic>open<\/basic>|<note>|person/, 'nothing of alice\'s real state reaches bob');
    }
    const refused = readSipdump(tb.alpha.sipdumpDir).filter((r) => r.tag === 'snd' && r.method === 'SUBSCRIBE' && (r.status ?? 0) >= 300 && new RegExp(`^From:.*${bob.user}@`, 'm').test(r.text));
    assert.deepEqual(refused.map((r) => r.startLine), [], 'no error answer to bob');
    // alice changes her state: bob still sees her offline (nothing leaks through later NOTIFYs).
    await a.dispatch('presence.setOwn', { status: 'busy', note: 'in a meeting' });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await peer.contactStatus(alice.aor), 'offline', 'baresip still shows alice offline');
    for (const n of readSipdump(tb.alpha.sipdumpDir).filter(isToBob)) assert.doesNotMatch(n.body, /<basic>open<\/basic>|meeting/);

    // A blocked Parley watcher (erin) sees alice offline, not an error.
    const erin = await tb.createUser('beta.test', { prefix: 'erin', cleanup: t });
    await a.presenceRules.blockWatcher(alice.aor, erin.aor);
    const e = newProfile(tb, t);
    await signIn(e, erin);
    e.presence.watch([alice.aor]);
    const seen = await until('erin gets a state for alice', () => {
      const p = presenceOf(e, alice.aor);
      return p && p.reason !== 'pending' ? p : undefined;
    }, 8000);
    assert.equal(seen.availability, 'offline');
    assert.equal(seen.reason, 'ok', 'polite: not "not-authorized"');
    await until('carol (allowed) sees alice\'s real state, busy', () => presenceOf(c, alice.aor)?.availability === 'busy', 8000);
  });

  test('"ask me": an unknown watcher waits, alice is told, and her answer lets them in', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const dave = await tb.createUser('beta.test', { prefix: 'dave', cleanup: t });
    const a = newProfile(tb, t);
    const asked: EventPayload<'presence.watcher'>[] = [];
    a.events.subscribe((name, payload) => name === 'presence.watcher' && asked.push(payload as EventPayload<'presence.watcher'>));
    await signIn(a, alice);
    await a.serverLists.idle(alice.aor);
    await a.presence.publishNow();
    await a.presenceRules.setOthers(alice.aor, 'confirm');

    const d = newProfile(tb, t);
    await signIn(d, dave);
    d.presence.watch([alice.aor]);
    const prompt = await until('a "wants to see your presence" prompt', () => asked.find((w) => w.watcher === dave.aor && (w.status === 'pending' || w.status === 'waiting')), 8000);
    assert.ok(prompt);
    assert.notEqual(presenceOf(d, alice.aor)?.availability, 'available', 'dave does not see alice before she answers');

    // The answer goes through the IPC contract, as the UI's prompt sends it.
    const answered = await a.dispatch('presence.answerWatcher', { watcher: dave.aor, allow: true });
    assert.deepEqual(answered, { ok: true, value: {} });
    await until('dave sees alice online', () => presenceOf(d, alice.aor)?.availability === 'available', 8000);
  });
});
