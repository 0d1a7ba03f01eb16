// Presence for the signed-in account (presence issue): publishes our own state to the home server (RFC 3903), watches
// every contact of the account's list with individual, paced SUBSCRIBEs (RFC 6665; protocol.md §2.7), maps what
// arrives to shared/model/presence.ts with freshness and a reason, and tells the UI through coalesced
// `presence.changed` events. It follows the account: registered → publish and subscribe; reconnected (the account
// session re-registers by itself) → resubscribe and republish; signed out or failed → every contact `signed-out`.
import type { AccountState, EventPayload, OwnPresence, PresenceCapabilities } from '../../../shared/ipc/contract';
import type { ContactPresence, OwnStatus } from '../../../shared/model/presence';
import type { Clock, TimerHandle } from '../../sip/clock';
import { systemClock } from '../../sip/clock';
import { SimpleBodyError } from '../../sip/simple/errors';
import { buildPidf } from '../../sip/simple/pidf-builder';
import { parsePresenceBody, PRESENCE_CONTENT_TYPES } from '../../sip/simple/presence-body';
import type { UserAgent } from '../../sip/user-agent';
import { Publication } from '../../sip/usage/publication';
import type { PublicationState } from '../../sip/usage/publication';
import { Subscriber } from '../../sip/usage/subscription';
import type { Subscription, SubscriptionNotify, SubscriptionStatus } from '../../sip/usage/subscription';
import { ListSubscription } from '../../sip/usage/list-subscription';
import type { ListStatus, ResourceUpdate } from '../../sip/usage/list-subscription';
import type { EventBus } from '../event-bus';
import { ChangeCoalescer } from './change-coalescer';
import { fromDocument, fromSubscription, initialPresence } from './contact-presence';
import type { IdleSource } from './idle-source';
import { NoPresenceCache } from './no-presence-cache';
import { OwnPresenceController, publishedAvailability } from './own-presence';
import { Pacer } from './pacer';
import { parseWatcherInfo, WATCHERINFO_TYPE } from './watcher-info';
import type { WatcherStatus } from './watcher-info';

/** The part of the account service presence needs (structural, so tests can pass a fake). */
export interface PresenceAccounts {
  session(accountId: string): { readonly userAgent: UserAgent | undefined } | undefined;
}

/** The part of the contact store presence needs: ContactStore satisfies it. */
export interface WatchedContactSource {
  list(accountId: string): { readonly contacts: ReadonlyArray<{ readonly uri: string }> };
  onChange(listener: (change: WatchedContactChange) => void): () => void;
}

export interface WatchedContactChange {
  readonly kind: string;
  readonly accountId: string;
  readonly contact?: { readonly uri: string };
}

export interface PresenceServiceOptions {
  readonly accounts: PresenceAccounts;
  readonly events: EventBus;
  readonly contacts?: WatchedContactSource;
  /** Protocol timers (refresh, pacing, coalescing). */
  readonly clock?: Clock;
  /** Wall clock for `updatedAt` (epoch ms). */
  readonly now?: () => number;
  readonly idle?: IdleSource;
  readonly idleMinutes?: number;
  /** Where the 604 cache is kept; memory only without it. */
  readonly profileDir?: string;
  /** Individual SUBSCRIBEs per second (default 25, protocol.md §2.7 item 44). */
  readonly subscribesPerSecond?: number;
  /** SUBSCRIBE and PUBLISH durations in seconds (default 3600 each). */
  readonly subscribeExpires?: number;
  readonly publishExpires?: number;
  /** `presence.changed` at most once per this many ms (default 50). */
  readonly coalesceMs?: number;
  /** PIDF dialect of our PUBLISH (default 'bcp': basic + RPID activities + note, as LCS users expect, §3.2). */
  readonly pidfDialect?: 'bcp' | 'rfc4480';
  /** Subscribe to our own presence.winfo (default true). */
  readonly watcherInfo?: boolean;
  readonly log?: (line: string) => void;
  /**
   * Batched presence (RFC 4662): the account's buddy-list URI on its Resource List Server, e.g. `buddyListUri`.
   * Watched with one SUBSCRIBE; contacts the list does not hold, and every contact when there is no RLS (failure
   * answer, no resource list document), get today's paced individual SUBSCRIBEs. Off when not given.
   */
  readonly resourceList?: (aor: string) => string | undefined;
  /** How long to wait for the list's first document before falling back (default 3000 ms). */
  readonly resourceListTimeoutMs?: number;
  /**
   * Once the list has brought nothing new for this long — no contact newly listed or given its first word —
   * contacts it does not hold or never reported are recovered (see `settleList`). Default 1200 ms (RLSs batch their
   * updates, Kamailio's every second). When recovering would mean a refresh of the whole list (more than
   * `resourceListRefreshAbove` unreported), the wait stretches to the longest pause seen between the list's reports
   * plus a third of this (at most 4×): a loaded RLS that reports every two seconds is not taken for one that stopped.
   */
  readonly resourceListQuietMs?: number;
  /**
   * Before the list has reported any contact (its first full state names them all, the states follow once its own
   * back-end subscriptions answer), it is given up to this long after its first NOTIFY (default 10 s).
   */
  readonly resourceListPatienceMs?: number;
  /**
   * More contacts than this left unreported by a quiet list: refresh the list for its full state before subscribing
   * to them one by one (default: one second's worth of paced SUBSCRIBEs, `subscribesPerSecond`).
   */
  readonly resourceListRefreshAbove?: number;
  /** Does the account's server apply our presence rules (XCAP pres-rules found)? Decides what blocking does. */
  readonly presenceRules?: (accountId: string) => boolean;
}

