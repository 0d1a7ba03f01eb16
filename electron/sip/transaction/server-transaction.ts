// Common part of the two server transactions (RFC 3261 §17.2): the TU hands responses to respond(), the layer
// hands retransmitted requests (and ACKs) to receiveRequest().
import type { SipRequest, SipResponse } from '../message/message';
import type { TransportTarget } from '../transport/transport';
import { Transaction } from './transaction-base';
import type { TransactionContext } from './transaction-base';
import type { ServerFailure } from './transaction-user';

export abstract class ServerTransaction extends Transaction {
  /** The last response sent (resent on request retransmissions, §17.2.1 / §17.2.2). */
  protected lastResponse: SipResponse | undefined;

  constructor(
    key: string,
    request: SipRequest,
    ctx: TransactionContext,
    target: TransportTarget,
    initial: string,
    protected readonly failed: (tx: ServerTransaction, failure: ServerFailure) => void,
  ) {
    super(key, request, ctx, target, initial);
  }

  /** The response most recently sent, if any. */
  get lastSent(): SipResponse | undefined {
    return this.lastResponse;
  }

  /** A retransmission of the request (or, for INVITE, an ACK) matched to this transaction (§17.2.3). */
  abstract receiveRequest(request: SipRequest): void;

  /** The TU's response. Responses the state machine must discard (§17.2.2 Completed) are ignored. */
  abstract respond(response: SipResponse): void;

  protected sendResponse(response: SipResponse): void {
    this.lastResponse = response;
    this.send(response);
  }
}
