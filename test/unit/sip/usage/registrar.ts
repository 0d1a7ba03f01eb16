// A scripted registrar for the registration tests: a TransactionLayer on the far end of the loop pair whose TU
// answers each REGISTER with whatever the test's script returns, and records every request it saw.
import { parseMessage } from '../../../../electron/sip/message/parser';
import type { SipRequest, SipResponse } from '../../../../electron/sip/message/message';
import { createLoopPair } from '../../../../electron/sip/transport/loop-transport';
import type { LoopTransport, LoopWireEntry } from '../../../../electron/sip/transport/loop-transport';
import { TransactionLayer } from '../../../../electron/sip/transaction/transaction-layer';
import { createResponse } from '../../../../electron/sip/transaction/message-api';
import { parseChallengeList, computeDigestResponse } from '../../../../electron/sip/auth/digest';
import type { DigestAlgorithm } from '../../../../electron/sip/auth/digest';
import { UserAgent } from '../../../../electron/sip/user-agent';
import type { AccountIdentity } from '../../../../electron/sip/usage/request-sender';
import { FakeClock } from '../../../support/fake-clock';

export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

export type Script = (request: SipRequest, index: number) => SipResponse | undefined;

export interface Bench {
  clock: FakeClock;
  ua: UserAgent;
  uaTransport: LoopTransport;
  serverTransport: LoopTransport;
  log: LoopWireEntry[];
  seen: SipRequest[];
  /** Replace to change the registrar's behaviour. */
  script: Script;
  account: AccountIdentity;
}

export const ACCOUNT: AccountIdentity = {
  aor: 'sip:alice@example.net',
  displayName: 'Alice',
  epid: '0123456789abcdef',
  outboundProxy: '<sip:proxy.example.net:5061;transport=tls;lr>',
  target: { transport: 'tls', host: '127.0.0.2', port: 5061, tlsServerName: 'example.net' },
  credentials: { username: 'alice', password: 'wonderland' },
};

export function makeBench(account: AccountIdentity = ACCOUNT): Bench {
  const clock = new FakeClock();
  const { a, b, log } = createLoopPair({ host: '127.0.0.1', port: 40000, name: 'ua' }, { host: '127.0.0.2', port: 5061, name: 'registrar' });
  let branch = 0;
  let cnonce = 0;
  const ua = new UserAgent({
    transport: a,
    account,
    clock,
    sentBy: { host: 'ua.example.net', port: 40000 },
    newBranch: () => `r${++branch}`,
    cnonce: () => `cn${++cnonce}`,
  });
  const bench: Bench = { clock, ua, uaTransport: a, serverTransport: b, log, seen: [], script: () => undefined, account };
  const server = new TransactionLayer(b, {
    onRequest(request, tx) {
      bench.seen.push(request);
      const response = bench.script(request, bench.seen.length - 1);
      if (response && tx) tx.respond(response);
    },
  }, { clock });
  b.setEvents({
    onMessage(data) {
      const m = parseMessage(data.bytes);
      if (m.kind === 'request') server.receiveRequest(m, data);
      else server.receiveResponse(m, data);
    },
  });
  return bench;
}

export function challenge401(request: SipRequest, nonce: string, extra = '', algorithms: DigestAlgorithm[] = ['MD5']): SipResponse {
  return createResponse(request, 401, 'Unauthorized', {
    toTag: 'reg1',
    headers: algorithms.map((alg): [string, string] => ['WWW-Authenticate', `Digest realm="example.net", nonce="${nonce}", qop="auth", algorithm=${alg}${extra}`]),
  });
}

/** Verifies the request's Authorization against the password, as a registrar would. */
export function authorizedWith(request: SipRequest, password: string): boolean {
  const header = request.header('Authorization');
  if (!header) return false;
  const p = parseChallengeList(header)[0]!.params;
  const expected = computeDigestResponse({
    algorithm: (p.get('algorithm') ?? 'MD5') as DigestAlgorithm,
    username: p.get('username')!,
    password,
    realm: p.get('realm')!,
    method: request.method,
    uri: p.get('uri')!,
    nonce: p.get('nonce')!,
    qop: p.get('qop') as 'auth',
    cnonce: p.get('cnonce')!,
    nc: p.get('nc')!,
  });
  return p.get('response') === expected && p.get('uri') === request.uri;
}

export function ok(request: SipRequest, headers: Array<[string, string]>): SipResponse {
  return createResponse(request, 200, 'OK', { toTag: 'reg1', headers });
}
