// The transaction layer (RFC 3261 §17): files transactions under their matching keys (§17.1.3 client, §17.2.3
// server, with the RFC 2543 fallback of §17.2.3 for requests without a magic-cookie branch), owns every timer
// through the injectable clock, absorbs retransmissions, and reports upward only through TransactionUser
// (architecture.md house rule 5).
import { randomBytes } from 'node:crypto';
import { systemClock } from '../clock';
import type { Clock } from '../clock';
import type { SipRequest, SipResponse } from '../message/message';
import type { InboundData, Transport, TransportTarget } from '../transport/transport';
import type { ClientTransaction } from './client-transaction';
import { InviteClientTransaction } from './invite-client';
import { InviteServerTransaction } from './invite-server';
import { NonInviteClientTransaction } from './non-invite-client';
import { NonInviteServerTransaction } from './non-invite-server';
import type { ServerTransaction } from './server-transaction';
import { DEFAULT_TIMER_SETTINGS, timerValues } from './timers';
import type { TimerSettings } from './timers';
import type { Transaction, TransactionContext } from './transaction-base';
import { silentLogger } from './transaction-user';
import type { ClientTransactionUser, SipLogger, TransactionUser } from './transaction-user';

/** RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with this magic cookie. */
export const MAGIC_COOKIE = 'z9hG4bK';

export interface TransactionLayerOptions {
  readonly clock?: Clock;
  readonly timers?: Partial<TimerSettings>;
  /**
   * Whether the transport is reliable (TCP/TLS: the only transports we use, protocol.md §2.1 item 1). When
   * false the unreliable-transport timers (A, E, G retransmissions; T4/32 s waits) run as §17 specifies for UDP.
   */
  readonly reliable?: boolean;
  /** The sent-by (host, port) put in the Via of requests we originate (§18.2.1). */
  readonly sentBy?: (target: TransportTarget) => { host: string; port?: number };
  /** Branch generator (after the magic cookie); tests pass a deterministic one. */
  readonly newBranch?: () => string;
  readonly logger?: SipLogger;
}

/** Response routing for a request that came in on a connection (§18.2.2: reuse it, else received + sent-by port). */
export function responseTarget(request: SipRequest, inbound: InboundData): TransportTarget {
  const via = request.topVia;
  return {
    transport: inbound.transport,
    host: via.received ?? inbound.remoteAddress,
    port: via.port ?? (inbound.transport === 'tls' ? 5061 : 5060),
    connectionId: inbound.connectionId,
  };
}

function sentByOf(request: SipRequest | SipResponse): string {
  const via = request.topVia;
  return `${via.host.toLowerCase()}:${via.port ?? ''}`;
}

/** §17.1.3: a response matches the client transaction with the same top-Via branch and CSeq method. */
export function clientKey(branch: string, method: string): string {
  return `${branch}|${method}`;
}

/**
 * §17.2.3: branch + sent-by + method (ACK matches the INVITE). Without the magic cookie, the RFC 2543 fallback
 * uses Request-URI, From tag, Call-ID, CSeq number and the top Via (the To tag is left out so the ACK, which
 * carries the tag of our response, still matches the INVITE).
 */
export function serverKey(request: SipRequest): string {
  const method = request.method === 'ACK' ? 'INVITE' : request.method;
  const via = request.topVia;
  const branch = via.branch;
  if (branch?.startsWith(MAGIC_COOKIE)) return `${branch}|${sentByOf(request)}|${method}`;
  return `2543|${request.uri}|${request.from.tag ?? ''}|${request.callId}|${request.cseq.seq}|${via.toString()}|${method}`;
}

export class TransactionLayer {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly ctx: TransactionContext;
  private readonly newBranch: () => string;
  private readonly sentBy: (target: TransportTarget) => { host: string; port?: number };
  readonly logger: SipLogger;

  constructor(
    private readonly transport: Transport,
    private readonly user: TransactionUser,
    options: TransactionLayerOptions = {},
  ) {
    const settings: TimerSettings = { ...DEFAULT_TIMER_SETTINGS, ...options.timers };
    this.logger = options.logger ?? silentLogger;
    this.newBranch = options.newBranch ?? (() => randomBytes(8).toString('hex'));
    this.sentBy = options.sentBy ?? ((target) => transport.localEndpoint(target.connectionId ?? '') ?? { host: 'parley.invalid' });
    this.ctx = {
      clock: options.clock ?? systemClock,
      timers: timerValues(settings, options.reliable ?? true),
      T2: settings.T2,
      logger: this.logger,
      sendMessage: (message, target) => transport.send(message.toString(), target),
      stateChanged: (tx, from, to) => user.onStateChange?.(tx, from, to),
      terminated: (tx) => this.forget(tx),
    };
  }

