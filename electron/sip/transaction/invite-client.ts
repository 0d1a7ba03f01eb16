// INVITE client transaction: RFC 3261 §17.1.1 as updated by RFC 6026 §8.4 (the Accepted state and Timer M, so a
// 2xx and its retransmissions go to the TU and are never confused with a new transaction).
//
//   Calling --1xx--> Proceeding --1xx--> Proceeding
//   Calling/Proceeding --2xx--> Accepted --2xx--> Accepted (to TU) --Timer M--> Terminated
//   Calling/Proceeding --300-699 (send ACK)--> Completed --300-699 (resend ACK)--> Completed --Timer D--> Terminated
//   Calling --Timer A--> Calling (retransmit, doubling); Calling --Timer B--> Terminated (408 to TU)
//   Calling --transport error--> Terminated (503 to TU)
import type { SipRequest, SipResponse } from '../message/message';
import { createRequest } from './message-api';
import type { TransportTarget } from '../transport/transport';
import { ClientTransaction } from './client-transaction';
import type { TransactionContext } from './transaction-base';
import type { ClientTransactionUser } from './transaction-user';

export type InviteClientState = 'Calling' | 'Proceeding' | 'Completed' | 'Accepted' | 'Terminated';

export class InviteClientTransaction extends ClientTransaction {
  readonly kind = 'invite-client' as const;
  private ack: SipRequest | undefined;

  constructor(key: string, request: SipRequest, ctx: TransactionContext, target: TransportTarget, user: ClientTransactionUser) {
    super(key, request, ctx, target, 'Calling', user);
  }

  override get state(): InviteClientState {
    return super.state as InviteClientState;
  }

  start(): void {
    this.send(this.request);
    // §17.1.1.2: Timer A only for unreliable transports; it starts at T1 and doubles on every firing.
    const a = this.ctx.timers.A;
    if (a !== undefined) this.scheduleA(a);
    // §17.1.1.2: Timer B = 64*T1 bounds the Calling state.
    this.startTimer('B', this.ctx.timers.B, () => {
      if (this.state !== 'Calling') return;
      this.transition('Terminated');
      this.reportTimeout();
    });
  }

  private scheduleA(interval: number): void {
    this.startTimer('A', interval, () => {
      if (this.state !== 'Calling') return;
      this.send(this.request); // §17.1.1.2: retransmit, then double the interval (no T2 cap for INVITE).
      this.scheduleA(interval * 2);
    });
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case 'Calling':
      case 'Proceeding':
        if (status < 200) {
          // §17.1.1.2: a provisional response stops retransmissions; the transaction waits in Proceeding.
          this.stopTimer('A');
          this.stopTimer('B');
          this.transition('Proceeding');
          this.user.onResponse(response, 'network');
        } else if (status < 300) {
          // RFC 6026 §8.4: a 2xx moves to Accepted and starts Timer M; the TU sends the ACK (§13.2.2.4).
          this.stopTimer('A');
          this.stopTimer('B');
          this.transition('Accepted');
          this.startTimer('M', this.ctx.timers.M, () => this.transition('Terminated'));
          this.user.onResponse(response, 'network');
        } else {
          // §17.1.1.2: 300-699 → send ACK, pass up, Completed with Timer D (0 on reliable transports).
          this.stopTimer('A');
          this.stopTimer('B');
          this.ack = buildAckForNon2xx(this.request, response);
          this.send(this.ack);
          this.transition('Completed');
          this.user.onResponse(response, 'network');
          if (!this.terminated) this.startTimer('D', this.ctx.timers.D, () => this.transition('Terminated'));
        }
        return;
      case 'Completed':
        // §17.1.1.2: a retransmitted final response is answered with the same ACK and not passed up.
        if (status >= 300 && this.ack) this.send(this.ack);
        return;
      case 'Accepted':
        // RFC 6026 §8.4: further 2xx (retransmissions or other forks) go to the TU; anything else is discarded.
        if (status >= 200 && status < 300) this.user.onResponse(response, 'network');
        return;
      default:
        return;
    }
  }

  protected onTransportError(): void {
    // §17.1.4: a transport failure in Calling ends the transaction and the TU sees a 503 (§8.1.3.1).
    if (this.state === 'Calling') {
      this.transition('Terminated');
      this.reportTransportError();
    } else if (this.state === 'Completed') {
      // §17.1.1.2: failing to send the ACK ends the transaction.
      this.transition('Terminated');
    }
  }
}

/**
 * The ACK for a non-2xx final response (§17.1.1.3): same Request-URI, Call-ID, From, CSeq number and top Via as
 * the INVITE, To from the response (with its tag), and the INVITE's Route headers.
 */
export function buildAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const headers: Array<[string, string]> = [
    ['Via', invite.headers('Via')[0] ?? ''],
    ['Max-Forwards', '70'],
    ['From', invite.header('From') ?? ''],
    ['To', response.header('To') ?? ''],
    ['Call-ID', invite.callId],
    ['CSeq', `${invite.cseq.seq} ACK`],
  ];
  for (const route of invite.headers('Route')) headers.push(['Route', route]);
  return createRequest({ method: 'ACK', uri: invite.uri, headers });
}
