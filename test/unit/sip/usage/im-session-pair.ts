// Two user agents back to back over the loop transport with a fake clock (architecture.md house rule 9): alice and
// bob each send to the other directly (no proxy in between), so tests assert the exact wire of both directions.
import { createLoopPair } from '../../../../electron/sip/transport/loop-transport';
import type { LoopTransport, LoopWireEntry } from '../../../../electron/sip/transport/loop-transport';
import { UserAgent } from '../../../../electron/sip/user-agent';
import type { AccountIdentity } from '../../../../electron/sip/usage/request-sender';
import { FakeClock } from '../../../support/fake-clock';

export async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise<void>((r) => setImmediate(r));
}

export const ALICE: AccountIdentity = {
  aor: 'sip:alice@alpha.test',
  epid: 'a1a1a1a1',
  outboundProxy: '<sip:127.0.0.2:5061;transport=tls;lr>',
  target: { transport: 'tls', host: '127.0.0.2', port: 5061 },
};

export const BOB: AccountIdentity = {
  aor: 'sip:bob@beta.test',
  epid: 'b2b2b2b2',
  outboundProxy: '<sip:127.0.0.1:40000;transport=tls;lr>',
  target: { transport: 'tls', host: '127.0.0.1', port: 40000 },
};

export interface Pair {
  clock: FakeClock;
  alice: UserAgent;
  bob: UserAgent;
  aliceWire: LoopTransport;
  bobWire: LoopTransport;
  log: LoopWireEntry[];
  /** Start lines of everything on the wire, "alice→bob: MESSAGE …". */
  lines(): string[];
}

export function makePair(): Pair {
  const clock = new FakeClock();
  const { a, b, log } = createLoopPair({ host: '127.0.0.1', port: 40000, name: 'alice' }, { host: '127.0.0.2', port: 5061, name: 'bob' });
  let n = 0;
  const alice = new UserAgent({ transport: a, account: ALICE, clock, sentBy: { host: '127.0.0.1', port: 40000 }, newBranch: () => `a${++n}` });
  const bob = new UserAgent({ transport: b, account: BOB, clock, sentBy: { host: '127.0.0.2', port: 5061 }, newBranch: () => `b${++n}` });
  return {
    clock,
    alice,
    bob,
    aliceWire: a,
    bobWire: b,
    log,
    lines: () => log.map((e) => `${e.from}→${e.to}: ${e.wire.slice(0, e.wire.indexOf('\r\n'))}`),
  };
}
