// IM benchmark (IM issue item 7):
//   1. client-side cost per incoming message: parse → transaction/dialog routing → chat service (decode, dedupe)
//      → history store (SQLite file in WAL mode) → 200 back; in-process over the loop transport. Target < 0.2 ms.
//   2. end-to-end latency alice@alpha.test → bob@beta.test through the running testbed (two Parley cores, TLS,
//      both Kamailios, federation mTLS), one message at a time, from chat.send to bob's chat.message. Target p50 < 10 ms.
// Run: node --import tsx bench/im/run.ts [--messages 1000] [--client-only]
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { ChatService } from '../../electron/core/chat/chat-service';
import { EventBus } from '../../electron/core/event-bus';
import { HistoryStore } from '../../electron/core/history/history-store';
import { openDatabase } from '../../electron/core/storage/database';
import { createAppCore } from '../../electron/core/app-core';
import type { AppCore } from '../../electron/core/app-core';
import { nodePlatform } from '../../electron/core/platform/node-platform';
import { createLoopPair } from '../../electron/sip/transport/loop-transport';
import { UserAgent } from '../../electron/sip/user-agent';
import type { ChatMessage } from '../../shared/model/chat';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '1000' }, 'client-only': { type: 'boolean', default: false } } });
const N = Number(values.messages);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function clientCost(withStore: boolean): Promise<void> {
  const { a, b } = createLoopPair({ host: '127.0.0.1', port: 40000, name: 'alice' }, { host: '127.0.0.2', port: 5061, name: 'proxy' });
  b.setEvents({ onMessage: () => {} });
  const ua = new UserAgent({
    transport: a,
    account: { aor: 'sip:alice@alpha.test', epid: 'abc', outboundProxy: '<sip:127.0.0.2:5061;transport=tls;lr>', target: { transport: 'tls', host: '127.0.0.2', port: 5061 } },
    sentBy: { host: '127.0.0.1', port: 40000 },
  });
  const events = new EventBus();
  const db = openDatabase(mkdtempSync(join(tmpdir(), 'parley-bench-im-')));
  // Without the store: the same path with a history that only counts (to separate SIP + chat cost from SQLite).
  const counting = { insertIncoming: () => true, pendingOutgoing: () => [] } as unknown as HistoryStore;
  const chat = new ChatService({ events, history: withStore ? new HistoryStore(db) : counting, accounts: { userAgentOf: () => ua } });
  events.emit('account.state', { accountId: 'sip:alice@alpha.test', state: 'registered' });
  let shown = 0;
  events.subscribe((name) => name === 'chat.message' && shown++);
  const wire = (i: number) => {
    const body = `Message number ${i}: the quick brown fox jumps over the lazy dog.`;
    return Buffer.from(
      `MESSAGE sip:alice@127.0.0.1:40000;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.2:5061;branch=z9hG4bK${i}x;rport\r\nVia: SIP/2.0/TLS 127.0.0.3:5061;branch=z9hG4bK${i}y\r\nMax-Forwards: 68\r\nFrom: "Bob" <sip:bob@beta.test>;tag=t${i}\r\nTo: <sip:alice@alpha.test>\r\nCall-ID: bench-${i}@beta.test\r\nCSeq: 1 MESSAGE\r\nUser-Agent: Parley\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };
  const inbound = (i: number) => ({ bytes: wire(i), connectionId: 'loop:alice', transport: 'tls' as const, remoteAddress: '127.0.0.2', remotePort: 5061, localAddress: '127.0.0.1', localPort: 40000 });
  const warm = 2000;
  for (let i = 0; i < warm; i++) ua.receive(inbound(i));
  const count = 20_000;
  const inputs = Array.from({ length: count }, (_, i) => inbound(warm + i));
  const t0 = performance.now();
  for (const d of inputs) ua.receive(d);
  const elapsed = performance.now() - t0;
  await new Promise((r) => setImmediate(r));
  if (shown !== warm + count) throw new Error(`only ${shown} of ${warm + count} messages were shown`);
  const perMsg = elapsed / count;
  const name = withStore ? 'im-client-cost-per-msg-ms' : 'im-client-cost-no-store-per-msg-ms';
  const what = withStore ? 'parse + route + decode + dedupe + SQLite history insert + 200' : 'parse + route + decode + dedupe + 200, history store replaced by a counter';
  console.log(`${name} ${perMsg.toFixed(4)}   (${count} incoming MESSAGEs: ${what}; target < 0.2)`);
  await chat.close();
  db.close();
}

async function endToEnd(): Promise<void> {
  const { useTestbed } = await import('../../test/testbed/harness');
  const tb = await useTestbed();
  const alice = await tb.createUser('alpha.test', { prefix: 'benchalice' });
  const bob = await tb.createUser('beta.test', { prefix: 'benchbob' });
  const mk = (): AppCore =>
    createAppCore(nodePlatform('cli', mkdtempSync(join(tmpdir(), 'parley-bench-e2e-'))), {
      sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
    });
  const a = mk();
  const b = mk();
  try {
    for (const [core, user] of [[a, alice], [b, bob]] as const) {
      const r = await core.dispatch('account.signIn', { address: user.aor, password: user.password });
      if (!r.ok || (r.value as { state: string }).state !== 'registered') throw new Error(`sign-in failed: ${JSON.stringify(r)}`);
    }
    let arrived: ((at: number) => void) | undefined;
    b.events.subscribe((name, payload) => {
      if (name === 'chat.message' && (payload as ChatMessage).direction === 'in') arrived?.(performance.now());
    });
    const latencies: number[] = [];
    for (let i = -50; i < N; i++) {
      const got = new Promise<number>((r) => (arrived = r));
      const t0 = performance.now();
      await a.dispatch('chat.send', { to: bob.aor, text: `latency probe ${i}` });
      const t1 = await got;
      if (i >= 0) latencies.push(t1 - t0);
    }
    latencies.sort((x, y) => x - y);
    console.log(`im-e2e-latency-p50-ms ${pct(latencies, 50).toFixed(2)}   (alice@alpha → bob@beta, ${N} messages one at a time; target < 10)`);
    console.log(`im-e2e-latency-p95-ms ${pct(latencies, 95).toFixed(2)}`);
    console.log(`im-e2e-latency-max-ms ${latencies.at(-1)!.toFixed(2)}`);
  } finally {
    await a.close();
    await b.close();
    await tb.cleanup();
  }
}

await clientCost(false);
await clientCost(true);
if (!values['client-only']) await endToEnd();
console.log(`load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
