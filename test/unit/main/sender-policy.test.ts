import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAllowedNavigation, isTrustedSender } from '../../../electron/main/sender-policy';
import { secureWindowOptions } from '../../../electron/main/window-options';

const page = 'file:///opt/Parley/resources/app.asar/dist/renderer/index.html';

test('only the main frame of our own page may call main', () => {
  assert.equal(isTrustedSender({ frameUrl: page, isMainFrame: true }, page), true);
  assert.equal(isTrustedSender({ frameUrl: `${page}?chat=1#x`, isMainFrame: true }, page), true);
  assert.equal(isTrustedSender({ frameUrl: page, isMainFrame: false }, page), false);
  assert.equal(isTrustedSender({ frameUrl: 'file:///tmp/evil.html', isMainFrame: true }, page), false);
  assert.equal(isTrustedSender({ frameUrl: 'https://example.com/', isMainFrame: true }, page), false);
  assert.equal(isTrustedSender({ frameUrl: undefined, isMainFrame: true }, page), false);
  assert.equal(isTrustedSender({ frameUrl: 'not a url', isMainFrame: true }, page), false);
});

test('navigation away from our page is refused', () => {
  assert.equal(isAllowedNavigation('https://example.com', page), false);
  assert.equal(isAllowedNavigation(page, page), true);
});

test('windows are sandboxed, isolated, without Node', () => {
  const prefs = secureWindowOptions('/x/preload.cjs').webPreferences!;
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.preload, '/x/preload.cjs');
});
