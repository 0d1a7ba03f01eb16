// The test-side API of the emulated LCS domain (README.md has a walkthrough). Talks to the running LCS process over
// its control socket, so any test process can script LCS users:
//
//   const carol = await tb.lcs.createUser({ prefix: 'carol', cleanup: t });
//   const s = await carol.openIm(alice.aor, { text: 'hi' });        // INVITE + Ms-Text-Format, ACK
//   await s.send('<b>bold</b>', { contentType: 'text/html' });      // in-dialog MESSAGE
//   await carol.setSwitches({ notifyMethod: 'BENOTIFY' });
//   const m = await carol.waitFor((r) => r.method === 'MESSAGE');
import { request } from 'node:http';
import type {
  LcsPresence, LcsStats, LcsSwitches, MsgrFormat, OpenImRequest, OpenImResult, ReceivedRecord, RequestResult, SendImRequest,
  SessionInfo, SubscribeEvent, SwitchPatch, TerminateReason, WatcherInfo,
} from './types';

export type * from './types';

export class LcsControlError extends Error {
  override readonly name = 'LcsControlError';
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export interface LcsInfo {
  readonly domain: string;
  readonly address: string;
  readonly edgeFqdn: string;
  readonly port: number;
  /** The process log: every SIP message in and out, decrypted. */
  readonly logFile: string;
  readonly controlSocket: string;
}

export interface CreateLcsUserOptions {
  /** Exact name (default `<prefix><random hex>`). */
  readonly name?: string;
  readonly prefix?: string;
  readonly presence?: LcsPresence;
  readonly switches?: Partial<LcsSwitches>;
  /** A test context: the user is deleted in its after() hook. */
  readonly cleanup?: { after(fn: () => unknown): void };
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  /** Only records with a larger seq (default: all). */
  readonly after?: number;
}

/** A predicate, or fields that must all be equal (e.g. `{ method: 'MESSAGE', text: 'hi' }`). */
export type RecordMatch = ((r: ReceivedRecord) => boolean) | Partial<ReceivedRecord>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function toPredicate(m: RecordMatch): (r: ReceivedRecord) => boolean {
  if (typeof m === 'function') return m;
  return (r) => Object.entries(m).every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v);
}

