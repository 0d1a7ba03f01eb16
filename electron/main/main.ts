// The desktop app's main process: a thin shell that gives the core its platform and windows.
// Everything that can run without Electron lives in electron/core (architecture.md decision 2).
import { app, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAppCore } from '../core/app-core';
import { MemorySecretStore } from '../core/platform/platform';
import { registerIpc } from './ipc-router';
import { createMainWindow } from './windows';

// Bundled to dist/main/main.cjs; the renderer and preload sit beside it in dist/.
const distDir = join(__dirname, '..');
const pageUrl = pathToFileURL(join(distDir, 'renderer', 'index.html')).toString();
const preloadPath = join(distDir, 'preload', 'preload.cjs');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(() => {
    // No web permission (camera, notifications from the page, geolocation …) is ever granted to a page.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    const core = createAppCore(
      {
        appName: app.getName(),
        version: app.getVersion(),
        platform: process.platform,
        carrier: 'electron',
        profileDir: app.getPath('userData'),
        // The safeStorage-backed store arrives with the desktop-shell issue; until then nothing persists.
        secrets: new MemorySecretStore(),
      },
      (line) => console.error(line),
    );
    registerIpc(core, pageUrl);
    createMainWindow(pageUrl, preloadPath);
    app.on('window-all-closed', () => app.quit());
  });
}
