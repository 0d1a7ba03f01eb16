// The server-side contact list of each signed-in account (issue 9 item 2): finds the account's XCAP root, syncs
// the local list with its `resource-lists` document on sign-in, and pushes local edits (debounced) while signed
// in. Offline — no XCAP server, or it does not answer — the local list keeps working and the next sign-in merges.
// After each sync the account's buddy list (rls-services, for batched presence) is written from the merged list.
import { Resolver } from 'node:dns/promises';
import type { AccountState } from '../../../shared/ipc/contract';
import type { EventBus } from '../event-bus';
import type { ContactStore } from '../contacts/contact-store';
import type { SqliteDatabase } from '../storage/database';
import { publishBuddyList } from './buddy-list-publisher';
import type { BuddyListResult } from './buddy-list-publisher';
import { ContactListSync } from './contact-list-sync';
import type { SyncResult } from './contact-list-sync';
import { XcapClient } from './xcap-client';
import { XcapError } from './xcap-errors';

/** RFC 4825 §6.1: the XCAP root's path is the server's choice; this is the common (and Kamailio's) default. */
export const DEFAULT_XCAP_ROOT_PATH = '/xcap-root';

export interface XcapSettings {
  /** The XCAP root per account (e.g. `http://127.0.0.2:8080/xcap-root`); undefined = discover through DNS. */
  readonly root?: (accountId: string) => string | undefined;
  /** DNS servers for the `_xcap._tcp` lookup (default: the system's). */
  readonly dnsServers?: readonly string[];
  /** Extra trust anchors for https roots. */
  readonly ca?: string;
  /** Wait this long after a local edit before writing (default 300 ms): several edits become one PUT. */
  readonly debounceMs?: number;
}

export interface ServerListServiceOptions {
  readonly store: ContactStore;
  readonly db: SqliteDatabase;
  readonly events: EventBus;
  readonly settings?: XcapSettings;
  readonly log?: (line: string) => void;
  /**
   * The account's buddy list (rls-services, RFC 4826 §4) was written from its contact list: `added` when the
   * service is new (the RLS did not know the list before). Presence can then subscribe to `uri` as a list (RFC 4662).
   */
  readonly onBuddyList?: (accountId: string, uri: string, added: boolean) => void;
}

/** A contact-list sync and what became of the buddy list written from it. */
export interface ServerSyncResult extends SyncResult {
  /** The buddy list after this sync (written or already right); undefined when it failed (see buddyListError). */
  readonly buddyList?: BuddyListResult;
  /** Why the buddy list could not be written; the contact list sync itself succeeded. */
  readonly buddyListError?: string;
}

interface Session {
  readonly accountId: string;
  readonly client: XcapClient;
  /** The running or last sync; syncs of one account never overlap. */
  chain: Promise<ServerSyncResult | undefined>;
  timer: ReturnType<typeof setTimeout> | undefined;
  lastError: string | undefined;
  buddyListError: string | undefined;
  closed: boolean;
}

export class ServerListService {
  readonly #opts: ServerListServiceOptions;
  readonly #sync: ContactListSync;
  readonly #sessions = new Map<string, Session>();
  /** Sign-ins whose XCAP root is still being found (idle() waits for them too). */
  readonly #starting = new Map<string, Promise<unknown>>();
  readonly #unsubscribe: Array<() => void> = [];

  constructor(opts: ServerListServiceOptions) {
    this.#opts = opts;
    this.#sync = new ContactListSync({ store: opts.store, db: opts.db });
    this.#unsubscribe.push(
      opts.store.onChange((change) => {
        if (this.#sync.applying) return; // our own merge being applied
        if (change.kind === 'domain-blocked' || change.kind === 'domain-unblocked') return;
        if (change.kind === 'updated' && change.contact.group === change.previous.group && change.contact.displayName === change.previous.displayName) return;
        this.#schedule(change.accountId);
      }),
      opts.events.subscribe((name, payload) => {
        if (name !== 'account.state') return;
        const s = payload as AccountState;
        if (s.state === 'signed-out' || s.state === 'failed') this.signedOut(s.accountId);
      }),
    );
  }

