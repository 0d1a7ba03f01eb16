// Registration usage (RFC 3261 §10.2, RFC 5626 instance id): REGISTER with our Contact and +sip.instance, refresh
// at 80–90 % of the granted expiry, 423 → retry with Min-Expires, un-register on sign-out (Expires: 0), re-register
// after a reconnect, and every state change reported to the owner through RegistrationHandler (architecture.md
// house rule 6). The owner (the account service) decides when to retry after a failure.
import type { Clock, TimerHandle } from '../clock';
import { parseNameAddr } from '../message/headers/name-addr';
import type { SipResponse } from '../message/message';
import type { RequestSender, SendOutcome } from './request-sender';
import { newCallId, newTag } from './request-sender';

export type RegistrationFailure = 'credentials' | 'transport' | 'timeout' | 'server';

export type RegistrationState =
  | { readonly kind: 'unregistered' }
  | { readonly kind: 'registering' }
  | { readonly kind: 'registered'; readonly expires: number }
  | { readonly kind: 'failed'; readonly reason: RegistrationFailure; readonly detail: string };

export interface RegistrationHandler {
  onStateChange(state: RegistrationState): void;
}

export interface RegistrationOptions {
  /** Our reachable Contact address (what the transport reports for the connection to the home server). */
  readonly contact: { readonly user: string; readonly host: string; readonly port: number; readonly transport?: 'tls' | 'tcp' };
  /** RFC 5626 §4.1 instance id, e.g. 'urn:uuid:00000000-0000-4000-8000-000000000000' (stable per installation). */
  readonly instanceId: string;
  /** Requested expiry in seconds (default 3600). */
  readonly expires?: number;
  /** Registrar Request-URI (default: the AOR's domain, §10.2). */
  readonly registrar?: string;
  readonly clock: Clock;
  /** Fraction of the granted expiry after which to refresh; default random in [0.8, 0.9]. */
  readonly refreshFraction?: () => number;
  /** Extra headers (e.g. Supported) for every REGISTER. */
  readonly headers?: ReadonlyArray<[string, string]>;
}

/** §10.2: the registrar is the AOR's domain (host and port of the AOR, no user part). */
function registrarOf(aor: string): string {
  const uri = parseNameAddr(`<${aor}>`).uri;
  return `${uri.scheme}:${uri.host}${uri.port !== undefined ? `:${uri.port}` : ''}`;
}

export class Registration {
  private current: RegistrationState = { kind: 'unregistered' };
  private readonly callId = newCallId();
  private readonly fromTag = newTag();
  private cseq = 1;
  private expires: number;
  private refreshTimer: TimerHandle | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** Bumped by stop(): results of REGISTERs sent before it no longer change the state. */
  private generation = 0;
  readonly contactUri: string;

  constructor(
    private readonly sender: RequestSender,
    private readonly options: RegistrationOptions,
    private readonly handler: RegistrationHandler,
  ) {
    this.expires = options.expires ?? 3600;
    const c = options.contact;
    this.contactUri = `sip:${c.user}@${c.host}:${c.port};transport=${c.transport ?? 'tls'}`;
  }

  get state(): RegistrationState {
    return this.current;
  }

  /** The Contact header value: `<sip:user@host:port;transport=tls>;+sip.instance="<urn:uuid:…>"` (RFC 5626 §4.2). */
  contactHeader(): string {
    return `<${this.contactUri}>;+sip.instance="<${this.options.instanceId}>"`;
  }

  /** Registers (or refreshes now). Resolves when the attempt has finished; the outcome is in `state`. */
  register(): Promise<void> {
    return this.enqueue(() => this.doRegister(this.generation));
  }

  /** After the transport reconnected: the binding is tied to the old connection, so register again at once. */
  reconnected(): Promise<void> {
    return this.register();
  }

  /** Sign-out: un-registers our Contact (§10.2.2: Expires 0) and ends in `unregistered` whatever the answer. */
  unregister(): Promise<void> {
    this.cancelRefresh();
    const wasActive = this.current.kind === 'registered' || this.current.kind === 'registering';
    this.generation++;
    return this.enqueue(async () => {
      if (wasActive) await this.sendRegister(0);
      this.setState({ kind: 'unregistered' });
    });
  }

