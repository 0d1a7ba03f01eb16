import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildResourceLists, buildRlsServices, parseResourceLists } from '../../../../electron/sip/simple/resource-lists';
import { PresenceDocumentError, XmlParseError } from '../../../../electron/sip/simple/errors';

describe('RFC 4826 resource-lists', () => {
  test('parses lists, entries, display names, nested lists into their top-level list, ignores external refs', () => {
    const doc = parseResourceLists(`<?xml version="1.0"?>
      <rl:resource-lists xmlns:rl="urn:ietf:params:xml:ns:resource-lists" xmlns:x="urn:ext">
        <rl:list name="Friends"><rl:display-name>My friends</rl:display-name>
          <rl:entry uri="sip:bob@example.com"><rl:display-name>Bob</rl:display-name><x:foo/></rl:entry>
          <rl:entry uri="sip:bob@example.com"/>
          <rl:list name="close"><rl:entry uri="sip:carol@example.com"/></rl:list>
          <rl:external anchor="http://xcap.example.com/resource-lists/users/sip:a@example.com/index"/>
          <rl:entry/>
        </rl:list>
        <rl:list><rl:display-name>Unnamed</rl:display-name></rl:list>
      </rl:resource-lists>`);
    assert.deepEqual(doc, {
      lists: [
        { name: 'Friends', entries: [{ uri: 'sip:bob@example.com', displayName: 'Bob' }, { uri: 'sip:carol@example.com' }] },
        { name: 'Unnamed', entries: [] },
      ],
    });
  });
  test('refuses other documents and hostile XML', () => {
    assert.throws(() => parseResourceLists('<presence xmlns="urn:ietf:params:xml:ns:pidf"/>'), PresenceDocumentError);
    assert.throws(() => parseResourceLists('<!DOCTYPE x [<!ENTITY a "aaaa">]><resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">&a;</resource-lists>'), XmlParseError);
  });
  test('build → parse is the identity for any names (property)', () => {
    const name = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s.trim().length > 0 && !/[\u0000-\u001f\ufffe\uffff\ud800-\udfff]/.test(s));
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 0, maxLength: 4, selector: (s) => s.toLowerCase() }), fc.array(fc.tuple(fc.nat(50), fc.option(name, { nil: undefined })), { maxLength: 8 }), (groups, people) => {
        const seen = new Set<number>();
        const lists = groups.map((g, gi) => ({
          name: g,
          entries: people.filter(([n]) => n % Math.max(groups.length, 1) === gi && !seen.has(n) && seen.add(n)).map(([n, d]) => ({ uri: `sip:u${n}@example.com`, ...(d ? { displayName: d } : {}) })),
        }));
        assert.deepEqual(parseResourceLists(buildResourceLists({ lists })), { lists });
      }),
    );
  });
  test('rls-services: inline list and a reference', () => {
    const xml = buildRlsServices([{ uri: 'sip:alice-buddies@example.com', entries: [{ uri: 'sip:b@example.com', displayName: 'B' }] }, { uri: 'sip:l2@example.com', resourceList: 'http://x/a&b' }]);
    assert.match(xml, /<service uri="sip:alice-buddies@example.com">\n<list>\n<rl:entry uri="sip:b@example.com"><rl:display-name>B<\/rl:display-name><\/rl:entry>/);
    assert.match(xml, /<resource-list>http:\/\/x\/a&amp;b<\/resource-list>/);
    assert.match(xml, /<packages><package>presence<\/package><\/packages>/);
  });
});
