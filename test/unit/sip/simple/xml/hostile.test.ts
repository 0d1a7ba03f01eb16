// Hostile XML is refused with the right typed error, quickly. The per-test timeout is only a hang guard:
// no assertion here is about speed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SimpleBodyError, XmlParseError, type XmlErrorCode } from '../../../../../electron/sip/simple/errors';
import { parsePresenceBody } from '../../../../../electron/sip/simple/presence-body';
import { parseXml } from '../../../../../electron/sip/simple/xml/tree';
import { fixture } from '../support';

const HANG_GUARD = { timeout: 10_000 };
const BIG = { maxLength: 12 * 1024 * 1024 };

function refused(fn: () => unknown, code: XmlErrorCode): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof XmlParseError, `expected XmlParseError, got ${String(e)}`);
    assert.ok(e instanceof SimpleBodyError);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

describe('hostile documents', () => {
  test('billion laughs: entity declarations refused before any expansion', HANG_GUARD, () => {
    refused(() => parsePresenceBody('application/pidf+xml', fixture('billion-laughs.xml')), 'entity-declaration');
  });

  test('external entity (SYSTEM "file:///etc/passwd") refused; nothing is read', HANG_GUARD, () => {
    refused(() => parsePresenceBody('application/pidf+xml', fixture('xxe-file.xml')), 'entity-declaration');
  });

  test('a reference to an undeclared external entity is an error, not a fetch', HANG_GUARD, () => {
    const xml = '<!DOCTYPE presence SYSTEM "file:///etc/passwd"><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:x@y"><note>&passwd;</note></presence>';
    refused(() => parseXml(xml), 'undefined-entity');
  });

  test('parameter entities refused', HANG_GUARD, () => {
    refused(() => parseXml(fixture('parameter-entity.xml')), 'parameter-entity');
    refused(() => parseXml('<!DOCTYPE a [<!ENTITY % ext SYSTEM "http://127.0.0.1:1/x.dtd"> %ext;]><a/>'), 'entity-declaration');
  });

  test('a 10 MB body is refused by size before parsing', HANG_GUARD, () => {
    const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><note>${'A'.repeat(10 * 1024 * 1024)}</note></presence>`;
    refused(() => parsePresenceBody('application/pidf+xml', body), 'too-large');
    refused(() => parsePresenceBody('application/pidf+xml', Buffer.from(body)), 'too-large');
  });

  test('10,000-deep nesting is refused at the depth limit (default and with a 12 MB size limit)', HANG_GUARD, () => {
    const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
    refused(() => parseXml(deep), 'too-large');
    refused(() => parseXml(deep, BIG), 'too-deep');
    refused(() => parseXml('<a>'.repeat(10_000), BIG), 'too-deep');
  });

  test('huge attribute counts are refused', HANG_GUARD, () => {
    const attrs = (n: number): string => `<a ${Array.from({ length: n }, (_, i) => `a${i}="v"`).join(' ')}/>`;
    refused(() => parseXml(attrs(100_000)), 'too-large');
    refused(() => parseXml(attrs(100_000), BIG), 'too-many-attributes');
    // Many namespace declarations count against the same limit.
    refused(() => parseXml(`<a ${Array.from({ length: 1000 }, (_, i) => `xmlns:p${i}="urn:${i}"`).join(' ')}/>`, BIG), 'too-many-attributes');
  });

  test('a wide flat document is refused at the element limit', HANG_GUARD, () => {
    refused(() => parseXml(`<a>${'<b/>'.repeat(500_000)}</a>`, BIG), 'too-many-elements');
  });

  test('maximal legal nesting of namespace scopes stays fine', HANG_GUARD, () => {
    const open = Array.from({ length: 32 }, (_, d) => `<e${d} ${Array.from({ length: 64 }, (_, i) => `xmlns:p${i}="urn:${d}:${i}"`).join(' ')}>`).join('');
    const close = Array.from({ length: 32 }, (_, d) => `</e${31 - d}>`).join('');
    const root = parseXml(open + close, BIG);
    assert.equal(root.local, 'e0');
  });

  test('unterminated constructs at the end of a large input fail fast', HANG_GUARD, () => {
    const pad = ' '.repeat(60_000);
    refused(() => parseXml(`<a>${pad}<!--`), 'unexpected-eof');
    refused(() => parseXml(`<a x="${pad}`), 'unexpected-eof');
    refused(() => parseXml(`<a>${'&'.repeat(60_000)}</a>`), 'syntax');
  });
});
