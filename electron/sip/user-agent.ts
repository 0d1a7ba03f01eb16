// The user agent: composes the layers (architecture.md: user-agent.ts is the only import surface for the services)
// and owns the inbound path — bytes → parse → transaction layer → dialog layer → usages. Bad input never crashes
// the process (issue item 10): a malformed request gets 400 with the parser's reason (§8.2.2, §21.4.1), a
// malformed response is dropped and logged (§18.1.2), an unmatched in-dialog request gets 481 (§12.2.2).
import type { Clock } from './clock';
import { systemClock } from './clock';
import { DialogLayer } from './dialog/dialog-layer';
import { badRequestResponse } from './message/errors';
import type { SipRequest, SipResponse } from './message/message';
import { parseMessage } from './message/parser';
import { looksLikeResponse, rawErrorResponse } from './transaction/bad-request';
import { createResponse } from './transaction/message-api';
import type { ServerTransaction } from './transaction/server-transaction';
import { TransactionLayer } from './transaction/transaction-layer';
import type { TimerSettings } from './transaction/timers';
import { silentLogger } from './transaction/transaction-user';
import type { SipLogger } from './transaction/transaction-user';
import type { InboundData, Transport } from './transport/transport';
import { newTag, RequestSender } from './usage/request-sender';
import type { AccountIdentity } from './usage/request-sender';
import { Registration } from './usage/registration';
import type { RegistrationHandler, RegistrationOptions } from './usage/registration';

/** Handles out-of-dialog requests of one method (pager MESSAGE, OPTIONS, incoming SUBSCRIBE…). */
export type RequestHandler = (request: SipRequest, tx: ServerTransaction, inbound: InboundData) => void;

/**
 * Sees requests of one method before dialog matching; returns true when it took the request. The subscription
 * usage needs this: a NOTIFY may arrive before the SUBSCRIBE's 200 (RFC 6665 §4.1.2.4, protocol.md §2.7 item 39),
 * carrying a To tag for a dialog that does not exist yet. `tx` is undefined for BENOTIFY, which is never answered.
 */
export type RequestInterceptor = (request: SipRequest, tx: ServerTransaction | undefined, inbound: InboundData) => boolean;

export interface UserAgentOptions {
  readonly transport: Transport;
  readonly account: AccountIdentity;
  readonly clock?: Clock;
  readonly timers?: Partial<TimerSettings>;
  /** Defaults to true: TLS/TCP only (protocol.md §2.1 item 1). */
  readonly reliable?: boolean;
  readonly sentBy?: { host: string; port?: number };
  readonly logger?: SipLogger;
  readonly newBranch?: () => string;
  readonly cnonce?: () => string;
}

export class UserAgent {
  readonly transactions: TransactionLayer;
  readonly dialogs = new DialogLayer();
  readonly sender: RequestSender;
  readonly clock: Clock;
  private readonly logger: SipLogger;
  private readonly handlers = new Map<string, RequestHandler>();
  private readonly interceptors = new Map<string, RequestInterceptor>();

  constructor(private readonly options: UserAgentOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    const sentBy = options.sentBy;
    this.transactions = new TransactionLayer(
      options.transport,
      {
        onRequest: (request, tx, inbound) => this.onRequest(request, tx, inbound),
        onStrayResponse: (response) => {
          // RFC 6026 §7.2: a 2xx retransmission after the INVITE transaction ended belongs to the INVITE usage.
          if (this.strayInviteResponse) this.strayInviteResponse(response);
          else this.logger.debug('2xx to INVITE with no transaction', { callId: response.callId });
        },
        onServerFailure: (tx, failure) => this.logger.warn('server transaction failed', { method: tx.request.method, failure }),
      },
      {
        clock: this.clock,
        logger: this.logger,
        ...(options.timers ? { timers: options.timers } : {}),
        ...(options.reliable !== undefined ? { reliable: options.reliable } : {}),
        ...(sentBy ? { sentBy: () => sentBy } : {}),
        ...(options.newBranch ? { newBranch: options.newBranch } : {}),
      },
    );
    this.sender = new RequestSender(this.transactions, options.account, options.cnonce ? { cnonce: options.cnonce } : {});
    options.transport.setEvents({
      onMessage: (data) => this.receive(data),
      onError: (error, connectionId) => this.logger.warn('transport error', { error: error.message, connectionId }),
    });
  }

  /** Where 2xx responses to INVITE that match no transaction go (the IM session usage re-sends its ACK). */
  strayInviteResponse: ((response: SipResponse) => void) | undefined;

