// alpha.test ↔ lcs.test federation (protocol.md §2.1–§2.2): the emulated LCS edge is found only through
// `_sipfederationtls._tcp.lcs.test`, presents a certificate naming its edge FQDN (not the domain), and both sides
// run mutual TLS and check the other's name: alpha against the From domain or its federation SRV target, the LCS
// edge the same way. A wrong name on either side is refused.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { useTestbed } from '../../testbed/harness';
import type { CertPair, Testbed } from '../../testbed/harness';
import { AlphaClient } from '../../testbed/lcs/alpha-client';
import { LcsEdge } from '../../testbed/lcs/edge';
import { headerOf } from '../../testbed/lcs/control-client';
import { LCS_SPARE_ADDRESS } from '../../testbed/layout';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

type Outcome = { kind: 'response'; statusLine: string; peerCert: tls.PeerCertificate } | { kind: 'tls-error'; message: string };

/** Connects to the LCS edge presenting `cert` (or none), sends one MESSAGE From `fromDomain`, returns what happened. */
function sendToLcs(opts: { cert?: CertPair; fromDomain: string; toAor: string; localAddress: string }): Promise<Outcome> {
  const body = 'hello from a partner';
  return new Promise((resolve) => {
    let buf = '';
    const tcp = net.connect({ host: tb.lcs.address, port: tb.lcs.port, localAddress: opts.localAddress });
    const sock = tls.connect({
      socket: tcp,
      servername: tb.lcs.edgeFqdn,
      ca: readFileSync(tb.pki.ca),
      ...(opts.cert ? { cert: readFileSync(opts.cert.cert), key: readFileSync(opts.cert.key) } : {}),
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => done({ kind: 'tls-error', message: 'no answer in 5 s' }), 5000);
    const done = (o: Outcome) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    sock.on('secureConnect', () => {
      sock.write(
        [
          `MESSAGE ${opts.toAor} SIP/2.0`,
          `Via: SIP/2.0/TLS ${sock.localAddress}:${sock.localPort};branch=z9hG4bK${randomBytes(6).toString('hex')}`,
          'Max-Forwards: 70',
          `From: <sip:mallory@${opts.fromDomain}>;tag=${randomBytes(4).toString('hex')}`,
          `To: <${opts.toAor}>`,
          `Call-ID: ${randomBytes(8).toString('hex')}`,
          'CSeq: 1 MESSAGE',
          'Content-Type: text/plain',
          `Content-Length: ${Buffer.byteLength(body)}`,
          '',
          body,
        ].join('\r\n'),
      );
    });
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const line = buf.split('\r\n')[0] ?? '';
      if (buf.includes('\r\n\r\n')) done({ kind: 'response', statusLine: line, peerCert: sock.getPeerCertificate() });
    });
    // TLS 1.3: a refused client certificate shows up after the handshake, as an alert on the first read.
    sock.on('error', (err) => done({ kind: 'tls-error', message: err.message }));
    sock.on('close', () => done({ kind: 'tls-error', message: 'closed without an answer' }));
  });
}

