// PIDF + RPID + CIPID + data model → PresenceState: fixtures, the protocol.md §2.9 PIDF column, tuple choice.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PresenceDocumentError, XmlParseError } from '../../../../electron/sip/simple/errors';
import { parsePidf } from '../../../../electron/sip/simple/pidf';
import type { Availability } from '../../../../electron/sip/simple/presence-model';
import { fixture } from './support';

const HEAD = '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" xmlns:es="urn:ietf:params:xml:ns:pidf:rpid-status" entity="sip:bob@example.com">';

/** RFC 4480 form: activities on dm:person. */
function rfc4480(basic: string, tokens: string[], opts: { other?: string; note?: string; idle?: boolean } = {}): string {
  const acts = tokens.length || opts.other ? `<rpid:activities>${tokens.map((t) => `<rpid:${t}/>`).join('')}${opts.other ? `<rpid:other>${opts.other}</rpid:other>` : ''}</rpid:activities>` : '';
  return `${HEAD}<tuple id="t"><status><basic>${basic}</basic></status></tuple><dm:person id="p">${acts}${opts.idle ? '<rpid:user-input>idle</rpid:user-input>' : ''}${opts.note ? `<dm:note>${opts.note}</dm:note>` : ''}</dm:person></presence>`;
}

/** Draft form (protocol.md §3.2): es:activities/es:activity text inside the tuple status. */
function draft(basic: string, tokens: string[], note?: string): string {
  const acts = tokens.length ? `<es:activities>${tokens.map((t) => `<es:activity>${t}</es:activity>`).join('')}</es:activities>` : '';
  return `${HEAD}<tuple id="0"><status><basic>${basic}</basic>${acts}</status>${note ? `<note>${note}</note>` : ''}</tuple></presence>`;
}

describe('protocol.md §2.9, PIDF basic + activity column', () => {
  const rows: [string, string, Availability][] = [
    ['Online/available: open, no activity', rfc4480('open', []), 'available'],
    ['Idle: open + rpid:user-input idle (RFC 4480 §3.11)', rfc4480('open', [], { idle: true }), 'idle'],
    ['Busy: open + busy', rfc4480('open', ['busy']), 'busy'],
    ['Busy: meeting counts as busy', rfc4480('open', ['meeting']), 'busy'],
    ['DND: busy + rpid:other "Do not disturb" (our builder)', rfc4480('open', ['busy'], { other: 'Do not disturb' }), 'do-not-disturb'],
    ['DND: busy + note "Do not disturb" [I]', rfc4480('open', ['busy'], { note: 'Do not disturb' }), 'do-not-disturb'],
    ['BRB: away + note "Be right back" [I]', rfc4480('open', ['away'], { note: 'Be right back' }), 'be-right-back'],
    ['BRB: away + rpid:other "Be right back"', rfc4480('open', ['away'], { other: 'Be right back' }), 'be-right-back'],
    ['Away: open + away', rfc4480('open', ['away']), 'away'],
    ['Away: vacation', rfc4480('open', ['vacation']), 'away'],
    ['Out to lunch: meal', rfc4480('open', ['meal']), 'out-to-lunch'],
    ['Out to lunch: away + note "Out to lunch" [I]', rfc4480('open', ['away'], { note: 'Out to lunch' }), 'out-to-lunch'],
    ['In a call: on-the-phone [F:BCP example]', rfc4480('open', ['on-the-phone']), 'in-a-call'],
    ['In a call beats busy', rfc4480('open', ['busy', 'on-the-phone']), 'in-a-call'],
    ['Busy beats away', rfc4480('open', ['away', 'busy']), 'busy'],
    ['Offline: closed', rfc4480('closed', []), 'offline'],
    ['Offline: closed wins over activities', rfc4480('closed', ['busy']), 'offline'],
    ['unknown activity token while open → available', rfc4480('open', ['unknown']), 'available'],
    ['draft form: on-the-phone', draft('open', ['on-the-phone']), 'in-a-call'],
    ['draft form: busy', draft('open', ['busy']), 'busy'],
    ['draft form: away', draft('open', ['away']), 'away'],
    ['draft form: away + tuple note "Be right back"', draft('open', ['away'], 'Be right back'), 'be-right-back'],
    ['draft form: busy + tuple note "Do not disturb"', draft('open', ['busy'], 'Do not disturb'), 'do-not-disturb'],
    ['draft form: closed', draft('closed', []), 'offline'],
    ['draft form: open, nothing', draft('open', []), 'available'],
  ];
  for (const [name, xml, want] of rows) {
    test(`${name} → ${want}`, () => assert.equal(parsePidf(xml).availability, want));
  }

  test('a tuple without basic and without activities is unknown; no tuples at all is offline', () => {
    assert.equal(parsePidf(`${HEAD}<tuple id="t"><status/></tuple></presence>`).availability, 'unknown');
    assert.equal(parsePidf(fixture('kamailio-no-publication.xml')).availability, 'offline');
  });
});

