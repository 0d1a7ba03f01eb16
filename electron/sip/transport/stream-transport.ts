// SIP over TLS and TCP (RFC 3261 §18, RFC 5922 §7, RFC 5626 §4.4.1) behind the Transport seam.
// One connection per target flow, reused for every message to it; responses go back on the connection the
// request came in on (RFC 3261 §18.2.2); inbound bytes are framed by StreamFramer; idle connections send
// CRLFCRLF keep-alives and answer the peer's with CRLF.
import { connect as netConnect, createServer as createNetServer, isIP } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import type { PeerCertificate, TLSSocket, TlsOptions } from 'node:tls';
import { StreamFramer } from '../message/framing';
import { TransportError } from './transport';
import type { InboundData, Transport, TransportEvents, TransportTarget } from './transport';
import { TlsVerificationError, TransportErrorCode } from './errors';
import { checkSipIdentity, parseSubjectAltName } from './tls-identity';
import { pinFor, tlsClientOptions } from './tls-settings';
import type { TlsSettings } from './tls-settings';
import { chainOf, verifyPeer } from './tls-verification';
import type { PeerCertificateSummary, TlsVerification } from './tls-verification';
import { systemClock } from '../clock';
import type { Clock, TimerHandle } from '../clock';

export interface StreamTransportOptions {
  /** This account's TLS settings (trust, client certificate, legacy mode, pins, SRV-target compatibility). */
  readonly tls?: TlsSettings;
  /**
   * Send CRLFCRLF after this long without sending anything (RFC 5626 §4.4.1; protocol.md §2.13 item 58: sipe uses
   * 60 s, LCS expects it from internal clients). Default 45 s; 0 turns it off (edge-to-edge links, item 59).
   */
  readonly keepAliveIntervalMs?: number;
  /**
   * Treat the flow as failed when a ping gets no CRLF pong within this time (RFC 5626 §4.4.1 suggests 10 s).
   * Default 0 = off, because servers that do not implement RFC 5626 never answer.
   */
  readonly pongTimeoutMs?: number;
  /** Give up connecting after this long (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** OS-level TCP keep-alive probe delay (protocol.md §2.13 item 59). Default 60 s; 0 = off. */
  readonly tcpKeepAliveMs?: number;
  /** Largest inbound message before the framer gives up (default: the framer's 64 KiB, protocol.md §2.14). */
  readonly maxMessageBytes?: number;
  /**
   * Source address for outbound connections (an edge on a multi-homed host must connect from the address its
   * peers expect; the testbed's domains live on 127.0.0.2 and 127.0.0.3). Default: chosen by the OS.
   */
  readonly localAddress?: string;
  /** Schedules keep-alives and connect timeouts (tests pass a FakeClock). */
  readonly clock?: Clock;
  /** Wall-clock time for certificate validity (default Date.now). */
  readonly wallClock?: () => number;
}

export interface ListenOptions {
  readonly transport: 'tls' | 'tcp';
  readonly host: string;
  /** 0 or omitted = any free port. */
  readonly port?: number;
  /** Server key/cert (and `ca`, `requestCert` for mutual TLS, role B in protocol.md §2.1 item 2). */
  readonly tls?: TlsOptions;
}

export interface ConnectionInfo {
  readonly id: string;
  readonly transport: 'tls' | 'tcp';
  readonly direction: 'outbound' | 'inbound';
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly tlsServerName?: string;
  /** Outbound TLS: every check made on the server certificate. */
  readonly verification?: TlsVerification;
  /** Inbound TLS: the client certificate chain, if the client sent one. */
  readonly clientChain?: readonly PeerCertificateSummary[];
  readonly keepAliveIntervalMs: number;
  readonly pingsSent: number;
  readonly pongsReceived: number;
  readonly pingsAnswered: number;
  readonly lastPongAt?: number;
}

const PING = Buffer.from('\r\n\r\n');
const PONG = Buffer.from('\r\n');
/** Our own code for the RFC 5922 name check run inside checkServerIdentity, to tell it apart from chain errors. */
const NAME_ERROR_CODE = 'ERR_SIP_TLS_NAME_MISMATCH';

