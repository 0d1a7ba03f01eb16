// The PKCS#12 → PEM adapter, proven by a real mutual-TLS handshake on loopback.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TLSSocket } from 'node:tls';
import { clientCertificateFromPkcs12 } from '../../../../electron/sip/transport/client-certificate';
import { StreamTransport } from '../../../../electron/sip/transport/stream-transport';
import { exportPkcs12 } from '../../../../electron/sip/tls/certificates';
import { CertificateError } from '../../../../electron/sip/tls/certificates';
import { DOMAIN, testPki } from './pki';
import { startPeer } from './peer-server';

const cleanup: Array<{ close(): Promise<void> }> = [];
after(async () => {
  await Promise.all(cleanup.map((c) => c.close()));
});

describe('clientCertificateFromPkcs12', () => {
  test('a .p12 bundle becomes the client certificate a requestCert server sees; the root is not sent', async () => {
    const pki = await testPki();
    const p12 = exportPkcs12({ privateKeyPem: pki.client.privateKeyPem, certificatePem: pki.client.certificatePem, chainPem: [pki.ca.certificatePem], passphrase: 'secret' });
    const clientCertificate = clientCertificateFromPkcs12(p12, 'secret');
    assert.equal((clientCertificate.cert as string).match(/BEGIN CERTIFICATE/g)?.length, 1, 'leaf only: the bundle held just the root besides it');

    const peer = await startPeer('tls', { key: pki.good.privateKeyPem, cert: pki.good.certificatePem, requestCert: true, rejectUnauthorized: true, ca: [pki.ca.certificatePem] });
    cleanup.push(peer);
    const t = new StreamTransport({ tls: { useSystemCa: false, extraCaCertificates: [pki.ca.certificatePem], clientCertificate }, keepAliveIntervalMs: 0 });
    cleanup.push(t);
    t.setEvents({ onMessage: () => undefined });
    await t.send('\r\n\r\n', { transport: 'tls', host: '127.0.0.1', port: peer.port, tlsServerName: DOMAIN });
    await peer.waitFor((text) => text === '\r\n\r\n');
    const s = peer.sockets[0] as TLSSocket;
    assert.equal(s.authorized, true);
    assert.equal(s.getPeerCertificate().subject.CN, 'client.alpha.test');
  });

  test('a wrong passphrase is the certificate module\'s typed error', async () => {
    const pki = await testPki();
    const p12 = exportPkcs12({ privateKeyPem: pki.client.privateKeyPem, certificatePem: pki.client.certificatePem, passphrase: 'right' });
    assert.throws(() => clientCertificateFromPkcs12(p12, 'wrong'), (err: unknown) => err instanceof CertificateError && err.code === 'wrong-passphrase');
  });
});
