// The desktop app's main process: a thin shell that gives the core its platform and windows.
// Everything that can run without Electron lives in electron/core (architecture.md decision 2), and the
// decisions made here live in pure modules beside this file (policies, rules, parsers) with unit tests.
import { BrowserWindow, app, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAppCore } from '../core/app-core';
import type { OwnPresence, PresenceControl, PublishedPresence } from '../core/platform/desktop-facilities';
import { claimSingleInstance, handleLinks } from './app-links';
import { registerIpc } from './ipc-router';
import { ElectronNotifier } from './notifications';
import { watchPower } from './power-monitor';
import { DEFAULT_IDLE_MINUTES } from './power-rules';
import type { ProtocolLink } from './protocol-link';
import { SafeStorageSecretStore } from './safe-storage-secret-store';
import { ElectronTray } from './tray';
import { CONTENT_SECURITY_POLICY } from './window-options';
import { createWindowManager } from './windows';

// Bundled to dist/main/main.cjs; the renderer and preload sit beside it in dist/.
const distDir = join(__dirname, '..');
const pageUrl = pathToFileURL(join(distDir, 'renderer', 'index.html')).toString();
const preloadPath = join(distDir, 'preload', 'preload.cjs');
// Packaged: electron-builder copies build/icons/tray/ to resources/icons (extraResources); unpackaged
// (`npm start`): straight from the checkout.
const trayIconPath = app.isPackaged
  ? join(process.resourcesPath, 'icons', 'tray.png')
  : join(distDir, '..', 'build', 'icons', 'tray', 'tray.png');
const log = (line: string) => console.error(line);

if (!claimSingleInstance()) {
  app.quit();
} else {
  // Links can arrive (macOS 'open-url') before the app is ready: queue them until the windows exist.
  const early: ProtocolLink[] = [];
  let openLink = (link: ProtocolLink) => {
    early.push(link);
  };
  let focus = () => {};
  const initialLink = handleLinks({ focus: () => focus(), openLink: (link) => openLink(link) }, log);
  if (initialLink) early.push(initialLink);

  void app.whenReady().then(() => {
    // No web permission (camera, notifications from the page, geolocation …) is ever granted to a page.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });

    const windows = createWindowManager(pageUrl, preloadPath, (conversationId) => conversationId);
    let presence: PublishedPresence = 'available';
    const focusedConversationId = () => windows.conversationOf(BrowserWindow.getFocusedWindow());

    const tray = new ElectronTray(trayIconPath, {
      setPresence: (chosen: OwnPresence) => {
        presence = chosen;
        tray.setPresence(chosen);
        power.userChose(chosen);
      },
      open: () => windows.showBuddyList(),
      quit: () => app.quit(),
    });
    const notifier = new ElectronNotifier({
      presence: () => presence,
      focusedConversationId,
      breakThrough: () => new Set<string>(),
      openConversation: (id) => windows.openChat(id),
    });

    const core = createAppCore(
      {
        appName: app.getName(),
        version: app.getVersion(),
        platform: process.platform,
        carrier: 'electron',
        profileDir: app.getPath('userData'),
        // Must be created after 'ready': safeStorage's backend is only known then.
        secrets: new SafeStorageSecretStore(safeStorage, app.getPath('userData')),
        notifier,
        status: tray,
      },
      log,
    );

    // Until the presence and account services expose their controls on the core, the OS lifecycle
    // rules drive what this process shows; the services subscribe to the same decisions when they land.
    const control: PresenceControl = {
      setPresence: (next) => {
        presence = next;
        tray.setPresence(next);
      },
      reconnect: () => log('power: resume → reconnect requested'),
      resubscribe: () => log('power: resume → resubscribe requested'),
    };
    const power = watchPower(control, DEFAULT_IDLE_MINUTES);

    registerIpc(core, pageUrl);
    windows.showBuddyList();
    focus = () => windows.showBuddyList();
    openLink = (link) => windows.openChat(`sip:${link.address}`);
    for (const link of early.splice(0)) openLink(link);

    // Closing every window keeps Parley signed in, in the tray (Quit is in the tray menu).
    app.on('window-all-closed', () => {});
    app.on('activate', () => windows.showBuddyList());
    app.on('before-quit', () => {
      power.stop();
      tray.destroy();
      void core.close();
    });
  });
}
