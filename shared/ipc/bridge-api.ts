// What a carrier exposes to the renderer as `window.parley`: the preload builds it from Electron IPC,
// the headless host's page builds it over a WebSocket. The renderer cannot tell them apart.
import type { CommandName, CommandRequest, CommandResponse, EventName, EventPayload } from './contract';
import type { IpcResult } from './result';

export interface BridgeApi {
  invoke<K extends CommandName>(name: K, payload: CommandRequest<K>): Promise<IpcResult<CommandResponse<K>>>;
  /** Subscribes to one event; returns the unsubscribe function. */
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
}
