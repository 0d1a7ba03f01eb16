import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import {
  CertificateError,
  createCertificateAuthority,
  createIntermediateAuthority,
  createLeafCertificate,
  createSelfSignedCertificate,
  exportPkcs12,
  importPkcs12,
  inspectCertificate,
  inspectCertificates,
  isWithinValidity,
  splitPemCertificates,
} from '../../../../electron/sip/tls/certificates';
import type { CreatedCertificate } from '../../../../electron/sip/tls/certificates';

let ca: CreatedCertificate;
let leaf: CreatedCertificate;

before(async () => {
  ca = await createCertificateAuthority({ subject: { commonName: 'Unit Test Root CA', organization: 'Parley tests' } });
  leaf = await createLeafCertificate(
    {
      subject: { commonName: 'alpha.test', organization: 'Parley tests' },
      dns: ['alpha.test', 'sip.alpha.test'],
      uri: ['sip:alpha.test'],
      ip: ['127.0.0.2'],
    },
    ca,
  );
});

function assertCode(fn: () => unknown, code: string) {
  assert.throws(fn, (err: unknown) => err instanceof CertificateError && err.code === code);
}

describe('create + inspect', () => {
  test('a CA is self-signed, CA:TRUE, and has no EKU', () => {
    const info = inspectCertificate(ca.certificatePem);
    assert.equal(info.isCertificateAuthority, true);
    assert.equal(info.selfIssued, true);
    assert.equal(info.commonName, 'Unit Test Root CA');
    assert.deepEqual(info.subject, [
      { type: 'O', value: 'Parley tests' },
      { type: 'CN', value: 'Unit Test Root CA' },
    ]);
    assert.deepEqual(info.extendedKeyUsage, []);
    const x = new X509Certificate(ca.certificatePem);
    assert.equal(x.verify(x.publicKey), true, 'signature verifies with its own key');
  });

  test('a leaf carries SAN dNSName/URI/IP, EKU serverAuth+clientAuth, and is signed by the CA', () => {
    const info = inspectCertificate(leaf.certificatePem);
    assert.equal(info.commonName, 'alpha.test');
    assert.equal(info.isCertificateAuthority, false);
    assert.equal(info.selfIssued, false);
    assert.deepEqual(info.subjectAltNames, {
      dns: ['alpha.test', 'sip.alpha.test'],
      uri: ['sip:alpha.test'],
      ip: ['127.0.0.2'],
      email: [],
    });
    assert.deepEqual(info.extendedKeyUsage, ['serverAuth', 'clientAuth']);
    assert.equal(info.issuer.find((a) => a.type === 'CN')?.value, 'Unit Test Root CA');
    const x = new X509Certificate(leaf.certificatePem);
    const caX = new X509Certificate(ca.certificatePem);
    assert.equal(x.verify(caX.publicKey), true);
    assert.equal(x.checkIssued(caX), true);
    assert.equal(x.checkHost('sip.alpha.test'), 'sip.alpha.test');
    assert.equal(x.checkIP('127.0.0.2'), '127.0.0.2');
    assert.equal(isWithinValidity(info), true);
  });

  test('the fingerprint is SHA-256 over DER, and DER input gives the same result as PEM', () => {
    const x = new X509Certificate(leaf.certificatePem);
    const fromPem = inspectCertificate(leaf.certificatePem);
    const fromDer = inspectCertificate(x.raw);
    assert.equal(fromPem.fingerprintSha256, x.fingerprint256);
    assert.equal(fromDer.fingerprintSha256, fromPem.fingerprintSha256);
    assert.equal(fromDer.pem.trim(), leaf.certificatePem.trim().replace(/\r\n/g, '\n'));
    assert.equal(inspectCertificate(Buffer.from(leaf.certificatePem)).fingerprintSha256, fromPem.fingerprintSha256);
  });

  test('EKU can be restricted (serverAuth only) or omitted', async () => {
    const serverOnly = await createLeafCertificate({ subject: { commonName: 's.test' }, extendedKeyUsage: ['serverAuth'] }, ca);
    assert.deepEqual(inspectCertificate(serverOnly.certificatePem).extendedKeyUsage, ['serverAuth']);
    const none = await createLeafCertificate({ subject: { commonName: 'n.test' }, extendedKeyUsage: [] }, ca);
    assert.deepEqual(inspectCertificate(none.certificatePem).extendedKeyUsage, []);
  });

  test('validity can be placed in the past (expired certificate)', async () => {
    const notBefore = new Date('2020-01-01T00:00:00Z');
    const notAfter = new Date('2021-01-01T00:00:00Z');
    const expired = await createLeafCertificate({ subject: { commonName: 'old.test' }, notBefore, notAfter }, ca);
    const info = inspectCertificate(expired.certificatePem);
    assert.equal(info.notBefore.toISOString(), notBefore.toISOString());
    assert.equal(info.notAfter.toISOString(), notAfter.toISOString());
    assert.equal(isWithinValidity(info), false);
    assert.equal(isWithinValidity(info, new Date('2020-06-01T00:00:00Z')), true);
  });

  test('self-signed leaf: subject = issuer, not a CA', async () => {
    const ss = await createSelfSignedCertificate({ subject: { commonName: 'pinned.test' }, dns: ['pinned.test'] });
    const info = inspectCertificate(ss.certificatePem);
    assert.equal(info.selfIssued, true);
    assert.equal(info.isCertificateAuthority, false);
    const x = new X509Certificate(ss.certificatePem);
    assert.equal(x.verify(x.publicKey), true);
  });

  test('bad options and unreadable input raise typed errors', async () => {
    await assert.rejects(
      createLeafCertificate({ subject: { commonName: 'x' }, ip: ['not-an-ip'] }, ca),
      (err: unknown) => err instanceof CertificateError && err.code === 'invalid-options',
    );
    await assert.rejects(
      createLeafCertificate({ subject: { commonName: 'x' }, notBefore: new Date(2000), notAfter: new Date(1000) }, ca),
      (err: unknown) => err instanceof CertificateError && err.code === 'invalid-options',
    );
    assertCode(() => inspectCertificate('hello'), 'bad-certificate');
    assertCode(() => inspectCertificate(Buffer.from([0x30, 0x03, 0x02, 0x01])), 'bad-certificate');
    assertCode(() => inspectCertificates('no pem here'), 'bad-certificate');
  });

  test('a PEM bundle is inspected certificate by certificate', () => {
    const bundle = `junk before\n${leaf.certificatePem}${ca.certificatePem}`;
    assert.equal(splitPemCertificates(bundle).length, 2);
    assert.deepEqual(
      inspectCertificates(bundle).map((c) => c.commonName),
      ['alpha.test', 'Unit Test Root CA'],
    );
  });

  test('created certificates work for mutual TLS through node:tls', async () => {
    const client = await createLeafCertificate({ subject: { commonName: 'beta.test' }, dns: ['beta.test'] }, ca);
    const server = tls.createServer({
      key: leaf.privateKeyPem,
      cert: leaf.certificatePem,
      ca: ca.certificatePem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const peerCn = new Promise<string>((resolve) =>
      server.once('secureConnection', (s: tls.TLSSocket) => {
        resolve(String(s.getPeerCertificate().subject.CN));
        s.end();
      }),
    );
    const sock = tls.connect({
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      servername: 'sip.alpha.test',
      ca: ca.certificatePem,
      key: client.privateKeyPem,
      cert: client.certificatePem,
    });
    await once(sock, 'secureConnect');
    assert.equal(sock.authorized, true);
    assert.equal(await peerCn, 'beta.test');
    sock.destroy();
    server.close();
  });
});

describe('PKCS#12 import', () => {
  test('round trip: key, leaf and chain come back; the key matches the leaf', async () => {
    const inter = await createIntermediateAuthority({ subject: { commonName: 'Unit Test Issuing CA' } }, ca);
    const l2 = await createLeafCertificate({ subject: { commonName: 'me@alpha.test' }, dns: ['alpha.test'] }, inter);
    // Deliberately put the root before the intermediate: import orders the chain issuer-first.
    const p12 = exportPkcs12({
      privateKeyPem: l2.privateKeyPem,
      certificatePem: l2.certificatePem,
      chainPem: [ca.certificatePem, inter.certificatePem],
      passphrase: 's3cret',
    });
    const id = importPkcs12(p12, 's3cret');
    assert.equal(id.certificate.commonName, 'me@alpha.test');
    assert.deepEqual(
      id.chainPem.map((p) => inspectCertificate(p).commonName),
      ['Unit Test Issuing CA', 'Unit Test Root CA'],
    );
    assert.match(id.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    const keyPub = createPrivateKey(id.privateKeyPem);
    assert.equal(new X509Certificate(id.certificatePem).checkPrivateKey(keyPub), true);
  });

  test('wrong passphrase, corrupt and truncated files give distinct, clear errors', () => {
    const p12 = exportPkcs12({ privateKeyPem: leaf.privateKeyPem, certificatePem: leaf.certificatePem, passphrase: 'right' });
    assert.throws(
      () => importPkcs12(p12, 'wrong'),
      (err: unknown) => err instanceof CertificateError && err.code === 'wrong-passphrase' && /passphrase/i.test(err.message),
    );
    assertCode(() => importPkcs12(Buffer.from('definitely not a pkcs12 file'), 'right'), 'corrupt-pkcs12');
    assertCode(() => importPkcs12(p12.subarray(0, p12.length >> 1), 'right'), 'corrupt-pkcs12');
  });

  test('reads a bundle made by OpenSSL 3 (PBES2/AES-256, SHA-256 MAC), and reports one without a key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-p12-'));
    try {
      writeFileSync(join(dir, 'leaf.crt'), leaf.certificatePem);
      writeFileSync(join(dir, 'leaf.key'), leaf.privateKeyPem);
      writeFileSync(join(dir, 'ca.crt'), ca.certificatePem);
      const common = ['-in', join(dir, 'leaf.crt'), '-certfile', join(dir, 'ca.crt'), '-passout', 'pass:pw'];
      const made = spawnSync('openssl', ['pkcs12', '-export', ...common, '-inkey', join(dir, 'leaf.key'), '-out', join(dir, 'a.p12')]);
      assert.equal(made.status, 0, made.stderr.toString());
      const id = importPkcs12(readFileSync(join(dir, 'a.p12')), 'pw');
      assert.equal(id.certificate.fingerprintSha256, inspectCertificate(leaf.certificatePem).fingerprintSha256);
      assert.equal(id.chainPem.length, 1);
      assertCode(() => importPkcs12(readFileSync(join(dir, 'a.p12')), 'nope'), 'wrong-passphrase');

      const noKey = spawnSync('openssl', ['pkcs12', '-export', ...common, '-nokeys', '-out', join(dir, 'b.p12')]);
      assert.equal(noKey.status, 0, noKey.stderr.toString());
      assertCode(() => importPkcs12(readFileSync(join(dir, 'b.p12')), 'pw'), 'no-private-key');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
