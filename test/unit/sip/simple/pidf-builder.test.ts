// PIDF builder: fixed output shape, escaping, and the property that builder → parser round-trips.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DOMParser } from '@xmldom/xmldom';
import { parsePidf } from '../../../../electron/sip/simple/pidf';
import { buildPidf, type OwnPresence } from '../../../../electron/sip/simple/pidf-builder';
import { AVAILABILITIES, type Availability } from '../../../../electron/sip/simple/presence-model';
import { stripInvalidXmlChars } from '../../../../electron/sip/simple/xml/escape';

/** Independent well-formedness check. */
function xmldomAccepts(xml: string): void {
  const problems: string[] = [];
  new DOMParser({ onError: (level: string, msg: string) => { problems.push(`${level}: ${msg}`); } }).parseFromString(xml, 'application/xml');
  assert.deepEqual(problems, [], xml);
}

describe('buildPidf', () => {
  test('rfc4480 dialect: tuple + dm:person with rpid:activities, c:display-name, dm:note + dm:device', () => {
    const xml = buildPidf({
      entity: 'sip:alice@example.net', availability: 'busy', note: 'In a meeting', noteLang: 'en', displayName: 'Alice',
      contact: 'sip:alice@ua.example.net:49152;transport=tls', contactPriority: 0.8, deviceId: 'urn:uuid:1', timestamp: '2024-05-01T10:00:00Z',
    });
    assert.equal(xml, [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" xmlns:c="urn:ietf:params:xml:ns:pidf:cipid" entity="sip:alice@example.net">',
      '<tuple id="t1">',
      '<status><basic>open</basic></status>',
      '<dm:deviceID>urn:uuid:1</dm:deviceID>',
      '<contact priority="0.8">sip:alice@ua.example.net:49152;transport=tls</contact>',
      '<note xml:lang="en">In a meeting</note>',
      '<timestamp>2024-05-01T10:00:00Z</timestamp>',
      '</tuple>',
      '<dm:person id="p1">',
      '<rpid:activities><rpid:busy/></rpid:activities>',
      '<c:display-name>Alice</c:display-name>',
      '<dm:note xml:lang="en">In a meeting</dm:note>',
      '<dm:timestamp>2024-05-01T10:00:00Z</dm:timestamp>',
      '</dm:person>',
      '<dm:device id="d1">',
      '<dm:deviceID>urn:uuid:1</dm:deviceID>',
      '</dm:device>',
      '</presence>',
      '',
    ].join('\n'));
  });

  test('bcp dialect matches protocol.md §3.2 (single tuple, es:activity in status, ci:display-name)', () => {
    const xml = buildPidf({ entity: 'sip:bob@contoso.com', availability: 'in-a-call', displayName: 'Bob Smith', contact: 'sip:bob@contoso.com' }, { dialect: 'bcp' });
    assert.equal(xml, [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:es="urn:ietf:params:xml:ns:pidf:rpid-status" xmlns:ci="urn:ietf:params:xml:ns:pidf:cipid" entity="sip:bob@contoso.com">',
      '<tuple id="0"><status><basic>open</basic><es:activities><es:activity>on-the-phone</es:activity></es:activities></status>',
      '<contact>sip:bob@contoso.com</contact>',
      '</tuple>',
      '<ci:display-name>Bob Smith</ci:display-name>',
      '</presence>',
      '',
    ].join('\n'));
  });

  test('markup and control characters in user text are escaped or dropped, never break the document', () => {
    const xml = buildPidf({ entity: 'sip:a"b@example.net', availability: 'available', note: '<b>&amp;</b> ]]> \u0001 \r\n', displayName: 'A & B' });
    xmldomAccepts(xml);
    const s = parsePidf(xml);
    assert.equal(s.note, '<b>&amp;</b> ]]>');
    assert.equal(s.displayName, 'A & B');
    assert.equal(s.entity, 'sip:a"b@example.net');
  });

  test('offline (appear offline) is basic closed; unknown is open with rpid:unknown', () => {
    assert.match(buildPidf({ entity: 'sip:a@b', availability: 'offline' }), /<basic>closed<\/basic>/);
    assert.match(buildPidf({ entity: 'sip:a@b', availability: 'unknown' }), /<rpid:unknown\/>/);
  });
});

// ---- properties ----
const textArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('Be right back', 'Do not disturb', 'Out to lunch'),
);
const uriArb = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9._-]{0,12}$/), fc.domain()).map(([u, d]) => `sip:${u}@${d}`);
const tsArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString());

