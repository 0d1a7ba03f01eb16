// The only code in the renderer that touches a carrier. In the desktop app the preload has put
// `window.parley` there; in a browser against the headless host, we build the same API over a WebSocket.
// Everything else imports `bridge` and cannot tell which carrier it has (architecture.md decision 3).
import type { BridgeApi } from '../../../shared/ipc/bridge-api';
import { createWebSocketCarrier } from './websocket-carrier';

declare global {
  interface Window {
    parley?: BridgeApi;
  }
}

export const bridge: BridgeApi = window.parley ?? createWebSocketCarrier(window.location);
