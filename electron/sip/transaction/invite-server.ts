// INVITE server transaction: RFC 3261 §17.2.1 as updated by RFC 6026 §8.5–§8.8 (the Accepted state and Timer L:
// the TU retransmits its 2xx through the transaction, INVITE retransmissions are absorbed, ACKs go to the TU).
//
//   Proceeding --200 ms without a TU response--> Proceeding (send 100 Trying)
//   Proceeding --INVITE retransmission--> Proceeding (resend last provisional)
//   Proceeding --TU 1xx--> Proceeding; --TU 2xx--> Accepted (Timer L); --TU 300-699--> Completed (Timers G, H)
//   Completed --INVITE retransmission / Timer G--> Completed (resend final; G = min(2G, T2))
//   Completed --ACK--> Confirmed (Timer I: T4, or 0 on reliable); --Timer H--> Terminated (TU told: timeout)
//   Confirmed --ACK--> Confirmed (absorbed); --Timer I--> Terminated
//   Accepted --INVITE retransmission--> Accepted (absorbed); --ACK--> Accepted (to TU); --TU 2xx--> Accepted (sent)
//   Accepted --Timer L--> Terminated
//   Proceeding/Completed --transport error--> Terminated (TU told)
import type { SipRequest, SipResponse } from '../message/message';
import { createResponse } from './message-api';
import type { TransportTarget } from '../transport/transport';
import { ServerTransaction } from './server-transaction';
import type { TransactionContext } from './transaction-base';
import type { ServerFailure } from './transaction-user';

export type InviteServerState = 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';

export class InviteServerTransaction extends ServerTransaction {
  readonly kind = 'invite-server' as const;

  constructor(
    key: string,
    request: SipRequest,
    ctx: TransactionContext,
    target: TransportTarget,
    failed: (tx: ServerTransaction, failure: ServerFailure) => void,
    /** RFC 6026 §8.7: an ACK that matches while Accepted is passed to the TU. */
    private readonly ackToTu: (ack: SipRequest) => void,
  ) {
    super(key, request, ctx, target, 'Proceeding', failed);
    // §17.2.1: send 100 Trying unless the TU answers within 200 ms.
    this.startTimer('Trying', ctx.timers.trying, () => {
      if (this.state === 'Proceeding' && !this.lastResponse) this.sendResponse(createResponse(request, 100, 'Trying'));
    });
  }

  override get state(): InviteServerState {
    return super.state as InviteServerState;
  }

  receiveRequest(request: SipRequest): void {
    const isAck = request.method === 'ACK';
    switch (this.state) {
      case 'Proceeding':
        // §17.2.1: a retransmitted INVITE gets the most recent provisional response again.
        if (!isAck && this.lastResponse) this.send(this.lastResponse);
        return;
      case 'Completed':
        if (isAck) {
          // §17.2.1: the ACK for our non-2xx final: Confirmed, Timer I absorbs further ACKs.
          this.stopTimer('G');
          this.stopTimer('H');
          this.transition('Confirmed');
          this.startTimer('I', this.ctx.timers.I, () => this.transition('Terminated'));
        } else if (this.lastResponse) {
          this.send(this.lastResponse); // §17.2.1: retransmitted INVITE → resend the final response.
        }
        return;
      case 'Confirmed':
        return; // §17.2.1: ACK retransmissions are absorbed.
      case 'Accepted':
        // RFC 6026 §8.7: retransmitted INVITEs are absorbed (the TU retransmits the 2xx); ACKs go to the TU.
        if (isAck) this.ackToTu(request);
        return;
      default:
        return;
    }
  }

  respond(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case 'Proceeding':
        this.stopTimer('Trying');
        this.sendResponse(response);
        if (status < 200) return;
        if (status < 300) {
          // RFC 6026 §8.5: 2xx → Accepted with Timer L (64*T1).
          this.transition('Accepted');
          this.startTimer('L', this.ctx.timers.L, () => this.transition('Terminated'));
        } else {
          // §17.2.1: 300-699 → Completed; Timer G retransmits (unreliable only), Timer H waits for the ACK.
          this.transition('Completed');
          const g = this.ctx.timers.G;
          if (g !== undefined) this.scheduleG(g);
          this.startTimer('H', this.ctx.timers.H, () => {
            this.transition('Terminated');
            this.failed(this, 'timeout');
          });
        }
        return;
      case 'Accepted':
        // RFC 6026 §8.7: the TU's 2xx retransmissions are sent through the transaction.
        if (status >= 200 && status < 300) this.sendResponse(response);
        return;
      default:
        return; // Responses after the final one are not sent (§17.2.1).
    }
  }

  private scheduleG(interval: number): void {
    this.startTimer('G', interval, () => {
      if (this.state !== 'Completed' || !this.lastResponse) return;
      this.send(this.lastResponse);
      this.scheduleG(Math.min(2 * interval, this.ctx.T2));
    });
  }

  protected onTransportError(): void {
    // §17.2.4: a transport failure ends the transaction and the TU is told. RFC 6026 §8.8: in Accepted the TU is
    // told but the transaction stays, to keep absorbing retransmitted INVITEs until Timer L.
    if (this.state === 'Accepted') {
      this.failed(this, 'transport-error');
      return;
    }
    if (this.state === 'Proceeding' || this.state === 'Completed') {
      this.transition('Terminated');
      this.failed(this, 'transport-error');
    }
  }
}
