// Event state publication (RFC 3903) of our own presence to the home server: initial PUBLISH with the document,
// refresh before expiry with SIP-If-Match and no body (§4.3), modify with SIP-If-Match and the new document
// (§4.4), remove with Expires: 0 (§4.5). A 412 means the server lost our entity-tag: start over with an initial
// PUBLISH (§4.4, §6 step 3). A 423 is retried once with Min-Expires (§6 step 2 / RFC 3261 §21.4.17).
// Operations run one at a time, in order, so a refresh never races a modify.
import type { Clock, TimerHandle } from '../clock';
import type { RequestSender, SendOutcome } from './request-sender';

export type PublicationState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'published'; readonly etag: string; readonly expires: number }
  | { readonly kind: 'removed' }
  | { readonly kind: 'failed'; readonly status?: number; readonly detail: string };

export interface PublicationOptions {
  readonly clock: Clock;
  /** Event package (default `presence`). */
  readonly event?: string;
  /** Requested duration in seconds (default 3600). */
  readonly expires?: number;
  /** Refresh this many seconds before expiry (default: 10 % of the duration, at least 5 s, at most 120 s). */
  readonly refreshMarginSeconds?: number;
  readonly onStateChange?: (state: PublicationState) => void;
}

export interface PublishDocument {
  readonly contentType: string;
  readonly body: string;
}

export class Publication {
  private current: PublicationState = { kind: 'idle' };
  private etag: string | undefined;
  private document: PublishDocument | undefined;
  private expires: number;
  private refreshTimer: TimerHandle | undefined;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly sender: RequestSender,
    private readonly options: PublicationOptions,
  ) {
    this.expires = options.expires ?? 3600;
  }

  get state(): PublicationState {
    return this.current;
  }

  /** The entity-tag the server gave us (§4.1 SIP-ETag), if any. */
  get entityTag(): string | undefined {
    return this.etag;
  }

  /** Publishes (first time) or modifies (afterwards) our state. Resolves when done; the outcome is in `state`. */
  publish(document: PublishDocument): Promise<void> {
    this.document = document;
    return this.enqueue(() => this.send(document));
  }

  /** Publishes the last document again from scratch (after a reconnect: the server may have lost it). */
  republish(): Promise<void> {
    this.etag = undefined;
    const doc = this.document;
    return doc ? this.enqueue(() => this.send(doc)) : Promise.resolve();
  }

  /** §4.5: removes our published state (Expires: 0 with SIP-If-Match). */
  remove(): Promise<void> {
    this.cancelRefresh();
    this.document = undefined;
    return this.enqueue(async () => {
      const etag = this.etag;
      this.etag = undefined;
      if (etag) await this.request(0, etag, undefined);
      this.setState({ kind: 'removed' });
    });
  }

  /**
   * Stops refreshing without removing anything: the publication stays valid on the server until it expires (the
   * CLI's `presence set` leaves it so).
   */
  dispose(): void {
    this.disposed = true;
    this.cancelRefresh();
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => {});
    return next;
  }

  /** Initial (no etag) or modify (etag) PUBLISH, with the 412 and 423 rules. */
  private async send(document: PublishDocument): Promise<void> {
    if (this.disposed) return;
    this.cancelRefresh();
    let outcome = await this.request(this.expires, this.etag, document);
    if (this.isStatus(outcome, 412)) {
      // §4.4 / §6: the server does not know our entity-tag (it expired or restarted): initial PUBLISH again.
      this.etag = undefined;
      outcome = await this.request(this.expires, undefined, document);
    }
    if (this.isStatus(outcome, 423)) {
      const min = Number.parseInt(outcome.response.header('Min-Expires') ?? '', 10);
      if (Number.isFinite(min) && min > this.expires) {
        this.expires = min;
        outcome = await this.request(this.expires, this.etag, document);
      }
    }
    this.handle(outcome, document);
  }

  /** §4.3: refresh with SIP-If-Match and no body; on 412 the document is published afresh. */
  private async refresh(): Promise<void> {
    const etag = this.etag;
    const document = this.document;
    if (this.disposed || !document) return;
    if (!etag) return this.send(document);
    const outcome = await this.request(this.expires, etag, undefined);
    if (this.isStatus(outcome, 412)) {
      this.etag = undefined;
      return this.send(document);
    }
    this.handle(outcome, document);
  }

  private isStatus(outcome: SendOutcome, status: number): boolean {
    return outcome.origin === 'network' && outcome.response.status === status;
  }

  private handle(outcome: SendOutcome, document: PublishDocument): void {
    const { response, origin } = outcome;
    if (origin !== 'network') {
      this.setState({ kind: 'failed', detail: origin === 'timeout' ? 'PUBLISH timed out' : 'could not reach the home server' });
      return;
    }
    if (outcome.authFailure) {
      this.setState({ kind: 'failed', status: response.status, detail: outcome.authFailure.detail });
      return;
    }
    if (response.status < 200 || response.status >= 300) {
      this.setState({ kind: 'failed', status: response.status, detail: `${response.status} ${response.reason}` });
      return;
    }
    const etag = response.header('SIP-ETag');
    const granted = Number.parseInt(response.header('Expires') ?? '', 10);
    const expires = Number.isFinite(granted) && granted > 0 ? granted : this.expires;
    if (!etag) {
      // §11.3.1 requires SIP-ETag in a 2xx; without it we cannot refresh, so the next change publishes afresh.
      this.etag = undefined;
      this.setState({ kind: 'published', etag: '', expires });
      this.scheduleRefresh(expires);
      return;
    }
    this.etag = etag;
    this.document = document;
    this.setState({ kind: 'published', etag, expires });
    this.scheduleRefresh(expires);
  }

  private scheduleRefresh(expires: number): void {
    this.cancelRefresh();
    if (this.disposed) return;
    const margin = this.options.refreshMarginSeconds ?? Math.min(120, Math.max(5, expires * 0.1));
    const delay = Math.max(1, expires - Math.min(margin, expires / 2)) * 1000;
    this.refreshTimer = this.options.clock.setTimeout(() => {
      this.refreshTimer = undefined;
      void this.enqueue(() => this.refresh());
    }, Math.floor(delay));
  }

  private request(expires: number, etag: string | undefined, document: PublishDocument | undefined): Promise<SendOutcome> {
    const aor = this.sender.account.aor;
    const headers: Array<[string, string]> = [
      ['Event', this.options.event ?? 'presence'],
      ['Expires', String(expires)],
    ];
    if (etag) headers.push(['SIP-If-Match', etag]);
    // §4.1: Request-URI and To are the presentity (our AOR); a fresh Call-ID each time is allowed (§4.1).
    return this.sender.send({
      method: 'PUBLISH',
      uri: aor,
      to: `<${aor}>`,
      headers,
      ...(document ? { body: document.body, contentType: document.contentType } : {}),
    });
  }

  private cancelRefresh(): void {
    if (this.refreshTimer !== undefined) {
      this.options.clock.clearTimeout(this.refreshTimer);
      this.refreshTimer = undefined;
    }
  }

  private setState(state: PublicationState): void {
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
