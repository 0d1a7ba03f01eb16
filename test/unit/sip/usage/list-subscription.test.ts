// RFC 4662 subscriber over the loop transport against a scripted RLS, with a fake clock: the SUBSCRIBE on the wire,
// full then partial state, out-of-order versions ignored, `resubscribe` handed back, removed resources, and the
// fallbacks (404, a plain presence NOTIFY for the list URI, no document in time).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Subscriber } from '../../../../electron/sip/usage/subscription';
import { ListSubscription } from '../../../../electron/sip/usage/list-subscription';
import type { ListStatus, ResourceUpdate } from '../../../../electron/sip/usage/list-subscription';
import { accept, makeNotifierBench, PIDF_OPEN, reject, settle } from './subscription-notifier';
import { CONTENT_TYPE, multipart, NOTIFY_FULL, NOTIFY_PARTIAL, RLMI_FULL, RLMI_PARTIAL } from '../simple/rlmi-fixtures';

const LIST = 'sip:adam-friends@pres.vancouver.example.com';

function setup(timeoutMs?: number) {
  const bench = makeNotifierBench();
  const subscriber = new Subscriber(bench.ua);
  const statuses: ListStatus[] = [];
  const updates: Array<[string, ResourceUpdate]> = [];
  const resubscribe: string[] = [];
  const removed: string[] = [];
  const refused: string[] = [];
  const list = new ListSubscription(
    subscriber,
    { uri: LIST, ...(timeoutMs !== undefined ? { firstDocumentTimeoutMs: timeoutMs } : {}) },
    {
      onStatus: (s) => statuses.push(s),
      onResource: (uri, u) => updates.push([uri, u]),
      onResubscribe: (uri) => resubscribe.push(uri),
      onRemoved: (uri) => removed.push(uri),
      onRefused: (d) => refused.push(d),
    },
  );
  return { bench, subscriber, list, statuses, updates, resubscribe, removed, refused };
}

const subscribes = (b: ReturnType<typeof makeNotifierBench>) => b.seen.filter((r) => r.method === 'SUBSCRIBE');
const availability = (u: ResourceUpdate | undefined) => (u?.kind === 'state' ? u.state.availability : u?.kind);