describe('fixtures', () => {
  test('baresip PUBLISH relayed by Kamailio: dm:person busy', () => {
    const s = parsePidf(fixture('baresip-publish-busy.xml'));
    assert.equal(s.availability, 'busy');
    assert.equal(s.entity, 'sip:alice@alpha.test');
    assert.equal(s.basic, 'open');
    assert.equal(s.contact, 'sip:alice@127.0.0.1:5061;transport=tls');
    assert.deepEqual(s.activities, ['busy']);
    assert.equal(s.raw.rpidForm, 'rfc4480');
  });

  test('BCP / LCS form (protocol.md §3.2): draft activity in status, document-level ci:display-name', () => {
    const s = parsePidf(fixture('bcp-rpid-status.xml'));
    assert.equal(s.availability, 'in-a-call');
    assert.equal(s.displayName, 'Bob Smith');
    assert.equal(s.raw.rpidForm, 'draft-rpid-status');
    assert.equal(s.contact, 'sip:bob@contoso.com');
  });

  test('RPID directly in the tuple; entity without sip: gets it (protocol.md §2.7 item 39)', () => {
    const s = parsePidf(fixture('rpid-in-tuple.xml'));
    assert.equal(s.availability, 'out-to-lunch');
    assert.equal(s.entity, 'sip:dave@aol.example.com');
    assert.equal(s.raw.rawEntity, 'dave@aol.example.com');
    assert.equal(s.note, 'Grabbing a sandwich');
    assert.equal(s.endpoints[0]?.priority, 1);
  });

  test('CIPID (RFC 4482) on dm:person, notes by xml:lang, mood, user-input idle, device', () => {
    const xml = fixture('cipid-person.xml');
    const s = parsePidf(xml, { preferredLang: 'en' });
    assert.equal(s.availability, 'idle');
    assert.equal(s.displayName, 'Erin Ng');
    assert.equal(s.card, 'http://gamma.example.org/erin.vcf');
    assert.equal(s.homepage, 'http://gamma.example.org/~erin');
    assert.equal(s.icon, 'http://gamma.example.org/erin.png');
    assert.equal(s.note, 'Back soon & reachable');
    assert.equal(s.noteLang, 'en-GB');
    assert.equal(parsePidf(xml, { preferredLang: 'de-AT' }).note, 'Bin gleich zurück & erreichbar');
    assert.equal(parsePidf(xml).noteLang, 'de', 'no preference: the first note');
    assert.deepEqual(s.moods, ['sleepy']);
    assert.equal(s.endpoints[0]?.deviceId, 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6');
    assert.deepEqual(s.devices, [{ id: 'pc33', deviceId: 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6', notes: [{ text: 'Office PC' }], timestamp: '2024-05-01T10:06:00Z' }]);
    assert.equal(s.timestamp, '2024-05-01T10:06:00Z', 'the newest of tuple, person and device timestamps');
  });

  test('several tuples: open beats closed, then priority, then the newest timestamp (across time zones)', () => {
    const s = parsePidf(fixture('multi-tuple.xml'));
    assert.equal(s.basic, 'open');
    assert.equal(s.availability, 'available');
    // desk has priority 1.0 but is closed; laptop (09:00Z) and mobile (10:30+02:00 = 08:30Z) tie on 0.5.
    assert.equal(s.raw.chosenEndpoint, 'laptop');
    assert.equal(s.contact, 'sip:frank@laptop.delta.example.net');
    assert.equal(s.note, 'On the laptop', 'the chosen tuple note before the document note');
    assert.deepEqual(s.endpoints.map((e) => e.basic), ['closed', 'open', 'open']);
  });

  test('unknown extensions are ignored and listed for diagnostics (RFC 3863 §4.1.6)', () => {
    const s = parsePidf(fixture('unknown-extensions.xml'));
    assert.equal(s.availability, 'available');
    assert.equal(s.note, 'Ask me about <XML> & stuff');
    assert.deepEqual(s.raw.ignoredNamespaces, ['urn:example:vendor:presence']);
  });

  test('the 1 KB benchmark document (perf-baselines §2)', async () => {
    const { readFileSync } = await import('node:fs');
    const xml = readFileSync(new URL('../../../../bench/presence/pidf-1k.xml', import.meta.url), 'utf8');
    const s = parsePidf(xml);
    assert.equal(s.availability, 'busy');
    assert.equal(s.note, 'Working on the roof');
    assert.equal(s.displayName, 'Bob Builder');
    assert.deepEqual(s.moods, ['calm']);
    assert.equal(s.contact, 'sip:bob@198.51.100.20:5061;transport=tls');
  });
});

describe('tolerance and errors', () => {
  test('basic is read case- and whitespace-insensitively; bad priorities are dropped', () => {
    const s = parsePidf(`${HEAD}<tuple id="t"><status><basic> OPEN </basic></status><contact priority="7">sip:x@y</contact></tuple></presence>`);
    assert.equal(s.basic, 'open');
    assert.equal(s.endpoints[0]?.priority, undefined);
  });

  test('the pre-RFC cpim-pidf namespace is read as PIDF', () => {
    const s = parsePidf('<presence xmlns="urn:ietf:params:xml:ns:cpim-pidf" entity="pres:a@b"><tuple id="1"><status><basic>open</basic></status></tuple></presence>');
    assert.equal(s.availability, 'available');
    assert.equal(s.entity, 'pres:a@b');
  });

  test('a non-PIDF root is a PresenceDocumentError; malformed XML an XmlParseError', () => {
    assert.throws(() => parsePidf('<presence entity="x"/>'), PresenceDocumentError);
    assert.throws(() => parsePidf('<presence xmlns="urn:ietf:params:xml:ns:pidf">'), XmlParseError);
  });
});
