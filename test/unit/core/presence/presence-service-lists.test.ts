// PresenceService with batched presence (RFC 4662) over the loop transport and a fake clock: one SUBSCRIBE to the
// buddy-list URI, states from the RLS NOTIFY, contacts not on the server list and `resubscribe` resources watched
// individually, and the paced fallback when the list URI is refused; capabilities say what blocking does.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../../../electron/core/event-bus';
import { buddyListUri, PresenceService } from '../../../../electron/core/presence/presence-service';
import type { PresenceServiceOptions, WatchedContactChange, WatchedContactSource } from '../../../../electron/core/presence/presence-service';
import { accept, makeNotifierBench, reject, settle } from '../../sip/usage/subscription-notifier';
import type { NotifierBench } from '../../sip/usage/subscription-notifier';
import { multipart, pidf } from '../../sip/simple/rlmi-fixtures';

const ALICE = 'sip:alice@example.net';
const LIST = 'sip:alice-buddies@example.net';
const CT = 'multipart/related;type="application/rlmi+xml";start="<root@x>";boundary="b0undary"';

class Contacts implements WatchedContactSource {
  constructor(public uris: string[]) {}
  list() {
    return { contacts: this.uris.map((uri) => ({ uri })) };
  }
  onChange(_listener: (c: WatchedContactChange) => void) {
    return () => {};
  }
}

function setup(uris: string[], extra: Partial<PresenceServiceOptions> = {}) {
  const bench = makeNotifierBench();
  bench.script = (r) => (r.method === 'PUBLISH' ? accept(r, [['SIP-ETag', 'e1'], ['Expires', '3600']]) : accept(r, [['Expires', '3600']]));
  const events = new EventBus();
  const service = new PresenceService({
    accounts: { session: () => ({ userAgent: bench.ua }) },
    events,
    contacts: new Contacts(uris),
    clock: bench.clock,
    watcherInfo: false,
    resourceList: buddyListUri,
    ...extra,
  });
  const signIn = async () => {
    events.emit('account.state', { accountId: ALICE, state: 'registered' });
    await settle();
  };
  const row = (uri: string) => service.list().find((p) => p.uri === uri)!;
  return { bench, service, signIn, row };
}

const initial = (b: NotifierBench, uri?: string) => b.seen.filter((r) => r.method === 'SUBSCRIBE' && !r.to.tag && (!uri || r.uri === uri));

function rlmiNotify(version: number, resources: Array<{ uri: string; state?: 'open' | 'closed'; instance?: string }>): string {
  const res = resources
    .map((r, i) => {
      const inst = r.instance ?? (r.state ? `<instance id="i${i}" state="active" cid="p${i}@x"/>` : '');
      return `<resource uri="${r.uri}">${inst}</resource>`;
    })
    .join('');
  const rlmi = `<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="${LIST}" version="${version}" fullState="true">${res}</list>`;
  const parts = resources.flatMap((r, i) => (r.state ? [{ cid: `p${i}@x`, type: 'application/pidf+xml', body: pidf(r.uri, r.state) }] : []));
  return multipart(rlmi, parts, 'b0undary', 'root@x');
}

/** Partial state (RFC 4662 §5.5): only the resources that changed. */
const partial = (version: number, resources: Parameters<typeof rlmiNotify>[1]) => rlmiNotify(version, resources).replace('fullState="true"', 'fullState="false"');

/** Moves the fake clock on in steps, letting the stack run between them. */
async function advance(bench: NotifierBench, ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    bench.clock.advance(step);
    await settle();
  }
}

/** In-dialog refreshes of the list subscription (not its un-SUBSCRIBE). */
const listRefreshes = (b: NotifierBench) => {
  const callId = initial(b, LIST)[0]?.header('Call-ID');
  return b.seen.filter((r) => r.method === 'SUBSCRIBE' && r.to.tag && r.header('Call-ID') === callId && r.header('Expires') !== '0').length;
};

/** Initial SUBSCRIBEs to anything but the list. */
const individual = (b: NotifierBench) => b.seen.filter((r) => r.method === 'SUBSCRIBE' && !r.to.tag && r.uri !== LIST).length;

/**
 * Four contacts; the list reports one in its first NOTIFY, one 0.9 s later, one 0.95 s after that (a pause of
 * 0.95 s: the longest), and never the fourth. Returns with the clock at the last report.
 */
