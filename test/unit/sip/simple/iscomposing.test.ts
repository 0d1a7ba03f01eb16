// RFC 3994 isComposing parse/build.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PresenceDocumentError, XmlParseError } from '../../../../electron/sip/simple/errors';
import { buildIsComposing, parseIsComposing, type IsComposing } from '../../../../electron/sip/simple/iscomposing';
import { fixture } from './support';

describe('parseIsComposing', () => {
  test('RFC 3994 §7 examples', () => {
    assert.deepEqual(parseIsComposing(fixture('iscomposing-active.xml')), { state: 'active', contentType: 'text/plain', refresh: 90 });
    assert.deepEqual(parseIsComposing(fixture('iscomposing-idle.xml')), { state: 'idle', lastActive: '2003-01-27T10:43:00Z', contentType: 'audio' });
  });

  test('tolerates a missing namespace; refuses a bad state, other roots and malformed XML', () => {
    assert.deepEqual(parseIsComposing('<isComposing><state> Active </state></isComposing>'), { state: 'active' });
    assert.throws(() => parseIsComposing('<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><state>typing</state></isComposing>'), PresenceDocumentError);
    assert.throws(() => parseIsComposing('<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"/>'), PresenceDocumentError);
    assert.throws(() => parseIsComposing('<KeyboardActivity><status status="type"/></KeyboardActivity>'), PresenceDocumentError);
    assert.throws(() => parseIsComposing('<isComposing xmlns="urn:other"><state>idle</state></isComposing>'), PresenceDocumentError);
    assert.throws(() => parseIsComposing('<isComposing><state>idle</state>'), XmlParseError);
  });

  test('refresh must be a positive integer (RFC 3994 §3.2); otherwise it is ignored', () => {
    const doc = (r: string): string => `<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><state>active</state><refresh>${r}</refresh></isComposing>`;
    assert.equal(parseIsComposing(doc('0')).refresh, undefined);
    assert.equal(parseIsComposing(doc('-5')).refresh, undefined);
    assert.equal(parseIsComposing(doc('1.5')).refresh, undefined);
    assert.equal(parseIsComposing(doc(' 60 ')).refresh, 60);
  });
});

describe('buildIsComposing', () => {
  test('element order of RFC 3994 §3.2; refresh only with active', () => {
    assert.equal(
      buildIsComposing({ state: 'active', refresh: 60, contentType: 'text/plain', lastActive: '2024-05-01T10:00:00Z' }),
      '<?xml version="1.0" encoding="UTF-8"?>\n<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing">\n<state>active</state>\n<lastactive>2024-05-01T10:00:00Z</lastactive>\n<contenttype>text/plain</contenttype>\n<refresh>60</refresh>\n</isComposing>\n',
    );
    assert.doesNotMatch(buildIsComposing({ state: 'idle', refresh: 60 }), /refresh/);
  });

  test('round trip (property)', () => {
    const arb: fc.Arbitrary<IsComposing> = fc.record({
      state: fc.constantFrom('active', 'idle') as fc.Arbitrary<'active' | 'idle'>,
      refresh: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
      lastActive: fc.option(fc.date({ min: new Date(0), max: new Date('2099-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), { nil: undefined }),
      contentType: fc.option(fc.constantFrom('text/plain', 'text/html', 'audio', 'application/x-a&b'), { nil: undefined }),
    }, { requiredKeys: ['state'] });
    fc.assert(fc.property(arb, (v) => {
      const expected: Record<string, unknown> = { state: v.state };
      if (v.refresh !== undefined && v.state === 'active') expected.refresh = v.refresh;
      if (v.lastActive !== undefined) expected.lastActive = v.lastActive;
      if (v.contentType !== undefined) expected.contentType = v.contentType;
      assert.deepEqual(parseIsComposing(buildIsComposing(v)), expected);
    }), { numRuns: 500 });
  });
});
