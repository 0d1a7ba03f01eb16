// Shared test wiring for the transaction tests: a TransactionLayer on one end of a loop transport pair with a fake
// clock, and a "raw" peer on the other end that records what arrives and sends hand-made messages.
import { parseMessage } from '../../../../electron/sip/message/parser';
import type { SipRequest, SipResponse } from '../../../../electron/sip/message/message';
import { createLoopPair } from '../../../../electron/sip/transport/loop-transport';
import type { LoopTransport, LoopWireEntry } from '../../../../electron/sip/transport/loop-transport';
import type { TransportTarget } from '../../../../electron/sip/transport/transport';
import { TransactionLayer } from '../../../../electron/sip/transaction/transaction-layer';
import type { TimerSettings } from '../../../../electron/sip/transaction/timers';
import type { ClientTransactionUser, ResponseOrigin, ServerFailure } from '../../../../electron/sip/transaction/transaction-user';
import type { ServerTransaction } from '../../../../electron/sip/transaction/server-transaction';
import { createRequest, createResponse } from '../../../../electron/sip/transaction/message-api';
import { FakeClock } from '../../../support/fake-clock';

/** Lets queued microtasks (loop-transport deliveries and the sends they trigger) run to completion. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

export const TARGET: TransportTarget = { transport: 'tls', host: '127.0.0.2', port: 5061 };

export interface Harness {
  clock: FakeClock;
  layer: TransactionLayer;
  /** The end the layer sits on. */
  local: LoopTransport;
  /** The raw peer. */
  peer: LoopTransport;
  log: LoopWireEntry[];
  /** Messages the raw peer received, parsed. */
  atPeer: Array<SipRequest | SipResponse>;
  /** Requests the layer passed to its TU, with their server transaction. */
  requests: Array<{ request: SipRequest; tx: ServerTransaction | undefined }>;
  failures: Array<{ tx: ServerTransaction; failure: ServerFailure }>;
  stray: SipResponse[];
  /** "kind:from->to" for every transition. */
  transitions: string[];
  /** Sends a message from the raw peer to the layer. */
  fromPeer(message: SipRequest | SipResponse | string): Promise<void>;
  /** A client TU that records what it is given. */
  recorder(): ClientTransactionUser & { got: Array<{ status: number; origin: ResponseOrigin; response: SipResponse }> };
}

export function makeHarness(opts: { reliable: boolean; timers?: Partial<TimerSettings> }): Harness {
  const clock = new FakeClock();
  const { a, b, log } = createLoopPair({ host: '127.0.0.1', port: 5061, name: 'ua' }, { host: '127.0.0.2', port: 5061, name: 'peer' });
  let n = 0;
  const h: Partial<Harness> = {
    clock, local: a, peer: b, log, atPeer: [], requests: [], failures: [], stray: [], transitions: [],
  };
  const layer = new TransactionLayer(
    a,
    {
      onRequest: (request, tx) => h.requests!.push({ request, tx }),
      onStrayResponse: (response) => h.stray!.push(response),
      onServerFailure: (tx, failure) => h.failures!.push({ tx, failure }),
      onStateChange: (tx, from, to) => h.transitions!.push(`${tx.kind}:${from}->${to}`),
    },
    { clock, reliable: opts.reliable, timers: opts.timers ?? {}, newBranch: () => `b${++n}`, sentBy: () => ({ host: 'ua.example.net', port: 5061 }) },
  );
  a.setEvents({
    onMessage(data) {
      const m = parseMessage(data.bytes);
      if (m.kind === 'request') layer.receiveRequest(m, data);
      else layer.receiveResponse(m, data);
    },
  });
  b.setEvents({ onMessage: (data) => h.atPeer!.push(parseMessage(data.bytes)) });
  h.layer = layer;
  h.fromPeer = async (message) => {
    await b.send(typeof message === 'string' ? message : message.toString(), { transport: 'tls', host: '127.0.0.1', port: 5061 });
    await settle();
  };
  h.recorder = () => {
    const got: Array<{ status: number; origin: ResponseOrigin; response: SipResponse }> = [];
    return { got, onResponse: (response, origin) => got.push({ status: response.status, origin, response }) };
  };
  return h as Harness;
}

/** A request with default headers; `extra` entries replace a default of the same name, or are appended. */
export function request(method: string, extra: Array<[string, string]> = []): SipRequest {
  const defaults: Array<[string, string]> = [
    ['Max-Forwards', '70'],
    ['From', '<sip:alice@example.net>;tag=ft1'],
    ['To', '<sip:bob@example.com>'],
    ['Call-ID', 'call-1@example.net'],
    ['CSeq', `1 ${method}`],
  ];
  const vias = extra.filter(([n]) => n.toLowerCase() === 'via');
  const headers = [
    ...vias,
    ...defaults.map(([n, v]): [string, string] => [n, extra.find(([e]) => e.toLowerCase() === n.toLowerCase())?.[1] ?? v]),
    ...extra.filter(([n]) => n.toLowerCase() !== 'via' && !defaults.some(([d]) => d.toLowerCase() === n.toLowerCase())),
  ];
  return createRequest({ method, uri: 'sip:bob@example.com', headers });
}

/** A request as a remote UAC would send it (with its own Via). */
export function peerRequest(method: string, branch = 'z9hG4bKpeer1', extra: Array<[string, string]> = []): SipRequest {
  return request(method, [['Via', `SIP/2.0/TLS 127.0.0.2:5061;branch=${branch}`], ...extra]);
}

export function reply(to: SipRequest, status: number, reason = 'X', toTag = 'tt1'): SipResponse {
  return createResponse(to, status, reason, { toTag });
}

/** The wire text of every message the given side sent, start lines only. */
export function startLines(log: LoopWireEntry[], from: string): string[] {
  return log.filter((e) => e.from === from).map((e) => e.wire.slice(0, e.wire.indexOf('\r\n')));
}
