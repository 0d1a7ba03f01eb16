// Property-based tests (fast-check): generated messages round-trip, and arbitrary or truncated input never
// escapes as anything but SipParseError / an 'error' event, with the framer's memory bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage } from '../../../../electron/sip/message/parser';
import { StreamFramer } from '../../../../electron/sip/message/framing';
import { SipParseError } from '../../../../electron/sip/message/errors';

const token = fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~]{1,12}$/);
const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}$/);
const ws = fc.constantFrom('', ' ', '  ', '\t', '\r\n ');
const bodyArb = fc.string({ maxLength: 200, unit: 'grapheme' });

const messageArb = fc.record({
  method: fc.constantFrom('INVITE', 'MESSAGE', 'NOTIFY', 'SUBSCRIBE', 'OPTIONS', 'BYE', 'X-CUSTOM'),
  user: token, host, branch: token, fromTag: token, toTag: fc.option(token, { nil: undefined }), callId: token,
  seq: fc.integer({ min: 0, max: 0xffffffff }), vias: fc.array(fc.tuple(host, token), { minLength: 0, maxLength: 4 }),
  compact: fc.boolean(), sp1: ws, sp2: ws, display: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
  extra: fc.array(fc.tuple(fc.stringMatching(/^X-[A-Za-z]{1,8}$/), fc.stringMatching(/^[ -~]{0,30}$/)), { maxLength: 4 }),
  body: bodyArb,
});

test('generated messages round-trip: parse → serialize → parse gives the same fields and the same bytes', () => {
  fc.assert(fc.property(messageArb, (g) => {
    const q = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    const bodyBytes = Buffer.from(g.body, 'utf8');
    const lines = [
      `${g.method} sip:${g.user}@${g.host} SIP/2.0`,
      `${g.compact ? 'v' : 'Via'}:${g.sp1}SIP/2.0/TLS ${g.host}:5061;branch=z9hG4bK${g.branch}`,
      ...g.vias.map(([h, b]) => `Via: SIP/2.0/TCP ${h};branch=z9hG4bK${b};received=10.0.0.1`),
      `${g.compact ? 'f' : 'From'}:${g.sp2}${g.display === undefined ? '' : q(g.display) + ' '}<sip:${g.user}@${g.host}>;tag=${g.fromTag};epid=abc`,
      `${g.compact ? 't' : 'To'}: <sip:x@${g.host}>${g.toTag === undefined ? '' : `;tag=${g.toTag}`}`,
      `${g.compact ? 'i' : 'Call-ID'}: ${g.callId}`,
      `CSeq: ${g.seq} ${g.method}`,
      'Max-Forwards: 70',
      ...g.extra.map(([n, v]) => `${n}: ${v}`),
      `${g.compact ? 'l' : 'Content-Length'}: ${bodyBytes.length}`,
      '', '',
    ];
    const wire = Buffer.concat([Buffer.from(lines.join('\r\n')), bodyBytes]);
    const m = parseMessage(wire);
    assert.equal(m.callId, g.callId);
    assert.equal(m.cseq.seq, g.seq);
    assert.equal(m.topVia.branch, `z9hG4bK${g.branch}`);
    assert.equal(m.via.length, 1 + g.vias.length);
    assert.equal(m.from.tag, g.fromTag);
    assert.equal(m.from.displayName, g.display);
    assert.equal(m.to.tag, g.toTag);
    assert.ok(m.bodyBytes.equals(bodyBytes));
    const out = m.toBuffer();
    assert.ok(out.equals(wire), 'untouched message serializes byte-exact');
    const again = parseMessage(out);
    assert.equal(again.callId, m.callId);
    assert.equal(again.body, m.body);
  }), { numRuns: 300 });
});

const corpusDir = fileURLToPath(new URL('../../../fixtures/sip/rfc4475/', import.meta.url));
const corpus = readdirSync(corpusDir).filter((f) => f.endsWith('.dat')).map((f) => readFileSync(corpusDir + f));

test('random, mutated and truncated bytes: parseMessage only ever throws SipParseError', () => {
  const mutated = fc.tuple(fc.constantFrom(...corpus), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat())
    .map(([base, edits, cut]) => {
      const b = Buffer.from(base);
      for (const [at, v] of edits) b[at % b.length] = v;
      return b.subarray(0, b.length - (cut % Math.max(1, b.length)));
    });
  fc.assert(fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a))), (input) => {
    for (const form of [input, input.toString('latin1')]) {
      try {
        const m = parseMessage(form);
        // Lazy fields may fail later, but only with SipParseError.
        for (const read of [() => m.via, () => m.contacts, () => m.body, () => m.serialize(), () => (m.kind === 'request' ? m.requestUri : m.status)]) {
          try { read(); } catch (e) { if (!(e instanceof SipParseError)) throw e; }
        }
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
      }
    }
  }), { numRuns: 1500 });
});

test('StreamFramer: random chunking and random bytes never throw, and buffering stays under max + one chunk', () => {
  const max = 4096;
  fc.assert(fc.property(
    fc.array(fc.oneof(fc.constantFrom(...corpus), fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)), fc.constant(Buffer.from('\r\n\r\n'))), { maxLength: 6 }),
    fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
    (parts, sizes) => {
      const stream = Buffer.concat(parts);
      const framer = new StreamFramer({ maxMessageBytes: max });
      let off = 0;
      let k = 0;
      let failed = false;
      while (off < stream.length) {
        const size = sizes[k++ % sizes.length] as number;
        const events = framer.push(stream.subarray(off, off + size));
        off += size;
        assert.ok(framer.bufferedBytes <= max + size, `buffered ${framer.bufferedBytes}`);
        for (const e of events) {
          if (e.type === 'error') { assert.ok(e.error instanceof SipParseError); failed = true; }
          if (e.type === 'message') assert.ok(e.bytes.length <= max);
        }
        if (failed) break;
      }
    },
  ), { numRuns: 400 });
});