/** A header value from a received record's wire text (first occurrence, case-insensitive). */
export function headerOf(r: { wire: string }, name: string): string | undefined {
  const head = r.wire.split(/\r?\n\r?\n/)[0] ?? '';
  return new RegExp(`^${name}[ \\t]*:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim();
}

export class LcsControl implements LcsInfo {
  readonly domain: string;
  readonly address: string;
  readonly edgeFqdn: string;
  readonly port: number;
  readonly logFile: string;
  readonly controlSocket: string;

  constructor(info: LcsInfo) {
    this.domain = info.domain;
    this.address = info.address;
    this.edgeFqdn = info.edgeFqdn;
    this.port = info.port;
    this.logFile = info.logFile;
    this.controlSocket = info.controlSocket;
  }

  /** @internal One JSON call on the control socket. */
  call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = request(
        { socketPath: this.controlSocket, path, method, headers: text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            let v: unknown;
            try {
              v = JSON.parse(raw);
            } catch {
              reject(new LcsControlError(`LCS control ${method} ${path}: not JSON: ${raw.slice(0, 200)}`, res.statusCode ?? 0));
              return;
            }
            if ((res.statusCode ?? 500) >= 300) reject(new LcsControlError(`LCS control ${method} ${path}: ${(v as { error?: string }).error ?? raw}`, res.statusCode ?? 0));
            else resolve(v as T);
          });
        },
      );
      req.on('error', (err) => reject(new LcsControlError(`LCS control socket ${this.controlSocket}: ${err.message} (is the testbed started?)`, 0)));
      if (text) req.write(text);
      req.end();
    });
  }

  health(): Promise<{ ok: boolean; pid: number }> {
    return this.call('GET', '/health');
  }

  async createUser(opts: CreateLcsUserOptions = {}): Promise<LcsUser> {
    const name = opts.name ?? `${opts.prefix ?? 'lcsuser'}${Math.random().toString(16).slice(2, 10)}`;
    const r = await this.call<{ name: string; aor: string }>('POST', '/users', {
      name,
      ...(opts.presence ? { presence: opts.presence } : {}),
      ...(opts.switches ? { switches: opts.switches } : {}),
    });
    const u = new LcsUser(this, r.name, r.aor);
    opts.cleanup?.after(() => u.delete().catch(() => undefined));
    return u;
  }

  /** A handle on an existing user (no call is made). */
  user(name: string): LcsUser {
    return new LcsUser(this, name.toLowerCase(), `sip:${name.toLowerCase()}@${this.domain}`);
  }

  stats(): Promise<LcsStats> {
    return this.call('GET', '/stats');
  }

  /** Good-citizenship figures (protocol.md §2.11) over what the LCS edge saw, optionally since a time or per watcher. */
  async citizenship(filter: { since?: number; watcher?: string; presentity?: string; fromAddress?: string } = {}): Promise<CitizenshipReport> {
    return citizenshipReport(await this.stats(), filter);
  }
}

export interface CitizenshipReport {
  /** SUBSCRIBEs seen (initial and refreshes). */
  readonly subscribes: readonly SubscribeEvent[];
  /** The most SUBSCRIBEs in any one-second window (sipe paces at about 25/s, protocol.md §2.7 item 44). */
  readonly maxSubscribesPerSecond: number;
  /** In-dialog refreshes per subscription (Call-ID). */
  readonly refreshesBySubscription: Readonly<Record<string, number>>;
  /** Shortest time between two SUBSCRIBEs of one subscription, ms (BCP §5.3.1: no refresh before the expiry needs it). */
  readonly minRefreshGapMs: number | undefined;
  /** New SUBSCRIBEs for a watcher→presentity pair after it was refused with 403/404/604 (§2.7 item 42: must be 0). */
  readonly retriesAfterRefusal: ReadonlyArray<{ readonly watcher: string; readonly presentity: string; readonly refusedWith: number; readonly retries: number }>;
  /** Inbound TLS connections (that carried SIP), and those still open. */
  readonly connections: number;
  readonly openConnections: number;
}

export function citizenshipReport(stats: LcsStats, filter: { since?: number; watcher?: string; presentity?: string; fromAddress?: string } = {}): CitizenshipReport {
  const since = filter.since ?? 0;
  const subs = stats.subscribes.filter(
    (s) => s.at >= since && (!filter.watcher || s.watcher === filter.watcher.toLowerCase()) && (!filter.presentity || s.presentity === filter.presentity.toLowerCase()),
  );
  let maxPerSecond = 0;
  for (let i = 0, j = 0; i < subs.length; i++) {
    while ((subs[i] as SubscribeEvent).at - (subs[j] as SubscribeEvent).at >= 1000) j++;
    maxPerSecond = Math.max(maxPerSecond, i - j + 1);
  }
  const refreshes: Record<string, number> = {};
  const lastAt = new Map<string, number>();
  let minGap: number | undefined;
  for (const s of subs) {
    if (s.inDialog) refreshes[s.callId] = (refreshes[s.callId] ?? 0) + 1;
    else refreshes[s.callId] ??= 0;
    const prev = lastAt.get(s.callId);
    if (prev !== undefined && s.expires !== 0) minGap = Math.min(minGap ?? Infinity, s.at - prev);
    lastAt.set(s.callId, s.at);
  }
  const refused = new Map<string, { watcher: string; presentity: string; refusedWith: number; retries: number }>();
  for (const s of subs) {
    if (s.inDialog) continue;
    const key = `${s.watcher} ${s.presentity}`;
    const r = refused.get(key);
    if (r) r.retries++;
    else if ([403, 404, 604].includes(s.status)) refused.set(key, { watcher: s.watcher, presentity: s.presentity, refusedWith: s.status, retries: 0 });
  }
  const conns = stats.connections.filter((c) => c.at >= since && (!filter.fromAddress || c.remoteAddress === filter.fromAddress));
  const open = stats.openConnections.filter((c) => c.at >= since && (!filter.fromAddress || c.remoteAddress === filter.fromAddress));
  return {
    subscribes: subs,
    maxSubscribesPerSecond: maxPerSecond,
    refreshesBySubscription: refreshes,
    minRefreshGapMs: minGap,
    retriesAfterRefusal: [...refused.values()],
    connections: conns.length,
    openConnections: open.length,
  };
}

export class LcsUser {
  constructor(
    private readonly control: LcsControl,
    readonly name: string,
    /** sip:<name>@lcs.test */
    readonly aor: string,
  ) {}

  private get base(): string {
    return `/users/${encodeURIComponent(this.name)}`;
  }

  info(): Promise<{ name: string; aor: string; epid: string; presence: LcsPresence; switches: LcsSwitches }> {
    return this.control.call('GET', this.base);
  }

  delete(): Promise<void> {
    return this.control.call('DELETE', this.base);
  }

  /** Flips switches (README.md table); unnamed switches keep their values, `null` restores a default. */
  setSwitches(patch: SwitchPatch): Promise<LcsSwitches> {
    return this.control.call('PATCH', `${this.base}/switches`, patch);
  }

  /** New presence; current watchers get a NOTIFY (or BENOTIFY). Resolves with how many were told. */
  async setPresence(p: LcsPresence): Promise<number> {
    return (await this.control.call<{ notified: number }>('PUT', `${this.base}/presence`, p)).notified;
  }

  /** Ends every current subscription with `Subscription-State: terminated;reason=<reason>`. */
  async endSubscriptions(reason: TerminateReason): Promise<number> {
    return (await this.control.call<{ ended: number }>('POST', `${this.base}/end-subscriptions`, { reason })).ended;
  }

  received(after = 0): Promise<ReceivedRecord[]> {
    return this.control.call('GET', `${this.base}/received?after=${after}`);
  }

  sessions(): Promise<SessionInfo[]> {
    return this.control.call('GET', `${this.base}/sessions`);
  }

  watchers(): Promise<WatcherInfo[]> {
    return this.control.call('GET', `${this.base}/watchers`);
  }

  /** Resolves with the first received request that matches; rejects after `timeoutMs` (default 10 s) with what came. */
  async waitFor(match: RecordMatch, opts: WaitOptions = {}): Promise<ReceivedRecord> {
    const pred = toPredicate(match);
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      const all = await this.received(opts.after ?? 0);
      const hit = all.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) {
        const seen = all.map((r) => `${r.method}${r.status ? `→${r.status}` : ''}${r.text !== undefined ? ` "${r.text.slice(0, 40)}"` : ''}`).join(', ');
        throw new LcsControlError(`${this.aor}: nothing matching arrived in ${opts.timeoutMs ?? 10_000} ms (received: ${seen || 'nothing'})`, 408);
      }
      await sleep(40);
    }
  }

  /** Waits until a watcher (optionally a given AOR) holds an active subscription. */
  async waitForWatcher(watcher?: string, timeoutMs = 10_000): Promise<WatcherInfo> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const w = (await this.watchers()).find((x) => !watcher || x.watcher === watcher.toLowerCase());
      if (w) return w;
      if (Date.now() > deadline) throw new LcsControlError(`${this.aor}: no watcher ${watcher ?? ''} within ${timeoutMs} ms`, 408);
      await sleep(40);
    }
  }

  /** The user opens an IM session (INVITE with IM SDP; the first text in Ms-Text-Format unless msTextFormat: false). */
  async openIm(to: string, opts: Omit<OpenImRequest, 'to'> = {}): Promise<OpenImResult & { session?: LcsImSession }> {
    const r = await this.control.call<OpenImResult>('POST', `${this.base}/im`, { to, ...opts });
    return { ...r, ...(r.sessionId ? { session: new LcsImSession(this.control, r.sessionId) } : {}) };
  }

  /** A session by id (e.g. one alice opened: find it with sessions() or a record's sessionId). */
  session(id: string): LcsImSession {
    return new LcsImSession(this.control, id);
  }

  /** Waits for an IM session opened by `peer` (an incoming INVITE this user accepted). */
  async waitForSession(peer?: string, timeoutMs = 10_000): Promise<LcsImSession> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = (await this.sessions()).find((x) => x.direction === 'incoming' && x.state === 'confirmed' && (!peer || x.peer === peer.toLowerCase()));
      if (s) return new LcsImSession(this.control, s.id);
      if (Date.now() > deadline) throw new LcsControlError(`${this.aor}: no IM session from ${peer ?? 'anyone'} within ${timeoutMs} ms`, 408);
      await sleep(40);
    }
  }
}

export class LcsImSession {
  constructor(
    private readonly control: LcsControl,
    readonly id: string,
  ) {}

  /** In-dialog MESSAGE: text/plain (default), text/html or text/rtf, optionally with `msgr` formatting. */
  send(text: string, opts: { contentType?: SendImRequest['contentType']; msgr?: MsgrFormat } = {}): Promise<RequestResult> {
    return this.control.call('POST', `/sessions/${this.id}/message`, { text, ...opts });
  }

  /** KeyboardActivity INFO (protocol.md §2.6 item 33). */
  typing(state: 'type' | 'idle' = 'type'): Promise<RequestResult> {
    return this.control.call('POST', `/sessions/${this.id}/typing`, { state });
  }

  bye(): Promise<RequestResult> {
    return this.control.call('POST', `/sessions/${this.id}/bye`);
  }
}
