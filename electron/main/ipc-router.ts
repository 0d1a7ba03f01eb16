// Electron's carrier of the IPC contract: one invoke channel into the core's dispatcher, one event
// channel out. The sender is checked before anything else; payloads stay `unknown` until the
// dispatcher has validated them against the contract.
import { ipcMain, webContents } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { fail } from '../../shared/ipc/result';
import type { AppCore } from '../core/app-core';
import { isTrustedSender } from './sender-policy';

export const INVOKE_CHANNEL = 'parley:invoke';
export const EVENT_CHANNEL = 'parley:event';

export function registerIpc(core: AppCore, trustedPageUrl: string): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event: IpcMainInvokeEvent, name: unknown, payload: unknown) => {
    const frame = event.senderFrame;
    const sender = { frameUrl: frame?.url, isMainFrame: frame !== null && frame === event.sender.mainFrame };
    if (!isTrustedSender(sender, trustedPageUrl)) return fail('forbidden', 'IPC from an untrusted frame');
    return core.dispatch(name, payload);
  });
  const unsubscribe = core.events.subscribe((name, payload) => {
    for (const contents of webContents.getAllWebContents()) {
      if (isTrustedSender({ frameUrl: contents.getURL(), isMainFrame: true }, trustedPageUrl)) {
        contents.send(EVENT_CHANNEL, name, payload);
      }
    }
  });
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe();
  };
}
