// Registration usage over the loop transport against a scripted registrar, with a fake clock: exact REGISTER
// wire, digest (401 → Authorization, wrong password, stale nonce), refresh timing, 423, un-register, reconnect,
// and the failure reasons reported to the handler.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { RegistrationState } from '../../../../electron/sip/usage/registration';
import { createResponse } from '../../../../electron/sip/transaction/message-api';
import { parseChallengeList } from '../../../../electron/sip/auth/digest';
import { ACCOUNT, authorizedWith, challenge401, makeBench, ok, settle } from './registrar';

const INSTANCE = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
const CONTACT = '<sip:alice@192.0.2.10:40000;transport=tls>;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>"';

function setup(expires = 3600) {
  const bench = makeBench();
  const states: RegistrationState[] = [];
  const reg = bench.ua.createRegistration(
    { contact: { user: 'alice', host: '192.0.2.10', port: 40000 }, instanceId: INSTANCE, expires, refreshFraction: () => 0.85 },
    { onStateChange: (s) => states.push(s) },
  );
  return { bench, reg, states };
}

/** The usual registrar: challenge the first request of each nonce-less REGISTER, accept a good password. */
function standardRegistrar(password = 'wonderland', grant = 'expires=600') {
  return (request: Parameters<typeof authorizedWith>[0]) => {
    if (!request.hasHeader('Authorization')) return challenge401(request, 'n1', '', ['MD5', 'SHA-256']);
    if (!authorizedWith(request, password)) return challenge401(request, 'n2');
    return ok(request, [['Contact', `${CONTACT};${grant}`]]);
  };
}

