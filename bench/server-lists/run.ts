// Batched presence at scale against the real testbed (server-side contact list issue, item 3): alice@alpha.test
// watches N contacts on beta.test, each of which has published a state (SIPp PUBLISH; Kamailio 5.6's rls lists a
// resource with nothing published without any <instance>, so an unpublished contact never becomes "known" through
// the RLS). "State known" = the contact's row has a state from a document or a subscription (reason not pending).
//   1. with RLS: a first Parley session of alice adds the N contacts; its sync writes them to her resource-lists and
//      her buddy list (rls-services service sip:<alice>-buddies@alpha.test), as Parley does for every account. The
//      measured session (same profile) signs in: one SUBSCRIBE with Supported: eventlist; back-end subscriptions
//      cross the federation link from alpha's RLS. Contacts the RLS never reports are recovered once the list has
//      gone quiet: a refresh of the list (full state), then their own SUBSCRIBE for any still unreported ("stragglers").
//   2. without RLS (fallback): another alice with no contact list on the server, watching the same N addresses:
//      404 for the list URI, then the paced individual SUBSCRIBEs (25/s).
// Target: with RLS, every state known within 5 s of sign-in; without, the fallback completes.
// Start the testbed afresh before measuring (`npm run testbed -- stop; npm run testbed -- start`): Kamailio 5.6's
// rls does not end its back-end subscriptions when a list subscription ends (no un-SUBSCRIBE is sent; see the
// sipdump), so every 1000-contact run leaves 1000 behind in its db_text tables, and later runs on the same testbed
// are slower and lose more updates (the "stragglers" Parley then subscribes to individually).
//
//   node --import tsx bench/server-lists/run.ts [--contacts 1000]
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAppCore } from '../../electron/core/app-core';
import { nodePlatform } from '../../electron/core/platform/node-platform';
import type { AccountState, EventPayload } from '../../shared/ipc/contract';
import { useTestbed } from '../../test/testbed/harness';
import type { Testbed, TestUser } from '../../test/testbed/harness';
import { runSipp } from '../../test/testbed/sipp/driver';

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '1000' } } });
const count = Number(values.contacts);

async function inChunks<T, R>(items: readonly T[], size: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map((x, j) => fn(x, i + j)))));
  return out;
}

interface Run {
  readonly mode: string;
  readonly signInMs: number;
  /** Sign-in → every published contact's state known. */
  readonly allKnownMs: number | null;
  readonly medianKnownMs: number | null;
  readonly known: number;
  readonly initialSubscribes: number;
  readonly listSubscribes: number;
  /** Contacts the list had not reported when it went quiet, and when Parley refreshed the list for its full state. */
  readonly unreportedAtRefresh: number;
  readonly refreshAtMs: number | null;
  /** Contacts still unreported after that, which got their own SUBSCRIBE, and when (ms after sign-in). */
  readonly stragglers: number;
  readonly stragglersAtMs: number | null;
  /** When the last contact the list itself reported became known (ms after sign-in). */
  readonly listLastMs: number | null;
  /** When the individual SUBSCRIBEs went out (first, last; ms after sign-in), as seen by the 50 ms poll. */
  readonly individualSubscribesMs: readonly number[];
  readonly presenceChangedEvents: number;
  readonly outcome: Record<string, number>;
  readonly refusedDocuments: number;
  readonly lastRefusal: string;
  /** Contacts never known, for the log. */
  readonly missing: readonly string[];
}

const coreFor = (tb: Testbed, profileDir: string, log?: (line: string) => void) =>
  createAppCore(nodePlatform('cli', profileDir), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
    ...(log ? { log } : {}),
  });

async function signInOrThrow(core: ReturnType<typeof coreFor>, user: TestUser): Promise<void> {
  const signIn = await core.dispatch('account.signIn', { address: user.aor, password: user.password });
  const state = (signIn as { value: AccountState }).value;
  if (state.state !== 'registered') throw new Error(`sign-in failed: ${state.detail}`);
}

