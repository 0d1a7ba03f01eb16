// LCS KeyboardActivity INFO bodies (protocol.md §2.6 item 33).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PresenceDocumentError, XmlParseError } from '../../../../electron/sip/simple/errors';
import { buildKeyboardActivity, parseKeyboardActivity } from '../../../../electron/sip/simple/keyboard-activity';

test('build matches the §3.4 wire form and parses back', () => {
  assert.equal(buildKeyboardActivity('type'), '<?xml version="1.0"?><KeyboardActivity><status status="type"/></KeyboardActivity>');
  assert.equal(parseKeyboardActivity(buildKeyboardActivity('type')), 'type');
  assert.equal(parseKeyboardActivity(buildKeyboardActivity('idle')), 'idle');
});

test('unknown or missing status clears the indicator; other documents are refused', () => {
  assert.equal(parseKeyboardActivity('<KeyboardActivity><status status="TYPE"/></KeyboardActivity>'), 'type');
  assert.equal(parseKeyboardActivity('<KeyboardActivity><status status="paused"/></KeyboardActivity>'), 'idle');
  assert.equal(parseKeyboardActivity('<KeyboardActivity/>'), 'idle');
  assert.throws(() => parseKeyboardActivity('<isComposing><state>active</state></isComposing>'), PresenceDocumentError);
  assert.throws(() => parseKeyboardActivity('<KeyboardActivity>'), XmlParseError);
});
