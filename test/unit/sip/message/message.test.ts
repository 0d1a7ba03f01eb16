import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../../../electron/sip/message/parser';
import { createRequest, createResponse } from '../../../../electron/sip/message/builders';
import { SipParseError, badRequestReason } from '../../../../electron/sip/message/errors';
import { parseUri, uriEquals } from '../../../../electron/sip/message/uri';
import { parseAuthHeader } from '../../../../electron/sip/message/headers/auth';
import type { SipRequest } from '../../../../electron/sip/message/message';

const crlf = (lines: string[]) => lines.join('\r\n');
const LCS_NOTIFY = crlf([
  'NOTIFY sip:alice@10.0.0.5:2345;transport=tls SIP/2.0',
  'v: SIP/2.0/TLS lcs.contoso.com:5061;branch=z9hG4bK8A1;ms-received-port=5061;ms-received-cid=2100;branched=FALSE;received=10.0.0.9;ms-internal-info="ab,c;d"',
  'VIA: SIP/2.0/TLS edge.fabrikam.com:5061;branch=z9hG4bKF2, SIP/2.0/TLS 10.1.1.1:5061;branch=z9hG4bK33;rport=5061',
  'f: "Bob (Fabrikam)" <sip:bob@fabrikam.com>;tag=7a1;epid=1a2b3c4d5e',
  't: <sip:alice@contoso.com>;tag=99f;epid=ffff0000',
  'i: 4bf9a@contoso.com',
  'CSeq: 7 NOTIFY',
  'o: presence',
  'Subscription-State: active;expires=23903',
  'Max-Forwards: 69',
  'X-Folded: one,',
  '  two',
  'c: text/plain',
  'l: 5',
  '',
  'hello',
]);

describe('parseMessage and the header API', () => {
  test('compact forms, case-insensitive names, LCS Via params kept opaque, epid', () => {
    const m = parseMessage(Buffer.from(LCS_NOTIFY)) as SipRequest;
    assert.equal(m.kind, 'request');
    assert.equal(m.method, 'NOTIFY');
    assert.equal(m.callId, '4bf9a@contoso.com');
    assert.equal(m.header('Call-ID'), m.header('i'));
    assert.equal(m.header('EVENT'), 'presence');
    assert.equal(m.hasHeader('allow-events'), false);
    assert.equal(m.via.length, 3);
    const top = m.topVia;
    assert.equal(top.branch, 'z9hG4bK8A1');
    assert.equal(top.received, '10.0.0.9');
    assert.equal(top.params.get('ms-received-port'), '5061');
    assert.equal(top.params.get('ms-received-cid'), '2100');
    assert.equal(top.params.get('branched'), 'FALSE');
    assert.equal(top.params.get('ms-internal-info'), '"ab,c;d"');
    assert.equal(m.via[2]?.rport, 5061);
    assert.deepEqual(m.headers('via').length, 3);
    assert.equal(m.from.params.get('epid'), '1a2b3c4d5e');
    assert.equal(m.from.displayName, 'Bob (Fabrikam)');
    assert.equal(m.to.tag, '99f');
    assert.equal(m.header('x-folded'), 'one, two');
    assert.deepEqual(m.headers('x-folded'), ['one, two'], 'unknown headers are not split on commas');
    assert.equal(m.body, 'hello');
  });

  test('serialize keeps untouched headers byte-exact; edits are local', () => {
    const m = parseMessage(LCS_NOTIFY);
    assert.equal(m.serialize(), LCS_NOTIFY);
    m.addHeader('Via', 'SIP/2.0/TLS me.example.com:5061;branch=z9hG4bKnew', { first: true });
    m.setHeader('Max-Forwards', '68');
    m.removeHeader('o');
    assert.equal(m.topVia.branch, 'z9hG4bKnew');
    assert.equal(m.via.length, 4);
    const out = m.serialize();
    assert.ok(out.startsWith('NOTIFY sip:alice@10.0.0.5:2345;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS me.example.com:5061;branch=z9hG4bKnew\r\nv: SIP/2.0/TLS lcs.contoso.com'));
    assert.ok(out.includes('\r\nMax-Forwards: 68\r\n'));
    assert.ok(!out.includes('o: presence'));
    assert.ok(out.includes('X-Folded: one,\r\n  two\r\n'));
    const again = parseMessage(out);
    assert.equal(again.header('max-forwards'), '68');
    m.setBody('héllo wörld', 'text/plain;charset=UTF-8');
    assert.equal(m.header('content-length'), String(Buffer.byteLength('héllo wörld')));
    const reparsed = parseMessage(m.toBuffer());
    assert.equal(reparsed.body, 'héllo wörld');
  });

  test('body is sliced by bytes; string input with non-ASCII body; missing Content-Length in a datagram', () => {
    const text = 'ÄÖ ok';
    const wire = crlf(['MESSAGE sip:a@b SIP/2.0', 'Via: SIP/2.0/TCP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: c', 'CSeq: 1 MESSAGE', `Content-Length: ${Buffer.byteLength(text)}`, '', text + 'EXTRA']);
    assert.equal(parseMessage(wire).body, text);
    assert.equal(parseMessage(Buffer.from(wire)).body, text);
    const noCl = crlf(['MESSAGE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: c', 'CSeq: 1 MESSAGE', '', 'rest of datagram']);
    assert.equal(parseMessage(noCl).body, 'rest of datagram');
  });

  test('missing mandatory headers give a 400 reason (RFC 3261 §8.1.1)', () => {
    const wire = crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/TCP h;branch=z9hG4bK1', 'To: <sip:a@b>', 'Call-ID: c', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '']);
    assert.throws(() => parseMessage(wire), (e: unknown) => e instanceof SipParseError && e.reason === 'missing From header');
    try {
      parseMessage(wire);
    } catch (e) {
      assert.equal(badRequestReason(e), 'Bad Request (missing From header)');
    }
    assert.throws(() => parseMessage('garbage'), SipParseError);
    assert.throws(() => parseMessage('INVITE sip:a@b SIP/2.0\r\nFoo\r\n\r\n'), /without a colon/);
  });
});