describe('list subscription (RFC 4662)', () => {
  test('SUBSCRIBE carries Supported: eventlist and accepts multipart/related, RLMI and PIDF (§5.1)', async () => {
    const { bench } = setup();
    await settle();
    const wire = bench.log[0]!.wire;
    assert.match(wire, /^SUBSCRIBE sip:adam-friends@pres\.vancouver\.example\.com SIP\/2\.0\r\n/);
    assert.match(wire, /\r\nEvent: presence\r\n/);
    assert.match(wire, /\r\nSupported: eventlist\r\n/);
    assert.match(wire, /\r\nAccept: multipart\/related, application\/rlmi\+xml, application\/pidf\+xml/);
    assert.doesNotMatch(wire, /Proxy-Require/);
  });

  test('full state then partial: per-resource states, names, resubscribe handed back, stale versions ignored', async () => {
    const { bench, list, statuses, updates, resubscribe } = setup();
    bench.script = (r) => accept(r, [['Expires', '3600'], ['Require', 'eventlist']]);
    await settle();
    const sub = subscribes(bench)[0]!;
    bench.notify(sub, { state: 'active;expires=3600', body: NOTIFY_FULL, contentType: CONTENT_TYPE, cseq: 1, headers: [['Require', 'eventlist']] });
    await settle();
    assert.equal(bench.answers[0]!.status, 200);
    assert.deepEqual(statuses.at(-1), { kind: 'list', resources: 4 });
    const first = new Map(updates);
    assert.equal(availability(first.get('sip:bob@vancouver.example.com')), 'available');
    assert.equal(availability(first.get('sip:dave@vancouver.example.com')), 'offline');
    assert.equal(first.get('sip:dave@vancouver.example.com')?.name, 'Dave Jones');
    assert.equal(availability(first.get('sip:ed@dallas.example.net')), 'pending');
    updates.length = 0;
    bench.notify(sub, { state: 'active;expires=3600', body: NOTIFY_PARTIAL, contentType: CONTENT_TYPE, cseq: 2 });
    await settle();
    assert.deepEqual(updates.map(([u]) => u), ['sip:bob@vancouver.example.com'], 'partial: only what it names');
    assert.equal(availability(updates[0]?.[1]), 'offline');
    assert.deepEqual(resubscribe, ['sip:ed@dallas.example.net']);
    // Version 1 again (a reordered NOTIFY): answered, ignored.
    updates.length = 0;
    bench.notify(sub, { state: 'active;expires=3600', body: NOTIFY_FULL, contentType: CONTENT_TYPE, cseq: 3 });
    await settle();
    assert.equal(bench.answers.at(-1)!.status, 200);
    assert.deepEqual(updates, []);
    assert.equal(list.stats.ignoredVersions, 1);
  });

  test('a full state without a resource removes it; a missing part or bad PIDF is refused for that resource only', async () => {
    const { bench, updates, removed, refused } = setup();
    bench.script = (r) => accept(r);
    await settle();
    const sub = subscribes(bench)[0]!;
    bench.notify(sub, { state: 'active', body: NOTIFY_FULL, contentType: CONTENT_TYPE, cseq: 1 });
    await settle();
    const v3 = RLMI_FULL.replace('version="1"', 'version="3"').replace(/ {2}<resource uri="sip:dave[\s\S]*?<\/resource>\r\n/, '');
    const body = multipart(v3, [{ cid: 'bUZBsM@pres.vancouver.example.com', type: 'application/pidf+xml', body: '<presence xmlns="urn:ietf:params:xml:ns:pidf"><broken>' }]);
    updates.length = 0;
    bench.notify(sub, { state: 'active', body, contentType: CONTENT_TYPE, cseq: 2 });
    await settle();
    assert.deepEqual(removed, ['sip:dave@vancouver.example.com']);
    assert.ok(!updates.some(([u]) => u === 'sip:bob@vancouver.example.com'), 'bad PIDF: no state for bob');
    assert.equal(refused.length, 1);
    assert.match(refused[0]!, /bob/);
  });

  test('404 for the list URI: unavailable (the owner falls back)', async () => {
    const { bench, statuses } = setup();
    bench.script = (r) => reject(r, 404, 'Not Found');
    await settle();
    assert.deepEqual(statuses.at(-1), { kind: 'unavailable', detail: '404 Not Found', status: 404 });
  });

  test('a plain PIDF NOTIFY for the list URI (no RLS): unavailable and un-SUBSCRIBEd', async () => {
    const { bench, statuses } = setup();
    bench.script = (r) => accept(r, [['Expires', '3600']]);
    await settle();
    bench.notify(subscribes(bench)[0]!, { state: 'active;expires=3600', body: PIDF_OPEN, cseq: 1 });
    await settle();
    assert.equal(statuses.at(-1)?.kind, 'unavailable');
    assert.match((statuses.at(-1) as { detail: string }).detail, /application\/pidf\+xml/);
    const last = subscribes(bench).at(-1)!;
    assert.equal(last.header('Expires'), '0');
  });

  test('an active NOTIFY without a body for the list URI (a presence server, no RLS): unavailable', async () => {
    const { bench, statuses } = setup();
    bench.script = (r) => accept(r, [['Expires', '3600']]);
    await settle();
    bench.notify(subscribes(bench)[0]!, { state: 'active;expires=3600', cseq: 1 });
    await settle();
    assert.equal(statuses.at(-1)?.kind, 'unavailable');
  });

  test('an active instance without a document: active (nothing published); no instance yet: pending', async () => {
    const { bench, updates } = setup();
    bench.script = (r) => accept(r);
    await settle();
    const rlmi = '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="0" fullState="true"><resource uri="sip:a@x"><instance id="i1" state="active"/></resource><resource uri="sip:b@x"/></list>';
    bench.notify(subscribes(bench)[0]!, { state: 'active', body: multipart(rlmi, []), contentType: CONTENT_TYPE, cseq: 1 });
    await settle();
    assert.deepEqual(updates.map(([u, x]) => [u, x.kind]), [['sip:a@x', 'active'], ['sip:b@x', 'pending']]);
  });

  test('no RLMI within the timeout: unavailable', async () => {
    const { bench, statuses } = setup(5000);
    bench.script = (r) => accept(r, [['Expires', '3600']]);
    await settle();
    bench.clock.advance(5000);
    await settle();
    assert.deepEqual(statuses.at(-1), { kind: 'unavailable', detail: 'no resource list document arrived in time' });
  });

  test('partial state first (no full state yet) is not applied', async () => {
    const { bench, updates, statuses } = setup();
    bench.script = (r) => accept(r);
    await settle();
    bench.notify(subscribes(bench)[0]!, { state: 'active', body: multipart(RLMI_PARTIAL, []), contentType: CONTENT_TYPE, cseq: 1 });
    await settle();
    assert.deepEqual(updates, []);
    assert.equal(statuses.length, 0);
  });
});
