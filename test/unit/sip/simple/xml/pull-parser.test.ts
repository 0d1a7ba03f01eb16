// The XML layer: XML 1.0 well-formedness, Namespaces in XML 1.0 scoping, references, and every typed error code.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XmlParseError, type XmlErrorCode } from '../../../../../electron/sip/simple/errors';
import { XML_NS, XmlEvent, XmlPullParser } from '../../../../../electron/sip/simple/xml/pull-parser';
import { decodeXmlBytes, parseXml } from '../../../../../electron/sip/simple/xml/tree';

function rejects(xml: string, code: XmlErrorCode, limits?: Parameters<typeof parseXml>[1]): XmlParseError {
  try {
    parseXml(xml, limits);
  } catch (e) {
    assert.ok(e instanceof XmlParseError, `expected XmlParseError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`accepted: ${xml.slice(0, 80)}`);
}

describe('elements, attributes, text', () => {
  test('single and double quoted attributes, self-closing and nested elements', () => {
    const r = parseXml(`<a x="1" y='two "quoted"'><b/><c>t</c></a>`);
    assert.equal(r.local, 'a');
    assert.equal(r.attr('x'), '1');
    assert.equal(r.attr('y'), 'two "quoted"');
    assert.deepEqual(r.children.map((c) => c.local), ['b', 'c']);
    assert.equal(r.child('', 'c')?.text, 't');
  });

  test('the five predefined entities and decimal/hex character references (XML 1.0 §4.1, §4.6)', () => {
    const r = parseXml(`<a v="&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;">&lt;b&gt; &amp; &#233;&#xE9;</a>`);
    assert.equal(r.attr('v'), `<>&"'A😀`);
    assert.equal(r.text, '<b> & éé');
  });

  test('CDATA, comments and processing instructions', () => {
    const r = parseXml(`<?xml version="1.0" encoding="UTF-8"?><!-- head --><?pi data?><a><![CDATA[<x> & ]]>y<!-- in --><?p q?>z</a><!-- tail -->`);
    assert.equal(r.text, '<x> & yz');
  });

  test('line ends are normalized in text and attributes, attribute whitespace becomes spaces (§2.11, §3.3.3)', () => {
    const r = parseXml('<a v="1\r\n2\t3\n4&#10;5">x\r\ny\rz</a>');
    assert.equal(r.attr('v'), '1 2 3 4\n5');
    assert.equal(r.text, 'x\ny\nz');
  });

  test('a BOM is skipped; bytes are decoded by BOM, not by the encoding label', () => {
    assert.equal(parseXml('\ufeff<?xml version="1.0"?><a/>').local, 'a');
    const utf8 = new TextEncoder().encode('\ufeff<?xml version="1.0" encoding="utf-16"?><a>é</a>');
    assert.equal(parseXml(utf8).text, 'é');
    const le = new Uint8Array([0xff, 0xfe, ...Buffer.from('<a>é</a>', 'utf16le')]);
    assert.equal(parseXml(le).text, 'é');
    assert.equal(decodeXmlBytes(new Uint8Array([0xfe, 0xff, 0, 0x3c, 0, 0x62, 0, 0x2f, 0, 0x3e])), '<b/>');
  });

  test('the pull parser reports events, depth and attributes without building a tree', () => {
    const p = new XmlPullParser('<r xmlns:p="urn:p"><p:e p:k="v" k="w">hi</p:e></r>');
    const seen: string[] = [];
    for (let ev = p.next(); ev !== XmlEvent.EndDocument; ev = p.next()) {
      if (ev === XmlEvent.StartElement) seen.push(`start ${p.namespaceUri}|${p.localName}@${p.currentDepth} ${p.getAttribute('k', 'urn:p') ?? '-'} ${p.getAttribute('k') ?? '-'}`);
      else if (ev === XmlEvent.EndElement) seen.push(`end ${p.localName}`);
      else seen.push(`text ${p.text}`);
    }
    assert.deepEqual(seen, ['start |r@1 - -', 'start urn:p|e@2 v w', 'text hi', 'end e', 'end r']);
  });
});

