// The headless host: the built renderer plus the IPC contract over a WebSocket, on 127.0.0.1 only.
// It lets the real UI run in a browser where the Electron binary cannot (architecture.md decision 3).
// Who may talk to it: a page that knows the random per-run token and whose Origin is this server.
// Without both, the upgrade is refused, so another local page or process cannot drive the account.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { clientFrame, MAX_FRAME_BYTES } from '../../shared/ipc/wire';
import type { ServerFrame } from '../../shared/ipc/wire';
import type { AppCore } from '../core/app-core';
import { loadStaticFile } from './static-files';

export interface HostOptions {
  core: AppCore;
  /** Folder with the built renderer (index.html, app.js …). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  log?: (line: string) => void;
}

export interface RunningHost {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const log = options.log ?? (() => {});
  const token = randomBytes(24).toString('base64url');
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('host: no TCP address');
  const port = address.port;
  const origin = `http://${LOOPBACK}:${port}`;
  const expectedHost = `${LOOPBACK}:${port}`;

  server.on('request', async (req, res) => {
    // A Host check defeats DNS rebinding: a foreign name resolving to 127.0.0.1 is not us.
    if (req.headers.host !== expectedHost || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(403).end();
      return;
    }
    const path = new URL(req.url ?? '/', origin).pathname;
    const file = await loadStaticFile(options.rendererDir, path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': contentSecurityPolicy(),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const clients = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    const refusal =
      req.headers.host !== expectedHost ? 'wrong Host'
      : url.pathname !== '/bridge' ? 'wrong path'
      : !sameToken(url.searchParams.get('token'), token) ? 'missing or wrong token'
      : req.headers.origin !== origin ? `foreign Origin ${String(req.headers.origin)}`
      : undefined;
    if (refusal) {
      log(`host: refused WebSocket (${refusal})`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('message', (data, isBinary) => void onFrame(ws, data.toString(), isBinary));
    });
  });

  async function onFrame(ws: WebSocket, text: string, isBinary: boolean): Promise<void> {
    let raw: unknown;
    try {
      raw = isBinary ? undefined : JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const frame = clientFrame.safeParse(raw);
    if (!frame.success) {
      // No id to answer to: say so on the log and keep the connection (the page may recover).
      log('host: dropped a malformed frame');
      return;
    }
    const result = await options.core.dispatch(frame.data.name, frame.data.payload);
    send(ws, { type: 'result', id: frame.data.id, result });
  }

  function send(ws: WebSocket, frame: ServerFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  const unsubscribe = options.core.events.subscribe((name, payload) => {
    for (const ws of clients) send(ws, { type: 'event', name, payload });
  });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
