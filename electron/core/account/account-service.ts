// Accounts for the IPC contract: sign-in and sign-out with progress, passwords only through the injected
// secret store, pins for certificates the user trusts, and the SIP trace. One AccountSession per account.
import type { AccountState, AccountSummary, SignInRequest } from '../../../shared/ipc/contract';
import type { Clock } from '../../sip/clock';
import { SipResolver } from '../../sip/resolver/resolver';
import { clientCertificateFromPkcs12 } from '../../sip/transport/client-certificate';
import type { ClientCertificate } from '../../sip/transport/tls-settings';
import type { SipLogger } from '../../sip/transaction/transaction-user';
import type { SipTrace } from '../diagnostics/sip-trace';
import type { EventBus } from '../event-bus';
import { CommandError } from '../ipc/dispatcher';
import type { Platform } from '../platform/platform';
import type { AccountStore } from '../settings/account-store';
import { AccountSession } from './account-session';
import { loadInstallation } from './installation';
import type { Installation } from './installation';
import type { PinStore } from './pin-store';

export interface SipSettings {
  /** DNS servers (`ip` or `ip:port`) for SIP lookups; default: the system's. */
  readonly dnsServers?: readonly string[];
  /** CAs trusted in addition to the system set (PEM), e.g. a company or test CA. */
  readonly extraCaCertificates?: readonly string[];
  /** Requested registration expiry in seconds. */
  readonly registerExpires?: number;
}

export interface AccountServiceOptions {
  readonly platform: Platform;
  readonly events: EventBus;
  readonly accounts: AccountStore;
  readonly pins: PinStore;
  readonly trace: SipTrace;
  readonly sip?: SipSettings;
  readonly clock?: Clock;
  readonly logger?: SipLogger;
}

/** `alice@Example.COM` or `sip:alice@example.com` → `sip:alice@example.com` (domain lower-cased, RFC 3261 §19.1.4). */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().replace(/^sips?:/i, '');
  const m = /^([^@\s;:<>"]+)@([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])$/.exec(trimmed);
  if (!m) throw new CommandError('invalid-payload', `"${address}" is not a SIP address of the form user@domain`);
  return `sip:${m[1]}@${m[2]!.toLowerCase()}`;
}

const passwordKey = (accountId: string) => `password:${accountId}`;

/** A PKCS#12 file sent by the sign-in screen (base64) → key and chain for mutual TLS, or a plain-words refusal. */
function openClientCertificate(base64: string, passphrase: string): ClientCertificate {
  try {
    return clientCertificateFromPkcs12(Buffer.from(base64.replace(/\s+/g, ''), 'base64'), passphrase);
  } catch (error) {
    throw new CommandError('invalid-payload', `The client certificate could not be opened (wrong passphrase or not a PKCS#12 file): ${(error as Error).message}`);
  }
}

export class AccountService {
  private readonly sessions = new Map<string, AccountSession>();
  private readonly resolver: SipResolver;
  private installation: Promise<Installation> | undefined;

  constructor(private readonly options: AccountServiceOptions) {
    const dns = options.sip?.dnsServers;
    this.resolver = new SipResolver(dns && dns.length ? { servers: [...dns] } : {});
  }

  session(accountId: string): AccountSession | undefined {
    return this.sessions.get(accountId);
  }

  async signIn(request: SignInRequest): Promise<AccountState> {
    const aor = normalizeAddress(request.address);
    const { secrets } = this.options.platform;
    if (request.rememberPassword && !secrets.persistent) {
      throw new CommandError('unavailable', 'Parley cannot remember passwords here: no encrypted keychain is available, so the password would have to be stored in plain text.');
    }
    const account: AccountSummary = {
      id: aor,
      aor,
      displayName: request.displayName ?? aor.slice(4, aor.indexOf('@')),
      transport: request.transport ?? 'tls',
      rememberPassword: request.rememberPassword ?? false,
      ...(request.server ? { server: request.server } : {}),
    };
    await this.sessions.get(aor)?.stop();
    const domain = aor.slice(aor.indexOf('@') + 1);
    // A one-time trust (this sign-in only) wins over a stored pin; neither is written anywhere by sign-in.
    const pinned = request.trustOnceFingerprint256 ?? (await this.options.pins.get(domain))?.fingerprint256;
    const clientCertificate = request.clientCertificateP12Base64 ? openClientCertificate(request.clientCertificateP12Base64, request.clientCertificatePassphrase ?? '') : undefined;
    const session = new AccountSession({
      account,
      password: request.password,
      installation: await (this.installation ??= loadInstallation(this.options.platform.profileDir)),
      resolver: this.resolver,
      tls: {
        ...(this.options.sip?.extraCaCertificates ? { extraCaCertificates: [...this.options.sip.extraCaCertificates] } : {}),
        ...(pinned ? { pins: { [domain]: pinned } } : {}),
        ...(clientCertificate ? { clientCertificate } : {}),
      },
      trace: this.options.trace,
      onState: (state) => this.options.events.emit('account.state', state),
      ...(this.options.clock ? { clock: this.options.clock } : {}),
      ...(this.options.logger ? { logger: this.options.logger } : {}),
      ...(this.options.sip?.registerExpires ? { registerExpires: this.options.sip.registerExpires } : {}),
    });
    this.sessions.set(aor, session);
    const state = await session.start();
    if (state.state === 'registered') {
      await this.remember(account, request.password);
    }
    return state;
  }

  async signOut(accountId: string): Promise<AccountState> {
    const session = this.sessions.get(accountId);
    if (!session) return { accountId, state: 'signed-out' };
    this.sessions.delete(accountId);
    return session.stop();
  }

  /** "Trust always" for a certificate the sign-in refused: pinned for that domain only. */
  async trustCertificate(domain: string, fingerprint256: string): Promise<void> {
    await this.options.pins.pin(domain, fingerprint256);
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.signOut(id)));
  }

  /** Saves the account (never the password) and, if asked and possible, the password in the keychain. */
  private async remember(account: AccountSummary, password: string): Promise<void> {
    const all = (await this.options.accounts.list()).filter((a) => a.id !== account.id);
    await this.options.accounts.save([...all, account]);
    const { secrets } = this.options.platform;
    if (account.rememberPassword && secrets.persistent) await secrets.set(passwordKey(account.id), password);
    else await secrets.delete(passwordKey(account.id));
  }
}
