// The resolver against a real DNS server (our own dnsmasq on a random loopback port): protocol.md §2.2 sign-in
// order, RFC 3263 NAPTR/SRV, RFC 2782 priority/weight, A-record fallbacks, TTL caching and typed errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SipResolver } from '../../../../electron/sip/resolver/resolver';
import { ResolutionError } from '../../../../electron/sip/resolver/errors';
import { startDnsmasq } from './dnsmasq';
import type { Dnsmasq } from './dnsmasq';

const RECORDS = [
  // all four sign-in names: the first (_sipinternaltls._tcp) must win
  'srv-host=_sipinternaltls._tcp.all.test,pool.all.test,5061,0,0',
  'srv-host=_sipinternal._tcp.all.test,tcp.all.test,5060,0,0',
  'srv-host=_sip._tls.all.test,edge.all.test,5061,0,0',
  'srv-host=_sip._tcp.all.test,tcp.all.test,5060,0,0',
  'host-record=pool.all.test,127.0.0.21',
  'host-record=tcp.all.test,127.0.0.22',
  'host-record=edge.all.test,127.0.0.23',
  // _sipinternal._tcp and _sip._tls: the TCP one comes first in the §2.2 order
  'srv-host=_sipinternal._tcp.mid.test,in.mid.test,5060,0,0',
  'srv-host=_sip._tls.mid.test,edge.mid.test,5061,0,0',
  'host-record=in.mid.test,127.0.0.31',
  'host-record=edge.mid.test,127.0.0.32',
  // RFC 3263 NAPTR → SRV → A (no Microsoft names)
  'naptr-record=naptr.test,20,10,s,SIP+D2T,,_sip._tcp.naptr.test',
  'naptr-record=naptr.test,10,10,s,SIPS+D2T,,_sips._tcp.naptr.test',
  'srv-host=_sips._tcp.naptr.test,proxy.naptr.test,5061,0,0',
  'srv-host=_sip._tcp.naptr.test,proxy.naptr.test,5060,0,0',
  'host-record=proxy.naptr.test,127.0.0.41',
  // RFC 3263 without NAPTR: _sips._tcp
  'srv-host=_sips._tcp.plain.test,proxy.plain.test,5061,0,0',
  'host-record=proxy.plain.test,127.0.0.45',
  // RFC 2782 priority and weight
  'srv-host=_sipinternaltls._tcp.weights.test,a.weights.test,5061,0,10',
  'srv-host=_sipinternaltls._tcp.weights.test,b.weights.test,5062,0,90',
  'srv-host=_sipinternaltls._tcp.weights.test,c.weights.test,5063,1,0',
  'host-record=a.weights.test,127.0.0.51',
  'host-record=b.weights.test,127.0.0.52',
  'host-record=c.weights.test,127.0.0.53',
  // only an OCS-era A record
  'host-record=sipexternal.fallback.test,127.0.0.61',
  'host-record=sip.fallback.test,127.0.0.62',
  // SRV pointing at a name without an address
  'srv-host=_sip._tls.dangling.test,ghost.dangling.test,5061,0,0',
  // federation
  'srv-host=_sipfederationtls._tcp.fed.test,edge.fed.test,5061,0,0',
  'host-record=edge.fed.test,127.0.0.71',
  'host-record=probe.test,127.0.0.1',
];

let dns: Dnsmasq;
before(async () => {
  dns = await startDnsmasq(RECORDS, 'probe.test');
});
after(async () => {
  await dns.stop();
});

function resolver(extra: ConstructorParameters<typeof SipResolver>[0] = {}): SipResolver {
  return new SipResolver({ servers: [dns.server], timeoutMs: 500, tries: 1, ...extra });
}

