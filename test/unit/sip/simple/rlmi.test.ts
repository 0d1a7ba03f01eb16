// RLMI (RFC 4662 §5.3) from the §7 examples: names, instances with cid and reason, and the version rules of §5.5.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PresenceDocumentError, XmlParseError } from '../../../../electron/sip/simple/errors';
import { ListVersions, parseRlmi } from '../../../../electron/sip/simple/rlmi';
import { RLMI_FULL, RLMI_PARTIAL } from './rlmi-fixtures';

describe('RLMI', () => {
  test('full state document of RFC 4662 §7.2', () => {
    const list = parseRlmi(RLMI_FULL);
    assert.equal(list.uri, 'sip:adam-friends@pres.vancouver.example.com');
    assert.equal(list.version, 1);
    assert.equal(list.fullState, true);
    assert.deepEqual(list.names, ['Buddy List at COM', 'Liste der Freunde an COM']);
    assert.equal(list.resources.length, 4);
    assert.deepEqual(list.resources[0], {
      uri: 'sip:bob@vancouver.example.com',
      names: ['Bob Smith'],
      instances: [{ id: 'juwigmtboe', state: 'active', cid: 'bUZBsM@pres.vancouver.example.com' }],
    });
    assert.deepEqual(list.resources[2]?.instances, []);
  });

  test('partial document with a terminated instance and its reason', () => {
    const list = parseRlmi(RLMI_PARTIAL);
    assert.equal(list.fullState, false);
    assert.deepEqual(list.resources[1]?.instances, [{ id: 'cmpvqrxc', state: 'terminated', reason: 'resubscribe' }]);
  });

  test('refuses documents that are not RLMI or lack required attributes', () => {
    assert.throws(() => parseRlmi('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"/>'), PresenceDocumentError);
    assert.throws(() => parseRlmi('<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" fullState="true"/>'), /without version/);
    assert.throws(() => parseRlmi('<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="-1" fullState="true"/>'), /not a number/);
    assert.throws(
      () => parseRlmi('<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="true"><resource uri="sip:a@x"><instance id="1" state="odd"/></resource></list>'),
      /instance state/,
    );
    assert.throws(() => parseRlmi('<!DOCTYPE list [<!ENTITY x "y">]><list/>'), XmlParseError);
  });

  test('versions: partial updates apply, older or repeated ones are ignored, full state drops the missing', () => {
    const v = new ListVersions();
    const doc = (version: number, fullState: boolean, uris: string[]) => ({ uri: 'sip:l@x', version, fullState, names: [], resources: uris.map((uri) => ({ uri, names: [], instances: [] })) });
    assert.equal(v.apply(doc(3, false, ['sip:a@x'])), undefined, 'partial state before any full state');
    assert.deepEqual(v.apply(doc(1, true, ['sip:a@x', 'sip:b@x', 'sip:c@x']))?.removed, []);
    assert.equal(v.apply(doc(3, false, ['sip:a@x']))?.changed.length, 1);
    assert.equal(v.apply(doc(2, false, ['sip:b@x'])), undefined, 'version 2 after 3: out of order');
    assert.equal(v.apply(doc(3, false, ['sip:b@x'])), undefined, 'repeat');
    assert.deepEqual(v.apply(doc(4, true, ['sip:a@x', 'sip:c@x']))?.removed, ['sip:b@x']);
    assert.deepEqual([...v.resources.keys()], ['sip:a@x', 'sip:c@x']);
    v.reset();
    assert.ok(v.apply(doc(1, true, [])));
  });
});
