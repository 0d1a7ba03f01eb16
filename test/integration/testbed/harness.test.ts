// @test-exclusive: stops and restarts a testbed domain, so scripts/test.mjs runs this file alone.
// The harness itself: DNS answers the profile's names, users work at once and stop working when deleted,
// and a domain restarted with stopDomain/startDomain keeps its users.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { useTestbed } from '../../testbed/harness';
import type { Testbed } from '../../testbed/harness';
import { runSipp } from '../../testbed/sipp/driver';
import type { TestUser } from '../../testbed/users';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

const register = async (u: TestUser) => (await runSipp({ runDir: tb.runDir, scenario: 'register-wait', as: u, pauseMs: 0 }).done).statuses;

test('the test DNS serves A, NAPTR and the SRV names of the profile', async () => {
  const r = new Resolver();
  r.setServers([tb.dns.server]);
  assert.deepEqual(await r.resolve4('sip.beta.test'), ['127.0.0.3']);
  for (const name of ['_sipfederationtls._tcp', '_sip._tls', '_sips._tcp']) {
    assert.deepEqual(await r.resolveSrv(`${name}.alpha.test`), [{ name: 'sip.alpha.test', port: 5061, priority: 0, weight: 10 }]);
  }
  assert.deepEqual(await r.resolveSrv('_sip._tcp.beta.test'), [{ name: 'sip.beta.test', port: 5060, priority: 0, weight: 10 }]);
  const naptr = (await r.resolveNaptr('beta.test')).sort((a, b) => a.order - b.order);
  assert.deepEqual(naptr.map((n) => [n.service, n.replacement]), [['SIPS+D2T', '_sips._tcp.beta.test'], ['SIP+D2T', '_sip._tcp.beta.test']]);
  await assert.rejects(r.resolve4('nowhere.test'), { code: 'ENOTFOUND' });
});

test('a created user can register at once; wrong password and deleted user cannot', async (t) => {
  const u = await tb.createUser('beta.test', { prefix: 'dave', cleanup: t });
  assert.deepEqual(await register(u), [401, 200]);
  assert.deepEqual(await register({ ...u, password: 'wrong' }), [401, 401]);
  await tb.deleteUser(u);
  assert.deepEqual(await register(u), [401, 401]);
});

test('stopDomain/startDomain: the domain goes away, comes back, and its users still work', async (t) => {
  const u = await tb.createUser('beta.test', { prefix: 'erin', cleanup: t });
  t.after(() => tb.startDomain('beta.test'));
  await tb.stopDomain('beta.test');
  assert.equal(tb.isDomainUp('beta.test'), false);
  const down = await runSipp({ runDir: tb.runDir, scenario: 'register-wait', as: u, pauseMs: 0, timeoutMs: 3000 }).done;
  assert.notEqual(down.exitCode, 0);
  assert.deepEqual(down.statuses, []);
  const t0 = Date.now();
  await tb.startDomain('beta.test');
  const restartMs = Date.now() - t0;
  assert.ok(restartMs < 3000, `restart took ${restartMs} ms`);
  assert.equal(tb.isDomainUp('beta.test'), true);
  assert.deepEqual(await register(u), [401, 200]);
});