/**
 * alice's earlier session: her contacts in the profile, synced to the server by Parley's ServerListService
 * (resource-lists, and her buddy list in rls-services). No SIP here, so no presence traffic before the measurement.
 */
async function addContacts(tb: Testbed, profileDir: string, alice: TestUser, uris: readonly string[]): Promise<void> {
  const core = coreFor(tb, profileDir);
  for (const uri of uris) core.contacts.store.add(alice.aor, { uri });
  const synced = await core.serverLists.signedIn(alice.aor, alice.password);
  if (!synced) throw new Error(`the contact list was not synced: ${core.serverLists.lastError(alice.aor) ?? 'no XCAP server'}`);
  const error = core.serverLists.buddyListError(alice.aor);
  if (error) throw new Error(`the buddy list was not written: ${error}`);
  await core.close();
}

/** `profileDir` holds alice's contacts (list mode); `extra` are addresses watched without a contact list (fallback). */
async function watch(tb: Testbed, mode: string, alice: TestUser, from: { profileDir: string; extra?: readonly string[] }, expected: readonly string[], timeoutMs: number): Promise<Run> {
  let stragglers = 0;
  let stragglersAtMs: number | null = null;
  let unreportedAtRefresh = 0;
  let refreshAtMs: number | null = null;
  const core = coreFor(tb, from.profileDir, (line) => {
    const refreshed = /gave no state for (\d+) contact\(s\); refreshing/.exec(line);
    if (refreshed) {
      unreportedAtRefresh = Number(refreshed[1]);
      refreshAtMs = Math.round(performance.now() - start);
    }
    const m = /gave no state for (\d+) contact\(s\) in time; subscribing/.exec(line);
    if (!m) return;
    stragglers += Number(m[1]);
    stragglersAtMs ??= Math.round(performance.now() - start);
  });
  const known = new Map<string, number>();
  let events = 0;
  let start = 0;
  core.events.subscribe((name, payload) => {
    if (name !== 'presence.changed') return;
    events++;
    for (const p of (payload as EventPayload<'presence.changed'>).contacts) if (p.reason !== 'pending' && p.reason !== 'signed-out' && !known.has(p.uri)) known.set(p.uri, performance.now() - start);
  });
  if (from.extra) core.presence.watch(from.extra);
  start = performance.now();
  await signInOrThrow(core, alice);
  const signInMs = performance.now() - start;
  let subscribes = 0;
  let listSubscribes = 0;
  let seq = 0;
  const callIds = new Set<string>();
  const individualAt: number[] = [];
  const collect = (): void => {
    for (const e of core.trace.since(seq)) {
      seq = e.seq;
      if (e.direction !== 'out' || !e.text.startsWith('SUBSCRIBE ') || /\r\nTo: [^\r]*;tag=/.test(e.text) || !/\r\nEvent: presence\r\n/.test(e.text)) continue;
      const callId = /\r\nCall-ID: ([^\r]+)/i.exec(e.text)?.[1] ?? '';
      if (callIds.has(callId)) continue; // a digest retry after 407
      callIds.add(callId);
      subscribes++;
      if (/\r\nSupported: eventlist\r\n/.test(e.text)) listSubscribes++;
      else individualAt.push(Math.round(performance.now() - start));
    }
  };
  const deadline = performance.now() + timeoutMs;
  while (expected.some((u) => !known.has(u)) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    collect();
  }
  collect();
  const times = expected.map((u) => known.get(u) ?? Number.POSITIVE_INFINITY);
  const all = Math.max(...times);
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.POSITIVE_INFINITY;
  const outcome: Record<string, number> = {};
  for (const p of core.presence.list()) outcome[`${p.reason}/${p.availability}`] = (outcome[`${p.reason}/${p.availability}`] ?? 0) + 1;
  const { refusedDocuments, lastRefusal } = core.presence.stats;
  const missing = expected.filter((u) => !known.has(u)).slice(0, 10);
  // Signing out ends the list subscription, so alpha's RLS drops its back-end subscriptions before the next run.
  await core.dispatch('account.signOut', { accountId: alice.aor });
  await core.close();
  return {
    refusedDocuments,
    lastRefusal,
    unreportedAtRefresh,
    refreshAtMs,
    listLastMs: Number.isFinite(sorted[sorted.length - 1 - stragglers] ?? Number.NaN) ? Math.round(sorted[sorted.length - 1 - stragglers]!) : null,
    stragglers,
    stragglersAtMs,
    individualSubscribesMs: individualAt.length ? [Math.min(...individualAt), Math.max(...individualAt)] : [],
    missing, mode, signInMs: Math.round(signInMs), allKnownMs: Number.isFinite(all) ? Math.round(all) : null, medianKnownMs: Number.isFinite(median) ? Math.round(median) : null, known: known.size, initialSubscribes: subscribes, listSubscribes, presenceChangedEvents: events, outcome };
}