describe('namespaces (Namespaces in XML 1.0)', () => {
  test('default and prefixed declarations are scoped to the declaring element', () => {
    const r = parseXml(`<a xmlns="urn:d" xmlns:p="urn:p1"><p:b xmlns:p="urn:p2"><p:c/></p:b><p:d/><e xmlns=""/><f/></a>`);
    assert.equal(r.ns, 'urn:d');
    const [b, d, e, f] = r.children;
    assert.equal(b?.ns, 'urn:p2');
    assert.equal(b?.children[0]?.ns, 'urn:p2');
    assert.equal(d?.ns, 'urn:p1');
    assert.equal(e?.ns, '');
    assert.equal(f?.ns, 'urn:d');
  });

  test('a declaration after a prefixed attribute on the same element still applies (§6.1)', () => {
    const r = parseXml(`<a p:x="1" xmlns:p="urn:p"/>`);
    assert.equal(r.attr('x', 'urn:p'), '1');
    assert.equal(r.attributes.length, 1, 'namespace declarations are not attributes');
  });

  test('unprefixed attributes are in no namespace; xml:lang is in the XML namespace', () => {
    const r = parseXml(`<a xmlns="urn:d" k="v" xml:lang="en"/>`);
    assert.equal(r.attr('k'), 'v');
    assert.equal(r.attr('k', 'urn:d'), undefined);
    assert.equal(r.attr('lang', XML_NS), 'en');
  });

  test('same local name in two namespaces is two elements (the fxp removeNSPrefix pitfall)', () => {
    const r = parseXml(`<p xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"><note>a</note><dm:note>b</dm:note></p>`);
    assert.equal(r.child('urn:ietf:params:xml:ns:pidf', 'note')?.text, 'a');
    assert.equal(r.child('urn:ietf:params:xml:ns:pidf:data-model', 'note')?.text, 'b');
  });

  test('unbound prefixes, reserved prefixes and bad declarations are refused', () => {
    rejects('<p:a/>', 'unbound-prefix');
    rejects('<a p:x="1"/>', 'unbound-prefix');
    rejects('<a xmlns:p=""/>', 'bad-namespace-declaration');
    rejects('<a xmlns:xmlns="urn:x"/>', 'bad-namespace-declaration');
    rejects('<a xmlns:xml="urn:x"/>', 'bad-namespace-declaration');
    rejects('<a xmlns:p="http://www.w3.org/2000/xmlns/"/>', 'bad-namespace-declaration');
    rejects('<xmlns:a xmlns:xmlns="urn:x"/>', 'bad-namespace-declaration');
    rejects('<a xmlns:p="urn:x" xmlns:q="urn:x" p:k="1" q:k="2"/>', 'duplicate-attribute');
    rejects('<a:b:c xmlns:a="urn:a"/>', 'invalid-name');
    rejects('<a :b="1"/>', 'invalid-name');
  });
});

describe('malformed XML → XmlParseError with a reason', () => {
  const cases: [string, XmlErrorCode][] = [
    ['', 'no-root-element'],
    ['  <!-- only a comment -->', 'no-root-element'],
    ['<a>', 'unexpected-eof'],
    ['<a', 'unexpected-eof'],
    ['<a x="1', 'unexpected-eof'],
    ['<a><!-- x', 'unexpected-eof'],
    ['<a><![CDATA[x', 'unexpected-eof'],
    ['<a></b>', 'mismatched-tag'],
    ['</a>', 'mismatched-tag'],
    ['<a/></a>', 'mismatched-tag'],
    ['<a x="1" x="2"/>', 'duplicate-attribute'],
    ['<a x=1/>', 'syntax'],
    ['<a x="1"y="2"/>', 'syntax'],
    ['<a x="<"/>', 'syntax'],
    ['<a>&foo;</a>', 'undefined-entity'],
    ['<a>& b</a>', 'syntax'],
    ['<a>&#0;</a>', 'invalid-char-ref'],
    ['<a>&#xD800;</a>', 'invalid-char-ref'],
    ['<a>&#x110000;</a>', 'invalid-char-ref'],
    ['<a>&#12a;</a>', 'invalid-char-ref'],
    ['<1a/>', 'invalid-name'],
    ['< a/>', 'invalid-name'],
    ['text<a/>', 'content-outside-root'],
    ['<a/>text', 'content-outside-root'],
    ['<a/><b/>', 'content-outside-root'],
    ['<![CDATA[x]]><a/>', 'content-outside-root'],
    ['<a/><!DOCTYPE a>', 'misplaced-doctype'],
    ['<!DOCTYPE a><!DOCTYPE a><a/>', 'misplaced-doctype'],
    [' <?xml version="1.0"?><a/>', 'misplaced-xml-declaration'],
    ['<a><?xml version="1.0"?></a>', 'misplaced-xml-declaration'],
    ['<a><!-- a -- b --></a>', 'invalid-comment'],
    ['<a><!WHAT></a>', 'syntax'],
  ];
  for (const [xml, code] of cases) {
    test(`${JSON.stringify(xml)} → ${code}`, () => {
      const e = rejects(xml, code);
      assert.ok(e.reason.length > 0 && !e.reason.includes('\n'));
      assert.ok(e.offset >= 0 && e.offset <= xml.length);
    });
  }
});

