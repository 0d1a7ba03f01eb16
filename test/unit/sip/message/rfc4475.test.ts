// RFC 4475 torture messages, byte-exact from test/fixtures/sip/rfc4475 (see SOURCES.md there).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage } from '../../../../electron/sip/message/parser';
import { SipParseError, badRequestResponse } from '../../../../electron/sip/message/errors';
import { parseNameAddr } from '../../../../electron/sip/message/headers/name-addr';
import { uriEquals, parseUri } from '../../../../electron/sip/message/uri';
import type { SipRequest, SipResponse } from '../../../../electron/sip/message/message';

const dir = fileURLToPath(new URL('../../../fixtures/sip/rfc4475/', import.meta.url));
const load = (name: string) => readFileSync(`${dir}${name}.dat`);
const req = (name: string) => parseMessage(load(name)) as SipRequest;
const res = (name: string) => parseMessage(load(name)) as SipResponse;

describe('RFC 4475 §3.1.1 valid messages parse with the right key fields', () => {
  test('wsinv (§3.1.1.1): folding, LWS, compact forms, escaped quotes', () => {
    const m = req('wsinv');
    assert.equal(m.method, 'INVITE');
    assert.equal(m.uri, 'sip:vivekg@chair-dnrc.example.com;unknownparam');
    assert.equal(m.requestUri.params.get('unknownparam'), null);
    assert.equal(m.to.tag, '1918181833n');
    assert.equal(m.to.uri.host, 'chair-dnrc.example.com');
    assert.equal(m.from.tag, '98asjd8');
    assert.equal(m.from.displayName, 'J Rosenberg \\"');
    assert.equal(m.header('max-forwards'), '0068');
    assert.equal(m.callId, 'wsinv.ndaksdj@192.0.2.1');
    assert.deepEqual(m.cseq, { seq: 9, method: 'INVITE' });
    assert.deepEqual(m.via.map((v) => [v.transport, v.host, v.branch]), [
      ['UDP', '192.0.2.2', '390skdjuw'], ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'], ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    assert.equal(m.header('subject'), '');
    assert.equal(m.header('NewFangledHeader'), 'newfangled value continued newfangled value');
    assert.deepEqual(m.headers('UnknownHeaderWithUnusualValue'), [';;,,;;,;']);
    const [contact] = m.contacts;
    assert.equal(contact?.displayName, 'Quoted string ""');
    assert.equal(contact?.params.get('newparam'), 'newvalue');
    assert.equal(contact?.params.get('secondparam'), null);
    assert.equal(contact?.params.get('q'), '0.33');
    assert.equal(m.bodyBytes.length, 150);
    assert.ok(m.body.startsWith('v=0\r\n'));
  });

  test('intmeth (§3.1.1.2): unusual token characters everywhere', () => {
    const m = req('intmeth');
    assert.equal(m.method, "!interesting-Method0123456789_*+`.%indeed'~");
    assert.equal(m.requestUri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(m.requestUri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assert.equal(m.to.displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
    assert.equal(m.from.tag, "_token~1'+`*%!-.");
    assert.equal(m.from.params.get("fromparam''~+*_!.-%"), '"работающий"');
    assert.equal(m.callId, 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    assert.equal(m.topVia.branch, "z9hG4bK-.!%66*_+`'~");
    assert.equal(m.header("extensionHeader-!.%*+_`'~"), '\ufeff大停電');
  });

  test('esc01 (§3.1.1.3): %HH escapes compare equal to their characters', () => {
    const m = req('esc01');
    assert.equal(m.requestUri.user, 'sips%3Auser%40example.com');
    assert.ok(uriEquals(m.to.uri, parseUri('sip:user@example.com')));
    const c = m.contacts[0]?.uri;
    assert.equal(c?.params.get('n%61me'), 'v%61lue%25%34%31');
    assert.equal(m.header('c'), 'application/sdp');
  });

  test('escnull (§3.1.1.4), esc02 (§3.1.1.5): % is not an escape outside URIs', () => {
    const n = req('escnull');
    assert.deepEqual(n.contacts.map((c) => c.uri.user), ['%00', '%00%00']);
    assert.equal(n.header('l'), '0');
    const e = req('esc02');
    assert.equal(e.method, 'RE%47IST%45R');
    assert.equal(e.to.displayName, '%Z%45');
    assert.equal(e.contacts.length, 2);
    assert.equal(e.header('C%6Fntact'), '<sip:alias2@host2.example.com>');
  });

  test('lwsdisp (§3.1.1.6), longreq (§3.1.1.7), semiuri (§3.1.1.9), transports (§3.1.1.10)', () => {
    assert.equal(req('lwsdisp').from.displayName, 'caller');
    const l = req('longreq');
    assert.equal(l.via.length, 34);
    assert.equal(l.via[0]?.host, 'sip33.example.com');
    assert.equal(l.via[33]?.received, '192.0.2.5');
    assert.equal(l.to.uri.port, 6000);
    assert.equal(l.from.tag?.length, 155);
    assert.equal(req('semiuri').requestUri.user, 'user;par=u%40example.net');
    assert.equal(req('semiuri').headers('accept').length, 6);
    assert.deepEqual(req('transports').via.map((v) => v.transport), ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  });

  test('dblreq (§3.1.1.8): octets after Content-Length are discarded', () => {
    const m = req('dblreq');
    assert.equal(m.method, 'REGISTER');
    assert.equal(m.body, '');
    assert.equal(m.callId, 'dblreq.0ha0isndaksdj99sdfafnl3lk233412');
  });

  test('mpart01 (§3.1.1.11): binary body framed by Content-Length', () => {
    const m = req('mpart01');
    assert.equal(m.bodyBytes.length, 553);
    assert.ok(m.bodyBytes.includes(0));
    assert.equal(m.topVia.rport, null);
    assert.equal(m.topVia.port, 5070);
  });

  test('unreason (§3.1.1.12) and noreason (§3.1.1.13)', () => {
    const u = res('unreason');
    assert.equal(u.status, 200);
    assert.equal(u.reason, '= 2**3 * 5**2 но сто девяносто девять - простое');
    const n = res('noreason');
    assert.equal(n.status, 100);
    assert.equal(n.reason, '');
    assert.equal(n.to.tag, '902jndnke3');
  });
});

/** Invalid messages: each throws SipParseError with the reason fragment given. */
const rejected: Array<[string, RegExp, number?]> = [
  ['badinv01', /empty parameter in Via/], // §3.1.2.1
  ['clerr', /Content-Length 9999 exceeds/], // §3.1.2.2 (datagram)
  ['ncl', /invalid Content-Length/], // §3.1.2.3
  ['scalar02', /CSeq: sequence number out of range/], // §3.1.2.4
  ['scalarlg', /CSeq: sequence number out of range/], // §3.1.2.5
  ['quotbal', /unterminated quoted string in To/], // §3.1.2.6
  ['ltgtruri', /Request-URI/], // §3.1.2.7
  ['lwsruri', /Request-Line has extra whitespace/], // §3.1.2.8
  ['lwsstart', /Request-Line has extra whitespace/], // §3.1.2.9
  ['trws', /Request-Line has extra whitespace/], // §3.1.2.10
  ['escruri', /Request-URI must not contain headers/], // §3.1.2.11
  ['badaspec', /whitespace or nothing inside <>/], // §3.1.2.14
  ['baddn', /unquoted display name/], // §3.1.2.15
  ['badvers', /unsupported SIP version/, 505], // §3.1.2.16
  ['mcl01', /conflicting Content-Length/], // §3.1.2.17
  ['bigcode', /Status-Code/], // §3.1.2.18
  ['insuf', /missing Call-ID header/], // §3.1.2.19 (first missing one reported)
  ['mismatch01', /CSeq method INVITE does not match/], // §3.2.1
  ['mismatch02', /CSeq method INVITE does not match/], // §3.2.2
  ['multi01', /more than one CSeq header/], // §3.3.?
];

describe('RFC 4475 invalid messages are rejected with a clear reason', () => {
  for (const [name, reason, status] of rejected) {
    test(name, () => {
      assert.throws(() => parseMessage(load(name)), (err: unknown) => {
        assert.ok(err instanceof SipParseError, `${name}: ${String(err)}`);
        assert.match(err.reason, reason);
        const r = badRequestResponse(err);
        assert.equal(r.status, status ?? 400);
        assert.ok(r.reason.includes(err.reason.slice(0, 20)));
        return true;
      });
    });
  }
});

describe('RFC 4475 messages a lenient parser accepts: documented behaviour', () => {
  test('baddate (§3.1.2.12): Date is not parsed, so the message is accepted', () => {
    assert.equal(req('baddate').header('date'), 'Fri, 01 Jan 2010 16:00:00 EST');
  });
  test('regbadct (§3.1.2.13): accepted; the Contact fails when it is parsed', () => {
    const m = req('regbadct');
    assert.throws(() => m.contacts, (e: unknown) => e instanceof SipParseError && /must be enclosed in <>/.test(e.reason));
  });
  test('badbranch (§3.3.?): a bare z9hG4bK branch parses; the transaction layer decides', () => {
    assert.equal(req('badbranch').topVia.branch, 'z9hG4bK');
  });
  test('inv2543 (§3.4.1): RFC 2543 request without Max-Forwards, branch or Content-Length is accepted', () => {
    const m = req('inv2543');
    assert.equal(m.hasHeader('max-forwards'), false);
    assert.equal(m.topVia.branch, undefined);
    assert.ok(m.body.endsWith('m=audio 49217 RTP/AVP 0\r\n'));
  });
  test('unknown schemes (novelsc, unkscm, unksm2): accepted; URIs throw 416 when parsed', () => {
    assert.throws(() => req('novelsc').requestUri, (e: unknown) => e instanceof SipParseError && e.status === 416);
    assert.throws(() => req('unkscm').requestUri, (e: unknown) => e instanceof SipParseError && e.status === 416);
    const u = req('unksm2');
    assert.equal(u.from.tag, '3234233');
    assert.throws(() => u.to.uri, (e: unknown) => e instanceof SipParseError && e.status === 416);
  });
  test('application-level messages parse (bcast, bext01, cparam01/02, invut, regaut01, regescrt, sdp01, zeromf)', () => {
    assert.equal(res('bcast').via.length, 2);
    assert.deepEqual(req('bext01').headers('require'), ['nothingSupportsThis', 'nothingSupportsThisEither']);
    assert.equal(req('cparam01').contacts[0]?.params.get('unknownparam'), null);
    assert.equal(req('cparam02').contacts[0]?.uri.params.get('unknownparam'), null);
    assert.equal(req('invut').body, '<audio>\r\n <pcmu port="443"/>\r\n</audio>\r\n');
    assert.equal(req('regaut01').header('authorization'), 'NoOneKnowsThisScheme opaque-data=here');
    assert.equal(req('regescrt').contacts[0]?.uri.headers.get('Route'), '%3Csip:sip.example.com%3E');
    assert.equal(req('sdp01').header('accept'), 'text/nobodyKnowsThis');
    assert.equal(req('zeromf').header('max-forwards'), '0');
  });
});

test('every fixture either parses or throws SipParseError, and valid ones serialize byte-exact', () => {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.dat'))) {
    const bytes = readFileSync(dir + f);
    let m;
    try {
      m = parseMessage(bytes);
    } catch (err) {
      assert.ok(err instanceof SipParseError, `${f}: ${String(err)}`);
      continue;
    }
    // Untouched messages re-serialize to their header block + the Content-Length-delimited body.
    const out = m.toBuffer();
    assert.ok(bytes.subarray(0, out.length).equals(out), `${f} round-trip`);
    assert.ok(parseNameAddr(m.header('from') as string).tag !== '');
  }
});
