// Common part of the two client transactions (RFC 3261 §17.1): the TU callback, and the locally generated
// 408 (timeout) and 503 (transport error) responses of RFC 3261 §8.1.3.1.
import type { SipRequest, SipResponse } from '../message/message';
import { createResponse } from './message-api';
import type { TransportTarget } from '../transport/transport';
import { Transaction } from './transaction-base';
import type { TransactionContext } from './transaction-base';
import type { ClientTransactionUser } from './transaction-user';

export abstract class ClientTransaction extends Transaction {
  constructor(
    key: string,
    request: SipRequest,
    ctx: TransactionContext,
    target: TransportTarget,
    initial: string,
    protected readonly user: ClientTransactionUser,
  ) {
    super(key, request, ctx, target, initial);
  }

  /** Called by the layer for a response matched to this transaction (§17.1.3). */
  abstract receiveResponse(response: SipResponse): void;

  /** Sends the request for the first time (the layer calls this once, after filing the transaction). */
  abstract start(): void;

  /** §8.1.3.1: a timeout is reported to the TU as if a 408 had been received. */
  protected reportTimeout(): void {
    this.user.onResponse(createResponse(this.request, 408, 'Request Timeout'), 'timeout');
  }

  /** §8.1.3.1: a transport failure is reported to the TU as if a 503 had been received. */
  protected reportTransportError(): void {
    this.user.onResponse(createResponse(this.request, 503, 'Service Unavailable'), 'transport-error');
  }
}