async function main(): Promise<void> {
  const tb = await useTestbed();
  const t0 = performance.now();
  const alice = await tb.createUser('alpha.test', { prefix: 'alice' });
  const plain = await tb.createUser('alpha.test', { prefix: 'alice' });
  const contacts: TestUser[] = await inChunks(Array.from({ length: count }, (_, i) => i), 50, () => tb.createUser('beta.test', { prefix: 'r' }));
  const createMs = performance.now() - t0;
  const t1 = performance.now();
  // PUBLISH (Expires 120 in the scenario): half open, half closed.
  const published = await inChunks(contacts, 25, async (c, i) => {
    const r = await runSipp({ runDir: tb.runDir, scenario: 'publish', as: c, keys: { basic: i % 2 ? 'closed' : 'open', note: 'bench' }, timeoutMs: 15_000 }).done;
    return r.statuses.includes(200);
  });
  // SIPp runs that lost their PUBLISH under load (a few per thousand on this machine) get one more try.
  const retry = contacts.map((c, i) => [c, i] as const).filter(([, i]) => !published[i]);
  const again = await inChunks(retry, 10, async ([c, i]) => (await runSipp({ runDir: tb.runDir, scenario: 'publish', as: c, keys: { basic: i % 2 ? 'closed' : 'open', note: 'bench' }, timeoutMs: 15_000 }).done).statuses.includes(200));
  retry.forEach(([, i], k) => (published[i] = again[k] ?? false));
  const publishMs = performance.now() - t1;
  const uris = contacts.map((c) => c.aor);
  // Kamailio's rls lists a resource with nothing published without state: only published contacts can be known.
  const publishedUris = uris.filter((_, i) => published[i]);
  const profileDir = mkdtempSync(join(tmpdir(), 'parley-bench-rls-'));
  const t2 = performance.now();
  await addContacts(tb, profileDir, alice, uris);
  const contactsSyncedMs = performance.now() - t2;

  const withRls = await watch(tb, 'rls', alice, { profileDir }, publishedUris, 30_000);
  const fallback = await watch(tb, 'individual (no rls-services: 404, paced 25/s)', plain, { profileDir: mkdtempSync(join(tmpdir(), 'parley-bench-rls-')), extra: uris }, publishedUris, 90_000);
  const result = {
    contacts: count,
    usersCreatedMs: Math.round(createMs),
    published: published.filter(Boolean).length,
    publishMs: Math.round(publishMs),
    /** alice's first session: N contacts added and synced (resource-lists + buddy list written by Parley). */
    contactsSyncedMs: Math.round(contactsSyncedMs),
    runs: [withRls, fallback],
    verdict: { rlsAllKnownWithin5s: withRls.allKnownMs !== null && withRls.allKnownMs <= 5000, fallbackCompletes: fallback.allKnownMs !== null },
    loadAverage: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2))),
  };
  console.log(JSON.stringify(result, null, 2));
  await inChunks([...contacts, alice, plain], 50, (u) => tb.deleteUser(u));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
