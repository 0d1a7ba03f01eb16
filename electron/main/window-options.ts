// The hardened settings every Parley window gets (house rule 2). Kept apart from windows.ts so a
// plain-Node test can assert them without the Electron binary.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** The same policy as renderer/index.html's meta tag (a test keeps them equal); also sent as a header. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
}

/** The buddy-list window. */
export function secureWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 420,
    height: 640,
    minWidth: 320,
    minHeight: 400,
    title: 'Parley',
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** A chat window: same hardening, wider, titled after the conversation. */
export function chatWindowOptions(preloadPath: string, title: string): BrowserWindowConstructorOptions {
  return {
    width: 560,
    height: 520,
    minWidth: 360,
    minHeight: 320,
    title: title ? `${title} — Parley` : 'Parley',
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  };
}