  /** The account signed in: from now on its list follows the server. Resolves after the first sync (or its failure). */
  signedIn(accountId: string, password: string): Promise<ServerSyncResult | undefined> {
    this.signedOut(accountId);
    const start = this.#start(accountId, password).finally(() => {
      if (this.#starting.get(accountId) === start) this.#starting.delete(accountId);
    });
    this.#starting.set(accountId, start);
    return start;
  }

  async #start(accountId: string, password: string): Promise<ServerSyncResult | undefined> {
    const root = await this.#root(accountId);
    if (!root) {
      this.#opts.log?.(`xcap: no XCAP server known for ${accountId}; the contact list stays local`);
      return undefined;
    }
    const user = accountId.replace(/^sips?:/, '');
    const client = new XcapClient({ root, xui: accountId, username: user.slice(0, user.indexOf('@')), password, ...(this.#opts.settings?.ca ? { ca: this.#opts.settings.ca } : {}) });
    const session: Session = { accountId, client, chain: Promise.resolve(undefined), timer: undefined, lastError: undefined, buddyListError: undefined, closed: false };
    this.#sessions.set(accountId, session);
    return this.sync(accountId);
  }

  signedOut(accountId: string): void {
    const s = this.#sessions.get(accountId);
    if (!s) return;
    s.closed = true;
    if (s.timer) clearTimeout(s.timer);
    this.#sessions.delete(accountId);
  }

  /** Has this account a server-side list (signed in and an XCAP root known)? */
  hasServerList(accountId: string): boolean {
    return this.#sessions.has(accountId);
  }

  client(accountId: string): XcapClient | undefined {
    return this.#sessions.get(accountId)?.client;
  }

  lastError(accountId: string): string | undefined {
    return this.#sessions.get(accountId)?.lastError;
  }

  /** Why the last buddy-list write failed (undefined once one succeeds); the contact list may still be in sync. */
  buddyListError(accountId: string): string | undefined {
    return this.#sessions.get(accountId)?.buddyListError;
  }

  /** Runs a sync now (after any running one). Resolves undefined when the server could not be reached. */
  sync(accountId: string): Promise<ServerSyncResult | undefined> {
    const s = this.#sessions.get(accountId);
    if (!s) return Promise.resolve(undefined);
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = undefined;
    }
    s.chain = s.chain.then(async () => {
      if (s.closed) return undefined;
      try {
        const r = await this.#sync.sync(accountId, s.client);
        s.lastError = undefined;
        this.#opts.log?.(`xcap: ${accountId} synced: ${r.contacts} contacts, pulled ${r.pulled}, ${r.pushed ? 'pushed' : 'unchanged'}, ${r.conflicts} conflict(s)`);
        return { ...r, ...(await this.#publishBuddyList(s)) };
      } catch (err) {
        // Offline or refused: the local copy stays authoritative until the next sync; nothing is dropped.
        s.lastError = err instanceof Error ? err.message : String(err);
        this.#opts.log?.(`xcap: ${accountId} sync failed: ${s.lastError}`);
        if (!(err instanceof XcapError)) this.#opts.log?.(String(err instanceof Error ? err.stack : err));
        return undefined;
      }
    });
    return s.chain;
  }

  /**
   * Writes the buddy list from the list just synced (the merge result, now the local list). Its failure is logged
   * and reported, never a failure of the contact sync: presence then falls back to individual subscriptions.
   */
  async #publishBuddyList(s: Session): Promise<Pick<ServerSyncResult, 'buddyList' | 'buddyListError'>> {
    try {
      const entries = this.#sync.local(s.accountId).entries.map((e) => ({ uri: e.uri, ...(e.displayName ? { displayName: e.displayName } : {}) }));
      const b = await publishBuddyList(s.client, s.accountId, entries);
      s.buddyListError = undefined;
      if (b.written) {
        this.#opts.log?.(`xcap: ${s.accountId} buddy list ${b.uri} ${b.created ? 'created' : 'updated'}: ${b.entries} contacts, ${b.conflicts} conflict(s)`);
        if (!s.closed) {
          try {
            this.#opts.onBuddyList?.(s.accountId, b.uri, b.added);
          } catch (err) {
            this.#opts.log?.(`xcap: buddy list listener failed: ${err instanceof Error ? err.stack : String(err)}`);
          }
        }
      }
      return { buddyList: b };
    } catch (err) {
      s.buddyListError = err instanceof Error ? err.message : String(err);
      this.#opts.log?.(`xcap: ${s.accountId} buddy list not written: ${s.buddyListError}`);
      if (!(err instanceof XcapError)) this.#opts.log?.(String(err instanceof Error ? err.stack : err));
      return { buddyListError: s.buddyListError };
    }
  }

  /** Resolves when no sync is pending or running for the account. */
  async idle(accountId: string): Promise<void> {
    await this.#starting.get(accountId);
    for (;;) {
      const s = this.#sessions.get(accountId);
      if (!s) return;
      const chain = s.chain;
      await chain;
      if (!s.timer && s.chain === chain) return;
      if (s.timer) await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    for (const id of [...this.#sessions.keys()]) this.signedOut(id);
    this.#unsubscribe.forEach((u) => u());
  }

  #schedule(accountId: string): void {
    const s = this.#sessions.get(accountId);
    if (!s) return; // signed out: the edit is local until the next sign-in merges it
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void this.sync(accountId);
    }, this.#opts.settings?.debounceMs ?? 300);
  }

  /** Configured root, else DNS SRV `_xcap._tcp.<domain>` (the record XCAP deployments publish; no RFC defines one). */
  async #root(accountId: string): Promise<string | undefined> {
    const configured = this.#opts.settings?.root?.(accountId);
    if (configured) return configured;
    const domain = accountId.slice(accountId.indexOf('@') + 1);
    const r = new Resolver({ timeout: 1500, tries: 1 });
    if (this.#opts.settings?.dnsServers?.length) r.setServers([...this.#opts.settings.dnsServers]);
    try {
      const srv = (await r.resolveSrv(`_xcap._tcp.${domain}`)).sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
      // The target is resolved with the same resolver: node:http would ask the system's, which may not know it.
      if (srv) return `http://${(await r.resolve4(srv.name))[0] ?? srv.name}:${srv.port}${DEFAULT_XCAP_ROOT_PATH}`;
    } catch {
      /* no record: no server-side list */
    }
    return undefined;
  }
}