describe('lcs.test as a federated partner of alpha.test', { concurrency: true }, () => {
  test('DNS: lcs.test is published only through _sipfederationtls._tcp, pointing at its edge FQDN', async () => {
    const r = new Resolver();
    r.setServers([tb.dns.server]);
    const srv = await r.resolveSrv('_sipfederationtls._tcp.lcs.test');
    assert.deepEqual(srv.map((s) => [s.name, s.port]), [['sip.lcs.test', 5061]]);
    assert.deepEqual(await r.resolve4('sip.lcs.test'), [tb.lcs.address]);
    // No RFC 3263 record: a partner that reaches lcs.test must have used the federation SRV record (§2.2 item 9).
    await assert.rejects(r.resolveSrv('_sips._tcp.lcs.test'));
  });

  test('the edge certificate names sip.lcs.test in Subject CN and SAN, EKU serverAuth+clientAuth, testbed CA', () => {
    const x = new X509Certificate(readFileSync(tb.pki.lcsEdge.cert));
    assert.match(x.subject, /CN=sip\.lcs\.test/);
    assert.match(x.subjectAltName ?? '', /DNS:sip\.lcs\.test/);
    assert.doesNotMatch(x.subjectAltName ?? '', /DNS:lcs\.test\b/, 'the SAN names the edge, not the domain');
    assert.deepEqual([...(x.keyUsage ?? [])].sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.ok(x.verify(new X509Certificate(readFileSync(tb.pki.ca)).publicKey));
  });

  test('alice@alpha.test → carol@lcs.test: alpha finds the edge by _sipfederationtls SRV and connects with mutual TLS', async (t) => {
    const since = Date.now();
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    const a = await AlphaClient.register(alice, { host: tb.alpha.address, port: tb.alpha.sipPort });
    t.after(() => a.close());
    const r = await a.invite(carol.aor, { text: 'hi carol' });
    assert.equal(r.response.status, 200);
    const inv = await carol.waitFor({ method: 'INVITE' });
    // The hop into lcs.test was TLS from alpha's address (RFC 3261 §18.2.1 Via), and alpha's TLS client certificate
    // was accepted by the edge (CN alpha.test).
    assert.match(headerOf(inv, 'Via') ?? '', /^SIP\/2\.0\/TLS 127\.0\.0\.2:5061\b/);
    const report = await tb.lcs.citizenship({ since, fromAddress: tb.alpha.address });
    assert.ok(report.connections >= 1);
    const stats = await tb.lcs.stats();
    assert.ok(stats.connections.some((c) => c.remoteAddress === tb.alpha.address && c.peer === 'alpha.test'));
    const dnsLog = readFileSync(`${tb.runDir}/dnsmasq.log`, 'utf8');
    assert.match(dnsLog, /query\[SRV\] _sipfederationtls\._tcp\.lcs\.test/);
  });

  test('carol@lcs.test → alice@alpha.test: alpha accepts the edge certificate named after the SRV target', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    const a = await AlphaClient.register(alice, { host: tb.alpha.address, port: tb.alpha.sipPort });
    t.after(() => a.close());
    const r = await carol.openIm(alice.aor, { text: 'hello alice' });
    assert.equal(r.status, 200, r.responseWire);
    const got = await a.waitForRequest((x) => x.request.method === 'INVITE');
    assert.match(got.request.header('Ms-Text-Format') ?? '', /ms-body=/);
    // Newest hop first: alpha → alice over TCP, then the edge → alpha over TLS.
    const vias = got.request.headers('Via');
    assert.match(vias[1] ?? '', /^SIP\/2\.0\/TLS sip\.lcs\.test:5061/);
  });

  test('an edge claiming lcs.test with a certificate for wrong.lcs.test is refused by alpha (403)', async (t) => {
    const alice = await tb.createUser('alpha.test', { prefix: 'alice', cleanup: t });
    const a = await AlphaClient.register(alice, { host: tb.alpha.address, port: tb.alpha.sipPort });
    t.after(() => a.close());
    const rogue = new LcsEdge({
      domain: 'lcs.test',
      edgeFqdn: 'wrong.lcs.test',
      address: LCS_SPARE_ADDRESS,
      port: 5061,
      key: readFileSync(tb.pki.lcsWrongName.key, 'utf8'),
      cert: readFileSync(tb.pki.lcsWrongName.cert, 'utf8'),
      ca: readFileSync(tb.pki.ca, 'utf8'),
      dnsServer: tb.dns.server,
    });
    await rogue.start();
    t.after(() => rogue.stop());
    rogue.createUser('mallory');
    const r = await rogue.openIm('mallory', { to: alice.aor, text: 'trust me' });
    assert.equal(r.status, 403);
    assert.equal(r.reason, 'Peer identity mismatch');
    assert.ok(!a.received.some((x) => x.request.method === 'INVITE'), 'nothing reached alice');
  });

  test('the LCS edge refuses a partner certificate with the wrong name, a rogue CA, or none', async (t) => {
    const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
    const good = await sendToLcs({ cert: tb.pki.domain('alpha.test'), fromDomain: 'alpha.test', toAor: carol.aor, localAddress: tb.alpha.address });
    assert.equal(good.kind, 'response');
    assert.match(good.kind === 'response' ? good.statusLine : '', /^SIP\/2\.0 200/);
    if (good.kind === 'response') assert.equal(good.peerCert.subject.CN, 'sip.lcs.test');

    // A valid CA-issued certificate, but for wrong.alpha.test: neither alpha.test nor its SRV target sip.alpha.test.
    const wrong = await sendToLcs({ cert: tb.pki.alphaWrongName, fromDomain: 'alpha.test', toAor: carol.aor, localAddress: tb.alpha.address });
    assert.equal(wrong.kind === 'response' ? wrong.statusLine : wrong.message, 'SIP/2.0 403 Peer identity mismatch');
    // alpha's real certificate speaking for beta.test.
    const spoof = await sendToLcs({ cert: tb.pki.domain('alpha.test'), fromDomain: 'beta.test', toAor: carol.aor, localAddress: tb.alpha.address });
    assert.equal(spoof.kind === 'response' ? spoof.statusLine : spoof.message, 'SIP/2.0 403 Peer identity mismatch');

    for (const cert of [tb.pki.rogue('alpha.test'), undefined]) {
      const r = await sendToLcs({ ...(cert ? { cert } : {}), fromDomain: 'alpha.test', toAor: carol.aor, localAddress: tb.alpha.address });
      assert.equal(r.kind, 'tls-error', `expected a TLS refusal, got ${r.kind === 'response' ? r.statusLine : ''}`);
    }
    const got = await carol.received();
    assert.deepEqual(got.map((r) => [r.method, r.from, r.status]), [['MESSAGE', 'sip:mallory@alpha.test', 200]]);
    const stats = await tb.lcs.stats();
    assert.ok(stats.identityRefusals.some((r) => /wrong\.alpha\.test/.test(r.presented)));
  });
});
