// The receive fast paths (Request-Line, Via, From/To, CSeq) must accept only values the general parsers accept,
// and give exactly what they give: generated values near the common shapes, fast path vs general parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSimpleViaLine, parseViaParm, type Via } from '../../../../electron/sip/message/headers/via';
import { parseNameAddr, parseSimpleNameAddrLine, type NameAddr } from '../../../../electron/sip/message/headers/name-addr';
import { parseCSeq, parseSimpleCSeq } from '../../../../electron/sip/message/headers/cseq';
import { parseMessage } from '../../../../electron/sip/message/parser';
import { trimLws } from '../../../../electron/sip/message/headers/params';

// Fragments that sit on the edges of the fast-path grammars: case, LWS, quotes, escapes, separators, non-ASCII.
const piece = fc.constantFrom(
  'a', 'Z', '0', '9', '-', '.', '!', '%', '*', '_', '+', '`', "'", '~', ':', ';', '=', ',', '"', '<', '>', '\\', ' ', '\t',
  '@', '[', ']', '/', '?', 'é', '\u00a0', '\ufeff', '\r', '\n', 'tag', 'TAG', 'branch', 'Branch', ';tag=', ';branch=',
  'sip:', 'SIP/2.0/', 'TLS', 'tcp', '"x"', '<sip:a@b>', '5061', '99999',
);
const edgy = fc.array(piece, { maxLength: 8 }).map((a) => a.join(''));
// Mostly plain token text, so that the fast paths are taken often enough to be compared.
const plain = fc.stringMatching(/^[-.!%*_+`'~0-9A-Za-z]{0,8}$/);
const frag = fc.oneof({ arbitrary: plain, weight: 3 }, { arbitrary: edgy, weight: 1 });

/** Outcome of a parse: its result, or the SipParseError reason. */
function outcome<T>(f: () => T, show: (v: T) => unknown): unknown {
  try {
    return show(f());
  } catch (e) {
    return `error: ${(e as { reason?: string }).reason ?? String(e)}`;
  }
}
/** The header value starting at `start` as parseMessage delimits it: up to the first CRLF not followed by WSP. */
function lineValue(line: string, start: number): string {
  let end = line.indexOf('\r\n', start);
  while (line[end + 2] === ' ' || line[end + 2] === '\t') end = line.indexOf('\r\n', end + 2);
  return trimLws(line, start, end);
}
const showVia = (v: Via) => [v.protocol, v.transport, v.host, v.port, v.branch, [...v.params], v.toString()];
const showNa = (n: NameAddr) => [n.displayName, n.uriText, n.angle, n.tag, [...n.params], n.toString()];

test('Via fast path: same Via as parseViaParm whenever it accepts', () => {
  let accepted = 0;
  fc.assert(fc.property(frag, frag, frag, fc.constantFrom('', ':5061', '', ':5061', ': 5060', ':70000'), (a, b, c, port) => {
    const value = `SIP/2.0/TLS h${a}${port};branch=z9hG4bK${b};rport${c}`;
    const line = `Via: ${value}\r\nX: y\r\n`;
    const fast = parseSimpleViaLine(line, 4);
    if (fast === undefined) return;
    accepted++;
    assert.deepEqual(showVia(fast), outcome(() => parseViaParm(lineValue(line, 4)), showVia), value);
  }), { numRuns: 1500 });
  assert.ok(accepted > 100, `fast path taken ${accepted} times`);
});

test('From/To fast path: same NameAddr as parseNameAddr whenever it accepts', () => {
  let accepted = 0;
  fc.assert(fc.property(frag, frag, frag, fc.constantFrom('', '"', 'Bob '), (dn, uri, params, open) => {
    const display = open === '"' ? `"${dn}" ` : open === '' ? dn : `${open}${dn}`;
    const value = `${display}<sip:${uri}@h>;tag=${params}`;
    const line = `From: ${value}\r\nX: y\r\n`;
    const fast = parseSimpleNameAddrLine(line, 5);
    if (fast === undefined) return;
    accepted++;
    assert.deepEqual(showNa(fast), outcome(() => parseNameAddr(lineValue(line, 5), 'From'), showNa), value);
  }), { numRuns: 1500 });
  assert.ok(accepted > 300, `fast path taken ${accepted} times`);
});

test('CSeq fast path: same CSeq as parseCSeq whenever it accepts', () => {
  fc.assert(fc.property(frag, fc.string({ unit: fc.constantFrom('0', '1', '9') , maxLength: 12 }), frag, fc.constantFrom('INVITE', 'MESSAGE', 'x'), (a, digits, b, method) => {
    const value = `${a}${digits} ${method}${b}`;
    const fast = parseSimpleCSeq(value, 0, value.length, method === 'x' ? undefined : method);
    if (fast === undefined) return;
    assert.deepEqual(fast, parseCSeq(trimLws(value)), value);
  }), { numRuns: 1500 });
});

test('Request-Line fast path: same method and URI as the general path', () => {
  fc.assert(fc.property(frag, frag, (user, rest) => {
    const head = (version: string) => `INVITE sip:${user}@h${rest} ${version}\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n`;
    // SIP-Version is case-insensitive (RFC 3261 §7.1) and the fast path takes only "SIP/2.0": the lower-case
    // spelling always goes the general way, and must give the same result.
    const show = (m: ReturnType<typeof parseMessage>) => (m.kind === 'request' ? [m.method, m.uri] : m.status);
    assert.deepEqual(outcome(() => parseMessage(head('SIP/2.0')), show), outcome(() => parseMessage(head('sip/2.0')), show));
  }), { numRuns: 1500 });
});