export { buddyListUri } from '../xcap/buddy-list-uri';

/** At most this many individual un-SUBSCRIBEs at sign-out (one second's worth under a 20 msg/s partner cap). */
const INDIVIDUAL_UNSUBSCRIBES_AT_SIGN_OUT = 20;

const BLOCKING_NOTE_RULES =
  'Blocking stops this contact’s instant messages and hides your presence from them: your server’s presence rules show them you as offline, without telling them they are blocked.';
const BLOCKING_NOTE_NO_RULES =
  'Blocking stops this contact’s instant messages. It does not hide your presence from them: your server offers no presence rules (no XCAP server found for this account).';

interface ActiveAccount {
  readonly accountId: string;
  readonly aor: string;
  readonly ua: UserAgent;
  readonly subscriber: Subscriber;
  readonly publication: Publication;
  readonly pacer: Pacer;
  readonly watches: Map<string, Subscription>;
  winfo: Subscription | undefined;
  /**
   * RFC 4662 list subscription: 'deciding' until it works or not; the URIs it covers once it works; those it lists
   * without anything about their back-end subscription (no instance); the timer that waits for the list to go quiet.
   */
  list:
    | {
        readonly subscription: ListSubscription;
        state: 'deciding' | 'list' | 'off';
        readonly covers: Set<string>;
        readonly unreported: Set<string>;
        /** Covered contacts we watch ourselves because the list never reported them (settleList). */
        readonly healed: Set<string>;
        quietTimer: TimerHandle | undefined;
        /** Contacts newly listed or given their first word so far; the quiet timer restarts when it grows. */
        progress: number;
        armedAt: number;
        /** Contacts given their first word (a state, or a pending instance) so far, when the last was, longest pause. */
        reports: number;
        lastReportAt: number | undefined;
        longestPause: number;
        /** clock.now() of the list's first NOTIFY, and of its last progress. */
        firstAt: number | undefined;
        lastProgressAt: number | undefined;
        /** The list was refreshed once to recover contacts it never reported (settleList). */
        refreshed: boolean;
      }
    | undefined;
  resync: boolean;
}

