// The seam between the SIP core and the network (architecture.md house rule 5): the transaction layer
// sees only this interface, so tests swap in the in-memory loop transport and production uses TLS/TCP.

/** Where a message goes: a resolved next hop (RFC 3263 output) or the connection a request came in on. */
export interface TransportTarget {
  /** 'tls' | 'tcp' (never UDP on federation links: protocol.md §2.1 item 1). */
  readonly transport: 'tls' | 'tcp';
  readonly host: string;
  readonly port: number;
  /** The name the TLS certificate must match (RFC 5922 §7.1): the SIP domain, not the SRV target. */
  readonly tlsServerName?: string;
  /**
   * The SRV target host name this address was resolved through (for diagnostics, and for the opt-in Microsoft-edge
   * compatibility check that accepts a certificate naming the SRV target; RFC 5922 §7.3 forbids that by default).
   */
  readonly srvTargetName?: string;
  /** Reply over this existing connection (RFC 3261 §18.2.2: responses go back on the connection the request used). */
  readonly connectionId?: string;
}

/** A message as it came off the wire, with the connection it arrived on. */
export interface InboundData {
  /** One framed SIP message (bytes exactly as received). */
  readonly bytes: Buffer;
  readonly connectionId: string;
  readonly transport: 'tls' | 'tcp';
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
}

export interface TransportEvents {
  /** A complete, framed SIP message. Parsing happens above this layer. */
  onMessage(data: InboundData): void;
  /** A stream could not be framed (e.g. oversized message): the connection is closed and this is reported. */
  onError?(error: Error, connectionId?: string): void;
  /** A connection closed (either side). */
  onClose?(connectionId: string): void;
}

export interface Transport {
  /**
   * Sends one serialized message. Rejects with a TransportError when it cannot be delivered; the
   * transaction layer turns that into a 503 for its user (RFC 3261 §8.1.3.1).
   * Resolves with the id of the connection used, so later messages of the same flow can reuse it.
   */
  send(wire: Buffer | string, target: TransportTarget): Promise<string>;
  /** Local address and port a Via/Contact should name for this target, once connected. */
  localEndpoint(connectionId: string): { host: string; port: number } | undefined;
  setEvents(events: TransportEvents): void;
  close(): Promise<void>;
}

/** A transport-level failure: RFC 3261 §8.1.3.1 says the transaction user sees it as a 503. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(message: string, readonly code: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
