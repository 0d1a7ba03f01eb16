// Subscriber usage (RFC 6665, with the LCS robustness rules of protocol.md §2.7): SUBSCRIBE, refresh on the dialog
// before expiry, un-SUBSCRIBE (Expires: 0), NOTIFY and BENOTIFY handling, and what to do on every answer.
//
// One `Subscriber` per user agent owns the NOTIFY/BENOTIFY interceptors and finds the subscription of an inbound
// request by Call-ID + our From tag (= the request's To tag). That match works before the SUBSCRIBE's 200 has
// arrived, so a NOTIFY that overtakes the 200 creates the dialog (RFC 6665 §4.1.2.4; protocol.md §2.7 item 39;
// testbed-notes pitfall 3: Kamailio's NOTIFY and 200 travel over different connections).
//
// Bodies are not parsed here: the owner's handler gets them with their Content-Type. Every NOTIFY that matches a
// subscription is answered 200 once its headers check out, whatever its body: a failure response may make the
// notifier drop the subscription (RFC 6665 §4.2.2), and a body we cannot use (unknown type, malformed or hostile
// XML) is the notifier's problem, not a reason to lose the contact's future updates. The handler records why it
// ignored the body. BENOTIFY is never answered (MS-SIP §3.5.5.3).
import type { Clock, TimerHandle } from '../clock';
import { Dialog, DialogError } from '../dialog/dialog';
import type { SipRequest, SipResponse } from '../message/message';
import { createResponse } from '../transaction/message-api';
import type { ServerTransaction } from '../transaction/server-transaction';
import type { InboundData } from '../transport/transport';
import type { RequestSender, SendOutcome } from './request-sender';
import { newCallId, newTag } from './request-sender';
import { parseSubscriptionState, terminationAction } from './subscription-state';
import type { ParsedSubscriptionState } from './subscription-state';

/** What the subscriber needs from the user agent (structural: the usage layer sits below user-agent.ts). */
export interface SubscriberHost {
  readonly sender: RequestSender;
  readonly clock: Clock;
  interceptRequestMethod(method: string, interceptor: (request: SipRequest, tx: ServerTransaction | undefined, inbound: InboundData) => boolean): void;
  /** Our Contact URI for the SUBSCRIBE (RFC 6665 §4.1.2.1: the notifier sends NOTIFYs there). */
  contactUri(): string;
}

/** Microsoft extensions offered with `Supported:` (protocol.md §2.7 item 37). */
export const MS_PIGGYBACK = 'ms-piggyback-first-notify';
export const MS_BENOTIFY = 'ms-benotify';

export interface SubscriptionOptions {
  /** The resource, e.g. `sip:bob@beta.test` (Request-URI and To). */
  readonly uri: string;
  /** Event package, e.g. `presence` or `presence.winfo`. */
  readonly event: string;
  /** Accept list, in order of preference. */
  readonly accept: readonly string[];
  /** Requested duration in seconds (default 3600). */
  readonly expires?: number;
  /**
   * Offer `ms-piggyback-first-notify` and `ms-benotify` (+ `Proxy-Require: ms-benotify`), default true. After a 420
   * the Subscriber stops offering them to anyone (MS-SIP §3.5.5.1).
   */
  readonly microsoftExtensions?: boolean;
  /** Refresh this many seconds before expiry (default 120, protocol.md §2.7 item 40), at most half the duration. */
  readonly refreshMarginSeconds?: number;
  /** Back-off for automatic re-subscription: first delay and cap, in ms (defaults 5 s and 30 min). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** More option tags for `Supported:` on every SUBSCRIBE of this subscription (RFC 4662 §5.1: `eventlist`). */
  readonly supported?: readonly string[];
}