describe('sign-in discovery (protocol.md §2.2 item 11)', () => {
  test('_sipinternaltls._tcp wins when all four names exist; tlsServerName is the domain', async () => {
    const res = await resolver().resolveSignIn('All.Test');
    assert.deepEqual(res.targets.map((t) => [t.transport, t.host, t.port]), [['tls', '127.0.0.21', 5061]]);
    const t = res.targets[0]!;
    assert.equal(t.tlsServerName, 'all.test');
    assert.equal(t.srvTargetName, 'pool.all.test');
    assert.equal(t.source.kind, 'srv');
    assert.equal(t.source.record, '_sipinternaltls._tcp.all.test SRV 0 0 5061 pool.all.test');
    assert.match(t.source.address, /^pool\.all\.test A 127\.0\.0\.21 \(ttl 60\)$/);
  });

  test('the order is _sipinternaltls, _sipinternal, _sip._tls, _sip._tcp', async () => {
    const res = await resolver().resolveSignIn('mid.test');
    assert.deepEqual(res.steps.filter((s) => s.type === 'SRV').map((s) => [s.query, s.outcome]), [
      ['_sipinternaltls._tcp.mid.test', 'nxdomain'],
      ['_sipinternal._tcp.mid.test', 'found'],
    ]);
    assert.deepEqual(res.targets.map((t) => [t.transport, t.host, t.port]), [['tcp', '127.0.0.31', 5060]]);
  });

  test('excluding TCP skips the plain names and takes _sip._tls', async () => {
    const res = await resolver({ transports: ['tls'] }).resolveSignIn('mid.test');
    assert.deepEqual(res.targets.map((t) => [t.transport, t.host, t.port, t.source.record]), [
      ['tls', '127.0.0.32', 5061, '_sip._tls.mid.test SRV 0 0 5061 edge.mid.test'],
    ]);
  });

  test('A-record fallbacks: sipinternal:5061, then sipexternal:443, then sip:443', async () => {
    const res = await resolver().resolveSignIn('fallback.test');
    assert.deepEqual(res.targets.map((t) => [t.transport, t.host, t.port, t.srvTargetName, t.source.kind]), [
      ['tls', '127.0.0.61', 443, 'sipexternal.fallback.test', 'a-fallback'],
    ]);
    const queried = res.steps.map((s) => `${s.type} ${s.query}`);
    // every SRV name was asked, then NAPTR, then sipinternal before sipexternal
    for (const name of ['_sipinternaltls._tcp', '_sipinternal._tcp', '_sip._tls', '_sip._tcp', '_sips._tcp']) {
      assert.ok(queried.includes(`SRV ${name}.fallback.test`), name);
    }
    assert.ok(queried.indexOf('A sipinternal.fallback.test') < queried.indexOf('A sipexternal.fallback.test'));
    assert.ok(!queried.includes('A sip.fallback.test'), 'stops at the first fallback that has an address');
  });
});

describe('RFC 3263', () => {
  test('NAPTR order picks SIPS+D2T (order 10) over SIP+D2T (order 20), then its SRV, then A', async () => {
    const res = await resolver().resolveRfc3263('naptr.test');
    assert.deepEqual(res.targets.map((t) => [t.transport, t.host, t.port]), [['tls', '127.0.0.41', 5061]]);
    const t = res.targets[0]!;
    assert.equal(t.source.kind, 'naptr');
    assert.match(t.source.naptr ?? '', /NAPTR 10 10 "s" "SIPS\+D2T" "" _sips\._tcp\.naptr\.test/);
    assert.equal(t.source.record, '_sips._tcp.naptr.test SRV 0 0 5061 proxy.naptr.test');
  });

  test('NAPTR path also serves sign-in when no Microsoft names exist', async () => {
    const res = await resolver({ transports: ['tls'] }).resolveSignIn('naptr.test');
    assert.deepEqual(res.targets.map((t) => [t.transport, t.port, t.source.kind]), [['tls', 5061, 'naptr']]);
  });

  test('without NAPTR, _sips._tcp SRV', async () => {
    const res = await resolver().resolveRfc3263('plain.test');
    assert.deepEqual(res.targets.map((t) => [t.transport, t.host, t.port, t.source.kind]), [['tls', '127.0.0.45', 5061, 'srv']]);
    assert.deepEqual(res.steps.slice(0, 2).map((s) => [s.type, s.outcome]), [['NAPTR', 'nodata'], ['SRV', 'found']]);
  });

  test('an IP literal needs no DNS', async () => {
    const res = await resolver().resolveRfc3263('127.0.0.9');
    assert.deepEqual(res.targets.map((t) => [t.host, t.port]), [['127.0.0.9', 5061]]);
    assert.equal(res.steps.length, 0);
  });
});

describe('RFC 2782 priority and weight', () => {
  test('random 0 → the lowest running sum (weight 10) first; priority 1 comes last', async () => {
    const res = await resolver({ random: () => 0 }).resolveSignIn('weights.test');
    assert.deepEqual(res.targets.map((t) => t.port), [5061, 5062, 5063]);
  });

  test('random 0.5 → running sum 10 < 50 ≤ 100 picks the weight-90 record first', async () => {
    const res = await resolver({ random: () => 0.5 }).resolveSignIn('weights.test');
    assert.deepEqual(res.targets.map((t) => [t.srvTargetName, t.port]), [
      ['b.weights.test', 5062],
      ['a.weights.test', 5061],
      ['c.weights.test', 5063],
    ]);
  });
});

