// The strict sip:/sips:/im: link parser (RFC 3261 §19.1, RFC 3860 §3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_LINK_LENGTH, ProtocolLinkError, linkFromArgv, parseProtocolLink, shouldClaimScheme, tryParseProtocolLink } from '../../../electron/main/protocol-link';
import type { ProtocolLinkProblem } from '../../../electron/main/protocol-link';

test('accepts sip:, sips: and im: addresses', () => {
  assert.deepEqual(parseProtocolLink('sip:alice@alpha.test'), { scheme: 'sip', user: 'alice', host: 'alpha.test', address: 'alice@alpha.test' });
  assert.equal(parseProtocolLink('sips:bob@beta.test').scheme, 'sips');
  assert.equal(parseProtocolLink('im:carol@gamma.test').address, 'carol@gamma.test');
  assert.equal(parseProtocolLink('SIP:Alice@Alpha.TEST').address, 'Alice@alpha.test', 'scheme and host are case-insensitive, user is not');
});

test('strips port, URI parameters and headers', () => {
  assert.equal(parseProtocolLink('sips:alice@alpha.test:5061;transport=tls;maddr=10.0.0.1?subject=hi&priority=urgent').address, 'alice@alpha.test');
  assert.equal(parseProtocolLink('sip:alice@alpha.test?to=mallory@evil.test').address, 'alice@alpha.test');
  assert.equal(parseProtocolLink('sip:alice@192.0.2.7:5060').address, 'alice@192.0.2.7');
  assert.equal(parseProtocolLink('sip:alice@[2001:DB8::1]:5061').address, 'alice@[2001:db8::1]');
  assert.equal(parseProtocolLink('sip:alice@alpha.test.').host, 'alpha.test');
});

test('percent-decodes the user part', () => {
  assert.equal(parseProtocolLink('sip:j%2Edoe@alpha.test').user, 'j.doe');
  assert.equal(parseProtocolLink('sip:%C3%A9mile@alpha.test').user, 'émile');
  assert.equal(parseProtocolLink("sip:o'brien+it@alpha.test").user, "o'brien+it");
});

function problem(raw: string): ProtocolLinkProblem | 'accepted' {
  try {
    parseProtocolLink(raw);
    return 'accepted';
  } catch (error) {
    assert.ok(error instanceof ProtocolLinkError, String(error));
    return error.problem;
  }
}

test('refuses anything without user@host', () => {
  assert.equal(problem('sip:alpha.test'), 'no-user');
  assert.equal(problem('sip:@alpha.test'), 'no-user');
  assert.equal(problem('sip:alice@'), 'bad-host');
  assert.equal(problem('im:'), 'no-user');
  assert.equal(problem('sip:alpha.test?x=a@b'), 'bad-user');
});

test('refuses other schemes, sip://, passwords and odd user parts', () => {
  assert.equal(problem('http://alice@alpha.test'), 'unknown-scheme');
  assert.equal(problem('tel:+15551234'), 'unknown-scheme');
  assert.equal(problem('javascript:alert(1)//@x.test'), 'unknown-scheme');
  assert.equal(problem('sip://alice@alpha.test'), 'not-a-uri');
  assert.equal(problem('sip:alice:secret@alpha.test'), 'password');
  assert.equal(problem('sip:+1555;phone-context=x@alpha.test'), 'bad-user');
  assert.equal(problem('sip:a/b@alpha.test'), 'bad-user');
  assert.equal(problem('sip:a%40b@alpha.test'), 'bad-user', 'an escaped @ is not an address');
});

test('refuses control characters and whitespace, raw or escaped', () => {
  assert.equal(problem('sip:alice@alpha.test\n'), 'control-character');
  assert.equal(problem(' sip:alice@alpha.test'), 'control-character');
  assert.equal(problem('sip:al\u0000ice@alpha.test'), 'control-character');
  assert.equal(problem('sip:al%00ice@alpha.test'), 'bad-user');
  assert.equal(problem('sip:al%0Aice@alpha.test'), 'bad-user');
  assert.equal(problem('sip:j%20doe@alpha.test'), 'bad-user');
});

test('refuses bad escapes, bad hosts and bad ports', () => {
  assert.equal(problem('sip:al%zzice@alpha.test'), 'bad-user');
  assert.equal(problem('sip:al%C3ice@alpha.test'), 'bad-escape');
  assert.equal(problem('sip:alice@alpha_test'), 'bad-host');
  assert.equal(problem('sip:alice@-alpha.test'), 'bad-host');
  assert.equal(problem('sip:alice@alpha.123'), 'bad-host');
  assert.equal(problem('sip:alice@300.1.1.1'), 'bad-host');
  assert.equal(problem('sip:alice@[zz::1]'), 'bad-host');
  assert.equal(problem('sip:alice@[::1'), 'bad-host');
  assert.equal(problem('sip:alice@alpha.test:99999'), 'bad-host');
  assert.equal(problem('sip:alice@alpha.test:http'), 'bad-host');
  assert.equal(problem('sip:alice@alp%61.test'), 'bad-host');
});

test('refuses links that are too long', () => {
  const host = `${'a'.repeat(60)}.test`;
  const long = `sip:alice@${host};${'x'.repeat(MAX_LINK_LENGTH)}`;
  assert.equal(problem(long), 'too-long');
  assert.equal(problem(`sip:${'u'.repeat(300)}@alpha.test`), 'too-long');
});

test('second-instance argv: Chromium switches are skipped, the first valid link wins', () => {
  const argv = ['/opt/Parley/parley', '--allow-file-access-from-files', 'sip:bad link', 'sip:alice@alpha.test', 'im:bob@beta.test'];
  assert.equal(linkFromArgv(argv)?.address, 'alice@alpha.test');
  assert.equal(linkFromArgv(['/opt/Parley/parley', '--original-process-start-time=1']), undefined);
  assert.equal(linkFromArgv(['parley', '--x=sip:alice@alpha.test']), undefined);
});

test('scheme registration never takes sip: from another application', () => {
  assert.equal(shouldClaimScheme('', 'Parley'), true);
  assert.equal(shouldClaimScheme('Parley', 'Parley'), true);
  assert.equal(shouldClaimScheme('parley.desktop', 'Parley'), true);
  assert.equal(shouldClaimScheme('Linphone', 'Parley'), false);
});

test('property: any string either parses to a clean address or is refused with ProtocolLinkError', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }).map((s) => `sip:${s}`), fc.webUrl().map((u) => u.replace(/^https?:\/\//, 'sip:x@'))), (raw) => {
      const link = tryParseProtocolLink(raw);
      if (link) {
        assert.doesNotMatch(link.address, /[\s\u0000-\u001f\u007f-\u009f;?]/);
        assert.equal(link.address.split('@').length, 2);
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: parsed addresses parse again to themselves', () => {
  const label = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
  fc.assert(
    fc.property(fc.stringMatching(/^[A-Za-z0-9._+-]{1,20}$/), fc.array(label, { minLength: 1, maxLength: 3 }), (user, labels) => {
      const first = parseProtocolLink(`sip:${user}@${labels.join('.')};transport=tls`);
      assert.deepEqual(parseProtocolLink(`im:${first.address}`).address, first.address);
    }),
  );
});
