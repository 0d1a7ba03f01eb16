// Subscriber side of the event notification extension for resource lists (RFC 4662): one SUBSCRIBE to a list URI
// (the user's buddy list on a Resource List Server) instead of one per contact. It rides on `Subscription`
// (subscription.ts) for the dialog, refresh, back-off and NOTIFY matching, and adds what RFC 4662 needs:
//   - `Supported: eventlist` on every SUBSCRIBE (§5.1) and an Accept that names multipart/related, RLMI and PIDF;
//   - NOTIFY bodies split as multipart/related (§5.3) whose root is RLMI, each instance's `cid` naming the part
//     with that resource's presence document;
//   - version ordering and full/partial state (§5.5, `ListVersions`);
//   - an instance terminated with `reason=resubscribe` is handed back to the owner for an individual SUBSCRIBE.
// It also decides whether there is a list at all: a failure answer, a NOTIFY whose body is not RLMI (a presence
// server that took the list URI for a presentity), or no RLMI in time mean "no RLS here": the owner falls back to
// individual subscriptions.
import type { TimerHandle } from '../clock';
import { SimpleBodyError } from '../simple/errors';
import { parseMediaType } from '../simple/media-type';
import { MultipartError, parseMultipartRelated } from '../simple/multipart';
import { parsePresenceBody, PRESENCE_CONTENT_TYPES } from '../simple/presence-body';
import type { PresenceState } from '../simple/presence-model';
import { ListVersions, parseRlmi, RLMI_TYPE } from '../simple/rlmi';
import type { RlmiResource } from '../simple/rlmi';
import type { Subscriber, Subscription, SubscriptionNotify, SubscriptionStatus } from './subscription';

export const EVENTLIST = 'eventlist';
/** RFC 4662 §5.1: the subscriber must accept multipart/related and RLMI, plus the event package's own types. */
export const LIST_ACCEPT: readonly string[] = ['multipart/related', RLMI_TYPE, ...PRESENCE_CONTENT_TYPES];

export type ResourceUpdate =
  /** The resource's presence document (a PIDF part named by the instance `cid`). */
  | { readonly kind: 'state'; readonly state: PresenceState; readonly name?: string }
  /**
   * Known to the list, no state yet: a pending instance, or none at all (`reported: false`: the RLS has not said
   * anything about its back-end subscription — not subscribed yet, or an update it lost).
   */
  | { readonly kind: 'pending'; readonly reported: boolean; readonly name?: string }
  /** The back-end subscription is active and there is no document: nothing published (RFC 3856 §6.6.1). */
  | { readonly kind: 'active'; readonly name?: string }
  /** The back-end subscription ended for good (§5.3: reason from RFC 6665, e.g. rejected, noresource). */
  | { readonly kind: 'terminated'; readonly reason: string | undefined; readonly name?: string };

export type ListStatus =
  | { readonly kind: 'subscribing' }
  /** An RLMI document arrived: the server runs an RLS for this list. */
  | { readonly kind: 'list'; readonly resources: number }
  /** No RLS for this URI (or it stopped being one for good): use individual subscriptions. */
  | { readonly kind: 'unavailable'; readonly detail: string; readonly status?: number };

export interface ListSubscriptionHandler {
  onStatus(status: ListStatus): void;
  onResource(uri: string, update: ResourceUpdate): void;
  /** §5.3 / RFC 6665 §4.1.3: `terminated;reason=resubscribe` for one resource: watch it individually. */
  onResubscribe(uri: string): void;
  /** A full-state document no longer lists this resource (§5.5). */
  onRemoved(uri: string): void;
  /** A body or part that could not be used (kept short, for the log and counters). */
  onRefused?(detail: string): void;
}

export interface ListSubscriptionOptions {
  /** The list URI, e.g. `sip:alice-buddies@alpha.test`. */
  readonly uri: string;
  readonly expires?: number;
  /** How long to wait for the first RLMI document once the SUBSCRIBE went out (default 10 s). */
  readonly firstDocumentTimeoutMs?: number;
}

export class ListSubscription {
  readonly uri: string;
  private readonly versions = new ListVersions();
  private readonly subscription: Subscription;
  private current: ListStatus = { kind: 'subscribing' };
  private confirmed = false;
  private waitTimer: TimerHandle | undefined;
  /** Counters for diagnostics and the benchmark. */
  readonly stats = { notifies: 0, ignoredVersions: 0, refused: 0 };

  constructor(
    private readonly subscriber: Subscriber,
    options: ListSubscriptionOptions,
    private readonly handler: ListSubscriptionHandler,
  ) {
    this.uri = options.uri;
    const clock = subscriber.host.clock;
    this.waitTimer = clock.setTimeout(() => {
      this.waitTimer = undefined;
      if (!this.confirmed) this.giveUp({ kind: 'unavailable', detail: 'no resource list document arrived in time' });
    }, options.firstDocumentTimeoutMs ?? 10_000);
    this.subscription = subscriber.subscribe(
      {
        uri: options.uri,
        event: 'presence',
        accept: LIST_ACCEPT,
        supported: [EVENTLIST],
        ...(options.expires !== undefined ? { expires: options.expires } : {}),
        // The list lives on a standards RLS (RFC 4662); the Microsoft extensions mean nothing to it.
        microsoftExtensions: false,
      },
      { onStateChange: (s) => this.onSubscriptionState(s), onNotify: (n) => this.onNotify(n) },
    );
  }

  get status(): ListStatus {
    return this.current;
  }

