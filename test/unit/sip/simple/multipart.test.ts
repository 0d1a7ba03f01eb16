// multipart/related splitting (RFC 2046 §5.1, RFC 2387) on RFC 4662 §7 bodies, and the refusals of bad input.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMediaType } from '../../../../electron/sip/simple/media-type';
import { MultipartError, parseMultipartRelated } from '../../../../electron/sip/simple/multipart';
import { BOUNDARY, CONTENT_TYPE, NOTIFY_FULL, RLMI_FULL } from './rlmi-fixtures';

function refused(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof MultipartError && e.code === code);
}

describe('multipart/related', () => {
  test('media type parameters, quoted and not', () => {
    const m = parseMediaType('Multipart/Related; Type="application/rlmi+xml"; boundary=abc;start="<x@y>"');
    assert.equal(m.type, 'multipart/related');
    assert.equal(m.params.get('type'), 'application/rlmi+xml');
    assert.equal(m.params.get('boundary'), 'abc');
    assert.equal(m.params.get('start'), '<x@y>');
  });

  test('RFC 4662 §7.2 body: root by start, parts by Content-ID, bodies without the delimiter CRLF', () => {
    const m = parseMultipartRelated(CONTENT_TYPE, NOTIFY_FULL);
    assert.equal(m.type, 'application/rlmi+xml');
    assert.equal(m.parts.length, 3);
    assert.equal(m.root.contentId, 'nXYxAE@pres.vancouver.example.com');
    assert.equal(m.root.body, RLMI_FULL);
    const bob = m.byContentId('bUZBsM@pres.vancouver.example.com');
    assert.ok(bob);
    assert.match(bob.contentType ?? '', /^application\/pidf\+xml/);
    assert.ok(bob.body.endsWith('</presence>'));
    assert.equal(m.byContentId('cid:bUZBsM@pres.vancouver.example.com'), bob);
    assert.equal(m.byContentId('<ZvSvkz@pres.vancouver.example.com>')?.headers.get('content-transfer-encoding'), 'binary');
  });

  test('preamble, LF line ends, no start parameter: the first part is the root', () => {
    const body = `preamble text\n--b1\nContent-Type: text/plain\nContent-ID: <a>\n\nhello\n--b1\n\nno headers\n--b1--\nepilogue`;
    const m = parseMultipartRelated('multipart/related; boundary=b1', body);
    assert.equal(m.parts.length, 2);
    assert.equal(m.root.body, 'hello');
    assert.equal(m.parts[1]?.body, 'no headers');
    assert.equal(m.parts[1]?.contentType, undefined);
  });

  test('a boundary string inside a line is not a delimiter', () => {
    const body = '--b1\r\nContent-ID: <a>\r\n\r\nx --b1 y\r\n--b1--';
    assert.equal(parseMultipartRelated('multipart/related;boundary=b1', body).root.body, 'x --b1 y');
  });

  test('clear errors for what cannot be used', () => {
    refused(() => parseMultipartRelated('application/pidf+xml', 'x'), 'not-multipart');
    refused(() => parseMultipartRelated(undefined, 'x'), 'not-multipart');
    refused(() => parseMultipartRelated('multipart/related', 'x'), 'no-boundary');
    refused(() => parseMultipartRelated(`multipart/related;boundary="${'x'.repeat(71)}"`, 'x'), 'bad-boundary');
    refused(() => parseMultipartRelated('multipart/related;boundary=b1', 'nothing here'), 'no-parts');
    refused(() => parseMultipartRelated('multipart/related;boundary=b1', '--b1\r\n\r\ntruncated'), 'no-close-delimiter');
    refused(() => parseMultipartRelated('multipart/related;boundary=b1;start="<zz>"', '--b1\r\nContent-ID: <a>\r\n\r\nx\r\n--b1--'), 'no-root');
    refused(() => parseMultipartRelated('multipart/related;boundary=b1', '--b1\r\nbad header line\r\n\r\nx\r\n--b1--'), 'bad-part-headers');
  });

  test('bounded: whole body, part count, part size', () => {
    refused(() => parseMultipartRelated(CONTENT_TYPE, NOTIFY_FULL, { maxLength: 100 }), 'too-large');
    refused(() => parseMultipartRelated(CONTENT_TYPE, NOTIFY_FULL, { maxParts: 2 }), 'too-many-parts');
    refused(() => parseMultipartRelated(CONTENT_TYPE, NOTIFY_FULL, { maxPartLength: 100 }), 'part-too-large');
    const many = `${Array.from({ length: 50 }, () => `--${BOUNDARY}\r\n\r\nx`).join('\r\n')}\r\n--${BOUNDARY}--`;
    assert.equal(parseMultipartRelated(CONTENT_TYPE.replace(/;start="[^"]*"/, ''), many).parts.length, 50);
  });
});
