// Non-INVITE server transaction: RFC 3261 §17.2.2.
//
//   Trying --request retransmission--> Trying (discarded)
//   Trying --TU 1xx--> Proceeding --TU 1xx--> Proceeding; Proceeding --retransmission--> (resend provisional)
//   Trying/Proceeding --TU 200-699--> Completed (Timer J: 64*T1, or 0 on reliable)
//   Completed --retransmission--> Completed (resend final); --TU response--> discarded; --Timer J--> Terminated
//   Trying/Proceeding/Completed --transport error--> Terminated (TU told)
import type { SipRequest, SipResponse } from '../message/message';
import type { TransportTarget } from '../transport/transport';
import { ServerTransaction } from './server-transaction';
import type { TransactionContext } from './transaction-base';
import type { ServerFailure } from './transaction-user';

export type NonInviteServerState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export class NonInviteServerTransaction extends ServerTransaction {
  readonly kind = 'non-invite-server' as const;

  constructor(
    key: string,
    request: SipRequest,
    ctx: TransactionContext,
    target: TransportTarget,
    failed: (tx: ServerTransaction, failure: ServerFailure) => void,
  ) {
    super(key, request, ctx, target, 'Trying', failed);
  }

  override get state(): NonInviteServerState {
    return super.state as NonInviteServerState;
  }

  receiveRequest(_request: SipRequest): void {
    // §17.2.2: in Trying a retransmission is discarded; in Proceeding/Completed the last response is resent.
    if ((this.state === 'Proceeding' || this.state === 'Completed') && this.lastResponse) this.send(this.lastResponse);
  }

  respond(response: SipResponse): void {
    if (this.state !== 'Trying' && this.state !== 'Proceeding') return; // §17.2.2: Completed discards TU responses.
    this.sendResponse(response);
    if (response.status < 200) {
      this.transition('Proceeding');
      return;
    }
    this.transition('Completed');
    this.startTimer('J', this.ctx.timers.J, () => this.transition('Terminated'));
  }

  protected onTransportError(): void {
    if (this.terminated) return;
    this.transition('Terminated');
    this.failed(this, 'transport-error');
  }
}
