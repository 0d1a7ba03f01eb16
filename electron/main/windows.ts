// Creates the app's windows with the hardened options and the navigation guards: the buddy list and one
// window per conversation (window-manager.ts decides when to reuse one).
import { BrowserWindow, shell } from 'electron';
import { isAllowedNavigation } from './sender-policy';
import { WindowManager, windowPageUrl } from './window-manager';
import { chatWindowOptions, secureWindowOptions } from './window-options';
import type { BrowserWindowConstructorOptions } from 'electron';

function createGuardedWindow(options: BrowserWindowConstructorOptions, url: string, trustedPageUrl: string): BrowserWindow {
  const win = new BrowserWindow(options);
  const contents = win.webContents;
  // window.open and target=_blank never create a window: http(s) links go to the OS browser.
  contents.setWindowOpenHandler(({ url: target }) => {
    if (/^https?:\/\//i.test(target)) void shell.openExternal(target);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, target) => {
    if (!isAllowedNavigation(target, trustedPageUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, target) => {
    if (!isAllowedNavigation(target, trustedPageUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(url);
  return win;
}

export function createMainWindow(pageUrl: string, preloadPath: string): BrowserWindow {
  return createGuardedWindow(secureWindowOptions(preloadPath), windowPageUrl(pageUrl, { kind: 'buddy-list' }), pageUrl);
}

export function createChatWindow(pageUrl: string, preloadPath: string, conversationId: string, title: string): BrowserWindow {
  const url = windowPageUrl(pageUrl, { kind: 'chat', conversationId });
  return createGuardedWindow(chatWindowOptions(preloadPath, title), url, pageUrl);
}

export function createWindowManager(pageUrl: string, preloadPath: string, titleOf: (conversationId: string) => string): WindowManager<BrowserWindow> {
  return new WindowManager<BrowserWindow>({
    buddyList: () => createMainWindow(pageUrl, preloadPath),
    chat: (conversationId) => createChatWindow(pageUrl, preloadPath, conversationId, titleOf(conversationId)),
  });
}