describe('receive path details', () => {
  test('key headers are recognized in any case and in compact form; other names are looked up lazily', () => {
    const wire = crlf(['OPTIONS sip:a@b SIP/2.0', 'V: SIP/2.0/TCP h;branch=z9hG4bK1', 'fROM: <sip:x@y>;tag=1', 'T: <sip:a@b>', 'cAlL-iD: c1', 'CSEQ: 2 OPTIONS', 'Max-FORWARDS: 70', 'content-LENGTH: 0', '', '']);
    const m = parseMessage(wire);
    assert.equal(m.topVia.branch, 'z9hG4bK1');
    assert.equal(m.from.tag, '1');
    assert.equal(m.callId, 'c1');
    assert.deepEqual(m.cseq, { seq: 2, method: 'OPTIONS' });
    assert.equal(m.header('max-forwards'), '70');
    assert.equal(m.header('l'), '0');
    assert.equal(m.serialize(), wire);
    assert.throws(() => parseMessage(wire.replace('cAlL-iD: c1', 'cAlL-iD: c1\r\nCALL-ID: c2')), /more than one Call-ID header/);
  });

  test('a tag inside a quoted parameter value is not the tag (RFC 3261 §25.1 gen-value)', () => {
    const m = parseMessage(crlf(['MESSAGE sip:a@b SIP/2.0', 'Via: SIP/2.0/TCP h;x="a;branch=no";branch=z9hG4bKyes', 'From: <sip:x@y>;p="q;tag=no";tag=yes', 'To: <sip:a@b>;p="q;tag=no"', 'Call-ID: c', 'CSeq: 1 MESSAGE', '', '']));
    assert.equal(m.from.tag, 'yes');
    assert.equal(m.to.tag, undefined);
    assert.equal(m.topVia.branch, 'z9hG4bKyes');
  });

  test('string input: leading CRLF (RFC 3261 §7.5) and a non-ASCII body cut at Content-Length bytes', () => {
    const head = ['MESSAGE sip:a@b SIP/2.0', 'Via: SIP/2.0/TCP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: c', 'CSeq: 1 MESSAGE'];
    assert.equal(parseMessage('\r\n' + crlf([...head, 'Content-Length: 5', '', 'hello'])).body, 'hello');
    const m = parseMessage(crlf([...head, 'Content-Length: 6', '', 'héllo' + 'XY']));
    assert.equal(m.body, 'héllo');
    assert.equal(m.bodyBytes.length, 6);
    assert.throws(() => parseMessage(crlf([...head, 'Content-Length: 8', '', 'héllo'])), /Content-Length 8 exceeds the 6 bytes received/);
  });
});