describe('registration (RFC 3261 §10.2, RFC 5626, RFC 7616)', () => {
  test('first REGISTER on the wire exactly; 401 → authorized REGISTER (SHA-256, CSeq 2, same Call-ID) → registered(600)', async () => {
    const { bench, reg, states } = setup();
    bench.script = standardRegistrar();
    await reg.register();
    await settle();
    const first = bench.log[0]!.wire;
    const callId = bench.seen[0]!.callId;
    const tag = bench.seen[0]!.from.tag;
    assert.equal(
      first,
      'REGISTER sip:example.net SIP/2.0\r\n' +
        'Via: SIP/2.0/TLS ua.example.net:40000;branch=z9hG4bKr1\r\n' +
        'Max-Forwards: 70\r\n' +
        'Route: <sip:proxy.example.net:5061;transport=tls;lr>\r\n' +
        `From: "Alice" <sip:alice@example.net>;tag=${tag};epid=0123456789abcdef\r\n` +
        'To: <sip:alice@example.net>\r\n' +
        `Call-ID: ${callId}\r\n` +
        'CSeq: 1 REGISTER\r\n' +
        `Contact: ${CONTACT}\r\n` +
        'Expires: 3600\r\n' +
        'Content-Length: 0\r\n\r\n',
    );
    const second = bench.seen[1]!;
    assert.equal(second.callId, callId);
    assert.equal(second.cseq.seq, 2);
    assert.notEqual(second.topVia.branch, bench.seen[0]!.topVia.branch);
    const auth = parseChallengeList(second.header('Authorization')!)[0]!.params;
    assert.equal(auth.get('algorithm'), 'SHA-256');
    assert.equal(auth.get('nc'), '00000001');
    assert.equal(auth.get('uri'), 'sip:example.net');
    assert.deepEqual(states, [{ kind: 'registering' }, { kind: 'registered', expires: 600 }]);
    assert.equal(reg.state.kind, 'registered');
  });

  test('refresh at 85 % of the granted expiry, pre-authorized with the cached nonce (nc=2), CSeq 3', async () => {
    const { bench, reg, states } = setup();
    bench.script = standardRegistrar();
    await reg.register();
    await settle();
    bench.clock.advance(509_999);
    await settle();
    assert.equal(bench.seen.length, 2);
    bench.clock.advance(1);
    await settle();
    assert.equal(bench.seen.length, 3);
    const refresh = bench.seen[2]!;
    assert.equal(refresh.cseq.seq, 3);
    assert.equal(parseChallengeList(refresh.header('Authorization')!)[0]!.params.get('nc'), '00000002');
    assert.deepEqual(states.at(-1), { kind: 'registered', expires: 600 });
    assert.ok(!states.slice(2).some((s) => s.kind === 'registering'), 'a refresh does not flap the state');
  });

  test('wrong password: exactly two REGISTERs, then failed(credentials) — no retry loop', async () => {
    const { bench, reg, states } = setup();
    bench.script = standardRegistrar('not-the-password');
    await reg.register();
    await settle();
    assert.equal(bench.seen.length, 2);
    assert.deepEqual(states.at(-1), { kind: 'failed', reason: 'credentials', detail: 'credentials rejected by realm "example.net"' });
    bench.clock.advance(3_600_000);
    await settle();
    assert.equal(bench.seen.length, 2);
  });

  test('stale nonce on refresh: retried with the new nonce, still registered', async () => {
    const { bench, reg, states } = setup();
    let nonce = 'n1';
    bench.script = (request) => {
      const header = request.header('Authorization');
      if (!header) return challenge401(request, nonce);
      const used = parseChallengeList(header)[0]!.params.get('nonce');
      if (used !== nonce) return challenge401(request, nonce, ', stale=true');
      return authorizedWith(request, 'wonderland') ? ok(request, [['Expires', '300']]) : challenge401(request, nonce);
    };
    await reg.register();
    await settle();
    nonce = 'n-fresh';
    bench.clock.advance(255_000);
    await settle();
    assert.equal(bench.seen.length, 4);
    assert.equal(parseChallengeList(bench.seen[3]!.header('Authorization')!)[0]!.params.get('nonce'), 'n-fresh');
    assert.deepEqual(states.at(-1), { kind: 'registered', expires: 300 }, 'Expires header used when our Contact has no expires');
  });

  test('423 Interval Too Brief + Min-Expires → retried with it', async () => {
    const { bench, reg, states } = setup(60);
    bench.script = (request) => {
      if (request.header('Expires') === '60') return createResponse(request, 423, 'Interval Too Brief', { toTag: 'x', headers: [['Min-Expires', '1800']] });
      return ok(request, [['Contact', `<sip:ALICE@192.0.2.10:40000;transport=TLS>;expires=1800`]]);
    };
    await reg.register();
    await settle();
    assert.deepEqual(bench.seen.map((r) => r.header('Expires')), ['60', '1800']);
    assert.deepEqual(states.at(-1), { kind: 'registered', expires: 1800 });
  });

  test('un-register on sign-out: our Contact with Expires: 0, then unregistered; no more refreshes', async () => {
    const { bench, reg, states } = setup();
    bench.script = (request) => ok(request, [['Contact', `${CONTACT};expires=${request.header('Expires')}`]]);
    await reg.register();
    await settle();
    await reg.unregister();
    await settle();
    const last = bench.seen.at(-1)!;
    assert.equal(last.header('Expires'), '0');
    assert.equal(last.header('Contact'), CONTACT);
    assert.equal(last.cseq.seq, 2);
    assert.deepEqual(states.at(-1), { kind: 'unregistered' });
    bench.clock.advance(10_000_000);
    await settle();
    assert.equal(bench.seen.length, 2);
  });

  test('reconnect → register again at once', async () => {
    const { bench, reg } = setup();
    bench.script = (request) => ok(request, [['Expires', '600']]);
    await reg.register();
    await settle();
    await reg.reconnected();
    await settle();
    assert.equal(bench.seen.length, 2);
    assert.equal(bench.seen[1]!.cseq.seq, 2);
  });

  test('failure reasons: transport (503 synthesized), timeout (408 after 64*T1), server (500)', async () => {
    {
      const { bench, reg, states } = setup();
      bench.uaTransport.failSendsWith = 'ECONNREFUSED';
      await reg.register();
      assert.deepEqual(states.at(-1), { kind: 'failed', reason: 'transport', detail: 'could not reach the home server' });
      assert.equal(bench.seen.length, 0);
    }
    {
      const { bench, reg, states } = setup();
      bench.script = () => undefined;
      const done = reg.register();
      await settle();
      bench.clock.advance(32_000);
      await done;
      assert.equal(states.at(-1)?.kind, 'failed');
      assert.equal((states.at(-1) as { reason: string }).reason, 'timeout');
    }
    {
      const { bench, reg, states } = setup();
      bench.script = (request) => createResponse(request, 500, 'Server Internal Error', { toTag: 'x' });
      await reg.register();
      assert.deepEqual(states.at(-1), { kind: 'failed', reason: 'server', detail: '500 Server Internal Error' });
    }
  });

  test('an account without credentials that gets 401 fails as credentials', async () => {
    const bench = makeBench({ ...ACCOUNT, credentials: undefined });
    const states: RegistrationState[] = [];
    const reg = bench.ua.createRegistration({ contact: { user: 'alice', host: 'h', port: 1 }, instanceId: INSTANCE }, { onStateChange: (s) => states.push(s) });
    bench.script = (request) => challenge401(request, 'n');
    await reg.register();
    assert.equal((states.at(-1) as { reason: string }).reason, 'credentials');
  });
});
