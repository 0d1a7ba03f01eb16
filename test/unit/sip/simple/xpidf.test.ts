// XPIDF → PresenceState: protocol.md §2.9 last column, and the LCS documents of §3.3.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PresenceDocumentError } from '../../../../electron/sip/simple/errors';
import type { Availability } from '../../../../electron/sip/simple/presence-model';
import { parseXpidf } from '../../../../electron/sip/simple/xpidf';
import { fixture } from './support';

function xpidf(status: string, substatus?: string, attr = 'substatus'): string {
  return `<?xml version="1.0"?>\n<!DOCTYPE presence PUBLIC "-//IETF//DTD RFCxxxx XPIDF 1.0//EN" "xpidf.dtd">\n<presence><presentity uri="sip:bob@contoso.com;method=SUBSCRIBE"/><atom id="1"><address uri="sip:bob@contoso.com" priority="0.800000"><status status="${status}"/>${substatus ? `<msnsubstatus ${attr}="${substatus}"/>` : ''}</address></atom></presence>`;
}

describe('protocol.md §2.9, XPIDF status / msnsubstatus column', () => {
  const rows: [string, string | undefined, Availability][] = [
    ['open', 'online', 'available'],
    ['open', 'idle', 'idle'],
    ['open', 'busy', 'busy'],
    ['inuse', 'busy', 'busy'],
    ['open', 'berightback', 'be-right-back'],
    ['open', 'away', 'away'],
    ['open', 'outtolunch', 'out-to-lunch'],
    ['inuse', 'onthephone', 'in-a-call'],
    ['closed', undefined, 'offline'],
    ['closed', 'online', 'offline'],
    ['open', 'unknown', 'available'],
    ['open', undefined, 'available'],
    ['inuse', undefined, 'busy'],
    ['inactive', undefined, 'idle'],
  ];
  for (const [status, sub, want] of rows) {
    test(`${status} / ${sub ?? '(none)'} → ${want}`, () => assert.equal(parseXpidf(xpidf(status, sub)).availability, want));
  }

  test('the substate spelling is accepted too, and values are case-insensitive', () => {
    assert.equal(parseXpidf(xpidf('open', 'BeRightBack', 'substate')).availability, 'be-right-back');
  });
});

describe('LCS documents', () => {
  test('§3.3 BRB with DOCTYPE and MS display name; ;method=SUBSCRIBE is stripped from the presentity', () => {
    const s = parseXpidf(fixture('xpidf-lcs-brb.xml'));
    assert.equal(s.availability, 'be-right-back');
    assert.equal(s.entity, 'sip:bob@contoso.com');
    assert.equal(s.raw.rawEntity, 'sip:bob@contoso.com;method=SUBSCRIBE');
    assert.equal(s.displayName, 'Bob Smith');
    assert.deepEqual(s.activities, ['berightback']);
    assert.equal(s.endpoints[0]?.priority, 0.8);
    assert.deepEqual(s.raw.ignoredElements, []);
  });

  test('unknown elements are ignored and listed (BCP §5.2 must-ignore)', () => {
    const s = parseXpidf('<presence><presentity uri="sip:a@b"/><vendor x="1"/><atom id="1"><address uri="sip:a@b"><status status="open"/><extra/></address></atom></presence>');
    assert.equal(s.availability, 'available');
    assert.deepEqual(s.raw.ignoredElements, ['vendor']);
  });

  test('two addresses: the reachable one wins over a higher-priority closed one', () => {
    const s = parseXpidf(fixture('xpidf-lcs-onthephone.xml'));
    assert.equal(s.availability, 'in-a-call');
    assert.equal(s.contact, 'sip:henry@contoso.com');
    assert.equal(s.raw.xpidfStatus, 'inuse');
  });

  test('closed, and no address at all, are offline', () => {
    assert.equal(parseXpidf(fixture('xpidf-closed.xml')).availability, 'offline');
    assert.equal(parseXpidf('<presence><presentity uri="sip:a@b"/></presence>').availability, 'offline');
  });

  test('a PIDF document is not XPIDF', () => {
    assert.throws(() => parseXpidf('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"/>'), PresenceDocumentError);
  });
});
