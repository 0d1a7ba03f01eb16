// Composes the services that run without Electron and exposes them through the one IPC contract.
// electron/main, electron/host and electron/cli each create one AppCore with their own Platform.
import type { Clock } from '../sip/clock';
import { AccountService } from './account/account-service';
import type { SipSettings } from './account/account-service';
import { PinStore } from './account/pin-store';
import { SipTrace } from './diagnostics/sip-trace';
import { AccountStore } from './settings/account-store';
import { createDispatcher } from './ipc/dispatcher';
import type { Dispatch } from './ipc/dispatcher';
import { EventBus } from './event-bus';
import type { Platform } from './platform/platform';
import { pendingHandlers } from './ipc/handlers/pending';

export interface AppCoreOptions {
  readonly sip?: SipSettings;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
}

export interface AppCore {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  readonly platform: Platform;
  readonly accounts: AccountService;
  readonly trace: SipTrace;
  close(): Promise<void>;
}

export function createAppCore(platform: Platform, options: AppCoreOptions | ((line: string) => void) = {}): AppCore {
  const opts: AppCoreOptions = typeof options === 'function' ? { log: options } : options;
  const log = opts.log ?? (() => {});
  const store = new AccountStore(platform.profileDir);
  const events = new EventBus();
  const trace = new SipTrace();
  const accounts = new AccountService({
    platform,
    events,
    accounts: store,
    pins: new PinStore(platform.profileDir),
    trace,
    ...(opts.sip ? { sip: opts.sip } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const dispatch = createDispatcher(
    {
      'app.info': async () => ({
        name: platform.appName,
        version: platform.version,
        platform: platform.platform,
        carrier: platform.carrier,
      }),
      'account.list': async () => store.list(),
      'account.signIn': async (request) => accounts.signIn(request),
      'account.signOut': async ({ accountId }) => accounts.signOut(accountId),
      'certificate.trust': async ({ domain, fingerprint256 }) => {
        await accounts.trustCertificate(domain, fingerprint256);
        return {};
      },
      'diagnostics.sipLog': async ({ afterSeq }) => trace.since(afterSeq ?? 0),
      ...pendingHandlers(['chat.list', 'chat.open', 'chat.send', 'chat.retry', 'chat.typing', 'chat.markRead', 'history.search', 'history.delete', 'history.export'], 'chat'),
      ...pendingHandlers(['presence.setOwn', 'presence.list'], 'presence'),
      ...pendingHandlers(['contacts.list', 'contacts.add', 'contacts.update', 'contacts.remove', 'contacts.renameGroup'], 'the contact list'),
    },
    { onInternalError: (command, error) => log(`ipc ${command}: ${error instanceof Error ? error.stack : String(error)}`) },
  );
  return { dispatch, events, platform, accounts, trace, close: () => accounts.close() };
}
