// msrtc.pidf → PresenceState: the numeric ranges of protocol.md §2.9 ([MS-SIP] §2.2.1) and sipe's DND state.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PresenceDocumentError } from '../../../../electron/sip/simple/errors';
import { availabilityFromMsrtc, parseMsrtc } from '../../../../electron/sip/simple/msrtc';
import type { Availability } from '../../../../electron/sip/simple/presence-model';
import { fixture, fixtureBytes } from './support';

function doc(avail?: number, act?: number, state?: string): string {
  return `<presentity uri="bob@contoso.com" xmlns="http://schemas.microsoft.com/2002/09/sip/presence">${avail === undefined ? '' : `<availability aggregate="${avail}"/>`}${act === undefined ? '' : `<activity aggregate="${act}"/>`}${state ? `<userInfo><states>${state}</states></userInfo>` : ''}</presentity>`;
}

describe('protocol.md §2.9 numeric ranges', () => {
  const rows: [number | undefined, number | undefined, Availability][] = [
    [0, 400, 'offline'], [99, 400, 'offline'],
    [300, 100, 'away'], [300, 149, 'away'],
    [300, 150, 'out-to-lunch'], [300, 199, 'out-to-lunch'],
    [300, 200, 'idle'], [300, 299, 'idle'],
    [300, 300, 'be-right-back'], [300, 399, 'be-right-back'],
    [300, 400, 'available'], [300, 499, 'available'],
    [300, 500, 'in-a-call'], [300, 599, 'in-a-call'],
    [300, 600, 'busy'], [300, 699, 'busy'],
    [300, 700, 'away'], [300, 799, 'away'],
    [300, 800, 'available'], [300, 999, 'available'],
    [200, 400, 'available'],
    [300, 0, 'available'], [300, undefined, 'available'], [150, undefined, 'away'],
    [undefined, undefined, 'unknown'],
  ];
  for (const [avail, act, want] of rows) {
    test(`avail ${avail ?? '-'} / activity ${act ?? '-'} → ${want}`, () => {
      assert.equal(availabilityFromMsrtc(avail, act), want);
      assert.equal(parseMsrtc(doc(avail, act)).availability, want);
    });
  }

  test('sipe values: Available 300/400, Away 100, BRB 300, Busy 600, Invisible avail 0', () => {
    assert.equal(parseMsrtc(doc(300, 400)).availability, 'available');
    assert.equal(parseMsrtc(doc(300, 100)).availability, 'away');
    assert.equal(parseMsrtc(doc(300, 300)).availability, 'be-right-back');
    assert.equal(parseMsrtc(doc(300, 600)).availability, 'busy');
    assert.equal(parseMsrtc(doc(0)).availability, 'offline');
  });
});

describe('userInfo states (LCS 2005 DND = state avail 9500, [F:SIPE])', () => {
  test('busy + 9500 → do-not-disturb', () => {
    assert.equal(parseMsrtc(doc(300, 600, '<state avail="9500"/>')).availability, 'do-not-disturb');
  });
  test('the user state wins only when it is more unavailable; nil="true" clears it', () => {
    assert.equal(parseMsrtc(doc(300, 400, '<state avail="15500"/>')).availability, 'away');
    assert.equal(parseMsrtc(doc(300, 600, '<state avail="3500"/>')).availability, 'busy');
    assert.equal(parseMsrtc(doc(300, 600, '<state avail="9500" nil="true"/>')).availability, 'busy');
    assert.equal(parseMsrtc(doc(0, 400, '<state avail="9500"/>')).availability, 'offline');
  });
});

describe('fixtures', () => {
  test('BENOTIFY body (protocol.md §3.5): uri without sip:, displayName, userInfo note', () => {
    const s = parseMsrtc(fixture('msrtc-benotify.xml'));
    assert.equal(s.entity, 'sip:user1@server.contoso.com');
    assert.equal(s.availability, 'available');
    assert.equal(s.displayName, 'User One');
    assert.equal(s.note, 'In the office today');
    assert.equal(s.raw.msrtcAvailability, 300);
    assert.equal(s.raw.msrtcActivity, 400);
  });

  test('DND fixture: …/09/2002/… namespace, a "utf-16" label on UTF-8 bytes (Reuters), activity note', () => {
    const s = parseMsrtc(fixtureBytes('msrtc-dnd.xml'));
    assert.equal(s.availability, 'do-not-disturb');
    assert.equal(s.raw.msrtcUserState, 9500);
    assert.equal(s.note, 'Presenting');
    assert.equal(s.displayName, 'Jack Lee');
  });

  test('a non-presentity root is refused', () => {
    assert.throws(() => parseMsrtc('<presence/>'), PresenceDocumentError);
  });
});
