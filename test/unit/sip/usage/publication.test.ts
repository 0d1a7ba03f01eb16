// Publication usage (RFC 3903) over the loop transport with a fake clock: initial PUBLISH on the wire, refresh with
// SIP-If-Match and no body before expiry, modify, remove (Expires: 0), 412 → start over, 423 → Min-Expires, and
// dispose() leaving the publication to expire on the server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Publication } from '../../../../electron/sip/usage/publication';
import type { PublicationState } from '../../../../electron/sip/usage/publication';
import { createResponse } from '../../../../electron/sip/transaction/message-api';
import type { SipRequest } from '../../../../electron/sip/message/message';
import { makeNotifierBench, PIDF_CLOSED, PIDF_OPEN, reject, settle } from './subscription-notifier';

const DOC = { contentType: 'application/pidf+xml', body: PIDF_OPEN };

function setup(expires = 600) {
  const bench = makeNotifierBench();
  const states: PublicationState[] = [];
  const publication = new Publication(bench.ua.sender, { clock: bench.clock, expires, onStateChange: (s) => states.push(s) });
  let n = 0;
  bench.script = (r) => createResponse(r, 200, 'OK', { toTag: 'p', headers: [['SIP-ETag', `e${++n}`], ['Expires', String(r.header('Expires'))]] });
  return { bench, publication, states };
}

const publishes = (seen: SipRequest[]) => seen.filter((r) => r.method === 'PUBLISH');

describe('publication (RFC 3903)', () => {
  test('initial PUBLISH: Request-URI/To = our AOR, Event: presence, Expires, the PIDF body; 200 gives the entity-tag', async () => {
    const { bench, publication, states } = setup();
    await publication.publish(DOC);
    const wire = bench.log[0]!.wire;
    assert.match(wire, /^PUBLISH sip:alice@example\.net SIP\/2\.0\r\n/);
    assert.match(wire, /\r\nTo: <sip:alice@example\.net>\r\n/);
    assert.match(wire, /\r\nEvent: presence\r\n/);
    assert.match(wire, /\r\nExpires: 600\r\n/);
    assert.match(wire, /\r\nContent-Type: application\/pidf\+xml\r\n/);
    assert.doesNotMatch(wire, /SIP-If-Match/);
    assert.ok(wire.endsWith(PIDF_OPEN));
    assert.deepEqual(states, [{ kind: 'published', etag: 'e1', expires: 600 }]);
    assert.equal(publication.entityTag, 'e1');
  });

  test('refresh before expiry: SIP-If-Match with the entity-tag and no body (§4.3)', async () => {
    const { bench, publication } = setup();
    await publication.publish(DOC);
    bench.clock.advance(539_999); // margin: 10 % of 600 s = 60 s
    await settle();
    assert.equal(publishes(bench.seen).length, 1);
    bench.clock.advance(1);
    await settle();
    const refresh = publishes(bench.seen)[1]!;
    assert.equal(refresh.header('SIP-If-Match'), 'e1');
    assert.equal(refresh.header('Expires'), '600');
    assert.equal(refresh.body, '');
    assert.equal(refresh.hasHeader('Content-Type'), false);
    assert.equal(publication.entityTag, 'e2');
  });

  test('modify: SIP-If-Match and the new body (§4.4)', async () => {
    const { bench, publication } = setup();
    await publication.publish(DOC);
    await publication.publish({ contentType: 'application/pidf+xml', body: PIDF_CLOSED });
    const modify = publishes(bench.seen)[1]!;
    assert.equal(modify.header('SIP-If-Match'), 'e1');
    assert.equal(modify.body, PIDF_CLOSED);
  });

  test('412 Conditional Request Failed on a refresh → initial PUBLISH with the full document (§6)', async () => {
    const { bench, publication, states } = setup();
    await publication.publish(DOC);
    const ok = bench.script;
    bench.script = (r, i) => (r.hasHeader('SIP-If-Match') ? reject(r, 412, 'Conditional Request Failed') : ok(r, i));
    bench.clock.advance(540_000);
    await settle();
    const [, refresh, fresh] = publishes(bench.seen);
    assert.equal(refresh!.header('SIP-If-Match'), 'e1');
    assert.equal(fresh!.hasHeader('SIP-If-Match'), false);
    assert.equal(fresh!.body, PIDF_OPEN);
    assert.equal(states.at(-1)?.kind, 'published');
  });

  test('423 Interval Too Brief → retried with Min-Expires', async () => {
    const { bench, publication, states } = setup(60);
    const ok = bench.script;
    bench.script = (r, i) => (r.header('Expires') === '60' ? reject(r, 423, 'Interval Too Brief', [['Min-Expires', '300']]) : ok(r, i));
    await publication.publish(DOC);
    assert.deepEqual(publishes(bench.seen).map((r) => r.header('Expires')), ['60', '300']);
    assert.deepEqual(states.at(-1), { kind: 'published', etag: 'e1', expires: 300 });
  });

  test('remove: Expires: 0 with SIP-If-Match (§4.5); no refresh afterwards', async () => {
    const { bench, publication, states } = setup();
    await publication.publish(DOC);
    await publication.remove();
    const removal = publishes(bench.seen)[1]!;
    assert.equal(removal.header('Expires'), '0');
    assert.equal(removal.header('SIP-If-Match'), 'e1');
    assert.equal(removal.body, '');
    assert.deepEqual(states.at(-1), { kind: 'removed' });
    bench.clock.advance(3_600_000);
    await settle();
    assert.equal(publishes(bench.seen).length, 2);
  });

  test('dispose: nothing more is sent; the publication is left to expire on the server', async () => {
    const { bench, publication } = setup();
    await publication.publish(DOC);
    publication.dispose();
    bench.clock.advance(3_600_000);
    await settle();
    assert.equal(publishes(bench.seen).length, 1);
    assert.equal(bench.clock.pendingCount, 0);
  });

  test('a failure is reported with the status; republish() starts again without the entity-tag', async () => {
    const { bench, publication, states } = setup();
    const ok = bench.script;
    bench.script = (r) => reject(r, 403, 'Publish only your own presence');
    await publication.publish(DOC);
    assert.deepEqual(states.at(-1), { kind: 'failed', status: 403, detail: '403 Publish only your own presence' });
    bench.script = ok;
    await publication.republish();
    assert.equal(publishes(bench.seen)[1]!.hasHeader('SIP-If-Match'), false);
    assert.equal(states.at(-1)?.kind, 'published');
  });
});
