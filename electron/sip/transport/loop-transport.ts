// An in-memory connected pair of transports for tests (architecture.md house rule 9; the PJSIP
// sip_transport_loop.h idea): whatever one end sends arrives at the other end's onMessage, asynchronously (on a
// microtask, as a socket would), with a wire log both ends share so tests can assert the exact messages.
import { TransportError } from './transport';
import type { InboundData, Transport, TransportEvents, TransportTarget } from './transport';

export interface LoopEndpointOptions {
  /** Address this end reports as its own (shows up as the peer's remoteAddress). */
  readonly host: string;
  readonly port: number;
}

/** One entry of the shared wire log. */
export interface LoopWireEntry {
  readonly from: string;
  readonly to: string;
  readonly wire: string;
}

export class LoopTransport implements Transport {
  private events: TransportEvents | undefined;
  peer: LoopTransport | undefined;
  /** When set, send() rejects with this code (simulates a broken connection: RFC 3261 §8.1.3.1 → 503). */
  failSendsWith: string | undefined;
  /** When it returns true the message is silently lost (simulates an unreliable network). */
  drop: ((wire: string) => boolean) | undefined;
  closed = false;

  constructor(
    readonly name: string,
    readonly endpoint: LoopEndpointOptions,
    private readonly log: LoopWireEntry[],
  ) {}

  get connectionId(): string {
    return `loop:${this.name}`;
  }

  setEvents(events: TransportEvents): void {
    this.events = events;
  }

  localEndpoint(_connectionId: string): { host: string; port: number } {
    return { host: this.endpoint.host, port: this.endpoint.port };
  }

  async send(wire: Buffer | string, _target: TransportTarget): Promise<string> {
    const text = typeof wire === 'string' ? wire : wire.toString('utf8');
    if (this.failSendsWith) throw new TransportError(`loop send failed: ${this.failSendsWith}`, this.failSendsWith);
    if (this.closed || !this.peer) throw new TransportError('loop transport closed', 'ECONNRESET');
    const peer = this.peer;
    this.log.push({ from: this.name, to: peer.name, wire: text });
    if (this.drop?.(text)) return this.connectionId;
    const data: InboundData = {
      bytes: Buffer.from(text, 'utf8'),
      connectionId: peer.connectionId,
      transport: 'tls',
      remoteAddress: this.endpoint.host,
      remotePort: this.endpoint.port,
      localAddress: peer.endpoint.host,
      localPort: peer.endpoint.port,
    };
    queueMicrotask(() => peer.deliver(data));
    return this.connectionId;
  }

  /** Injects raw bytes as if the peer had sent them (for malformed-input tests). */
  inject(bytes: Buffer | string): void {
    const peer = this.peer;
    const data: InboundData = {
      bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes,
      connectionId: this.connectionId,
      transport: 'tls',
      remoteAddress: peer?.endpoint.host ?? '127.0.0.1',
      remotePort: peer?.endpoint.port ?? 5061,
      localAddress: this.endpoint.host,
      localPort: this.endpoint.port,
    };
    queueMicrotask(() => this.deliver(data));
  }

  private deliver(data: InboundData): void {
    if (!this.closed) this.events?.onMessage(data);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.events?.onClose?.(this.connectionId);
  }
}

/** Two transports wired back to back, sharing one wire log. */
export function createLoopPair(
  a: LoopEndpointOptions & { name?: string } = { host: '127.0.0.1', port: 5061 },
  b: LoopEndpointOptions & { name?: string } = { host: '127.0.0.2', port: 5061 },
): { a: LoopTransport; b: LoopTransport; log: LoopWireEntry[] } {
  const log: LoopWireEntry[] = [];
  const ta = new LoopTransport(a.name ?? 'a', a, log);
  const tb = new LoopTransport(b.name ?? 'b', b, log);
  ta.peer = tb;
  tb.peer = ta;
  return { a: ta, b: tb, log };
}
