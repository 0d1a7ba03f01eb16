// A bare SIP endpoint on the project's own SIP core (electron/sip: parser, StreamTransport, transaction layer), with
// none of the user agent's policy: the emulated LCS edge and the small alpha test client both need to answer and
// send things a well-behaved UA never would (BENOTIFY without a transaction, a NOTIFY before the 200, 488s).
import { parseMessage } from '../../../electron/sip/message/parser';
import type { SipRequest, SipResponse } from '../../../electron/sip/message/message';
import type { ServerTransaction } from '../../../electron/sip/transaction/server-transaction';
import { TransactionLayer } from '../../../electron/sip/transaction/transaction-layer';
import type { InboundData, TransportTarget } from '../../../electron/sip/transport/transport';
import type { StreamTransport } from '../../../electron/sip/transport/stream-transport';

export type RequestHandler = (request: SipRequest, tx: ServerTransaction | undefined, inbound: InboundData) => void;

export interface SipEndpointOptions {
  readonly transport: StreamTransport;
  /** What our Via names (RFC 3261 §18.2.1); default the connection's local address. */
  readonly sentBy?: { host: string; port?: number };
  readonly onRequest: RequestHandler;
  readonly onError?: (error: Error, connectionId?: string) => void;
  readonly log?: (line: string) => void;
}

export interface RequestOutcome {
  readonly response: SipResponse;
  /** 'network', or a 408/503 the transaction layer made up (RFC 3261 §8.1.3.1). */
  readonly origin: string;
}

export class SipEndpoint {
  readonly layer: TransactionLayer;
  readonly transport: StreamTransport;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: SipEndpointOptions) {
    this.transport = opts.transport;
    this.log = opts.log ?? (() => undefined);
    const sentBy = opts.sentBy;
    this.layer = new TransactionLayer(
      opts.transport,
      {
        onRequest: (request, tx, inbound) => {
          try {
            opts.onRequest(request, tx, inbound);
          } catch (err) {
            this.log(`request handler failed for ${request.method}: ${(err as Error).stack ?? String(err)}`);
          }
        },
        onStrayResponse: () => undefined,
      },
      { reliable: true, ...(sentBy ? { sentBy: () => sentBy } : {}) },
    );
    opts.transport.setEvents({
      onMessage: (data) => this.receive(data),
      onError: (error, connectionId) => {
        this.log(`transport: ${error.message}`);
        opts.onError?.(error, connectionId);
      },
    });
  }

  private receive(data: InboundData): void {
    let message: SipRequest | SipResponse;
    try {
      message = parseMessage(data.bytes);
    } catch (err) {
      this.log(`unparseable message from ${data.remoteAddress}: ${(err as Error).message}`);
      return;
    }
    this.log(`<<< ${data.connectionId} ${data.remoteAddress}:${data.remotePort}\n${message.serialize()}`);
    try {
      if (message.kind === 'request') this.layer.receiveRequest(message, data);
      else this.layer.receiveResponse(message, data);
    } catch (err) {
      this.log(`unusable message: ${(err as Error).message}`);
    }
  }

  /** Sends a request in a client transaction; resolves with the final response (provisionals to `onProvisional`). */
  request(request: SipRequest, target: TransportTarget, onProvisional?: (r: SipResponse) => void): Promise<RequestOutcome> {
    return new Promise((resolve) => {
      this.layer.sendRequest(request, target, {
        onResponse: (response, origin) => {
          if (response.status < 200) onProvisional?.(response);
          else resolve({ response, origin });
        },
      });
      this.log(`>>> ${target.host}:${target.port}\n${request.serialize()}`);
    });
  }

  /** Sends a request with no transaction: the ACK of a 2xx (RFC 3261 §13.2.2.4), or a BENOTIFY ([MS-SIP] §3.5.5.3). */
  async sendStateless(request: SipRequest, target: TransportTarget): Promise<void> {
    await this.layer.sendStateless(request, target);
    this.log(`>>> (stateless) ${target.host}:${target.port}\n${request.serialize()}`);
  }

  respond(tx: ServerTransaction, response: SipResponse): void {
    tx.respond(response);
    this.log(`>>> response\n${response.serialize()}`);
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
