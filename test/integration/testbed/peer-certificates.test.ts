// Mutual TLS between the domains really checks certificates. A fake "beta.test" proxy (node:tls, from
// beta's own address) presents different certificates to alpha's federation port with the same MESSAGE
// From a beta.test user. With beta's real certificate the request is treated as federation (it reaches
// routing and gets 480 for an unregistered user; a non-peer would get "403 Use your home server"). With a
// rogue-CA, serverAuth-only or expired certificate alpha aborts the TLS handshake with the matching alert,
// so the refusal comes from the certificate check and not from SIP routing.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { useTestbed } from '../../testbed/harness';
import type { CertPair, Testbed } from '../../testbed/harness';

let tb: Testbed;
before(async () => {
  tb = await useTestbed();
});

type Outcome = { kind: 'response'; statusLine: string } | { kind: 'tls-error'; code: string; message: string };

/** Connects to `host`:5061 presenting `cert`, sends one MESSAGE, returns the status line or the TLS failure. */
function sendAsPeer(opts: { host: string; cert: CertPair; fromDomain: string; toAor: string }): Promise<Outcome> {
  const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
  const body = 'federated hello';
  return new Promise((resolve) => {
    let buf = '';
    // From beta's own address, as beta's proxy would connect (tls.connect has no localAddress option).
    const tcp = net.connect({ host: opts.host, port: 5061, localAddress: tb.beta.address });
    const sock = tls.connect({
      socket: tcp,
      servername: 'sip.alpha.test',
      ca: readFileSync(tb.pki.ca),
      cert: readFileSync(opts.cert.cert),
      key: readFileSync(opts.cert.key),
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ kind: 'tls-error', code: 'TIMEOUT', message: 'no answer in 5 s' });
    }, 5000);
    const done = (o: Outcome) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    sock.on('secureConnect', () => {
      const local = `${sock.localAddress}:${sock.localPort}`;
      sock.write(
        [
          `MESSAGE sip:${opts.toAor} SIP/2.0`,
          `Via: SIP/2.0/TLS ${local};branch=${branch}`,
          'Max-Forwards: 70',
          `From: <sip:mallory@${opts.fromDomain}>;tag=${randomBytes(4).toString('hex')}`,
          `To: <sip:${opts.toAor}>`,
          `Call-ID: ${randomBytes(8).toString('hex')}@${opts.fromDomain}`,
          'CSeq: 1 MESSAGE',
          'Content-Type: text/plain',
          `Content-Length: ${Buffer.byteLength(body)}`,
          '',
          body,
        ].join('\r\n'),
      );
    });
    sock.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\r\n')[0] ?? '';
      if (/^SIP\/2\.0 [1-6]\d\d /.test(line) && !/^SIP\/2\.0 1\d\d /.test(line)) done({ kind: 'response', statusLine: line });
      else if (/^SIP\/2\.0 1\d\d /.test(line)) buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
    });
    sock.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'tls-error', code: err.code ?? '', message: err.message }));
    sock.on('close', () => done({ kind: 'tls-error', code: 'CLOSED', message: 'connection closed without a SIP answer' }));
  });
}

