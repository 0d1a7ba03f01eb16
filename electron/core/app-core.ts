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
import { chatHandlers } from './ipc/handlers/chat';
import { ChatService } from './chat/chat-service';
import { HistoryStore } from './history/history-store';
import { ContactStore } from './contacts/contact-store';
import { openDatabase } from './storage/database';

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
  readonly chat: ChatService;
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
  // The profile database (history, block list). TODO(contacts/history wiring): share these instances with
  // their services when those land here, rather than opening a second ContactStore.
  const db = openDatabase(platform.profileDir);
  const chat = new ChatService({
    events,
    accounts: { userAgentOf: (id) => accounts.session(id)?.userAgent },
    history: new HistoryStore(db),
    blocks: new ContactStore(db),
    ...(opts.clock ? { clock: opts.clock } : {}),
    log,
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
      ...chatHandlers(chat),
      ...pendingHandlers(['history.search', 'history.delete', 'history.export'], 'history'),
      ...pendingHandlers(['presence.setOwn', 'presence.list'], 'presence'),
      ...pendingHandlers(['contacts.list', 'contacts.add', 'contacts.update', 'contacts.remove', 'contacts.renameGroup'], 'the contact list'),
    },
    { onInternalError: (command, error) => log(`ipc ${command}: ${error instanceof Error ? error.stack : String(error)}`) },
  );
  const close = async (): Promise<void> => {
    await chat.close();
    await accounts.close();
    db.close();
  };
  return { dispatch, events, platform, accounts, trace, chat, close };
}