export class PresenceService {
  private readonly clock: Clock;
  private readonly now: () => number;
  private readonly presence = new Map<string, ContactPresence>();
  /** Addresses watched on request (CLI `watch`), in addition to the contact list. */
  private readonly extra = new Set<string>();
  private readonly coalescer: ChangeCoalescer<ContactPresence>;
  private readonly own: OwnPresenceController;
  private readonly noPresence: NoPresenceCache;
  private readonly unsubscribeEvents: () => void;
  private unsubscribeContacts: (() => void) | undefined;
  private contacts: WatchedContactSource | undefined;
  private active: ActiveAccount | undefined;
  private watchers = new Map<string, WatcherStatus>();
  private targetCache: { owner: ActiveAccount; set: Set<string> } | undefined;
  private winfoState: Pick<PresenceCapabilities, 'watcherInfo' | 'watcherInfoDetail'> = { watcherInfo: 'unknown' };
  private lastPublication: PublicationState = { kind: 'idle' };
  /** The last document handed to the publication and its PUBLISH, so the same state is not published twice. */
  private published: { body: string; done: Promise<void> } | undefined;
  /** Counters for diagnostics and the benchmark. */
  readonly stats = { documents: 0, refusedDocuments: 0, lastRefusal: '' };

  constructor(private readonly options: PresenceServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.now = options.now ?? Date.now;
    this.coalescer = new ChangeCoalescer(this.clock, (contacts) => this.emit('presence.changed', { contacts }), options.coalesceMs ?? 50);
    this.noPresence = new NoPresenceCache(options.profileDir, this.now);
    this.own = new OwnPresenceController({
      clock: this.clock,
      ...(options.idle ? { idle: options.idle } : {}),
      ...(options.idleMinutes !== undefined ? { idleMinutes: options.idleMinutes } : {}),
      onChange: (own) => {
        this.emit('presence.own', own);
        void this.publishOwn();
      },
    });
    this.own.start();
    this.unsubscribeEvents = options.events.subscribe((name, payload) => {
      if (name === 'account.state') this.onAccountState(payload as AccountState);
    });
    if (options.contacts) this.useContacts(options.contacts);
  }

  // --- API (IPC handlers, CLI) -----------------------------------------------------------------------------

  /** Every watched contact, in list order. */
  list(): ContactPresence[] {
    return [...this.presence.values()];
  }

  ownPresence(): OwnPresence {
    return this.own.current;
  }

  /** The user's choice; published at once when signed in, else on the next sign-in. */
  setOwn(status: OwnStatus, note?: string): OwnPresence {
    return this.own.set(status, note);
  }

  /** Reads the idle source now (the UI reported input): an automatic Away ends at once, not at the next poll. */
  checkIdle(): void {
    this.own.check();
  }

  /** Minutes without input before automatic Away (settings.set); 0 = never. */
  setIdleMinutes(minutes: number): void {
    this.own.setIdleMinutes(minutes);
  }

  /** Resolves once the current own state has been published (or failed), for the CLI's `presence set`. */
  async publishNow(): Promise<PublicationState> {
    await this.publishOwn();
    return this.lastPublication;
  }

  capabilities(): PresenceCapabilities {
    const id = this.active?.accountId;
    const rules = id !== undefined && (this.options.presenceRules?.(id) ?? false);
    return { blockingHidesPresence: rules, blockingNote: rules ? BLOCKING_NOTE_RULES : BLOCKING_NOTE_NO_RULES, ...this.winfoState };
  }

  /** Watches addresses that are not (necessarily) in the contact list: the CLI's `parley watch <uri>…`. */
  watch(uris: readonly string[]): void {
    this.targetCache = undefined;
    for (const uri of uris) {
      this.extra.add(uri);
      if (this.active) this.watchUri(this.active, uri);
      else this.setPresence(initialPresence(uri, false));
    }
  }

  /** Uses this contact list (the contact store); watched contacts follow its changes. */
  useContacts(source: WatchedContactSource): void {
    this.unsubscribeContacts?.();
    this.contacts = source;
    this.targetCache = undefined;
    this.unsubscribeContacts = source.onChange((change) => this.onContactChange(change));
    if (this.active) this.watchAll(this.active);
  }

  /** Renews every subscription (e.g. after resume from sleep) and publishes again. */
  resubscribe(): void {
    const active = this.active;
    if (!active) return;
    for (const s of active.watches.values()) s.restart();
    if (active.list?.state === 'list') active.list.subscription.restart();
    active.winfo?.restart();
    this.published = undefined;
    void active.publication.republish();
  }

