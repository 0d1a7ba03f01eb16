// Security-relevant BrowserWindow settings of both window kinds, and the CSP kept equal to the page's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY, chatWindowOptions, secureWindowOptions } from '../../../electron/main/window-options';

const root = resolve(import.meta.dirname, '../../..');

for (const [kind, options] of [
  ['buddy list', secureWindowOptions('/app/preload.cjs')],
  ['chat', chatWindowOptions('/app/preload.cjs', 'alice@alpha.test')],
] as const) {
  test(`${kind} window: sandboxed, isolated, no Node, no webview, web security on`, () => {
    const prefs = options.webPreferences!;
    assert.equal(prefs.preload, '/app/preload.cjs');
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.experimentalFeatures, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.navigateOnDragDrop, false);
    // Shown only when ready, so a half-loaded page never flashes.
    assert.equal(options.show, false);
  });
}

test('chat windows are titled after the conversation', () => {
  assert.equal(chatWindowOptions('/p', 'Alice').title, 'Alice — Parley');
  assert.equal(chatWindowOptions('/p', '').title, 'Parley');
});

test('the CSP header main sends is the one in renderer/index.html, and it is strict', () => {
  const html = readFileSync(resolve(root, 'renderer/index.html'), 'utf8');
  const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  assert.ok(meta, 'index.html has a CSP meta tag');
  assert.equal(meta[1], CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self';/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-(inline|eval)/);
});
