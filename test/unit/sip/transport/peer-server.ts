// A raw node:tls / node:net server on loopback that records what it receives, so transport tests can assert on
// the bytes on the wire and write arbitrary bytes back.
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TLSSocket, TlsOptions } from 'node:tls';

export interface PeerServer {
  readonly port: number;
  readonly sockets: Socket[];
  /** Everything received, per connection, as latin1 text. */
  readonly received: string[];
  /** Resolves once the total received text of some connection satisfies `pred`. */
  waitFor(pred: (text: string, index: number) => boolean, timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

export async function startPeer(kind: 'tls' | 'tcp', tlsOptions: TlsOptions = {}): Promise<PeerServer> {
  const sockets: Socket[] = [];
  const received: string[] = [];
  const waiters: Array<() => void> = [];
  const onSocket = (s: Socket): void => {
    const index = sockets.length;
    sockets.push(s);
    received.push('');
    s.on('data', (b: Buffer) => {
      received[index] += b.toString('latin1');
      for (const w of [...waiters]) w();
    });
    s.on('error', () => undefined);
    for (const w of [...waiters]) w();
  };
  const server: Server =
    kind === 'tls'
      ? createTlsServer({ minVersion: 'TLSv1.2', ...tlsOptions }, (s: TLSSocket) => onSocket(s)).on('tlsClientError', () => undefined)
      : createNetServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    sockets,
    received,
    waitFor(pred, timeoutMs = 3000) {
      return new Promise<number>((resolve, reject) => {
        const check = (): void => {
          const i = received.findIndex((t, idx) => pred(t, idx));
          if (i >= 0) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve(i);
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`peer did not receive the expected bytes; got ${JSON.stringify(received)}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