  /** Stops refreshing without sending anything (e.g. the account is being discarded). */
  dispose(): void {
    this.cancelRefresh();
    this.generation++;
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => {});
    return next;
  }

  private async doRegister(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    this.cancelRefresh();
    if (this.current.kind !== 'registered') this.setState({ kind: 'registering' });
    let outcome = await this.sendRegister(this.expires);
    if (generation !== this.generation) return;
    if (outcome.response.status === 423 && outcome.origin === 'network') {
      // §10.2.8 / §21.4.17 (423 Interval Too Brief): retry once with the registrar's Min-Expires.
      const min = Number.parseInt(outcome.response.header('Min-Expires') ?? '', 10);
      if (!Number.isFinite(min) || min <= this.expires) {
        this.fail('server', `423 without a usable Min-Expires (${outcome.response.header('Min-Expires') ?? 'absent'})`);
        return;
      }
      this.expires = min;
      outcome = await this.sendRegister(this.expires);
      if (generation !== this.generation) return;
    }
    this.handleOutcome(outcome, generation);
  }

  private handleOutcome(outcome: SendOutcome, generation: number): void {
    const { response, origin } = outcome;
    if (origin === 'timeout') return this.fail('timeout', 'REGISTER timed out (RFC 3261 §17.1.2.2 Timer F)');
    if (origin === 'transport-error') return this.fail('transport', 'could not reach the home server');
    if (outcome.authFailure) return this.fail('credentials', outcome.authFailure.detail);
    if (response.status >= 200 && response.status < 300) {
      const granted = this.grantedExpires(response);
      if (granted <= 0) return this.fail('server', 'registrar did not keep our binding');
      this.setState({ kind: 'registered', expires: granted });
      const fraction = this.options.refreshFraction?.() ?? 0.8 + Math.random() * 0.1;
      this.refreshTimer = this.options.clock.setTimeout(() => {
        this.refreshTimer = undefined;
        void this.enqueue(() => this.doRegister(generation));
      }, Math.floor(granted * fraction * 1000));
      return;
    }
    this.fail('server', `${response.status} ${response.reason}`);
  }

  /**
   * §10.2.4: the expiry granted to *our* binding: the `expires` parameter of the Contact in the 200 that matches
   * ours (by +sip.instance, or by URI compared case-insensitively), else the Expires header, else what we asked.
   */
  private grantedExpires(response: SipResponse): number {
    for (const value of response.headers('Contact')) {
      let na;
      try {
        na = parseNameAddr(value, 'Contact');
      } catch {
        continue;
      }
      const instance = na.params.get('+sip.instance')?.replace(/^"|"$/g, '');
      const ours = instance === `<${this.options.instanceId}>` || na.uriText.toLowerCase() === this.contactUri.toLowerCase();
      const expires = na.params.get('expires');
      if (ours && expires != null) {
        const n = Number.parseInt(expires, 10);
        if (Number.isFinite(n)) return n;
      }
    }
    const header = Number.parseInt(response.header('Expires') ?? '', 10);
    return Number.isFinite(header) ? header : this.expires;
  }

  private async sendRegister(expires: number): Promise<SendOutcome> {
    const outcome = await this.sender.send({
      method: 'REGISTER',
      uri: this.options.registrar ?? registrarOf(this.sender.account.aor),
      to: `<${this.sender.account.aor}>`,
      callId: this.callId,
      fromTag: this.fromTag,
      cseq: this.cseq,
      headers: [['Contact', this.contactHeader()], ['Expires', String(expires)], ...(this.options.headers ?? [])],
    });
    // §10.2.4: the same Call-ID for every REGISTER to this registrar, CSeq increasing by one each time.
    this.cseq = outcome.request.cseq.seq + 1;
    return outcome;
  }

  private fail(reason: RegistrationFailure, detail: string): void {
    this.setState({ kind: 'failed', reason, detail });
  }

  private cancelRefresh(): void {
    if (this.refreshTimer !== undefined) {
      this.options.clock.clearTimeout(this.refreshTimer);
      this.refreshTimer = undefined;
    }
  }

  private setState(state: RegistrationState): void {
    this.current = state;
    this.handler.onStateChange(state);
  }
}
