// TLS through the StreamTransport against real node:tls servers on loopback: RFC 5922 §7 identity, chain, validity,
// EKU, per-domain pins, the SRV-target compatibility option, client certificates and legacy TLS 1.0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { StreamTransport } from '../../../../electron/sip/transport/stream-transport';
import type { StreamTransportOptions } from '../../../../electron/sip/transport/stream-transport';
import { TlsVerificationError } from '../../../../electron/sip/transport/errors';
import { TransportError } from '../../../../electron/sip/transport/transport';
import type { TransportTarget } from '../../../../electron/sip/transport/transport';
import type { TlsSettings } from '../../../../electron/sip/transport/tls-settings';
import type { TlsCheckName, TlsVerification } from '../../../../electron/sip/transport/tls-verification';
import type { CreatedCertificate } from '../../../../electron/sip/tls/certificates';
import { DOMAIN, testPki } from './pki';
import type { TestPki } from './pki';
import { startPeer } from './peer-server';
import type { PeerServer } from './peer-server';

const OPTIONS = [
  'OPTIONS sip:alpha.test SIP/2.0',
  'Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKtls1',
  'Max-Forwards: 70',
  'From: <sip:alice@alpha.test>;tag=1',
  'To: <sip:alpha.test>',
  'Call-ID: tls-1',
  'CSeq: 1 OPTIONS',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

let pki: TestPki;
const open: Array<{ close(): Promise<void> }> = [];
before(async () => {
  pki = await testPki();
});
after(async () => {
  await Promise.all(open.map((o) => o.close()));
});

async function serverWith(cert: CreatedCertificate, extra: Parameters<typeof startPeer>[1] = {}): Promise<PeerServer> {
  const peer = await startPeer('tls', { key: cert.privateKeyPem, cert: cert.certificatePem, ...extra });
  open.push(peer);
  return peer;
}

function client(tls: TlsSettings = {}, more: StreamTransportOptions = {}): StreamTransport {
  const t = new StreamTransport({ tls: { useSystemCa: false, extraCaCertificates: [pki.ca.certificatePem], ...tls }, keepAliveIntervalMs: 0, ...more });
  t.setEvents({ onMessage: () => undefined });
  open.push(t);
  return t;
}

function target(port: number, extra: Partial<TransportTarget> = {}): TransportTarget {
  return { transport: 'tls', host: '127.0.0.1', port, tlsServerName: DOMAIN, ...extra };
}

/** Sends and expects the handshake to be refused; returns the verification attached to the error. */
async function refused(t: StreamTransport, tgt: TransportTarget): Promise<TlsVerification> {
  let verification: TlsVerification | undefined;
  await assert.rejects(t.send(OPTIONS, tgt), (err: unknown) => {
    assert.ok(err instanceof TlsVerificationError, String(err));
    assert.ok(err instanceof TransportError, 'a TransportError, so the transaction layer answers 503');
    assert.equal(err.code, 'ETLSVERIFY');
    verification = err.verification;
    return true;
  });
  assert.equal(verification!.authorized, false);
  return verification!;
}

function check(v: TlsVerification, name: TlsCheckName) {
  const c = v.checks.find((x) => x.name === name);
  assert.ok(c, `check ${name} present`);
  return c;
}

function failing(v: TlsVerification): TlsCheckName[] {
  return v.checks.filter((c) => !c.ok).map((c) => c.name);
}

async function accepted(t: StreamTransport, peer: PeerServer, tgt: TransportTarget): Promise<TlsVerification> {
  const id = await t.send(OPTIONS, tgt);
  await peer.waitFor((text) => text.includes('Call-ID: tls-1'));
  const v = t.connectionInfo(id)?.verification;
  assert.ok(v);
  assert.equal(v.authorized, true, JSON.stringify(v.checks));
  return v;
}

describe('server certificate checks', () => {
  test('a certificate from the trusted CA naming the domain in SAN dNSName passes; chain and checks are exposed', async () => {
    const peer = await serverWith(pki.good);
    const v = await accepted(client(), peer, target(peer.port));
    assert.deepEqual(failing(v), []);
    assert.equal(v.serverName, DOMAIN);
    assert.equal(v.protocol, 'TLSv1.3');
    assert.deepEqual(v.checks.map((c) => c.name), ['chain', 'name', 'validity', 'eku']);
    assert.match(check(v, 'name').detail, /SAN dNSName alpha\.test/);
    assert.equal(v.peerChain.length, 2, 'leaf and the CA');
    const leaf = v.peerChain[0]!;
    assert.equal(leaf.fingerprint256, new X509Certificate(pki.good.certificatePem).fingerprint256);
    assert.deepEqual(leaf.san, ['DNS:alpha.test']);
    assert.match(leaf.subject, /CN=alpha\.test/);
    assert.match(leaf.issuer, /CN=Parley Test CA/);
    assert.match(v.peerChain[1]!.subject, /CN=Parley Test CA/);
  });

  test('SNI carries the SIP domain; localAddress binds the source address', async () => {
    const peer = await serverWith(pki.good);
    await accepted(client({}, { localAddress: '127.0.0.6' }), peer, target(peer.port));
    assert.equal((peer.sockets[0] as TLSSocket).servername, DOMAIN);
    assert.equal(peer.sockets[0]!.remoteAddress, '127.0.0.6');
  });

  test('wrong name is refused by the name check, in plain words', async () => {
    const peer = await serverWith(pki.wrongName);
    const v = await refused(client(), target(peer.port));
    assert.deepEqual(failing(v), ['name']);
    assert.equal(v.reason, 'name mismatch: certificate is for beta.test, expected alpha.test');
  });

  test('a certificate from an untrusted (rogue) CA is refused by the chain check', async () => {
    const peer = await serverWith(pki.rogue);
    const v = await refused(client(), target(peer.port));
    assert.deepEqual(failing(v), ['chain']);
    assert.match(v.reason!, /^certificate for alpha\.test is not trusted \(unknown issuer Rogue CA\)/);
  });

  test('a self-signed certificate is refused as self-signed', async () => {
    const peer = await serverWith(pki.selfSigned);
    const v = await refused(client(), target(peer.port));
    assert.deepEqual(failing(v), ['chain']);
    assert.match(v.reason!, /not trusted \(self-signed\)/);
  });

  test('an expired certificate is refused by the validity check with its date', async () => {
    const peer = await serverWith(pki.expired);
    const v = await refused(client(), target(peer.port));
    assert.deepEqual(failing(v), ['validity']);
    const notAfter = new X509Certificate(pki.expired.certificatePem).validTo;
    assert.equal(v.reason, `certificate for alpha.test expired on ${new Date(notAfter).toISOString()}`);
  });

  test('SAN present but only the CN matches: refused (RFC 5922 §7.1 ignores the CN when SAN exists)', async () => {
    const peer = await serverWith(pki.sanMismatchCnMatch);
    const v = await refused(client(), target(peer.port));
    assert.deepEqual(failing(v), ['name']);
    assert.match(v.reason!, /certificate is for sip\.alpha\.test, expected alpha\.test/);
    assert.match(v.reason!, /Subject CN alpha\.test is ignored/);
  });

  test('CN is accepted when the certificate has no SAN at all', async () => {
    const peer = await serverWith(pki.cnOnly);
    const v = await accepted(client(), peer, target(peer.port));
    assert.match(check(v, 'name').detail, /Subject CN alpha\.test .*no SAN/);
  });

  test('SAN URI sip:alpha.test is accepted', async () => {
    const peer = await serverWith(pki.sanUri);
    const v = await accepted(client(), peer, target(peer.port));
    assert.match(check(v, 'name').detail, /SAN URI sip:alpha\.test/);
  });

  test('a wildcard dNSName is not accepted (RFC 5922 §7.2)', async () => {
    const peer = await serverWith(pki.wildcard);
    const v = await refused(client(), target(peer.port));
    assert.deepEqual(failing(v), ['name']);
    assert.match(v.reason!, /wildcard/);
  });

  test('a leaf whose EKU excludes serverAuth is refused by the eku check', async () => {
    const peer = await serverWith(pki.clientOnlyEku);
    const v = await refused(client(), target(peer.port));
    assert.deepEqual(failing(v), ['eku']);
  });
});

describe('per-domain pins', () => {
  const fp = (c: CreatedCertificate) => new X509Certificate(c.certificatePem).fingerprint256;

  test('a pin makes an untrusted (self-signed) certificate acceptable for that domain', async () => {
    const peer = await serverWith(pki.selfSigned);
    const v = await accepted(client({ pins: { 'Alpha.Test': fp(pki.selfSigned).replace(/:/g, '').toLowerCase() } }), peer, target(peer.port));
    assert.deepEqual(v.checks.map((c) => [c.name, c.ok]), [['chain', false], ['name', true], ['validity', true], ['eku', true], ['pin', true]]);
    assert.match(check(v, 'pin').detail, /accepted despite the chain failure/);
  });

  test('a pin also stands in for the dates of the certificate the user chose to trust (expired)', async () => {
    const peer = await serverWith(pki.expired);
    const v = await accepted(client({ pins: { [DOMAIN]: fp(pki.expired) } }), peer, target(peer.port));
    assert.equal(check(v, 'validity').ok, false, 'the validity check still reports the expiry');
    assert.match(check(v, 'pin').detail, /accepted despite the validity failure/);
  });

  test('a pin never stands in for the name check', async () => {
    const peer = await serverWith(pki.wrongName);
    const v = await refused(client({ pins: { [DOMAIN]: fp(pki.wrongName) } }), target(peer.port));
    assert.ok(failing(v).includes('name'));
  });

  test('the pin is for that domain only', async () => {
    const peer = await serverWith(pki.selfSigned);
    const v = await refused(client({ pins: { 'beta.test': fp(pki.selfSigned) } }), target(peer.port));
    assert.deepEqual(failing(v), ['chain']);
  });

  test('a pinned certificate that changed fails loudly, even when the new one chains to a trusted CA', async () => {
    const peer1 = await serverWith(pki.selfSignedAgain);
    const v1 = await refused(client({ pins: { [DOMAIN]: fp(pki.selfSigned) } }), target(peer1.port));
    assert.ok(failing(v1).includes('pin'));
    assert.match(v1.reason!, /^the certificate for alpha\.test CHANGED since it was pinned/);

    const peer2 = await serverWith(pki.goodAgain);
    const v2 = await refused(client({ pins: { [DOMAIN]: fp(pki.good) } }), target(peer2.port));
    assert.deepEqual(failing(v2), ['pin']);
    assert.ok(v2.reason!.includes(fp(pki.goodAgain)));
  });
});

describe('SRV-target compatibility option', () => {
  test('a certificate naming the SRV target is refused by default and accepted with the option', async () => {
    const peer = await serverWith(pki.sanMismatchCnMatch); // SAN sip.alpha.test
    const tgt = target(peer.port, { srvTargetName: 'sip.alpha.test' });
    const v1 = await refused(client(), tgt);
    assert.deepEqual(failing(v1), ['name']);
    const v2 = await accepted(client({ acceptSrvTargetName: true }), peer, tgt);
    assert.match(check(v2, 'name').detail, /sip\.alpha\.test \(SRV target\)/);
  });

  test('the option does not accept arbitrary names', async () => {
    const peer = await serverWith(pki.wrongName);
    const v = await refused(client({ acceptSrvTargetName: true }), target(peer.port, { srvTargetName: 'sip.alpha.test' }));
    assert.deepEqual(failing(v), ['name']);
  });
});

describe('client certificate', () => {
  test('is presented when configured, and the server (requestCert) sees it', async () => {
    const peer = await serverWith(pki.good, { requestCert: true, rejectUnauthorized: true, ca: [pki.ca.certificatePem] });
    await accepted(client({ clientCertificate: { key: pki.client.privateKeyPem, cert: pki.client.certificatePem } }), peer, target(peer.port));
    const seen = (peer.sockets[0] as TLSSocket).getPeerCertificate();
    assert.equal(seen.subject.CN, 'client.alpha.test');
    assert.equal((peer.sockets[0] as TLSSocket).authorized, true);
  });

  test('without one, a server that requires it refuses the connection (TransportError)', async () => {
    const peer = await serverWith(pki.good, { requestCert: true, rejectUnauthorized: true, ca: [pki.ca.certificatePem] });
    const t = client();
    // TLS 1.3 finishes the client side of the handshake before the server's alert arrives, so the refusal shows
    // up either on send() or as a connection error/close reported through the events.
    const closed = new Promise<string>((resolve) => t.setEvents({ onMessage: () => undefined, onClose: (id) => resolve(id) }));
    const sent = t.send(OPTIONS, target(peer.port)).then(
      () => 'sent',
      (err: unknown) => (err instanceof TransportError ? 'rejected' : 'other'),
    );
    const outcome = await sent;
    if (outcome === 'sent') await closed;
    else assert.equal(outcome, 'rejected');
    assert.equal(peer.received.join(''), '', 'the server never accepted a SIP byte');
  });
});

describe('TLS versions', () => {
  const legacyServer = () =>
    serverWith(pki.good, { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0' });

  test('TLS 1.2 is accepted', async () => {
    const peer = await serverWith(pki.good, { maxVersion: 'TLSv1.2' });
    const v = await accepted(client(), peer, target(peer.port));
    assert.equal(v.protocol, 'TLSv1.2');
  });

  test('a TLS 1.0-only server is refused by default', async () => {
    const peer = await legacyServer();
    await assert.rejects(client().send(OPTIONS, target(peer.port)), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.code, 'ETLSHANDSHAKE');
      assert.match(err.message, /TLS handshake with tls:127\.0\.0\.1:\d+ \(alpha\.test\) failed/);
      return true;
    });
  });

  test('the legacy LCS option connects to it with TLS 1.0 (OpenSSL; the BoringSSL path is untested here)', async () => {
    const peer = await legacyServer();
    const v = await accepted(client({ legacyLcsTls: true }), peer, target(peer.port));
    assert.equal(v.protocol, 'TLSv1');
    assert.match(v.cipher ?? '', /SHA$/);
  });
});
