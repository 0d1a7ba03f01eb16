// One signed-in account: finds the home server, connects, registers, and keeps it that way.
//
// States (shared/ipc/contract.ts accountState): resolving → connecting → authenticating → registered, or
// failed with a plain-words reason. Once registered, a lost connection or a failed refresh moves to
// reconnecting and retries with exponential backoff and jitter (capped at 8 s in the first two minutes of an
// outage, 60 s after), then registers again — without user action. A refused password or a certificate that
// is no longer trusted stops the session instead: retrying those cannot succeed and would only lock accounts.
import type { AccountState, AccountSummary } from '../../../shared/ipc/contract';
import { systemClock } from '../../sip/clock';
import type { Clock, TimerHandle } from '../../sip/clock';
import type { SipResolver, ResolvedTarget, Resolution } from '../../sip/resolver/resolver';
import { TlsVerificationError } from '../../sip/transport/errors';
import { ReconnectPolicy } from '../../sip/transport/reconnect-policy';
import { StreamTransport } from '../../sip/transport/stream-transport';
import type { TlsSettings } from '../../sip/transport/tls-settings';
import type { TransportTarget } from '../../sip/transport/transport';
import type { SipLogger } from '../../sip/transaction/transaction-user';
import type { Registration, RegistrationState } from '../../sip/usage/registration';
import { UserAgent } from '../../sip/user-agent';
import type { SipTrace } from '../diagnostics/sip-trace';
import type { Installation } from './installation';
import { connectFailure, dnsFailure, SignInFailure } from './sign-in-failure';
import type { Failure } from './sign-in-failure';
import { TracingTransport } from './tracing-transport';

export interface AccountSessionOptions {
  readonly account: AccountSummary;
  readonly password: string;
  readonly installation: Installation;
  readonly resolver: SipResolver;
  readonly tls: TlsSettings;
  readonly trace: SipTrace;
  readonly onState: (state: AccountState) => void;
  readonly clock?: Clock;
  /** Requested registration expiry in seconds (default 600: short enough to notice a dead client soon). */
  readonly registerExpires?: number;
  readonly logger?: SipLogger;
  /** Gives up un-registering on sign-out after this long (default 4 s): sign-out must not hang. */
  readonly signOutTimeoutMs?: number;
}

/** The parts of an address the session needs; the service has validated the address already. */
export function splitAor(aor: string): { user: string; domain: string } {
  const m = /^sips?:([^@;]+)@([^;>?]+)$/i.exec(aor);
  if (!m) throw new SignInFailure(`"${aor}" is not a SIP address of the form user@domain.`, { kind: 'settings' });
  return { user: m[1]!, domain: m[2]!.toLowerCase() };
}

export class AccountSession {
  private current: AccountState;
  private transport: StreamTransport;
  private ua: UserAgent | undefined;
  private registration: Registration | undefined;
  private target: ResolvedTarget | undefined;
  private connectionId: string | undefined;
  private readonly clock: Clock;
  private readonly policy: ReconnectPolicy;
  private reconnectTimer: TimerHandle | undefined;
  private everRegistered = false;
  /** While signing in: fails the sign-in at once if the server closes the connection (see start()). */
  private closedWhileSigningIn: ((failure: SignInFailure) => void) | undefined;
  private stopping = false;
  readonly user: string;
  readonly domain: string;

  constructor(private readonly options: AccountSessionOptions) {
    this.clock = options.clock ?? systemClock;
    this.policy = new ReconnectPolicy({ now: () => this.clock.now() });
    const { user, domain } = splitAor(options.account.aor);
    this.user = user;
    this.domain = domain;
    this.current = { accountId: options.account.id, state: 'signed-out' };
    this.transport = new StreamTransport({ tls: options.tls, clock: this.clock });
  }

  get state(): AccountState {
    return this.current;
  }

  /** The user agent of this account, once connected (IM and presence services send through it). */
  get userAgent(): UserAgent | undefined {
    return this.ua;
  }

  /** Signs in. Resolves with `registered`, or with `failed` and the reason; never throws. */
  async start(): Promise<AccountState> {
    this.stopping = false;
    this.everRegistered = false;
    try {
      const resolution = await this.resolve();
      const target = await this.connectFirst(resolution);
      this.set('authenticating', `Signing in to ${this.describe(target)}…`);
      this.createUserAgent(target);
      // A server that refuses something in the handshake after it completed (TLS 1.3 sends its verdict on a
      // client certificate only then) just closes the connection: say so now instead of waiting for Timer F.
      const closed = new Promise<never>((_, reject) => (this.closedWhileSigningIn = reject));
      closed.catch(() => {});
      try {
        await Promise.race([this.registration!.register(), closed]);
      } finally {
        this.closedWhileSigningIn = undefined;
      }
      const outcome = this.registration!.state;
      if (outcome.kind === 'registered') return this.current;
      throw this.registrationFailure(outcome);
    } catch (error) {
      const failure = error instanceof SignInFailure ? error : new SignInFailure(`Sign-in failed: ${(error as Error)?.message ?? error}`, { kind: 'server' });
      await this.teardown();
      return this.fail(failure.message, failure.failure);
    }
  }

