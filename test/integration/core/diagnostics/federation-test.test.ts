// "Test federation with <domain>" against the real testbed: beta.test publishes _sipfederationtls._tcp, its edge
// presents a certificate from the testbed CA (mutual TLS), and OPTIONS from a signed-in alpha user crosses both
// servers. Also: an unknown domain, a probe without the CA, and a signed-out test.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../../../electron/core/app-core';
import { federationDomain, testFederation, explainOptionsAnswer } from '../../../../electron/core/diagnostics/federation-test';
import { nodePlatform } from '../../../../electron/core/platform/node-platform';
import { SipResolver } from '../../../../electron/sip/resolver/resolver';
import type { AccountState, FederationTestResult } from '../../../../shared/ipc/contract';
import { useTestbed } from '../../../testbed/harness';
import type { Testbed } from '../../../testbed/harness';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

describe('federation test', () => {
  test('signed in as alice: DNS finds beta.test\'s edge, its certificate passes every check, OPTIONS crosses', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const core = createAppCore(nodePlatform('cli', mkdtempSync(join(tmpdir(), 'parley-fedtest-'))), {
      sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
    });
    t.after(() => core.close());
    const signIn = await core.dispatch('account.signIn', { address: `${alice.user}@alpha.test`, password: alice.password });
    assert.equal(signIn.ok && (signIn.value as AccountState).state, 'registered');
    const result = await core.dispatch('diagnostics.testFederation', { domain: 'Beta.Test', accountId: `sip:${alice.user}@alpha.test` });
    assert.ok(result.ok, JSON.stringify(result));
    const value = result.value as FederationTestResult;
    assert.equal(value.domain, 'beta.test');
    const [dns, tls, options] = value.steps;
    assert.deepEqual(value.steps.map((s) => s.kind), ['dns', 'tls', 'options']);
    assert.equal(dns!.outcome, 'pass', dns!.summary);
    assert.match(dns!.details.join('\n'), /SRV _sipfederationtls\._tcp\.beta\.test: found/);
    assert.match(dns!.summary, /127\.0\.0\.3:5061/);
    assert.equal(tls!.outcome, 'pass', tls!.summary);
    const tlsText = tls!.details.join('\n');
    for (const check of ['chain', 'name', 'validity', 'eku']) assert.match(tlsText, new RegExp(`✓ ${check}:`));
    assert.match(tlsText, /SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    // The OPTIONS really went out through alpha (our home server) and got a final answer from across.
    assert.notEqual(options!.outcome, 'skipped');
    assert.match(options!.details[0]!, /^OPTIONS sip:beta\.test → \d{3} /);
    const sent = core.trace.since().filter((e) => e.direction === 'out' && e.text.startsWith('OPTIONS sip:beta.test SIP/2.0'));
    assert.equal(sent.length >= 1, true, `no OPTIONS on the wire; the step said: ${JSON.stringify(options)}; trace: ${core.trace.since().map((e) => `${e.direction} ${e.text.slice(0, e.text.indexOf('\r\n'))}`).join(' | ')}`);
    assert.match(sent[0]!.text, /^Route: <sip:127\.0\.0\.2:5061;transport=tls;lr>/im);
    // 2xx/404/405 mean it reached beta; alpha answering 403/502 would mean federation is broken in the testbed.
    assert.ok(['pass', 'warn'].includes(options!.outcome), options!.summary);
  });

  test('without the testbed CA the probe names the chain failure; signed out, OPTIONS is skipped', async () => {
    const result = await testFederation({ domain: 'beta.test', resolver: new SipResolver({ servers: [tb.dns.server] }), tls: { useSystemCa: true } });
    const [dns, tls, options] = result.steps;
    assert.equal(dns!.outcome, 'pass');
    assert.equal(tls!.outcome, 'fail');
    assert.match(tls!.summary, /not trusted/);
    assert.match(tls!.details.join('\n'), /✗ chain:/);
    assert.match(tls!.details.join('\n'), /✓ name:/);
    assert.equal(options!.outcome, 'skipped');
    assert.match(options!.summary, /sign in/i);
  });

  test('a domain without SIP records fails the DNS step in plain words and skips the probe', async () => {
    const result = await testFederation({ domain: 'nowhere.test', resolver: new SipResolver({ servers: [tb.dns.server], timeoutMs: 2000 }) });
    assert.equal(result.steps[0]!.outcome, 'fail');
    assert.match(result.steps[0]!.summary, /could not be found/);
    assert.match(result.steps[0]!.details.join('\n') + result.steps[0]!.summary, /_sipfederationtls\._tcp\.nowhere\.test/);
    assert.equal(result.steps[1]!.outcome, 'skipped');
  });

  test('input is normalised and nonsense refused; answers are explained per protocol.md §2.12', async () => {
    assert.equal(federationDomain('sip:bob@Beta.TEST'), 'beta.test');
    assert.equal(federationDomain('beta.test.'), 'beta.test');
    assert.equal(federationDomain('not a domain'), undefined);
    const r = await testFederation({ domain: 'a b', resolver: new SipResolver({ servers: [tb.dns.server] }) });
    assert.equal(r.steps.length, 1);
    assert.equal(r.steps[0]!.outcome, 'fail');
    assert.match(explainOptionsAnswer('x.test', 403, 'Forbidden').summary, /not federated/);
    assert.match(explainOptionsAnswer('x.test', 504, 'Server Time-out').summary, /unreachable/);
    assert.equal(explainOptionsAnswer('x.test', 200, 'OK').outcome, 'pass');
  });
});