describe('federation (protocol.md §2.2 item 9)', () => {
  test('_sipfederationtls._tcp', async () => {
    const res = await resolver().resolveFederation('fed.test');
    assert.deepEqual(res.targets.map((t) => [t.transport, t.host, t.port, t.tlsServerName, t.srvTargetName]), [
      ['tls', '127.0.0.71', 5061, 'fed.test', 'edge.fed.test'],
    ]);
    assert.equal(res.targets[0]!.source.record, '_sipfederationtls._tcp.fed.test SRV 0 0 5061 edge.fed.test');
  });

  test('falls back to RFC 3263 for a non-Microsoft domain', async () => {
    const res = await resolver().resolveFederation('plain.test');
    assert.deepEqual(res.targets.map((t) => t.source.record), ['_sips._tcp.plain.test SRV 0 0 5061 proxy.plain.test']);
  });

  test('static edge FQDN ("direct federation")', async () => {
    const res = await resolver().resolveStatic('fed.test', 'edge.fed.test', 5061);
    assert.deepEqual(res.targets.map((t) => [t.host, t.port, t.tlsServerName, t.source.kind]), [['127.0.0.71', 5061, 'fed.test', 'static']]);
  });
});

describe('errors', () => {
  test('NXDOMAIN everywhere → ResolutionError not-found naming what was tried', async () => {
    await assert.rejects(resolver().resolveSignIn('nothing.test'), (err: unknown) => {
      assert.ok(err instanceof ResolutionError);
      assert.equal(err.code, 'not-found');
      assert.match(err.message, /no SIP server found for nothing\.test/, err.message);
      assert.match(err.message, /_sipinternaltls\._tcp\.nothing\.test/);
      assert.ok(err.failures.every((f) => f.failure === 'nxdomain' || f.failure === 'nodata'));
      return true;
    });
  });

  test('SRV to a name without address → no-addresses', async () => {
    // _sip._tls exists but its target has no A record, and no A-record fallback exists
    await assert.rejects(resolver().resolveSignIn('dangling.test'), (err: unknown) => {
      assert.ok(err instanceof ResolutionError);
      assert.equal(err.code, 'no-addresses');
      assert.match(err.message, /no address for any SIP server of dangling\.test/);
      return true;
    });
  });

  test('a dead DNS server → dns-unreachable naming the server', async () => {
    const r = new SipResolver({ servers: ['127.0.0.1:1'], timeoutMs: 200, tries: 1 });
    await assert.rejects(r.resolveSignIn('all.test'), (err: unknown) => {
      assert.ok(err instanceof ResolutionError);
      assert.equal(err.code, 'dns-unreachable');
      assert.match(err.message, /DNS server 127\.0\.0\.1:1 (did not answer|refused)/);
      return true;
    });
  });
});

describe('TTL cache', () => {
  test('the second lookup is served from the cache; after the TTL the server is asked again', async () => {
    let now = 1_000_000;
    const own = await startDnsmasq(['srv-host=_sip._tls.cache.test,sip.cache.test,5061,0,0', 'host-record=sip.cache.test,127.0.0.81'], 'sip.cache.test', 10);
    try {
      const r = new SipResolver({ servers: [own.server], timeoutMs: 200, tries: 1, defaultTtlSeconds: 10, now: () => now });
      const first = await r.resolveSignIn('cache.test');
      const sent = r.dns.queriesSent;
      assert.ok(first.steps.every((s) => !s.fromCache));
      const second = await r.resolveSignIn('cache.test');
      assert.equal(r.dns.queriesSent, sent, 'no query sent the second time');
      assert.ok(second.steps.every((s) => s.fromCache));
      assert.deepEqual(second.targets, first.targets);

      assert.match(first.targets[0]!.source.address, /\(ttl 10\)$/, 'the A record TTL is the server\'s');
      // With the server gone, the cache still answers within the TTL (SRV: the default 10 s; A: the record's 10 s) …
      await own.stop();
      now += 9_000;
      assert.deepEqual((await r.resolveSignIn('cache.test')).targets, first.targets);
      // … and once the TTLs have passed the resolver must ask again, and says the server is unreachable.
      now += 2_000;
      await assert.rejects(r.resolveSignIn('cache.test'), (err: unknown) => err instanceof ResolutionError && err.code === 'dns-unreachable');
    } finally {
      await own.stop();
    }
  });
});
