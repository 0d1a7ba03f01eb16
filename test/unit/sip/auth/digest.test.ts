// Digest (RFC 3261 §22, RFC 7616, RFC 8760): published vectors, challenge parsing, and the retry policy.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  DigestAuthenticator,
  computeDigestResponse,
  parseChallengeList,
  parseDigestChallenges,
  strongestPerRealm,
} from '../../../../electron/sip/auth/digest';
import type { AuthorizableRequest, ChallengeResponse } from '../../../../electron/sip/auth/digest';

/** A tiny request stand-in: the authenticator needs only these members of SipRequest. */
class FakeRequest implements AuthorizableRequest {
  readonly fields: Array<[string, string]> = [];
  constructor(readonly method: string, readonly uri: string, readonly body = '') {}
  setHeader(name: string, value: string): void {
    this.removeHeader(name);
    this.fields.push([name, value]);
  }
  addHeader(name: string, value: string): void {
    this.fields.push([name, value]);
  }
  removeHeader(name: string): void {
    for (let i = this.fields.length - 1; i >= 0; i--) if (this.fields[i]![0].toLowerCase() === name.toLowerCase()) this.fields.splice(i, 1);
  }
  get(name: string): string[] {
    return this.fields.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  }
}

function challenge(status: 401 | 407, ...values: string[]): ChallengeResponse {
  const name = status === 401 ? 'www-authenticate' : 'proxy-authenticate';
  return { status, headers: (n: string) => (n.toLowerCase() === name ? values : []) };
}

function param(header: string, name: string): string | undefined {
  return parseChallengeList(header)[0]?.params.get(name);
}

describe('RFC 7616 §3.9.1 and RFC 2617 §3.5 vectors', () => {
  const rfc7616 = {
    username: 'Mufasa',
    password: 'Circle of Life',
    realm: 'http-auth@example.org',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    nc: '00000001',
    qop: 'auth' as const,
  };

  test('SHA-256', () => {
    assert.equal(
      computeDigestResponse({ ...rfc7616, algorithm: 'SHA-256' }),
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  test('MD5', () => {
    assert.equal(computeDigestResponse({ ...rfc7616, algorithm: 'MD5' }), '8ca523f5e9506fed4657c9700eebdbec');
  });

  test('RFC 2617 example (MD5, qop=auth)', () => {
    assert.equal(
      computeDigestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        password: 'Circle Of Life',
        realm: 'testrealm@host.com',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        cnonce: '0a4f113b',
        nc: '00000001',
        qop: 'auth',
      }),
      '6629fae49393a05397450978507c4ef1',
    );
  });

  test('legacy no-qop form is H(HA1:nonce:HA2) (RFC 2069, RFC 3261 §22.4)', () => {
    // HA1 = MD5("Mufasa:testrealm@host.com:Circle Of Life"), HA2 = MD5("GET:/dir/index.html"), computed independently.
    assert.equal(
      computeDigestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        password: 'Circle Of Life',
        realm: 'testrealm@host.com',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      }),
      '670fd8c2df070c60b045671b8b24ff02',
    );
  });
});

describe('challenge parsing', () => {
  test('quoted strings with commas and escapes, case-insensitive names, odd whitespace', () => {
    const [c] = parseChallengeList('digest  REALM="a, \\"b\\"",nonce = "n,1" ,  QOP="auth,auth-int", Algorithm=sha-256 ,stale=TRUE');
    assert.ok(c);
    assert.equal(c.scheme, 'digest');
    assert.equal(c.params.get('realm'), 'a, "b"');
    assert.equal(c.params.get('nonce'), 'n,1');
    assert.equal(c.params.get('qop'), 'auth,auth-int');
    const [d] = parseDigestChallenges(['digest  REALM="a, \\"b\\"",nonce = "n,1" ,  QOP="auth,auth-int", Algorithm=sha-256 ,stale=TRUE']);
    assert.deepEqual(d, { realm: 'a, "b"', nonce: 'n,1', algorithm: 'SHA-256', qop: ['auth', 'auth-int'], stale: true, userhash: false });
  });

  test('several challenges in one value, or one challenge split over values, parse the same', () => {
    const joined = 'Digest realm="r", nonce="1", algorithm=MD5, Digest realm="r", nonce="2", algorithm=SHA-256, NTLM realm="x"';
    const a = parseDigestChallenges([joined]);
    const b = parseDigestChallenges(['Digest realm="r"', 'nonce="1"', 'algorithm=MD5', 'Digest realm="r"', 'nonce="2"', 'algorithm=SHA-256', 'NTLM realm="x"']);
    assert.deepEqual(a, b);
    assert.equal(a.length, 2);
    assert.deepEqual(strongestPerRealm(a).map((c) => c.algorithm), ['SHA-256']);
  });

  test('strongest algorithm wins, unknown algorithms are skipped, absent algorithm means MD5', () => {
    const cs = parseDigestChallenges([
      'Digest realm="r", nonce="a"',
      'Digest realm="r", nonce="b", algorithm=SHA-512-256',
      'Digest realm="r", nonce="c", algorithm=SHA-1024',
      'Digest realm="r", nonce="d", algorithm=SHA-256',
    ]);
    assert.deepEqual(cs.map((c) => c.algorithm), ['MD5', 'SHA-512-256', 'SHA-256']);
    assert.equal(strongestPerRealm(cs)[0]?.nonce, 'b');
  });

  test('unterminated quote is an error, not a crash', () => {
    assert.throws(() => parseChallengeList('Digest realm="oops'), /unterminated/);
  });
});

