// Contact address normalisation: one person, one spelling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ContactError } from '../../../../electron/core/contacts/contact-errors';
import { addressOfRecord, domainAndParents, normalizeContactUri, normalizeDomain } from '../../../../electron/core/contacts/contact-uri';

test('addresses are normalised: sip scheme, lower-case domain, user kept, parameters and headers dropped', () => {
  const cases: [string, string][] = [
    ['bob@beta.test', 'sip:bob@beta.test'],
    ['  Bob@Beta.TEST ', 'sip:Bob@beta.test'],
    ['sip:bob@beta.test', 'sip:bob@beta.test'],
    ['SIP:bob@BETA.test', 'sip:bob@beta.test'],
    ['sips:bob@beta.test', 'sip:bob@beta.test'],
    ['im:bob@beta.test', 'sip:bob@beta.test'],
    ['pres:bob@beta.test', 'sip:bob@beta.test'],
    ['<sip:bob@beta.test>', 'sip:bob@beta.test'],
    ['sip:bob@beta.test;transport=tls;maddr=1.2.3.4', 'sip:bob@beta.test'],
    ['sip:bob@beta.test?subject=hi', 'sip:bob@beta.test'],
    ['sip:bob@beta.test.', 'sip:bob@beta.test'],
    ['sip:first.last%40x@beta.test', 'sip:first.last%40x@beta.test'],
    ['sip:bob@192.0.2.1', 'sip:bob@192.0.2.1'],
    ['sip:bob@[2001:DB8::1]', 'sip:bob@[2001:db8::1]'],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeContactUri(input), expected, input);
});

test('invalid addresses are refused with a ContactError that says what is wrong', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['bob', /user part|not a SIP address/],
    ['beta.test', /user part|not a SIP address/],
    ['@beta.test', /user part/],
    ['bob@', /host|not a SIP address/],
    ['bob@beta test', /not a SIP address/],
    ['bob@beta_test', /not a valid domain/],
    ['bob@-beta.test', /not a valid domain/],
    ['tel:+15551234', /telephone number/],
    ['http://example.com', /user part|not a SIP address/],
    ['sip:bob:secret@beta.test', /password/],
    ['bob:secret@beta.test', /password/],
    ['sip:bob@beta.test:5061', /port/],
    ['sip:bo b@beta.test', /not a SIP address/],
    ['sip:bob"x@beta.test', /not a SIP address/],
    ['sip:bob\u0000@beta.test', /not a SIP address/],
    ['sip:böb@beta.test', /not a valid user part/],
    [`${'a'.repeat(450)}@beta.test`, /longer than 454/],
  ];
  for (const [input, why] of cases) {
    assert.throws(() => normalizeContactUri(input), (e: unknown) => e instanceof ContactError && e.code === 'invalid-address' && why.test(e.message), JSON.stringify(input));
  }
});

test('property: normalisation is idempotent and never throws anything but a ContactError', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.emailAddress(), fc.emailAddress().map((e) => `SIP:${e.toUpperCase()};lr`)), (input) => {
      let normal: string;
      try {
        normal = normalizeContactUri(input);
      } catch (error) {
        assert.ok(error instanceof ContactError, String(error));
        return;
      }
      assert.match(normal, /^sip:[^@\s]+@[a-z0-9.[\]:-]+$/);
      assert.equal(normalizeContactUri(normal), normal);
    }),
    { numRuns: 1000 },
  );
});

test('addressOfRecord: a URI off the wire maps to its contact key, ports and parameters ignored, never throws', () => {
  assert.deepEqual(addressOfRecord('sip:Bob@Beta.Test:5061;transport=tls'), { uri: 'sip:Bob@beta.test', domain: 'beta.test' });
  assert.deepEqual(addressOfRecord('sips:bob@beta.test'), { uri: 'sip:bob@beta.test', domain: 'beta.test' });
  assert.equal(addressOfRecord('sip:beta.test'), undefined);
  assert.equal(addressOfRecord(''), undefined);
  assert.equal(addressOfRecord('x'.repeat(5000)), undefined);
  assert.equal(addressOfRecord(42 as unknown as string), undefined);
});

test('domains for the block list', () => {
  assert.equal(normalizeDomain('Beta.Test'), 'beta.test');
  assert.equal(normalizeDomain('@beta.test'), 'beta.test');
  assert.equal(normalizeDomain('sip:beta.test.'), 'beta.test');
  assert.throws(() => normalizeDomain('bob@beta.test'), ContactError);
  assert.throws(() => normalizeDomain(''), ContactError);
  assert.deepEqual(domainAndParents('a.b.test'), ['a.b.test', 'b.test', 'test']);
  assert.deepEqual(domainAndParents('192.0.2.1'), ['192.0.2.1']);
});