  /** Signs out: un-registers (bounded in time), closes the connection, and ends in `signed-out`. */
  async stop(): Promise<AccountState> {
    this.stopping = true;
    if (this.reconnectTimer) this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    if (this.registration?.state.kind === 'registered') {
      // A wall-clock bound (not the injected protocol clock): it is about the person waiting for sign-out.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.signOutTimeoutMs ?? 4000)));
      await Promise.race([this.registration.unregister(), timeout]);
      clearTimeout(timer);
    }
    await this.teardown();
    this.set('signed-out');
    return this.current;
  }

  // --- sign-in steps ---------------------------------------------------------------------------------------

  private async resolve(): Promise<Resolution> {
    const server = this.options.account.server;
    this.set('resolving', server ? `Looking up ${server}…` : `Looking up the SIP server for ${this.domain}…`);
    const transport = this.options.account.transport;
    try {
      if (server) {
        const { host, port } = parseHostPort(server, transport === 'tls' ? 5061 : 5060);
        return await this.options.resolver.resolveStatic(this.domain, host, port, transport);
      }
      const found = await this.options.resolver.resolveSignIn(this.domain);
      // An account set to TLS never falls back to plain TCP: that would send the password in the clear.
      const targets = found.targets.filter((t) => t.transport === transport);
      if (targets.length === 0) {
        throw new SignInFailure(`${this.domain} publishes no ${transport.toUpperCase()} SIP server in DNS.`, { kind: 'dns' });
      }
      return { ...found, targets };
    } catch (error) {
      if (error instanceof SignInFailure) throw error;
      throw dnsFailure(this.domain, error);
    }
  }

  private async connectFirst(resolution: Resolution): Promise<ResolvedTarget> {
    let last: SignInFailure | undefined;
    for (const target of resolution.targets) {
      this.set('connecting', `Connecting to ${this.describe(target)}…`);
      try {
        this.connectionId = await this.transport.connect(this.transportTarget(target));
        this.target = target;
        return target;
      } catch (error) {
        last = connectFailure(this.describe(target), this.domain, error);
        // A certificate problem is the user's decision (trust or not), not something another server fixes.
        if (error instanceof TlsVerificationError) throw last;
      }
    }
    throw last ?? new SignInFailure(`No SIP server found for ${this.domain}.`, { kind: 'dns' });
  }

  private createUserAgent(target: ResolvedTarget): void {
    const local = this.connectionId ? this.transport.localEndpoint(this.connectionId) : undefined;
    if (!local) throw new SignInFailure(`The connection to ${this.describe(target)} closed at once.`, { kind: 'network', server: this.describe(target) });
    const transport = new TracingTransport(this.transport, this.options.trace, { onClose: (id) => this.onConnectionClosed(id) });
    const account = this.options.account;
    this.ua = new UserAgent({
      transport,
      clock: this.clock,
      sentBy: local,
      ...(this.options.logger ? { logger: this.options.logger } : {}),
      account: {
        aor: account.aor,
        displayName: account.displayName,
        epid: this.options.installation.epid,
        // RFC 3261 §8.1.2: the home server is a pre-loaded loose route for every request we send, as LCS
        // clients do; nothing goes directly to another domain (it would refuse us: testbed-notes pitfall 2).
        outboundProxy: `<sip:${target.host}:${target.port};transport=${target.transport};lr>`,
        target: this.transportTarget(target),
        credentials: { username: this.user, password: this.options.password },
        userAgent: 'Parley',
      },
    });
    this.registration = this.ua.createRegistration(
      {
        contact: { user: this.user, host: local.host, port: local.port, transport: target.transport },
        instanceId: this.options.installation.instanceId,
        expires: this.options.registerExpires ?? 600,
      },
      { onStateChange: (state) => this.onRegistrationState(state) },
    );
  }

  // --- staying signed in -----------------------------------------------------------------------------------

