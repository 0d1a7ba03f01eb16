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
import { presenceHandlers } from './ipc/handlers/presence';
import { watcherHandlers } from './ipc/handlers/watchers';
import { buddyListUri, PresenceService } from './presence/presence-service';
import { ActivityIdleSource } from './presence/idle-source';
import type { IdleSource } from './presence/idle-source';
import { AppSettingsStore } from './settings/app-settings-store';
import { settingsHandlers } from './ipc/handlers/settings';
import { chatHandlers } from './ipc/handlers/chat';
import { ChatService } from './chat/chat-service';
import { HistoryStore } from './history/history-store';
import { ContactStore } from './contacts/contact-store';
import { ContactsService } from './contacts/contacts-service';
import { ActiveAccount } from './contacts/active-account';
import { contactsHandlers } from './ipc/handlers/contacts';
import { historyHandlers } from './ipc/handlers/history';
import { openDatabase } from './storage/database';
import { diagnosticsHandlers } from './ipc/handlers/diagnostics';
import { ServerListService } from './xcap/server-list-service';
import { PresenceRulesService } from './xcap/presence-rules-service';
import type { XcapSettings } from './xcap/server-list-service';

export interface AppCoreOptions {
  readonly sip?: SipSettings;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
  /** Idle time for automatic Away (presence); default: none (no automatic Away). */
  readonly idle?: IdleSource;
  /** Server-side contact list (XCAP): root per account, else discovered through DNS `_xcap._tcp`. */
  readonly xcap?: XcapSettings;
}

export interface AppCore {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  readonly platform: Platform;
  readonly accounts: AccountService;
  readonly trace: SipTrace;
  readonly chat: ChatService;
  readonly presence: PresenceService;
  readonly history: HistoryStore;
  readonly contacts: ContactsService;
  readonly serverLists: ServerListService;
  readonly presenceRules: PresenceRulesService;
  /** Idle minutes and notification choices (settings.get/set); main reads `peek()` for its notifier. */
  readonly settings: AppSettingsStore;
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
  // The profile database, opened once: history (chat), the contact list and block list (presence, chat,
  // contacts.*). Closed last in close().
  const db = openDatabase(platform.profileDir);
  const contactStore = new ContactStore(db, { onListenerError: (error) => log(`contacts listener: ${error instanceof Error ? error.stack : String(error)}`) });
  const history = new HistoryStore(db);
  // contacts.* act on the signed-in account, else the last used one (this run, else the last saved in
  // accounts.json), else 'local' (contacts-service.ts explains why).
  const activeAccount = new ActiveAccount(events);
  const contacts = new ContactsService({
    store: contactStore,
    activeAccountId: () => activeAccount.current(),
    lastUsedAccountId: async () => activeAccount.lastUsed() ?? (await store.list().catch(() => [])).at(-1)?.id,
    events,
    log,
  });
  activeAccount.onChange(() => void contacts.refresh().catch((error: unknown) => log(`contacts: ${String(error)}`)));
  const chat = new ChatService({
    events,
    accounts: { userAgentOf: (id) => accounts.session(id)?.userAgent },
    history,
    blocks: contactStore,
    ...(opts.clock ? { clock: opts.clock } : {}),
    log,
  });
  // The contact list on the server (resource-lists over XCAP), synced on sign-in and after local edits.
  const serverLists = new ServerListService({
    store: contactStore,
    db,
    events,
    settings: { ...(opts.sip?.dnsServers ? { dnsServers: opts.sip.dnsServers } : {}), ...opts.xcap },
    // A buddy list new on the server (first sync of this account) replaces the individual subscriptions.
    onBuddyList: (accountId, _uri, added) => {
      if (added) presence.retryList(accountId);
    },
    log,
  });
  // Who may see our presence: pres-rules on the same XCAP server (contacts allowed, blocked ones politely blocked).
  const presenceRules = new PresenceRulesService({ store: contactStore, lists: serverLists, log });
  const presence = new PresenceService({
    accounts,
    events,
    contacts: contactStore,
    profileDir: platform.profileDir,
    // Batched presence (RFC 4662) through the home server's RLS when it has one; pres-rules decide what blocking does.
    resourceList: buddyListUri,
    presenceRules: (accountId) => serverLists.hasServerList(accountId),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.idle ? { idle: opts.idle } : {}),
    log,
  });
  // Stored settings are applied as soon as they are read; a corrupt file is logged and the defaults stay.
  const settings = new AppSettingsStore(platform.profileDir);
  const applySettings = (current: { idleMinutes: number }): void => presence.setIdleMinutes(current.idleMinutes);
  void settings
    .get()
    .then(applySettings)
    .catch((error: unknown) => log(`settings: ${error instanceof Error ? error.message : String(error)}`));
  const dispatch = createDispatcher(
    {
      'app.info': async () => ({
        name: platform.appName,
        version: platform.version,
        platform: platform.platform,
        carrier: platform.carrier,
      }),
      'account.list': async () => store.list(),
      'account.signIn': async (request) => {
        const state = await accounts.signIn(request);
        // Not awaited: the list is shown from the local copy at once and follows the server when it answers.
        if (state.state === 'registered') {
          void serverLists
            .signedIn(state.accountId, request.password)
            .then(() => (serverLists.hasServerList(state.accountId) ? presenceRules.reconcile(state.accountId) : undefined))
            .catch((error: unknown) => log(`pres-rules: ${error instanceof Error ? error.message : String(error)}`));
        }
        return state;
      },
      'account.signOut': async ({ accountId }) => {
        // Withdraw our published presence first, so watchers do not see us online until it expires.
        await presence.beforeSignOut(accountId);
        return accounts.signOut(accountId);
      },
      'certificate.trust': async ({ domain, fingerprint256 }) => {
        await accounts.trustCertificate(domain, fingerprint256);
        return {};
      },
      ...diagnosticsHandlers({ trace, accounts, ...(opts.sip ? { sip: opts.sip } : {}) }),
      ...chatHandlers(chat),
      ...historyHandlers(history),
      ...presenceHandlers(presence),
      ...watcherHandlers({ rules: presenceRules, accountId: () => activeAccount.current(), hasPresenceRules: (id) => serverLists.hasServerList(id) }),
      ...contactsHandlers(contacts),
      ...settingsHandlers({
        store: settings,
        apply: applySettings,
        // Only an activity-fed idle source (headless host, tests) learns from the UI; Electron reads the OS.
        ...(opts.idle instanceof ActivityIdleSource
          ? {
              activity: () => {
                (opts.idle as ActivityIdleSource).touch();
                presence.checkIdle();
              },
            }
          : {}),
      }),
    },
    { onInternalError: (command, error) => log(`ipc ${command}: ${error instanceof Error ? error.stack : String(error)}`) },
  );
  const close = async (): Promise<void> => {
    presenceRules.close();
    serverLists.close();
    await presence.close();
    await chat.close();
    await accounts.close();
    contacts.dispose();
    activeAccount.dispose();
    db.close();
  };
  return { dispatch, events, platform, accounts, trace, chat, presence, history, contacts, serverLists, presenceRules, settings, close };
}
