// A scripted presence server for the subscription and publication tests: the far end of a loop transport pair
// whose transaction layer answers each request with the test's script and can send NOTIFY / BENOTIFY to the UA.
import { parseMessage } from '../../../../electron/sip/message/parser';
import type { SipRequest, SipResponse } from '../../../../electron/sip/message/message';
import { createLoopPair } from '../../../../electron/sip/transport/loop-transport';
import type { LoopTransport, LoopWireEntry } from '../../../../electron/sip/transport/loop-transport';
import { TransactionLayer } from '../../../../electron/sip/transaction/transaction-layer';
import { createRequest, createResponse } from '../../../../electron/sip/transaction/message-api';
import { UserAgent } from '../../../../electron/sip/user-agent';
import type { AccountIdentity } from '../../../../electron/sip/usage/request-sender';
import { FakeClock } from '../../../support/fake-clock';

export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

export const ACCOUNT: AccountIdentity = {
  aor: 'sip:alice@example.net',
  displayName: 'Alice',
  epid: '0123456789abcdef',
  outboundProxy: '<sip:proxy.example.net:5061;transport=tls;lr>',
  target: { transport: 'tls', host: '127.0.0.2', port: 5061, tlsServerName: 'example.net' },
  credentials: { username: 'alice', password: 'wonderland' },
};

export type Script = (request: SipRequest, index: number) => SipResponse | undefined;

export interface NotifierBench {
  clock: FakeClock;
  ua: UserAgent;
  uaTransport: LoopTransport;
  log: LoopWireEntry[];
  /** Requests the server received, in order. */
  seen: SipRequest[];
  /** Responses the server received (to its NOTIFYs), in order. */
  answers: SipResponse[];
  script: Script;
  /** Transaction of each seen request, to answer later (for "NOTIFY before 200"). */
  pending: Map<SipRequest, (response: SipResponse) => void>;
  notify(subscribe: SipRequest, opts: NotifyOptions): void;
  /** Sends a raw NOTIFY wire (already complete) to the UA. */
  inject(wire: string): void;
}

export interface NotifyOptions {
  readonly state: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly cseq?: number;
  readonly method?: 'NOTIFY' | 'BENOTIFY';
  readonly remoteTag?: string;
  readonly event?: string;
  readonly headers?: Array<[string, string]>;
}

export function makeNotifierBench(account: AccountIdentity = ACCOUNT): NotifierBench {
  const clock = new FakeClock();
  const { a, b, log } = createLoopPair({ host: '127.0.0.1', port: 40000, name: 'ua' }, { host: '127.0.0.2', port: 5061, name: 'server' });
  let branch = 0;
  const ua = new UserAgent({ transport: a, account, clock, sentBy: { host: 'ua.example.net', port: 40000 }, newBranch: () => `s${++branch}` });
  const target = { transport: 'tls' as const, host: '127.0.0.1', port: 40000 };
  const bench: NotifierBench = {
    clock,
    ua,
    uaTransport: a,
    log,
    seen: [],
    answers: [],
    script: () => undefined,
    pending: new Map(),
    notify(subscribe, opts) {
      const method = opts.method ?? 'NOTIFY';
      const headers: Array<[string, string]> = [
        ['Max-Forwards', '70'],
        ['From', `<${subscribe.uri}>;tag=${opts.remoteTag ?? 'srv1'}`],
        ['To', subscribe.header('From')!],
        ['Call-ID', subscribe.callId],
        ['CSeq', `${opts.cseq ?? 1} ${method}`],
        ['Contact', '<sip:notifier@127.0.0.2:5061;transport=tls>'],
        ['Event', opts.event ?? subscribe.header('Event')!],
        ['Subscription-State', opts.state],
        ...(opts.headers ?? []),
      ];
      const request = createRequest({
        method,
        uri: 'sip:alice@ua.example.net:40000;transport=tls',
        headers,
        ...(opts.body !== undefined ? { body: opts.body, contentType: opts.contentType ?? 'application/pidf+xml' } : {}),
      });
      if (method === 'BENOTIFY') {
        void server.sendStateless(request, target);
        return;
      }
      server.sendRequest(request, target, { onResponse: (response) => bench.answers.push(response) });
    },
    inject(wire) {
      a.inject(wire);
    },
  };
  const server = new TransactionLayer(
    b,
    {
      onRequest(request, tx) {
        if (!tx) return;
        bench.seen.push(request);
        bench.pending.set(request, (response) => tx.respond(response));
        const response = bench.script(request, bench.seen.length - 1);
        if (response) tx.respond(response);
      },
    },
    { clock },
  );
  b.setEvents({
    onMessage(data) {
      const m = parseMessage(data.bytes);
      if (m.kind === 'request') server.receiveRequest(m, data);
      else server.receiveResponse(m, data);
    },
  });
  return bench;
}

export function accept(request: SipRequest, headers: Array<[string, string]> = [], body?: { type: string; text: string }): SipResponse {
  return createResponse(request, 200, 'OK', {
    toTag: 'srv1',
    headers: [['Contact', '<sip:notifier@127.0.0.2:5061;transport=tls>'], ...headers],
    ...(body ? { body: body.text, contentType: body.type } : {}),
  });
}

export function reject(request: SipRequest, status: number, reason: string, headers: Array<[string, string]> = []): SipResponse {
  return createResponse(request, status, reason, { toTag: 'srv1', headers });
}

export const PIDF_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.org"><tuple id="t1"><status><basic>open</basic></status></tuple></presence>';
export const PIDF_CLOSED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.org"><tuple id="t1"><status><basic>closed</basic></status></tuple></presence>';
