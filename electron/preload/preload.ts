// Builds `window.parley` from the contract (house rule 2): one invoke function and one event
// subscription, each refusing names the contract does not list. Nothing else of Electron is exposed.
// Bundled with shared/ipc into one CommonJS file, because a sandboxed preload cannot require modules.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { BridgeApi } from '../../shared/ipc/bridge-api';
import { isCommandName, isEventName } from '../../shared/ipc/contract';
import { fail } from '../../shared/ipc/result';

const INVOKE_CHANNEL = 'parley:invoke';
const EVENT_CHANNEL = 'parley:event';

const api: BridgeApi = {
  invoke(name, payload) {
    if (!isCommandName(name)) return Promise.resolve(fail('unknown-command', `unknown command ${String(name)}`));
    return ipcRenderer.invoke(INVOKE_CHANNEL, name, payload);
  },
  on(name, listener) {
    if (!isEventName(name)) throw new Error(`unknown event ${String(name)}`);
    const handler = (_event: IpcRendererEvent, eventName: unknown, payload: unknown) => {
      if (eventName === name) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('parley', api);