class Connection {
  readonly framer: StreamFramer;
  keepAliveTimer: TimerHandle | undefined;
  pongTimer: TimerHandle | undefined;
  keepAliveIntervalMs: number;
  pingsSent = 0;
  pongsReceived = 0;
  pingsAnswered = 0;
  lastPongAt: number | undefined;
  open = true;
  clientChain: PeerCertificateSummary[] | undefined;

  constructor(
    readonly id: string,
    readonly socket: Socket,
    readonly transport: 'tls' | 'tcp',
    readonly direction: 'outbound' | 'inbound',
    readonly key: string | undefined,
    readonly tlsServerName: string | undefined,
    readonly verification: TlsVerification | undefined,
    keepAliveIntervalMs: number,
    maxMessageBytes: number | undefined,
  ) {
    this.framer = new StreamFramer(maxMessageBytes !== undefined ? { maxMessageBytes } : undefined);
    this.keepAliveIntervalMs = keepAliveIntervalMs;
  }

  get label(): string {
    return `${this.transport}:${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }
}

export class StreamTransport implements Transport {
  private events: TransportEvents | undefined;
  private readonly timers: Clock;
  private readonly connections = new Map<string, Connection>();
  private readonly byKey = new Map<string, Connection>();
  private readonly pending = new Map<string, Promise<Connection>>();
  private readonly servers: Server[] = [];
  private seq = 0;
  private closed = false;

  constructor(private readonly opts: StreamTransportOptions = {}) {
    this.timers = opts.clock ?? systemClock;
  }

  setEvents(events: TransportEvents): void {
    this.events = events;
  }

  async send(wire: Buffer | string, target: TransportTarget): Promise<string> {
    if (this.closed) throw new TransportError('the transport is closed', TransportErrorCode.closed);
    const conn = await this.connectionFor(target);
    await this.write(conn, typeof wire === 'string' ? Buffer.from(wire, 'utf8') : wire);
    return conn.id;
  }

  /**
   * Opens (or reuses) the connection to a target without sending anything, so the caller can learn the local
   * address for its Contact before the first REGISTER, and see a TLS refusal before any credentials are sent.
   */
  async connect(target: TransportTarget): Promise<string> {
    if (this.closed) throw new TransportError('the transport is closed', TransportErrorCode.closed);
    return (await this.connectionFor(target)).id;
  }

  localEndpoint(connectionId: string): { host: string; port: number } | undefined {
    const c = this.connections.get(connectionId);
    if (!c || !c.open || c.socket.localAddress === undefined || c.socket.localPort === undefined) return undefined;
    return { host: c.socket.localAddress, port: c.socket.localPort };
  }

  /** What the diagnostics UI shows for one connection (certificate checks, keep-alive counters). */
  connectionInfo(connectionId: string): ConnectionInfo | undefined {
    const c = this.connections.get(connectionId);
    if (!c) return undefined;
    return {
      id: c.id,
      transport: c.transport,
      direction: c.direction,
      remoteAddress: c.socket.remoteAddress ?? '',
      remotePort: c.socket.remotePort ?? 0,
      localAddress: c.socket.localAddress ?? '',
      localPort: c.socket.localPort ?? 0,
      keepAliveIntervalMs: c.keepAliveIntervalMs,
      pingsSent: c.pingsSent,
      pongsReceived: c.pongsReceived,
      pingsAnswered: c.pingsAnswered,
      ...(c.tlsServerName !== undefined ? { tlsServerName: c.tlsServerName } : {}),
      ...(c.verification ? { verification: c.verification } : {}),
      ...(c.clientChain ? { clientChain: c.clientChain } : {}),
      ...(c.lastPongAt !== undefined ? { lastPongAt: c.lastPongAt } : {}),
    };
  }

  /** Ids of the open connections. */
  connectionIds(): string[] {
    return [...this.connections.values()].filter((c) => c.open).map((c) => c.id);
  }

  /**
   * Changes one connection's keep-alive interval, e.g. to the `timeout=` of an `ms-keep-alive` header in a REGISTER
   * 200 (protocol.md §2.13 item 58, [MS-CONMGMT]). 0 stops keep-alives on it.
   */
  setKeepAliveInterval(connectionId: string, ms: number): void {
    const c = this.connections.get(connectionId);
    if (!c) return;
    c.keepAliveIntervalMs = ms;
    this.scheduleKeepAlive(c);
  }

  /** Accept inbound connections (the federation-peer role, protocol.md §1 role B; also used by tests). */
  async listen(opts: ListenOptions): Promise<{ host: string; port: number }> {
    if (this.closed) throw new TransportError('the transport is closed', TransportErrorCode.closed);
    let server: Server;
    if (opts.transport === 'tls') {
      server = createTlsServer({ minVersion: 'TLSv1.2', ...opts.tls }, (socket: TLSSocket) => {
        const conn = this.adopt(socket, 'tls', 'inbound', undefined, undefined, undefined);
        const peer = socket.getPeerCertificate(true);
        if (peer && Object.keys(peer).length > 0) conn.clientChain = chainOf(peer);
      });
      // A failed inbound handshake is the client's problem; report it without taking the listener down.
      server.on('tlsClientError', (err) => this.events?.onError?.(new TransportError(`inbound TLS handshake failed: ${err.message}`, TransportErrorCode.tlsHandshake, { cause: err })));
    } else {
      server = createNetServer((socket) => this.adopt(socket, 'tcp', 'inbound', undefined, undefined, undefined));
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.push(server);
    const addr = server.address() as AddressInfo;
    return { host: addr.address, port: addr.port };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.connections.values()) this.drop(c);
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }

  // --- connections -------------------------------------------------------------------------------------------

  private keyOf(target: TransportTarget): string {
    return `${target.transport}|${target.host.toLowerCase()}|${target.port}|${(target.tlsServerName ?? '').toLowerCase()}`;
  }

  private async connectionFor(target: TransportTarget): Promise<Connection> {
    if (target.connectionId !== undefined) {
      const c = this.connections.get(target.connectionId);
      if (c?.open) return c;
      // RFC 3261 §18.2.2: if the connection a request came in on is gone, the response goes to the sent-by
      // address over a new connection; the caller put that address in host/port.
      if (!target.host || !target.port) {
        throw new TransportError(`connection ${target.connectionId} is closed and no address to reconnect to`, TransportErrorCode.connectionGone);
      }
    }
    const key = this.keyOf(target);
    const existing = this.byKey.get(key);
    if (existing?.open) return existing;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const p = this.openConnection(target, key).finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  private openConnection(target: TransportTarget, key: string): Promise<Connection> {
    const label = `${target.transport}:${target.host}:${target.port}`;
    const settings = this.opts.tls ?? {};
    const serverName = target.tlsServerName ?? target.host;
    const timeoutMs = this.opts.connectTimeoutMs ?? 10_000;
    return new Promise<Connection>((resolve, reject) => {
      let settled = false;
      let tcpConnected = false;
      let socket: Socket;
      const timer = this.timers.setTimeout(() => fail(new TransportError(`no connection to ${label} within ${timeoutMs} ms`, TransportErrorCode.connectTimeout)), timeoutMs);
      const fail = (err: TransportError): void => {
        if (settled) return;
        settled = true;
        this.timers.clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const succeed = (verification: TlsVerification | undefined): void => {
        if (settled) return;
        settled = true;
        this.timers.clearTimeout(timer);
        socket.removeListener('error', onError);
        if (this.closed) {
          socket.destroy();
          reject(new TransportError('the transport is closed', TransportErrorCode.closed));
          return;
        }
        resolve(this.adopt(socket, target.transport, 'outbound', key, target.transport === 'tls' ? serverName : undefined, verification));
      };
      const onError = (err: NodeJS.ErrnoException): void => {
        if (target.transport === 'tls' && tcpConnected) {
          fail(new TransportError(`TLS handshake with ${label} (${serverName}) failed: ${err.message}`, TransportErrorCode.tlsHandshake, { cause: err }));
        } else {
          fail(new TransportError(`cannot connect to ${label}: ${err.code ?? err.message}`, err.code ?? 'EIO', { cause: err }));
        }
      };

      if (target.transport === 'tls') {
        const alsoAccept = settings.acceptSrvTargetName && target.srvTargetName ? [target.srvTargetName] : [];
        const tlsSocket = tlsConnect({
          host: target.host,
          port: target.port,
          // tls.connect hands socket options to net.connect at runtime; @types/node 20 omits localAddress here.
          ...(this.opts.localAddress !== undefined ? ({ localAddress: this.opts.localAddress } as object) : {}),
          // RFC 6066 §3: SNI carries a host name, never an address; the SIP domain is what the server should present.
          ...(isIP(serverName) ? {} : { servername: serverName }),
          ...tlsClientOptions(settings),
          // The chain verdict is collected rather than enforced so that a pin can override it and the UI can show
          // every check; the connection is still refused below unless verifyPeer() authorizes it.
          rejectUnauthorized: false,
          // RFC 5922 §7 instead of Node's HTTPS rules (which allow wildcards and ignore SAN URI).
          checkServerIdentity: (_host: string, cert: PeerCertificate) => {
            const { dnsNames, uris } = parseSubjectAltName(cert.subjectaltname);
            const cn = cert.subject?.CN;
            const res = checkSipIdentity({ dnsNames, uris, commonName: Array.isArray(cn) ? cn[0] : cn }, serverName, alsoAccept);
            return res.ok ? undefined : Object.assign(new Error(res.detail), { code: NAME_ERROR_CODE });
          },
        });
        socket = tlsSocket;
        tlsSocket.once('connect', () => (tcpConnected = true));
        tlsSocket.once('secureConnect', () => {
          const authErr = tlsSocket.authorizationError as unknown as Error | string | null | undefined;
          const authCode = typeof authErr === 'string' ? authErr : (authErr as NodeJS.ErrnoException | null | undefined)?.code;
          const cipher = tlsSocket.getCipher();
          const verification = verifyPeer({
            peerCertificate: tlsSocket.getPeerCertificate(true),
            // Node runs checkServerIdentity only after the chain passed, so our own name error means "chain ok".
            chainError: authCode === NAME_ERROR_CODE ? undefined : authErr,
            serverName,
            ...(target.srvTargetName !== undefined ? { srvTargetName: target.srvTargetName } : {}),
            acceptSrvTargetName: settings.acceptSrvTargetName ?? false,
            ...(pinFor(settings, serverName) !== undefined ? { pinnedFingerprint256: pinFor(settings, serverName) } : {}),
            now: (this.opts.wallClock ?? Date.now)(),
            protocol: tlsSocket.getProtocol(),
            ...(cipher ? { cipher: cipher.name } : {}),
          });
          if (verification.authorized) succeed(verification);
          else fail(new TlsVerificationError(verification, label));
        });
      } else {
        socket = netConnect({ host: target.host, port: target.port, ...(this.opts.localAddress !== undefined ? { localAddress: this.opts.localAddress } : {}) });
        socket.once('connect', () => {
          tcpConnected = true;
          succeed(undefined);
        });
      }
      socket.on('error', onError);
    });
  }

  private adopt(
    socket: Socket,
    transport: 'tls' | 'tcp',
    direction: 'outbound' | 'inbound',
    key: string | undefined,
    tlsServerName: string | undefined,
    verification: TlsVerification | undefined,
  ): Connection {
    const id = `${transport}-${direction === 'outbound' ? 'out' : 'in'}-${++this.seq}`;
    const conn = new Connection(id, socket, transport, direction, key, tlsServerName, verification, this.opts.keepAliveIntervalMs ?? 45_000, this.opts.maxMessageBytes);
    this.connections.set(id, conn);
    if (key !== undefined) this.byKey.set(key, conn);
    socket.setNoDelay(true);
    const tcpKeepAlive = this.opts.tcpKeepAliveMs ?? 60_000;
    if (tcpKeepAlive > 0) socket.setKeepAlive(true, tcpKeepAlive);
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.events?.onError?.(new TransportError(`connection ${conn.label} failed: ${err.code ?? err.message}`, err.code ?? 'EIO', { cause: err }), id);
    });
    socket.on('close', () => {
      this.forget(conn);
      this.connections.delete(id);
      this.events?.onClose?.(id);
    });
    this.scheduleKeepAlive(conn);
    return conn;
  }

  private onData(conn: Connection, chunk: Buffer): void {
    if (!conn.open) return;
    for (const ev of conn.framer.push(chunk)) {
      switch (ev.type) {
        case 'message': {
          const data: InboundData = {
            bytes: ev.bytes,
            connectionId: conn.id,
            transport: conn.transport,
            remoteAddress: conn.socket.remoteAddress ?? '',
            remotePort: conn.socket.remotePort ?? 0,
            localAddress: conn.socket.localAddress ?? '',
            localPort: conn.socket.localPort ?? 0,
          };
          this.events?.onMessage(data);
          break;
        }
        case 'ping':
          // RFC 5626 §4.4.1: a CRLFCRLF ping is answered with a single CRLF pong.
          conn.pingsAnswered++;
          this.write(conn, PONG, false).catch(() => undefined);
          break;
        case 'pong':
          conn.pongsReceived++;
          conn.lastPongAt = this.timers.now();
          if (conn.pongTimer !== undefined) {
            this.timers.clearTimeout(conn.pongTimer);
            conn.pongTimer = undefined;
          }
          break;
        case 'error':
          // The framer is unusable after an error: close the connection and say why (RFC 3261 §18.3: a stream
          // whose framing is lost cannot be resynchronised).
          this.events?.onError?.(new TransportError(`cannot frame the stream from ${conn.label}: ${ev.error.reason}`, TransportErrorCode.framing, { cause: ev.error }), conn.id);
          this.drop(conn);
          return;
      }
    }
  }

  private write(conn: Connection, data: Buffer, countsAsActivity = true): Promise<void> {
    if (!conn.open || conn.socket.destroyed) {
      return Promise.reject(new TransportError(`connection ${conn.label} is closed`, TransportErrorCode.connectionGone));
    }
    if (countsAsActivity) this.scheduleKeepAlive(conn);
    return new Promise<void>((resolve, reject) => {
      conn.socket.write(data, (err) => {
        if (err) reject(new TransportError(`cannot send on ${conn.label}: ${err.message}`, (err as NodeJS.ErrnoException).code ?? 'EIO', { cause: err }));
        else resolve();
      });
    });
  }

  /** (Re)arms the idle timer: a ping goes out only after `keepAliveIntervalMs` with nothing sent. */
  private scheduleKeepAlive(conn: Connection): void {
    if (conn.keepAliveTimer !== undefined) this.timers.clearTimeout(conn.keepAliveTimer);
    conn.keepAliveTimer = undefined;
    if (!conn.open || conn.keepAliveIntervalMs <= 0) return;
    conn.keepAliveTimer = this.timers.setTimeout(() => this.sendPing(conn), conn.keepAliveIntervalMs);
  }

  private sendPing(conn: Connection): void {
    conn.keepAliveTimer = undefined;
    if (!conn.open) return;
    conn.pingsSent++;
    this.write(conn, PING).catch(() => undefined);
    const pongTimeout = this.opts.pongTimeoutMs ?? 0;
    if (pongTimeout > 0 && conn.pongTimer === undefined) {
      conn.pongTimer = this.timers.setTimeout(() => {
        conn.pongTimer = undefined;
        // RFC 5626 §4.4.1: no pong in time means the flow failed; close it so the next send reconnects.
        this.events?.onError?.(new TransportError(`no keep-alive pong from ${conn.label} within ${pongTimeout} ms`, TransportErrorCode.keepAlive), conn.id);
        this.drop(conn);
      }, pongTimeout);
    }
  }

  private forget(conn: Connection): void {
    conn.open = false;
    if (conn.keepAliveTimer !== undefined) this.timers.clearTimeout(conn.keepAliveTimer);
    if (conn.pongTimer !== undefined) this.timers.clearTimeout(conn.pongTimer);
    conn.keepAliveTimer = conn.pongTimer = undefined;
    if (conn.key !== undefined && this.byKey.get(conn.key) === conn) this.byKey.delete(conn.key);
  }

  private drop(conn: Connection): void {
    this.forget(conn);
    conn.socket.destroy();
  }
}
