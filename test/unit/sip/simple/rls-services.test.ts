import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildRlsServices, parseRlsServices } from '../../../../electron/sip/simple/resource-lists';
import type { RlsService } from '../../../../electron/sip/simple/resource-lists';
import { PresenceDocumentError, XmlParseError } from '../../../../electron/sip/simple/errors';

/** The parsed parts without the re-serialised element, to compare with what was built. */
const parts = (s: RlsService) => {
  const { xml: _xml, ...rest } = s;
  return rest;
};

describe('RFC 4826 §4 rls-services', () => {
  test('build → parse gives the services back (inline list with display names, a reference, packages)', () => {
    const services: RlsService[] = [
      { uri: 'sip:alice-buddies@alpha.test', entries: [{ uri: 'sip:bob@beta.test', displayName: 'Bob <B> & "Co"' }, { uri: 'sip:carol@alpha.test' }], packages: ['presence'] },
      { uri: 'sip:team@alpha.test', resourceList: 'http://xcap.alpha.test/resource-lists/users/sip:alice@alpha.test/index/~~/resource-lists/list%5b@name=%22a%22%5d', packages: ['presence', 'message-summary'] },
      { uri: 'sip:empty@alpha.test', entries: [], packages: ['presence'] },
    ];
    assert.deepEqual(parseRlsServices(buildRlsServices(services)).services.map(parts), services);
  });

  test('build → parse is the identity for any display names (property)', () => {
    const text = fc.string({ minLength: 1, maxLength: 16 }).filter((s) => s.trim() === s && !/[\u0000-\u001f\ufffe\uffff\ud800-\udfff]/.test(s));
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(40), { maxLength: 8 }), fc.array(fc.option(text, { nil: undefined }), { minLength: 8, maxLength: 8 }), (ids, names) => {
        const entries = ids.map((n, i) => ({ uri: `sip:u${n}@example.com`, ...(names[i] ? { displayName: names[i] } : {}) }));
        const services = [{ uri: 'sip:l@example.com', entries, packages: ['presence'] }];
        assert.deepEqual(parseRlsServices(buildRlsServices(services)).services.map(parts), services);
      }),
    );
  });

  test('a foreign document with two services: nested lists flattened, unknown elements ignored, each service kept whole', () => {
    const foreign = `<?xml version="1.0" encoding="UTF-8"?>
      <r:rls-services xmlns:r="urn:ietf:params:xml:ns:rls-services" xmlns:rl="urn:ietf:params:xml:ns:resource-lists" xmlns:x="urn:example:ext">
        <r:service uri="sip:marketing@example.com" x:owner="other-client">
          <r:list name="marketing">
            <rl:display-name>Marketing</rl:display-name>
            <rl:entry uri="sip:joe@example.com"><rl:display-name>Joe</rl:display-name></rl:entry>
            <rl:list name="inner"><rl:entry uri="sip:sudhir@example.com"/><rl:entry uri="sip:joe@example.com"/></rl:list>
            <rl:external anchor="http://xcap.example.com/resource-lists/users/sip:a@example.com/index/~~/resource-lists/list%5b@name=%22x%22%5d"/>
            <x:colour>blue</x:colour>
            <rl:entry/>
          </r:list>
          <r:packages><r:package>presence</r:package><r:package>reg</r:package></r:packages>
          <x:note>kept</x:note>
        </r:service>
        <r:service uri="sip:mybuddies@example.com">
          <r:resource-list>http://xcap.example.com/resource-lists/users/sip:joe@example.com/index/~~/resource-lists/list%5b@name=%22l1%22%5d</r:resource-list>
        </r:service>
        <r:service><r:list/></r:service>
        <x:service uri="sip:not-rls@example.com"/>
      </r:rls-services>`;
    const doc = parseRlsServices(foreign);
    assert.deepEqual(doc.services.map(parts), [
      { uri: 'sip:marketing@example.com', entries: [{ uri: 'sip:joe@example.com', displayName: 'Joe' }, { uri: 'sip:sudhir@example.com' }], packages: ['presence', 'reg'] },
      { uri: 'sip:mybuddies@example.com', resourceList: 'http://xcap.example.com/resource-lists/users/sip:joe@example.com/index/~~/resource-lists/list%5b@name=%22l1%22%5d' },
    ]);
    // Rewritten next to a new service, the foreign ones keep what Parley does not interpret (extensions, references).
    const rebuilt = buildRlsServices([...doc.services, { uri: 'sip:alice-buddies@example.com', entries: [{ uri: 'sip:bob@example.com' }] }]);
    assert.match(rebuilt, /<colour xmlns="urn:example:ext">blue<\/colour>/);
    assert.match(rebuilt, /<note xmlns="urn:example:ext">kept<\/note>/);
    assert.match(rebuilt, /<service xmlns="urn:ietf:params:xml:ns:rls-services" xmlns:a0="urn:example:ext" uri="sip:marketing@example.com" a0:owner="other-client">/);
    assert.match(rebuilt, /<external xmlns="urn:ietf:params:xml:ns:resource-lists" anchor="http:\/\/xcap\.example\.com\/[^"]+%22x%22%5d"\/>/);
    const again = parseRlsServices(rebuilt);
    assert.deepEqual(again.services.map(parts), [...doc.services.map(parts), { uri: 'sip:alice-buddies@example.com', entries: [{ uri: 'sip:bob@example.com' }], packages: ['presence'] }]);
    // Stable: a second round trip writes the same bytes for the kept services.
    assert.deepEqual(again.services.slice(0, 2).map((s) => s.xml), doc.services.map((s) => s.xml));
  });

  test('liberal: entries written in the rls-services namespace and a list in the resource-lists namespace', () => {
    const doc = parseRlsServices(`<rls-services xmlns="urn:ietf:params:xml:ns:rls-services">
      <service uri="sip:a-buddies@example.com"><list name="b"><entry uri=" sip:b@example.com "><display-name>B</display-name></entry></list></service>
      <service uri="sip:c@example.com"><l xmlns="urn:ietf:params:xml:ns:resource-lists"/><list xmlns="urn:ietf:params:xml:ns:resource-lists"><entry uri="sip:d@example.com"/></list></service>
    </rls-services>`);
    assert.deepEqual(doc.services.map(parts), [
      { uri: 'sip:a-buddies@example.com', entries: [{ uri: 'sip:b@example.com', displayName: 'B' }] },
      { uri: 'sip:c@example.com', entries: [{ uri: 'sip:d@example.com' }] },
    ]);
  });

  test('refuses other documents and hostile XML with typed errors', () => {
    assert.throws(() => parseRlsServices('<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"/>'), PresenceDocumentError);
    assert.throws(() => parseRlsServices('<rls-services/>'), PresenceDocumentError); // right name, no namespace
    assert.throws(() => parseRlsServices('<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rls-services xmlns="urn:ietf:params:xml:ns:rls-services">&b;</rls-services>'), XmlParseError);
    assert.throws(() => parseRlsServices(`<rls-services xmlns="urn:ietf:params:xml:ns:rls-services">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</rls-services>`), XmlParseError);
    assert.throws(() => parseRlsServices('<rls-services xmlns="urn:ietf:params:xml:ns:rls-services"><service uri="sip:x@y">'), XmlParseError);
  });
});
