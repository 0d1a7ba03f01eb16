// The tray icon (and the macOS dock badge) behind the core's StatusIndicator. What to show is decided by
// tray-badge.ts and tray-menu.ts, the count is drawn by tray-raster.ts; this file only talks to Electron.
import { Menu, Tray, app, nativeImage } from 'electron';
import type { NativeImage } from 'electron';
import type { ConnectionSummary, OwnPresence, PublishedPresence, StatusIndicator } from '../core/platform/desktop-facilities';
import { trayAppearance } from './tray-badge';
import type { TrayState } from './tray-badge';
import { trayMenuTemplate } from './tray-menu';
import { drawBadge, swapRedBlue } from './tray-raster';

export interface TrayHost {
  setPresence(presence: OwnPresence): void;
  open(): void;
  quit(): void;
}

/** Tray icon size in device-independent pixels per platform. */
function traySize(platform: string): number {
  return platform === 'win32' ? 16 : platform === 'darwin' ? 18 : 24;
}

export class ElectronTray implements StatusIndicator {
  readonly #tray: Tray;
  readonly #base: NativeImage;
  #state: TrayState = { unread: 0, presence: 'available', connection: 'signed-out' };

  constructor(iconPath: string, private readonly host: TrayHost) {
    const size = traySize(process.platform);
    this.#base = nativeImage.createFromPath(iconPath).resize({ width: size, height: size, quality: 'best' });
    this.#tray = new Tray(this.#base);
    this.#tray.on('click', () => host.open());
    this.#render();
  }

  setUnreadCount(count: number): void {
    this.#update({ unread: count });
  }

  setPresence(presence: PublishedPresence): void {
    this.#update({ presence });
  }

  setConnection(state: ConnectionSummary, detail?: string): void {
    this.#update(detail === undefined ? { connection: state, connectionDetail: undefined } : { connection: state, connectionDetail: detail });
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #update(change: Partial<TrayState>): void {
    this.#state = { ...this.#state, ...change };
    this.#render();
  }

  #render(): void {
    const look = trayAppearance(this.#state, process.platform);
    this.#tray.setToolTip(look.tooltip);
    if (look.dockBadge) {
      app.dock?.setBadge(look.badgeText);
      this.#tray.setTitle(look.badgeText);
    }
    this.#tray.setImage(look.drawInIcon ? this.#withBadge(look.badgeText) : this.#base);
    this.#tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate(this.#state.presence, (command) => {
          if (command.kind === 'set-presence') this.host.setPresence(command.presence);
          else if (command.kind === 'open') this.host.open();
          else this.host.quit();
        }),
      ),
    );
  }

  // nativeImage bitmaps are BGRA on Windows and Linux (Skia's N32 order); the raster works in RGBA.
  #withBadge(text: string): NativeImage {
    const { width, height } = this.#base.getSize();
    const bgra = this.#base.toBitmap();
    const drawn = drawBadge({ width, height, data: swapRedBlue(new Uint8Array(bgra)) }, text);
    return nativeImage.createFromBitmap(Buffer.from(swapRedBlue(drawn.data)), { width, height });
  }
}