  /** Refresh on the dialog now: the RLS answers with a full-state NOTIFY (RFC 4662 §5.5). False before the dialog exists. */
  refresh(): boolean {
    return this.subscription.refreshNow();
  }

  /** Fresh SUBSCRIBE (after a reconnect). */
  restart(): void {
    this.versions.reset();
    this.subscription.restart();
  }

  async unsubscribe(): Promise<void> {
    this.clearWait();
    await this.subscription.unsubscribe();
  }

  dispose(): void {
    this.clearWait();
    this.subscription.dispose();
  }

  private onSubscriptionState(status: SubscriptionStatus): void {
    if (status.kind === 'subscribing') this.versions.reset(); // new dialog: §5.5 numbering starts again
    // `active` follows a NOTIFY; an RLS NOTIFY always carries RLMI (§5.2), handled before this. A NOTIFY without a
    // body came from a plain presence server that took the list URI for a presentity.
    if (status.kind === 'active' && !this.confirmed) {
      this.giveUp({ kind: 'unavailable', detail: 'the list URI answered with a NOTIFY without a resource list' });
      return;
    }
    if (status.kind !== 'terminated' || status.cause === 'unsubscribed') return;
    this.versions.reset();
    if (status.retryInMs !== undefined && this.confirmed) return; // the usage subscribes again by itself
    // Before any RLMI, any failure (404 no such list, 489, 403, 421/420 eventlist refused, 5xx) means no RLS
    // to rely on now; after it worked, only a final end does (RFC 4662 §5.2: the RLS answers like any notifier).
    this.giveUp({ kind: 'unavailable', detail: status.detail, ...(status.status !== undefined ? { status: status.status } : {}) });
  }

  private onNotify(notify: SubscriptionNotify): void {
    this.stats.notifies++;
    const type = parseMediaType(notify.contentType ?? '').type;
    if (type !== 'multipart/related') {
      // §5.2: an RLS sends multipart/related; anything else comes from a plain notifier for that URI.
      if (!this.confirmed) this.giveUp({ kind: 'unavailable', detail: `the list URI answered with ${type || 'an untyped body'}, not a resource list` });
      else this.refuse(`NOTIFY body ${type || 'untyped'} on the list subscription`);
      return;
    }
    let related;
    let list;
    try {
      related = parseMultipartRelated(notify.contentType, notify.body);
      if (parseMediaType(related.root.contentType ?? '').type !== RLMI_TYPE) throw new MultipartError('no-root', 'the root part is not application/rlmi+xml');
      list = parseRlmi(related.root.body);
    } catch (error) {
      this.refuse(error instanceof SimpleBodyError ? error.reason : String(error));
      return;
    }
    if (!this.confirmed) {
      // Any RLMI document proves an RLS, even one the version rules set aside.
      this.confirmed = true;
      this.clearWait();
    }
    const applied = this.versions.apply(list);
    if (!applied) {
      this.stats.ignoredVersions++;
      return;
    }
    for (const uri of applied.removed) this.handler.onRemoved(uri);
    for (const resource of applied.changed) this.deliver(resource, (cid) => related.byContentId(cid));
    // After the resources, so the owner knows which ones the list covers when it hears the list works.
    this.setStatus({ kind: 'list', resources: this.versions.resources.size });
  }

  private deliver(resource: RlmiResource, part: (cid: string) => { contentType: string | undefined; body: string } | undefined): void {
    const name = resource.names[0];
    const named = name ? { name } : {};
    // Several instances (back-end subscriptions) may exist; the one with a document wins, then active, pending.
    const withDoc = resource.instances.find((i) => i.state !== 'terminated' && i.cid !== undefined);
    if (withDoc?.cid !== undefined) {
      const p = part(withDoc.cid);
      if (!p) {
        this.refuse(`no body part ${withDoc.cid} for ${resource.uri}`);
        return;
      }
      try {
        this.handler.onResource(resource.uri, { kind: 'state', state: parsePresenceBody(p.contentType, p.body), ...named });
      } catch (error) {
        this.refuse(`${resource.uri}: ${error instanceof SimpleBodyError ? error.reason : String(error)}`);
      }
      return;
    }
    if (resource.instances.some((i) => i.state === 'active')) {
      this.handler.onResource(resource.uri, { kind: 'active', ...named });
      return;
    }
    if (resource.instances.length === 0 || resource.instances.some((i) => i.state !== 'terminated')) {
      this.handler.onResource(resource.uri, { kind: 'pending', reported: resource.instances.length > 0, ...named });
      return;
    }
    const reason = resource.instances[0]?.reason;
    if (reason === 'resubscribe') {
      // RFC 4662 §5.3 with RFC 6665 §4.1.3: the RLS gave up on this back-end subscription and asks us to
      // subscribe to the resource ourselves.
      this.handler.onResubscribe(resource.uri);
      return;
    }
    this.handler.onResource(resource.uri, { kind: 'terminated', reason, ...named });
  }

  private giveUp(status: ListStatus & { kind: 'unavailable' }): void {
    if (this.current.kind === 'unavailable') return;
    this.clearWait();
    this.confirmed = false;
    this.setStatus(status);
    void this.subscription.unsubscribe();
  }

  private refuse(detail: string): void {
    this.stats.refused++;
    this.handler.onRefused?.(detail);
  }

  private clearWait(): void {
    if (this.waitTimer) this.subscriber.host.clock.clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
  }

  private setStatus(status: ListStatus): void {
    this.current = status;
    this.handler.onStatus(status);
  }
}