describe('DigestAuthenticator', () => {
  const creds = { username: 'alice', password: 'secret' };
  const cnonce = (): string => 'cafebabe';

  test('401 → Authorization with qop=auth, nc=00000001; nonce reuse increments nc', () => {
    const auth = new DigestAuthenticator(creds, cnonce);
    const r1 = new FakeRequest('REGISTER', 'sip:example.com');
    auth.authorize(r1);
    assert.deepEqual(r1.get('Authorization'), []);
    const out = auth.handleChallenge(r1, challenge(401, 'Digest realm="example.com", nonce="abc", qop="auth", opaque="op", algorithm=MD5'));
    assert.deepEqual(out, { kind: 'retry', stale: false });
    const r2 = new FakeRequest('REGISTER', 'sip:example.com');
    auth.authorize(r2);
    const expected = computeDigestResponse({
      algorithm: 'MD5', username: 'alice', password: 'secret', realm: 'example.com', method: 'REGISTER',
      uri: 'sip:example.com', nonce: 'abc', qop: 'auth', cnonce: 'cafebabe', nc: '00000001',
    });
    assert.deepEqual(r2.get('Authorization'), [
      `Digest username="alice", realm="example.com", nonce="abc", uri="sip:example.com", response="${expected}", algorithm=MD5, opaque="op", qop=auth, nc=00000001, cnonce="cafebabe"`,
    ]);
    const r3 = new FakeRequest('MESSAGE', 'sip:bob@example.com', 'hi');
    auth.authorize(r3);
    assert.equal(param(r3.get('Authorization')[0]!, 'nc'), '00000002');
    assert.equal(param(r3.get('Authorization')[0]!, 'uri'), 'sip:bob@example.com');
  });

  test('407 → Proxy-Authorization, strongest algorithm chosen', () => {
    const auth = new DigestAuthenticator(creds, cnonce);
    const r1 = new FakeRequest('MESSAGE', 'sip:bob@example.com');
    const out = auth.handleChallenge(r1, challenge(407,
      'Digest realm="p", nonce="n1", qop="auth", algorithm=MD5',
      'Digest realm="p", nonce="n2", qop="auth", algorithm=SHA-256'));
    assert.equal(out.kind, 'retry');
    const r2 = new FakeRequest('MESSAGE', 'sip:bob@example.com');
    auth.authorize(r2);
    assert.deepEqual(r2.get('Authorization'), []);
    const [h] = r2.get('Proxy-Authorization');
    assert.equal(param(h!, 'algorithm'), 'SHA-256');
    assert.equal(param(h!, 'nonce'), 'n2');
  });

  test('wrong password: one challenge, one answer, then "rejected" — never a loop', () => {
    const auth = new DigestAuthenticator(creds, cnonce);
    const c = challenge(401, 'Digest realm="r", nonce="n", qop="auth"');
    const r1 = new FakeRequest('REGISTER', 'sip:r');
    auth.authorize(r1);
    assert.equal(auth.handleChallenge(r1, c).kind, 'retry');
    const r2 = new FakeRequest('REGISTER', 'sip:r');
    auth.authorize(r2);
    const again = auth.handleChallenge(r2, challenge(401, 'Digest realm="r", nonce="n2", qop="auth"'));
    assert.deepEqual(again, { kind: 'rejected', detail: 'credentials rejected by realm "r"' });
  });

  test('stale=true retries with the new nonce without counting as a failure; a second stale is refused', () => {
    const auth = new DigestAuthenticator(creds, cnonce);
    const r1 = new FakeRequest('REGISTER', 'sip:r');
    auth.handleChallenge(r1, challenge(401, 'Digest realm="r", nonce="n1", qop="auth"'));
    const r2 = new FakeRequest('REGISTER', 'sip:r');
    auth.authorize(r2);
    // The answered request comes back stale: retry with n2, nc restarts at 1.
    assert.deepEqual(auth.handleChallenge(r2, challenge(401, 'Digest realm="r", nonce="n2", qop="auth", stale=true')), { kind: 'retry', stale: true });
    const r3 = new FakeRequest('REGISTER', 'sip:r');
    auth.authorize(r3);
    assert.equal(param(r3.get('Authorization')[0]!, 'nonce'), 'n2');
    assert.equal(param(r3.get('Authorization')[0]!, 'nc'), '00000001');
    assert.equal(auth.handleChallenge(r3, challenge(401, 'Digest realm="r", nonce="n3", qop="auth", stale=true')).kind, 'rejected');
  });

  test('a pre-emptive (reused-nonce) request that is challenged gets one fresh try', () => {
    const auth = new DigestAuthenticator(creds, cnonce);
    auth.handleChallenge(new FakeRequest('REGISTER', 'sip:r'), challenge(401, 'Digest realm="r", nonce="n1", qop="auth"'));
    auth.authorize(new FakeRequest('REGISTER', 'sip:r')); // answered, accepted
    const later = new FakeRequest('REGISTER', 'sip:r');
    auth.authorize(later); // pre-emptive, nc=2
    assert.equal(auth.handleChallenge(later, challenge(401, 'Digest realm="r", nonce="n9", qop="auth"')).kind, 'retry');
    const retry = new FakeRequest('REGISTER', 'sip:r');
    auth.authorize(retry);
    assert.equal(param(retry.get('Authorization')[0]!, 'nonce'), 'n9');
    assert.equal(auth.handleChallenge(retry, challenge(401, 'Digest realm="r", nonce="n10", qop="auth"')).kind, 'rejected');
  });

  test('legacy challenge without qop: no nc/cnonce; userhash and MD5-sess / SHA-512-256 supported', () => {
    const auth = new DigestAuthenticator(creds, cnonce);
    auth.handleChallenge(new FakeRequest('REGISTER', 'sip:r'), challenge(401, 'Digest realm="r", nonce="n"'));
    const r = new FakeRequest('REGISTER', 'sip:r');
    auth.authorize(r);
    const h = r.get('Authorization')[0]!;
    assert.equal(param(h, 'qop'), undefined);
    assert.equal(param(h, 'nc'), undefined);
    assert.equal(param(h, 'response'), computeDigestResponse({ algorithm: 'MD5', username: 'alice', password: 'secret', realm: 'r', method: 'REGISTER', uri: 'sip:r', nonce: 'n' }));

    const auth2 = new DigestAuthenticator(creds, cnonce);
    auth2.handleChallenge(new FakeRequest('REGISTER', 'sip:r'), challenge(401, 'Digest realm="r", nonce="n", qop="auth", algorithm=SHA-512-256, userhash=true'));
    const r2 = new FakeRequest('REGISTER', 'sip:r');
    auth2.authorize(r2);
    const h2 = r2.get('Authorization')[0]!;
    assert.equal(param(h2, 'algorithm'), 'SHA-512-256');
    assert.equal(param(h2, 'userhash'), 'true');
    assert.match(param(h2, 'username')!, /^[0-9a-f]{64}$/);
    assert.match(param(h2, 'response')!, /^[0-9a-f]{64}$/);

    const sess = computeDigestResponse({ algorithm: 'MD5-sess', username: 'u', password: 'p', realm: 'r', method: 'M', uri: 'sip:x', nonce: 'n', qop: 'auth', cnonce: 'c', nc: '00000001' });
    const plain = computeDigestResponse({ algorithm: 'MD5', username: 'u', password: 'p', realm: 'r', method: 'M', uri: 'sip:x', nonce: 'n', qop: 'auth', cnonce: 'c', nc: '00000001' });
    assert.notEqual(sess, plain);
  });

  test('no Digest challenge → unsupported (e.g. NTLM-only LCS home server)', () => {
    const auth = new DigestAuthenticator(creds, cnonce);
    const out = auth.handleChallenge(new FakeRequest('REGISTER', 'sip:r'), challenge(401, 'NTLM realm="SIP Communications Service", targetname="x"'));
    assert.equal(out.kind, 'unsupported');
  });
});
