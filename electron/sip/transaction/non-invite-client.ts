// Non-INVITE client transaction: RFC 3261 §17.1.2.
//
//   Trying --Timer E--> Trying (retransmit; E = min(2E, T2))      [unreliable only]
//   Trying --1xx--> Proceeding --1xx--> Proceeding
//   Proceeding --Timer E--> Proceeding (retransmit; E = T2)         [unreliable only]
//   Trying/Proceeding --200-699--> Completed --Timer K--> Terminated (K = T4, or 0 on reliable)
//   Completed --any response--> Completed (absorbed)
//   Trying/Proceeding --Timer F--> Terminated (408 to TU); --transport error--> Terminated (503 to TU)
import type { SipRequest, SipResponse } from '../message/message';
import type { TransportTarget } from '../transport/transport';
import { ClientTransaction } from './client-transaction';
import type { TransactionContext } from './transaction-base';
import type { ClientTransactionUser } from './transaction-user';

export type NonInviteClientState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export class NonInviteClientTransaction extends ClientTransaction {
  readonly kind = 'non-invite-client' as const;

  constructor(key: string, request: SipRequest, ctx: TransactionContext, target: TransportTarget, user: ClientTransactionUser) {
    super(key, request, ctx, target, 'Trying', user);
  }

  override get state(): NonInviteClientState {
    return super.state as NonInviteClientState;
  }

  start(): void {
    this.send(this.request);
    const e = this.ctx.timers.E;
    if (e !== undefined) this.scheduleE(e);
    // §17.1.2.2: Timer F = 64*T1 bounds Trying and Proceeding.
    this.startTimer('F', this.ctx.timers.F, () => {
      this.transition('Terminated');
      this.reportTimeout();
    });
  }

  private scheduleE(interval: number): void {
    this.startTimer('E', interval, () => {
      this.send(this.request);
      // §17.1.2.2: in Trying, E doubles up to T2; in Proceeding it is T2.
      this.scheduleE(this.state === 'Proceeding' ? this.ctx.T2 : Math.min(2 * interval, this.ctx.T2));
    });
  }

  receiveResponse(response: SipResponse): void {
    if (this.state !== 'Trying' && this.state !== 'Proceeding') return; // §17.1.2.2: Completed absorbs retransmissions.
    if (response.status < 200) {
      this.transition('Proceeding');
      this.user.onResponse(response, 'network');
      return;
    }
    // §17.1.2.2: a final response → Completed, Timer K (T4 unreliable, 0 reliable) absorbs retransmissions.
    this.stopTimer('E');
    this.stopTimer('F');
    this.transition('Completed');
    this.user.onResponse(response, 'network');
    if (!this.terminated) this.startTimer('K', this.ctx.timers.K, () => this.transition('Terminated'));
  }

  protected onTransportError(): void {
    // §17.1.4 / §8.1.3.1.
    if (this.state !== 'Trying' && this.state !== 'Proceeding') return;
    this.transition('Terminated');
    this.reportTransportError();
  }
}
