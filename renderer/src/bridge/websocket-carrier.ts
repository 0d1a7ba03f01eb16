// The headless host's carrier: the IPC contract over a WebSocket to the loopback host that served this
// page. The token comes from this page's URL; the host refuses the socket without it.
import type { BridgeApi } from '../../../shared/ipc/bridge-api';
import type { ServerFrame } from '../../../shared/ipc/wire';
import type { IpcResult } from '../../../shared/ipc/result';

type Pending = (result: IpcResult<unknown>) => void;

export function createWebSocketCarrier(location: Location): BridgeApi {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener('open', () => {
        socket = ws;
        resolve(ws);
      });
      ws.addEventListener('message', (ev) => onFrame(String(ev.data)));
      ws.addEventListener('close', () => {
        socket = undefined;
        opened = undefined;
        // Calls still waiting will not be answered by this socket: fail them with a reason.
        for (const [id, settle] of pending) {
          pending.delete(id);
          settle({ ok: false, error: { code: 'unavailable', message: 'connection to Parley was lost' } });
        }
        reject(new Error('connection to Parley was refused or lost'));
      });
    });
    return opened;
  }

  function onFrame(text: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'result') {
      const settle = pending.get(frame.id);
      pending.delete(frame.id);
      settle?.(frame.result as IpcResult<unknown>);
    } else if (frame.type === 'event') {
      for (const listener of listeners.get(frame.name) ?? []) listener(frame.payload);
    }
  }

  return {
    async invoke(name, payload) {
      let ws: WebSocket;
      try {
        ws = socket ?? (await connect());
      } catch (error) {
        return { ok: false, error: { code: 'unavailable', message: (error as Error).message } };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as Pending);
        ws.send(JSON.stringify({ type: 'invoke', id, name, payload }));
      });
    },
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      const l = listener as (payload: unknown) => void;
      set.add(l);
      void connect().catch(() => {});
      return () => set.delete(l);
    },
  };
}