async function reportsWithPauses(options: Partial<PresenceServiceOptions>): Promise<NotifierBench> {
  const uris = Array.from({ length: 4 }, (_, i) => `sip:s${i}@beta.test`);
  const { bench, signIn } = setup(uris, options);
  await signIn();
  const list = initial(bench, LIST)[0]!;
  bench.notify(list, { state: 'active;expires=3600', contentType: CT, body: rlmiNotify(0, [{ uri: uris[0]!, state: 'open' }, ...uris.slice(1).map((uri) => ({ uri }))]) });
  await settle();
  await advance(bench, 900);
  bench.notify(list, { state: 'active;expires=3600', contentType: CT, body: partial(1, [{ uri: uris[1]!, state: 'open' }]) });
  await settle();
  await advance(bench, 950);
  bench.notify(list, { state: 'active;expires=3600', contentType: CT, body: partial(2, [{ uri: uris[2]!, state: 'open' }]) });
  await settle();
  return bench;
}

describe('presence service: batched presence (RFC 4662)', () => {
  test('buddy-list URI derivation', () => {
    assert.equal(buddyListUri('sip:alice@alpha.test'), 'sip:alice-buddies@alpha.test');
    assert.equal(buddyListUri('sips:bob@beta.test;transport=tls'), 'sips:bob-buddies@beta.test');
    assert.equal(buddyListUri('nonsense'), undefined);
  });

  test('one SUBSCRIBE to the list; states from the RLS; an uncovered contact and a resubscribe get their own', async () => {
    const uris = ['sip:b1@beta.test', 'sip:b2@beta.test', 'sip:b3@beta.test', 'sip:extra@beta.test'];
    const { bench, signIn, row } = setup(uris);
    await signIn();
    assert.deepEqual(initial(bench).map((r) => r.uri), [LIST], 'only the list while deciding');
    assert.match(initial(bench)[0]!.header('Supported') ?? '', /eventlist/);
    const body = rlmiNotify(0, [
      { uri: 'sip:b1@beta.test', state: 'open' },
      { uri: 'sip:b2@beta.test', state: 'closed' },
      { uri: 'sip:b3@beta.test', instance: '<instance id="x" state="terminated" reason="resubscribe"/>' },
    ]);
    bench.notify(initial(bench, LIST)[0]!, { state: 'active;expires=3600', body, contentType: CT });
    await settle();
    assert.equal(row('sip:b1@beta.test').availability, 'available');
    assert.equal(row('sip:b2@beta.test').availability, 'offline');
    assert.equal(row('sip:b1@beta.test').reason, 'ok');
    await advance(bench, 500); // the individual SUBSCRIBEs are paced
    assert.equal(initial(bench, 'sip:b3@beta.test').length, 1, 'resubscribe → individual SUBSCRIBE at once');
    // The rest of the list may still be on its way (a full state split over several NOTIFYs): a contact the list
    // does not hold is subscribed once the list has gone quiet.
    assert.equal(initial(bench, 'sip:extra@beta.test').length, 0, 'not yet: the list may still name it');
    await advance(bench, 1500);
    assert.equal(initial(bench, 'sip:extra@beta.test').length, 1, 'not on the server list → individual SUBSCRIBE');
    assert.equal(initial(bench, 'sip:b1@beta.test').length, 0);
  });

  test('a contact the list never reports: once it is quiet, a list refresh for the full state, then its own SUBSCRIBE; the list takes it back', async () => {
    const uris = ['sip:b1@beta.test', 'sip:lost@beta.test', 'sip:asked@beta.test'];
    const { bench, signIn, row } = setup(uris, { resourceListRefreshAbove: 0, resourceListQuietMs: 1500 });
    await signIn();
    const list = initial(bench, LIST)[0]!;
    bench.notify(list, {
      state: 'active;expires=3600',
      contentType: CT,
      body: rlmiNotify(0, [
        { uri: 'sip:b1@beta.test', state: 'open' },
        { uri: 'sip:lost@beta.test' }, // listed, nothing about its back-end subscription
        { uri: 'sip:asked@beta.test' },
      ]),
    });
    await settle();
    await advance(bench, 1000);
    // Progress (a contact gets its first word: pending, waiting for the presentity's answer) restarts the wait…
    bench.notify(list, { state: 'active;expires=3600', contentType: CT, body: partial(1, [{ uri: 'sip:asked@beta.test', instance: '<instance id="p" state="pending"/>' }]) });
    await settle();
    await advance(bench, 1000);
    assert.equal(initial(bench, 'sip:lost@beta.test').length, 0, 'not while the list is still bringing news');
    // …an update of a contact already known does not.
    bench.notify(list, { state: 'active;expires=3600', contentType: CT, body: partial(2, [{ uri: 'sip:b1@beta.test', state: 'closed' }]) });
    await settle();
    await advance(bench, 600);
    assert.equal(listRefreshes(bench), 1, 'quiet list: first a refresh, for the full state (RFC 4662 §5.5)');
    assert.equal(initial(bench, 'sip:lost@beta.test').length, 0);
    // The full state still says nothing about it (as Kamailio for a contact that never published).
    bench.notify(list, { state: 'active;expires=3600', contentType: CT, body: rlmiNotify(3, [{ uri: 'sip:b1@beta.test', state: 'closed' }, { uri: 'sip:lost@beta.test' }, { uri: 'sip:asked@beta.test', instance: '<instance id="p" state="pending"/>' }]) });
    await settle();
    await advance(bench, 1600);
    assert.equal(initial(bench, 'sip:lost@beta.test').length, 1, 'still unreported: watched individually');
    assert.equal(listRefreshes(bench), 1, 'one refresh only');
    assert.equal(initial(bench, 'sip:asked@beta.test').length, 0, 'a pending instance is the list\'s answer: no extra SUBSCRIBE');
    assert.equal(initial(bench, 'sip:b1@beta.test').length, 0);
    assert.equal(row('sip:b1@beta.test').availability, 'offline');
    // The individual subscription gives the state…
    bench.notify(initial(bench, 'sip:lost@beta.test')[0]!, { state: 'active;expires=3600', contentType: 'application/pidf+xml', body: pidf('sip:lost@beta.test', 'open') });
    await settle();
    assert.equal(row('sip:lost@beta.test').availability, 'available');
    // …a later full state that still lists it without an instance changes nothing…
    bench.notify(list, { state: 'active;expires=3600', contentType: CT, body: rlmiNotify(4, [{ uri: 'sip:b1@beta.test', state: 'closed' }, { uri: 'sip:lost@beta.test' }, { uri: 'sip:asked@beta.test', instance: '<instance id="p" state="pending"/>' }]) });
    await settle();
    assert.equal(row('sip:lost@beta.test').availability, 'available');
    const unsubscribes = () => bench.seen.filter((r) => r.method === 'SUBSCRIBE' && r.to.tag && r.header('Expires') === '0').length;
    assert.equal(unsubscribes(), 0);
    // …and once the list reports a state for it, the list answers for it again and the individual one ends.
    bench.notify(list, { state: 'active;expires=3600', contentType: CT, body: partial(5, [{ uri: 'sip:lost@beta.test', state: 'closed' }]) });
    await settle();
    await advance(bench, 200);
    assert.equal(row('sip:lost@beta.test').availability, 'offline');
    assert.equal(unsubscribes(), 1);
  });

  test('a few unreported (no more than a second of paced SUBSCRIBEs): their own SUBSCRIBE at once, no list refresh', async () => {
    const uris = ['sip:b1@beta.test', 'sip:lost@beta.test'];
    const { bench, signIn } = setup(uris, { resourceListQuietMs: 1500 });
    await signIn();
    bench.notify(initial(bench, LIST)[0]!, { state: 'active;expires=3600', contentType: CT, body: rlmiNotify(0, [{ uri: 'sip:b1@beta.test', state: 'open' }, { uri: 'sip:lost@beta.test' }]) });
    await settle();
    await advance(bench, 1600);
    assert.equal(initial(bench, 'sip:lost@beta.test').length, 1);
    assert.equal(listRefreshes(bench), 0);
  });

  test('the refresh brings the state the RLS had stored but never sent: no individual SUBSCRIBE at all', async () => {
    const uris = ['sip:b1@beta.test', 'sip:lost@beta.test'];
    const { bench, signIn, row } = setup(uris, { resourceListRefreshAbove: 0, resourceListQuietMs: 1500 });
    await signIn();
    const list = initial(bench, LIST)[0]!;
    bench.notify(list, { state: 'active;expires=3600', contentType: CT, body: rlmiNotify(0, [{ uri: 'sip:b1@beta.test', state: 'open' }, { uri: 'sip:lost@beta.test' }]) });
    await settle();
    await advance(bench, 1600);
    assert.equal(listRefreshes(bench), 1);
    bench.notify(list, { state: 'active;expires=3600', contentType: CT, body: rlmiNotify(1, [{ uri: 'sip:b1@beta.test', state: 'open' }, { uri: 'sip:lost@beta.test', state: 'closed' }]) });
    await settle();
    await advance(bench, 5000);
    assert.equal(row('sip:lost@beta.test').availability, 'offline');
    assert.equal(row('sip:lost@beta.test').reason, 'ok');
    assert.equal(individual(bench), 0);
  });

  test('before the list has reported anybody it gets up to 10 s (its back-end subscriptions are still on their way)', async () => {
    const uris = Array.from({ length: 30 }, (_, i) => `sip:r${i}@beta.test`);
    const { bench, signIn } = setup(uris, { resourceListQuietMs: 1500, resourceListPatienceMs: 10_000, resourceListRefreshAbove: 25 });
    await signIn();
    bench.notify(initial(bench, LIST)[0]!, { state: 'active;expires=3600', contentType: CT, body: rlmiNotify(0, uris.map((uri) => ({ uri }))) });
    await settle();
    await advance(bench, 9000, 100);
    assert.equal(individual(bench), 0, 'nobody reported after 9 s: still waiting for the RLS');
    await advance(bench, 2000, 50);
    assert.equal(listRefreshes(bench), 1, 'patience over: a refresh for the full state');
    assert.equal(individual(bench), 0);
    await advance(bench, 3000, 50); // another quiet period, then 30 SUBSCRIBEs paced at 25/s
    assert.equal(individual(bench), 30, 'nothing came of it: each unreported contact gets its own SUBSCRIBE');
  });

  test('the quiet period stretches to the longest pause between the list\'s reports plus a third of the base', async () => {
    const bench = await reportsWithPauses({ resourceListRefreshAbove: 0, resourceListQuietMs: 1000 });
    await advance(bench, 1200);
    assert.equal(listRefreshes(bench), 0, 'quiet is now 0.95 s + 0.33 s ≈ 1.28 s: not yet after 1.2 s');
    await advance(bench, 200);
    assert.equal(listRefreshes(bench), 1, 'then the list is refreshed for the one never reported');
  });

  test('a few to recover do not wait for the stretched quiet: their SUBSCRIBEs go after the base quiet period', async () => {
    const bench = await reportsWithPauses({ resourceListQuietMs: 1000 });
    await advance(bench, 950);
    assert.equal(individual(bench), 0);
    await advance(bench, 100);
    assert.equal(individual(bench), 1, 'after 1 s (not the 1.28 s a list refresh would wait): its own SUBSCRIBE');
    assert.equal(listRefreshes(bench), 0);
  });

  test('retryList: the buddy list written after sign-in replaces the individual subscriptions', async () => {
    const uris = ['sip:c0@beta.test', 'sip:c1@beta.test'];
    const { bench, service, signIn, row } = setup(uris);
    let listExists = false;
    bench.script = (r) => (r.method === 'PUBLISH' ? accept(r, [['SIP-ETag', 'e1']]) : r.uri === LIST && !listExists ? reject(r, 404, 'Not Found') : accept(r, [['Expires', '3600']]));
    await signIn();
    await advance(bench, 500);
    assert.deepEqual(initial(bench).map((r) => r.uri), [LIST, ...uris]);
    listExists = true;
    service.retryList(ALICE);
    await settle();
    const second = initial(bench, LIST);
    assert.equal(second.length, 2, 'a new list SUBSCRIBE');
    bench.notify(second[1]!, { state: 'active;expires=3600', contentType: CT, body: rlmiNotify(0, uris.map((uri) => ({ uri, state: 'open' as const }))) });
    await settle();
    assert.equal(row('sip:c0@beta.test').availability, 'available');
    assert.equal(bench.seen.filter((r) => r.method === 'SUBSCRIBE' && r.to.tag && r.header('Expires') === '0').length, 2, 'both individual subscriptions end');
    service.retryList(ALICE);
    await settle();
    assert.equal(initial(bench, LIST).length, 2, 'no new SUBSCRIBE while the list works');
  });

  test('404 for the list URI: paced individual SUBSCRIBEs for every contact', async () => {
    const uris = Array.from({ length: 5 }, (_, i) => `sip:c${i}@beta.test`);
    const { bench, signIn } = setup(uris);
    bench.script = (r) => (r.method === 'PUBLISH' ? accept(r, [['SIP-ETag', 'e1']]) : r.uri === LIST ? reject(r, 404, 'Not Found') : accept(r, [['Expires', '3600']]));
    await signIn();
    await advance(bench, 1000);
    assert.deepEqual(initial(bench).map((r) => r.uri), [LIST, ...uris]);
  });

  test('no list document in time: fallback after the timeout', async () => {
    const { bench, signIn } = setup(['sip:c0@beta.test'], { resourceListTimeoutMs: 1000 });
    await signIn();
    assert.equal(initial(bench, 'sip:c0@beta.test').length, 0);
    await advance(bench, 1500);
    assert.equal(initial(bench, 'sip:c0@beta.test').length, 1);
  });

  test('capabilities: blocking hides presence only where the server has presence rules', async () => {
    const withRules = setup([], { presenceRules: () => true });
    await withRules.signIn();
    assert.equal(withRules.service.capabilities().blockingHidesPresence, true);
    assert.match(withRules.service.capabilities().blockingNote, /hides your presence/);
    const without = setup([], { presenceRules: () => false });
    await without.signIn();
    assert.equal(without.service.capabilities().blockingHidesPresence, false);
    assert.match(without.service.capabilities().blockingNote, /stops this contact’s instant messages\. It does not hide/);
  });
});
