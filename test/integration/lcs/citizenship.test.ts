// The good-citizenship counters of the emulated LCS edge (protocol.md §2.11): SUBSCRIBEs per second, refreshes per
// subscription, retries after 403/404/604, TLS connections from alpha. Here a well-behaved and a misbehaving watcher
// are played by the alpha test client, so each counter is shown to see what it must; Parley's own presence service
// is measured with the same API by its tests.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { AlphaClient } from '../../testbed/lcs/alpha-client';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

describe('LCS good-citizenship counters', { concurrency: true }, () => {
  test('a polite watcher: one SUBSCRIBE per contact, one refresh, no retry after 403/404/604, one connection from alpha', async (t) => {
    const since = Date.now();
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const a = await AlphaClient.register(alice, { host: tb.alpha.address, port: tb.alpha.sipPort });
    t.after(() => a.close());
    const ok = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    const refused = await tb.lcs.createUser({ prefix: 'dave', cleanup: t, switches: { subscribeStatus: 403 } });
    const gone = await tb.lcs.createUser({ prefix: 'erin', cleanup: t, switches: { subscribeStatus: 604 } });
    const sub = await a.subscribe(ok.aor, { expires: 3600 });
    await a.waitForNotify(sub);
    assert.equal((await a.subscribe(refused.aor)).response.status, 403);
    assert.equal((await a.subscribe(gone.aor)).response.status, 604);
    assert.equal((await a.refresh(sub, 3600)).status, 200);

    const r = await tb.lcs.citizenship({ since, watcher: a.aor });
    assert.equal(r.subscribes.length, 4);
    assert.ok(r.maxSubscribesPerSecond <= 4);
    assert.deepEqual(r.refreshesBySubscription[sub.callId], 1);
    assert.deepEqual(
      r.retriesAfterRefusal.map((x) => [x.presentity, x.refusedWith, x.retries]).sort(),
      [[refused.aor, 403, 0], [gone.aor, 604, 0]].sort(),
    );
    // alpha keeps its federation connection: everything above used the TLS connection(s) alpha opened to the edge.
    const conns = await tb.lcs.citizenship({ fromAddress: tb.alpha.address });
    assert.ok(conns.openConnections >= 1 && conns.openConnections <= 2, `open connections from alpha: ${conns.openConnections}`);
  });

  test('a misbehaving watcher is caught: a retry after 404, a burst of SUBSCRIBEs, a gratuitous refresh', async (t) => {
    const since = Date.now();
    const alice = await tb.createUser('alpha.test', { prefix: 'spammy', cleanup: t });
    const a = await AlphaClient.register(alice, { host: tb.alpha.address, port: tb.alpha.sipPort });
    t.after(() => a.close());
    const missing = await tb.lcs.createUser({ prefix: 'frank', cleanup: t, switches: { subscribeStatus: 404 } });
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    assert.equal((await a.subscribe(missing.aor)).response.status, 404);
    assert.equal((await a.subscribe(missing.aor)).response.status, 404);
    const subs = await Promise.all(Array.from({ length: 6 }, () => a.subscribe(carol.aor, { expires: 3600 })));
    await a.refresh(subs[0]!, 3600);
    await a.refresh(subs[0]!, 3600);

    const r = await tb.lcs.citizenship({ since, watcher: a.aor });
    assert.deepEqual(r.retriesAfterRefusal.map((x) => [x.presentity, x.refusedWith, x.retries]), [[missing.aor, 404, 1]]);
    assert.ok(r.maxSubscribesPerSecond >= 6, `burst seen as ${r.maxSubscribesPerSecond}/s`);
    assert.equal(r.refreshesBySubscription[subs[0]!.callId], 2);
    // Refreshing an hour-long subscription within seconds: far below what its expiry implies (BCP §5.3.1).
    assert.ok(r.minRefreshGapMs !== undefined && r.minRefreshGapMs < 60_000);
  });
});
