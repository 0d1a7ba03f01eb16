// RFC 5922 §7 identity rules and the verification report, without sockets.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSipIdentity, parseSubjectAltName } from '../../../../electron/sip/transport/tls-identity';
import { normalizeFingerprint, verifyPeer } from '../../../../electron/sip/transport/tls-verification';
import type { PeerCertificate } from 'node:tls';

describe('parseSubjectAltName', () => {
  test('plain and JSON-quoted entries (Node ≥ 17 quotes values with commas)', () => {
    assert.deepEqual(parseSubjectAltName('DNS:a.test, URI:sip:a.test, IP Address:127.0.0.1, DNS:"we,ird.test"'), {
      dnsNames: ['a.test', 'we,ird.test'],
      uris: ['sip:a.test'],
    });
    assert.deepEqual(parseSubjectAltName(undefined), { dnsNames: [], uris: [] });
  });
});

describe('checkSipIdentity (RFC 5922 §7.1–7.3)', () => {
  test('dNSName compares case-insensitively and ignores a trailing root dot', () => {
    assert.equal(checkSipIdentity({ dnsNames: ['ALPHA.test.'], uris: [] }, 'alpha.TEST').ok, true);
  });

  test('a SAN URI with a user part is an AOR, not a domain identity', () => {
    const r = checkSipIdentity({ dnsNames: [], uris: ['sip:alice@alpha.test'], commonName: 'alpha.test' }, 'alpha.test');
    assert.equal(r.ok, true, 'no usable SAN, so the CN applies');
    assert.match(r.detail, /Subject CN/);
  });

  test('sips: URI and a URI with port/params still name the domain', () => {
    assert.equal(checkSipIdentity({ dnsNames: [], uris: ['sips:alpha.test:5061;transport=tls'] }, 'alpha.test').ok, true);
  });

  test('the SRV target is accepted only when passed in alsoAccept', () => {
    const ids = { dnsNames: ['sip.alpha.test'], uris: [] };
    assert.equal(checkSipIdentity(ids, 'alpha.test').ok, false);
    assert.equal(checkSipIdentity(ids, 'alpha.test', ['sip.alpha.test']).ok, true);
  });

  test('no names at all', () => {
    const r = checkSipIdentity({ dnsNames: [], uris: [] }, 'alpha.test');
    assert.equal(r.detail, 'name mismatch: certificate is for no name at all, expected alpha.test');
  });
});

describe('verifyPeer', () => {
  const leaf = {
    subject: { CN: 'alpha.test' },
    issuer: { CN: 'Some CA' },
    subjectaltname: 'DNS:alpha.test',
    valid_from: 'Jan  1 00:00:00 2020 GMT',
    valid_to: 'Jan  1 00:00:00 2030 GMT',
    fingerprint256: 'AA:BB:CC',
  } as unknown as PeerCertificate;

  test('not yet valid', () => {
    const v = verifyPeer({ peerCertificate: leaf, serverName: 'alpha.test', now: Date.parse('2019-06-01T00:00:00Z') });
    assert.equal(v.authorized, false);
    assert.equal(v.reason, 'certificate for alpha.test is not valid until 2020-01-01T00:00:00.000Z');
  });

  test('no certificate at all', () => {
    const v = verifyPeer({ peerCertificate: {} as PeerCertificate, serverName: 'alpha.test', now: Date.now() });
    assert.equal(v.authorized, false);
    assert.equal(v.peerChain.length, 0);
  });

  test('fingerprints compare regardless of colons and case', () => {
    assert.equal(normalizeFingerprint('aa:bb:cc'), normalizeFingerprint('AABBCC'));
    const v = verifyPeer({ peerCertificate: leaf, chainError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', serverName: 'alpha.test', pinnedFingerprint256: 'aabbcc', now: Date.parse('2025-01-01T00:00:00Z') });
    assert.equal(v.authorized, true);
  });
});
