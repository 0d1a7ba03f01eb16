import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPresRules, parsePresRules } from '../../../../electron/sip/simple/pres-rules';
import { PresenceDocumentError, XmlParseError } from '../../../../electron/sip/simple/errors';
import { parseXml } from '../../../../electron/sip/simple/xml/tree';

describe('RFC 5025 pres-rules', () => {
  test('blocks first (polite-block), then allows with every transformation, then the catch-all with excepts', () => {
    const xml = buildPresRules({ allow: ['sip:a@x.test', 'sip:b@x.test'], block: ['sip:b@x.test', 'sip:"evil"@x.test'], others: 'confirm' });
    const root = parseXml(xml);
    const rules = root.children.map((r) => [r.attr('id'), r.children[1]!.children[0]!.value]);
    assert.deepEqual(rules, [['parley-block', 'polite-block'], ['parley-allow', 'allow'], ['parley-others', 'confirm']]);
    assert.match(xml, /<cp:one id="sip:&quot;evil&quot;@x.test"\/>/);
    assert.match(xml, /<pr:provide-all-attributes\/>/);
    // b is in both lists: blocking wins, and it is not allowed.
    assert.deepEqual(parsePresRules(xml), { allow: ['sip:a@x.test'], block: ['sip:b@x.test', 'sip:"evil"@x.test'], others: 'confirm' });
    assert.match(xml, /<cp:many><cp:except id="sip:b@x.test"\/>/);
  });
  test('empty lists leave out their rules; the default round-trips', () => {
    const xml = buildPresRules({ allow: [], block: [], others: 'allow' });
    assert.equal((xml.match(/<cp:rule /g) ?? []).length, 1);
    assert.deepEqual(parsePresRules(xml), { allow: [], block: [], others: 'allow' });
  });
  test('reads other authors\' documents; ignores rules with other conditions; refuses non-rulesets and hostile XML', () => {
    const foreign = `<ruleset xmlns="urn:ietf:params:xml:ns:common-policy" xmlns:pr="urn:ietf:params:xml:ns:pres-rules">
      <rule id="w"><conditions><identity><one id="sip:w@x"/></identity></conditions><actions><pr:sub-handling>allow</pr:sub-handling></actions></rule>
      <rule id="s"><conditions><identity><one id="sip:s@x"/></identity><sphere value="work"/></conditions><actions><pr:sub-handling>allow</pr:sub-handling></actions></rule>
      <rule id="b"><conditions><identity><one id="sip:b@x"/></identity></conditions><actions><pr:sub-handling>block</pr:sub-handling></actions></rule>
    </ruleset>`;
    assert.deepEqual(parsePresRules(foreign), { allow: ['sip:w@x'], block: ['sip:b@x'], others: 'confirm' });
    assert.throws(() => parsePresRules('<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"/>'), PresenceDocumentError);
    assert.throws(() => parsePresRules('<!DOCTYPE r [<!ENTITY x "y">]><r/>'), XmlParseError);
  });
});