describe('builders (RFC 3261 §8.2.6.2)', () => {
  test('createRequest then createResponse copies Via, From, To(+tag), Call-ID, CSeq', () => {
    const r = createRequest({
      method: 'MESSAGE', uri: 'sip:bob@fabrikam.com',
      headers: [['Via', 'SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bKabc'], ['Via', 'SIP/2.0/TLS p.example.com;branch=z9hG4bKp'], ['Max-Forwards', '70'], ['From', '<sip:alice@contoso.com>;tag=a1;epid=00ff'], ['To', '<sip:bob@fabrikam.com>'], ['Call-ID', 'cid-1'], ['CSeq', '1 MESSAGE']],
      body: 'hi', contentType: 'text/plain;charset=UTF-8',
    });
    const wire = r.serialize();
    assert.ok(wire.startsWith('MESSAGE sip:bob@fabrikam.com SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.5:5061;branch=z9hG4bKabc\r\n'));
    assert.ok(wire.endsWith('Content-Length: 2\r\nContent-Type: text/plain;charset=UTF-8\r\n\r\nhi'));
    const parsed = parseMessage(wire) as SipRequest;
    assert.equal(parsed.from.params.get('epid'), '00ff');
    const resp = createResponse(parsed, 200, undefined, { toTag: 'b9' });
    assert.equal(resp.status, 200);
    assert.equal(resp.reason, 'OK');
    assert.deepEqual(resp.via.map((v) => v.branch), ['z9hG4bKabc', 'z9hG4bKp']);
    assert.equal(resp.to.tag, 'b9');
    assert.equal(resp.from.tag, 'a1');
    assert.equal(resp.callId, 'cid-1');
    assert.deepEqual(resp.cseq, { seq: 1, method: 'MESSAGE' });
    assert.equal(resp.header('content-length'), '0');
    const round = parseMessage(resp.serialize());
    assert.equal(round.to.tag, 'b9');
  });
});

describe('URIs (RFC 3261 §19.1)', () => {
  test('parse sip/sips/tel with params, headers, IPv6 and escapes', () => {
    const u = parseUri('sips:alice:pw@[2001:db8::1]:5061;transport=tls;lr?Subject=hi&Priority=urgent');
    assert.equal(u.scheme, 'sips');
    assert.equal(u.user, 'alice');
    assert.equal(u.password, 'pw');
    assert.equal(u.host, '[2001:db8::1]');
    assert.equal(u.port, 5061);
    assert.equal(u.params.get('transport'), 'tls');
    assert.equal(u.params.get('lr'), null);
    assert.equal(u.headers.get('Priority'), 'urgent');
    assert.equal(parseUri(u.toString()).toString(), u.toString());
    const t = parseUri('tel:+1-201-555-0123;phone-context=example.com');
    assert.equal(t.user, '+1-201-555-0123');
    assert.throws(() => parseUri('http://x'), (e: unknown) => e instanceof SipParseError && e.status === 416);
    assert.throws(() => parseUri('sip:a@b;;x'), SipParseError);
  });

  test('uriEquals follows §19.1.4 (LCS varies case)', () => {
    const eq = (a: string, b: string) => uriEquals(parseUri(a), parseUri(b));
    assert.ok(eq('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'));
    assert.ok(eq('SIP:carol@chicago.com', 'sip:carol@CHICAGO.com'));
    assert.ok(eq('sip:carol@chicago.com', 'sip:carol@chicago.com;security=on'));
    assert.ok(eq('sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com'));
    assert.ok(!eq('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'));
    assert.ok(!eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'));
    assert.ok(!eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'));
    assert.ok(!eq('sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'));
    assert.ok(!eq('sip:bob@biloxi.com', 'sips:bob@biloxi.com'));
  });

  test('auth header params', () => {
    const a = parseAuthHeader('Digest realm="atlanta.com", nonce="84a4cc6f", qop="auth,auth-int", algorithm=MD5, opaque=""');
    assert.equal(a.scheme, 'Digest');
    assert.equal(a.params.get('realm'), 'atlanta.com');
    assert.equal(a.params.get('qop'), 'auth,auth-int');
    assert.equal(a.params.get('algorithm'), 'MD5');
    assert.equal(a.params.get('opaque'), '');
    const n = parseAuthHeader('NTLM realm="SIP Communications Service", targetname="lcs.contoso.com", version=3');
    assert.equal(n.params.get('targetname'), 'lcs.contoso.com');
  });
});
