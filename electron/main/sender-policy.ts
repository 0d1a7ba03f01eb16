// Who may call main over IPC (house rule 4, after VS Code's validateEvent): only the main frame of one
// of our own windows, showing our own bundled page. Pure so that plain-Node tests can check it.

export interface IpcSender {
  /** URL of the frame that sent the message (senderFrame.url). */
  readonly frameUrl: string | undefined;
  /** Whether that frame is its window's top frame (senderFrame === sender.mainFrame). */
  readonly isMainFrame: boolean;
}

/** `trustedPageUrl` is the file:// URL of dist/renderer/index.html. Query and hash may differ. */
export function isTrustedSender(sender: IpcSender, trustedPageUrl: string): boolean {
  if (!sender.isMainFrame || !sender.frameUrl) return false;
  let url: URL;
  let trusted: URL;
  try {
    url = new URL(sender.frameUrl);
    trusted = new URL(trustedPageUrl);
  } catch {
    return false;
  }
  return url.protocol === trusted.protocol && url.host === trusted.host && url.pathname === trusted.pathname;
}

/** Navigation away from our page is never wanted: links go to the OS browser instead. */
export function isAllowedNavigation(targetUrl: string, trustedPageUrl: string): boolean {
  return isTrustedSender({ frameUrl: targetUrl, isMainFrame: true }, trustedPageUrl);
}