describe('DOCTYPE handling (safety)', () => {
  test('an external DTD (XPIDF) is skipped, never fetched', () => {
    const r = parseXml('<?xml version="1.0"?>\n<!DOCTYPE presence PUBLIC "-//IETF//DTD RFCxxxx XPIDF 1.0//EN" "xpidf.dtd">\n<presence/>');
    assert.equal(r.local, 'presence');
    assert.equal(parseXml('<!DOCTYPE a SYSTEM "http://127.0.0.1:1/never-fetched.dtd"><a/>').local, 'a');
  });

  test('an internal subset without entities is skipped (ATTLIST defaults are not applied)', () => {
    const r = parseXml(`<!DOCTYPE a [ <!ELEMENT a ANY> <!ATTLIST a x CDATA "d>ef"> <!-- c --> <?pi x?> ]><a/>`);
    assert.equal(r.attr('x'), undefined);
  });

  test('entity declarations and parameter entities are refused', () => {
    rejects('<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', 'entity-declaration');
    rejects('<!DOCTYPE a [<!ENTITY % p "x"> %p;]><a/>', 'entity-declaration');
    rejects('<!DOCTYPE a [%p;]><a/>', 'parameter-entity');
    rejects('<!DOCTYPE a [<!ATTLIST a x CDATA %p;>]><a/>', 'parameter-entity');
    rejects('<!DOCTYPE a [<!ELEMENT a ANY>', 'unexpected-eof');
  });
});

describe('limits', () => {
  test('defaults: 64 KiB, depth 32, 64 attributes, 4096 elements', () => {
    const deep = (n: number): string => '<a>'.repeat(n) + '</a>'.repeat(n);
    assert.equal(parseXml(deep(32)).local, 'a');
    rejects(deep(33), 'too-deep');
    const attrs = (n: number): string => `<a ${Array.from({ length: n }, (_, i) => `a${i}="v"`).join(' ')}/>`;
    assert.equal(parseXml(attrs(64)).attributes.length, 64);
    rejects(attrs(65), 'too-many-attributes');
    rejects(`<a>${'<b/>'.repeat(4096)}</a>`, 'too-many-elements');
    rejects(`<a>${'x'.repeat(64 * 1024)}</a>`, 'too-large');
    assert.throws(() => decodeXmlBytes(new Uint8Array(64 * 1024 + 1)), (e) => e instanceof XmlParseError && e.code === 'too-large');
  });

  test('limits are configurable', () => {
    rejects('<a><b/></a>', 'too-deep', { maxDepth: 1 });
    rejects('<a x="1" y="2"/>', 'too-many-attributes', { maxAttributes: 1 });
    rejects('<a><b/></a>', 'too-many-elements', { maxElements: 1 });
    rejects('<a/>', 'too-large', { maxLength: 3 });
    assert.equal(parseXml(`<a>${'x'.repeat(100_000)}</a>`, { maxLength: 200_000 }).text.length, 100_000);
  });
});