  /** Our Contact URI for dialog-creating requests and their answers (RFC 3261 §8.1.1.8, §12.1.1). */
  contactUri(): string {
    const { aor, target } = this.options.account;
    const user = /^sips?:([^@;]+)@/i.exec(aor)?.[1];
    const local = this.options.sentBy ?? this.options.transport.localEndpoint(target.connectionId ?? '') ?? { host: 'parley.invalid' };
    const hostPort = local.port === undefined ? local.host : `${local.host}:${local.port}`;
    return `sip:${user ? `${user}@` : ''}${hostPort};transport=${target.transport}`;
  }

  /** Registers a handler for out-of-dialog requests of `method`. */
  onRequestMethod(method: string, handler: RequestHandler): void {
    this.handlers.set(method.toUpperCase(), handler);
  }

  /** Registers an interceptor for requests of `method`, consulted before the dialog layer (see RequestInterceptor). */
  interceptRequestMethod(method: string, interceptor: RequestInterceptor): void {
    this.interceptors.set(method.toUpperCase(), interceptor);
  }

  /** A registration usage for this account; its owner drives it (register / reconnected / unregister). */
  createRegistration(options: Omit<RegistrationOptions, 'clock'>, handler: RegistrationHandler): Registration {
    return new Registration(this.sender, { ...options, clock: this.clock }, handler);
  }

  /** The inbound entry point: one framed message from the transport. Never throws. */
  receive(data: InboundData): void {
    let message: SipRequest | SipResponse;
    try {
      message = parseMessage(data.bytes);
    } catch (err) {
      this.rejectUnparseable(data, err);
      return;
    }
    try {
      // MS-SIP §3.5.5.3: BENOTIFY is never answered, so it gets no server transaction (one would wait forever).
      if (message.kind === 'request' && message.method === 'BENOTIFY') this.onRequest(message, undefined, data);
      else if (message.kind === 'request') this.transactions.receiveRequest(message, data);
      else this.transactions.receiveResponse(message, data);
    } catch (err) {
      // A header the parser accepted but a layer could not use (found lazily): same treatment as a parse error.
      if (message.kind === 'request') this.rejectUnparseable(data, err);
      else this.logger.warn('dropping unusable response', { error: String(err) });
    }
  }

  private rejectUnparseable(data: InboundData, err: unknown): void {
    if (looksLikeResponse(data.bytes)) {
      this.logger.warn('dropping malformed response (RFC 3261 §18.1.2)', { error: String(err), from: data.remoteAddress });
      return;
    }
    const { status, reason } = badRequestResponse(err);
    const wire = rawErrorResponse(data.bytes, status, reason);
    if (!wire) {
      this.logger.warn('dropping malformed request without a Via', { error: String(err) });
      return;
    }
    this.logger.debug('answering malformed request', { status, reason });
    const target = { transport: data.transport, host: data.remoteAddress, port: data.remotePort, connectionId: data.connectionId };
    this.options.transport.send(wire, target).catch((e: unknown) => this.logger.warn('could not send 400', { error: String(e) }));
  }

  private onRequest(request: SipRequest, tx: ServerTransaction | undefined, inbound: InboundData): void {
    try {
      if (this.interceptors.get(request.method)?.(request, tx, inbound)) return;
      if (!tx) {
        // An ACK outside a transaction: the ACK of a 2xx, for the dialog (§13.3.1.4); dropped if it matches none.
        this.dialogs.receiveRequest(request, undefined);
        return;
      }
      if (request.method === 'CANCEL') {
        this.onCancel(request, tx);
        return;
      }
      if (this.dialogs.receiveRequest(request, tx)) return;
      const handler = this.handlers.get(request.method);
      if (handler) {
        handler(request, tx, inbound);
        return;
      }
      // §8.2.1: a method we do not handle → 405 with Allow (501 would mean "not implemented at all").
      const allow = ['ACK', 'CANCEL', ...this.handlers.keys()].join(', ');
      tx.respond(createResponse(request, 405, 'Method Not Allowed', { toTag: newTag(), headers: [['Allow', allow]] }));
    } catch (err) {
      this.logger.warn('request handler failed', { method: request.method, error: String(err) });
      if (tx && !tx.lastSent) tx.respond(createResponse(request, 500, 'Server Internal Error'));
    }
  }

  /** §9.2: 200 to the CANCEL and 487 to the INVITE if it is still pending, else 481. */
  private onCancel(cancel: SipRequest, tx: ServerTransaction): void {
    const invite = this.transactions.findInviteForCancel(cancel);
    if (!invite) {
      tx.respond(createResponse(cancel, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    tx.respond(createResponse(cancel, 200, 'OK'));
    if (invite.state === 'Proceeding') invite.respond(createResponse(invite.request, 487, 'Request Terminated', { toTag: newTag() }));
  }
}

