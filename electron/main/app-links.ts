// Single instance and sip:/sips:/im: links. A second launch (a link clicked while Parley runs, or the
// user starting it again) focuses the first instance and forwards its argv there; macOS delivers links
// through 'open-url' instead. Parsing is protocol-link.ts's; this file only wires Electron's events.
import { app } from 'electron';
import { resolve } from 'node:path';
import { LINK_SCHEMES, linkFromArgv, shouldClaimScheme, tryParseProtocolLink } from './protocol-link';
import type { ProtocolLink } from './protocol-link';

export interface LinkHost {
  /** Bring the buddy list forward (second instance without a link). */
  focus(): void;
  openLink(link: ProtocolLink): void;
}

/** Returns false when another instance holds the lock: the caller must quit at once. */
export function claimSingleInstance(): boolean {
  return app.requestSingleInstanceLock();
}

/** Registers the schemes (unless another app owns them) and routes links and second instances to `host`. */
export function handleLinks(host: LinkHost, log: (line: string) => void): ProtocolLink | undefined {
  for (const scheme of LINK_SCHEMES) {
    if (!shouldClaimScheme(app.getApplicationNameForProtocol(`${scheme}://`), app.getName())) {
      log(`not registering for ${scheme}: links: another application handles them`);
      continue;
    }
    // Started as `electron .` in development the OS must be told to pass the app path too.
    const ok = process.defaultApp && process.argv[1]
      ? app.setAsDefaultProtocolClient(scheme, process.execPath, [resolve(process.argv[1])])
      : app.setAsDefaultProtocolClient(scheme);
    if (!ok) log(`could not register for ${scheme}: links`);
  }

  app.on('second-instance', (_event, argv) => {
    const link = linkFromArgv(argv);
    if (link) host.openLink(link);
    else host.focus();
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = tryParseProtocolLink(url);
    if (link) host.openLink(link);
    else log('ignored a link that is not a valid sip:, sips: or im: address');
  });
  // The link this first instance was started with (Windows/Linux), to open once the core is up.
  return linkFromArgv(process.argv.slice(1));
}
