// Dispatch by Content-Type (with parameters, case-insensitive) and by root element when the type is generic.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PresenceDocumentError, SimpleBodyError, XmlParseError } from '../../../../electron/sip/simple/errors';
import { parsePresenceBody, PRESENCE_CONTENT_TYPES } from '../../../../electron/sip/simple/presence-body';
import { fixture, fixtureBytes } from './support';

describe('parsePresenceBody', () => {
  test('by Content-Type', () => {
    assert.equal(parsePresenceBody('application/pidf+xml', fixture('baresip-publish-busy.xml')).raw.format, 'pidf');
    assert.equal(parsePresenceBody('Application/PIDF+XML; charset="UTF-8"', fixture('bcp-rpid-status.xml')).availability, 'in-a-call');
    assert.equal(parsePresenceBody('application/xpidf+xml', fixture('xpidf-lcs-brb.xml')).raw.format, 'xpidf');
    assert.equal(parsePresenceBody('text/xml+msrtc.pidf', fixture('msrtc-benotify.xml')).raw.format, 'msrtc');
    assert.deepEqual([...PRESENCE_CONTENT_TYPES], ['application/pidf+xml', 'application/xpidf+xml', 'text/xml+msrtc.pidf']);
  });

  test('missing or generic type: sniffed from the root element; bytes are accepted', () => {
    assert.equal(parsePresenceBody(undefined, fixture('multi-tuple.xml')).raw.format, 'pidf');
    assert.equal(parsePresenceBody('application/xml', fixture('xpidf-closed.xml')).raw.format, 'xpidf');
    assert.equal(parsePresenceBody('', fixtureBytes('msrtc-dnd.xml')).availability, 'do-not-disturb');
  });

  test('a body of the wrong kind for its type is a PresenceDocumentError', () => {
    assert.throws(() => parsePresenceBody('application/pidf+xml', fixture('xpidf-lcs-brb.xml')), PresenceDocumentError);
    assert.throws(() => parsePresenceBody('text/xml+msrtc.pidf', fixture('multi-tuple.xml')), PresenceDocumentError);
    assert.throws(() => parsePresenceBody(undefined, fixture('iscomposing-idle.xml')), PresenceDocumentError);
  });

  test('errors are SimpleBodyError subclasses with a short reason', () => {
    for (const body of ['<presence', fixture('billion-laughs.xml')]) {
      assert.throws(() => parsePresenceBody('application/pidf+xml', body), (e: unknown) => e instanceof XmlParseError && e instanceof SimpleBodyError && !e.reason.includes('\n'));
    }
  });
});