function presenceArb(avail: fc.Arbitrary<Availability>): fc.Arbitrary<OwnPresence> {
  return fc.record({
    entity: uriArb,
    availability: avail,
    note: fc.option(textArb, { nil: undefined }),
    noteLang: fc.option(fc.constantFrom('en', 'de', 'fr-CA'), { nil: undefined }),
    displayName: fc.option(textArb, { nil: undefined }),
    contact: fc.option(uriArb, { nil: undefined }),
    contactPriority: fc.option(fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000), { nil: undefined }),
    deviceId: fc.option(fc.uuid().map((u) => `urn:uuid:${u}`), { nil: undefined }),
    timestamp: fc.option(tsArb, { nil: undefined }),
  }, { requiredKeys: ['entity', 'availability'] });
}

/** What the parser should see of a text: invalid XML characters dropped, surrounding whitespace trimmed. */
function shown(t: string | undefined): string | undefined {
  if (t === undefined || t.trim() === '') return undefined;
  const v = stripInvalidXmlChars(t).trim();
  return v === '' ? undefined : v;
}

/** Notes that spell a state would (by the §2.9 conventions) change the availability; keep them out of exact checks. */
const SAYS_STATE = /^(be[\s-]*right[\s-]*back|brb|do[\s-]*not[\s-]*disturb|dnd|out[\s-]*to[\s-]*lunch)$/i;

describe('round trip: buildPidf → parsePidf', () => {
  test('rfc4480 dialect is lossless for every UI state except unknown', { timeout: 60_000 }, () => {
    const states = AVAILABILITIES.filter((a) => a !== 'unknown');
    fc.assert(fc.property(presenceArb(fc.constantFrom(...states)), (p) => {
      const xml = buildPidf(p);
      const s = parsePidf(xml, { preferredLang: p.noteLang });
      const note = shown(p.note);
      if (!(note && SAYS_STATE.test(note))) assert.equal(s.availability, p.availability);
      assert.equal(s.entity, p.entity);
      assert.equal(s.note, note);
      assert.equal(s.noteLang, note ? p.noteLang : undefined);
      assert.equal(s.displayName, shown(p.displayName));
      assert.equal(s.contact, p.contact);
      assert.equal(s.endpoints[0]?.priority, p.contact ? p.contactPriority : undefined);
      assert.equal(s.timestamp, p.timestamp);
      assert.equal(s.endpoints[0]?.deviceId, p.deviceId);
      assert.equal(s.devices[0]?.deviceId, p.deviceId);
      assert.equal(s.basic, p.availability === 'offline' ? 'closed' : 'open');
    }), { numRuns: 1500 });
  });

  test('bcp dialect round-trips the states sipe-like readers can see', { timeout: 60_000 }, () => {
    const noNote: Availability[] = ['available', 'busy', 'do-not-disturb', 'be-right-back', 'away', 'out-to-lunch', 'in-a-call', 'offline'];
    fc.assert(fc.property(presenceArb(fc.constantFrom(...noNote)), (p0) => {
      const p = { ...p0, note: undefined };
      assert.equal(parsePidf(buildPidf(p, { dialect: 'bcp' })).availability, p.availability);
    }), { numRuns: 500 });
    const withNote: Availability[] = ['available', 'busy', 'away', 'in-a-call', 'offline'];
    fc.assert(fc.property(presenceArb(fc.constantFrom(...withNote)), (p) => {
      const s = parsePidf(buildPidf(p, { dialect: 'bcp' }));
      const note = shown(p.note);
      if (!(note && SAYS_STATE.test(note))) assert.equal(s.availability, p.availability);
      assert.equal(s.note, note);
      assert.equal(s.displayName, shown(p.displayName));
      assert.equal(s.raw.rpidForm, ['busy', 'away', 'in-a-call'].includes(p.availability) ? 'draft-rpid-status' : undefined);
    }), { numRuns: 500 });
  });

  test('idle in the bcp dialect degrades to away (protocol.md §2.9 "open, away? [I]")', () => {
    assert.equal(parsePidf(buildPidf({ entity: 'sip:a@b', availability: 'idle' }, { dialect: 'bcp' })).availability, 'away');
  });

  test('every built document is well-formed for an independent parser', { timeout: 60_000 }, () => {
    fc.assert(fc.property(presenceArb(fc.constantFrom(...AVAILABILITIES)), fc.constantFrom('rfc4480', 'bcp') as fc.Arbitrary<'rfc4480' | 'bcp'>, (p, dialect) => {
      xmldomAccepts(buildPidf(p, { dialect }));
    }), { numRuns: 300 });
  });
});