/** Why a subscription ended (or is between attempts). */
export type TerminationCause =
  /** We ended it (un-SUBSCRIBE or dispose). */
  | 'unsubscribed'
  /** 403, or NOTIFY `reason=rejected`: not authorised. */
  | 'rejected'
  /** 404/410/480-with-no-retry/484/604, or NOTIFY `reason=noresource`. */
  | 'noresource'
  /** 489: the notifier does not know this event package. */
  | 'bad-event'
  /** 401/407 that could not be answered. */
  | 'auth-failed'
  /** NOTIFY `terminated` with deactivated/probation/timeout/giveup/no reason (RFC 6665 §4.1.3). */
  | 'notifier-ended'
  /** Timer F or a transport failure: our home server did not answer. */
  | 'network'
  /** 408/5xx/480 from a server on the path: the contact's domain did not answer or is overloaded. */
  | 'unreachable'
  /** Any other final response. */
  | 'failed';

export type SubscriptionStatus =
  | { readonly kind: 'subscribing' }
  /** Accepted (2xx) or `Subscription-State: pending`: no state yet. A 2xx is not authorisation (§2.7 item 41). */
  | { readonly kind: 'pending' }
  | { readonly kind: 'active'; readonly expires: number }
  | {
      readonly kind: 'terminated';
      readonly cause: TerminationCause;
      /** The SIP status that ended it, when a response did. */
      readonly status?: number;
      /** The RFC 6665 reason token, when a NOTIFY did. */
      readonly reason?: string;
      readonly detail: string;
      /** Set when this usage will subscribe again by itself after this many ms. */
      readonly retryInMs?: number;
    };

export interface SubscriptionNotify {
  /** NOTIFY, BENOTIFY, or the first state piggybacked on the SUBSCRIBE's 200 (MS-SIP §3.4). */
  readonly source: 'NOTIFY' | 'BENOTIFY' | 'piggyback';
  readonly contentType: string | undefined;
  readonly body: string;
  readonly state: ParsedSubscriptionState;
}

export interface SubscriptionHandler {
  onStateChange(status: SubscriptionStatus): void;
  /** A document arrived (only called for a non-empty body). */
  onNotify(notify: SubscriptionNotify): void;
}

/** Statuses after which automatic re-subscription is reasonable (not a 4xx that needs user action, BCP §5.1). */
function transient(status: number): boolean {
  return status === 408 || status === 480 || status === 500 || status === 502 || status === 503 || status === 504;
}

function causeOf(status: number): TerminationCause {
  if (status === 403 || status === 603) return 'rejected';
  if (status === 404 || status === 410 || status === 484 || status === 604) return 'noresource';
  if (status === 489) return 'bad-event';
  if (transient(status)) return 'unreachable';
  return 'failed';
}

