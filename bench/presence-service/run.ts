// Presence service at scale against the real testbed (presence issue item 6): alice@alpha.test watches 1000
// contacts on beta.test with individual SUBSCRIBEs at the default pace (25/s). "State known" = the first NOTIFY
// for that contact was processed (the users publish nothing, so beta's NOTIFYs say "nothing published" = offline).
// Targets: every state known within 45 s of sign-in, the first 100 (the visible rows) within 5 s.
//
//   node --import tsx bench/presence-service/run.ts [--contacts 1000]
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAppCore } from '../../electron/core/app-core';
import { nodePlatform } from '../../electron/core/platform/node-platform';
import type { AccountState, EventPayload } from '../../shared/ipc/contract';
import { useTestbed } from '../../test/testbed/harness';
import type { TestUser } from '../../test/testbed/harness';

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '1000' } } });
const count = Number(values.contacts);
/** The service's default (presence-service.ts): the figure under test. */
const pace = 25;

async function inChunks<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

async function main(): Promise<void> {
  const tb = await useTestbed();
  const t0 = performance.now();
  const alice = await tb.createUser('alpha.test', { prefix: 'alice' });
  const contacts: TestUser[] = await inChunks(Array.from({ length: count }, (_, i) => i), 50, () => tb.createUser('beta.test', { prefix: 'w' }));
  const createMs = performance.now() - t0;

  const core = createAppCore(nodePlatform('cli', mkdtempSync(join(tmpdir(), 'parley-bench-presence-'))), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
  });
  const known = new Map<string, number>();
  let events = 0;
  let maxBatch = 0;
  let start = 0;
  core.events.subscribe((name, payload) => {
    if (name !== 'presence.changed') return;
    const batch = (payload as EventPayload<'presence.changed'>).contacts;
    events++;
    maxBatch = Math.max(maxBatch, batch.length);
    for (const p of batch) if (p.reason !== 'pending' && !known.has(p.uri)) known.set(p.uri, performance.now() - start);
  });
  const uris = contacts.map((c) => c.aor);
  start = performance.now();
  const signIn = await core.dispatch('account.signIn', { address: alice.aor, password: alice.password });
  const state = (signIn as { value: AccountState }).value;
  if (state.state !== 'registered') throw new Error(`sign-in failed: ${state.detail}`);
  const signedInMs = performance.now() - start;
  // The contact list, in display order (the first 100 are the visible rows).
  core.presence.watch(uris);
  const deadline = performance.now() + 90_000;
  // The SIP trace keeps the last 2000 entries: collect the initial SUBSCRIBEs as they go.
  const subscribes: Array<{ at: number }> = [];
  let seq = 0;
  const collect = (): void => {
    for (const e of core.trace.since(seq)) {
      seq = e.seq;
      if (e.direction === 'out' && e.text.startsWith('SUBSCRIBE ') && !/\r\nTo: [^\r]*;tag=/.test(e.text)) subscribes.push(e);
    }
  };
  while (known.size < uris.length && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    collect();
  }
  collect();

  const times = uris.map((u) => known.get(u) ?? Number.POSITIVE_INFINITY);
  const first100 = Math.max(...times.slice(0, 100));
  const all = Math.max(...times);
  const reasons = new Map<string, number>();
  for (const p of core.presence.list()) reasons.set(`${p.reason}/${p.availability}`, (reasons.get(`${p.reason}/${p.availability}`) ?? 0) + 1);
  const perSecond = new Map<number, number>();
  const firstAt = subscribes[0]?.at ?? 0;
  for (const s of subscribes) perSecond.set(Math.floor((s.at - firstAt) / 1000), (perSecond.get(Math.floor((s.at - firstAt) / 1000)) ?? 0) + 1);
  const result = {
    contacts: count,
    pacePerSecond: pace,
    usersCreatedMs: Math.round(createMs),
    signInMs: Math.round(signedInMs),
    first100KnownMs: Math.round(first100),
    allKnownMs: Number.isFinite(all) ? Math.round(all) : null,
    known: known.size,
    initialSubscribes: subscribes.length,
    maxSubscribesInOneSecond: Math.max(...perSecond.values()),
    presenceChangedEvents: events,
    largestEventBatch: maxBatch,
    outcome: Object.fromEntries(reasons),
    refusedDocuments: core.presence.stats.refusedDocuments,
    verdict: { first100Within5s: first100 <= 5000, allWithin45s: all <= 45_000 },
    loadAverage: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2))),
  };
  console.log(JSON.stringify(result, null, 2));
  await core.close();
  await inChunks([...contacts, alice], 50, (u) => tb.deleteUser(u));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