describe('alpha refuses bad peer certificates on its federation port', { concurrency: true }, () => {
  test("control: beta's real certificate is accepted as a federation peer", async (t) => {
    const carol = await tb.createUser('alpha.test', { prefix: 'carol', cleanup: t });
    const r = await sendAsPeer({ host: tb.alpha.address, cert: tb.pki.domain('beta.test'), fromDomain: 'beta.test', toAor: `${carol.user}@alpha.test` });
    // Passed the peer checks and reached the location service: carol is not registered (RFC 3428 §7: 480).
    assert.deepEqual(r, { kind: 'response', statusLine: 'SIP/2.0 480 Temporarily Unavailable' });
  });

  test('control: without a client certificate the same request is a client request and is refused', async (t) => {
    const carol = await tb.createUser('alpha.test', { prefix: 'carol', cleanup: t });
    const r = await new Promise<string>((resolve, reject) => {
      const sock = tls.connect({ host: tb.alpha.address, port: 5061, ca: readFileSync(tb.pki.ca), servername: 'sip.alpha.test' }, () => {
        sock.write(
          `MESSAGE sip:${carol.user}@alpha.test SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:1;branch=z9hG4bKx${Date.now()}\r\nMax-Forwards: 70\r\n` +
            `From: <sip:mallory@beta.test>;tag=1\r\nTo: <sip:${carol.user}@alpha.test>\r\nCall-ID: nc${Date.now()}\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n`,
        );
      });
      sock.on('data', (d: Buffer) => {
        resolve(d.toString().split('\r\n')[0] ?? '');
        sock.destroy();
      });
      sock.on('error', reject);
    });
    assert.equal(r, 'SIP/2.0 403 Use your home server');
  });

  test('a valid certificate for another domain than the From domain gets 403 Peer identity mismatch', async (t) => {
    const carol = await tb.createUser('alpha.test', { prefix: 'carol', cleanup: t });
    // beta.test's certificate, but claiming to speak for alpha.test's own users.
    const r = await sendAsPeer({ host: tb.alpha.address, cert: tb.pki.domain('beta.test'), fromDomain: 'alpha.test', toAor: `${carol.user}@alpha.test` });
    assert.deepEqual(r, { kind: 'response', statusLine: 'SIP/2.0 403 Peer identity mismatch' });
  });

  test('a beta.test certificate signed by a rogue CA: handshake refused with "unknown ca"', async () => {
    const r = await sendAsPeer({ host: tb.alpha.address, cert: tb.pki.rogue('beta.test'), fromDomain: 'beta.test', toAor: 'anyone@alpha.test' });
    assert.equal(r.kind, 'tls-error');
    assert.equal(r.kind === 'tls-error' && r.code, 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', JSON.stringify(r));
  });

  test('a serverAuth-only beta.test certificate (no clientAuth EKU): handshake refused', async () => {
    const r = await sendAsPeer({ host: tb.alpha.address, cert: tb.pki.serverAuthOnly('beta.test'), fromDomain: 'beta.test', toAor: 'anyone@alpha.test' });
    assert.equal(r.kind, 'tls-error');
    // OpenSSL's purpose check (sslclient) fails: alert unsupported_certificate.
    assert.equal(r.kind === 'tls-error' && r.code, 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE', JSON.stringify(r));
  });

  test('an expired beta.test certificate: handshake refused with "certificate expired"', async () => {
    const r = await sendAsPeer({ host: tb.alpha.address, cert: tb.pki.expired('beta.test'), fromDomain: 'beta.test', toAor: 'anyone@alpha.test' });
    assert.equal(r.kind, 'tls-error');
    assert.equal(r.kind === 'tls-error' && r.code, 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', JSON.stringify(r));
  });
});

describe("alpha's extra listeners present bad server certificates to its own clients", () => {
  function serverCheck(host: string): Promise<{ authorized: boolean; error: string; cn: string; issuerCn: string }> {
    return new Promise((resolve, reject) => {
      const sock = tls.connect({ host, port: 5061, ca: readFileSync(tb.pki.ca), servername: 'sip.alpha.test', rejectUnauthorized: false }, () => {
        const peer = sock.getPeerCertificate();
        resolve({ authorized: sock.authorized, error: String(sock.authorizationError ?? ''), cn: String(peer.subject.CN), issuerCn: String(peer.issuer.CN) });
        sock.destroy();
      });
      sock.on('error', reject);
    });
  }

  test('main listener: valid; rogueTlsAddress: rogue CA; expiredTlsAddress: expired', async () => {
    assert.deepEqual(await serverCheck(tb.alpha.address), { authorized: true, error: '', cn: 'alpha.test', issuerCn: 'Parley Testbed Root CA' });
    const rogue = await serverCheck(tb.alpha.rogueTlsAddress as string);
    assert.equal(rogue.authorized, false);
    assert.equal(rogue.cn, 'alpha.test');
    assert.equal(rogue.issuerCn, 'Rogue Root CA');
    assert.match(rogue.error, /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    const expired = await serverCheck(tb.alpha.expiredTlsAddress as string);
    assert.deepEqual(expired, { authorized: false, error: 'CERT_HAS_EXPIRED', cn: 'alpha.test', issuerCn: 'Parley Testbed Root CA' });
  });
});