  /**
   * Starts a client transaction (INVITE or non-INVITE) for `request`. A request without a Via gets one with a fresh
   * magic-cookie branch (§8.1.1.7). ACK is never sent through a transaction: use sendStateless (§17.1.1.3, §13.2.2.4).
   */
  sendRequest(request: SipRequest, target: TransportTarget, user: ClientTransactionUser): ClientTransaction {
    if (request.method === 'ACK') throw new TypeError('ACK is not sent in a client transaction; use sendStateless');
    if (!request.hasHeader('Via')) this.addVia(request, target);
    const branch = request.topVia.branch ?? '';
    const key = clientKey(branch, request.cseq.method);
    const tx =
      request.method === 'INVITE'
        ? new InviteClientTransaction(key, request, this.ctx, target, user)
        : new NonInviteClientTransaction(key, request, this.ctx, target, user);
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Sends a message outside any transaction (the ACK of a 2xx, §13.2.2.4), adding a Via to a request without one. */
  sendStateless(message: SipRequest | SipResponse, target: TransportTarget): Promise<string> {
    if (message.kind === 'request' && !message.hasHeader('Via')) this.addVia(message, target);
    return this.transport.send(message.toString(), target);
  }

  /** Adds our Via (§8.1.1.7, §18.2.1): SIP/2.0/TLS host:port;branch=z9hG4bK… */
  addVia(request: SipRequest, target: TransportTarget): void {
    const { host, port } = this.sentBy(target);
    const hostPort = port === undefined ? host : `${host}:${port}`;
    request.addHeader('Via', `SIP/2.0/${target.transport.toUpperCase()} ${hostPort};branch=${MAGIC_COOKIE}${this.newBranch()}`, { first: true });
  }

  /** Fresh branch for a request the caller builds itself (e.g. a CANCEL shares the INVITE's, §9.1; others do not). */
  branch(): string {
    return MAGIC_COOKIE + this.newBranch();
  }

  /**
   * An inbound request (already parsed). Retransmissions go to their server transaction; a new request creates
   * one and is passed to the TU. Accessor failures (a malformed Via or CSeq found lazily) propagate to the caller,
   * which answers 400 (§8.2.2 / §16.3).
   */
  receiveRequest(request: SipRequest, inbound: InboundData): void {
    const key = serverKey(request);
    const existing = this.servers.get(key);
    if (existing) {
      existing.receiveRequest(request);
      return;
    }
    if (request.method === 'ACK') {
      // §17.2.3: an ACK matching no transaction is for a 2xx; the TU (dialog layer) handles it.
      this.user.onRequest(request, undefined, inbound);
      return;
    }
    const target = responseTarget(request, inbound);
    const failed = (tx: ServerTransaction, failure: 'transport-error' | 'timeout'): void => this.user.onServerFailure?.(tx, failure);
    const tx =
      request.method === 'INVITE'
        ? new InviteServerTransaction(key, request, this.ctx, target, failed, (ack) => this.user.onRequest(ack, undefined, inbound))
        : new NonInviteServerTransaction(key, request, this.ctx, target, failed);
    this.servers.set(key, tx);
    this.user.onRequest(request, tx, inbound);
  }

  /** An inbound response: to its client transaction (§17.1.3), else a stray 2xx to INVITE to the TU, else dropped. */
  receiveResponse(response: SipResponse, inbound: InboundData): void {
    // §18.1.2: a response with more than one Via is not for us (we never act as a proxy).
    if (response.via.length !== 1) {
      this.logger.warn('dropping response with more than one Via (RFC 3261 §18.1.2)', { status: response.status });
      return;
    }
    const key = clientKey(response.topVia.branch ?? '', response.cseq.method);
    const tx = this.clients.get(key);
    if (tx) {
      tx.receiveResponse(response);
      return;
    }
    if (response.cseq.method === 'INVITE' && response.status >= 200 && response.status < 300) {
      this.user.onStrayResponse?.(response, inbound);
      return;
    }
    this.logger.debug('dropping response that matches no transaction', { status: response.status, key });
  }

  /** §9.2: the INVITE server transaction a CANCEL refers to (same key, method INVITE). */
  findInviteForCancel(cancel: SipRequest): InviteServerTransaction | undefined {
    const key = serverKey(cancel).replace(/\|CANCEL$/, '|INVITE');
    const tx = this.servers.get(key);
    return tx instanceof InviteServerTransaction ? tx : undefined;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get serverCount(): number {
    return this.servers.size;
  }

  private forget(tx: Transaction): void {
    if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
    if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
  }
}
