// The desktop app's main process: a thin shell that gives the core its platform and windows.
// Everything that can run without Electron lives in electron/core (architecture.md decision 2), and the
// decisions made here live in pure modules beside this file (policies, rules, parsers) with unit tests.
import { BrowserWindow, Notification, app, powerMonitor, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAppCore } from '../core/app-core';
import type { Dispatch } from '../core/ipc/dispatcher';
import type { OwnPresence, PresenceControl } from '../core/platform/desktop-facilities';
import { claimSingleInstance, handleLinks } from './app-links';
import { CoreBridge } from './core-bridge';
import { registerIpc } from './ipc-router';
import { ElectronNotifier } from './notifications';
import { watchPower } from './power-monitor';
import type { ProtocolLink } from './protocol-link';
import { SafeStorageSecretStore } from './safe-storage-secret-store';
import { systemIdleSource } from './system-idle';
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
    const focusedConversationId = () => windows.conversationOf(BrowserWindow.getFocusedWindow());

    const tray = new ElectronTray(trayIconPath, {
      // The core answers with presence.own, which the bridge shows in the tray and tells the power rules.
      setPresence: (chosen: OwnPresence) => void core.dispatch('presence.setOwn', { status: chosen }),
      open: () => windows.showBuddyList(),
      quit: () => app.quit(),
    });
    const notifier = new ElectronNotifier({
      presence: () => bridge.presence,
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
      },
      // Automatic Away after the settings' idle minutes, from the OS's idle time.
      { log, idle: systemIdleSource(() => powerMonitor.getSystemIdleTime()) },
    );

    // Notifications, tray badge/status and the power rules' actions go through one pure mapping (core-bridge.ts).
    const bridge = new CoreBridge(
      {
        unreadTotal: () => core.history.unreadTotal(),
        notificationSettings: () => core.settings.peek().notifications,
        focusedConversationId,
        notificationsSupported: () => Notification.isSupported(),
      },
      {
        showNotification: (decision) => notifier.show(decision),
        setUnreadCount: (count) => tray.setUnreadCount(count),
        setTrayPresence: (next) => tray.setPresence(next),
        setConnection: (state, detail) => tray.setConnection(state, detail),
        setOwn: (status) => void core.dispatch('presence.setOwn', { status }),
        // The account session re-registers by itself after a network change; there is no reconnect command yet.
        reconnect: () => log('power: resume → the account session re-registers by itself'),
        resubscribe: () => core.presence.resubscribe(),
        userChose: (status) => power.userChose(status),
      },
    );
    const unsubscribeBridge = core.events.subscribe((name, payload) => bridge.onEvent(name, payload as never));
    bridge.refreshUnread();

    // The OS lifecycle rules (sleep, resume, screen lock) act on the core through the bridge. Idle time is the
    // core's (settings' idle minutes): the rules' own idle poll is set to a day so it only reports a locked screen.
    const control: PresenceControl = {
      setPresence: (next) => bridge.applyPower([{ type: 'setPresence', presence: next }]),
      reconnect: () => bridge.applyPower([{ type: 'reconnect' }]),
      resubscribe: () => bridge.applyPower([{ type: 'resubscribe' }]),
    };
    const power = watchPower(control, 24 * 60);

    // Reading a conversation lowers the badge, but no event says so: refresh after each window command.
    const dispatch: Dispatch = async (name, payload) => {
      const result = await core.dispatch(name, payload);
      bridge.afterCommand(String(name));
      return result;
    };
    registerIpc({ ...core, dispatch }, pageUrl);
    windows.showBuddyList();
    focus = () => windows.showBuddyList();
    openLink = (link) => windows.openChat(`sip:${link.address}`);
    for (const link of early.splice(0)) openLink(link);

    // Closing every window keeps Parley signed in, in the tray (Quit is in the tray menu).
    app.on('window-all-closed', () => {});
    app.on('activate', () => windows.showBuddyList());
    app.on('before-quit', () => {
      power.stop();
      unsubscribeBridge();
      tray.destroy();
      void core.close();
    });
  });
}