  private onRegistrationState(state: RegistrationState): void {
    if (this.stopping) return;
    if (state.kind === 'registered') {
      this.everRegistered = true;
      this.policy.reset();
      this.set('registered', `Signed in as ${this.options.account.aor} through ${this.target ? this.describe(this.target) : 'the home server'}.`);
      return;
    }
    if (state.kind !== 'failed' || !this.everRegistered) return;
    if (state.reason === 'credentials') {
      const failure = this.registrationFailure(state);
      void this.teardown().then(() => this.fail(failure.message, failure.failure));
      return;
    }
    this.scheduleReconnect(`The server stopped answering (${state.detail}).`);
  }

  private onConnectionClosed(connectionId: string): void {
    if (this.closedWhileSigningIn && connectionId === this.connectionId) {
      const server = this.target ? this.describe(this.target) : this.domain;
      const cert = this.options.tls.clientCertificate ? ' (it may have refused the client certificate)' : '';
      this.closedWhileSigningIn(new SignInFailure(`${server} closed the connection during sign-in${cert}.`, { kind: 'network', server }));
      return;
    }
    if (this.stopping || !this.everRegistered || connectionId !== this.connectionId) return;
    this.connectionId = undefined;
    this.scheduleReconnect('The connection to the server was lost.');
  }

  private scheduleReconnect(why: string): void {
    if (this.stopping || this.reconnectTimer) return;
    const delay = this.policy.nextDelay();
    this.set('reconnecting', `${why} Trying again in ${Math.ceil(delay / 1000)} s.`);
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.reconnect();
    }, delay);
  }

  private async reconnect(): Promise<void> {
    if (this.stopping || !this.target || !this.registration) return;
    try {
      this.connectionId = await this.transport.connect(this.transportTarget(this.target));
    } catch (error) {
      if (error instanceof TlsVerificationError) {
        // The server now shows a certificate we do not trust (or a pinned one changed): say so and stop.
        const failure = connectFailure(this.describe(this.target), this.domain, error);
        await this.teardown();
        this.fail(failure.message, failure.failure);
        return;
      }
      this.scheduleReconnect('The server is still unreachable.');
      return;
    }
    await this.registration.reconnected();
    const state = this.registration.state;
    if (state.kind === 'failed' && state.reason !== 'credentials') this.scheduleReconnect(`Signing in again failed (${state.detail}).`);
  }

  // --- helpers ---------------------------------------------------------------------------------------------

  private registrationFailure(state: RegistrationState): SignInFailure {
    const server = this.target ? this.describe(this.target) : this.domain;
    if (state.kind !== 'failed') return new SignInFailure(`Sign-in to ${server} did not complete.`, { kind: 'server', server });
    switch (state.reason) {
      case 'credentials':
        return new SignInFailure(`${this.domain} did not accept the user name or password for ${this.options.account.aor}.`, { kind: 'credentials', server });
      case 'transport':
        return new SignInFailure(`The connection to ${server} failed while signing in (${state.detail}).`, { kind: 'network', server });
      case 'timeout':
        return new SignInFailure(`${server} did not answer the sign-in request in time.`, { kind: 'network', server });
      case 'server':
        return new SignInFailure(`${server} refused the sign-in: ${state.detail}.`, { kind: 'server', server });
    }
  }

  private transportTarget(target: ResolvedTarget): TransportTarget {
    return { transport: target.transport, host: target.host, port: target.port, tlsServerName: target.tlsServerName, srvTargetName: target.srvTargetName };
  }

  private describe(target: ResolvedTarget): string {
    const name = target.srvTargetName && target.srvTargetName !== target.host ? `${target.srvTargetName} ` : '';
    return `${name}(${target.host}:${target.port})`.trim();
  }

  private async teardown(): Promise<void> {
    this.registration?.dispose();
    if (this.reconnectTimer) this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.transport.close();
    // A fresh transport, so that a later start() on this session object begins from a clean state.
    this.transport = new StreamTransport({ tls: this.options.tls, clock: this.clock });
  }

  private set(state: AccountState['state'], detail?: string): void {
    this.current = { accountId: this.options.account.id, state, ...(detail ? { detail } : {}) };
    this.options.onState(this.current);
  }

  private fail(detail: string, failure: Failure): AccountState {
    this.stopping = true;
    this.current = { accountId: this.options.account.id, state: 'failed', detail, failure };
    this.options.onState(this.current);
    return this.current;
  }
}

export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const m = v6 ?? /^([^:]+)(?::(\d+))?$/.exec(text.trim());
  if (!m) throw new SignInFailure(`"${text}" is not a server address of the form host or host:port.`, { kind: 'settings' });
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SignInFailure(`"${text}" has an invalid port.`, { kind: 'settings' });
  return { host: m[1]!, port };
}