  /**
   * Before an account signs out: withdraw our published state (RFC 3903 §4.5) so watchers do not see us
   * available until it expires, and end the subscriptions on our home server (RFC 6665 §4.1.2.3): the resource
   * list — whose RLS otherwise keeps a back-end subscription per contact alive for up to an hour — and watcher
   * information. Individual subscriptions end too when there are few of them; a thousand un-SUBSCRIBEs at once
   * would trip federation throttles (protocol.md §2.11 item 56: 20 msg/s per partner), so many are left to expire or be
   * ended by their notifiers. Bounded in time: sign-out must not hang.
   */
  async beforeSignOut(accountId: string, timeoutMs = 2000): Promise<void> {
    const active = this.active;
    if (!active || active.accountId !== accountId) return;
    const individual = active.watches.size <= INDIVIDUAL_UNSUBSCRIBES_AT_SIGN_OUT ? [...active.watches.values()] : [];
    const ending = [active.publication.remove(), active.list?.subscription.unsubscribe(), active.winfo?.unsubscribe(), ...individual.map((s) => s.unsubscribe())];
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.allSettled(ending), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Stops everything without un-publishing (the CLI leaves its publication valid until it expires). */
  async close(): Promise<void> {
    this.unsubscribeEvents();
    this.unsubscribeContacts?.();
    this.own.stop();
    this.teardown(false);
    this.coalescer.flush();
    this.coalescer.dispose();
  }

  // --- account lifecycle -----------------------------------------------------------------------------------

  private onAccountState(state: AccountState): void {
    const active = this.active;
    if (state.state === 'registered') {
      const ua = this.options.accounts.session(state.accountId)?.userAgent;
      if (!ua) return;
      if (active && active.ua === ua) {
        // The session re-registers by itself after a lost connection: the server side of our subscriptions
        // and publication is likely gone with the old connection (RFC 5626 flows), so start them again.
        if (active.resync) {
          active.resync = false;
          this.resubscribe();
        }
        return;
      }
      this.teardown(false);
      this.begin(state.accountId, ua);
      return;
    }
    if (!active || active.accountId !== state.accountId) return;
    if (state.state === 'reconnecting') active.resync = true;
    if (state.state === 'signed-out' || state.state === 'failed') this.teardown(true);
  }

  private begin(accountId: string, ua: UserAgent): void {
    const pacer = new Pacer(this.clock, this.options.subscribesPerSecond ?? 25);
    const active: ActiveAccount = {
      accountId,
      aor: ua.sender.account.aor,
      ua,
      pacer,
      subscriber: new Subscriber(ua, { pace: (start) => pacer.schedule(start) }),
      publication: new Publication(ua.sender, {
        clock: this.clock,
        expires: this.options.publishExpires ?? 3600,
        onStateChange: (s) => {
          this.lastPublication = s;
          if (s.kind === 'failed') this.log(`presence: PUBLISH failed: ${s.detail}`);
        },
      }),
      watches: new Map(),
      winfo: undefined,
      list: undefined,
      resync: false,
    };
    this.active = active;
    void this.publishOwn();
    void this.noPresence.load().then(() => {
      if (this.active !== active) return;
      if (this.startList(active)) {
        for (const uri of this.targets(active)) this.showPending(uri);
      } else {
        this.watchAll(active);
      }
      // After the contacts: the visible rows get the first SUBSCRIBE slots.
      if (this.options.watcherInfo ?? true) this.watchWatchers(active);
    });
  }

  /** Stops the account's usages. `signedOut`: every row says so. */
  private teardown(signedOut: boolean): void {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    this.published = undefined;
    active.pacer.clear();
    this.stopList(active);
    active.subscriber.dispose();
    active.publication.dispose();
    this.watchers.clear();
    this.winfoState = { watcherInfo: 'unknown' };
    if (signedOut) for (const p of this.presence.values()) this.setPresence({ ...initialPresence(p.uri, false), ...(p.updatedAt !== undefined ? { updatedAt: p.updatedAt } : {}) });
  }

  // --- own presence ----------------------------------------------------------------------------------------

  /** When our current status and note were first published (see publishOwn). */
  private ownSince: { key: string; at: string } | undefined;

  private async publishOwn(): Promise<void> {
    const active = this.active;
    if (!active) return;
    const own = this.own.current;
    // RFC 3863 §4.1.7: when this state began. A server composing several of our publications (two devices, or
    // a CLI `presence set` beside a running Parley) shows watchers the newest one, not an arbitrary one.
    const key = `${own.status}\n${own.note ?? ''}`;
    if (this.ownSince?.key !== key) this.ownSince = { key, at: new Date().toISOString() };
    const body = buildPidf(
      {
        entity: active.aor,
        availability: publishedAvailability(own.status),
        ...(own.note && own.status !== 'appear-offline' ? { note: own.note } : {}),
        contact: active.aor,
        timestamp: this.ownSince.at,
      },
      { dialect: this.options.pidfDialect ?? 'bcp' },
    );
    if (this.published?.body === body) return this.published.done;
    const done = active.publication.publish({ contentType: 'application/pidf+xml', body });
    this.published = { body, done };
    return done;
  }

  // --- watching contacts -----------------------------------------------------------------------------------

  /** Membership test for the list's per-resource updates (a full state names every contact: no O(n²)). */
  private isTarget(active: ActiveAccount, uri: string): boolean {
    if (!this.targetCache || this.targetCache.owner !== active) this.targetCache = { owner: active, set: new Set(this.targets(active)) };
    return this.targetCache.set.has(uri);
  }

  private targets(active: ActiveAccount): string[] {
    const fromList = this.contacts?.list(active.accountId).contacts.map((c) => c.uri) ?? [];
    const all = [...fromList, ...this.extra];
    return [...new Set(all)].filter((uri) => uri.toLowerCase() !== active.aor.toLowerCase());
  }

  private watchAll(active: ActiveAccount): void {
    const wanted = new Set(this.targets(active));
    for (const uri of [...active.watches.keys()]) if (!wanted.has(uri)) this.unwatchUri(active, uri);
    for (const uri of wanted) this.watchUri(active, uri);
  }

  private showPending(uri: string): void {
    const previous = this.presence.get(uri);
    if (!previous || previous.reason !== 'ok') this.setPresence(initialPresence(uri, true));
  }

  private watchUri(active: ActiveAccount, uri: string): void {
    if (active.watches.has(uri)) return;
    // The list subscription answers for it (or is still deciding whether it can: wait for it).
    if (active.list && (active.list.state === 'deciding' || active.list.covers.has(uri))) {
      this.showPending(uri);
      return;
    }
    this.subscribeIndividually(active, uri);
  }

  /** One SUBSCRIBE for this contact (paced), whatever the list subscription says. */
  private subscribeIndividually(active: ActiveAccount, uri: string): void {
    if (active.watches.has(uri)) return;
    if (this.noPresence.has(uri)) {
      this.setPresence({ uri, availability: 'unknown', reason: 'no-such-user', detail: 'This address never has presence (604, remembered for 30 days).' });
      return;
    }
    const previous = this.presence.get(uri);
    if (!previous || previous.reason !== 'ok') this.setPresence(initialPresence(uri, true));
    const subscription = active.subscriber.subscribe(
      { uri, event: 'presence', accept: PRESENCE_CONTENT_TYPES, expires: this.options.subscribeExpires ?? 3600 },
      {
        onStateChange: (status) => this.onSubscriptionState(uri, status),
        onNotify: (notify) => this.onDocument(uri, notify),
      },
    );
    active.watches.set(uri, subscription);
  }

  private unwatchUri(active: ActiveAccount, uri: string): void {
    const subscription = active.watches.get(uri);
    active.watches.delete(uri);
    this.presence.delete(uri);
    void subscription?.unsubscribe();
  }

  private onContactChange(change: WatchedContactChange): void {
    this.targetCache = undefined;
    const active = this.active;
    if (!active || change.accountId !== active.accountId || !change.contact) return;
    const uri = change.contact.uri;
    if (change.kind === 'added') {
      // Adding a contact again is the user's action that may retry a 604 (BCP §5.1 forbids only automatic retries).
      void this.noPresence.delete(uri);
      this.watchUri(active, uri);
    } else if (change.kind === 'removed' && !this.extra.has(uri)) {
      this.unwatchUri(active, uri);
    }
  }

  private onSubscriptionState(uri: string, status: SubscriptionStatus): void {
    if (status.kind === 'terminated' && status.status === 604) void this.noPresence.add(uri);
    const previous = this.presence.get(uri);
    if (!previous) return;
    const next = fromSubscription(previous, status, this.now());
    if (next) this.setPresence(next);
  }

  private onDocument(uri: string, notify: SubscriptionNotify): void {
    if (!this.presence.has(uri)) return;
    try {
      const state = parsePresenceBody(notify.contentType, notify.body);
      this.stats.documents++;
      this.setPresence(fromDocument(uri, state, this.now()));
    } catch (error) {
      // Malformed, hostile or unknown documents are refused and counted; the subscription and the last good
      // state stay (the NOTIFY itself was answered 200 by the usage, see subscription.ts).
      this.stats.refusedDocuments++;
      this.stats.lastRefusal = error instanceof SimpleBodyError ? error.reason : String(error);
      this.log(`presence: refused a ${notify.source} body for ${uri}: ${this.stats.lastRefusal}`);
    }
  }

  // --- batched presence (RFC 4662) -------------------------------------------------------------------------

  /** Starts the list subscription when configured. Returns false when there is none to try. */
  private startList(active: ActiveAccount): boolean {
    const uri = this.options.resourceList?.(active.aor);
    if (!uri) return false;
    const covers = new Set<string>();
    const list: NonNullable<ActiveAccount['list']> = {
      state: 'deciding',
      covers,
      unreported: new Set(),
      healed: new Set(),
      quietTimer: undefined,
      progress: 0,
      armedAt: -1,
      reports: 0,
      lastReportAt: undefined,
      longestPause: 0,
      firstAt: undefined,
      lastProgressAt: undefined,
      refreshed: false,
      subscription: new ListSubscription(
        active.subscriber,
        { uri, expires: this.options.subscribeExpires ?? 3600, firstDocumentTimeoutMs: this.options.resourceListTimeoutMs ?? 3000 },
        {
          onStatus: (status) => this.onListStatus(active, status),
          onResource: (resource, update) => this.onListResource(active, resource, update),
          onResubscribe: (resource) => {
            // RFC 4662 §5.3: the RLS gave this resource up; watch it ourselves (at once, even while deciding).
            covers.delete(resource);
            list.healed.add(resource);
            if (this.isTarget(active, resource)) this.subscribeIndividually(active, resource);
          },
          onRemoved: (resource) => {
            covers.delete(resource);
            if (this.isTarget(active, resource)) this.watchUri(active, resource);
          },
          onRefused: (detail) => {
            this.stats.refusedDocuments++;
            this.stats.lastRefusal = detail;
            this.log(`presence: refused part of a resource list NOTIFY: ${detail}`);
          },
        },
      ),
    };
    active.list = list;
    return true;
  }

  private onListStatus(active: ActiveAccount, status: ListStatus): void {
    const list = active.list;
    if (!list || this.active !== active) return;
    if (status.kind === 'list') {
      if (list.state !== 'list') this.log(`presence: resource list ${list.subscription.uri} on the server (RFC 4662), ${status.resources} resources`);
      list.state = 'list';
      // An RLS may split one full state over several NOTIFYs (Kamailio's max_notify_body_length) and sends its
      // updates in batches: what the list does not hold, or never reports, is decided once it brings nothing new.
      // Updates of contacts already known do not count: a busy list must not postpone that for ever.
      list.firstAt ??= this.clock.now();
      if (list.progress !== list.armedAt) {
        list.armedAt = list.progress;
        list.lastProgressAt = this.clock.now();
        this.armQuietTimer(active, list);
      }
      return;
    }
    if (status.kind === 'unavailable') {
      this.log(`presence: no resource list server for ${list.subscription.uri} (${status.detail}); individual subscriptions`);
      list.state = 'off';
      list.covers.clear();
      list.unreported.clear();
      list.healed.clear();
      this.clearListTimers(list);
      this.watchAll(active);
    }
  }

  private armQuietTimer(active: ActiveAccount, list: NonNullable<ActiveAccount['list']>, delayMs?: number): void {
    if (list.quietTimer) this.clock.clearTimeout(list.quietTimer);
    const base = this.options.resourceListQuietMs ?? 1200;
    list.quietTimer = this.clock.setTimeout(() => {
      list.quietTimer = undefined;
      if (active.list !== list || this.active !== active) return;
      const now = this.clock.now();
      const patient = now - (list.firstAt ?? 0) < (this.options.resourceListPatienceMs ?? 10_000);
      if (list.reports === 0 && list.unreported.size > 0 && patient) {
        this.armQuietTimer(active, list);
        return;
      }
      // A few to recover cost a few SUBSCRIBEs (cancelled if the list reports them after all); a refresh of the
      // whole list is worth more patience.
      const stretched = Math.min(4 * base, Math.max(base, list.longestPause + base / 3));
      const since = now - (list.lastProgressAt ?? now);
      if (since < stretched && !list.refreshed && this.unreportedToRecover(active, list).length > this.refreshAbove()) {
        this.armQuietTimer(active, list, Math.max(1, Math.ceil(stretched - since))); // whole ms: no endless sub-ms re-arming
        return;
      }
      this.settleList(active, list);
    }, delayMs ?? base);
  }

  private refreshAbove(): number {
    return this.options.resourceListRefreshAbove ?? this.options.subscribesPerSecond ?? 25;
  }

  /** Listed contacts the list has said nothing about that nothing else tells us about either. */
  private unreportedToRecover(active: ActiveAccount, list: NonNullable<ActiveAccount['list']>): string[] {
    return [...list.unreported].filter((uri) => this.isTarget(active, uri) && !active.watches.has(uri) && this.presence.get(uri)?.reason !== 'ok');
  }

  /** A contact got its first word from the list: counts as progress, and the pause since the last one is noted. */
  private noteReport(list: NonNullable<ActiveAccount['list']>): void {
    const now = this.clock.now();
    if (list.lastReportAt !== undefined && now - list.lastReportAt > list.longestPause) list.longestPause = now - list.lastReportAt;
    list.lastReportAt = now;
    list.reports++;
    list.progress++;
  }

  private clearListTimers(list: NonNullable<ActiveAccount['list']>): void {
    if (list.quietTimer) this.clock.clearTimeout(list.quietTimer);
    list.quietTimer = undefined;
  }

  /**
   * The list has gone quiet (or had its time): contacts it does not hold — not synced to the server yet, `watch`ed
   * addresses — get their own SUBSCRIBE. Listed contacts it has said nothing about (no <instance>) are recovered:
   * RLSs do lose back-end updates — Kamailio 5.6's rls on a database without transactions (db_text) clears the
   * "updated" mark of every resource after reading them, so a back-end NOTIFY that lands in between is stored but
   * never passed on (a few to a few dozen per thousand at sign-in). A few (at most a second's worth of paced
   * SUBSCRIBEs) get their own SUBSCRIBE at once. More than that: first, once per list subscription, a refresh — the
   * RLS answers it with the full state (RFC 4662 §5.5), stored states included: one request instead of one per
   * contact, though the full state of a long list takes the RLS a while. Whatever is still unreported after that
   * (Kamailio also lists contacts that never published without an instance) gets its own SUBSCRIBE, paced like any
   * other. The list takes a contact back once it reports a state for it.
   */
  private settleList(active: ActiveAccount, list: NonNullable<ActiveAccount['list']>): void {
    for (const uri of this.targets(active)) if (!list.covers.has(uri)) this.watchUri(active, uri);
    const unreported = this.unreportedToRecover(active, list);
    if (unreported.length === 0) return;
    if (!list.refreshed && unreported.length > this.refreshAbove()) {
      list.refreshed = true;
      if (list.subscription.refresh()) {
        this.log(`presence: the resource list gave no state for ${unreported.length} contact(s); refreshing it for its full state`);
        this.armQuietTimer(active, list);
        return;
      }
    }
    for (const uri of unreported) {
      list.healed.add(uri);
      this.subscribeIndividually(active, uri);
    }
    this.log(`presence: the resource list gave no state for ${unreported.length} contact(s) in time; subscribing to them individually`);
  }

  /** The account's buddy list exists on the server now (written after the first sync): use it instead of individual subscriptions. */
  retryList(accountId: string): void {
    const active = this.active;
    if (!active || active.accountId !== accountId || active.list?.state === 'list' || active.list?.state === 'deciding') return;
    this.stopList(active);
    // Individual subscriptions keep running until the list reports each contact (onListResource takes over).
    this.startList(active);
  }

  private stopList(active: ActiveAccount): void {
    const list = active.list;
    if (!list) return;
    this.clearListTimers(list);
    list.subscription.dispose();
    active.list = undefined;
  }

  private onListResource(active: ActiveAccount, uri: string, update: ResourceUpdate): void {
    const list = active.list;
    if (!list || this.active !== active) return;
    const reported = update.kind !== 'pending' || update.reported;
    const firstWord = reported && (!list.covers.has(uri) || list.unreported.has(uri));
    if (!list.covers.has(uri)) {
      list.covers.add(uri);
      list.progress++;
    }
    if (firstWord) this.noteReport(list);
    const own = active.watches.get(uri);
    if (reported) list.unreported.delete(uri);
    else list.unreported.add(uri);
    // "Nothing yet" from the list: the individual subscription we started because it never reported knows more.
    if (update.kind === 'pending' && own && list.healed.has(uri)) return;
    list.healed.delete(uri);
    // The list now answers for it: an individual subscription started meanwhile is no longer needed.
    if (own) {
      active.watches.delete(uri);
      void own.unsubscribe();
    }
    if (!this.isTarget(active, uri)) return; // on the server list but not (any more) in ours
    const previous = this.presence.get(uri) ?? initialPresence(uri, true);
    if (update.kind === 'state') {
      this.stats.documents++;
      this.setPresence(fromDocument(uri, update.state, this.now()));
      return;
    }
    const status: SubscriptionStatus =
      update.kind === 'active'
        ? { kind: 'active', expires: 0 }
        : update.kind === 'pending'
          ? { kind: 'pending' }
          : {
              kind: 'terminated',
              cause: update.reason === 'rejected' ? 'rejected' : update.reason === 'noresource' ? 'noresource' : 'notifier-ended',
              detail: `terminated${update.reason ? `;reason=${update.reason}` : ''}`,
              ...(update.reason ? { reason: update.reason } : {}),
            };
    const next = fromSubscription(previous, status, this.now());
    if (next) this.setPresence(next);
  }

  // --- watcher information (RFC 3857/3858) -----------------------------------------------------------------

  private watchWatchers(active: ActiveAccount): void {
    active.winfo = active.subscriber.subscribe(
      { uri: active.aor, event: 'presence.winfo', accept: [WATCHERINFO_TYPE], expires: this.options.subscribeExpires ?? 3600, microsoftExtensions: false },
      {
        onStateChange: (status) => {
          if (status.kind === 'active' || status.kind === 'pending') this.winfoState = { watcherInfo: 'available' };
          else if (status.kind === 'terminated' && status.retryInMs === undefined && status.cause !== 'unsubscribed') {
            this.winfoState = {
              watcherInfo: 'unavailable',
              watcherInfoDetail: status.cause === 'bad-event' ? 'Your server does not tell who watches your presence (489 Bad Event).' : `Watcher information is not available: ${status.detail}.`,
            };
          }
        },
        onNotify: (notify) => {
          try {
            const doc = parseWatcherInfo(notify.body);
            if (doc.state === 'full') this.watchers.clear();
            for (const w of doc.watchers) {
              if (w.package && w.package !== 'presence') continue;
              if (this.watchers.get(w.id) === w.status) continue;
              this.watchers.set(w.id, w.status);
              this.emit('presence.watcher', { watcher: w.uri, status: w.status, ...(w.event ? { event: w.event } : {}) });
            }
          } catch (error) {
            this.log(`presence: refused a watcherinfo body: ${error instanceof Error ? error.message : String(error)}`);
          }
        },
      },
    );
  }

  // --- plumbing --------------------------------------------------------------------------------------------

  private setPresence(p: ContactPresence): void {
    this.presence.set(p.uri, p);
    this.coalescer.add(p.uri, p);
  }

  private emit<K extends 'presence.changed' | 'presence.own' | 'presence.watcher'>(name: K, payload: EventPayload<K>): void {
    try {
      this.options.events.emit(name, payload);
    } catch (error) {
      this.log(`presence: event ${name} not sent: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
