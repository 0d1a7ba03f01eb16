// Property: random, truncated and garbled input never throws anything but SimpleBodyError (XmlParseError /
// PresenceDocumentError) and always terminates. The timeout is only a hang guard.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SimpleBodyError } from '../../../../../electron/sip/simple/errors';
import { parseIsComposing } from '../../../../../electron/sip/simple/iscomposing';
import { parsePresenceBody } from '../../../../../electron/sip/simple/presence-body';
import { parseXml } from '../../../../../electron/sip/simple/xml/tree';
import { fixture } from '../support';

const SEEDS = [
  'baresip-publish-busy.xml', 'bcp-rpid-status.xml', 'cipid-person.xml', 'multi-tuple.xml', 'unknown-extensions.xml',
  'xpidf-lcs-brb.xml', 'msrtc-dnd.xml', 'msrtc-benotify.xml', 'iscomposing-active.xml', 'rpid-in-tuple.xml',
].map(fixture);
const TYPES = [undefined, 'application/pidf+xml', 'application/xpidf+xml', 'text/xml+msrtc.pidf', 'application/xml'];

function onlyTypedErrors(body: string | Uint8Array, type: string | undefined): void {
  try {
    parsePresenceBody(type, body);
  } catch (e) {
    if (!(e instanceof SimpleBodyError)) throw e;
    assert.ok(e.reason.length > 0);
  }
  try {
    parseIsComposing(body);
  } catch (e) {
    if (!(e instanceof SimpleBodyError)) throw e;
  }
}

const XMLISH = fc.constantFrom('<', '>', '/', '!', '?', '-', '[', ']', '&', ';', '#', 'x', ':', '=', '"', "'", ' ', '\n', 'a', 'CDATA', 'DOCTYPE', 'ENTITY', 'xmlns', '%', '\u0000', '\ud800', 'é');

describe('fuzz: never anything but the typed error', () => {
  test('arbitrary strings', { timeout: 60_000 }, () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom(...TYPES), (s, t) => onlyTypedErrors(s, t)), { numRuns: 2000 });
  });

  test('strings built from XML punctuation', { timeout: 60_000 }, () => {
    fc.assert(fc.property(fc.array(XMLISH, { maxLength: 200 }).map((a) => a.join('')), (s) => {
      try {
        parseXml(s);
      } catch (e) {
        if (!(e instanceof SimpleBodyError)) throw e;
      }
    }), { numRuns: 3000 });
  });

  test('every truncation of every fixture', { timeout: 60_000 }, () => {
    for (const seed of SEEDS) for (let i = 0; i <= seed.length; i++) onlyTypedErrors(seed.slice(0, i), undefined);
  });

  test('garbled fixtures: byte flips, deletions and insertions', { timeout: 60_000 }, () => {
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'delete', 'insert'), ch: fc.integer({ min: 0, max: 0xffff }) });
    fc.assert(fc.property(fc.constantFrom(...SEEDS), fc.array(edit, { minLength: 1, maxLength: 8 }), fc.constantFrom(...TYPES), (seed, edits, t) => {
      let s = seed;
      for (const e of edits) {
        const at = e.at % (s.length + 1);
        const ch = String.fromCharCode(e.ch);
        s = e.kind === 'delete' ? s.slice(0, at) + s.slice(at + 1) : e.kind === 'insert' ? s.slice(0, at) + ch + s.slice(at) : s.slice(0, at) + ch + s.slice(at + 1);
      }
      onlyTypedErrors(s, t);
    }), { numRuns: 3000 });
  });

  test('random bytes (decoded by BOM sniffing)', { timeout: 60_000 }, () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyTypedErrors(b, 'application/pidf+xml')), { numRuns: 1000 });
  });
});
