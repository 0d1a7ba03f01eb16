// Creates the app's windows with the hardened options and the navigation guards.
import { BrowserWindow, shell } from 'electron';
import { isAllowedNavigation } from './sender-policy';
import { secureWindowOptions } from './window-options';

export function createMainWindow(pageUrl: string, preloadPath: string): BrowserWindow {
  const win = new BrowserWindow(secureWindowOptions(preloadPath));
  const contents = win.webContents;
  // window.open and target=_blank never create a window: http(s) links go to the OS browser.
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, pageUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(pageUrl);
  return win;
}