function eventPackage(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

function retryAfterMs(response: SipResponse): number | undefined {
  const n = Number.parseInt(response.header('Retry-After') ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : undefined;
}

/**
 * Queues the start of a fresh SUBSCRIBE (initial, or starting over) so that a large contact list never floods a
 * federation link (protocol.md §2.7 item 44, §2.11 item 56). Returns a function that takes it out of the queue.
 */
export type SubscribePacer = (start: () => void) => () => void;

export interface SubscriberOptions {
  /** Default: start at once. Refreshes and un-SUBSCRIBEs are never paced (they are due at a given time). */
  readonly pace?: SubscribePacer;
}

export class Subscriber {
  private readonly subscriptions = new Map<string, Subscription>();
  /** A 420 was seen: the home server (or a proxy) refuses the Microsoft extensions; stop offering them. */
  extensionsRefused = false;
  readonly pace: SubscribePacer;

  constructor(
    readonly host: SubscriberHost,
    options: SubscriberOptions = {},
  ) {
    this.pace = options.pace ?? ((start) => (start(), () => {}));
    host.interceptRequestMethod('NOTIFY', (request, tx) => this.onNotify(request, tx));
    host.interceptRequestMethod('BENOTIFY', (request, tx) => this.onNotify(request, tx));
  }

  /** Creates and starts a subscription. */
  subscribe(options: SubscriptionOptions, handler: SubscriptionHandler): Subscription {
    const subscription = new Subscription(this, options, handler);
    subscription.start();
    return subscription;
  }

  /** Number of subscriptions that can currently receive NOTIFYs. */
  get size(): number {
    return this.subscriptions.size;
  }

  /** Stops every subscription without sending anything (the connection is gone, or the account signed out). */
  dispose(): void {
    for (const s of [...this.subscriptions.values()]) s.dispose();
    this.subscriptions.clear();
  }

  /** @internal */
  file(key: string, subscription: Subscription): void {
    this.subscriptions.set(key, subscription);
  }

  /** @internal */
  unfile(key: string, subscription: Subscription): void {
    if (this.subscriptions.get(key) === subscription) this.subscriptions.delete(key);
  }

  private onNotify(request: SipRequest, tx: ServerTransaction | undefined): boolean {
    const tag = request.to.tag;
    const subscription = tag ? this.subscriptions.get(subscriptionKey(request.callId, tag)) : undefined;
    if (!subscription || eventPackage(request.header('Event')) !== subscription.event) {
      if (request.method === 'BENOTIFY') return true; // never answered, whatever it is (MS-SIP §3.5.5.3)
      // With a To tag another dialog usage may own it; the dialog layer answers 481 if none does (§12.2.2).
      if (tag && !subscription) return false;
      // RFC 6665 §4.1.3: a NOTIFY that matches no subscription (or the wrong event package) gets 481.
      tx?.respond(createResponse(request, 481, 'Subscription Does Not Exist'));
      return true;
    }
    subscription.receiveNotify(request, tx);
    return true;
  }
}

/** How long a subscription must stay active before it counts as working (see Subscription.activeSince). */
const STABLE_MS = 60_000;

function subscriptionKey(callId: string, fromTag: string): string {
  return `${callId}|${fromTag.toLowerCase()}`;
}

export class Subscription {
  readonly event: string;
  readonly uri: string;
  private current: SubscriptionStatus = { kind: 'subscribing' };
  private callId = newCallId();
  private fromTag = newTag();
  private cseq = 1;
  private dialog: Dialog | undefined;
  private expires: number;
  private refreshTimer: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private lingerTimer: TimerHandle | undefined;
  /** Bumped whenever the subscription starts over or ends: late results of older requests are ignored. */
  private generation = 0;
  private attempts = 0;
  /**
   * When the current dialog first became active. The back-off counter is forgotten only once a subscription has
   * held for STABLE_MS: a notifier that ends every new subscription at once (e.g. terminated;reason=deactivated
   * right after the first NOTIFY) would otherwise get an "immediate" re-SUBSCRIBE each time, i.e. a loop at the
   * pacer's rate (protocol.md §2.11 item 56, RFC 6665 §4.1.3 "retry immediately" is for one retry).
   */
  private activeSince: number | undefined;
  private ended = false;
  private unsubscribeWhenAccepted = false;
  private cancelPaced: (() => void) | undefined;
  private readonly clock: Clock;

  constructor(
    private readonly owner: Subscriber,
    private readonly options: SubscriptionOptions,
    private readonly handler: SubscriptionHandler,
  ) {
    this.event = options.event.toLowerCase();
    this.uri = options.uri;
    this.expires = options.expires ?? 3600;
    this.clock = owner.host.clock;
  }

  get status(): SubscriptionStatus {
    return this.current;
  }

  /** Sends the initial SUBSCRIBE, when the owner's pacer lets it go. */
  start(): void {
    this.cancelPaced?.();
    this.cancelPaced = undefined;
    let ran = false;
    const cancel = this.owner.pace(() => {
      ran = true;
      this.cancelPaced = undefined;
      if (this.ended) return;
      this.owner.file(subscriptionKey(this.callId, this.fromTag), this);
      void this.sendInitial(this.generation);
    });
    if (!ran) this.cancelPaced = cancel;
  }

  /**
   * Starts over with a fresh SUBSCRIBE (new Call-ID and tag): after a reconnect, a 481, or when the user asks
   * again after a failure. Not for a subscription that was un-subscribed.
   */
  restart(): void {
    if (this.ended) return;
    this.reset();
    this.callId = newCallId();
    this.fromTag = newTag();
    this.cseq = 1;
    this.start();
  }

  /** Ends the subscription: in-dialog SUBSCRIBE with Expires: 0 (RFC 6665 §4.1.2.3). */
  async unsubscribe(): Promise<void> {
    if (this.ended) return;
    const dialog = this.dialog;
    const neverSent = this.cancelPaced !== undefined;
    this.ended = true;
    this.clearTimers();
    this.generation++;
    if (!dialog) {
      // Still waiting for the SUBSCRIBE's answer: end the dialog once it exists (see finishLateUnsubscribe).
      this.unsubscribeWhenAccepted = !neverSent && this.current.kind === 'subscribing';
      if (!this.unsubscribeWhenAccepted) this.owner.unfile(subscriptionKey(this.callId, this.fromTag), this);
      this.setStatus({ kind: 'terminated', cause: 'unsubscribed', detail: 'unsubscribed' });
      return;
    }
    this.setStatus({ kind: 'terminated', cause: 'unsubscribed', detail: 'unsubscribed' });
    // The final NOTIFY (Subscription-State: terminated) still gets its 200 for a while (RFC 6665 §4.1.2.3).
    this.linger();
    await this.owner.host.sender.sendInDialog(dialog, 'SUBSCRIBE', { headers: this.headers(0, undefined) });
  }

  /** Stops all timers; nothing is sent (the connection is gone). */
  dispose(): void {
    this.ended = true;
    this.reset();
  }

  // --- inbound ---------------------------------------------------------------------------------------------

  /** A NOTIFY or BENOTIFY matched to this subscription by Call-ID and To tag. */
  receiveNotify(request: SipRequest, tx: ServerTransaction | undefined): void {
    const benotify = request.method === 'BENOTIFY';
    const respond = (status: number, reason: string): void => {
      if (!benotify) tx?.respond(createResponse(request, status, reason));
    };
    if (!this.dialog && !this.ended) {
      // RFC 6665 §4.1.2.4: a NOTIFY before the 2xx creates the dialog (we are its UAS side for this request).
      try {
        this.dialog = Dialog.fromUasRequest(request, this.fromTag, this.owner.host.sender.account.epid);
        // Our SUBSCRIBE (or its digest retry) in flight used this number or more; onAccepted raises it if needed.
        this.dialog.localSeq = this.cseq;
      } catch (error) {
        respond(400, `Bad Request (${error instanceof DialogError ? error.message : 'cannot create the dialog'})`);
        return;
      }
    } else if (this.dialog && request.from.tag?.toLowerCase() === this.dialog.id.remoteTag.toLowerCase()) {
      const check = this.dialog.receiveRequest(request);
      if (!check.ok) {
        respond(check.status, check.reason);
        return;
      }
    }
    // A Subscription-State is mandatory (RFC 6665 §8.2.3); LCS always sends one. Without it, read as active.
    const state = parseSubscriptionState(request.header('Subscription-State')) ?? { state: 'active' };
    respond(200, 'OK');
    if (this.ended) return; // the final NOTIFY after our un-SUBSCRIBE: answered, nothing more
    const body = request.body;
    if (body.length > 0) {
      this.handler.onNotify({ source: benotify ? 'BENOTIFY' : 'NOTIFY', contentType: request.header('Content-Type'), body, state });
    }
    this.applyState(state);
  }

  // --- outbound --------------------------------------------------------------------------------------------

  /** `offer`: true = all MS extensions, false = piggyback only (after a 420), undefined = none (refresh/unsubscribe). */
  private headers(expires: number, offer: boolean | undefined): Array<[string, string]> {
    const headers: Array<[string, string]> = [
      ['Event', this.options.event],
      ['Accept', this.options.accept.join(', ')],
      ['Contact', `<${this.owner.host.contactUri()}>`],
      ['Expires', String(expires)],
    ];
    const extra = this.options.supported ?? [];
    if (offer) {
      // MS-SIP §3.4 / §3.5.5.1: piggyback and best-effort NOTIFY; ms-benotify must be in Proxy-Require.
      headers.push(['Supported', [MS_PIGGYBACK, MS_BENOTIFY, ...extra].join(', ')], ['Proxy-Require', MS_BENOTIFY]);
    } else if (offer === false && (this.options.microsoftExtensions ?? true)) {
      // After a 420 only Proxy-Require/ms-benotify goes: a Supported option can never cause a 420 (RFC 3261
      // §20.37), and keeping piggyback lets an LCS behind a standards home server still send the first state.
      headers.push(['Supported', [MS_PIGGYBACK, ...extra].join(', ')]);
    } else if (extra.length) {
      headers.push(['Supported', extra.join(', ')]);
    }
    return headers;
  }

  private offerExtensions(): boolean {
    return (this.options.microsoftExtensions ?? true) && !this.owner.extensionsRefused;
  }

  private async sendInitial(generation: number): Promise<void> {
    if (this.current.kind !== 'subscribing') this.setStatus({ kind: 'subscribing' });
    let offer = this.offerExtensions();
    let retriedWithMin = false;
    for (;;) {
      const outcome = await this.owner.host.sender.send({
        method: 'SUBSCRIBE',
        uri: this.options.uri,
        to: `<${this.options.uri}>`,
        callId: this.callId,
        fromTag: this.fromTag,
        cseq: this.cseq,
        headers: this.headers(this.expires, offer),
      });
      this.cseq = outcome.request.cseq.seq + 1;
      if (generation !== this.generation) {
        if (this.unsubscribeWhenAccepted) this.finishLateUnsubscribe(outcome);
        return;
      }
      const { response, origin } = outcome;
      if (origin === 'network' && response.status === 420 && offer) {
        // MS-SIP §3.5.5.1: an extension was refused; resend without Supported/Proxy-Require (remembered).
        this.owner.extensionsRefused = true;
        offer = false;
        continue;
      }
      if (origin === 'network' && response.status === 423 && !retriedWithMin) {
        // RFC 6665 §4.1.2.1 / RFC 3261 §21.4.17: retry once with the notifier's Min-Expires.
        const min = Number.parseInt(response.header('Min-Expires') ?? '', 10);
        if (Number.isFinite(min) && min > this.expires) {
          this.expires = min;
          retriedWithMin = true;
          continue;
        }
      }
      this.onInitialOutcome(outcome, generation);
      return;
    }
  }

  private onInitialOutcome(outcome: SendOutcome, generation: number): void {
    const { response, origin } = outcome;
    if (origin === 'timeout' || origin === 'transport-error') {
      this.retryLater('network', `SUBSCRIBE ${origin === 'timeout' ? 'timed out' : 'could not be sent'}`, undefined);
      return;
    }
    if (outcome.authFailure) {
      this.end({ kind: 'terminated', cause: 'auth-failed', status: response.status, detail: outcome.authFailure.detail });
      return;
    }
    if (response.status >= 200 && response.status < 300) {
      this.onAccepted(outcome.request, response, generation);
      return;
    }
    const detail = `${response.status} ${response.reason}`;
    if (transient(response.status)) {
      this.retryLater('unreachable', detail, retryAfterMs(response), response.status);
      return;
    }
    // BCP §5.1: no automatic retry after 403/404 (and other 4xx/6xx); 604 is cached by the owner; 489 stops.
    this.end({ kind: 'terminated', cause: causeOf(response.status), status: response.status, detail });
  }

  private onAccepted(request: SipRequest, response: SipResponse, generation: number): void {
    if (!this.dialog) {
      try {
        this.dialog = Dialog.fromUacResponse(request, response);
      } catch {
        // A 2xx without Contact or To tag (seen from gateways): refreshes go to the resource itself.
        this.dialog = new Dialog({
          id: { callId: request.callId, localTag: this.fromTag, remoteTag: response.to.tag ?? '' },
          localUri: `<${this.owner.host.sender.account.aor}>`,
          remoteUri: `<${this.options.uri}>`,
          remoteTarget: this.options.uri,
          routeSet: [...response.headers('Record-Route')].reverse(),
          localSeq: request.cseq.seq,
          remoteSeq: undefined,
          localEpid: this.owner.host.sender.account.epid,
          secure: false,
        });
      }
    } else {
      this.dialog.receiveResponse(response);
      this.dialog.localSeq = Math.max(this.dialog.localSeq ?? 0, request.cseq.seq);
    }
    // The 200 may lack Event (PIC/LCS, protocol.md §2.7 item 39): the event is the one we asked for.
    const granted = Number.parseInt(response.header('Expires') ?? '', 10);
    const fromState = parseSubscriptionState(response.header('Subscription-State'));
    const expires = Number.isFinite(granted) ? granted : (fromState?.expires ?? this.expires);
    this.scheduleRefresh(expires, generation);
    if (this.current.kind === 'subscribing') this.setStatus({ kind: 'pending' });
    // MS-SIP §3.4: the first state rides in the 200 when the server echoes Supported: ms-piggyback-first-notify.
    const echoed = response.headers('Supported').some((s) => s.trim().toLowerCase() === MS_PIGGYBACK);
    if ((this.options.microsoftExtensions ?? true) && echoed && response.body.length > 0) {
      const state = fromState ?? { state: 'active' as const, expires };
      this.handler.onNotify({ source: 'piggyback', contentType: response.header('Content-Type'), body: response.body, state });
      this.applyState(state);
    }
  }

  private scheduleRefresh(expires: number, generation: number): void {
    if (this.refreshTimer) this.clock.clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    if (expires <= 0) return;
    const margin = Math.min(this.options.refreshMarginSeconds ?? 120, expires / 2);
    this.refreshTimer = this.clock.setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh(generation);
    }, Math.floor((expires - margin) * 1000));
  }

  /**
   * Refreshes the subscription now instead of at its timer. RFC 6665 §4.1.2.2: the notifier answers a refresh
   * with a NOTIFY of the current state (a list's full state, RFC 4662 §5.5). False when there is no dialog.
   */
  refreshNow(): boolean {
    if (!this.dialog || this.ended) return false;
    if (this.refreshTimer) this.clock.clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    void this.refresh(this.generation);
    return true;
  }

  /** RFC 6665 §4.1.2.2: refresh on the dialog before expiry (protocol.md §2.7 item 40: ~2 min before). */
  private async refresh(generation: number): Promise<void> {
    const dialog = this.dialog;
    if (!dialog || generation !== this.generation) return;
    let outcome = await this.owner.host.sender.sendInDialog(dialog, 'SUBSCRIBE', { headers: this.headers(this.expires, undefined) });
    if (generation !== this.generation) return;
    if (outcome.origin === 'network' && outcome.response.status === 423) {
      const min = Number.parseInt(outcome.response.header('Min-Expires') ?? '', 10);
      if (Number.isFinite(min) && min > this.expires) {
        this.expires = min;
        outcome = await this.owner.host.sender.sendInDialog(dialog, 'SUBSCRIBE', { headers: this.headers(this.expires, undefined) });
        if (generation !== this.generation) return;
      }
    }
    const { response, origin } = outcome;
    if (origin === 'network' && response.status >= 200 && response.status < 300) {
      dialog.receiveResponse(response);
      const granted = Number.parseInt(response.header('Expires') ?? '', 10);
      this.scheduleRefresh(Number.isFinite(granted) ? granted : this.expires, generation);
      return;
    }
    if (origin === 'network' && response.status === 481) {
      // RFC 6665 §4.1.2.2: the notifier has no such subscription any more: start a fresh one now.
      this.restart();
      return;
    }
    // Any other failure: the dialog is presumed dead (protocol.md §2.12: 408 in a dialog); start over later.
    const detail = origin === 'network' ? `refresh: ${response.status} ${response.reason}` : `refresh ${origin}`;
    this.retryLater(origin === 'network' ? causeOf(response.status) : 'network', detail, origin === 'network' ? retryAfterMs(response) : undefined);
  }

  // --- state -----------------------------------------------------------------------------------------------

  private applyState(state: ParsedSubscriptionState): void {
    if (state.state === 'active') {
      this.activeSince ??= this.clock.now();
      const expires = state.expires ?? this.expires;
      this.setStatus({ kind: 'active', expires });
      // RFC 6665 §4.1.3: the notifier may shorten the subscription; refresh ahead of its expiry.
      if (state.expires !== undefined && this.dialog) this.scheduleRefresh(state.expires, this.generation);
      return;
    }
    if (state.state === 'pending') {
      if (state.expires !== undefined && this.dialog) this.scheduleRefresh(state.expires, this.generation);
      this.setStatus({ kind: 'pending' });
      return;
    }
    this.forgetFailuresIfHeld();
    const action = terminationAction(state.reason, state.retryAfter);
    const detail = `terminated${state.reason ? `;reason=${state.reason}` : ''}`;
    const reasonOnly = state.reason ? { reason: state.reason } : {};
    if (action === 'stop') {
      const cause: TerminationCause = state.reason === 'rejected' ? 'rejected' : state.reason === 'noresource' ? 'noresource' : 'notifier-ended';
      this.end({ kind: 'terminated', cause, detail, ...reasonOnly });
      return;
    }
    const delay = state.retryAfter !== undefined ? state.retryAfter * 1000 : action === 'resubscribe-now' && this.attempts === 0 ? 0 : undefined;
    this.retryLater('notifier-ended', detail, delay, undefined, state.reason);
  }

  /** Schedules a fresh SUBSCRIBE with exponential back-off (or the server's Retry-After). */
  private retryLater(cause: TerminationCause, detail: string, delayMs: number | undefined, status?: number, reason?: string): void {
    this.forgetFailuresIfHeld();
    this.reset();
    const base = this.options.retryBaseMs ?? 5000;
    const max = this.options.retryMaxMs ?? 30 * 60_000;
    const backoff = Math.min(max, base * 2 ** Math.min(this.attempts, 20));
    const delay = delayMs ?? backoff;
    this.attempts++;
    this.setStatus({ kind: 'terminated', cause, detail, retryInMs: delay, ...(status !== undefined ? { status } : {}), ...(reason ? { reason } : {}) });
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.callId = newCallId();
      this.fromTag = newTag();
      this.cseq = 1;
      this.start();
    }, delay);
  }

  private end(status: SubscriptionStatus & { kind: 'terminated' }): void {
    this.ended = true;
    this.reset();
    this.setStatus(status);
  }

  /** After our un-SUBSCRIBE went out before the dialog existed: the 2xx arrived now, so end it on the dialog. */
  private finishLateUnsubscribe(outcome: SendOutcome): void {
    this.unsubscribeWhenAccepted = false;
    const { response, origin } = outcome;
    if (origin !== 'network' || response.status < 200 || response.status >= 300) {
      this.owner.unfile(subscriptionKey(this.callId, this.fromTag), this);
      return;
    }
    if (!this.dialog) {
      try {
        this.dialog = Dialog.fromUacResponse(outcome.request, response);
      } catch {
        this.owner.unfile(subscriptionKey(this.callId, this.fromTag), this);
        return;
      }
    }
    this.linger();
    void this.owner.host.sender.sendInDialog(this.dialog, 'SUBSCRIBE', { headers: this.headers(0, undefined) });
  }

  /** Keeps answering NOTIFYs of an ended subscription for 32 s (64·T1), then forgets it (further ones get 481). */
  private linger(): void {
    const key = subscriptionKey(this.callId, this.fromTag);
    this.lingerTimer = this.clock.setTimeout(() => {
      this.lingerTimer = undefined;
      this.owner.unfile(key, this);
    }, 32_000);
  }

  /** A subscription that held for STABLE_MS worked: the next failure starts the back-off from the beginning. */
  private forgetFailuresIfHeld(): void {
    if (this.activeSince !== undefined && this.clock.now() - this.activeSince >= STABLE_MS) this.attempts = 0;
    this.activeSince = undefined;
  }

  private reset(): void {
    this.generation++;
    this.clearTimers();
    this.owner.unfile(subscriptionKey(this.callId, this.fromTag), this);
    this.dialog = undefined;
  }

  private clearTimers(): void {
    this.cancelPaced?.();
    this.cancelPaced = undefined;
    for (const t of [this.refreshTimer, this.retryTimer, this.lingerTimer]) if (t) this.clock.clearTimeout(t);
    this.refreshTimer = this.retryTimer = this.lingerTimer = undefined;
  }

  private setStatus(status: SubscriptionStatus): void {
    this.current = status;
    this.handler.onStateChange(status);
  }
}
